"""Shared set-up of the curve experiments (overfit, regularisers, weights).

They must train the very same network on the very same data: weights.py
retrains and saves the models whose predictions the other two files export.
"""

from __future__ import annotations

import torch
from torch import nn

from precompute.config import Setup
from precompute.data import CurveData, curve_data
from precompute.model import as_column, make_mlp

Tensors = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]  # x, y, x_val, y_val


def load(cfg: Setup) -> tuple[CurveData, Tensors]:
    d = curve_data(cfg)
    tensors = tuple(as_column(a) for a in (d.x_train, d.y_train, d.x_val, d.y_val))
    return d, tensors


def fresh_model(cfg: Setup, dropout: float = 0.0) -> nn.Module:
    """Same seed, same initial weights for every run: only the knobs differ."""
    torch.manual_seed(cfg.seed)
    return make_mlp(cfg.hidden_layers, cfg.width, cfg.activation, dropout).double()


def held_out(d: CurveData) -> tuple[torch.Tensor, torch.Tensor]:
    """The test set: read once per run, on the model the run keeps."""
    return as_column(d.x_test), as_column(d.y_test)


def columns(d: CurveData) -> dict:
    """train / val / grid as JSON columns; every file repeats them to stand alone."""
    return {
        "train": {"x": d.x_train, "y": d.y_train},
        "val": {"x": d.x_val, "y": d.y_val},
        "grid": {"x": d.x_grid, "y_true": d.y_true},
    }
