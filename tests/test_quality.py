"""Quality gates over every built page: accessibility, validity, CSP, SEO, no-JS."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import (
    RECORD_LAYOUT_SHIFTS,
    ROOT,
    assert_clean,
    read_top_to_bottom,
    seen_text,
    wait_frames,
)
from tests.test_widgets_browser import BOOT_MS, LANDSCAPE, LAYER

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SECTIONS = ["try-it", "gradient-by-hand", "derivative-to-code", "video-layer-forward",
            "layer-widget", "loss-landscape", "reading-loss-curves", "three-knobs",
            "find-the-function", "what-goes-wrong", "save-and-load", "about"]  # fmt: skip


def page_paths(built_site: Path) -> list[str]:
    """URL paths of every content page (404 is checked on its own)."""
    paths = []
    for html in sorted(built_site.rglob("index.html")):
        relative = html.parent.relative_to(built_site).as_posix()
        paths.append("" if relative == "." else f"{relative}/")
    return paths


# Every finite animation and transition (Material's colour transitions) has ended.
TRANSITIONS_DONE = """() => document.getAnimations().every((a) =>
  a.playState !== "running" || a.effect?.getComputedTiming().endTime === Infinity)"""


AXE_VIOLATIONS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""


# Each drawn text of every plot against the plot's background: below 4.5:1 (WCAG
# AA for text this small) it is listed. axe does not read SVG text.
LOW_CONTRAST_PLOT_TEXT = """() => {
  const channels = (colour) => {
    const probe = document.createElement("i");
    probe.style.color = colour;
    document.body.append(probe);
    const rgb = getComputedStyle(probe).color.match(/[\\d.]+/g).slice(0, 3).map(Number);
    probe.remove();
    return rgb;
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return [...document.querySelectorAll(".js-plotly-plot")].flatMap((gd) => {
    const background = luminance(channels(gd.layout.paper_bgcolor));
    return [...gd.querySelectorAll("text")].filter((t) => t.textContent.trim() && t.getBBox().width).flatMap((t) => {
      const [hi, lo] = [luminance(channels(getComputedStyle(t).fill)), background].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      return ratio < 4.5 ? [`${gd.closest("figure").id}: "${t.textContent}" ${ratio.toFixed(2)}:1`] : [];
    });
  });
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 360])
def test_every_page_passes_axe_and_runs_clean_under_csp(
    new_page, built_site, base_url, scheme, width
):
    """Every page, read top to bottom so that every figure has mounted, as served
    (its CSP on): no axe violation of any impact, and no console error, failed
    request or CSP violation. axe comes as an init script, which the CSP does not
    govern, so the page runs exactly as a reader's does. In the chapter both widgets
    are live first (not dimmed while Python boots), and every plot's text is read
    against its background too. It found the knobs' code panel scrolling sideways
    out of keyboard reach."""
    page = new_page(scheme=scheme, width=width)
    page.add_init_script(path=str(AXE))
    failures = {}
    # An embed page is one of the chapter's figures, which every view checks, in the
    # same bare page: each embed page is read in one view, the four views in turn.
    views = [(s, w) for s in ("light", "dark") for w in (1280, 360)]
    paths = [*page_paths(built_site), "404.html"]
    embeds = [path for path in paths if path.startswith("embed/")]
    mine = embeds[views.index((scheme, width)) :: len(views)]
    assert len(embeds) >= len(views), "every view reads an embed page"
    for path in paths:
        if path.startswith("embed/") and path not in mine:
            continue
        page.goto(base_url + path)
        read_top_to_bottom(page)  # every figure mounted, not only the first screen's
        if path == "chapter-01/":
            for widget in (LAYER, LANDSCAPE):
                page.wait_for_selector(
                    f"{widget}[data-live=true]", state="attached", timeout=BOOT_MS
                )
            page.wait_for_load_state("networkidle")  # what Python fetched has come
        page.wait_for_function(TRANSITIONS_DONE)
        if violations := page.evaluate(AXE_VIOLATIONS):
            failures[path or "/"] = violations
        if path == "chapter-01/":
            assert page.evaluate(LOW_CONTRAST_PLOT_TEXT) == []
            assert page.evaluate("document.querySelectorAll('.js-plotly-plot text').length") > 100
    assert not failures, json.dumps(failures, indent=1)
    assert_clean(page)  # what the next page's navigation cut off is not counted


@pytest.mark.browser
def test_chapter_without_javascript(browser, server, base_url):
    from tests.conftest import open_context

    context = open_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "chapter-01/")
        for section in SECTIONS:
            assert page.locator(f"#{section}").is_visible(), section
        assert page.locator(".katex-display").count() >= 3
        for figure in page.locator("[data-figure]").all():
            text = seen_text(figure).strip()
            has_image = figure.locator("img, svg, video[poster]").count() > 0
            assert len(text) > 40 or has_image, (
                f"blank figure without JS: {figure.get_attribute('data-figure')}"
            )
    finally:
        context.close()


