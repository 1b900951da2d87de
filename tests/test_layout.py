"""The chapter's layout as a reader sees it (issue #28): wide figures beside a text
column at 1280 px, the hero on the first screen, and at 360 px nothing that
collides, overflows or scrolls sideways once every figure is drawn."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_clean, read_top_to_bottom, svg_text_collisions
from tests.test_figures import run_js

# Two-plot figures: their plots side by side on a wide screen, stacked on a phone.
PAIRS = ["hero", "lr-sweep", "loss-landscape", "converge"]

GEOMETRY = """() => {
  const box = (el) => el.getBoundingClientRect();
  return {
    overflow: document.documentElement.scrollWidth - innerWidth,
    text: box(document.querySelector("article > p")).width,
    figures: Object.fromEntries([...document.querySelectorAll("article > figure.wtwm-figure")]
      .map((f) => [f.id, box(f).width])),
    plots: Object.fromEntries([...document.querySelectorAll("figure[data-figure]")].map((f) =>
      [f.id, [...f.querySelectorAll(".js-plotly-plot")].map((p) => {
        const r = box(p);
        return { left: r.left, top: r.top, bottom: r.bottom, width: r.width };
      })])),
    codeScrolling: [...document.querySelectorAll("article pre > code")]
      .filter((c) => c.scrollWidth > c.clientWidth + 1)
      .map((c) => `${c.closest("[id]")?.id}: ${c.scrollWidth} px in ${c.clientWidth}`),
    mathScrolling: [...document.querySelectorAll(".katex-display")]
      .filter((m) => m.getClientRects().length && m.scrollWidth > m.clientWidth + 1)
      .map((m) => `${m.textContent.slice(0, 30)}: ${m.scrollWidth} px in ${m.clientWidth}`),
  };
}"""


def read_chapter(new_page, base_url, **options):
    page = new_page(**options)
    page.goto(base_url + "chapter-01/")
    read_top_to_bottom(page)
    return page, page.evaluate(GEOMETRY)


@pytest.mark.browser
def test_figures_are_wider_than_the_text_at_1280(new_page, base_url):
    page, seen = read_chapter(new_page, base_url, width=1280)
    assert seen["overflow"] <= 0
    assert seen["text"] <= 700, "the text column kept its width beside both sidebars"
    assert len(seen["figures"]) >= 10
    for figure, width in seen["figures"].items():
        assert width >= 900, (figure, width)
    for figure in PAIRS:
        first, second = seen["plots"][f"fig-{figure}"][:2]
        assert abs(first["top"] - second["top"]) < 1 and second["left"] > first["left"], figure
        assert min(first["width"], second["width"]) >= 430, (figure, first, second)
    # The formula that breaks on a phone is on one line here.
    expect(page.locator(".wtwm-math-one-line").first).to_be_visible()
    expect(page.locator(".wtwm-math-lines").first).to_be_hidden()
    assert seen["codeScrolling"] == [] and seen["mathScrolling"] == []
    assert svg_text_collisions(page) == []
    assert_clean(page)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nothing_collides_overflows_or_scrolls_sideways_on_a_phone(new_page, base_url, scheme):
    """At 360 px, every figure drawn: no axis title on a tick label, no legend
    entries run together, no code block or formula scrolling sideways (8 code
    blocks and the L(w, b) formula did), and the page as wide as the screen."""
    page, seen = read_chapter(new_page, base_url, scheme=scheme, width=360)
    assert seen["overflow"] <= 0
    for figure in PAIRS:
        first, second = seen["plots"][f"fig-{figure}"][:2]
        assert second["top"] >= first["bottom"], f"{figure}: plots not stacked"
    assert seen["codeScrolling"] == []
    assert seen["mathScrolling"] == []
    expect(page.locator(".wtwm-math-lines").first).to_be_visible()
    assert svg_text_collisions(page) == []
    assert_clean(page)


@pytest.mark.browser
def test_the_first_screen_shows_the_title_the_promise_and_the_heros_controls(new_page, base_url):
    page = new_page(width=1280, height=900)
    page.goto(base_url + "chapter-01/")
    expect(page.locator("#fig-hero")).to_have_attribute("data-mounted", "true", timeout=30_000)
    bottoms = page.evaluate(
        """() => ["article h1", "article > p", "#fig-hero .wtwm-play", "#hero-epoch"]
          .map((css) => document.querySelector(css).getBoundingClientRect().bottom)"""
    )
    assert max(bottoms) <= 900, bottoms
    assert page.evaluate("scrollY") == 0
    assert_clean(page)


def test_js_never_prints_a_rounded_one_or_zero_for_a_value_that_is_not():
    values = [0.9997965730219448, 0.9999999170, 1.006, 1.0, 0.0, -0.99999, 0.5, 2.0, 123.4]
    shown = run_js(f"{values}.map((v) => numbers.fmtExact(v))")
    assert shown == ["0.9998", "0.9999999", "1.01", "1", "0", "-0.99999", "0.5", "2", "123"]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_landing_page_shows_the_hero_in_the_readers_theme(new_page, base_url, scheme):
    page = new_page(scheme=scheme)
    page.goto(base_url)
    other = "dark" if scheme == "light" else "light"
    still = page.locator(f".wtwm-still--{scheme}")
    expect(still).to_be_visible()
    expect(page.locator(f".wtwm-still--{other}")).to_be_hidden()
    assert still.get_attribute("width") and still.get_attribute("height")
    assert len(still.get_attribute("alt")) > 40
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=still.element_handle()
    )
    assert still.evaluate("(img) => img.closest('a').getAttribute('href')").endswith("#try-it")
    assert_clean(page)
