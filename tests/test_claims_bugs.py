"""Each sentence of the "What goes wrong" caption (site_src/partials/bugs.md),
tested on the data it is read from (docs/data/bugs.json).

If a regeneration makes one fail, the caption is wrong for the new data: change
the text, not the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = json.loads((ROOT / "docs" / "data" / "bugs.json").read_text())
CFG, DATA = DOC["config"], DOC["data"]
RUNS = {run["id"]: run for run in DATA["runs"]}
CORRECT, CORRECT_DROPOUT = RUNS["correct"], RUNS["correct_dropout"]


def s(run_id: str) -> dict:
    return RUNS[run_id]["summary"]


def test_each_bug_is_one_change_against_a_correct_run_with_the_same_dropout():
    assert DATA["bugs"] == ["zero_grad", "eval", "broadcast", "lr"]
    for bug in DATA["bugs"]:
        run, ref = RUNS[bug], RUNS[RUNS[bug]["reference"]]
        assert run["bug"] == bug and ref["bug"] is None
        assert run["dropout"] == ref["dropout"] == (CFG["dropout"] if bug == "eval" else 0)
        assert run["lr"] == ref["lr"] * (CFG["lr_factor"] if bug == "lr" else 1)
        assert run["epoch"] == ref["epoch"] == list(range(CFG["epochs"] + 1))
        assert run["diff"]["before"] and run["diff"]["before"] != run["diff"]["after"]
    assert f"lr={CORRECT['lr']:g})" in RUNS["lr"]["diff"]["before"]
    assert f"lr={RUNS['lr']['lr']:g})" in RUNS["lr"]["diff"]["after"]


def test_the_diffs_lines_are_the_loops_own():
    """The lines the caption shows as the correct loop's are in the loop that ran."""
    source = (ROOT / "precompute" / "bugs.py").read_text()
    for line in ("optimizer.zero_grad()", "model.eval()", "torch.optim.Adam(model.parameters()"):
        assert line in source
    assert "torch.tensor(d.y_train).unsqueeze(1)  # shape (N, 1)" in source
    assert "torch.tensor(d.y_train)  # shape (N,)" in source


@pytest.mark.parametrize("run_id", list(RUNS))
def test_summaries_are_read_from_the_curves(run_id):
    run = RUNS[run_id]
    train, val = np.array(run["train_loss"]), np.array(run["val_loss"])
    summary = run["summary"]
    assert summary["final_train_loss"] == train[-1] and summary["final_val_loss"] == val[-1]
    assert summary["best_val_loss"] == val.min() and val[summary["best_epoch"]] == val.min()
    assert summary["peak_train_loss"] == train[1:].max() == train[summary["peak_epoch"]]
    # from rounded values: allow one jump either way at the threshold
    jumps = int(np.sum(train[1:] > CFG["jump"] * train[:-1]))
    assert abs(summary["jumps"] - jumps) <= 1
    tail = CFG["tail"]
    assert summary["tail_val_loss"] == pytest.approx(val[-tail:].mean(), rel=1e-4)
    assert summary["tail_train_loss"] == pytest.approx(train[-tail:].mean(), rel=1e-4)


def test_forgotten_zero_grad_climbs_back_above_the_start_jumps_and_ends_higher():
    assert s("zero_grad")["peak_train_loss"] > RUNS["zero_grad"]["train_loss"][0]
    assert s("zero_grad")["jumps"] >= 5 * max(1, s("correct")["jumps"])
    assert s("zero_grad")["final_train_loss"] > 2 * s("correct")["final_train_loss"]


def test_forgotten_eval_jitters_sits_higher_and_has_a_lucky_low():
    assert s("eval")["jumps"] >= 10 * max(1, s("correct_dropout")["jumps"])
    assert s("eval")["tail_val_loss"] > 1.1 * s("correct_dropout")["tail_val_loss"]
    assert s("eval")["tail_train_loss"] > s("correct_dropout")["tail_train_loss"]
    assert s("eval")["best_val_loss"] < s("correct_dropout")["best_val_loss"]


def test_broadcast_target_warns_and_stops_at_the_variance_of_y():
    run = RUNS["broadcast"]
    assert "target size" in run["warning"] and "broadcasting" in run["warning"]
    assert run["warnings"] > CFG["epochs"]  # every step warned, and every measurement
    assert all(RUNS[r]["warning"] is None for r in RUNS if r != "broadcast")
    assert s("broadcast")["final_train_loss"] == pytest.approx(DATA["var_y_train"], rel=1e-3)
    tail = np.array(run["train_loss"][-CFG["tail"] :])
    assert np.all(np.abs(tail / DATA["var_y_train"] - 1) < 1e-3), "it stopped there"
    assert s("broadcast")["final_val_loss"] > 5 * s("correct")["final_val_loss"]


def test_ten_times_the_learning_rate_leaps_early_stays_finite_and_overfits_more():
    run = RUNS["lr"]
    assert s("lr")["peak_train_loss"] > 3 * run["train_loss"][0]
    assert s("lr")["peak_epoch"] <= 10, "its first steps overshoot"
    assert s("lr")["jumps"] > s("correct")["jumps"]
    assert max(run["train_loss"]) < 10 * run["train_loss"][0], "no run-off to infinity"
    assert s("lr")["final_train_loss"] < s("correct")["final_train_loss"]
    assert s("lr")["final_val_loss"] > s("correct")["final_val_loss"]
