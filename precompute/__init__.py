"""Precompute the data behind the site's figures: ``python -m precompute --help``.

The only place torch is imported. One module per experiment (linear, overfit,
regularisers, weights); ``writer`` is the one module that writes JSON.
"""
