"""The gradient cell's checker (site_src/widgets/gradient_cell.py) on known right and wrong code.

The module is imported by its bare name, exactly as the browser's Pyodide imports it,
and its answers go through bridge.call, the one door the worker uses.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site_src" / "widgets"))
import bridge
import gradient_cell as cell

ROOT = Path(__file__).resolve().parents[1]

RIGHT_W, RIGHT_B = "2 * (error * x).mean()", "2 * error.mean()"


@cache
def linear() -> dict:
    return json.loads((ROOT / "docs" / "data" / "linear.json").read_text())


def code(grad_w: str = RIGHT_W, grad_b: str = RIGHT_B) -> str:
    return cell.TEMPLATE.replace("grad_w = ...", f"grad_w = {grad_w}").replace(
        "grad_b = ...", f"grad_b = {grad_b}"
    )


def run(source: str) -> dict:
    """The checker's answer, through the bridge like in the browser."""
    data = linear()["data"]
    arguments = {"x": data["x"], "y": data["y"], "code": source, "w0": -1.5, "b0": 1.0}
    reply = json.loads(bridge.call("gradient_cell", "check", json.dumps({**arguments, "lr": 0.05})))
    assert reply["ok"], reply
    return reply["result"]


def kinds(result: dict) -> dict[str, list[str]]:
    return {hint["part"]: hint["kinds"] for hint in result["hints"]}


def test_the_template_runs_the_chapters_loop_around_the_readers_lines():
    loop = (ROOT / "precompute" / "loops.py").read_text()
    for line in (*cell.TEMPLATE.splitlines()[:3], *cell.TAIL.splitlines()):
        assert line.strip() in loop, line
    assert "for epoch in range(epochs):" in loop and cell.HEAD == "for epoch in range(epochs):"


