"""The "What goes wrong" figure end to end: it mounts, each bug's radio button
changes the plot, the diff and the caption, the choice survives in the URL, and
nothing logs an error. Screenshots at 1280 px light and 360 px dark for review."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, assert_clean, screenshot, wait_for_plots_to_show_their_data

DATA = json.loads((ROOT / "docs" / "data" / "bugs.json").read_text())["data"]
RUNS = {run["id"]: run for run in DATA["runs"]}
GD = "document.querySelector('#fig-bugs .js-plotly-plot')"


def open_figure(page, base_url: str, query: str = "") -> None:
    page.goto(f"{base_url}chapter-01/{query}")
    # Its top at the top of the window: scrolled only "into view", the figure (taller
    # than a 360 px phone's window) ended 1 px below the window once the prose
    # above it was laid out, and did not mount in 3 of 10 runs.
    page.evaluate("document.getElementById('fig-bugs').scrollIntoView()")
    page.wait_for_function(
        "() => document.querySelector('#fig-bugs .js-plotly-plot')?.querySelector('.main-svg')"
    )
    wait_for_plots_to_show_their_data(page, "#fig-bugs")


def shown_panel(page) -> str:
    return page.evaluate(
        "() => [...document.querySelectorAll('#fig-bugs .wtwm-bugs-panel')]"
        ".filter((p) => getComputedStyle(p).visibility === 'visible').map((p) => p.dataset.bug).join()"
    )


def plotted(page) -> list[list[float]]:
    return page.evaluate(f"{GD}.data.map((trace) => [...trace.y])")


@pytest.mark.browser
def test_each_bug_shows_its_run_diff_and_caption(page, base_url):
    open_figure(page, base_url)
    assert page.is_checked("#bugs-bug-zero_grad")
    caption = page.locator("#fig-bugs .wtwm-caption-state")
    seen = set()
    for bug in DATA["bugs"]:
        page.check(f"#bugs-bug-{bug}")
        wait_for_plots_to_show_their_data(page, "#fig-bugs")
        run, ref = RUNS[bug], RUNS[RUNS[bug]["reference"]]
        # the reference lines first, then the bug's: what Plotly drew is this run
        assert plotted(page) == [
            ref["train_loss"],
            ref["val_loss"],
            run["train_loss"],
            run["val_loss"],
        ]
        assert shown_panel(page) == bug
        panel = page.locator(f"#fig-bugs .wtwm-bugs-panel[data-bug={bug}]")
        removed = panel.locator(".gd").inner_text()
        assert removed == f"- {run['diff']['before']}"
        added = panel.locator(".gi")
        if run["diff"]["after"]:
            assert added.inner_text() == f"+ {run['diff']['after']}"
        else:
            assert added.count() == 0
        text = caption.inner_text()
        assert text not in seen and "Shown:" in text
        seen.add(text)
        if bug == "eval":
            assert f"dropout {ref['dropout']:g}" in text
    # The reserved caption height holds the longest panel: choosing moved nothing.
    heights = page.evaluate(
        "() => [...document.querySelectorAll('#fig-bugs .wtwm-bugs-panel')].map((p) => p.offsetHeight)"
    )
    box = page.evaluate("() => document.querySelector('#fig-bugs .wtwm-bugs-panels').offsetHeight")
    assert box == max(heights)
    assert_clean(page)


@pytest.mark.browser
def test_keyboard_chooses_and_the_url_restores(new_page, base_url):
    page = new_page()
    open_figure(page, base_url)
    page.focus("#bugs-bug-zero_grad")
    page.keyboard.press("ArrowRight")  # radio groups move with the arrow keys
    expect(page.locator("#bugs-bug-eval")).to_be_checked()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#bugs-bug-broadcast")).to_be_checked()
    page.wait_for_function("() => location.search.includes('bugs.bug=broadcast')")
    assert shown_panel(page) == "broadcast"

    again = new_page()
    open_figure(again, base_url, "?bugs.bug=lr")
    assert again.is_checked("#bugs-bug-lr")
    assert shown_panel(again) == "lr"
    assert plotted(again)[2] == RUNS["lr"]["train_loss"]
    again.click("#fig-bugs button:has-text('Reset')")
    assert again.is_checked("#bugs-bug-zero_grad")
    again.wait_for_function("() => !location.search.includes('bugs.')")
    assert shown_panel(again) == "zero_grad"

    bogus = new_page()
    open_figure(bogus, base_url, "?bugs.bug=nonsense")
    assert bogus.is_checked("#bugs-bug-zero_grad")
    for p in (page, again, bogus):
        assert_clean(p)


@pytest.mark.browser
def test_screenshots(new_page, base_url):
    """For review: every bug at 1280 px light, the broadcast bug (the longest
    caption) at 360 px dark."""
    for scheme, width, bugs in (("light", 1280, DATA["bugs"]), ("dark", 360, ["broadcast"])):
        page = new_page(scheme=scheme, width=width, height=1400 if width == 360 else 1000)
        open_figure(page, base_url, f"?bugs.bug={bugs[0]}")
        for bug in bugs:
            page.check(f"#bugs-bug-{bug}")
            wait_for_plots_to_show_their_data(page, "#fig-bugs")
            # below the sticky header
            page.evaluate("window.scrollTo(0, document.getElementById('fig-bugs').offsetTop - 60)")
            screenshot(page, f"bugs-{width}-{scheme}-{bug}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_clean(page)
