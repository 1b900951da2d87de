"""The over-large network really overfits (committed data)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from precompute.config import EARLY_EPOCH, OverfitConfig

DATA = Path(__file__).resolve().parents[1] / "docs" / "data"


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads((DATA / "overfit.json").read_text())["data"]


def assert_overfits(data: dict, margin: float = 1.5, below_noise: float = 0.25) -> None:
    """Shared with the --quick test: interior val minimum, then a clear climb."""
    c = data["curves"]
    val, train = np.array(c["val_loss"]), np.array(c["train_loss"])
    best = int(np.argmin(val))
    assert c["epoch"][best] == data["best_epoch"]
    assert val[best] == pytest.approx(data["best_val_loss"], rel=1e-4)
    assert 0 < best < len(val) - 1, "validation minimum must be interior"
    assert val[-1] >= margin * val[best], f"final val {val[-1]} < {margin} x min {val[best]}"
    assert train[-1] < below_noise * data["noise_var"], "train loss must sink below the noise"
    assert train[-1] < val[-1]


def test_committed_run_overfits(data):
    assert_overfits(data, margin=1.5, below_noise=0.25)
    assert data["final_val_loss"] == data["curves"]["val_loss"][-1]


def test_sizes_are_consistent(data):
    n_grid = len(data["grid"]["x"])
    assert len(data["grid"]["y_true"]) == n_grid
    c = data["curves"]
    assert c["epoch"] == list(range(OverfitConfig().epochs + 1))
    assert len(c["train_loss"]) == len(c["val_loss"]) == len(c["epoch"])
    assert len(data["train"]["x"]) == OverfitConfig().n_train
    assert len(data["val"]["x"]) == OverfitConfig().n_val
    assert data["noise_var"] == pytest.approx(OverfitConfig().noise_std ** 2)


def test_frames(data):
    f = data["frames"]
    assert 100 <= len(f["epoch"]) <= 200
    assert f["epoch"] == sorted(set(f["epoch"]))
    must = {0, EARLY_EPOCH, data["best_epoch"], data["curves"]["epoch"][-1]}
    assert must <= set(f["epoch"])
    assert all(len(row) == len(data["grid"]["x"]) for row in f["y_hat"])
    # denser early, where the fit changes fast
    last = data["curves"]["epoch"][-1]
    early = sum(e <= 150 for e in f["epoch"])
    assert early / 150 > 3 * (len(f["epoch"]) - early) / (last - 150)


def test_best_fit_is_closer_to_the_truth_than_the_final_fit(data):
    f, truth = data["frames"], np.array(data["grid"]["y_true"])
    best = np.array(f["y_hat"][f["epoch"].index(data["best_epoch"])])
    final = np.array(f["y_hat"][-1])
    assert ((best - truth) ** 2).mean() < 0.5 * ((final - truth) ** 2).mean()
