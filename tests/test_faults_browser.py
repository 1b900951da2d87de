"""Faults injected into the page, as a tester would: each is named where it
happens, the rest of the page keeps working, and there is a way back.

Playwright routes break files (404, garbage, cut short, never answered), the
Chrome DevTools protocol slows the link, and the Python worker is closed from
inside. Every wait is for a state the page shows.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, ROOT, open_context, wait_frames
from tests.test_cdn_mode import cdn, cdn_site  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
BOOT_MS = 90_000  # Pyodide boots in 5-15 s here; generous for a loaded machine
STALL_MS = 45_000  # lib/python.js: start-up fails after this long without progress
CALL_MS = 10_000  # lib/python.js: a call without an answer after this is a dead worker
LAYER, LANDSCAPE = "#fig-layer-widget", "#fig-loss-landscape"
WASM = "**/assets/vendor/pyodide/pyodide.asm.wasm"


@pytest.fixture
def context(browser, server):
    context = open_context(browser)
    yield context
    context.close()


def chapter(context, base_url, fragment="#layer-widget"):
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}"))
    page.goto(f"{base_url}chapter-01/{fragment}")
    return page


def status(page, figure=LAYER):
    return page.locator(f"{figure} .wtwm-python-status")


def field(page, figure, name):
    return page.locator(f"{figure} [data-control={name}] input[type=text]")


# Scrolls to the first figure that has not finished mounting, as a reader would
# (figures far from the window wait); true once none is left. Found again on each
# poll: Material may replace the page's content meanwhile.
ALL_MOUNTED = """() => {
  const waiting = [...document.querySelectorAll("[data-figure]")].find((el) => !el.dataset.mounted);
  waiting?.scrollIntoView({ block: "center" });
  return !waiting;
}"""


def mounted_figures(page) -> dict[str, str]:
    """How each figure ended (registry.js: data-mounted is "true" or "error")."""
    page.wait_for_function(ALL_MOUNTED, polling=250, timeout=60_000)
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-figure]')]"
        ".map((el) => [el.dataset.figure, el.dataset.mounted]))"
    )


# --------------------------------------------------- 1. figures are isolated
def test_a_figure_that_throws_leaves_the_others_mounted(context, base_url):
    context.route(
        "**/assets/js/figures/lr-sweep.js",
        lambda route: route.fulfill(
            content_type="text/javascript",
            body='export function mount() { throw new Error("injected fault"); }',
        ),
    )
    page = chapter(context, base_url, "")
    states = mounted_figures(page)
    assert states.pop("lr-sweep") == "error"
    assert set(states.values()) == {"true"}, states
    expect(page.locator("#fig-lr-sweep .wtwm-error")).to_contain_text(
        "This figure could not start: injected fault."
    )
    assert any("figure lr-sweep" in error for error in page.errors), page.errors  # logged


@pytest.mark.parametrize(
    ("fragment", "then"), [("#%", None), ("#%E0%A4%A", None), ("#layer-widget", "%")]
)
def test_hostile_fragments_leave_every_figure_working(context, base_url, fragment, then):
    page = chapter(context, base_url, fragment)
    if then:  # set on a loaded page
        page.wait_for_selector(f"{LAYER}[data-mounted=true]")
        page.evaluate(
            """(hash) => new Promise((done) => {
              addEventListener("hashchange", () => setTimeout(done), { once: true });
              location.hash = hash;
            })""",
            then,
        )
        page.wait_for_load_state("networkidle")  # Material reloads the page's content for it
    states = mounted_figures(page)
    assert set(states.values()) == {"true"}, states
    assert page.locator("[data-figure] .wtwm-error").count() == 0
    page.locator(LAYER).scroll_into_view_if_needed()
    field(page, LAYER, "x").fill("3")
    expect(page.locator(f"{LAYER} .wtwm-readout")).to_contain_text("= 4", timeout=BOOT_MS)


# ------------------------------------------------ 2. start-up faults, Retry
def shoot_widget(page, name):
    """The widget as drawn once in view (far sections are not rendered before)."""
    ARTIFACTS.mkdir(exist_ok=True)
    status(page).scroll_into_view_if_needed()
    page.evaluate("() => window.__frames(2)")
    page.locator(LAYER).screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize(
    ("fault", "says", "scheme", "width"),
    [
        ("missing", "could not download pyodide.asm.wasm (HTTP 404)", "light", 1280),
        ("corrupt", "the Python runtime is damaged (expected magic word", "dark", 360),
    ],
)
def test_broken_wasm_is_named_and_retry_recovers(new_page, base_url, fault, says, scheme, width):
    hits = []

    def broken(route):
        hits.append(route.request.url)
        if fault == "missing":
            route.fulfill(status=404, body="Not Found")
        else:
            route.fulfill(body=b"garbage " * 1000, content_type="application/wasm")

    page = new_page(scheme=scheme, width=width, height=800)
    page.context.route(WASM, broken)
    page.goto(f"{base_url}chapter-01/#layer-widget")
    page.locator(LAYER).scroll_into_view_if_needed()  # landing is tested elsewhere
    line = page.locator(f"{LAYER} .wtwm-python-status[data-state=failed]")
    expect(line).to_contain_text("Python could not start", timeout=STALL_MS)
    expect(line).to_contain_text(says)
    expect(page.locator(f"{LAYER} input[type=range]").first).to_be_disabled()
    retry = page.get_by_role("button", name="Retry starting Python").first
    expect(retry).to_be_visible()
    shoot_widget(page, f"fault-wasm-{fault}-{scheme}-{width}")
    # Another widget coming near does not start Python again: only Retry does.
    page.locator(LANDSCAPE).scroll_into_view_if_needed()
    page.evaluate("() => window.__frames(2)")
    expect(status(page, LANDSCAPE)).to_have_attribute("data-state", "failed")
    assert len(hits) == 1, hits
    # The host is fixed: Retry starts a new worker, and the widget computes again.
    page.context.unroute(WASM)
    retry.click()
    expect(status(page)).to_have_attribute("data-state", "ready", timeout=BOOT_MS)
    expect(page.locator(f"{LAYER} input[type=range]").first).to_be_enabled()
    expect(page.locator(f"{LAYER}[data-live=true]")).to_have_count(1, timeout=BOOT_MS)


def test_a_start_up_that_hangs_gives_up_with_a_message(context, base_url):
    """Pyodide's downloads never answer; the page's clock is moved past STALL_MS
    once Python is starting, so the test does not wait 45 s for it."""
    context.route("**/assets/vendor/pyodide/**", lambda route: None)  # never answered
    context.clock.install()
    page = chapter(context, base_url)
    starting = page.locator(f"{LAYER} .wtwm-python-status[data-state=starting]")
    expect(starting).to_have_count(1, timeout=BOOT_MS)
    page.clock.fast_forward(STALL_MS + 1_000)
    line = page.locator(f"{LAYER} .wtwm-python-status[data-state=failed]")
    expect(line).to_contain_text("no progress for 45 s")
    expect(page.get_by_role("button", name="Retry starting Python").first).to_be_visible()


def test_integrity_failure_on_the_cdn_is_named(browser, cdn_site, cdn):  # noqa: F811
    root, _ = cdn
    _, base_url = cdn_site
    wasm = root / "pyodide.asm.wasm"
    original = wasm.read_bytes()
    wasm.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    context = open_context(browser)
    try:
        page = chapter(context, base_url)
        line = page.locator(f"{LAYER} .wtwm-python-status[data-state=failed]")
        expect(line).to_contain_text(
            "could not download pyodide.asm.wasm (network error or failed integrity check)",
            timeout=STALL_MS,
        )
    finally:
        wasm.write_bytes(original)
        context.close()


def test_a_slow_link_shows_what_downloads_and_how_far(context, base_url):
    """The page loads at full speed (Python waits until a widget is near), then the
    link slows down and the reader scrolls to the layer widget."""
    page = context.new_page()
    page.goto(f"{base_url}chapter-01/")
    page.wait_for_load_state("networkidle")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    rate = 3e6 / 8  # 3 Mbit/s in bytes per second: the runtime takes half a minute
    conditions = {"offline": False, "latency": 300, "downloadThroughput": rate}
    cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": rate})
    page.locator(LAYER).scroll_into_view_if_needed()
    progress = r"downloading .*pyodide\.asm\.wasm.*: (\d+\.\d) of (\d+\.\d) MB"
    shown = f"{LAYER} .wtwm-python-status > span:not(.wtwm-steady__sizer)"  # not the sizers
    line = page.locator(shown)
    expect(line).to_have_text(re.compile(progress), timeout=BOOT_MS)
    first = float(re.search(progress, line.text_content())[1])
    page.wait_for_function(
        "([sel, re, first]) => Number(document.querySelector(sel).textContent"
        ".match(new RegExp(re))?.[1]) > first + 0.5",
        arg=[shown, progress, first],
        timeout=BOOT_MS,
    )
    assert page.locator("[data-figure] .wtwm-error").count() == 0  # the page works meanwhile


# ----------------------------------------------------- 3. a dead worker
def test_a_dead_worker_is_noticed_and_the_next_input_restarts_it(context, base_url):
    """A worker that ends without a word is noticed when a call gets no answer within
    CALL_MS; the page's clock is moved past it, so the test does not wait 10 s."""
    context.clock.install()
    page = chapter(context, base_url)
    page.wait_for_selector(f"{LAYER}[data-live=true][data-current=true]", timeout=BOOT_MS)
    expect(status(page)).to_contain_text("NumPy 2.")  # its version, read before "ready"
    for worker in page.workers:
        if "python-worker" in worker.url:
            worker.evaluate("self.close()")
    field(page, LAYER, "x").fill("2")
    # The call leaves in the next frame; a jump made before it left moves nothing.
    for _ in range(20):
        page.clock.fast_forward(CALL_MS + 1_000)
        if status(page).get_attribute("data-state") == "stopped":
            break
        wait_frames(page, 2)
    expect(status(page)).to_have_attribute("data-state", "stopped")
    expect(status(page)).to_contain_text("Your next change restarts it.")
    expect(page.locator(LAYER)).to_have_class(re.compile("wtwm-widget--pending"))
    expect(page.locator(f"{LAYER} .wtwm-widget-note")).to_contain_text(
        "Change a value to try again"
    )
    field(page, LAYER, "x").fill("3")
    page.wait_for_selector(f"{LAYER}[data-current=true]", timeout=BOOT_MS)
    expect(status(page)).to_have_attribute("data-state", "ready")
    expect(page.locator(f"{LAYER} .wtwm-readout")).to_contain_text("= 4")  # 1.5 * 3 - 0.5
    expect(page.locator(LAYER)).not_to_have_class(re.compile("wtwm-widget--pending"))


