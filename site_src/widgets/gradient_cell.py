"""The "Write the gradient yourself" cell: run the reader's two lines and judge them.

The reader writes ``grad_w`` and ``grad_b`` inside the chapter's NumPy loop
(precompute/loops.py). ``check`` runs that code in a fresh namespace at a few
(w, b) points, compares both values with the exact gradients of the mean squared
error, names the usual mistakes (a flipped sign, a missing factor 2, a sum
instead of a mean, w and b swapped, a missing x), and runs the reader's loop for
the chapter's 100 epochs so the page can draw its path beside the correct one.

The code runs in the Pyodide worker, never on the page; the worker's call has a
time limit (``TIME_LIMIT_S``) after which the page ends the worker, so an
endless loop costs the reader a restart, not a frozen tab. The namespace only
offers NumPy and ``math`` to import: that keeps honest code away from the
worker's own modules, but it is not a sandbox, and it need not be one, since
the worker can only send data back.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import math
import textwrap

import numpy as np

DATA = "linear"  # docs/data/linear.json: the chapter's x, y, starting w, b and lr
TIME_LIMIT_S = 5  # the page stops a run that takes longer (an endless loop)
MAX_CODE_CHARS = 4000
STEPS = 100  # the chapter's loop runs 100 epochs
ESCAPE = 50.0  # a path with |w| or |b| beyond this has run away: stop drawing it
CHECK_POINTS = [(-1.5, 1.0), (1.0, -2.0), (3.0, 0.5)]  # (w, b): the start and two more
FILENAME = "<your code>"

# The loop as the chapter writes it; the reader's lines replace its middle.
HEAD = "for epoch in range(epochs):"
TAIL = "    w -= lr * grad_w\n    b -= lr * grad_b"  # short enough for a phone
TEMPLATE = """\
y_pred = w * x + b  # forward pass: the model's guesses
error = y_pred - y
loss = (error**2).mean()  # mean squared error

grad_w = ...  # dL/dw
grad_b = ...  # dL/db
"""

ALLOWED_IMPORTS = ("numpy", "math")
# Builtins a gradient never needs and that reach outside the namespace.
REMOVED_BUILTINS = (
    "open",
    "input",
    "breakpoint",
    "exit",
    "quit",
    "help",
    "compile",
    "exec",
    "eval",
)


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and name.split(".")[0] in ALLOWED_IMPORTS:
        return builtins.__import__(name, globals, locals, fromlist, level)
    raise ImportError(f"only numpy and math can be imported here, not {name!r}")


def _builtins() -> dict:
    allowed = {k: v for k, v in vars(builtins).items() if k not in REMOVED_BUILTINS}
    allowed["__import__"] = _import
    return allowed


class ReaderError(Exception):
    """The reader's code failed; carries what to show and where."""

    def __init__(self, kind: str, message: str, line: int | None = None):
        super().__init__(message)
        self.kind, self.message, self.line = kind, message, line


def _line_of(error: BaseException) -> int | None:
    """The line of the reader's code where it failed, from the traceback."""
    if isinstance(error, SyntaxError) and error.filename == FILENAME:
        return error.lineno
    line, tb = None, error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _describe(error: BaseException) -> str:
    text = error.msg if isinstance(error, SyntaxError) else str(error)
    text = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return text if len(text) <= 300 else text[:299] + "…"


