"""The live NumPy widgets end to end: Pyodide from the site, every other host blocked.

Numbers on the page are checked against the same widget modules run in CPython.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import (
    ARTIFACTS,
    ROOT,
    assert_clean,
    open_context,
    plot_defects_once_shown,
    plots_behind_their_data,
    screenshot,
    tables_wider_than_their_box,
    toggle_scheme,
    wait_for_page,
    wait_for_plots_to_show_their_data,
    wait_frames,
)

sys.path.insert(0, str(ROOT / "site_src" / "widgets"))
import layer_forward
import loss_landscape

pytestmark = pytest.mark.browser
BOOT_MS = 90_000  # Pyodide boots in ~2-6 s here; generous for a loaded CI machine
LAYER, LANDSCAPE = "#fig-layer-widget", "#fig-loss-landscape"
DARK_BACKGROUND = "#1e2129"  # theme.js's dark plot background


def linear_data() -> dict:
    return json.loads((ROOT / "docs" / "data" / "linear.json").read_text())["data"]


def open_widget(page, base_url, figure, query=""):
    """Open the chapter (unless it is open) and wait until `figure` shows Python's result."""
    section = "layer-widget" if figure == LAYER else "loss-landscape"
    if "/chapter-01/" not in page.url:
        page.goto(f"{base_url}chapter-01/{query}#{section}")
    page.locator(figure).scroll_into_view_if_needed()
    page.wait_for_selector(f"{figure}[data-live=true][data-current=true]", timeout=BOOT_MS)
    return page.locator(figure)


def scheme_of_plot(page, figure):
    return page.evaluate(
        "(sel) => document.querySelector(sel + ' .js-plotly-plot').layout.paper_bgcolor",
        figure,
    )


def drawn_after(page, figure, action):
    """Run action() and wait until the widget has drawn a newer result."""
    before = int(page.locator(figure).get_attribute("data-renders"))
    action()
    page.wait_for_function(
        "([sel, n]) => Number(document.querySelector(sel).dataset.renders) > n"
        " && document.querySelector(sel).dataset.current === 'true'",
        arg=[figure, before],
    )


def plot_trace(page, figure, name, index=0):
    """The (x, y) data of the trace called `name` in plot `index` of a widget, as
    Plotly holds it (what it draws and hovers)."""
    return page.evaluate(
        "([sel, i, name]) => { const gd = document.querySelectorAll(sel + ' .js-plotly-plot')[i];"
        " const trace = gd.data.find((t) => t.name === name); return [trace.x, trace.y]; }",
        [figure, index, name],
    )


def descent_path(page, index=0):
    """The (w, y) points of the landscape's descent path in plot `index`."""
    return list(zip(*plot_trace(page, LANDSCAPE, "descent steps", index), strict=True))


def layer_point(page):
    [z], [a] = plot_trace(page, LAYER, "(z, a)")
    return (z, a)


def event_step(widget) -> int:
    """The step at which the widget reported its event (e.g. "Diverged at step 7")."""
    return int(re.search(r"at step (\d+)", widget.locator(".wtwm-landscape-event").inner_text())[1])


def field(widget, name):
    return widget.locator(f"[data-control={name}] input[type=text]")


def message(widget, name):
    return widget.locator(f"[data-control={name}] .wtwm-control__message")


# ------------------------------------------------------------------- layer
def test_layer_widget_runs_numpy_in_light_and_dark(new_page, base_url, scheme):
    page = new_page(scheme=scheme)
    widget = open_widget(page, base_url, LAYER)
    expected = layer_forward.initial_state()["result"]
    assert "Computed by NumPy 2." in widget.inner_text()  # NumPy's version, from Pyodide
    assert layer_point(page) == pytest.approx((expected["z"], expected["a"]))
    assert (scheme_of_plot(page, LAYER) == DARK_BACKGROUND) == (scheme == "dark")
    screenshot(page, f"widget-layer-{scheme}")
    if scheme == "light":  # the plots follow the palette toggle live, without a reload
        page.locator(LANDSCAPE).scroll_into_view_if_needed()  # both drawn before the toggle
        page.locator(f"{LANDSCAPE} .js-plotly-plot").first.wait_for()
        toggle_scheme(page, "dark")
        for figure in (LAYER, LANDSCAPE):
            page.wait_for_function(
                "([sel, bg]) => document.querySelector(sel + ' .js-plotly-plot')"
                "?.layout?.paper_bgcolor === bg",
                arg=[figure, DARK_BACKGROUND],
            )
    assert_clean(page)


