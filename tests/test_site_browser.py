"""The site in headless Chromium with every non-local request blocked."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.conftest import (
    RECORD_LAYOUT_SHIFTS,
    assert_clean,
    ink_pixels,
    screenshot,
    tables_wider_than_their_box,
    wait_for_page,
    wait_frames,
)

pytestmark = pytest.mark.browser


def test_chapter_loads_clean_with_math(new_page, base_url, scheme):
    page = new_page(scheme=scheme)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base_url + "chapter-01/")
    page.wait_for_load_state("networkidle")
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("document.body.dataset.mdColorScheme") == expected
    assert page.locator(".katex-display").count() >= 3
    assert page.locator(".katex-display").first.is_visible()
    assert "$$" not in page.inner_text("article")
    assert all(url.startswith(base_url) for url in requests), requests
    # Python is lazy: nothing of Pyodide is fetched until a widget asks for it.
    assert not [url for url in requests if "pyodide.asm" in url]
    assert_clean(page)
    screenshot(page, f"chapter-top-{scheme}")


def test_instant_navigation_round_trip(page, base_url):
    page.goto(base_url)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__sameDocument = true")
    page.locator("article a[href*='chapter-01']").first.click()
    page.wait_for_url("**/chapter-01/**")
    page.wait_for_selector("#try-it")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__sameDocument === true"), "navigation was a full page load"
    assert page.locator(".katex-display").count() >= 3
    page.go_back()
    wait_for_page(page, base_url)
    page.locator("article a[href*='chapter-01']").first.click()
    wait_for_page(page, base_url + "chapter-01/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__sameDocument === true")
    # The chapter's own stylesheet (KaTeX's) came with it, once, and applies.
    assert page.evaluate("document.querySelectorAll('link[href$=\"katex.min.css\"]').length") == 1
    page.wait_for_function(  # appended to the head with the content: it loads then
        "() => getComputedStyle(document.querySelector('.katex')).fontFamily.includes('KaTeX_Main')"
    )
    assert_clean(page)


# Counts stylesheet links given a new href once the body exists: each is reloaded
# and restyles the whole page.
RECORD_STYLESHEET_RELOADS = """
window.__reloads = [];
const href = Object.getOwnPropertyDescriptor(HTMLLinkElement.prototype, "href");
Object.defineProperty(HTMLLinkElement.prototype, "href", { ...href, set(value) {
  if (this.rel === "stylesheet" && document.body && this.getAttribute("href") !== value)
    window.__reloads.push(this.getAttribute("href"));
  href.set.call(this, value);
} });
"""


def test_no_stylesheet_is_reloaded_once_the_page_is_drawn(new_page, base_url):
    """Material's instant navigation gives every relative link its absolute URL
    when it starts. main.html does that for the head's links before the body is
    parsed, and a page's own stylesheets (KaTeX, the notebooks') are in the head."""
    page = new_page()
    page.add_init_script(RECORD_STYLESHEET_RELOADS)
    for path in ("chapter-01/", "notebooks/numpy-training-loop/", ""):
        page.goto(base_url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__reloads") == [], path
        assert page.locator("body link[rel=stylesheet]").count() == 0, path
    assert_clean(page)


@pytest.mark.parametrize("width", [320, 360])  # 320: a 1280 px screen at 400 % zoom
def test_phone_width_has_no_horizontal_overflow(new_page, base_url, scheme, width):
    page = new_page(scheme=scheme, width=width, height=780)
    for path in ["", "chapter-01/", "notebooks/"]:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert tables_wider_than_their_box(page, "article table") == []  # the notebooks' list
    assert_clean(page)


def formula_ink(page) -> list[int]:
    """Dark pixels in each formula with an accent (ŷ). The page runs no script (the
    formulas are rendered at build time), so nothing moves while the screenshots are
    taken; each waits for the page's fonts."""
    page.wait_for_load_state("networkidle")
    # Visible ones: a formula with phone breaks is also in the page as aligned lines.
    formulas = page.locator("article .katex:has(.accent-body)").locator("visible=true")
    return [ink_pixels(formulas.nth(i).screenshot()) for i in range(formulas.count())]


def test_formulas_keep_every_glyph_in_forced_colors(new_page, base_url):
    """Windows contrast themes paint a backplate behind each text run; KaTeX overlaps
    an accent's box with its letter, so without opting out the hat hides the y."""
    ink = {}
    for forced in ("none", "active"):
        page = new_page(forced_colors=forced, java_script_enabled=False)
        page.goto(base_url + "chapter-01/")
        ink[forced] = formula_ink(page)
        assert page.failed_requests == []
    assert len(ink["none"]) >= 3
    faded = [
        (normal, forced)
        for normal, forced in zip(ink["none"], ink["active"], strict=True)
        if forced < 0.85 * normal
    ]
    assert faded == [], f"(ink without, with forced colours): {faded}"


