"""Shared fixtures: one strict build of the site, a local server, headless Chromium.

Browser tests get a `page` whose requests to any host other than 127.0.0.1 are
blocked, and which records console errors and failed requests so each test can
assert there were none (`assert_clean(page)`).
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from PIL import Image
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"  # screenshots for review; printed at the end of the run
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


FIGURE_TAG = re.compile(r"<figure\b[^>]*>")
INCLUDE = re.compile(r'^--8<-- "([^"]+)\.md"', re.M)


def data_figures() -> dict[str, dict]:
    """Every figure drawn from exported data, in reading order, read from the sources:
    its partial declares it (data-figure and data-plots, its number of plots) and the
    page that includes the partial is where it is shown. A new figure is tested
    without editing a test."""
    declared = {}
    for partial in sorted((ROOT / "site_src" / "partials").glob("*.md")):
        for tag in FIGURE_TAG.findall(partial.read_text(encoding="utf-8")):
            attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
            if "data-figure" in attrs and "data-plots" in attrs:
                declared[partial.stem] = {"name": attrs["data-figure"],
                                          "plots": int(attrs["data-plots"])}  # fmt: skip
    found = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        url = page.relative_to(ROOT / "docs").with_suffix("").as_posix()
        url = url.removesuffix("index") if url.endswith("index") else url + "/"
        for stem in INCLUDE.findall(page.read_text(encoding="utf-8")):
            if stem in declared:
                found[declared[stem]["name"]] = {**declared[stem], "page": url}
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_headers(site: Path) -> list[tuple[str, str]]:
    """The headers `_headers` sets for every path (as Netlify/Cloudflare would send them)."""
    headers_file = site / "_headers"
    if not headers_file.exists():
        return []
    headers, in_global_block = [], False
    for line in headers_file.read_text().splitlines():
        if not line.startswith(" "):
            in_global_block = line.strip() == "/*"
        elif in_global_block and ":" in line:
            name, value = line.strip().split(":", 1)
            headers.append((name, value.strip()))
    return headers


class QuietHandler(SimpleHTTPRequestHandler):
    """Static file server that behaves like the production host: wasm MIME type and
    the security headers from the built site's `_headers` file (CSP included)."""

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".vtt": "text/vtt",
        ".webm": "video/webm",
    }
    extra_headers: ClassVar[list[tuple[str, str]]] = []

    def end_headers(self):
        for name, value in self.extra_headers:
            self.send_header(name, value)
        super().end_headers()

    def send_head(self):
        """Byte ranges, as hosts serve media: a video seeks (?video.t=) with them."""
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        body = path.read_bytes()
        start = int(match[1])
        end = min(int(match[2] or len(body) - 1), len(body) - 1)
        if start > end:
            self.send_error(416, "Requested range not satisfiable")
            return None
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return io.BytesIO(body[start : end + 1])

    def log_message(self, *args):  # keep test output readable
        pass