@pytest.mark.browser
def test_chapter_prints_every_section_and_the_drawn_figures(page, base_url):
    """Chromium's print to PDF: every section is there, a drawn figure prints as a drawing (its plot text is in the PDF), controls do not."""
    from pypdf import PdfReader

    page.goto(base_url + "chapter-01/")
    page.locator("#fig-hero").scroll_into_view_if_needed()  # below the fold in wider fonts
    page.wait_for_function(
        "() => document.querySelectorAll('#fig-hero .js-plotly-plot .main-svg').length >= 2"
    )
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    text = " ".join(sheet.extract_text() for sheet in pdf.pages)
    printed = " ".join(unicodedata.normalize("NFKC", text).split())  # "ﬁ" ligatures: fi
    headings = page.evaluate(
        "(ids) => ids.map((id) => document.getElementById(id).firstChild.textContent.trim())",
        SECTIONS,
    )
    assert [h for h in headings if h not in printed] == []
    last_item = page.evaluate(
        "() => [...document.querySelectorAll('#about ~ * li')].at(-1).textContent"
    )
    assert " ".join(last_item.split())[:60] in printed  # the very end of the page
    assert "memorising from here" in printed  # drawn by Plotly in the hero, not in the prose
    assert "Copy link" not in printed and "Reset" not in printed
    assert len(pdf.pages) > 10