def compile_code(code) -> object:
    if not isinstance(code, str):
        raise ValueError("the code must be text")
    if len(code) > MAX_CODE_CHARS:
        raise ValueError(
            f"the code is longer than {MAX_CODE_CHARS} characters; two lines are enough"
        )
    try:
        # Lines copied from inside the loop keep its indent: take it off.
        return compile(textwrap.dedent(code), FILENAME, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:  # ValueError: a NUL character
        raise ReaderError("syntax", _describe(error), _line_of(error)) from None


def _number(name: str, value) -> float:
    """The reader's value as one float, or a ReaderError saying what it is instead."""
    if value is Ellipsis:
        raise ReaderError("unfinished", f"{name} is still ...: replace the ... with your formula")
    if value is None:
        raise ReaderError("value", f"{name} is None: assign it a number")
    try:
        array = np.asarray(value, dtype=float)
    except Exception:  # the reader's own object may raise anything while converting
        raise ReaderError("value", f"{name} is a {type(value).__name__}, not a number") from None
    if array.size != 1:
        raise ReaderError(
            "shape",
            f"{name} holds {array.size} numbers (shape {array.shape}), one per point: the loss is "
            "their mean, so its gradient is one number. Average over the points (.mean()).",
        )
    return float(array.reshape(()))


def _run(program, x, y, w: float, b: float, output=None) -> tuple[float, float]:
    """One pass of the reader's lines at (w, b): their grad_w and grad_b."""
    namespace = {
        "__builtins__": _builtins(),
        "np": np,
        "x": x.copy(),
        "y": y.copy(),
        "w": w,
        "b": b,
    }
    try:
        with np.errstate(all="ignore"), contextlib.redirect_stdout(output or io.StringIO()):
            exec(program, namespace)
    except BaseException as error:  # anything the reader raises (even SystemExit) is theirs to see
        raise ReaderError("exception", _describe(error), _line_of(error)) from None
    for name in ("grad_w", "grad_b"):
        if name not in namespace:
            raise ReaderError("missing", f"your code does not set {name}")
    return _number("grad_w", namespace["grad_w"]), _number("grad_b", namespace["grad_b"])


def exact_gradient(x, y, w: float, b: float) -> tuple[float, float]:
    """(dL/dw, dL/db) of L = mean((w·x + b − y)²)."""
    error = w * x + b - y
    return float(2 * np.mean(error * x)), float(2 * np.mean(error))


# What each usual mistake earns, by kind; {n} is the number of points.
HINTS = {
    "sign": "the sign is flipped: the error is y_pred − y, and descent subtracts the "
    "gradient, so a flipped sign climbs the loss",
    "factor_2": "a factor 2 is missing: the derivative of error² is 2·error",
    "sum": "it is N = {n} times too large: a sum over the points where the loss takes "
    "their mean; divide by N or use .mean()",
    "x_missing": "the factor x is missing: y_pred = w·x + b grows by x when w grows by 1, "
    "so multiply the error by x",
    "x_extra": "it has a factor x it should not have: y_pred grows by 1 when b grows by 1",
}


def _mistakes(own, other, n: int, part: str) -> list[tuple[np.ndarray, list[str]]]:
    """What each usual mistake would give for one gradient, and its kinds."""
    found = []
    wrong_input = "x_missing" if part == "grad_w" else "x_extra"
    for sign, sign_kinds in ((1, []), (-1, ["sign"])):
        for factor, factor_kinds in (
            (1, []),
            (0.5, ["factor_2"]),
            (n, ["sum"]),
            (n / 2, ["sum", "factor_2"]),
        ):
            kinds = sign_kinds + factor_kinds
            if kinds:
                found.append((sign * factor * own, kinds))
            # grad_w without x is the gradient of b, grad_b with x the gradient of w
            found.append((sign * factor * other, [wrong_input, *kinds]))
    return found


def _close(got: np.ndarray, expected: np.ndarray) -> bool:
    return bool(np.allclose(got, expected, rtol=1e-6, atol=1e-9))


def diagnose(got: np.ndarray, exact: np.ndarray, n: int) -> list[dict]:
    """Hints for each wrong gradient; got and exact are (points, 2) arrays of (grad_w, grad_b)."""
    if _close(got[:, 0], exact[:, 1]) and _close(got[:, 1], exact[:, 0]):
        return [
            {
                "part": "both",
                "kinds": ["swapped"],
                "text": "grad_w and grad_b are swapped: each holds the other's formula.",
            }
        ]
    hints = []
    for column, part in enumerate(("grad_w", "grad_b")):
        own, other, mine = exact[:, column], exact[:, 1 - column], got[:, column]
        if _close(mine, own):
            continue
        mistakes = _mistakes(own, other, n, part)
        kinds = next((kinds for value, kinds in mistakes if _close(mine, value)), None)
        if kinds:
            text = f"{part}: " + "; and ".join(HINTS[k].format(n=n) for k in kinds) + "."
        else:
            w, b = CHECK_POINTS[0]
            kinds = ["other"]
            text = (
                f"{part} is not the derivative of the loss: at w = {w:g}, b = {b:g} your code gives "
                f"{_shown(mine[0])}, the exact value is {own[0]:.6g}."
            )
        hints.append({"part": part, "kinds": kinds, "text": text})
    return hints


def _shown(value: float) -> str:
    return f"{value:.6g}" if math.isfinite(value) else str(value)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def trajectory(step, w: float, b: float, lr: float, x, y, steps: int = STEPS) -> dict:
    """w, b and the loss after each of `steps` updates; stops once the path runs away."""
    path = {"epoch": [0], "w": [w], "b": [b], "train_loss": [float(np.mean((w * x + b - y) ** 2))]}
    ran_away = False
    for epoch in range(1, steps + 1):
        grad_w, grad_b = step(w, b)
        w, b = w - lr * grad_w, b - lr * grad_b
        if not (math.isfinite(w) and math.isfinite(b)) or max(abs(w), abs(b)) > ESCAPE:
            ran_away = True
            break
        with np.errstate(all="ignore"):
            loss = float(np.mean((w * x + b - y) ** 2))
        for key, value in zip(("epoch", "w", "b", "train_loss"), (epoch, w, b, loss), strict=True):
            path[key].append(value)
    return {**path, "ran_away": ran_away}


def _data(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if (
        x.ndim != 1
        or x.shape != y.shape
        or x.size < 2
        or not np.isfinite(x).all()
        or not np.isfinite(y).all()
    ):
        raise ValueError("x and y must be lists of the same length of finite numbers")
    return x, y


def check(x, y, code, w0: float, b0: float, lr: float) -> dict:
    """Run the reader's code; judge grad_w and grad_b; return the hints and the path."""
    x, y = _data(x, y)
    correct = trajectory(lambda w, b: exact_gradient(x, y, w, b), w0, b0, lr, x, y)
    result = {
        "verdict": "error",
        "hints": [],
        "error": None,
        "checks": [],
        "reader": None,
        "output": "",
        "correct": correct,
    }
    output = io.StringIO()
    try:
        program = compile_code(code)
        got = [
            _run(program, x, y, w, b, output if i == 0 else None)
            for i, (w, b) in enumerate(CHECK_POINTS)
        ]
        exact = [exact_gradient(x, y, w, b) for w, b in CHECK_POINTS]
        result["reader"] = trajectory(lambda w, b: _run(program, x, y, w, b), w0, b0, lr, x, y)
    except ReaderError as error:
        result["error"] = {"kind": error.kind, "message": error.message, "line": error.line}
        result["output"] = output.getvalue()[:1000]
        return result
    result["output"] = output.getvalue()[:1000]
    result["checks"] = [
        {
            "w": w,
            "b": b,
            "grad_w": _finite(g[0]),
            "grad_b": _finite(g[1]),
            "exact_grad_w": e[0],
            "exact_grad_b": e[1],
        }
        for (w, b), g, e in zip(CHECK_POINTS, got, exact, strict=True)
    ]
    result["hints"] = diagnose(np.array(got), np.array(exact), x.size)
    result["verdict"] = "wrong" if result["hints"] else "correct"
    return result


def initial_state(data: dict) -> dict:
    """What the page embeds: the code around the reader's lines and the correct path.

    `data` is the ``data`` part of docs/data/linear.json.
    """
    x, y = _data(data["x"], data["y"])
    init, lr = data["init"], data["lr"]
    correct = trajectory(lambda w, b: exact_gradient(x, y, w, b), init["w"], init["b"], lr, x, y)
    return {
        "data": DATA,
        "head": HEAD,
        "tail": TAIL,
        "template": TEMPLATE,
        "w0": init["w"],
        "b0": init["b"],
        "lr": lr,
        "n": int(x.size),
        "steps": STEPS,
        "time_limit_s": TIME_LIMIT_S,
        "escape": ESCAPE,
        "correct": correct,
        "view": {"w": [-3.0, 4.5], "b": [-2.5, 2.5]},
    }