def test_layer_widget_follows_slider_and_typed_input(page, base_url):
    widget = open_widget(page, base_url, LAYER)
    slider = widget.get_by_label("weight w", exact=True)
    assert slider.get_attribute("type") == "range"
    drawn_after(page, LAYER, lambda: (slider.focus(), slider.press("End")))  # keyboard: w = max
    assert field(widget, "w").input_value() == "3"
    assert slider.get_attribute("aria-valuetext") == "weight w 3"
    drawn_after(page, LAYER, lambda: field(widget, "x").fill("-0.25"))
    drawn_after(page, LAYER, lambda: widget.get_by_label("activation f").select_option("relu"))
    expected = layer_forward.forward(-0.25, 3.0, -0.5, "relu")
    assert layer_point(page) == pytest.approx((expected["z"], expected["a"]))
    readout = widget.locator(".wtwm-readout").inner_text()
    assert "3 × (-0.25) + (-0.5) = -1.25" in readout and "max(0, z) = 0" in readout
    assert "1 if z > 0, else 0 = 0" in readout  # the slope backprop multiplies by
    page.wait_for_url("**layer.activation=relu**")  # written a moment after the last change
    assert "layer.w=3" in page.url
    assert plots_behind_their_data(page, LAYER) == []  # what Plotly drew is the new data
    assert_clean(page)


def test_layer_widget_carries_the_chain_rule_to_the_weight(new_page, base_url, scheme):
    width = 1280 if scheme == "light" else 360
    page = new_page(scheme=scheme, width=width)
    widget = open_widget(page, base_url, LAYER)
    drawn_after(page, LAYER, lambda: field(widget, "y").fill("-1"))
    drawn_after(page, LAYER, lambda: field(widget, "x").fill("-0.5"))
    r = layer_forward.forward(-0.5, 1.5, -0.5, "tanh", -1)  # Python's numbers, checked by torch
    readout = widget.locator(".wtwm-readout").inner_text()
    f = lambda v: format(v, ".3g")  # noqa: E731 - the page's fmt is Python's ".3g"
    p = lambda v: f"({f(v)})" if v < 0 else f(v)  # noqa: E731
    assert f"L = (a − y)² = ({f(r['a'])} − (-1))² = {f(r['loss'])}" in readout
    assert f"∂L/∂a = 2(a − y) = {f(r['dloss_da'])}" in readout
    dw = f"{p(r['dloss_da'])} × {p(r['slope'])} × (-0.5) = {f(r['dloss_dw'])}"
    assert f"∂L/∂w = ∂L/∂a · f′(z) · x = {dw}" in readout
    assert (
        f"∂L/∂b = ∂L/∂a · f′(z) = {p(r['dloss_da'])} × {p(r['slope'])} = {f(r['dloss_db'])}"
        in readout
    )
    assert plot_trace(page, LAYER, "target y")[1] == [-1, -1]
    page.wait_for_url("**layer.y=-1**")
    wait_for_plots_to_show_their_data(page, LAYER)
    widget.scroll_into_view_if_needed()
    width_ok = page.evaluate("(sel) => document.querySelector(sel).scrollWidth", LAYER)
    assert width_ok <= width
    ARTIFACTS.mkdir(exist_ok=True)
    widget.screenshot(path=str(ARTIFACTS / f"widget-layer-chain-{scheme}-{width}.png"))
    assert_clean(page)


