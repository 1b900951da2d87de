"""The truth table of the chapter's second half: each claim the page makes, tested
on the exported data it is read from (docs/data/overfit.json, regularisers.json).

Each test is named after the sentence it stands behind. If a regeneration makes
one fail, the page's text is wrong for the new data: change the text, not the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from precompute.regularisers import run_id

DATA = Path(__file__).resolve().parents[1] / "docs" / "data"
SMOOTH_WINDOW = 21  # epochs: "averaged over any 21 epochs, training loss never rises"
SPIKE, SPIKE_SHARE = 1.2, 0.01  # at most 1 % of epochs above 1.2 x the running minimum


@pytest.fixture(scope="module")
def overfit() -> dict:
    return json.loads((DATA / "overfit.json").read_text())["data"]


@pytest.fixture(scope="module")
def reg() -> dict:
    return json.loads((DATA / "regularisers.json").read_text())["data"]


def run(reg: dict, early_stopping: bool, weight_decay: float, dropout: float) -> dict:
    wanted = run_id(early_stopping, weight_decay, dropout)
    return next(r for r in reg["runs"] if r["id"] == wanted)


def summary(reg: dict, *knobs) -> dict:
    return run(reg, *knobs)["summary"]


def norms_at(r: dict, epoch: int) -> float:
    """Total Frobenius norm of the weight matrices at an epoch."""
    norms = r["weight_norms"]
    return float(np.sqrt(np.sum(np.square(norms["layers"][norms["epoch"].index(epoch)]))))


# The hero and "Reading a loss curve" -----------------------------------------------


def test_validation_loss_turns_early_and_climbs_at_least_1_5x(overfit):
    val = np.array(overfit["curves"]["val_loss"])
    best = int(np.argmin(val))
    assert overfit["best_epoch"] == overfit["curves"]["epoch"][best]
    assert 0 < best < 0.1 * (len(val) - 1), "the turn is early in training"
    assert val[-1] >= 1.5 * val[best]


def test_training_loss_falls_when_averaged_over_21_epochs(overfit):
    """The rule behind "training loss falls the whole time": the geometric mean of
    any 21 consecutive epochs is below that of the 21 before, one epoch earlier."""
    log_loss = np.log(overfit["curves"]["train_loss"])
    window = np.convolve(log_loss, np.ones(SMOOTH_WINDOW) / SMOOTH_WINDOW, mode="valid")
    assert np.all(np.diff(window) < 0)


def test_training_ends_far_below_the_noise_variance(overfit):
    train = overfit["curves"]["train_loss"]
    assert train[-1] < overfit["noise_var"] / 3 < train[0]


def training_curves(overfit: dict, reg: dict) -> dict[str, list[float]]:
    """Every full-length curve: an early-stopped run's curve is the first part of its
    twin's without early stopping (test_precompute_regularisers checks it), and a
    share of its 20-80 points would count one bump as several per cent."""
    curves = {"overfit": overfit["curves"]["train_loss"]}
    curves.update({r["id"]: r["train_loss"] for r in reg["runs"] if not r["early_stopping"]})
    return curves


def test_every_training_curve_is_free_of_spikes(overfit, reg):
    """At most 1 % of points after the first ten lie above 1.2 x the running minimum."""
    for name, curve in training_curves(overfit, reg).items():
        loss = np.array(curve)
        running_min = np.minimum.accumulate(loss)
        spikes = int(np.sum(loss[10:] > SPIKE * running_min[10:]))
        assert spikes <= SPIKE_SHARE * len(loss[10:]), (name, spikes)


# Three knobs -------------------------------------------------------------------------


def test_each_knob_alone_beats_the_baselines_final_test_loss(reg):
    base = summary(reg, False, 0.0, 0.0)["test_loss"]
    alone = [summary(reg, True, 0.0, 0.0)]
    alone += [summary(reg, False, 0.0, p) for p in reg["knobs"]["dropout"] if p > 0]
    alone += [summary(reg, False, wd, 0.0) for wd in reg["knobs"]["weight_decay"] if wd >= 1e-2]
    assert len(alone) == 7
    for s in alone:
        assert s["test_loss"] < 0.8 * base, s


def test_the_baseline_ends_above_twice_the_noise_variance(reg, overfit):
    """The notebook: "validation and test loss more than twice that variance"."""
    s = summary(reg, False, 0.0, 0.0)
    assert min(s["val_loss"], s["test_loss"]) > 2 * overfit["noise_var"]
    assert s["train_loss"] < overfit["noise_var"] / 3  # "far below the noise variance"


def test_too_weak_weight_decay_shrinks_the_weights_but_does_not_help(reg):
    base, weak = run(reg, False, 0.0, 0.0), run(reg, False, 1e-3, 0.0)
    end = base["summary"]["kept_epoch"]
    assert norms_at(weak, end) < 0.75 * norms_at(base, end)
    assert weak["summary"]["test_loss"] > 0.95 * base["summary"]["test_loss"]


def test_too_strong_weight_decay_underfits_and_with_dropout_collapses(reg, overfit):
    strong = summary(reg, False, 0.1, 0.0)
    assert strong["train_loss"] > overfit["noise_var"]  # it cannot even fit the training data
    for p in (0.2, 0.3):
        collapsed = run(reg, False, 0.1, p)
        assert np.std(collapsed["y_hat"]) < 0.02, "a flat line"
        assert collapsed["summary"]["test_loss"] > 3 * strong["test_loss"]


def test_l2_lowers_the_weight_norm_against_an_equally_long_baseline(reg):
    base = run(reg, False, 0.0, 0.0)
    end = base["summary"]["kept_epoch"]
    for wd in reg["knobs"]["weight_decay"][1:]:
        r = run(reg, False, wd, 0.0)
        assert r["summary"]["kept_epoch"] == end
        assert norms_at(r, end) < 0.75 * norms_at(base, end), wd


def test_early_stopping_alone_keeps_the_baselines_weights_at_that_epoch(reg):
    stopped, base = run(reg, True, 0.0, 0.0), run(reg, False, 0.0, 0.0)
    kept = stopped["summary"]["kept_epoch"]
    assert kept == base["summary"]["best_epoch"]
    assert norms_at(stopped, kept) == pytest.approx(norms_at(base, kept), rel=1e-4)


def test_validation_flatters_the_early_stopped_run(reg):
    """Its epoch was picked on validation: the test loss is the honest number."""
    s = summary(reg, True, 0.0, 0.0)
    assert s["val_loss"] < s["test_loss"]


def test_dropout_alone_slows_memorising_without_stopping_it(reg):
    for p in reg["knobs"]["dropout"][1:]:
        s = summary(reg, False, 0.0, p)
        assert s["val_loss"] > 1.1 * s["best_val_loss"], p


def test_validation_picks_the_run_the_text_names(reg):
    """The chapter prints this run's test loss as the one validation picks."""
    assert reg["best_id"] == "es-on_wd-0.01_dropout-0.1"


