"""The MSE loss of a line ŷ = w·x + b, and gradient descent on w with b fixed, in NumPy.

The "loss landscape" widget calls ``descend`` in the browser (Pyodide) on every
input; the build calls ``initial_state`` so the page shows the starting view
before Python is ready. Pure functions: the data (x, y) and plain numbers in, a
dict of plain numbers and lists out; bad input raises ValueError with a message
for the reader. Divergence is detected here, so no NaN or infinity leaves.

For a fixed b the loss is a parabola in w with curvature d²L/dw² = 2·mean(x²),
the same for every b. A step w ← w − lr·dL/dw multiplies the distance to the
slice's minimum by (1 − lr·curvature): it shrinks monotonically for
lr < 1/curvature, overshoots and zig-zags inwards up to 2/curvature, and grows
beyond it. So the critical learning rate is 2/curvature.
"""

from __future__ import annotations

import math

import numpy as np
from checks import check_number

DATA = "linear"  # the chapter's dataset, docs/data/linear.json: its columns x and y
MAX_STEPS = 100
ESCAPE = 4.0  # diverged once w is this many window half-widths from the slice minimum
CURVE_POINTS = 101  # a parabola: chords of 1/100 of the view deviate from it by < 0.1 px
GRID_POINTS = 41  # per axis of the (w, b) contour map
# Below this fraction of the critical rate descent crawls: after MAX_STEPS steps
# more than a hundredth of the way to the minimum is still left, since 1 − 2·CRAWL
# is the factor each step keeps. The learning-rate sweep (precompute/config.py)
# names its runs by the same rule (tests/test_widget_landscape.py checks it).
CRAWL = (1 - 0.01 ** (1 / MAX_STEPS)) / 2


def check_data(x, y) -> tuple[np.ndarray, np.ndarray]:
    """x and y as float arrays of the same length, all finite, x not all equal."""
    try:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError("x and y must be lists of numbers") from error
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError("x and y must be lists of the same length, at least 2 points")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("x and y must contain only finite numbers")
    if np.mean(x * x) == 0:
        raise ValueError("x must not be all zeros: the loss would not depend on w")
    return x, y


def columns(data: dict) -> dict:
    """The columns of the DATA file that every function here takes, checked once."""
    x, y = check_data(data.get("x"), data.get("y"))
    return {"x": x, "y": y}


def loss(x, y, w, b):
    """Mean squared error of ŷ = w·x + b; w and b may be arrays (broadcast)."""
    error = np.multiply.outer(w, x) + np.expand_dims(b, -1) - y
    return np.mean(error * error, axis=-1)


def gradient(x, y, w: float, b: float) -> tuple[float, float]:
    """(dL/dw, dL/db) = (2·mean(e·x), 2·mean(e)) with e = w·x + b − y."""
    error = w * x + b - y
    return float(2 * np.mean(error * x)), float(2 * np.mean(error))


def curvature(x) -> float:
    """d²L/dw², the same at every w and b: 2·mean(x²)."""
    return float(2 * np.mean(np.square(x)))


def critical_lr(x) -> float:
    """The learning rate above which descent on w diverges: 2 / curvature."""
    return 2.0 / curvature(x)


def slice_minimum(x, y, b: float) -> float:
    """The best w for a fixed b (where dL/dw = 0)."""
    return float(np.mean((y - b) * x) / np.mean(x * x))


def best_fit(x, y) -> tuple[float, float]:
    """The (w, b) with the lowest loss overall (least squares)."""
    (w, b), *_ = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)
    return float(w), float(b)


def _nice(value: float) -> float:
    """Round up to 1, 2 or 5 times a power of ten, so ranges are readable."""
    power = 10.0 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value * (1 - 1e-12))