def test_layer_activation_switch_redraws_the_curve(page, base_url):
    """A switch draws the new activation's curve and point, also on the way back."""
    widget = open_widget(page, base_url, LAYER)
    select = widget.get_by_label("activation f")
    for name in ["relu", "sigmoid", "tanh", "relu"]:
        drawn_after(page, LAYER, lambda n=name: select.select_option(n))
        expected = layer_forward.forward(1.0, 1.5, -0.5, name)
        curve = f"f(z) = {expected['formula']}"
        assert plot_trace(page, LAYER, curve)[1] == pytest.approx(expected["curve"]["a"].tolist())
        assert layer_point(page) == pytest.approx((expected["z"], expected["a"]))
        assert page.locator(f"{LAYER} .js-plotly-plot").count() == 1
    wait_for_plots_to_show_their_data(page, LAYER)
    assert_clean(page)


def test_widget_plots_refit_when_a_phone_turns(new_page, base_url):
    """As for the data figures (test_figures.py): a phone turned sideways and back;
    each widget plot is drawn at its box's size, with its text, its legend above
    the data."""
    page = new_page(width=360, height=800)
    open_widget(page, base_url, LAYER, "?landscape.steps=10")
    open_widget(page, base_url, LANDSCAPE)
    for width in (740, 360):
        page.evaluate("window.scrollTo(0, 0)")
        page.set_viewport_size({"width": width, "height": 800})
        for figure in ("layer-widget", "loss-landscape"):
            assert plot_defects_once_shown(page, figure) == [], width
    assert_clean(page)


def test_widget_plot_text_follows_the_readers_text_size(new_page, base_url):
    """As for the data figures: with the browser's default text size at 32 px, the
    widgets' plot text grows (it stayed 13 px) and every plot still fits its box."""
    page = new_page(width=1280, height=900)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    open_widget(page, base_url, LAYER)
    open_widget(page, base_url, LANDSCAPE)
    for figure in ("layer-widget", "loss-landscape"):
        assert plot_defects_once_shown(page, figure) == []
    sizes = page.evaluate(
        "(sel) => [...document.querySelectorAll(sel)].map((gd) => gd.layout.font.size)",
        f"{LAYER} .js-plotly-plot, {LANDSCAPE} .js-plotly-plot",
    )
    assert len(sizes) >= 3 and min(sizes) >= 1.5 * 13, sizes
    assert_clean(page)


BAD_INPUT = [("abc", "is not a number"), ("1e400", "too large"), ("NaN", "not a number you can")]


def test_bad_typed_input_is_explained_and_not_used(page, base_url):
    for figure, name in ((LAYER, "x"), (LANDSCAPE, "lr")):
        widget = open_widget(page, base_url, figure)
        renders = widget.get_attribute("data-renders")
        for typed, says in BAD_INPUT:
            field(widget, name).fill(typed)
            field(widget, name).press("Enter")
            assert says in message(widget, name).inner_text(), typed
            assert message(widget, name).is_visible()
            assert field(widget, name).get_attribute("aria-invalid") == "true"
            # Nothing was asked of Python: an accepted input marks the widget not
            # current at once (widget.change), before anything is computed.
            assert widget.get_attribute("data-current") == "true"
            assert widget.get_attribute("data-renders") == renders
    assert_clean(page)


def test_out_of_range_input_is_clamped_with_a_note(page, base_url):
    widget = open_widget(page, base_url, LAYER)
    drawn_after(
        page, LAYER, lambda: (field(widget, "b").fill("-70"), field(widget, "b").press("Enter"))
    )
    assert "outside -3 to 3: using -3" in message(widget, "b").inner_text()
    assert field(widget, "b").input_value() == "-3"
    assert layer_point(page)[0] == pytest.approx(1.5 * 1.0 - 3)
    assert_clean(page)