# Where a followed link leaves its target: Material's header is 48 px and headings
# keep a scroll margin below it.
LINKED_TOP = "(id) => Math.round(document.getElementById(id).getBoundingClientRect().top)"
LANDS_ON_TARGET = range(40, 121)
LANDED = "(id) => { const top = document.getElementById(id)?.getBoundingClientRect().top; return top >= 40 && top < 121; }"
# The page has loaded and every figure in the window has mounted ("true"), or said
# why not ("error"); one that only peeks in at the bottom waits for the reader
# (lib/figure.js inView).
LOADED_AS_SHOWN = """() => document.readyState === "complete" && [...document.querySelectorAll("[data-figure]")]
  .filter((el) => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight - Math.min(120, r.height); })
  .every((el) => el.dataset.mounted)"""
# What Lighthouse calls good. The browser paints the top of a long page before it
# scrolls to the link, and some shifts come with that scroll.
GOOD_CLS = 0.1


def test_links_to_sections_land_on_them(new_page, base_url):
    """A link to any section or figure of the chapter puts it at the top of the
    window, by the browser's own anchor scrolling, and it stays there once the page
    has loaded and the reader's first input comes: on a fresh load (a phone and a
    laptop), from the table of contents, and from another page (instant navigation)."""
    misplaced = []
    moved_on_input = []
    moved = []  # fresh loads whose layout shifts add up to more than GOOD_CLS
    pages = []

    def check(page, how, target):
        # Material scrolls once the page's scripts have run: later on a busy machine.
        with contextlib.suppress(PlaywrightTimeoutError):  # measured and reported below
            page.wait_for_function(LANDED, arg=target, timeout=10_000)
        page.wait_for_function(LOADED_AS_SHOWN)  # what moves the page as it loads has come
        wait_frames(page, 2)  # laid out and painted as loaded
        if (top := page.evaluate(LINKED_TOP, target)) not in LANDS_ON_TARGET:
            misplaced.append((page.viewport_size["width"], how, target, top))
        page.keyboard.press("Shift")  # a first input
        wait_frames(page, 2)
        if abs((after := page.evaluate(LINKED_TOP, target)) - top) > 2:  # not rounding
            moved_on_input.append((page.viewport_size["width"], how, target, top, after))

    for width in (360, 1280):
        phone = {"is_mobile": True, "has_touch": True} if width < 600 else {}
        page = new_page(width=width, height=780, **phone)
        pages.append(page)
        page.add_init_script(RECORD_LAYOUT_SHIFTS)
        page.goto(base_url + "chapter-01/")
        targets = page.evaluate(
            "() => [...document.querySelectorAll('article h2[id], article figure[id]')].map((e) => e.id)"
        )
        assert len(targets) >= 20
        # Every target on a phone, where text and figures reflow most; every other
        # one on a laptop, which shares the page's layout rules.
        for target in targets if width < 600 else targets[::2]:
            page.goto("about:blank")  # then a fresh load, not a jump within the page
            page.goto(f"{base_url}chapter-01/#{target}")
            check(page, "load", target)
            if (cls := sum(s["value"] for s in page.evaluate("window.__shifts"))) > GOOD_CLS:
                moved.append((width, target, round(cls, 3)))
    page.goto(base_url + "chapter-01/")
    page.wait_for_load_state("networkidle")
    for target in [t for t in targets if not t.startswith("fig-")]:
        page.locator(f".md-sidebar--secondary a[href$='#{target}']").click()
        check(page, "contents", target)
    for target in ("find-the-function", "save-and-load", "fig-knobs"):
        page.goto(base_url)
        # Material writes the page's offset into history 100 ms after it last
        # changed; a click before that writes it onto the new entry, which then
        # opens at that offset, not at its anchor. No reader clicks that fast.
        page.wait_for_function("() => history.state !== null")
        page.evaluate(
            "(href) => { const link = Object.assign(document.createElement('a'), { href, textContent: 'go' });"
            " document.querySelector('article').prepend(link); link.click(); }",
            f"chapter-01/#{target}",
        )
        page.wait_for_url(f"**/chapter-01/#{target}")
        assert page.evaluate("performance.getEntriesByType('navigation')[0].name") == base_url
        check(page, "from the landing page", target)
    assert misplaced == [], misplaced
    assert moved_on_input == [], moved_on_input
    assert moved == [], moved
    for page in pages:
        assert_clean(page)  # what leaving a page mid-load cut off is not counted


