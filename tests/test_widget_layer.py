"""The layer widget's Python (site_src/widgets/layer_forward.py) against PyTorch autograd.

The module is imported by its bare name, exactly as the browser's Pyodide imports it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site_src" / "widgets"))
import bridge
import layer_forward as layer

TORCH = {
    "identity": lambda z: z,
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, layer.LEAKY_SLOPE),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
}
Z = np.concatenate([np.linspace(-8, 8, 161), [0.0, -1e-9, 1e-9, -30.0, 30.0]])


def autograd(activation: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(z) and df/dz, computed by PyTorch."""
    tensor = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    out = TORCH[activation](tensor)
    out.sum().backward()
    return out.detach().numpy(), tensor.grad.numpy()


def test_every_activation_is_checked_against_torch():
    assert set(TORCH) == set(layer.ACTIVATIONS)
    assert {"identity", "relu", "sigmoid", "tanh"} <= set(layer.ACTIVATIONS)


@pytest.mark.parametrize("activation", sorted(TORCH))
def test_activation_values_and_slopes_match_autograd(activation):
    values, slopes = layer.activate(activation, Z)
    expected_values, expected_slopes = autograd(activation, Z)
    np.testing.assert_allclose(values, expected_values, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(slopes, expected_slopes, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation", sorted(TORCH))
@pytest.mark.parametrize(
    ("x", "w", "b"), [(1.0, 1.5, -0.5), (-2.3, 0.7, 0.4), (3, -3, 3), (0, 0, 0)]
)
def test_forward_matches_autograd_through_the_layer(activation, x, w, b):
    result = layer.forward(x, w, b, activation)
    # The same layer in PyTorch; backward gives da/dz, and the chain rule da/dw = da/dz · x.
    z = torch.tensor(w * x + b, dtype=torch.float64, requires_grad=True)
    weight = torch.tensor(float(w), dtype=torch.float64, requires_grad=True)
    a = TORCH[activation](weight * x + b)
    a.backward()
    a_of_z = TORCH[activation](z)
    a_of_z.backward()
    assert result["z"] == pytest.approx(w * x + b, abs=1e-15)
    assert result["a"] == pytest.approx(a.item(), abs=1e-14)
    assert result["slope"] == pytest.approx(z.grad.item(), abs=1e-14)
    assert result["slope"] * x == pytest.approx(weight.grad.item(), abs=1e-13)


@pytest.mark.parametrize("activation", sorted(TORCH))
def test_plot_data_contains_the_point_and_its_tangent(activation):
    result = layer.forward(3, 3, 3, activation)  # z = 12, the largest the controls allow
    z, a, slope = result["z"], result["a"], result["slope"]
    (z_low, z_high), (a_low, a_high) = result["view"]["z"], result["view"]["a"]
    assert z_low < z < z_high and a_low < a < a_high
    curve_z, curve_a = np.asarray(result["curve"]["z"]), np.asarray(result["curve"]["a"])
    assert np.isfinite(curve_a).all() and curve_z[0] == z_low and curve_z[-1] == z_high
    (t0, t1), (u0, u1) = result["tangent"]["z"], result["tangent"]["a"]
    assert t0 < z < t1 and (u1 - u0) / (t1 - t0) == pytest.approx(slope)
    assert (u0 + u1) / 2 == pytest.approx(a) and (t0 + t1) / 2 == pytest.approx(z)


def test_relu_passes_no_gradient_for_negative_z():
    assert layer.forward(1, 1, -2, "relu")["slope"] == 0.0
    assert layer.forward(3, 3, 3, "sigmoid")["slope"] < 1e-5  # saturated


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"x": "abc"}, "x must be a number, not the text 'abc'"),
        ({"w": "1.5"}, "w must be a number"),
        ({"b": None}, "b must be a number, not empty"),
        ({"x": True}, "x must be a number"),
        ({"x": [1.0]}, "x must be a number"),
        ({"x": float("nan")}, "x must be a finite number"),
        ({"w": float("inf")}, "w must be a finite number"),
        ({"b": -float("inf")}, "b must be a finite number"),
        ({"x": 3.01}, "x must be between -3 and 3, not 3.01"),
        ({"w": -1e400}, "w must be a finite number"),
        ({"activation": "softmax"}, "unknown activation 'softmax'"),
        ({"activation": None}, "unknown activation"),
    ],
)
def test_invalid_input_is_refused_with_a_reader_message(arguments, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        layer.forward(**{"x": 1.0, "w": 1.0, "b": 0.0, **arguments})


def test_bridge_answers_in_json_and_turns_bad_input_into_an_error():
    good = json.loads(bridge.call("layer_forward", "forward", json.dumps({"x": 1, "w": 2, "b": 0})))
    assert good["ok"] and good["result"]["z"] == 2 and len(good["result"]["curve"]["z"]) > 100
    bad = json.loads(bridge.call("layer_forward", "forward", '{"x": "abc", "w": 1, "b": 0}'))
    assert bad == {"ok": False, "error": "x must be a number, not the text 'abc'"}


def test_initial_state_is_the_default_forward_pass():
    state = json.loads(bridge.call("layer_forward", "initial_state", "{}"))["result"]
    defaults = state["defaults"]
    assert state["result"]["z"] == defaults["w"] * defaults["x"] + defaults["b"]
    assert defaults["activation"] in [a["name"] for a in state["activations"]]
    for name, spec in state["inputs"].items():
        assert spec["min"] <= defaults[name] <= spec["max"], name


@pytest.mark.parametrize("activation", sorted(TORCH))
@pytest.mark.parametrize(
    ("x", "w", "b", "y"),
    [(1.0, 1.5, -0.5, 0.25), (-2.3, 0.7, 0.4, -1.0), (3, -3, 3, 3), (0, 0, 0, 0), (0.5, 2, -1, -3)],
)
def test_chain_rule_to_the_weight_matches_autograd(activation, x, w, b, y):
    """∂L/∂a, f′(z), ∂L/∂w and ∂L/∂b of L = (a − y)², against torch's backward."""
    result = layer.forward(x, w, b, activation, y)
    weight = torch.tensor(float(w), dtype=torch.float64, requires_grad=True)
    bias = torch.tensor(float(b), dtype=torch.float64, requires_grad=True)
    z = weight * x + bias
    z.retain_grad()
    a = TORCH[activation](z)
    a.retain_grad()
    loss = (a - y) ** 2
    loss.backward()
    assert result["loss"] == pytest.approx(loss.item(), rel=1e-12, abs=1e-15)
    assert result["dloss_da"] == pytest.approx(a.grad.item(), rel=1e-12, abs=1e-15)
    assert result["dloss_dz"] == pytest.approx(z.grad.item(), rel=1e-12, abs=1e-14)
    assert result["dloss_dw"] == pytest.approx(weight.grad.item(), rel=1e-12, abs=1e-14)
    assert result["dloss_db"] == pytest.approx(bias.grad.item(), rel=1e-12, abs=1e-14)
    # the product the readout shows, factor by factor
    product = result["dloss_da"] * result["slope"] * x
    assert result["dloss_dw"] == pytest.approx(product, rel=1e-12, abs=1e-15)


def test_target_is_checked_like_the_other_inputs_and_in_the_plot():
    with pytest.raises(ValueError, match="y must be between -3 and 3"):
        layer.forward(1, 1, 0, "tanh", 5)
    low, high = layer.forward(1, 1, 0, "sigmoid", -3)["view"]["a"]
    assert low < -3 < high  # the target line is on the plot
    assert layer.initial_state()["defaults"]["y"] == layer.INPUTS["y"]["default"]