def test_no_setting_is_much_better_than_early_stopping_alone(reg):
    early = summary(reg, True, 0.0, 0.0)["test_loss"]
    assert min(r["summary"]["test_loss"] for r in reg["runs"]) > 0.9 * early


# Watch the model find the function ---------------------------------------------------


def test_the_baselines_error_against_the_function_turns_and_climbs(reg):
    error = np.array(reg["converge"]["baseline_error"])
    low = int(np.argmin(error))
    assert 0 < low < len(error) - 1
    assert error[-1] > 3 * error[low]


def test_the_regularised_run_finds_the_function_and_stays(reg, overfit):
    c = reg["converge"]
    r = next(r for r in reg["runs"] if r["id"] == c["run_id"])
    assert r["weight_decay"] > 0 and r["dropout"] > 0 and not r["early_stopping"]
    at_base_best = c["error"][c["epoch"].index(overfit["best_epoch"])]
    assert c["error"][-1] < c["baseline_error"][-1] / 3
    assert c["error"][-1] < at_base_best
    # about where the baseline was at its best, and no better than that
    at_best = summary(reg, True, 0.0, 0.0)["function_error"]
    assert at_best <= c["error"][-1] < 1.2 * at_best
    # settles and stays: over the second half of training it moves by less than 10 %
    late = [e for e, epoch in zip(c["error"], c["epoch"], strict=True) if epoch >= 750]
    assert max(late) < 1.1 * min(late)