@pytest.mark.parametrize(
    ("grad_w", "grad_b"),
    [
        (RIGHT_W, RIGHT_B),
        ("2 * np.mean(error * x)", "2 * np.sum(error) / len(x)"),
        ("np.dot(error, x) * 2 / x.size", "(2 * error).mean()"),
        ("2 * ((w * x + b - y) * x).mean()", "np.mean(2 * (y_pred - y))"),
    ],
)
def test_right_answers_pass_and_follow_the_chapters_path(grad_w, grad_b):
    result = run(code(grad_w, grad_b))
    assert result["verdict"] == "correct" and result["hints"] == [] and result["error"] is None
    numpy_run = linear()["data"]["numpy"]
    for key in ("w", "b", "train_loss"):
        # the chapter's own NumPy run, exported at 8 significant digits
        np.testing.assert_allclose(result["reader"][key], numpy_run[key], rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(result["correct"][key], numpy_run[key], rtol=1e-7, atol=1e-8)
    assert result["reader"]["epoch"] == list(range(cell.STEPS + 1))
    assert not result["reader"]["ran_away"]


@pytest.mark.parametrize(
    ("grad_w", "grad_b", "expected"),
    [
        ("-2 * (error * x).mean()", RIGHT_B, {"grad_w": ["sign"]}),
        (RIGHT_W, "-2 * error.mean()", {"grad_b": ["sign"]}),
        ("(error * x).mean()", "error.mean()", {"grad_w": ["factor_2"], "grad_b": ["factor_2"]}),
        ("2 * (error * x).sum()", RIGHT_B, {"grad_w": ["sum"]}),
        (RIGHT_W, "2 * error.sum()", {"grad_b": ["sum"]}),
        ("(error * x).sum()", RIGHT_B, {"grad_w": ["sum", "factor_2"]}),
        ("-(error * x).mean()", RIGHT_B, {"grad_w": ["sign", "factor_2"]}),
        ("2 * error.mean()", RIGHT_B, {"grad_w": ["x_missing"]}),
        (RIGHT_W, "2 * (error * x).mean()", {"grad_b": ["x_extra"]}),
        (RIGHT_B, RIGHT_W, {"both": ["swapped"]}),
        ("2 * (error * x * x).mean()", RIGHT_B, {"grad_w": ["other"]}),
    ],
)
def test_each_usual_mistake_gets_its_hint(grad_w, grad_b, expected):
    result = run(code(grad_w, grad_b))
    assert result["verdict"] == "wrong" and result["error"] is None
    assert kinds(result) == expected
    assert len(result["checks"]) == len(cell.CHECK_POINTS)


def test_hint_texts_say_what_is_wrong():
    texts = {
        k: " ".join(h["text"] for h in run(code(*pair))["hints"])
        for k, pair in {
            "sign": ("-2 * (error * x).mean()", RIGHT_B),
            "factor_2": ("(error * x).mean()", RIGHT_B),
            "sum": (RIGHT_W, "2 * error.sum()"),
            "other": ("0.0", RIGHT_B),
        }.items()
    }
    assert "sign is flipped" in texts["sign"]
    assert "factor 2 is missing" in texts["factor_2"]
    assert "N = 50 times too large" in texts["sum"] and ".mean()" in texts["sum"]
    exact_w, _ = cell.exact_gradient(
        np.array(linear()["data"]["x"]), np.array(linear()["data"]["y"]), -1.5, 1.0
    )
    assert f"{exact_w:.6g}" in texts["other"] and "your code gives 0" in texts["other"]


def test_a_flipped_sign_climbs_and_its_path_stops_when_it_runs_away():
    result = run(code("-2 * (error * x).mean()", "-2 * error.mean()"))
    path = result["reader"]
    assert path["ran_away"] and len(path["w"]) < cell.STEPS + 1
    assert max(abs(v) for v in path["w"] + path["b"]) <= cell.ESCAPE
    assert path["train_loss"][-1] > 10 * path["train_loss"][0]  # it climbed


def test_a_missing_factor_2_still_descends_but_more_slowly():
    path, correct = (
        run(code("(error * x).mean()", "error.mean()"))[k] for k in ("reader", "correct")
    )
    assert not path["ran_away"] and len(path["w"]) == cell.STEPS + 1
    assert correct["train_loss"][10] < path["train_loss"][10] < path["train_loss"][0]


@pytest.mark.parametrize(
    ("source", "kind", "says", "line"),
    [
        (code("2 * (eror * x).mean()"), "exception", "NameError: name 'eror' is not defined", 5),
        (code(RIGHT_W, "2 * error.mean(") + "\n", "syntax", "SyntaxError: ", 6),
        ("grad_w = 1\ngrad_b = 1 / 0\n", "exception", "ZeroDivisionError: division by zero", 2),
        ("\n\nraise SystemExit('bye')", "exception", "SystemExit: bye", 3),
        ("import js\n", "exception", "only numpy and math can be imported", 1),
        ("open('/etc/passwd')", "exception", "NameError: name 'open' is not defined", 1),
        (cell.TEMPLATE, "unfinished", "grad_w is still ...", None),
        (code(RIGHT_W, "2 * error"), "shape", "grad_b holds 50 numbers", None),
        ("grad_w = 1.0\n", "missing", "does not set grad_b", None),
        ("grad_w = 'a'\ngrad_b = 1", "value", "grad_w is a str, not a number", None),
    ],
)
def test_errors_show_their_message_and_the_line_in_the_readers_code(source, kind, says, line):
    result = run(source)
    assert result["verdict"] == "error" and result["reader"] is None
    assert result["error"]["kind"] == kind
    assert says in result["error"]["message"]
    assert result["error"]["line"] == line


def test_lines_copied_with_the_loops_indent_still_run():
    indented = "".join(f"    {line}\n" for line in code().splitlines())
    assert run(indented)["verdict"] == "correct"


def test_the_readers_code_sees_copies_and_cannot_change_the_data():
    source = "x *= 0\ny[:] = 1\n" + code()
    result = run(source)  # the loop runs on x = 0: a wrong answer, the data untouched
    assert result["verdict"] == "wrong"
    assert linear()["data"]["x"][0] == pytest.approx(0.44050414)


def test_print_output_is_returned_once_and_too_long_code_is_refused():
    result = run("print('hello')\n" + code())
    assert result["verdict"] == "correct" and result["output"] == "hello\n"
    data = linear()["data"]
    arguments = {"x": data["x"], "y": data["y"], "code": "#" * 5000, "w0": 0, "b0": 0, "lr": 0.05}
    reply = json.loads(bridge.call("gradient_cell", "check", json.dumps(arguments)))
    assert not reply["ok"] and "longer than 4000" in reply["error"]


def test_non_finite_answers_still_reach_the_page_as_json():
    result = run("grad_w = float('nan')\ngrad_b = float('inf')\n")
    assert result["verdict"] == "wrong" and result["checks"][0]["grad_w"] is None
    assert result["reader"]["ran_away"] and len(result["reader"]["w"]) == 1


def test_initial_state_holds_the_template_and_the_chapters_path():
    state = cell.initial_state(linear()["data"])
    numpy_run = linear()["data"]["numpy"]
    np.testing.assert_allclose(state["correct"]["w"], numpy_run["w"], rtol=1e-7, atol=1e-8)
    assert state["template"] == cell.TEMPLATE and state["time_limit_s"] == cell.TIME_LIMIT_S
    (w_low, w_high), (b_low, b_high) = state["view"]["w"], state["view"]["b"]
    assert all(w_low < w < w_high for w in state["correct"]["w"])
    assert all(b_low < b < b_high for b in state["correct"]["b"])
