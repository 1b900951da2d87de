"""The site in headless Chromium with every non-local request blocked."""

from __future__ import annotations

import pytest

from tests.conftest import assert_clean, ink_pixels, screenshot, tables_wider_than_their_box

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
    page.wait_for_url(base_url)
    page.wait_for_selector("article a[href*='chapter-01']")
    page.locator("article a[href*='chapter-01']").first.click()
    page.wait_for_url("**/chapter-01/**")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__sameDocument === true")
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
    formulas = page.locator("article .katex:has(.accent-body)")
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
