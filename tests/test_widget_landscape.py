"""The loss-landscape widget's Python (site_src/widgets/loss_landscape.py).

Gradients against the hand formula, finite differences and PyTorch autograd; the
critical learning rate against its formula and against what descent really does.
The module is imported by its bare name, exactly as the browser's Pyodide imports it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site_src" / "widgets"))
import bridge  # noqa: E402
import loss_landscape as landscape  # noqa: E402


def make_data(seed=0, n=60, w=2.0, b=0.5, noise=0.3):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.5, 1.5, n)
    x -= x.mean()  # centred, like the chapter's dataset
    return x, w * x + b + noise * rng.normal(size=n)


X, Y = make_data()
SPEC = landscape.inputs(X, Y)
CRITICAL = landscape.critical_lr(X)


def descend(lr, steps=100, b=0.5, w0=-1.0):
    return landscape.descend(X.tolist(), Y.tolist(), b=b, w0=w0, lr=lr, steps=steps)


@pytest.mark.parametrize("seed", range(5))
def test_gradient_matches_hand_formula_finite_differences_and_autograd(seed):
    x, y = make_data(seed, w=seed - 2.0, b=0.3 * seed)
    rng = np.random.default_rng(100 + seed)
    for w, b in rng.normal(scale=3, size=(5, 2)):
        grad_w, grad_b = landscape.gradient(x, y, w, b)
        error = w * x + b - y
        assert grad_w == pytest.approx(2 * np.mean(error * x), rel=1e-12)
        assert grad_b == pytest.approx(2 * np.mean(error), rel=1e-12, abs=1e-14)
        h = 1e-6
        fd_w = (landscape.loss(x, y, w + h, b) - landscape.loss(x, y, w - h, b)) / (2 * h)
        fd_b = (landscape.loss(x, y, w, b + h) - landscape.loss(x, y, w, b - h)) / (2 * h)
        assert grad_w == pytest.approx(fd_w, rel=1e-6, abs=1e-8)
        assert grad_b == pytest.approx(fd_b, rel=1e-6, abs=1e-8)
        tw, tb = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (w, b))
        mse = torch.nn.functional.mse_loss(tw * torch.from_numpy(x) + tb, torch.from_numpy(y))
        mse.backward()
        assert landscape.loss(x, y, w, b) == pytest.approx(mse.item(), rel=1e-12)
        assert (grad_w, grad_b) == pytest.approx((tw.grad.item(), tb.grad.item()), abs=1e-12)


def test_loss_broadcasts_over_a_grid():
    w, b = np.linspace(-1, 3, 5), np.linspace(0, 1, 3)
    grid = landscape.loss(X, Y, w[np.newaxis, :], b[:, np.newaxis])
    assert grid.shape == (3, 5)
    assert grid[2, 1] == pytest.approx(np.mean((w[1] * X + b[2] - Y) ** 2))


def test_critical_rate_is_two_over_the_curvature():
    assert landscape.curvature(X) == pytest.approx(2 * np.mean(X**2))
    h = 1e-3
    left, middle, right = (landscape.loss(X, Y, w, 0.5) for w in (1 - h, 1, 1 + h))
    second = (left - 2 * middle + right) / h**2
    assert landscape.curvature(X) == pytest.approx(second, rel=1e-6)
    assert 2 / second == pytest.approx(CRITICAL, rel=1e-6)
    assert 1 / np.mean(X**2) == pytest.approx(CRITICAL)
    assert descend(0.3)["critical_lr"] == pytest.approx(CRITICAL)


def distances(result):
    return np.asarray(result["path"]["w"]) - result["slice_min"]["w"]


def test_each_step_scales_the_distance_to_the_minimum_by_one_minus_lr_times_curvature():
    for ratio in (0.1, 0.3, 0.7, 0.9, 1.1):
        d = distances(descend(ratio * CRITICAL, steps=5))
        factor = 1 - ratio * CRITICAL * landscape.curvature(X)
        np.testing.assert_allclose(d[1:] / d[:-1], factor, rtol=1e-8)


def test_regimes_below_half_between_and_above_the_critical_rate():
    crawl = descend(0.005 * CRITICAL)
    assert crawl["regime"]["name"] == "crawl" and crawl["event"] is None
    assert abs(distances(crawl)[-1]) > 0.3 * abs(distances(crawl)[0])  # 100 steps, still far

    monotone = descend(0.3 * CRITICAL)
    d = distances(monotone)
    assert monotone["regime"]["name"] == "good" and monotone["event"]["name"] == "converged"
    assert np.all(np.sign(d[:-1]) == np.sign(d[0])) and np.all(np.diff(np.abs(d)) <= 0)

    oscillating = descend(0.75 * CRITICAL, steps=10)
    d = distances(oscillating)
    assert oscillating["regime"]["name"] == "oscillate"
    assert np.all(np.sign(d[1:]) == -np.sign(d[:-1])) and np.all(np.diff(np.abs(d)) < 0)

    assert descend(0.5 * CRITICAL)["regime"]["name"] == "one-step"
    assert abs(distances(descend(0.5 * CRITICAL, steps=1))[-1]) < 1e-9
    assert descend(CRITICAL)["regime"]["name"] == "bounce"


def test_the_learning_rate_sweep_and_the_landscape_name_regimes_alike():
    """One rule, one set of names: each run of the sweep (precompute/config.py) is
    named what the landscape calls descent at its fraction of the critical rate
    (the sweep's 0.02 was "crawl" there and "monotone" here)."""
    from precompute.config import LinearConfig

    for label, fraction in LinearConfig().sweep:
        assert landscape.regime(fraction * CRITICAL, CRITICAL)["name"] == label, label


@pytest.mark.parametrize("ratio", [1.02, 1.2, SPEC["lr"]["max"] / CRITICAL])
def test_divergence_is_detected_and_descent_stops_with_finite_numbers(ratio):
    result = descend(ratio * CRITICAL)
    assert result["regime"]["name"] == "diverge"
    assert result["event"]["name"] == "diverged" and result["done"]
    assert result["steps_taken"] == result["event"]["step"] - 1 < landscape.MAX_STEPS
    assert f"Diverged at step {result['event']['step']}" in result["event"]["text"]
    d = distances(result)
    assert np.all(np.sign(d[1:]) == -np.sign(d[:-1])) and np.all(np.diff(np.abs(d)) > 0)
    arguments = {"x": X.tolist(), "y": Y.tolist(), "b": 0.5, "w0": -1.0, "lr": ratio * CRITICAL}
    text = bridge.call("loss_landscape", "descend", json.dumps({**arguments, "steps": 100}))
    assert json.loads(text)["ok"]  # allow_nan=False: no NaN or infinity anywhere
    (low, high), (loss_low, loss_high) = result["view"]["w"], result["view"]["loss"]
    assert all(low <= w <= high for w in result["path"]["w"])  # every iterate is drawn
    assert all(loss_low <= v <= loss_high for v in result["path"]["loss"])


def test_the_view_zooms_out_in_doublings_and_holds_every_iterate():
    """Stepping a diverging descent, or sweeping α, changes the axes at most at
    three zoom levels (each double the last), never at every step or every α."""
    diverging = [descend(1.1 * CRITICAL, steps=n) for n in range(40)]
    sweep = [descend(lr, steps=10) for lr in np.linspace(SPEC["lr"]["min"], SPEC["lr"]["max"], 200)]
    for results in (diverging, sweep):
        widths = {round(r["view"]["w"][1] - r["view"]["w"][0], 9) for r in results}
        assert 2 <= len(widths) <= 3
        narrowest = min(widths)
        assert all(round(w / narrowest, 9) in (1, 2, 4) for w in widths)
        for r in results:
            low, high = r["view"]["w"]
            assert all(low <= w <= high for w in r["path"]["w"])
            assert all(v <= r["view"]["loss"][1] for v in r["path"]["loss"])
    assert landscape.zoom_level(1.0, 0.3) == 1.0
    assert landscape.zoom_level(1.0, 2.0) == 2.0
    assert landscape.zoom_level(1.0, 2.0001) == 4.0


def test_the_controls_reach_every_regime():
    assert SPEC["lr"]["min"] < landscape.CRAWL * CRITICAL
    assert SPEC["lr"]["max"] > 1.2 * CRITICAL
    w_best, b_best = landscape.best_fit(X, Y)
    assert SPEC["w0"]["min"] < w_best < SPEC["w0"]["max"]
    assert SPEC["b"]["min"] < b_best < SPEC["b"]["max"]
    for name, control in SPEC.items():
        assert control["min"] <= control["default"] <= control["max"], name


@pytest.mark.parametrize("ratio", [0.3, 0.9, 1.05])  # monotone, zig-zag in, zig-zag out
def test_every_iterate_has_the_loss_and_gradient_of_the_reference_functions(ratio):
    result = descend(ratio * CRITICAL, steps=40)
    path = result["path"]
    assert len(path["w"]) > 5
    for w, value, slope in zip(path["w"], path["loss"], path["grad"], strict=True):
        assert value == pytest.approx(float(landscape.loss(X, Y, w, 0.5)), rel=1e-12)
        assert slope == pytest.approx(landscape.gradient(X, Y, w, 0.5)[0], rel=1e-12, abs=1e-12)


def test_plot_data_is_consistent():
    result = descend(0.3 * CRITICAL, steps=3)
    w_now = result["current"]["w"]
    assert result["path"]["w"][-1] == w_now and result["steps_taken"] == 3
    assert result["path"]["grad"][-1] == pytest.approx(landscape.gradient(X, Y, w_now, 0.5)[0])
    (t0, t1), (u0, u1) = result["tangent"]["w"], result["tangent"]["loss"]
    assert (u1 - u0) / (t1 - t0) == pytest.approx(result["current"]["grad"])
    assert result["slice_min"]["w"] == pytest.approx(np.polyfit(X, Y - 0.5, 1)[0])
    curve = np.asarray(result["curve"]["loss"])
    assert curve.min() == pytest.approx(result["slice_min"]["loss"], rel=1e-3)


def test_surface_is_the_loss_on_a_grid_with_the_best_fit_inside():
    surface = landscape.surface(X, Y)
    w, b, grid = np.asarray(surface["w"]), np.asarray(surface["b"]), np.asarray(surface["loss"])
    assert grid.shape == (b.size, w.size)
    assert grid[7, 11] == pytest.approx(landscape.loss(X, Y, w[11], b[7]), rel=1e-3)
    assert (surface["best"]["w"], surface["best"]["b"]) == pytest.approx(np.polyfit(X, Y, 1))
    assert surface["best"]["loss"] <= grid.min()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"lr": "abc"}, "lr must be a number, not the text 'abc'"),
        ({"lr": float("nan")}, "lr must be a finite number"),
        ({"w0": float("inf")}, "w0 must be a finite number"),
        ({"b": None}, "b must be a number, not empty"),
        ({"lr": 0}, "lr must be between"),
        ({"lr": 1e9}, "lr must be between"),
        ({"w0": 1e3}, "w0 must be between"),
        ({"steps": 2.5}, "steps must be a whole number"),
        ({"steps": -1}, "steps must be between 0 and 100"),
        ({"steps": 101}, "steps must be between 0 and 100"),
        ({"x": [1.0, 2.0]}, "same length"),
        ({"x": ["a"] * 60}, "lists of numbers"),
        ({"y": [float("nan")] * 60}, "only finite numbers"),
        ({"x": [0.0] * 60}, "must not be all zeros"),
    ],
)
def test_invalid_input_is_refused_with_a_reader_message(arguments, message):
    call = {"x": X.tolist(), "y": Y.tolist(), "b": 0.5, "w0": -1.0, "lr": 0.3, "steps": 1}
    with pytest.raises(ValueError, match=message):
        landscape.descend(**{**call, **arguments})