# ---------------------------------------------------------------- landscape
def test_landscape_steps_plays_and_detects_divergence(page, base_url):
    widget = open_widget(page, base_url, LANDSCAPE)
    data = linear_data()
    defaults = loss_landscape.initial_state(data)["defaults"]
    step = widget.get_by_role("button", name="Take one gradient-descent step")
    for _ in range(3):
        drawn_after(page, LANDSCAPE, step.click)
    expected = loss_landscape.descend(data["x"], data["y"], **{**defaults, "steps": 3})
    dots = descent_path(page)
    assert [w for w, _ in dots] == pytest.approx(expected["path"]["w"])
    assert [loss for _, loss in dots] == pytest.approx(expected["path"]["loss"])
    expect(widget.locator(".wtwm-landscape-log tbody tr")).to_have_count(4)
    assert f"w = {expected['current']['w']:.4g}" in widget.locator(".wtwm-readout").inner_text()
    assert "Computed by NumPy 2." in widget.inner_text()  # the version, as the layer's note
    critical = expected["critical_lr"]
    assert f"critical rate {critical:.3g}" in widget.inner_text()

    # The b slider (keyboard): a new slice; the dashed line on the contour map moves.
    slider = widget.get_by_label("intercept b (fixed)", exact=True)
    drawn_after(page, LANDSCAPE, lambda: (slider.focus(), slider.press("Home")))
    b_min = loss_landscape.inputs(data["x"], data["y"])["b"]["min"]
    moved = loss_landscape.descend(data["x"], data["y"], **{**defaults, "b": b_min, "steps": 3})
    _, slice_ys = plot_trace(page, LANDSCAPE, "the slice: b fixed", 1)
    assert slice_ys == [b_min, b_min]
    assert f"loss = {moved['current']['loss']:.4g}" in widget.locator(".wtwm-readout").inner_text()

    # Above the critical rate: play until Python reports divergence, then stop.
    lr = round(1.15 * critical, 3)
    drawn_after(page, LANDSCAPE, lambda: field(widget, "lr").fill(str(lr)))
    assert "above the critical rate" in widget.locator(".wtwm-readout").inner_text()
    play = widget.get_by_role("button", name="Play gradient descent")
    play.click()
    assert (
        widget.get_by_role("button", name="Pause gradient descent").get_attribute("aria-pressed")
        == "true"
    )
    event = widget.locator(".wtwm-landscape-event")
    event.filter(has_text="Diverged at step").wait_for(timeout=60_000)
    assert play.get_attribute("aria-pressed") == "false" and step.is_disabled()
    for index in (0, 1):  # both views drawn, finite numbers only (JSON has no NaN)
        drawn = page.evaluate(
            "([sel, i]) => JSON.stringify(document.querySelectorAll(sel + ' .js-plotly-plot')[i]"
            ".data.map((t) => [t.x, t.y]))",
            [LANDSCAPE, index],
        )
        assert (
            "NaN" not in drawn
            and "Infinity" not in drawn
            and "null" not in drawn.replace("[null]", "")
        )
        assert len(descent_path(page, index)) == event_step(widget)
    # The axes grew with the diverging descent; what Plotly drew is the current data.
    wait_for_plots_to_show_their_data(page, LANDSCAPE)
    widget.scroll_into_view_if_needed()
    screenshot(page, "widget-landscape-diverged")
    assert_clean(page)


def test_reduced_motion_never_autoplays_and_play_jumps_to_the_end(new_page, base_url):
    page = new_page(reduced_motion="reduce", scheme="dark", width=360, height=780)
    widget = open_widget(page, base_url, LANDSCAPE)
    wait_frames(page, 60)  # longer than Play's step
    assert "step 0 of" in widget.inner_text()  # nothing moved by itself
    drawn_after(page, LANDSCAPE, widget.get_by_role("button", name="Play gradient descent").click)
    assert (
        widget.get_by_role("button", name="Play gradient descent").get_attribute("aria-pressed")
        == "false"
    )
    assert "Converged at step" in widget.locator(".wtwm-landscape-event").inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert tables_wider_than_their_box(page, f"{LANDSCAPE} .wtwm-landscape-log table") == []
    screenshot(page, "widget-landscape-dark-360")
    assert_clean(page)


