"""The gradient cell end to end: the reader's code runs in the Pyodide worker.

Verdicts and hints are checked against the same module run in CPython
(tests/test_widget_gradient_cell.py); here: the page shows them, draws the path,
survives an endless loop and a reload, and the keyboard can leave the editor.
"""

from __future__ import annotations

import sys

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, ROOT, assert_clean, wait_for_plots_to_show_their_data

sys.path.insert(0, str(ROOT / "site_src" / "widgets"))
import gradient_cell

pytestmark = pytest.mark.browser
BOOT_MS = 90_000  # Pyodide boots in ~2-6 s here; generous for a loaded CI machine
CELL = "#fig-gradient-cell"
RIGHT = gradient_cell.TEMPLATE.replace("grad_w = ...", "grad_w = 2 * (error * x).mean()").replace(
    "grad_b = ...", "grad_b = 2 * error.mean()"
)
SIGN = RIGHT.replace("grad_w = 2 *", "grad_w = -2 *")


def open_cell(page, base_url=None):
    """Open the chapter at the cell (or, without base_url, take the page as loaded)."""
    if base_url:
        page.goto(f"{base_url}chapter-01/#derivative-to-code")
    cell = page.locator(CELL)
    cell.scroll_into_view_if_needed()
    page.wait_for_selector(f"{CELL}[data-mounted=true] .js-plotly-plot", timeout=BOOT_MS)
    return cell


def run(page, code, verdict):
    cell = page.locator(CELL)
    cell.locator("textarea").fill(code)
    cell.get_by_role("button", name="Run your code").click()
    page.wait_for_selector(f"{CELL}[data-verdict={verdict}]", timeout=BOOT_MS)
    return cell


def shoot(page, name):
    """The whole cell, however tall, into test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(CELL).screenshot(path=str(ARTIFACTS / f"{name}.png"))


def reader_points(page) -> int:
    return page.evaluate(
        "(sel) => document.querySelector(sel + ' .js-plotly-plot').data[1].x.length", CELL
    )


def test_right_and_wrong_answers_with_their_path_and_reset(page, base_url):
    python_requests = []
    page.on("request", lambda r: "pyodide" in r.url and python_requests.append(r.url))
    cell = open_cell(page, base_url)
    assert python_requests == []  # nothing of Python before the reader touches the cell
    assert reader_points(page) == 0

    run(page, RIGHT, "correct")
    expect(cell.locator(".wtwm-cell-verdict")).to_contain_text("Right")
    wait_for_plots_to_show_their_data(page, CELL)
    assert reader_points(page) == gradient_cell.STEPS + 1
    expect(cell.locator(".wtwm-cell-path")).to_contain_text("w = 2.57, b = -0.683")

    run(page, SIGN, "wrong")
    assert cell.get_attribute("data-hints") == "sign"
    expect(cell.locator(".wtwm-cell-hints")).to_contain_text("grad_w: the sign is flipped")
    expect(cell.locator(".wtwm-cell-path")).to_contain_text("Your loop ran away")
    wait_for_plots_to_show_their_data(page, CELL)
    assert 1 < reader_points(page) < gradient_cell.STEPS + 1
    shoot(page, "gradient-cell-light-1280")

    run(page, RIGHT.replace("(error * x)", "(eror * x)"), "error")
    expect(cell.locator(".wtwm-cell-verdict")).to_have_text(
        "Line 5: NameError: name 'eror' is not defined"
    )

    cell.get_by_role("button", name="Reset this figure").click()
    expect(cell.locator("textarea")).to_have_value(gradient_cell.TEMPLATE)
    expect(cell.locator(".wtwm-cell-verdict")).to_have_text("")
    page.wait_for_function(
        "(sel) => document.querySelector(sel + ' .js-plotly-plot').data[1].x.length === 0",
        arg=CELL,
    )
    assert_clean(page)


def test_an_endless_loop_is_stopped_and_python_runs_again(page, base_url):
    """The page's clock is moved past the time limit once the code runs, so the
    test does not wait TIME_LIMIT_S for it."""
    page.clock.install()
    cell = open_cell(page, base_url)
    run(page, RIGHT, "correct")  # Python is up
    cell.locator("textarea").fill("while True:\n    pass\n")
    cell.get_by_role("button", name="Run your code").click()
    page.wait_for_selector(f"{CELL}[data-verdict=running]")
    assert page.evaluate("() => 6 * 7") == 42  # the page answers while the worker loops
    for _ in range(20):  # the limit starts once the call leaves: a jump before moves nothing
        page.clock.fast_forward((gradient_cell.TIME_LIMIT_S + 1) * 1000)
        if cell.get_attribute("data-verdict") == "stopped":
            break
        page.evaluate("() => window.__frames(2)")
    expect(cell.locator(".wtwm-cell-verdict")).to_contain_text(
        f"Stopped: your code ran for more than {gradient_cell.TIME_LIMIT_S} s"
    )
    run(page, SIGN, "wrong")  # a new worker took over
    assert cell.get_attribute("data-hints") == "sign"
    expect(page.locator(f"{CELL} .wtwm-python-status")).to_contain_text("Python ready")
    assert_clean(page)


def test_code_survives_a_reload_until_reset_on_a_phone_in_dark(new_page, base_url):
    page = new_page(scheme="dark", width=360, height=800)
    cell = open_cell(page, base_url)
    run(page, SIGN, "wrong")
    page.reload()
    cell = open_cell(page)
    expect(cell.locator("textarea")).to_have_value(SIGN)
    run(page, SIGN, "wrong")
    wait_for_plots_to_show_their_data(page, CELL)
    width = page.evaluate("(sel) => document.querySelector(sel).scrollWidth", CELL)
    assert width <= 360
    shoot(page, "gradient-cell-dark-360")
    cell.get_by_role("button", name="Reset this figure").click()
    page.reload()
    cell = open_cell(page)
    expect(cell.locator("textarea")).to_have_value(gradient_cell.TEMPLATE)
    assert_clean(page)


def test_tab_indents_and_escape_then_tab_leaves_the_editor(page, base_url):
    cell = open_cell(page, base_url)
    area = cell.locator("textarea")
    area.fill("")
    area.focus()
    page.keyboard.press("Tab")
    page.keyboard.type("x")
    expect(area).to_have_value("    x")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.tagName") != "TEXTAREA"
    area.focus()
    page.keyboard.press("Control+Enter")  # runs: `x` sets no gradient
    page.wait_for_selector(f"{CELL}[data-verdict=error]", timeout=BOOT_MS)
    expect(cell.locator(".wtwm-cell-verdict")).to_contain_text("does not set grad_w")
    assert_clean(page)


def test_without_storage_the_cell_still_works(new_page, base_url):
    page = new_page()
    # Storage refused for the cell's key only: the rest of the site keeps its own.
    page.add_init_script(
        """for (const name of ["getItem", "setItem", "removeItem"]) {
          const original = Storage.prototype[name];
          Storage.prototype[name] = function (key, ...rest) {
            if (String(key).startsWith("wtwm.gradient-cell")) throw new DOMException("blocked");
            return original.call(this, key, ...rest);
          };
        }"""
    )
    open_cell(page, base_url)
    run(page, RIGHT, "correct")
    assert_clean(page)