# --------------------------------- 4. runtime faults are not the reader's
@pytest.mark.parametrize("link", ["fast", "slow"])
def test_a_missing_numpy_is_a_start_up_fault_not_ready(context, base_url, link):
    """On a slow link NumPy's 404 arrives while the runtime is still downloading:
    Pyodide alone would then never settle (2 start-ups in 22 hung here on a fast,
    loaded machine, where the two raced)."""
    context.route("**/numpy-*.whl", lambda route: route.fulfill(status=404, body="Not Found"))
    page = context.new_page()
    if link == "slow":
        rate = 40e6 / 8  # 40 Mbit/s: the 10 MB runtime takes 2 s, the 404 none
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        conditions = {"offline": False, "latency": 5, "downloadThroughput": rate}
        cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": rate})
    page.goto(f"{base_url}chapter-01/#layer-widget")
    line = page.locator(f"{LAYER} .wtwm-python-status[data-state=failed]")
    expect(line).to_contain_text(
        "NumPy could not be loaded (could not download numpy-2", timeout=BOOT_MS
    )
    assert page.locator(f"{LAYER}[data-live=true]").count() == 0
    assert "refused" not in page.locator(LAYER).inner_text()


def test_a_missing_widget_module_is_a_fault_not_a_refusal(context, base_url):
    context.route(
        "**/assets/widgets/layer_forward.py",
        lambda route: route.fulfill(status=404, body="Not Found"),
    )
    page = chapter(context, base_url)
    note = page.locator(f"{LAYER} .wtwm-widget-note")
    expect(note).to_contain_text(
        "Python could not compute this (could not download layer_forward.py (HTTP 404))",
        timeout=BOOT_MS,
    )
    assert "refused" not in note.inner_text()
    expect(status(page)).to_have_attribute("data-state", "ready")  # the other widget still works
    page.locator(LANDSCAPE).scroll_into_view_if_needed()
    page.wait_for_selector(f"{LANDSCAPE}[data-live=true]", timeout=BOOT_MS)


