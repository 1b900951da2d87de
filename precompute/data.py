"""The datasets: a noisy line, and a noisy curve with validation and test sets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from precompute.config import LinearConfig, Setup

TRUE_FUNCTIONS = {"sin(2.5x)": lambda x: np.sin(2.5 * x)}


def line_data(cfg: LinearConfig) -> tuple[np.ndarray, np.ndarray]:
    """x ~ U(x_low, x_high) then centred, y = true_w * x + true_b + noise."""
    rng = np.random.default_rng(cfg.seed)
    x = rng.uniform(cfg.x_low, cfg.x_high, cfg.n)
    # Exact mean 0 makes the MSE Hessian diagonal: w and b then move independently,
    # which the chapter's 1-D loss slice and its prose rely on.
    x = x - x.mean()
    y = cfg.true_w * x + cfg.true_b + rng.normal(0.0, cfg.noise_std, cfg.n)
    return x, y


@dataclass(frozen=True)
class CurveData:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    x_grid: np.ndarray
    y_true: np.ndarray  # the noise-free function on the grid
    noise_var: float


def curve_data(cfg: Setup) -> CurveData:
    """Few noisy training points, many validation and test points, one true function.

    Validation points pick the epoch and the settings; test points only report
    how good the chosen model is, so the number a reader sees was not tuned on.
    """
    f = TRUE_FUNCTIONS[cfg.function]
    rng = np.random.default_rng(cfg.seed)

    def sample(n: int) -> tuple[np.ndarray, np.ndarray]:
        x = np.sort(rng.uniform(cfg.x_low, cfg.x_high, n))  # sorted: charts draw left to right
        return x, f(x) + rng.normal(0.0, cfg.noise_std, n)

    x_train, y_train = sample(cfg.n_train)
    x_val, y_val = sample(cfg.n_val)
    x_test, y_test = sample(cfg.n_test)  # drawn last: train and val do not depend on n_test
    x_grid = np.linspace(cfg.x_low, cfg.x_high, cfg.n_grid)
    return CurveData(
        x_train, y_train, x_val, y_val, x_test, y_test, x_grid, f(x_grid), cfg.noise_std**2
    )
