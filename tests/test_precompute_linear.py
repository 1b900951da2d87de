"""The line: hand-derived gradients equal autograd's; NumPy and PyTorch loops agree."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from precompute import linear
from precompute.config import LinearConfig
from precompute.data import line_data
from precompute.loops import train_numpy
from precompute.loops_torch import train_torch

DATA = Path(__file__).resolve().parents[1] / "docs" / "data"


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads((DATA / "linear.json").read_text())["data"]


@pytest.mark.parametrize("seed", range(5))
def test_hand_derived_gradients_equal_autograd(seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=30), rng.normal(size=30)
    w0, b0 = rng.normal(), rng.normal()
    # One step with lr = 1 moves each parameter by exactly minus its gradient, so the
    # gradients tested are the ones computed inside the loop the chapter shows.
    (_, w_0, b_0, _), (_, w_1, b_1, _) = train_numpy(x, y, w0, b0, lr=1.0, epochs=1)
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    loss = ((w * torch.tensor(x) + b - torch.tensor(y)) ** 2).mean()
    loss.backward()
    assert abs((w_0 - w_1) - w.grad.item()) < 1e-6
    assert abs((b_0 - b_1) - b.grad.item()) < 1e-6
    assert abs(w.grad.item()) > 1e-3  # a zero gradient would make the check vacuous


def test_fresh_numpy_and_torch_trajectories_agree():
    cfg = LinearConfig()
    x, y = line_data(cfg)
    by_hand = np.array(train_numpy(x, y, cfg.init_w, cfg.init_b, cfg.lr, cfg.epochs))
    autograd = np.array(train_torch(x, y, cfg.init_w, cfg.init_b, cfg.lr, cfg.epochs))
    assert by_hand.shape == autograd.shape == (cfg.epochs + 1, 4)
    assert np.max(np.abs(by_hand - autograd)) < 1e-5
    assert abs(by_hand[-1, 1] - by_hand[0, 1]) > 1  # the weights really moved


def test_committed_trajectories_agree(committed):
    a, b = committed["numpy"], committed["torch"]
    assert a["epoch"] == b["epoch"] == list(range(101))
    for key in ("w", "b", "train_loss"):
        assert len(a[key]) == len(b[key]) == 101
        assert np.max(np.abs(np.subtract(a[key], b[key]))) < 1e-5
        assert committed["max_abs_diff"][key] < 1e-5
        per_epoch = committed["abs_diff"][key]  # taken before rounding, so not just |a - b|
        assert len(per_epoch) == 101 and max(per_epoch) == committed["max_abs_diff"][key]
    assert a["w"][0] == committed["init"]["w"] and a["b"][0] == committed["init"]["b"]
    # gradient descent on a convex quadratic with a small rate: loss never goes up
    assert all(l1 <= l0 for l0, l1 in zip(a["train_loss"], a["train_loss"][1:], strict=False))
    assert abs(a["w"][-1] - committed["optimum"]["w"]) < 1e-3


def test_data_is_centred_so_w_and_b_decouple(committed):
    x = np.array(committed["x"])
    assert abs(x.mean()) < 1e-6
    assert np.mean(x**2) > 1
    assert committed["critical_lr"] == pytest.approx(1 / np.mean(x**2), rel=1e-6)


def test_optimum_is_least_squares(committed):
    x, y = np.array(committed["x"]), np.array(committed["y"])
    w, b = np.polyfit(x, y, 1)
    assert committed["optimum"]["w"] == pytest.approx(w, rel=1e-6)
    assert committed["optimum"]["b"] == pytest.approx(b, rel=1e-6)


def test_lr_sweep_regimes(committed):
    runs = {r["label"]: r for r in committed["lr_sweep"]}
    assert list(runs) == ["crawl", "good", "oscillate", "diverge"]
    w_opt, crit = committed["optimum"]["w"], committed["critical_lr"]
    for run in runs.values():
        assert run["lr"] == pytest.approx(run["lr_over_critical"] * crit, rel=1e-6)
        n = len(run["epoch"])
        assert all(len(run[k]) == n for k in ("w", "b", "train_loss", "slice_loss"))
        assert all(math.isfinite(v) for k in ("w", "b", "train_loss") for v in run[k])
    steps = {k: np.array(r["w"]) - w_opt for k, r in runs.items()}
    # crawl and good approach from one side; oscillate flips side every step
    assert np.all(steps["crawl"] < 0) and np.all(np.diff(np.abs(steps["crawl"])) < 0)
    assert np.all(np.sign(steps["oscillate"][1:20]) != np.sign(steps["oscillate"][:19]))
    assert abs(steps["good"][-1]) < 1e-6 and abs(steps["oscillate"][-1]) < 1e-3
    assert abs(steps["crawl"][-1]) > 0.01  # still crawling after 100 epochs


def test_diverging_run_is_detected_and_stopped(committed):
    runs = {r["label"]: r for r in committed["lr_sweep"]}
    bad = runs["diverge"]
    assert bad["diverged"] is True and bad["stopped_epoch"] == bad["epoch"][-1]
    assert bad["stopped_epoch"] < 100
    assert bad["train_loss"][-1] > 1e6 * bad["train_loss"][0] >= bad["train_loss"][-2]
    for label in ("crawl", "good", "oscillate"):
        assert runs[label]["diverged"] is False and runs[label]["stopped_epoch"] is None
        assert runs[label]["epoch"] == list(range(101))


def test_sweep_stops_before_non_finite_values():
    # a rate so large that float64 overflows: nothing non-finite may be exported
    cfg = LinearConfig(sweep=(("diverge", 1e6),))
    x, y = line_data(cfg)
    run = linear.sweep_run(x, y, cfg, "diverge", 1e6, linear.critical_lr(x), 0.0)
    assert run["diverged"]
    assert all(math.isfinite(v) for k in ("w", "b", "train_loss", "slice_loss") for v in run[k])


def test_slice_loss_is_the_w_only_parabola(committed):
    x, y = np.array(committed["x"]), np.array(committed["y"])
    b_opt = committed["optimum"]["b"]
    run = committed["lr_sweep"][1]
    for w, s in zip(run["w"][:10], run["slice_loss"][:10], strict=True):
        assert s == pytest.approx(((w * x + b_opt - y) ** 2).mean(), rel=1e-5)