def build_site(out_dir: Path, site_url: str, **env) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` into out_dir; returns the completed process."""
    environment = {**os.environ, "SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1", **env}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out_dir)],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )  # fmt: skip


@pytest.fixture(scope="session")
def server_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def base_url(server_port) -> str:
    return f"http://127.0.0.1:{server_port}/"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, base_url) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build_site(out, base_url)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings)
    return out


@pytest.fixture(scope="session")
def server(built_site, server_port):
    handler_class = type(
        "SiteHandler", (QuietHandler,), {"extra_headers": site_headers(built_site)}
    )
    handler = functools.partial(handler_class, directory=str(built_site))
    httpd = ThreadingHTTPServer(("127.0.0.1", server_port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run `make chromium` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def block_non_local(route):
    host = route.request.url.split("/")[2] if "://" in route.request.url else ""
    if host.startswith("127.0.0.1"):
        route.continue_()
    else:
        route.abort("blockedbyclient")


# `await window.__frames(n)`: the next n frames, or an error, never a hang. Headless
# Chromium once stopped drawing a page's frames mid-run, and an evaluate waits for
# its promise without a time limit: the whole run hung on one requestAnimationFrame.
FRAMES = """
window.__frames = (n = 2) => new Promise((done, fail) => {
  const stalled = setTimeout(() => fail(new Error(
    `no frame drawn in 20 s (page ${document.visibilityState}, focus ${document.hasFocus()})`)), 20_000);
  const next = (left) => (left ? requestAnimationFrame(() => next(left - 1)) : (clearTimeout(stalled), done()));
  next(n);
});
"""


def open_context(browser, *, scheme="light", width=1280, height=900, **options):
    context = browser.new_context(
        color_scheme=scheme, viewport={"width": width, "height": height}, **options
    )
    context.route("**/*", block_non_local)
    context.add_init_script(FRAMES)
    return context


# Every layout shift the reader did not cause (no input in the last 500 ms), with
# what moved: the browser's own account, as Lighthouse's CLS reads it.
RECORD_LAYOUT_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__shifts.push({ value: entry.value, moved: entry.sources.map((s) =>
      `${s.node?.closest?.("[id]")?.id ?? "?"} ${s.node?.className ?? s.node?.nodeName} ${s.previousRect.y}->${s.currentRect.y}`) });
  }
}).observe({ type: "layout-shift", buffered: true });
"""

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));
"""


class FailedRequest(str):
    """A failed request's "url (failure)", and how many times the page had navigated
    when it was sent."""

    navigation = 0


def instrument(page):
    """Record console errors, page errors, failed requests and CSP violations."""
    page.add_init_script(CSP_LISTENER)
    page.console_errors = []
    page.failed_requests = []
    page.navigations = 0  # of the main frame, but not to another #fragment only
    sent_at = {}  # request -> page.navigations when it was sent
    last = [None]

    def navigated(frame):
        if frame != page.main_frame:
            return
        before, last[0] = last[0], frame.url
        if before is None or before.split("#")[0] != frame.url.split("#")[0] or before == frame.url:
            page.navigations += 1  # a load, a reload, or an address the page wrote

    def failed(request):
        entry = FailedRequest(f"{request.url} ({request.failure})")
        entry.navigation = sent_at.pop(request, page.navigations)
        page.failed_requests.append(entry)

    page.on("framenavigated", navigated)
    page.on("request", lambda r: sent_at.__setitem__(r, page.navigations))
    page.on("requestfinished", lambda r: sent_at.pop(r, None))
    page.on("requestfailed", failed)
    page.on(
        "response",
        lambda r: r.status >= 400 and page.failed_requests.append(f"{r.url} (HTTP {r.status})"),
    )
    return page


def cut_off_by_navigation(page, entry) -> bool:
    """A request the page's next navigation aborted (the document that sent it is
    gone): the browser's doing, not a fault of the site."""
    sent_at = getattr(entry, "navigation", page.navigations)
    return "net::ERR_ABORTED" in entry and sent_at < page.navigations


def assert_clean(page):
    assert page.evaluate("window.__cspViolations") == [], "CSP violations"
    assert page.console_errors == [], page.console_errors
    failed = [entry for entry in page.failed_requests if not cut_off_by_navigation(page, entry)]
    assert failed == [], failed


@pytest.fixture(params=["light", "dark"])
def scheme(request) -> str:
    return request.param


@pytest.fixture
def page(browser, server, request):
    """A fresh page (light, 1280 px) with non-local requests blocked."""
    context = open_context(browser)
    page = instrument(context.new_page())
    yield page
    context.close()


@pytest.fixture
def new_page(browser, server):
    """Factory for pages in a given scheme/viewport: new_page(scheme="dark", width=360)."""
    contexts = []

    def make(**options):
        context = open_context(browser, **options)
        contexts.append(context)
        return instrument(context.new_page())

    yield make
    for context in contexts:
        context.close()


# For every scatter trace of every plot under `selector`: does what Plotly computed
# (and drew) hold the trace's current data? Returns the traces that disagree.
PLOTLY_BEHIND = """
(selector) => [...document.querySelectorAll(`${selector} .js-plotly-plot`)].flatMap((gd) =>
  gd.data.flatMap((trace, i) => {
    const points = gd.calcdata?.[i];
    if (trace.type !== "scatter" || trace.visible === false || !Array.isArray(trace.x)) return [];
    // Plotly marks values it cannot draw (null, or <= 0 on a log axis) as undefined.
    const same = (a, b) => a === undefined || typeof b !== "number" || Math.abs(a - b) <= 1e-9 * (1 + Math.abs(b));
    const agree = points && points.length === trace.x.length
      && points.every((p, j) => same(p.x, trace.x[j]) && same(p.y, trace.y[j]));
    return agree ? [] : [`${gd.closest("figure").id} trace ${i} (${trace.name})`];
  }))
"""


def plots_behind_their_data(page, selector: str) -> list[str]:
    """Scatter traces under `selector` whose computed (drawn) points are not their data."""
    return page.evaluate(PLOTLY_BEHIND, selector)


def wait_for_plots_to_show_their_data(page, selector: str) -> None:
    """Wait until every scatter trace under `selector` is drawn from its current data."""
    page.wait_for_function(f"(selector) => ({PLOTLY_BEHIND})(selector).length === 0", arg=selector)


TABLES_WIDER_THAN_THEIR_BOX = """(selector) => [...document.querySelectorAll(selector)]
  .map((table) => [table, table.closest('.md-typeset__scrollwrap') ?? table.parentElement])
  .filter(([table, box]) => box.scrollWidth > box.clientWidth + 1)
  .map(([table, box]) => `${table.closest('[id]')?.id ?? location.pathname}: ${box.scrollWidth} px in ${box.clientWidth}`)"""


# What is wrong with each plot under `selector` as drawn: a size that is not its
# box's, tick labels without ink, a legend entry (symbol and text) over the data,
# running into another entry or out of the plot.
PLOT_DEFECTS = """async ([selector, only]) => {
await window.__frames(2);  // rendered as shown
return [...document.querySelectorAll(`${selector} .js-plotly-plot`)].filter((gd, i) => only === undefined || i === only).flatMap((gd) => {
  const where = gd.closest("figure").id;
  const svg = gd.querySelector(".main-svg").getBoundingClientRect();
  const dataTop = gd.querySelector(".nsewdrag").getBoundingClientRect().top;
  const defects = Math.abs(svg.width - gd.clientWidth) < 1 ? [] : [`${where}: drawn ${svg.width} px wide in ${gd.clientWidth}`];
  if (![...gd.querySelectorAll(".xtick text, .ytick text")].some((tick) => tick.getBBox().width)) defects.push(`${where}: no tick label has ink`);
  const inks = [...gd.querySelectorAll(".legend .traces")].map((entry) => {
    const boxes = [...entry.querySelectorAll(".legendtext, .legendsymbols")]
      .map((e) => e.getBoundingClientRect()).filter((r) => r.width);
    return { name: entry.textContent, left: Math.min(...boxes.map((r) => r.left)), right: Math.max(...boxes.map((r) => r.right)),
      top: Math.min(...boxes.map((r) => r.top)), bottom: Math.max(...boxes.map((r) => r.bottom)) };
  });
  inks.forEach((a, i) => {
    if (a.left < svg.left - 0.5 || a.right > svg.right + 0.5) defects.push(`${where}: '${a.name}' leaves the plot`);
    if (a.bottom > dataTop + 1) defects.push(`${where}: '${a.name}' covers the data`);
    for (const b of inks.slice(i + 1)) {
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) defects.push(`${where}: '${a.name}' runs into '${b.name}'`);
    }
  });
  return defects;
});
}"""


# Text in the plots' SVG that collides: an axis title over a tick label, a legend
# entry within 8 px of the next one on its row (they read as one), an annotation
# or a text trace's label over a title, a tick label or a legend entry. Boxes as
# drawn, rotation included.
SVG_TEXT_COLLISIONS = """(selector) => [...document.querySelectorAll(`${selector} .js-plotly-plot`)].flatMap((gd) => {
  const where = gd.closest("[id]").id;
  const boxes = (css, kind) => [...gd.querySelectorAll(css)].filter((t) => t.textContent.trim())
    .map((t) => ({ kind, text: t.textContent, r: t.getBoundingClientRect() })).filter((b) => b.r.width);
  const titles = boxes("[class*='title'] text", "axis title");
  const ticks = boxes("[class*='tick'] > text", "tick label");
  const legend = [...gd.querySelectorAll(".legend .traces")].map((entry) => {
    const parts = [...entry.querySelectorAll(".legendtext, .legendsymbols")]
      .map((e) => e.getBoundingClientRect()).filter((r) => r.width);
    const r = { left: Math.min(...parts.map((p) => p.left)), right: Math.max(...parts.map((p) => p.right)),
      top: Math.min(...parts.map((p) => p.top)), bottom: Math.max(...parts.map((p) => p.bottom)) };
    return { kind: "legend entry", text: entry.textContent, r };
  }).filter((b) => b.r.right > b.r.left);
  const notes = [...boxes(".annotation-text", "annotation"), ...boxes(".textpoint text", "text label")];
  const hit = (a, b, gap = 0) => a.r.left < b.r.right + gap && b.r.left < a.r.right + gap
    && a.r.top < b.r.bottom && b.r.top < a.r.bottom;
  const found = [];
  const check = (list, others, gap) => list.forEach((a, i) => others.forEach((b, j) => {
    if ((list === others && j <= i) || !hit(a, b, gap)) return;
    found.push(`${where}: ${a.kind} '${a.text}' runs into ${b.kind} '${b.text}'`);
  }));
  check(titles, ticks, 0);
  check(titles, titles, 0);
  check(legend, legend, 8);
  check(notes, [...titles, ...ticks, ...legend], 0);
  return found;
})"""


def svg_text_collisions(page, selector: str = "body") -> list[str]:
    """Text in the plots under `selector` that runs into other text (SVG_TEXT_COLLISIONS)."""
    return page.evaluate(SVG_TEXT_COLLISIONS, selector)


def plot_defects_once_shown(page, figure: str) -> list[str]:
    """Each plot of a figure scrolled to the middle of the window in turn, as a reader
    would look at it; what is wrong with it (PLOT_DEFECTS) once it has been fitted to
    its box (a frame or two after the box changes size; up to 240 frames here)."""
    count = f"document.querySelectorAll('#fig-{figure} .js-plotly-plot').length"
    defects = []
    for plot in range(page.evaluate(count)):
        defects += page.evaluate(
            """async ([id, i]) => {
              const find = PLOT_DEFECTS;
              let found = [];
              for (let frame = 0; frame < 120; frame += 1) {
                document.querySelectorAll(`#${id} .js-plotly-plot`)[i].scrollIntoView({ block: "center" });
                found = await find([`#${id}`, i]);
                if (!found.length) break;
              }
              return found;
            }""".replace("PLOT_DEFECTS", PLOT_DEFECTS),
            [f"fig-{figure}", plot],
        )
    return defects


def tables_wider_than_their_box(page, selector: str) -> list[str]:
    """The tables matching `selector` that scroll sideways in their box
    (mkdocs-material's scrollwrap, else their parent)."""
    return page.evaluate(TABLES_WIDER_THAN_THEIR_BOX, selector)


def wait_for_page(page, url: str) -> None:
    """After an instant navigation to url (no fragment): Material changes the
    address at once and the content once it has fetched the page, then the head,
    whose canonical link names the page (the test site's site_url is base_url)."""
    page.wait_for_url(f"{url}**")
    page.wait_for_function(
        "(url) => document.querySelector('link[rel=canonical]')?.href === url", arg=url
    )


def wait_frames(page, n: int) -> None:
    """Wait for n animation frames: long enough for anything that runs per frame to
    have moved, whatever the machine's speed."""
    page.evaluate("(n) => window.__frames(n)", n)


def read_top_to_bottom(page) -> None:
    """Scroll the page from top to bottom, stopping at each figure until it has
    mounted (registry.js sets data-mounted), as a reader would look at each: a
    figure scrolled past before its module loaded waits until it is near again."""
    for i in range(page.locator("[data-figure]").count()):
        figure = page.locator("[data-figure]").nth(i)
        figure.scroll_into_view_if_needed()
        expect(figure).to_have_attribute("data-mounted", "true", timeout=30_000)
    while page.evaluate(
        "scrollY + innerHeight < document.documentElement.scrollHeight - 1 && !void scrollBy(0, innerHeight)"
    ):
        wait_frames(page, 2)
    page.wait_for_load_state("networkidle")


# Prose far from the viewport is laid out only as it comes near (site.css), and
# has no text (innerText) until then; a reader scrolling through a tall figure
# brings each part near in turn. Read as the page is after a link is followed:
# everything laid out (html.wtwm-linked).
READ_LAID_OUT = """(e) => {
  const html = document.documentElement;
  const had = html.classList.contains("wtwm-linked");
  html.classList.add("wtwm-linked");
  const text = e.innerText;
  if (!had) html.classList.remove("wtwm-linked");
  return text;
}"""


def seen_text(locator) -> str:
    """The text a reader sees once they scroll to `locator`, and through it."""
    locator.scroll_into_view_if_needed()
    return locator.evaluate(READ_LAID_OUT)


def toggle_scheme(page, scheme: str) -> None:
    """Click Material's palette toggle (it cycles auto, light, dark) until the page
    shows `scheme` ("light" or "dark")."""
    wanted = "slate" if scheme == "dark" else "default"
    for _ in range(3):
        if page.evaluate("() => document.body.dataset.mdColorScheme") == wanted:
            return
        page.locator("form[data-wtwm-palette] label:visible").first.click()
    assert page.evaluate("() => document.body.dataset.mdColorScheme") == wanted


def ink_pixels(png: bytes) -> int:
    """Pixels darker than mid-grey in a PNG (a light-theme screenshot's text)."""
    grey = Image.open(io.BytesIO(png)).convert("L")
    return sum(grey.histogram()[:128])


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def pytest_terminal_summary(terminalreporter):
    if ARTIFACTS.exists() and any(ARTIFACTS.iterdir()):
        terminalreporter.write_line(f"screenshots for review: {ARTIFACTS}/")
