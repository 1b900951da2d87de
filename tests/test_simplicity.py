"""Budgets that keep the code simple (issue #25): the widget and plot plumbing
stays short enough to read in one sitting, and tests wait for states, not times."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "site_src/theme/assets/js/lib"

# The path from a control to a drawn plot (CONTRIBUTING: "The widget path",
# "The plot helpers"). Figures and controls are not plumbing.
PLUMBING = ("live.js", "plot.js", "plot-spec.js", "plot-fit.js", "widget.js", "python.js")
PLUMBING_LINES = 500


def test_widget_and_plot_plumbing_fits_its_budget():
    lines = {name: len((LIB / name).read_text().splitlines()) for name in PLUMBING}
    assert sum(lines.values()) <= PLUMBING_LINES, lines


def test_no_test_waits_for_a_fixed_time():
    sleeps = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in {"wait_for_timeout", "sleep"}:
                sleeps.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert sleeps == []