# ------------------------------------------------------------ URL and reset
def test_deep_link_restores_both_widgets_and_reset_clears_it(page, base_url):
    data = linear_data()
    spec = loss_landscape.inputs(data["x"], data["y"])
    lr = spec["lr"]["max"] / 2
    query = f"?layer.x=-2&layer.b=0.25&layer.activation=sigmoid&landscape.lr={lr}&landscape.steps=4"
    widget = open_widget(page, base_url, LAYER, query)
    expected = layer_forward.forward(-2, 1.5, 0.25, "sigmoid")
    assert field(widget, "x").input_value() == "-2"
    assert widget.get_by_label("activation f").input_value() == "sigmoid"
    assert layer_point(page) == pytest.approx((expected["z"], expected["a"]))

    landscape = page.locator(LANDSCAPE)
    landscape.scroll_into_view_if_needed()
    page.wait_for_selector(f"{LANDSCAPE}[data-live=true][data-current=true]", timeout=BOOT_MS)
    defaults = loss_landscape.initial_state(data)["defaults"]
    descent = loss_landscape.descend(data["x"], data["y"], **{**defaults, "lr": lr, "steps": 4})
    assert [w for w, _ in descent_path(page)] == pytest.approx(descent["path"]["w"])

    copy = widget.get_by_role("button", name="Copy link to this figure in its current state")
    copy.click()
    status = widget.locator(".wtwm-state-buttons .wtwm-status")
    expect(status).to_contain_text("Link")  # "Link copied." or, clipboard blocked, "Link: <url>"
    if "copied" not in status.inner_text():
        assert "layer.activation=sigmoid" in status.inner_text()
    drawn_after(page, LAYER, widget.get_by_role("button", name="Reset this figure").click)
    assert field(widget, "x").input_value() == "1"
    page.wait_for_function("() => !location.search.includes('layer.')")
    assert "landscape.steps=4" in page.url  # the other widget's state is its own
    assert_clean(page)


# --------------------------------------------------------------- fallbacks
def test_without_pyodide_the_widgets_say_so_and_the_page_works(browser, server, base_url):
    from tests.conftest import open_context

    context = open_context(browser)
    context.route("**/assets/vendor/pyodide/**", lambda route: route.abort())
    page = context.new_page()
    errors, failed = [], []
    page.on(
        "console",
        lambda m: m.type == "error" and errors.append((m.text, m.location.get("url", ""))),
    )
    page.on("pageerror", lambda e: errors.append((str(e), "")))
    page.on("requestfailed", lambda r: failed.append(r.url))
    try:
        page.goto(f"{base_url}chapter-01/#layer-widget")
        for figure in (LAYER, LANDSCAPE):
            page.locator(figure).scroll_into_view_if_needed()
            status = page.locator(f"{figure} .wtwm-python-status[data-state=failed]")
            status.wait_for(timeout=BOOT_MS)
            assert "Python could not start" in status.inner_text()
            assert "the rest of the page works" in status.inner_text()
            assert page.locator(f"{figure} .js-plotly-plot").count() >= 1  # starting state drawn
            assert page.locator(f"{figure} input[type=range]").first.is_disabled()
        assert page.locator(f"{LAYER} .wtwm-readout").inner_text().count("=") >= 3
        # The rest of the page: math rendered, no other figure broken, the theme
        # toggle works and restyles even the widgets' static plots.
        assert page.locator(".katex-display").count() >= 3
        assert page.locator("[data-figure] .wtwm-error:not(.wtwm-python-status)").count() == 0
        toggle_scheme(page, "dark")
        page.wait_for_function(
            "([sel, bg]) => document.querySelector(sel + ' .js-plotly-plot')"
            "?.layout?.paper_bgcolor === bg",
            arg=[LAYER, DARK_BACKGROUND],
        )
        expected = [url for url in failed if "/assets/vendor/pyodide/" in url]
        assert expected and expected == failed, failed
        pyodide_url = "/assets/vendor/pyodide/"
        unexpected = [e for e in errors if not (pyodide_url in e[1] and "Failed to load" in e[0])]
        assert unexpected == [], unexpected
    finally:
        context.close()