def test_a_long_bad_input_is_echoed_cut(context, base_url):
    page = chapter(context, base_url)
    typed = field(page, LAYER, "x")
    typed.fill("x" * 400)
    typed.press("Enter")
    message = page.locator(f"{LAYER} [data-control=x] .wtwm-control__message")
    expect(message).to_have_text(f"“{'x' * 40}…” is not a number: type digits, like 0.5 or -2.")


def test_a_damaged_dataset_in_the_worker_names_the_file(context, base_url):
    """The landscape's Python reads data/linear.json itself, once: a damaged copy
    is a fault naming the file, not a refusal of the reader's input."""
    doc = json.loads((ROOT / "docs" / "data" / "linear.json").read_text())
    doc["data"]["y"] = doc["data"]["y"][:-1]
    context.route(
        "**/data/linear.json",
        lambda route: route.fulfill(body=json.dumps(doc), content_type="application/json"),
    )
    page = chapter(context, base_url, "#loss-landscape")
    note = page.locator(f"{LANDSCAPE} .wtwm-widget-note")
    expect(note).to_contain_text(
        "Python could not compute this (data/linear.json could not be read (ValueError: x and y",
        timeout=BOOT_MS,
    )
    assert "refused" not in note.inner_text()


# ------------------------------------------------- 5. damaged data files
def linear_with(change) -> str:
    doc = json.loads((ROOT / "docs" / "data" / "linear.json").read_text())
    change(doc["data"])
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            lambda: linear_with(lambda d: None)[:5000],
            "data/linear.json is not valid JSON, perhaps cut short (5000 characters)",
        ),
        (
            lambda: linear_with(lambda d: d["lr_sweep"][1].update(train_loss="abc")),
            "data/linear.json: field 'data.lr_sweep[1].train_loss': expected array, found string",
        ),
        (
            lambda: linear_with(lambda d: d["lr_sweep"][0].update(w=d["lr_sweep"][0]["w"][:-3])),
            "data/linear.json: field 'data.lr_sweep[0].w': 98 entries, but data.lr_sweep[0].epoch has 101",
        ),
        (  # the version the page reads comes from the schema published with it
            lambda: json.dumps({**json.loads(linear_with(lambda d: None)), "version": 7}),
            "data/linear.json has schema linear v7; this page reads v1",
        ),
    ],
    ids=["truncated", "wrong-type", "short-column", "other-version"],
)
def test_a_damaged_data_file_names_file_and_field(context, base_url, body, says):
    text = body()
    context.route(
        "**/data/linear.json",
        lambda route: route.fulfill(body=text, content_type="application/json"),
    )
    page = chapter(context, base_url, "#lr-sweep")
    page.locator("#fig-lr-sweep").scroll_into_view_if_needed()
    expect(page.locator("#fig-lr-sweep .wtwm-error")).to_contain_text(says)
    page.locator("#fig-hero").scroll_into_view_if_needed()  # another file's figures still work
    page.wait_for_selector("#fig-hero[data-mounted=true]")
