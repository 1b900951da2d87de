"""For instructors: figure pages to embed (and only those framable), a Present
button on every figure, and search that reads well."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_clean


def header_blocks(site) -> dict[str, list[str]]:
    """`_headers` as path -> its header lines."""
    blocks: dict[str, list[str]] = {}
    path = None
    for line in (site / "_headers").read_text().splitlines():
        if line and not line.startswith(" "):
            path = line.strip()
            blocks.setdefault(path, [])
        elif line.strip():
            blocks[path].append(line.strip())
    return blocks


def test_only_figure_pages_may_be_framed_by_other_sites(built_site):
    blocks = header_blocks(built_site)
    assert not any("frame-ancestors" in line for line in blocks["/*"])
    pages = [p for p in built_site.rglob("*.html")]
    embeds = [p for p in pages if p.relative_to(built_site).parts[0] == "embed"]
    assert len(embeds) >= 6
    for page in pages:
        path = "/" + page.relative_to(built_site).as_posix()
        wanted = "*" if page in embeds else "'self'"
        assert blocks[path] == [f"Content-Security-Policy: frame-ancestors {wanted}"], path
        if path.endswith("/index.html"):
            assert blocks[path.removesuffix("index.html")] == blocks[path]


def test_embed_pages_are_left_out_of_search(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    assert not [doc["location"] for doc in index["docs"] if doc["location"].startswith("embed/")]


@pytest.mark.browser
def test_an_embed_page_shows_one_figure_drawn_with_its_caption(page, base_url):
    page.goto(base_url + "embed/loss-curve/")
    page.wait_for_function(
        "() => document.querySelector('#fig-loss-curve .js-plotly-plot .main-svg')"
    )
    assert page.locator("[data-figure]").count() == 1
    for chrome in (".md-header", ".md-sidebar", ".md-footer", ".md-tabs"):
        assert not page.locator(chrome).is_visible(), chrome
    expect(page.locator("#fig-loss-curve figcaption")).to_contain_text("Train and validation loss")
    expect(page.locator("#fig-loss-curve button", has_text="Hide validation loss")).to_be_visible()
    back = page.locator(".wtwm-embed-source a")
    assert back.get_attribute("href") == base_url + "chapter-01/#fig-loss-curve"
    assert back.get_attribute("target") == "_blank"
    assert_clean(page)


@pytest.mark.browser
def test_an_embed_page_follows_the_dark_theme(new_page, base_url):
    page = new_page(scheme="dark", width=360)
    page.goto(base_url + "embed/loss-curve/")
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
    assert_clean(page)


@pytest.mark.browser
def test_present_shows_the_figure_full_screen_and_esc_leaves(page, base_url):
    page.goto(base_url + "chapter-01/#fig-lr-sweep")
    present = page.locator("#fig-lr-sweep .wtwm-present")
    expect(present).to_have_text("Present")
    present.focus()
    page.keyboard.press("Enter")  # keyboard operable
    page.wait_for_function("() => document.fullscreenElement?.id === 'fig-lr-sweep'")
    expect(present).to_have_text("Leave full screen")
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.fullscreenElement === null")
    expect(present).to_have_text("Present")
    present.click()  # and the button leaves too
    page.wait_for_function("() => document.fullscreenElement?.id === 'fig-lr-sweep'")
    present.click()
    page.wait_for_function("() => document.fullscreenElement === null")
    # Every figure has one, in the HTML from the build (nothing moves when scripts run).
    figures = page.locator("figure[data-figure]").count()
    assert page.locator("figure[data-figure] figcaption > .wtwm-present").count() == figures >= 8
    assert_clean(page)


def search_docs(built_site) -> list[dict]:
    return json.loads((built_site / "search" / "search_index.json").read_text())["docs"]


def test_search_indexes_each_formula_once(built_site):
    """KaTeX writes MathML, the TeX source and the HTML glyphs: only one may be indexed."""
    docs = search_docs(built_site)
    text = " ".join(doc["text"] for doc in docs)
    assert "\\lambda" not in text and "\\sum" not in text  # no TeX source
    knobs = next(d for d in docs if d["location"] == "chapter-01/#three-knobs")
    # "Add (λ/2) Σ_p p² to the loss": its sum sign once, not once per rendering.
    assert knobs["text"].count("∑p") == 1


def test_search_titles_of_notebook_headings_have_no_pilcrow(built_site):
    docs = search_docs(built_site)
    notebooks = [d for d in docs if d["location"].startswith("notebooks/")]
    assert len(notebooks) > 5
    assert not [d["title"] for d in notebooks if "¶" in d["title"] + d["text"]]
    assert "The data" in [d["title"] for d in notebooks]