def test_reload_keeps_the_readers_place_not_the_links(new_page, base_url):
    """Reloading restores where the reader had scrolled to, even with a #section in
    the address: the browser does not take them back to the linked section."""
    page = new_page(width=1280, height=780)
    page.goto(base_url + "chapter-01/#three-knobs")
    page.wait_for_load_state("networkidle")
    page.mouse.move(640, 400)
    page.mouse.wheel(0, 1800)
    page.wait_for_function("() => scrollY > 0 && history.state?.y === scrollY")  # Material saved it
    read_on = page.evaluate("scrollY")
    assert page.evaluate(LINKED_TOP, "three-knobs") < -1000  # the reader moved on
    page.reload()
    page.wait_for_load_state("networkidle")
    page.wait_for_function("(y) => Math.abs(scrollY - y) < 400", arg=read_on)
    assert_clean(page)


@pytest.mark.parametrize("fragment", ["%", "%E0%A4%A", "no-such-id"])
def test_a_broken_link_still_shows_every_figure(page, base_url, fragment):
    """A fragment that is not valid percent-encoding, or names nothing, stops nothing."""
    page.goto(f"{base_url}chapter-01/#{fragment}")
    page.locator("#fig-hero").scroll_into_view_if_needed()
    page.locator("#fig-hero .js-plotly-plot .main-svg").first.wait_for()
    page.locator("#fig-knobs").scroll_into_view_if_needed()
    page.locator("#fig-knobs .js-plotly-plot .main-svg").first.wait_for()
    assert_clean(page)


LAZY_PROSE = (
    "() => [...document.querySelectorAll('article > p')]"
    ".filter((p) => getComputedStyle(p).contentVisibility === 'auto').length"
)


def test_prose_far_below_waits_until_a_link_to_a_place_is_followed(new_page, base_url):
    """On a plain load, prose from the second section on is laid out only as the
    reader nears it (site.css); the first screen never waits. A link to a place in
    the page, clicked or loaded, lays everything out first, so the anchor is placed
    by real sizes (test_links_to_sections_land_on_them checks where it lands)."""
    page = new_page(width=1280, height=780)
    page.goto(base_url + "chapter-01/")
    assert page.evaluate(LAZY_PROSE) > 20
    first = "getComputedStyle(document.querySelector('article > p')).contentVisibility"
    assert page.evaluate(first) == "visible"
    page.locator(".md-sidebar--secondary a[href$='#save-and-load']").click()
    page.wait_for_function(LANDED, arg="save-and-load")
    assert page.evaluate(LAZY_PROSE) == 0
    page.goto("about:blank")
    page.goto(base_url + "chapter-01/#three-knobs")
    assert page.evaluate(LAZY_PROSE) == 0
    assert_clean(page)  # what leaving a page mid-load cut off is not counted


def test_palette_is_set_before_the_page_draws_and_the_toggle_cycles(new_page, base_url):
    """The theme is on the body before the content is parsed (no flash of the light
    theme for a dark-mode reader, no whole-page restyle at start-up); the toggle
    cycles automatic, light and dark, is remembered, and automatic follows the system."""
    page = new_page(scheme="dark")
    # What the first element of the content sees when it is parsed.
    page.add_init_script(
        """new MutationObserver((records, observer) => {
             const h1 = document.querySelector("h1");
             if (!h1) return;
             window.__schemeAtFirstHeading = document.body.dataset.mdColorScheme;
             observer.disconnect();
           }).observe(document, { childList: true, subtree: true });"""
    )
    page.goto(base_url + "chapter-01/")
    palette = page.locator("form[data-wtwm-palette]")
    expect(palette).to_have_attribute("data-wired", "true")
    assert page.evaluate("window.__schemeAtFirstHeading") == "slate"
    assert page.locator("meta[name=color-scheme]").count() == 0
    scheme = lambda: page.evaluate("() => document.body.dataset.mdColorScheme")  # noqa: E731
    label = palette.locator("label:visible")
    expect(label).to_have_attribute("title", "Switch to light mode")  # automatic now
    label.click()
    assert scheme() == "default"
    expect(label).to_have_attribute("title", "Switch to dark mode")
    label.click()
    assert scheme() == "slate"
    assert page.evaluate("() => document.documentElement.style.colorScheme") == "dark"
    page.reload()
    expect(palette).to_have_attribute("data-wired", "true")
    assert scheme() == "slate"
    expect(label).to_have_attribute("title", "Switch to system preference")
    label.click()  # automatic again: follows the system
    page.emulate_media(color_scheme="light")
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    page.locator("#__palette_0").focus()
    page.keyboard.press("Enter")  # the keyboard cycles too: light
    expect(label).to_have_attribute("title", "Switch to dark mode")
    assert_clean(page)
