"""Precompute the data behind the site's figures: ``python -m precompute --help``.

The only place torch is imported. One module per experiment (linear, overfit,
regularisers, weights); ``writer`` is the one module that writes JSON.
"""

import os

# MKL picks its code path by processor (Intel or AMD, AVX2 or AVX-512), and two
# paths round float64 sums differently; COMPATIBLE makes it take the same path on
# every x86-64 CPU. Set before torch is imported; worker processes and notebook
# kernels started from here inherit it. torch's own vector kernels need no pin:
# with AVX2 and with AVX-512 the runs are the same bits (CONTRIBUTING, "Data").
os.environ.setdefault("MKL_CBWR", "COMPATIBLE")
