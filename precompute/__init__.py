"""Precompute the data behind the site's figures: ``python -m precompute --help``.

The only place torch is imported. One module per experiment (linear, overfit,
regularisers, weights); ``writer`` is the one module that writes JSON.
"""

import os

# The same bits on any x86-64 CPU. torch (ATen), MKL and oneDNN each pick vector
# code for the CPU they run on (AVX2, AVX-512, Intel or AMD), and each rounds
# differently: data made on one machine failed --check on an AMD EPYC with
# AVX-512 in 9 314 regulariser values and every checkpoint's sha256. These pin
# the portable code paths (MKL's conditional numerical reproducibility). They
# must be set before torch is imported; worker processes and notebook kernels
# started from here inherit them.
os.environ.update(MKL_CBWR="COMPATIBLE", ATEN_CPU_CAPABILITY="default", ONEDNN_MAX_CPU_ISA="SSE41")
