"""The knobs grid is complete and self-consistent (committed data).

What the chapter claims about it is tested in test_claims.py; this file checks
the bookkeeping those claims rest on: the grid, early stopping's restored model,
the baseline shared with overfit.json, the norms and the find-the-function frames.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from precompute import curve
from precompute.config import RegularisersConfig
from precompute.data import curve_data
from precompute.loops_torch import evaluate, train_mlp
from precompute.model import make_deterministic
from precompute.regularisers import run_id

DATA = Path(__file__).resolve().parents[1] / "docs" / "data"


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads((DATA / "regularisers.json").read_text())["data"]


def runs_by_id(data: dict) -> dict[str, dict]:
    return {r["id"]: r for r in data["runs"]}


def test_grid_is_complete(data):
    k = data["knobs"]
    expected = {run_id(e, w, d) for e in k["early_stopping"] for w in k["weight_decay"]
                for d in k["dropout"]}  # fmt: skip
    assert set(runs_by_id(data)) == expected and len(data["runs"]) == len(expected) == 40
    base = runs_by_id(data)[data["baseline_id"]]
    assert (base["early_stopping"], base["weight_decay"], base["dropout"]) == (False, 0, 0)


def test_three_splits_are_separate_draws_of_the_setup(data):
    """Train, validation and test: three draws from one generator, as exported."""
    d = curve_data(RegularisersConfig())
    for name, (x, y) in {"train": (d.x_train, d.y_train), "val": (d.x_val, d.y_val),
                         "test": (d.x_test, d.y_test)}.items():  # fmt: skip
        assert data[name]["x"] == pytest.approx(x, rel=1e-4, abs=1e-9), name
        assert data[name]["y"] == pytest.approx(y, rel=1e-4, abs=1e-9), name


def test_baseline_is_the_overfit_run(data):
    overfit = json.loads((DATA / "overfit.json").read_text())["data"]
    base = runs_by_id(data)[data["baseline_id"]]["summary"]
    assert base["val_loss"] == overfit["final_val_loss"]
    assert base["best_epoch"] == overfit["best_epoch"]
    assert base["best_val_loss"] == overfit["best_val_loss"]


def test_best_id_is_picked_on_validation_not_test(data):
    best = min(data["runs"], key=lambda r: r["summary"]["val_loss"])
    assert data["best_id"] == best["id"]


def test_kept_model_and_early_stopping(data):
    runs = runs_by_id(data)
    for run in data["runs"]:
        s = run["summary"]
        if not run["early_stopping"]:
            assert s["stopped_epoch"] is None
            assert s["kept_epoch"] == run["epoch"][-1] == RegularisersConfig().epochs
            assert s["val_loss"] == run["val_loss"][-1]
            continue
        # the kept model is the best-epoch one: its val loss is the best val loss
        assert s["kept_epoch"] == s["best_epoch"]
        assert s["val_loss"] == pytest.approx(s["best_val_loss"], rel=1e-4)
        assert s["stopped_epoch"] == s["best_epoch"] + data["patience"] == run["epoch"][-1]
        # same seed, same knobs: up to the stop it is the no-early-stopping twin, exactly
        twin = runs[run_id(False, run["weight_decay"], run["dropout"])]
        n = len(run["epoch"]) - 1  # the last point is the stop epoch, off the 5-epoch grid
        assert run["val_loss"][:n] == twin["val_loss"][:n]
        assert run["train_loss"][:n] == twin["train_loss"][:n]
        t = twin["summary"]
        assert s["best_epoch"] <= t["best_epoch"] and t["best_val_loss"] <= s["best_val_loss"]
        if t["best_epoch"] <= s["stopped_epoch"]:
            assert s["best_epoch"] == t["best_epoch"]


def test_runs_are_consistent(data):
    truth = np.array(data["grid"]["y_true"])
    for run in data["runs"]:
        assert len(run["epoch"]) == len(run["train_loss"]) == len(run["val_loss"])
        assert len(run["y_hat"]) == len(truth)
        error = ((np.array(run["y_hat"]) - truth) ** 2).mean()
        assert run["summary"]["function_error"] == pytest.approx(error, rel=1e-3)
        norms = run["weight_norms"]
        assert len(norms["epoch"]) == len(norms["layers"])
        assert norms["epoch"] == sorted(set(norms["epoch"]))
        assert run["summary"]["kept_epoch"] in norms["epoch"]
        assert all(len(layers) == 6 for layers in norms["layers"])  # 6 nn.Linear layers


def test_baseline_norms_cover_every_kept_epoch(data):
    """So any run's norms can be compared with the baseline's at the same epoch."""
    base = runs_by_id(data)[data["baseline_id"]]["weight_norms"]["epoch"]
    assert {r["summary"]["kept_epoch"] for r in data["runs"]} <= set(base)


def test_converge_frames(data):
    c = data["converge"]
    runs = runs_by_id(data)
    run, base = runs[c["run_id"]], runs[c["baseline_id"]]
    assert c["baseline_id"] == data["baseline_id"] and not run["early_stopping"]
    assert 60 <= len(c["epoch"]) <= 120 and c["epoch"] == sorted(set(c["epoch"]))
    assert c["epoch"][0] == 0 and c["epoch"][-1] == RegularisersConfig().epochs
    assert base["summary"]["best_epoch"] in c["epoch"]
    # the last frame is the run's kept model, re-trained: the same predictions
    assert c["y_hat"][-1] == run["y_hat"] and c["baseline_y_hat"][-1] == base["y_hat"]
    truth = np.array(data["grid"]["y_true"])
    for key, error_key in (("y_hat", "error"), ("baseline_y_hat", "baseline_error")):
        for y_hat, error in zip(c[key], c[error_key], strict=True):
            assert error == pytest.approx(((np.array(y_hat) - truth) ** 2).mean(), rel=1e-3)
    # it is the long regularised run with the lowest validation loss
    long_runs = [r for r in data["runs"] if not r["early_stopping"] and r is not base]
    assert run is min(long_runs, key=lambda r: r["summary"]["val_loss"])


def test_restored_model_equals_best_snapshot_in_memory():
    """Independent of train_mlp's own bookkeeping: snapshot whenever val improves."""
    make_deterministic()
    cfg = replace(RegularisersConfig(), epochs=300, patience=40)
    _, tensors = curve.load(cfg)
    model = curve.fresh_model(cfg, dropout=0.2)
    seen = {"val": float("inf")}

    def snapshot(epoch, model, train_loss, val_loss):
        if val_loss < seen["val"]:
            seen.update(val=val_loss, epoch=epoch, state=copy.deepcopy(model.state_dict()))

    result = train_mlp(
        model, tensors, cfg.lr, cfg.lr_final, cfg.epochs, 1e-2, cfg.patience, log=snapshot
    )
    assert result.stopped_epoch < cfg.epochs  # it did stop early
    assert result.best_epoch == seen["epoch"]
    for key, value in model.state_dict().items():
        assert torch.equal(value, seen["state"][key]), key
    assert evaluate(model, tensors[2], tensors[3]) == result.best_val_loss