def test_instant_navigation_round_trip_boots_python_once(page, base_url):
    wasm = []
    page.on("request", lambda r: "pyodide.asm.wasm" in r.url and wasm.append(r.url))
    page.goto(base_url)
    page.evaluate("() => { window.__sameDocument = true; }")
    for _ in range(2):
        page.locator("article a[href*='chapter-01']").first.click()
        wait_for_page(page, base_url + "chapter-01/")
        widget = page.locator(LAYER)
        widget.scroll_into_view_if_needed()
        page.wait_for_selector(f"{LAYER}[data-live=true]", timeout=BOOT_MS)
        assert "Computed by NumPy 2." in widget.inner_text()
        drawn_after(page, LAYER, lambda w=widget: field(w, "x").fill("2"))
        assert layer_point(page)[0] == pytest.approx(1.5 * 2 - 0.5)
        page.go_back()
        wait_for_page(page, base_url)
    assert page.evaluate("() => window.__sameDocument === true"), "a full page load happened"
    assert len(wasm) == 1, wasm
    assert_clean(page)


# ------------------------------------------------------------- built site
def test_widget_python_in_the_built_site_is_the_tested_source(built_site):
    sources = sorted((ROOT / "site_src" / "widgets").glob("*.py"))
    assert {"bridge.py", "layer_forward.py", "loss_landscape.py"} <= {p.name for p in sources}
    for source in sources:
        published = Path(built_site) / "assets" / "widgets" / source.name
        assert published.read_bytes() == source.read_bytes(), source.name


def test_starting_state_is_in_the_html_without_javascript(built_site):
    html = (Path(built_site) / "chapter-01" / "index.html").read_text()
    layer = layer_forward.initial_state()["result"]
    assert f"<td>{layer['a']:.3g}</td>" in html and f"<td>{layer['slope']:.3g}</td>" in html
    landscape = loss_landscape.initial_state(linear_data())["result"]
    assert f"<td>{landscape['critical_lr']:.3g}</td>" in html
    assert f"<td>{layer['dloss_dw']:.3g}</td>" in html  # the chain rule, without JavaScript
    # layer, landscape and the gradient cell
    assert html.count('class="wtwm-initial-state"') == 3 and html.count("data-state=") == 3


SAVE_DATA = "Object.defineProperty(NetworkInformation.prototype, 'saveData', { get: () => true });"


def test_on_save_data_python_waits_for_a_touch(browser, server, base_url):
    """A reader whose browser asks to save data downloads the 12 MB runtime only
    by touching a widget, not by scrolling past one."""
    context = open_context(browser)
    context.add_init_script(SAVE_DATA)
    page = context.new_page()
    workers = []
    page.on("request", lambda r: "python-worker.js" in r.url and workers.append(r.url))
    page.goto(f"{base_url}chapter-01/#layer-widget")
    widget = page.locator(LAYER)
    expect(widget).to_have_attribute("data-mounted", "true")
    line = widget.locator(".wtwm-python-status")
    expect(line).to_have_attribute("data-state", "idle")
    expect(line).to_contain_text("Python starts when you touch a control (your browser asks")
    # Both widgets in view in turn, drawn from the page's starting values: no Python.
    expect(widget.locator(".js-plotly-plot").first).to_be_visible()
    wait_for_plots_to_show_their_data(page, LAYER)
    page.locator(LANDSCAPE).scroll_into_view_if_needed()
    expect(page.locator(LANDSCAPE)).to_have_attribute("data-mounted", "true")
    expect(page.locator(f"{LANDSCAPE} .js-plotly-plot").first).to_be_visible()
    assert workers == []
    widget.scroll_into_view_if_needed()
    field(widget, "x").focus()
    page.wait_for_selector(f"{LAYER}[data-live=true]", timeout=BOOT_MS)
    assert len(workers) == 1
    context.close()