def inputs(x, y) -> dict:
    """The controls for this data: range, slider step and starting value."""
    w_best, b_best = best_fit(x, y)
    # Windows around the best fit, with whole-number ends.
    w_low, w_high = _window(w_best)
    b_low, b_high = _window(b_best)
    lr_max = _nice(1.25 * critical_lr(x))
    return {
        "b": _control("intercept b (fixed)", b_low, b_high, 0.01, round(b_best, 1)),
        "w0": _control("start w₀", w_low, w_high, 0.01, round(w_low + 0.15 * (w_high - w_low), 1)),
        "lr": _control(
            "learning rate α", lr_max / 1000, lr_max, lr_max / 1000, _nice(0.2 * critical_lr(x))
        ),
        "steps": _control("steps taken", 0, MAX_STEPS, 1, 0),
    }


def _window(best: float) -> tuple[int, int]:
    half = max(1.5, 1.2 * abs(best))
    return math.floor(best - half), math.ceil(best + half)


def _control(label: str, low: float, high: float, step: float, default: float) -> dict:
    return {"label": label, "min": low, "max": high, "step": step, "default": default}


REGIMES = {
    "one-step": "α is exactly half the critical rate: one step lands on the minimum",
    "bounce": "α equals the critical rate: w bounces between two points forever",
    "crawl": f"α is tiny: w creeps downhill, and after {MAX_STEPS} steps more than 1 % of "
    "the way is still left",
    "good": "α is below half the critical rate: w slides straight down one side",
    "oscillate": "α is between half and all of the critical rate: each step overshoots "
    "and w zig-zags inwards",
    "diverge": "α is above the critical rate: each step overshoots further and w zig-zags outwards",
}


def regime(lr: float, critical: float) -> dict:
    """How descent behaves at this learning rate: a name (the learning-rate sweep's
    names, as in precompute/config.py) and a sentence."""
    ratio = lr / critical
    if math.isclose(ratio, 0.5, rel_tol=1e-9):
        name = "one-step"
    elif math.isclose(ratio, 1.0, rel_tol=1e-9):
        name = "bounce"
    elif ratio < CRAWL:
        name = "crawl"
    elif ratio < 0.5:
        name = "good"
    else:
        name = "oscillate" if ratio < 1.0 else "diverge"
    return {"name": name, "text": REGIMES[name]}


def _loss_and_slope(x, y, w: float, b: float) -> tuple[float, float]:
    """(L, dL/dw) at one point, from one error vector e = w·x + b − y: mean(e²) and
    2·mean(e·x), the loss and gradient above, as two dot products. About 6x faster
    per descent step than calling both (15.5 -> 2.6 µs in CPython), and a slider
    input in the browser runs a batch of descents."""
    error = w * x + (b - y)
    return float(np.dot(error, error)) / x.size, 2 * float(np.dot(error, x)) / x.size


def _run(x, y, b: float, w0: float, lr: float, steps: int, w_min: float, bound: float) -> dict:
    """Gradient descent on w; stops early when w gets further than `bound` from w_min."""
    value, slope = _loss_and_slope(x, y, w0, b)
    w_values, losses, grads = [w0], [value], [slope]
    event = None
    for step in range(1, steps + 1):
        w = w_values[-1] - lr * grads[-1]
        value, slope = _loss_and_slope(x, y, w, b) if math.isfinite(w) else (math.inf, math.inf)
        if not (math.isfinite(w) and math.isfinite(value) and abs(w - w_min) <= bound):
            text = f"Diverged at step {step}: w would jump to {w:.3g}, far outside the window"
            event = {"name": "diverged", "step": step, "text": f"{text}. Descent stopped."}
            break
        converged = abs(w - w_values[-1]) <= 1e-9 * bound
        w_values.append(w)
        losses.append(value)
        grads.append(slope)
        if converged:
            text = f"Converged at step {step}: the gradient is zero, so w stays put."
            event = {"name": "converged", "step": step, "text": text}
            break
    return {"w": w_values, "loss": losses, "grad": grads, "event": event}


def zoom_level(half: float, distance: float) -> float:
    """The view's half-width: `half`, doubled as often as needed to hold an iterate
    `distance` from the slice minimum. Zooming out in doublings keeps the axes still
    while a reader drags α or steps a diverging descent (each step is drawn on the
    same scale as the one before), and there are only three levels up to ESCAPE."""
    if distance <= half:
        return half
    # The tolerance keeps a distance of exactly 2·half (up to rounding) at 2·half.
    return half * 2.0 ** math.ceil(math.log2(distance / half) - 1e-9)


