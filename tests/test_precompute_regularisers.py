"""The three knobs: each beats the baseline; early stopping restores; L2 shrinks weights."""

from __future__ import annotations

import copy
import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from precompute import curve
from precompute.config import RegularisersConfig
from precompute.loops_torch import evaluate, train_mlp
from precompute.model import make_deterministic
from precompute.regularisers import run_id

DATA = Path(__file__).resolve().parents[1] / "docs" / "data"


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads((DATA / "regularisers.json").read_text())["data"]


def runs_by_id(data: dict) -> dict[str, dict]:
    return {r["id"]: r for r in data["runs"]}


def final(run: dict) -> float:
    return run["summary"]["final_val_loss"]


def test_grid_is_complete(data):
    k = data["knobs"]
    expected = {run_id(e, w, d) for e in k["early_stopping"] for w in k["weight_decay"]
                for d in k["dropout"]}  # fmt: skip
    assert set(runs_by_id(data)) == expected and len(data["runs"]) == len(expected) == 32
    base = runs_by_id(data)[data["baseline_id"]]
    assert (base["early_stopping"], base["weight_decay"], base["dropout"]) == (False, 0, 0)


def test_baseline_is_the_overfit_run(data):
    overfit = json.loads((DATA / "overfit.json").read_text())["data"]
    base = runs_by_id(data)[data["baseline_id"]]
    assert final(base) == overfit["final_val_loss"]
    assert base["summary"]["best_epoch"] == overfit["best_epoch"]


def test_each_regulariser_alone_beats_the_baseline(data):
    runs = data["runs"]
    baseline = final(runs_by_id(data)[data["baseline_id"]])

    def best(pred):
        return min(final(r) for r in runs if pred(r))

    early = best(lambda r: r["early_stopping"] and r["weight_decay"] == 0 and r["dropout"] == 0)
    l2 = best(lambda r: not r["early_stopping"] and r["weight_decay"] > 0 and r["dropout"] == 0)
    drop = best(lambda r: not r["early_stopping"] and r["weight_decay"] == 0 and r["dropout"] > 0)
    for name, value in (("early stopping", early), ("L2", l2), ("dropout", drop)):
        assert value < baseline, f"{name}: {value} is not below the baseline {baseline}"
    best_run = runs_by_id(data)[data["best_id"]]
    assert final(best_run) == min(final(r) for r in runs) < 0.6 * baseline


def test_early_stopping_keeps_the_best_epoch(data):
    runs = runs_by_id(data)
    for run in data["runs"]:
        s = run["summary"]
        if not run["early_stopping"]:
            assert s["stopped_epoch"] is None and run["epoch"][-1] == RegularisersConfig().epochs
            continue
        # the kept model is the best-epoch one: its val loss is the best val loss
        assert s["final_val_loss"] == pytest.approx(s["best_val_loss"], rel=1e-4)
        assert s["stopped_epoch"] == s["best_epoch"] + data["patience"] == run["epoch"][-1]
        # same seed, same knobs: up to the stop it is the no-early-stopping twin, exactly
        twin = runs[run_id(False, run["weight_decay"], run["dropout"])]
        n = len(run["epoch"]) - 1  # the last point is the stop epoch, off the 5-epoch grid
        assert run["val_loss"][:n] == twin["val_loss"][:n]
        t = twin["summary"]
        assert s["best_epoch"] <= t["best_epoch"] and t["best_val_loss"] <= s["best_val_loss"]
        if t["best_epoch"] <= s["stopped_epoch"]:
            assert s["best_epoch"] == t["best_epoch"]


def test_converge_ends_at_the_kept_model(data):
    best = runs_by_id(data)[data["best_id"]]
    c = data["converge"]
    assert c["run_id"] == data["best_id"] and 60 <= len(c["epoch"]) <= 120
    kept = best["summary"]["best_epoch"] if best["early_stopping"] else best["epoch"][-1]
    assert c["epoch"][0] == 0 and c["epoch"][-1] == kept
    # the restored (early stopping) model predicts exactly what the best-epoch snapshot did
    assert c["y_hat"][-1] == best["y_hat"]
    truth = np.array(data["grid"]["y_true"])
    for y_hat, error in zip(c["y_hat"], c["error"], strict=True):
        assert error == pytest.approx(((np.array(y_hat) - truth) ** 2).mean(), rel=1e-3)
    assert c["error"][-1] < 0.1 * c["error"][0]


def total_norm(run: dict) -> float:
    return float(np.sqrt(np.sum(np.square(run["weight_norms"]["layers"][-1]))))


def test_l2_shrinks_weight_norms(data):
    runs = runs_by_id(data)
    decays = data["knobs"]["weight_decay"]
    norms = [total_norm(runs[run_id(False, wd, 0.0)]) for wd in decays]
    assert all(b < a for a, b in itertools.pairwise(norms)), norms
    assert norms[-1] < 0.5 * norms[0]
    for run in data["runs"]:
        assert len(run["weight_norms"]["layers"][0]) == 6  # 6 nn.Linear layers


def test_runs_are_consistent(data):
    n_grid = len(data["grid"]["x"])
    for run in data["runs"]:
        assert len(run["epoch"]) == len(run["train_loss"]) == len(run["val_loss"])
        assert len(run["y_hat"]) == n_grid
        s = run["summary"]
        assert s["train_val_gap"] == pytest.approx(s["final_val_loss"] - s["final_train_loss"],
                                                   rel=1e-3, abs=1e-5)  # fmt: skip


def test_restored_model_equals_best_snapshot_in_memory():
    """Independent of train_mlp's own bookkeeping: snapshot whenever val improves."""
    make_deterministic()
    cfg = replace(RegularisersConfig(), epochs=400, patience=40)
    _, tensors = curve.load(cfg)
    model = curve.fresh_model(cfg, dropout=0.2)
    seen = {"val": float("inf")}

    def snapshot(epoch, model, train_loss, val_loss):
        if val_loss < seen["val"]:
            seen.update(val=val_loss, epoch=epoch, state=copy.deepcopy(model.state_dict()))

    result = train_mlp(model, tensors, cfg.lr, cfg.epochs, 1e-3, cfg.patience, log=snapshot)
    assert result.stopped_epoch < cfg.epochs  # it did stop early
    assert result.best_epoch == seen["epoch"]
    for key, value in model.state_dict().items():
        assert torch.equal(value, seen["state"][key]), key
    assert evaluate(model, tensors[2], tensors[3]) == result.best_val_loss