def test_initial_state_on_the_chapter_data():
    path = ROOT / "docs" / "data" / "linear.json"
    if not path.exists():
        pytest.skip("docs/data/linear.json not generated yet (python -m precompute)")
    data = json.loads(path.read_text())["data"]
    state = json.loads(bridge.call("loss_landscape", "initial_state", json.dumps({"data": data})))
    assert state["ok"], state
    result = state["result"]["result"]
    assert result["steps_taken"] == 0 and result["regime"]["name"] in {"good", "crawl"}
    assert result["critical_lr"] == pytest.approx(1 / np.mean(np.square(data["x"])))


def test_the_worker_keeps_the_dataset_and_calls_send_only_the_inputs():
    """The page sends b, w0, lr and steps; x and y come from the data file the
    module names, loaded once into the bridge: the same answer as sending them."""
    file = (ROOT / "docs" / "data" / f"{landscape.DATA}.json").read_text()
    data = json.loads(file)["data"]
    inputs = {"b": 0.5, "w0": -1.0, "lr": 0.3, "steps": 7}
    columns = {"x": data["x"], "y": data["y"]}
    sent = json.loads(bridge.call("loss_landscape", "descend", json.dumps({**inputs, **columns})))
    assert bridge.dataset_of("loss_landscape") == "linear"
    bridge.load("loss_landscape", file)
    kept = json.loads(bridge.call("loss_landscape", "descend", json.dumps(inputs)))
    assert kept["ok"] and kept == sent
    assert bridge.dataset_of("layer_forward") is None
    assert bridge.dataset_of("gradient_cell") is None  # names DATA, sends its own x and y


def test_a_damaged_dataset_is_refused_when_loaded_not_at_every_call():
    doc = json.loads((ROOT / "docs" / "data" / "linear.json").read_text())
    doc["data"]["y"] = doc["data"]["y"][:-1]
    with pytest.raises(ValueError, match="same length"):
        bridge.load("loss_landscape", json.dumps(doc))