def descend(x, y, b, w0, lr, steps=0) -> dict:
    """Take `steps` steps of gradient descent on w from w0 with b fixed, and describe them.

    Returns the slice (parabola) to draw, the iterates with loss and dL/dw at each,
    the tangent at the current w, the critical rate and regime, and an event when
    descent diverged (it stops there) or converged.
    """
    x, y = check_data(x, y)
    spec = inputs(x, y)
    b, w0, lr, steps = (
        check_number(name, value, spec[name]["min"], spec[name]["max"])
        for name, value in (("b", b), ("w0", w0), ("lr", lr), ("steps", steps))
    )
    if steps != int(steps):
        raise ValueError(f"steps must be a whole number, not {steps:g}")
    w_min = slice_minimum(x, y, b)
    half = max(abs(w0 - w_min), 0.5 * (spec["w0"]["max"] - spec["w0"]["min"]))
    run = _run(x, y, b, w0, lr, int(steps), w_min, bound=ESCAPE * half)
    taken = len(run["w"]) - 1
    w_now, loss_now, grad_now = run["w"][-1], run["loss"][-1], run["grad"][-1]
    reach = zoom_level(half, max(abs(w - w_min) for w in run["w"]))
    curve_w = np.linspace(w_min - 1.05 * reach, w_min + 1.05 * reach, CURVE_POINTS)
    curve_loss = loss(x, y, curve_w, b)
    dw = 0.25 * reach  # half-length of the drawn tangent
    critical = critical_lr(x)
    return {
        "b": b,
        "w0": w0,
        "lr": lr,
        "steps_taken": taken,
        "path": {"step": list(range(taken + 1)), **{k: run[k] for k in ("w", "loss", "grad")}},
        "current": {"w": w_now, "loss": loss_now, "grad": grad_now},
        "curve": {"w": curve_w, "loss": curve_loss},
        "tangent": {
            "w": [w_now - dw, w_now + dw],
            "loss": [loss_now - grad_now * dw, loss_now + grad_now * dw],
        },
        "slice_min": {"w": w_min, "loss": float(loss(x, y, w_min, b))},
        "view": {"w": [curve_w[0], curve_w[-1]], "loss": [0.0, 1.08 * curve_loss.max()]},
        "curvature": curvature(x),
        "critical_lr": critical,
        "ratio": lr / critical,
        "regime": regime(lr, critical),
        "event": run["event"],
        "done": run["event"] is not None or taken >= MAX_STEPS,
        "engine": f"NumPy {np.__version__}",
    }


def surface(x, y) -> dict:
    """The loss over the (w, b) window as a grid for a contour map (rows are b)."""
    x, y = check_data(x, y)
    spec = inputs(x, y)
    w = np.linspace(spec["w0"]["min"], spec["w0"]["max"], GRID_POINTS)
    b = np.linspace(spec["b"]["min"], spec["b"]["max"], GRID_POINTS)
    w_best, b_best = best_fit(x, y)
    return {
        "w": w,
        "b": b,
        "loss": _rounded(loss(x, y, w[np.newaxis, :], b[:, np.newaxis])),
        "best": {"w": w_best, "b": b_best, "loss": float(loss(x, y, w_best, b_best))},
    }


def _rounded(grid: np.ndarray, digits: int = 4) -> list[list[float]]:
    """Four significant digits are plenty for contour lines and keep the page small."""
    return [[float(f"{value:.{digits}g}") for value in row] for row in grid]


def initial_state(data: dict) -> dict:
    """What the page embeds at build time: controls, the surface, and the default view."""
    x, y = check_data(data["x"], data["y"])
    spec = inputs(x, y)
    defaults = {name: control["default"] for name, control in spec.items()}
    return {
        "data": DATA,
        "inputs": spec,
        "defaults": defaults,
        "surface": surface(x, y),
        "result": descend(x, y, **defaults),
    }
