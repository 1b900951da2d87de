"""One scalar layer, a = f(w·x + b): its output, its local slope da/dz, and the
chain rule back to the weight for a target y, in NumPy.

With the loss L = (a − y)², backpropagation multiplies three factors:
∂L/∂w = ∂L/∂a · da/dz · ∂z/∂w = 2(a − y) · f′(z) · x, and ∂L/∂b = 2(a − y) · f′(z).

The "Try the layer yourself" widget calls ``forward`` in the browser (Pyodide) on
every input, and the build calls ``initial_state`` so the page shows the starting
values before Python is ready. Pure functions: plain numbers in, a dict of plain
numbers and lists out; bad input raises ValueError with a message for the reader.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from checks import check_number

# The controls: allowed range, slider step and starting value of each input.
INPUTS = {
    "x": {"label": "input x", "min": -3.0, "max": 3.0, "step": 0.01, "default": 1.0},
    "w": {"label": "weight w", "min": -3.0, "max": 3.0, "step": 0.01, "default": 1.5},
    "b": {"label": "bias b", "min": -3.0, "max": 3.0, "step": 0.01, "default": -0.5},
    "y": {"label": "target y", "min": -3.0, "max": 3.0, "step": 0.01, "default": 0.25},
}
DEFAULT_ACTIVATION = "tanh"
LEAKY_SLOPE = 0.1  # larger than PyTorch's default 0.01 so the slope is visible on the plot
CURVE_POINTS = 241
TANGENT_HALF_WIDTH = 1.5  # the tangent is drawn over z ± this


@dataclass(frozen=True)
class Activation:
    label: str
    formula: str  # f(z), as the reader sees it
    slope_formula: str  # df/dz
    values_and_slopes: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def _identity(z):
    return z, np.ones_like(z)


def _relu(z):
    # PyTorch's convention at the kink: slope 0 at z = 0.
    return np.maximum(z, 0.0), np.where(z > 0, 1.0, 0.0)


def _leaky_relu(z):
    return np.where(z > 0, z, LEAKY_SLOPE * z), np.where(z > 0, 1.0, LEAKY_SLOPE)


def _sigmoid(z):
    a = 0.5 * (1.0 + np.tanh(0.5 * z))  # the same function as 1/(1+e^-z), no overflow
    return a, a * (1.0 - a)


def _tanh(z):
    a = np.tanh(z)
    return a, 1.0 - a * a


ACTIVATIONS = {
    "identity": Activation("identity", "z", "1", _identity),
    "relu": Activation("ReLU", "max(0, z)", "1 if z > 0, else 0", _relu),
    "leaky_relu": Activation(
        "leaky ReLU",
        f"z if z > 0, else {LEAKY_SLOPE:g}·z",
        f"1 if z > 0, else {LEAKY_SLOPE:g}",
        _leaky_relu,
    ),
    "sigmoid": Activation("sigmoid", "1 / (1 + e^−z)", "σ(z)·(1 − σ(z))", _sigmoid),
    "tanh": Activation("tanh", "tanh(z)", "1 − tanh²(z)", _tanh),
}


def _check_input(name: str, value) -> float:
    return check_number(name, value, INPUTS[name]["min"], INPUTS[name]["max"])


def check_activation(activation) -> Activation:
    if activation not in ACTIVATIONS:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {activation!r}; choose one of: {known}")
    return ACTIVATIONS[activation]


def activate(activation: str, z):
    """f(z) and df/dz for an array (or number) z."""
    return check_activation(activation).values_and_slopes(np.asarray(z, dtype=float))


def _a_range(curve_a: np.ndarray, y: float) -> list[float]:
    low, high = min(float(curve_a.min()), y), max(float(curve_a.max()), y)
    pad = 0.1 * (high - low) or 0.5
    return [low - pad, high + pad]


def backward(x: float, a: float, slope: float, y: float) -> dict:
    """The loss (a − y)² and its gradient, one chain-rule factor at a time."""
    dloss_da = 2.0 * (a - y)
    dloss_dz = dloss_da * slope  # ∂L/∂a · f′(z)
    return {
        "loss": (a - y) ** 2,
        "dloss_da": dloss_da,
        "dloss_dz": dloss_dz,
        "dloss_dw": dloss_dz * x,  # ∂z/∂w = x
        "dloss_db": dloss_dz,  # ∂z/∂b = 1
    }


def forward(x, w, b, activation: str = DEFAULT_ACTIVATION, y=INPUTS["y"]["default"]) -> dict:
    """z = w·x + b, a = f(z), da/dz, the gradient of (a − y)² back to w and b,
    and what the plot needs to draw f around z."""
    x, w, b, y = (
        _check_input(name, value) for name, value in (("x", x), ("w", w), ("b", b), ("y", y))
    )
    chosen = check_activation(activation)
    z = w * x + b
    a, slope = (float(v) for v in chosen.values_and_slopes(np.float64(z)))
    half_width = max(6.0, math.ceil(abs(z)) + 1.0)  # the plot always contains (z, a)
    curve_z = np.linspace(-half_width, half_width, CURVE_POINTS)
    curve_a, _ = chosen.values_and_slopes(curve_z)
    return {
        "x": x,
        "w": w,
        "b": b,
        "activation": activation,
        "label": chosen.label,
        "formula": chosen.formula,
        "slope_formula": chosen.slope_formula,
        "z": z,
        "a": a,
        "slope": slope,
        "y": y,
        **backward(x, a, slope, y),
        "curve": {"z": curve_z, "a": curve_a},
        "tangent": {
            "z": [z - TANGENT_HALF_WIDTH, z + TANGENT_HALF_WIDTH],
            "a": [a - slope * TANGENT_HALF_WIDTH, a + slope * TANGENT_HALF_WIDTH],
        },
        "view": {"z": [-half_width, half_width], "a": _a_range(curve_a, y)},
        "engine": f"NumPy {np.__version__}",
    }


def initial_state() -> dict:
    """What the page embeds at build time: the controls and the result at their defaults."""
    defaults = {name: spec["default"] for name, spec in INPUTS.items()}  # x, w, b, y
    return {
        "inputs": INPUTS,
        "activations": [{"name": name, "label": a.label} for name, a in ACTIVATIONS.items()],
        "defaults": {**defaults, "activation": DEFAULT_ACTIVATION},
        "result": forward(**defaults, activation=DEFAULT_ACTIVATION),
    }
