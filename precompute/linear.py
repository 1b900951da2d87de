"""Experiment 1: fit a line by gradient descent, by hand (NumPy) and with autograd.

Writes docs/data/linear.json: both trajectories from the same start (they must
agree), the least-squares optimum, the critical learning rate, and a learning
rate sweep (crawl, good, oscillate, diverge) for the loss-slice figure.
"""

from __future__ import annotations

import math

import numpy as np

from precompute.config import LinearConfig
from precompute.context import Context
from precompute.data import line_data
from precompute.loops import History, train_numpy
from precompute.loops_torch import train_torch
from precompute.writer import Result

KEYS = ("epoch", "w", "b", "train_loss")


def columns(history: History) -> dict[str, list]:
    return {key: [row[i] for row in history] for i, key in enumerate(KEYS)}


def critical_lr(x: np.ndarray) -> float:
    """2 / largest eigenvalue of the MSE Hessian: above it gradient descent diverges.

    L(w, b) is quadratic with Hessian 2 [[mean(x^2), mean(x)], [mean(x), 1]];
    with centred x and mean(x^2) > 1 this is 1 / mean(x^2).
    """
    hessian = 2 * np.array([[np.mean(x**2), np.mean(x)], [np.mean(x), 1.0]])
    return float(2 / np.linalg.eigvalsh(hessian).max())


def optimum(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    (w, b), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
    return {"w": float(w), "b": float(b), "train_loss": float(((w * x + b - y) ** 2).mean())}


def sweep_run(x, y, cfg: LinearConfig, label: str, fraction: float, crit: float, b_opt: float):
    """One learning rate; a diverging run is cut at the first loss beyond the limit."""
    lr = fraction * crit
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is expected here
        history = train_numpy(x, y, cfg.init_w, cfg.init_b, lr, cfg.epochs)
    limit = cfg.divergence_factor * history[0][3]
    stop = next((i for i, row in enumerate(history) if not row[3] <= limit), None)
    if stop is not None:
        # keep the first epoch past the limit if it is still a real number: the chart
        # should show the jump, but JSON cannot hold inf or NaN.
        keep = stop + 1 if all(math.isfinite(v) for v in history[stop]) else stop
        history = history[:keep]
    run = {"label": label, "lr": lr, "lr_over_critical": fraction, **columns(history)}
    run["slice_loss"] = [float(((w * x + b_opt - y) ** 2).mean()) for w in run["w"]]
    run["diverged"] = stop is not None
    run["stopped_epoch"] = history[-1][0] if stop is not None else None
    return run


def run(cfg: LinearConfig, ctx: Context) -> Result:
    tracker = ctx.tracker
    tracker.total(2 + len(cfg.sweep))
    x, y = line_data(cfg)
    by_hand = columns(train_numpy(x, y, cfg.init_w, cfg.init_b, cfg.lr, cfg.epochs))
    tracker.advance()
    autograd = columns(train_torch(x, y, cfg.init_w, cfg.init_b, cfg.lr, cfg.epochs))
    tracker.advance()
    # Per epoch, before rounding: the two loops agree to ~1e-16, which the
    # 8 stored digits of each trajectory cannot show.
    abs_diff = {
        key: np.abs(np.subtract(by_hand[key], autograd[key])) for key in ("w", "b", "train_loss")
    }
    diff = {key: float(np.max(values)) for key, values in abs_diff.items()}
    best = optimum(x, y)
    crit = critical_lr(x)
    sweep = []
    for label, fraction in cfg.sweep:
        sweep.append(sweep_run(x, y, cfg, label, fraction, crit, best["b"]))
        tracker.advance()
    data = {
        "x": x,
        "y": y,
        "init": {"w": cfg.init_w, "b": cfg.init_b},
        "lr": cfg.lr,
        "numpy": by_hand,
        "torch": autograd,
        "abs_diff": abs_diff,
        "max_abs_diff": diff,
        "optimum": best,
        "critical_lr": crit,
        "lr_sweep": sweep,
    }
    return Result(data)


def figures(data: dict) -> dict[str, str]:
    """Key numbers for the summary table, read from the exported data."""
    diverged = [r["label"] for r in data["lr_sweep"] if r["diverged"]]
    return {
        "critical_lr": f"{data['critical_lr']:.4f}",
        "max |numpy-torch| w, b, loss": ", ".join(
            f"{v:.1e}" for v in data["max_abs_diff"].values()
        ),
        "diverged": ", ".join(diverged) or "none",
    }