def test_html_is_valid(built_site):
    java = shutil.which("java")
    assert java, "the Nu HTML validator needs Java: run `make chromium`"
    result = subprocess.run(
        [java, "-jar", str(VNU), "--skip-non-html", "--errors-only", str(built_site)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


# mkdocs-material's own code-block buttons: its JavaScript puts a <nav> inside each <pre>.
MATERIAL_CODE_NAV = "Element \u201cnav\u201d not allowed as child of element \u201cpre\u201d"


@pytest.mark.browser
def test_drawn_chapter_is_valid_html(new_page, base_url, tmp_path):
    """The built files are valid (above); so is the page once every figure and both
    widgets have drawn their controls, tables and plots into it."""
    from tests.test_figures import open_chapter
    from tests.test_widgets_browser import LANDSCAPE, LAYER, open_widget

    page = new_page()
    open_chapter(page, base_url)
    for widget in (LAYER, LANDSCAPE):
        open_widget(page, base_url, widget)
    page.locator("#fig-layer-video").scroll_into_view_if_needed()
    drawn = tmp_path / "chapter.html"
    drawn.write_text("<!DOCTYPE html>\n" + page.evaluate("document.documentElement.outerHTML"))
    result = subprocess.run(
        [shutil.which("java"), "-jar", str(VNU), "--errors-only", "--format", "json", str(drawn)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    errors = [m["message"] for m in json.loads(result.stderr)["messages"]]
    assert [e for e in errors if not e.startswith(MATERIAL_CODE_NAV)] == []
    assert page.locator(".js-plotly-plot").count() >= 12  # what was validated was drawn
    assert_clean(page)


def test_no_inline_event_handlers(built_site):
    handler = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
    for html in built_site.rglob("*.html"):
        assert not handler.search(html.read_text()), html
    for script in (ROOT / "site_src" / "theme" / "assets" / "js").rglob("*.js"):
        source = script.read_text()
        assert not re.search(r"(?<![.\w])eval\(", source), f"{script}: eval"
        assert "new Function" not in source, script
        assert ".innerHTML = `" not in source or "<script" not in source, script


def test_every_page_has_title_description_canonical(built_site, base_url):
    for html_file in built_site.rglob("*.html"):
        if html_file.name == "404.html":
            continue
        html = html_file.read_text()
        assert re.search(r"<title>[^<]{5,}</title>", html), html_file
        assert re.search(r'<meta name="description" content="[^"]{30,}"', html), html_file
        assert re.search(r'<link rel="canonical" href="http', html), html_file
        assert 'http-equiv="Content-Security-Policy"' in html, html_file


def test_sitemap_lists_every_page(built_site, base_url):
    sitemap = (built_site / "sitemap.xml").read_text()
    for path in page_paths(built_site):
        assert f"<loc>{base_url}{path}</loc>" in sitemap, path


def test_friendly_404(built_site):
    html = (built_site / "404.html").read_text()
    assert "This page is not here" in html and "chapter-01/" in html


def test_headers_file_for_static_hosts(built_site):
    headers = (built_site / "_headers").read_text()
    assert "Content-Security-Policy:" in headers and "'wasm-unsafe-eval'" in headers
    assert "application/wasm" in headers and "nosniff" in headers


def test_checkpoints_are_only_ever_loaded_with_weights_only():
    """Every torch.load in code, snippets, notebooks and pages passes weights_only=True."""
    sources = [
        *ROOT.glob("precompute/**/*.py"), *ROOT.glob("docs/**/*.md"), *ROOT.glob("docs/**/*.py"),
        *ROOT.glob("docs/**/*.ipynb"), *ROOT.glob("site_src/**/*.md"), *ROOT.glob("site_src/**/*.js"),
        *ROOT.glob("tests/*.py"),
    ]  # fmt: skip
    calls = 0
    for source in sources:
        for line in source.read_text(encoding="utf-8").splitlines():
            for call in re.findall(r"torch\.load\((?!\.\.\.)[^\n]*", line):
                calls += 1
                assert "weights_only=True" in call, f"{source}: {call}"
    assert calls >= 3


# Every Tab stop inside the chapter's figures, in document order, numbered.
NUMBER_TAB_STOPS = """() => [...document.querySelectorAll('figure[id^="fig-"]')]
  .flatMap((fig) => [...fig.querySelectorAll(
      'a[href], button, input, select, textarea, summary, video[controls], [tabindex="0"]')])
  .filter((el) => !el.disabled && el.checkVisibility() && el.getBoundingClientRect().width > 0)  // not an empty line anchor
  .filter((el) => el.type !== 'radio' || el.checked)  // a radio group is one Tab stop
  .map((el, i) => { el.dataset.tabOrder = i; return i; })"""
# The focused element: its number, and whether it shows where focus is. A video's
# own controls (play, volume...) take focus inside it and draw their own ring.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const inside = el.tagName === 'VIDEO' && !el.matches(':focus-visible');
  const ring = inside || (style.outlineStyle !== 'none' && (style.outlineStyle === 'auto' || parseFloat(style.outlineWidth) >= 2));
  return [el.dataset.tabOrder ?? null, ring, el.outerHTML.slice(0, 80)];
}"""
# A Tab stop in the text that is not a control must be something that scrolls.
IDLE_TAB_STOP = """() => {
  const el = document.activeElement;
  if (!el.closest('article') || el.closest('a[href], button, input, select, summary, figure')) return null;
  const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
  return scrolls ? null : el.outerHTML.slice(0, 80);
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 360])
def test_tab_reaches_every_control_in_order(new_page, base_url, width):
    """Through the whole chapter, Tab visits every control of every figure and widget
    in document order, none skipped, each showing a focus ring; the text between
    them adds no Tab stop that does nothing (a display formula that fits its line
    was one)."""
    from tests.test_figures import open_chapter

    page = new_page(width=width)
    open_chapter(page, base_url)
    figures = ["gradient-cell", "layer-video", "layer-widget", "loss-landscape", "checkpoints"]
    for figure in figures:
        page.locator(f"#fig-{figure}").scroll_into_view_if_needed()
    page.wait_for_selector("#fig-loss-landscape input[type=range]")
    wait_frames(page, 3)  # scroll containers drop their tab stop a frame after layout
    controls = page.evaluate(NUMBER_TAB_STOPS)
    assert len(controls) >= 50
    page.evaluate("document.querySelector('[data-tab-order]').focus()")
    reached, no_ring, idle = [0], [], []
    for _ in range(len(controls) * 3):
        # In the gradient cell's editor Tab indents; Esc hands Tab back to the page.
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            page.keyboard.press("Escape")
        page.keyboard.press("Tab")
        order, ring, html = page.evaluate(FOCUSED)
        if order is None:
            idle.append(page.evaluate(IDLE_TAB_STOP))
            continue
        reached.append(int(order))
        if not ring:
            no_ring.append(html)
        if int(order) == controls[-1]:
            break
    assert reached == sorted(reached), "Tab order does not follow the page"
    assert set(reached) == set(controls), (
        f"never reached by Tab: {sorted(set(controls) - set(reached))}"
    )
    assert no_ring == []
    assert [stop for stop in idle if stop] == []


SCROLL_STEP_PX = 300


@pytest.mark.browser
@pytest.mark.parametrize(("width", "text_px"), [(1280, 16), (360, 16), (360, 24)])
def test_nothing_moves_while_the_reader_scrolls_the_chapter(new_page, base_url, width, text_px):
    """Scrolling the whole chapter, figures mount, plots draw and Python starts,
    and nothing on screen moves, also with a larger default text size on a phone.
    Found by this test: the Python status line and the widgets' "Computed by NumPy"
    note grew by lines when their text changed (24 px, 360 px: CLS 0.093), and the
    hero's stage moved up 15 px as its table gave way (1280 px)."""
    page = new_page(width=width, height=780)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": text_px, "fixed": text_px * 13 // 16}})
    page.add_init_script(RECORD_LAYOUT_SHIFTS)
    page.goto(base_url + "chapter-01/")
    page.wait_for_load_state("networkidle")
    # Script scrolling: a wheel or key would count as input and hide the shifts.
    while page.evaluate(
        f"scrollY + innerHeight < document.documentElement.scrollHeight - 1 && !void scrollBy(0, {SCROLL_STEP_PX})"
    ):
        wait_frames(page, 6)  # a reader's pace: about 300 px every 100 ms
    page.wait_for_load_state("networkidle")
    page.wait_for_function(  # Python's answer to each widget is drawn
        "() => document.querySelectorAll('.wtwm-widget[data-live=true][data-current=true]').length === 2",
        timeout=90_000,
    )
    assert page.evaluate("document.querySelectorAll('[data-figure] .js-plotly-plot').length") >= 14
    assert page.evaluate("window.__shifts") == []
    assert_clean(page)
