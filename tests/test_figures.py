"""The chapter's data figures (issue #4): their pure helpers in Node, then end to
end in headless Chromium.

Expected counts come from the exported JSON the figures read, so a change in the
data changes the expectations with it. Every non-local request is blocked.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from functools import cache
from itertools import pairwise
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

from site_src.hooks.values import source_code
from tests.conftest import (
    ARTIFACTS,
    ROOT,
    assert_clean,
    data_figures,
    plot_defects_once_shown,
    seen_text,
    tables_wider_than_their_box,
    toggle_scheme,
    wait_for_page,
    wait_for_plots_to_show_their_data,
    wait_frames,
)

# The chapter's data figures and their plot counts, as their partials declare them.
FIGURES = [name for name, f in data_figures().items() if f["page"] == "chapter-01/"]
PLOTS = {name: f["plots"] for name, f in data_figures().items()}
MINE = ":is(" + ", ".join(f"#fig-{figure}" for figure in FIGURES) + ")"


@cache
def data(name: str) -> dict:
    return json.loads((ROOT / "docs" / "data" / f"{name}.json").read_text())["data"]


def expected_traces() -> dict[str, list[int]]:
    """Traces per plot, derived from the data (see each figure's spec)."""
    return {
        "hero": [4, 4],  # truth, train, val, prediction | train, val, marker, epoch line
        "lr-sweep": [len(data("linear")["lr_sweep"]) + 1, 3],  # one per run + stop markers
        "trajectories": [2 * 3 + 2 * 3],  # NumPy/PyTorch x (w, b, loss) + |diff|, max x 3
        "loss-curve": [3],
        "knobs": [5, 6, 2],  # fit | 4 curves, early stopping's line and label | 2 bar sets
        "converge": [4, 5],  # truth, train, regularised, baseline | 2 errors, 2 markers, line
        "bugs": [4],  # the correct loop's train, val | the bug's train, val
    }


def gd(page, figure: str, index: int = 0) -> str:
    """A JS expression for the index-th Plotly graph div of a figure."""
    return f"document.querySelectorAll('#fig-{figure} .js-plotly-plot')[{index}]"


def show(page, figure: str) -> None:
    """Scroll a figure into view (figures draw when near) and wait for its plots."""
    page.locator(f"#fig-{figure}").scroll_into_view_if_needed()
    page.wait_for_function(
        "([id, n]) => { const plots = document.querySelectorAll(`#fig-${id} .js-plotly-plot`);"
        " return plots.length === n && [...plots].every((p) => p.querySelector('.main-svg')); }",
        arg=[figure, PLOTS[figure]],
    )


def open_chapter(page, base_url: str, query: str = "", figures=FIGURES) -> None:
    page.goto(base_url + "chapter-01/" + query)
    for figure in figures:
        show(page, figure)


def prediction_path(page) -> str:
    return page.evaluate(
        "document.querySelectorAll('#fig-hero .wtwm-hero-fit .scatterlayer .trace')[3]"
        ".querySelector('path.js-line').getAttribute('d')"
    )


JS = ROOT / "site_src" / "theme" / "assets" / "js"


def run_js(body: str):
    """Run an ES module snippet in Node with the figure modules importable; returns its JSON."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    prelude = (
        f'import * as plot from "{(JS / "lib" / "plot-spec.js").as_uri()}";\n'
        f'import * as numbers from "{(JS / "lib" / "numbers.js").as_uri()}";\n'
        f'import * as live from "{(JS / "lib" / "live.js").as_uri()}";\n'
        f'import * as figure from "{(JS / "lib" / "figure.js").as_uri()}";\n'
        f'import * as knobs from "{(JS / "figures" / "knobs.js").as_uri()}";\n'
        f'import * as trajectories from "{(JS / "figures" / "trajectories.js").as_uri()}";\n'
    )
    result = subprocess.run(
        [node, "--input-type=module", "-e", prelude + f"console.log(JSON.stringify({body}));"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_js_fmt_matches_python_g_format():
    """Numbers JS writes into captions read exactly like the build-time ones."""
    values = [0.09816, 7.2561e-05, 1200, 0.5, 123456.0, 1e-5, 0.000123, 2.5, -0.7, 0.73577,
              9.9951, 0.22041, 1e16, 4.4408921e-16, 25.545333, 0.0, -0.00123456]  # fmt: skip
    assert run_js(f"{json.dumps(values)}.map((v) => numbers.fmt(v))") == [
        format(v, ".3g") for v in values
    ]
    assert run_js(f"{json.dumps(values)}.map((v) => numbers.fmt(v, 2))") == [
        format(v, ".2g") for v in values
    ]


def test_js_steady_range_moves_axes_only_when_the_data_leaves_them():
    first, inside, outside, shrunk = run_js(
        "(() => { const a = numbers.steadyRange(null, [0, 10]);"
        " const b = numbers.steadyRange(a, [1, 9]); const c = numbers.steadyRange(b, [0, 20]);"
        " return [a, b, c, numbers.steadyRange(c, [0, 1], { keepLow: true })]; })()"
    )
    assert first == inside == [-2, 12]  # room on both sides, kept while the data fits
    assert outside == [-4, 24]  # the data left the range: a new one around it
    assert shrunk == [0, 1.2]  # far smaller data gets a range of its own
    grown = run_js("numbers.steadyRange([-2, 12], [0, 20], { grow: 0.5 })")
    assert grown == [-10, 30]  # outgrown: more room, for data that keeps growing


# A widget whose Python answers only when the test says so, and whose frames
# come only when the test runs them: every step is a state, not a time.
NEWEST_WINS = """await (async () => {
  const frames = [];
  globalThis.requestAnimationFrame = (callback) => frames.push(callback);
  globalThis.cancelAnimationFrame = () => {};
  const calls = [];
  const drawn = [];
  const update = live.liveUpdate({
    compute: (request) => new Promise((resolve) => calls.push({ request, resolve })),
    draw: (result, request) => drawn.push([result, request.w]), fail: () => {}, d: { add() {} },
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const runFrames = () => frames.splice(0).forEach((callback) => callback());
  update({ w: 1 });
  update({ w: 2 });
  update({ w: 3 });
  await settle();
  const inFlight = calls.map((c) => c.request.w);
  calls[0].resolve("one");
  await settle();
  const drawnBeforeFrame = drawn.length;
  const afterFirst = calls.map((c) => c.request.w);
  calls[1].resolve("three");
  await settle();
  runFrames();
  return { inFlight, drawnBeforeFrame, afterFirst, drawn, frames: frames.length };
})()"""


def test_js_newest_input_wins_one_call_in_flight_drawn_in_a_frame():
    run = run_js(NEWEST_WINS)
    assert run["inFlight"] == [1]  # one call at a time
    assert run["afterFirst"] == [1, 3]  # w = 2 was overtaken before it was sent
    assert run["drawnBeforeFrame"] == 0  # results wait for the next animation frame
    assert run["drawn"] == [["three", 3]]  # one draw per frame: the newest result
    assert run["frames"] == 0


def test_js_cleanup_also_undoes_what_registers_after_it():
    """A plot built while idle can finish after the reader left (instant navigation):
    its cleanup must run at once instead of waiting for a cleanup that never comes."""
    log, done = run_js(
        "(() => { const d = figure.disposer(); const log = [];"
        " d.add(() => log.push('mounted')); d.run(); d.add(() => log.push('late'));"
        " return [log, d.done]; })()"
    )
    assert log == ["mounted", "late"] and done is True


def test_js_python_floats_and_code_panel_compile():
    regularisers = data("regularisers")
    knobs = regularisers["knobs"]
    floats = [*knobs["weight_decay"], *knobs["dropout"], 1e-05, 0.001, 3e-07]
    assert run_js(f"{json.dumps(floats)}.map(knobs.pyFloat)") == [repr(v) for v in floats]
    config = {"hidden_layers": 5, "width": 128, "lr": 0.001, "lr_final": 1e-05, "epochs": 1500,
              "patience": 100}  # fmt: skip
    settings = [
        {k: r[k] for k in ("early_stopping", "weight_decay", "dropout")}
        for r in regularisers["runs"]
    ]
    source = {"evaluate": source_code("loops_torch", "evaluate"),
              "loop": source_code("loops_torch", "knobs-loop")}  # fmt: skip
    codes = run_js(
        f"{json.dumps(settings)}.map((r) => knobs.codeFor(r, {json.dumps(config)}, {json.dumps(source)}))"
    )
    for run, code in zip(regularisers["runs"], codes, strict=True):
        compile(code, run["id"], "exec")
        assert f"weight_decay = {run['weight_decay']!r}" in code
        assert f"dropout={run['dropout']!r}" in code
        assert ("patience = 100" in code) == run["early_stopping"]
        assert code.endswith(source["loop"])  # the code that made the data, verbatim
        assert len(code.splitlines()) == 48  # the panel's height does not change


def test_js_log_ticks_and_differences():
    ticks = run_js("[[0.04, 1.2], [1e-5, 1e8], [0.09, 0.14]].map(([a, b]) => plot.logTicks(a, b))")
    assert ticks[0]["tickvals"] == [0.05, 0.1, 0.2, 0.5, 1]
    assert all(1e-5 <= v <= 1e8 for v in ticks[1]["tickvals"]) and len(ticks[1]["tickvals"]) <= 8
    assert ticks[1]["ticktext"][0].startswith("10<sup>")
    assert ticks[2] == {}  # fewer than two ticks in range: Plotly picks its own
    assert run_js("trajectories.onLogAxis([0, 1e-16, NaN, 2])") == [None, 1e-16, None, 2]


@pytest.mark.browser
def test_figures_render_from_the_data(page, base_url):
    open_chapter(page, base_url)
    for figure, traces in expected_traces().items():
        counts = page.evaluate(
            f"[...document.querySelectorAll('#fig-{figure} .js-plotly-plot')].map(g => g.data.length)"
        )
        assert counts == traces, figure
        assert page.locator(f"#fig-{figure} .wtwm-fallback").is_hidden(), figure
        assert page.locator(f"#fig-{figure} .wtwm-error").count() == 0, figure
    overfit, regularisers = data("overfit"), data("regularisers")
    # Frames: the sliders cover every exported frame, the curves every epoch.
    assert page.get_attribute("#hero-epoch", "max") == str(len(overfit["frames"]["epoch"]) - 1)
    assert page.get_attribute("#converge-epoch", "max") == str(
        len(regularisers["converge"]["epoch"]) - 1
    )
    assert page.evaluate(f"{gd(page, 'hero')}.data[3].y.length") == len(overfit["grid"]["x"])
    assert page.evaluate(f"{gd(page, 'hero', 1)}.data[0].x.length") == len(
        overfit["curves"]["epoch"]
    )
    diverged = [r for r in data("linear")["lr_sweep"] if r["diverged"]]
    assert page.evaluate(f"{gd(page, 'lr-sweep')}.data.at(-1).x.length") == len(diverged)
    for run in diverged:
        assert page.locator(f"#fig-lr-sweep text:has-text('epoch {run['stopped_epoch']}')").count()
    assert page.locator("#knobs-wd option").count() == len(regularisers["knobs"]["weight_decay"])
    assert page.locator("#knobs-p option").count() == len(regularisers["knobs"]["dropout"])
    # Captions carry the numbers from the data, rendered at build time.
    caption = seen_text(page.locator("#fig-hero figcaption"))
    assert format(overfit["curves"]["train_loss"][-1], ".3g") in caption
    assert format(overfit["final_val_loss"], ".3g") in caption
    # The epoch of the turn is the question under the figure: not given away.
    assert f"epoch {overfit['best_epoch']}" not in caption
    assert format(data("linear")["critical_lr"], ".3g") in seen_text(
        page.locator("#fig-lr-sweep figcaption")
    )
    # The difference panel: one point per epoch where the loops differ at all.
    linear = data("linear")
    drawn = page.evaluate(f"{gd(page, 'trajectories')}.data.filter((t) => t.mode === 'markers')"
                          ".map((t) => t.y.filter((v) => v !== null).length)")  # fmt: skip
    assert drawn == [sum(v > 0 for v in linear["abs_diff"][k]) for k in ("w", "b", "train_loss")]
    exact = sum(v == 0 for v in linear["abs_diff"]["w"])
    assert f"bit for bit in w at {exact}" in seen_text(page.locator("#fig-trajectories figcaption"))
    assert_clean(page)


@pytest.mark.browser
def test_without_javascript_the_numbers_are_still_there(new_page, base_url):
    """Static fallbacks and captions are rendered at build time from the data."""
    page = new_page(java_script_enabled=False)
    page.goto(base_url + "chapter-01/")
    overfit, linear = data("overfit"), data("linear")
    hero = seen_text(page.locator("#fig-hero"))
    assert format(overfit["best_val_loss"], ".3g") in hero and str(overfit["best_epoch"]) in hero
    assert page.locator("#fig-hero .wtwm-fallback table").is_visible()
    assert page.locator("#q-turn-epoch .wtwm-q-hint").is_hidden()  # no chart to click
    sweep = seen_text(page.locator("#fig-lr-sweep .wtwm-fallback"))
    assert all(run["label"] in sweep for run in linear["lr_sweep"])
    assert format(linear["max_abs_diff"]["w"], ".2g") in seen_text(
        page.locator("#fig-trajectories")
    )
    assert page.locator("#fig-checkpoints a[href$='.pt']").count() == len(data("weights")["files"])
    assert page.locator(".js-plotly-plot").count() == 0
    # The knobs: each knob alone against the baseline, scored on the test set.
    regularisers = data("regularisers")
    knobs = seen_text(page.locator("#fig-knobs .wtwm-fallback"))
    for rid in ("es-off_wd-0_dropout-0", "es-on_wd-0_dropout-0", "es-off_wd-0.01_dropout-0"):
        run = next(r for r in regularisers["runs"] if r["id"] == rid)
        assert format(run["summary"]["test_loss"], ".3g") in knobs, rid
    assert "[" not in knobs  # no Python lists
    stage, fallback = (  # and no room kept for plots that will never be drawn
        page.locator(f"#fig-knobs {part}").bounding_box()["height"]
        for part in (".wtwm-stage", ".wtwm-fallback")
    )
    assert stage <= fallback + 40


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 360])
def test_fallback_tables_fit_a_phone(new_page, base_url, width):
    """What a reader sees until a figure draws (or if it never does): its fallback
    table. With Material's 5rem header cells, lr-sweep's was 353 px wide in 326 at
    360 px; at 320, the checkpoint table was 307 px in 286 while JS had yet to
    shorten its byte counts (the build writes KB now)."""
    page = new_page(width=width)
    page.add_init_script(  # no figure ever mounts: they wait to be near the viewport
        "window.IntersectionObserver = class { observe() {} unobserve() {} disconnect() {} };"
    )
    page.goto(base_url + "chapter-01/")
    assert page.locator(".wtwm-fallback table:visible").count() >= 5
    assert tables_wider_than_their_box(page, "article table") == []


@pytest.mark.browser
def test_checkpoint_links_resolve(page, base_url):
    page.goto(base_url + "chapter-01/")
    files = data("weights")["files"]
    links = page.locator("#fig-checkpoints a[href$='.pt']")
    assert links.count() == len(files)
    for i, checkpoint in enumerate(files):
        href = links.nth(i).evaluate("a => a.href")
        assert href.endswith(checkpoint["file"])
        response = page.request.get(href)
        assert response.ok and len(response.body()) == checkpoint["bytes"], href
    code = page.locator("#fig-checkpoints pre code")
    assert code.count() == len(files)
    for i, checkpoint in enumerate(files):
        assert "weights_only=True" in code.nth(i).text_content()
        assert checkpoint["file"].rsplit("/", 1)[1] in code.nth(i).text_content()
    sizes = page.locator("#fig-checkpoints .wtwm-bytes")
    header = page.locator("#fig-checkpoints th").nth(2).text_content()
    for i, checkpoint in enumerate(files):  # KB in the cell, the exact count in its title
        kb = sizes.nth(i).text_content()
        assert header == "size (KB)" and abs(float(kb) * 1024 - checkpoint["bytes"]) <= 512
        assert sizes.nth(i).get_attribute("title") == f"{checkpoint['bytes']:,} bytes"
    assert_clean(page)


@pytest.mark.browser
def test_hero_slider_moves_prediction_and_marker(page, base_url):
    open_chapter(page, base_url, figures=["hero"])
    before = prediction_path(page)
    marker_before = page.evaluate(f"{gd(page, 'hero', 1)}.data[2].x[0]")
    slider = page.locator("#hero-epoch")
    slider.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("(d) => document.querySelectorAll('#fig-hero .wtwm-hero-fit .scatterlayer .trace')[3]"
                           ".querySelector('path.js-line').getAttribute('d') !== d", arg=before)  # fmt: skip
    epochs = data("overfit")["frames"]["epoch"]
    assert slider.get_attribute("aria-valuetext") == f"epoch {epochs[20]} of {epochs[-1]}"
    # The plots draw once per frame: the path changes at the first key, the marker
    # reaches the last key's epoch a frame or two later.
    page.wait_for_function(f"() => {gd(page, 'hero', 1)}.data[2].x[0] === {epochs[20]}")
    assert epochs[20] != marker_before
    assert f"epoch {epochs[20]}" in page.inner_text("#fig-hero figcaption")
    page.wait_for_function(f"() => location.search.includes('hero.epoch={epochs[20]}')")
    assert_clean(page)


# Shared by the tests that drive the site's modules directly: lib(name) imports
# assets/js/lib/NAME.js; scratchPlot(spec) draws a 480 x 300 themed plot at the top
# of the article and returns {box, plot, d, remove}.
LIB_PRELUDE = """
const root = document.baseURI.replace(/chapter-01\\/.*$/, "");
const lib = (name) => import(new URL(`assets/js/lib/${name}.js`, root).href);
const scratchPlot = async (spec) => {
  const [{ themedPlot }, { disposer }] = await Promise.all([lib("plot"), lib("figure")]);
  const box = Object.assign(document.createElement("div"), { className: "wtwm-plot" });
  box.style.cssText = "width: 480px; height: 300px";
  document.querySelector("article").prepend(box);
  const d = disposer();
  const plot = await themedPlot(box, spec, d);
  return { box, plot, d, remove: () => { d.run(); box.remove(); } };
};
"""

# A plot driven through lib/plot.js the way figures drive it: points that move,
# axes that grow, a style change, a box that shrinks. After each, Plotly's own
# copy (what it hovers and redraws from) and the drawn line hold the new data.
PLOT_UPDATES = """
async () => {
  /* LIB_PRELUDE */
  const x = Array.from({ length: 21 }, (_, i) => i);
  const zigzag = (scale) => x.map((i) => scale * (i % 2 ? 1 : 0.2) + i * 0.1);  // nothing collinear
  const state = { y: zigzag(1), yRange: [-1, 3], title: "first" };
  const spec = () => ({
    data: [{ type: "scatter", mode: "lines", x, y: state.y }],
    layout: { xaxis: { range: [0, 20] }, yaxis: { range: state.yRange }, title: { text: state.title } },
  });
  const { box, plot, remove } = await scratchPlot(spec);
  const line = () => box.querySelector(".scatterlayer path.js-line").getAttribute("d");
  const copyError = () => Math.max(...box.calcdata[0].map((point, i) => Math.abs(point.y - state.y[i])));
  const out = {};
  let before = line();
  state.y = zigzag(2);  // points only
  await plot.update();
  out.points = [copyError(), line() !== before];
  before = line();
  state.y = zigzag(5);  // points and axes that no longer fit them
  state.yRange = [-1, 7];
  await plot.update();
  out.ranges = [copyError(), line() !== before];
  out.yRange = box.layout.yaxis.range;
  state.y = zigzag(3);  // points and a style change
  state.title = "second";
  await plot.update();
  out.style = [copyError(), box.querySelector(".gtitle").textContent];
  box.style.width = "400px";  // the box resized: the plot is fitted to it
  while (box.querySelector(".main-svg").getBoundingClientRect().width !== 400) {
    await window.__frames(1);
  }
  out.resized = copyError();
  before = line();
  await plot.update();  // nothing changed: nothing redrawn
  out.unchanged = line() === before;
  remove();
  return out;
}
""".replace("/* LIB_PRELUDE */", LIB_PRELUDE)


@pytest.mark.browser
def test_plot_updates_draw_the_new_points(page, base_url):
    open_chapter(page, base_url, figures=["hero"])
    out = page.evaluate(PLOT_UPDATES)
    assert out["points"] == [0, True]
    assert out["ranges"] == [0, True] and out["yRange"] == [-1, 7]
    assert out["style"] == [0, "second"]
    assert out["resized"] == 0 and out["unchanged"]
    assert_clean(page)


# What follows an input but is not its answer (lib/dom.js afterAnswer): the first
# call runs at once, a burst runs once, in the next frame, with its newest value.
AFTER_ANSWER = """
async () => {
  /* LIB_PRELUDE */
  const [{ afterAnswer }, { disposer }] = await Promise.all([lib("dom"), lib("figure")]);
  const d = disposer();
  const runs = [];
  const later = afterAnswer((value) => runs.push(value), d);
  later("first");
  const atOnce = [...runs];
  later("second");
  later("third");
  const beforeFrame = [...runs];
  await window.__frames(2);
  d.run();
  return { atOnce, beforeFrame, runs };
}
""".replace("/* LIB_PRELUDE */", LIB_PRELUDE)


@pytest.mark.browser
def test_updates_after_the_answer_run_in_the_next_frame_with_the_newest(page, base_url):
    open_chapter(page, base_url, figures=["hero"])
    out = page.evaluate(AFTER_ANSWER)
    assert out["atOnce"] == out["beforeFrame"] == ["first"]
    assert out["runs"] == ["first", "third"]
    assert_clean(page)


@pytest.mark.browser
def test_plots_draw_their_current_data_after_every_kind_of_change(page, base_url):
    open_chapter(page, base_url)
    page.focus("#hero-epoch")
    for key in ["ArrowRight", "ArrowRight", "End", "Home", "PageUp"]:
        page.keyboard.press(key)
    for label in ["oscillate", "diverge", "crawl"]:
        page.check(f"#lr-sweep-run-{label}")
    hide = page.locator("#fig-loss-curve .wtwm-toggle")
    hide.click()
    hide.click()
    page.select_option("#knobs-wd", index=2)
    page.select_option("#knobs-p", index=1)
    page.click("#knobs-es")
    wait_for_plots_to_show_their_data(page, MINE)
    assert_clean(page)


@pytest.mark.browser
def test_before_the_answer_a_click_marks_a_guess_and_hides_the_turn(page, base_url):
    """Predict first: until #q-turn-epoch is answered, validation loss is drawn only
    up to the epoch shown, the turn is not marked, and a click on the loss chart
    writes the reader's guess into the question instead of choosing an epoch."""
    open_chapter(page, base_url, figures=["hero"])
    overfit = data("overfit")
    loss = gd(page, "hero", 1)
    assert page.evaluate(f"{loss}.data[1].x.length") == 1  # epoch 0 only
    assert page.evaluate(f"{loss}.data[0].x.length") == len(overfit["curves"]["epoch"])
    assert page.locator("#fig-hero text:has-text('memorising from here')").count() == 0
    hint = page.locator("#q-turn-epoch .wtwm-q-hint")
    expect(hint).to_be_visible()  # with scripts only (questions.css)
    area = page.locator("#fig-hero .wtwm-hero-loss .nsewdrag").bounding_box()
    page.mouse.click(area["x"] + area["width"] * 0.25, area["y"] + area["height"] / 2)
    guess = int(page.input_value("#q-turn-epoch input[type=number]"))
    assert abs(guess - overfit["curves"]["epoch"][-1] / 4) <= overfit["curves"]["epoch"][-1] / 50
    assert page.input_value("#hero-epoch") == "0"  # the epoch shown did not move
    expect(page.locator(f"#fig-hero text:has-text('your guess: epoch {guess}')")).to_have_count(1)
    caption = seen_text(page.locator("#fig-hero .wtwm-caption-state"))
    assert f"epoch {overfit['best_epoch']}" not in caption
    page.click("#q-turn-epoch .wtwm-q-check")  # the answer reveals the whole chart
    expect(page.locator("#fig-hero text:has-text('memorising from here')")).to_have_count(1)
    assert page.evaluate(f"{loss}.data[1].x.length") == len(overfit["curves"]["epoch"])
    assert page.locator("#fig-hero text:has-text('your guess')").count() == 0
    assert f"epoch {overfit['best_epoch']}" in seen_text(
        page.locator("#fig-hero .wtwm-caption-state")
    )
    assert_clean(page)


@pytest.mark.browser
def test_clicking_the_loss_chart_sets_the_epoch(page, base_url):
    open_chapter(page, base_url, figures=["hero"])
    page.fill("#q-turn-epoch input[type=number]", "100")  # answered: clicks choose epochs
    page.click("#q-turn-epoch .wtwm-q-check")
    area = page.locator("#fig-hero .wtwm-hero-loss .nsewdrag").bounding_box()
    page.mouse.click(area["x"] + area["width"] * 0.5, area["y"] + area["height"] / 2)
    epochs = data("overfit")["frames"]["epoch"]
    middle = epochs[-1] / 2
    index = int(page.input_value("#hero-epoch"))
    assert abs(epochs[index] - middle) <= max(b - a for a, b in pairwise(epochs))
    # Dragging across the chart scrubs: the epoch follows the pointer.
    page.mouse.move(area["x"] + 2, area["y"] + area["height"] / 2)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] * 0.9, area["y"] + 10, steps=5)
    page.mouse.up()
    assert epochs[int(page.input_value("#hero-epoch"))] > middle
    assert_clean(page)


@pytest.mark.browser
def test_play_advances_and_pause_stops(page, base_url):
    open_chapter(page, base_url, figures=["hero"])
    play = page.locator("#fig-hero .wtwm-play")
    assert play.get_attribute("aria-pressed") == "false"
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    page.wait_for_function("() => Number(document.querySelector('#hero-epoch').value) >= 5")
    play.click()
    assert play.get_attribute("aria-pressed") == "false"
    paused_at = page.input_value("#hero-epoch")
    wait_frames(page, 30)  # longer than play's step: nothing may move while paused
    assert page.input_value("#hero-epoch") == paused_at
    assert_clean(page)


@pytest.mark.browser
def test_reduced_motion_never_autoplays(new_page, base_url):
    page = new_page(reduced_motion="reduce")
    open_chapter(page, base_url, figures=["hero", "converge"])
    wait_frames(page, 30)
    for figure in ["hero", "converge"]:
        assert page.input_value(f"#{figure}-epoch") == "0"
        assert page.get_attribute(f"#fig-{figure} .wtwm-play", "aria-pressed") == "false"
    page.click("#fig-converge .wtwm-play")  # the reader may still press play
    page.wait_for_function("() => Number(document.querySelector('#converge-epoch').value) >= 2")
    page.click("#fig-converge .wtwm-play")
    assert_clean(page)


@pytest.mark.browser
def test_knobs_select_a_run_and_update_the_table(page, base_url):
    open_chapter(page, base_url, figures=["knobs"])
    regularisers = data("regularisers")
    table = page.locator("#fig-knobs .wtwm-knobs-table tbody")
    base = next(r for r in regularisers["runs"] if r["id"] == regularisers["baseline_id"])
    # It opens on the unregularised baseline: every knob off.
    assert not page.is_checked("#knobs-es")
    assert page.input_value("#knobs-wd") == "0" and page.input_value("#knobs-p") == "0"
    expect(table).to_contain_text(format(base["summary"]["test_loss"], ".3g"))
    before = table.inner_text()
    wd = regularisers["knobs"]["weight_decay"][-1]
    page.select_option("#knobs-wd", str(wd))
    run = next(
        r for r in regularisers["runs"]
        if not r["early_stopping"] and r["dropout"] == 0 and r["weight_decay"] == wd
    )  # fmt: skip
    assert page.evaluate(f"{gd(page, 'knobs')}.data[4].y") == run["y_hat"]
    kept = run["weight_norms"]["epoch"].index(run["summary"]["kept_epoch"])
    # The norms, the table and the code follow the fit and the curves one frame
    # later (afterAnswer).
    page.wait_for_function(
        f"(y) => {{ const n = {gd(page, 'knobs', 2)}.data[1].y;"
        " return n.length === y.length && n.every((v, i) => v === y[i]); }",
        arg=run["weight_norms"]["layers"][kept],
    )
    expect(table).to_contain_text(format(run["summary"]["test_loss"], ".3g"))
    assert table.inner_text() != before
    page.click("#fig-knobs .wtwm-knobs-code summary")  # the code panel opens on request
    code_box = page.locator("#fig-knobs .wtwm-knobs-code code")
    expect(code_box).to_contain_text(f"weight_decay = {wd!r}")
    code = code_box.inner_text()
    assert "dropout=0.0" in code and "patience = None" in code and "ExponentialLR" in code
    compile(code, "knobs code panel", "exec")  # what the reader copies is valid Python
    page.check("#knobs-es")
    expect(code_box).to_contain_text(f"patience = {regularisers['patience']}")
    assert "best_epoch >= patience" in code_box.inner_text()
    compile(code_box.inner_text(), "knobs code panel", "exec")
    # The norms are compared with the baseline at the epoch the run keeps.
    stopped = next(
        r for r in regularisers["runs"]
        if r["early_stopping"] and r["dropout"] == 0 and r["weight_decay"] == wd
    )  # fmt: skip
    epoch = stopped["summary"]["kept_epoch"]
    at = base["weight_norms"]["epoch"].index(epoch)
    assert page.evaluate(f"{gd(page, 'knobs', 2)}.data[0].y") == base["weight_norms"]["layers"][at]
    assert page.evaluate(f"{gd(page, 'knobs', 2)}.data[0].name") == "baseline, same epoch"
    assert f"It keeps epoch {epoch}," in seen_text(page.locator("#fig-knobs figcaption"))
    # The loss chart marks where this run stopped, from the data, and only while
    # early stopping is on (the mark moves with the run, it is not redrawn).
    label = page.locator("#fig-knobs .wtwm-knobs-curves .textpoint text")
    expect(label).to_have_text(f"stopped, epoch {stopped['summary']['stopped_epoch']}")
    page.uncheck("#knobs-es")
    expect(label).to_have_count(0)
    page.check("#knobs-es")
    expect(label).to_have_text(f"stopped, epoch {stopped['summary']['stopped_epoch']}")
    page.wait_for_function(
        "(wd) => location.search.includes(`knobs.weight_decay=${wd}`)"
        " && location.search.includes('knobs.early_stopping=1')",
        arg=wd,
    )
    assert_clean(page)


@pytest.mark.browser
def test_knobs_change_and_undo_leave_the_drawn_lines_of_the_setting_shown(page, base_url):
    """A change undone within the same task leaves the drawing (and Plotly's
    state) at the setting shown, not the undone one."""
    open_chapter(page, base_url, figures=["knobs"])
    drawn = (
        "() => [...document.querySelectorAll('#fig-knobs .wtwm-knobs-fit .scatterlayer .trace')][4]"
        ".querySelector('path.js-line').getAttribute('d')"
    )
    shown = page.evaluate(drawn)
    original = page.input_value("#knobs-p")
    page.evaluate(  # two changes within one task: no pause in between
        """(value) => { const p = document.querySelector('#knobs-p');
        p.value = '0.3'; p.dispatchEvent(new Event('change'));
        p.value = value; p.dispatchEvent(new Event('change')); }""",
        original,
    )
    wait_for_plots_to_show_their_data(page, "#fig-knobs")
    assert page.evaluate(drawn) == shown
    page.select_option("#knobs-p", "0.3")
    page.wait_for_function(f"(d) => ({drawn})() !== d", arg=shown)
    wait_for_plots_to_show_their_data(page, "#fig-knobs")
    assert_clean(page)


@pytest.mark.browser
def test_hover_labels_right_after_a_knob_change_show_the_new_setting(page, base_url):
    """A hover label right after a knob change reads the new setting's data."""
    open_chapter(page, base_url, figures=["knobs"])
    page.locator("#fig-knobs .wtwm-knobs-curves").scroll_into_view_if_needed()
    area = page.locator("#fig-knobs .wtwm-knobs-curves .nsewdrag").bounding_box()
    label = "() => document.querySelector('#fig-knobs .wtwm-knobs-curves .hoverlayer').textContent"

    def hover_label() -> str:
        page.mouse.move(area["x"] + area["width"] * 0.15, area["y"] + area["height"] / 2)
        expect(
            page.locator("#fig-knobs .wtwm-knobs-curves .hoverlayer .hovertext").first
        ).to_be_attached()
        text = page.evaluate(label)
        page.mouse.move(0, 0)
        return text

    before = hover_label()
    page.select_option("#knobs-wd", index=2)  # it opens on the baseline (index 0)
    at_once = hover_label()
    assert "this run" in at_once
    assert at_once != before
    assert_clean(page)


@pytest.mark.browser
def test_knobs_handle_a_missing_run(page, base_url):
    """A grid with a hole (a run that failed or was not computed) shows a message."""
    document = json.loads((ROOT / "docs" / "data" / "regularisers.json").read_text())
    runs = document["data"]["runs"]
    missing = next(
        r
        for r in runs
        if r["id"] not in (document["data"]["best_id"], document["data"]["baseline_id"])
    )
    document["data"]["runs"] = [r for r in runs if r is not missing]
    page.route("**/data/regularisers.json", lambda route: route.fulfill(json=document))
    open_chapter(page, base_url, figures=["knobs"])
    page.set_checked("#knobs-es", missing["early_stopping"])
    knobs = document["data"]["knobs"]
    page.select_option("#knobs-wd", index=knobs["weight_decay"].index(missing["weight_decay"]))
    page.select_option("#knobs-p", index=knobs["dropout"].index(missing["dropout"]))
    assert "not precomputed" in page.inner_text("#fig-knobs .wtwm-knobs-missing")
    assert page.evaluate(f"{gd(page, 'knobs')}.data[4].visible") is False
    expect(page.locator("#fig-knobs .wtwm-knobs-table tbody")).to_contain_text("—")
    assert_clean(page)


@pytest.mark.browser
def test_validation_toggle_hides_and_restores(page, base_url):
    open_chapter(page, base_url, figures=["loss-curve"])
    toggle = page.locator("#fig-loss-curve button.wtwm-toggle")
    caption = page.locator("#fig-loss-curve .wtwm-caption-state")
    shown = caption.inner_text()
    visible_traces = "document.querySelectorAll('#fig-loss-curve .scatterlayer .trace').length"
    assert page.evaluate(visible_traces) == 3
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.evaluate(visible_traces) == 1
    assert caption.inner_text() != shown and "hidden" in caption.inner_text()
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.evaluate(visible_traces) == 3
    assert caption.inner_text() == shown
    assert_clean(page)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pressed_toggle_looks_pressed_in_forced_colors(new_page, base_url, scheme):
    """Windows contrast themes repaint every button alike: without its own rule the
    pressed toggle (same label either way) changed 5 % of its pixels, a border tint."""
    page = new_page(scheme=scheme, forced_colors="active")
    open_chapter(page, base_url, figures=["loss-curve"])
    toggle = page.locator("#fig-loss-curve button.wtwm-toggle")

    def look() -> Image.Image:
        page.mouse.move(0, 0)  # no hover, no focus ring: the pressed state alone
        page.evaluate("document.activeElement.blur()")
        return Image.open(io.BytesIO(toggle.screenshot())).convert("L")

    before = look()
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    changed = sum(ImageChops.difference(before, look()).histogram()[32:])
    assert changed > 0.5 * before.width * before.height, (changed, before.size)
    assert_clean(page)


@pytest.mark.browser
def test_lr_sweep_selector_changes_the_path(page, base_url):
    open_chapter(page, base_url, figures=["lr-sweep"])
    runs = data("linear")["lr_sweep"]
    drawn_points = "#fig-lr-sweep .wtwm-lr-path .scatterlayer .trace:nth-child(2) path.point"
    for label in ["oscillate", "diverge"]:
        page.check(f"#lr-sweep-run-{label}")
        run = next(r for r in runs if r["label"] == label)
        finite = [w for w in run["w"] if w is not None]
        assert page.evaluate(f"{gd(page, 'lr-sweep', 1)}.data[1].x.length") == len(run["w"])
        # What Plotly computed and drew is the selected run, not the one before it.
        plotted = page.evaluate(f"{gd(page, 'lr-sweep', 1)}.calcdata[1].map((p) => p.x)")
        assert plotted == pytest.approx(finite) or plotted == pytest.approx(run["w"]), label
        assert page.locator(drawn_points).count() == len(finite), label
        assert label in page.inner_text("#fig-lr-sweep .wtwm-caption-state")
    assert_clean(page)


@pytest.mark.browser
def test_deep_link_restores_state(page, base_url):
    epochs = data("overfit")["frames"]["epoch"]
    regularisers = data("regularisers")
    wd = regularisers["knobs"]["weight_decay"][2]
    query = (
        f"?hero.epoch={epochs[30]}&knobs.early_stopping=1&knobs.weight_decay={wd}"
        "&knobs.dropout=0.2&loss-curve.val=hidden&lr-sweep.run=diverge&converge.epoch=40"
    )
    open_chapter(page, base_url, query)
    assert page.input_value("#hero-epoch") == "30"
    assert page.evaluate(f"{gd(page, 'hero', 1)}.data[2].x[0]") == epochs[30]
    assert page.is_checked("#knobs-es")
    assert float(page.input_value("#knobs-wd")) == wd
    assert float(page.input_value("#knobs-p")) == 0.2
    assert page.get_attribute("#fig-loss-curve button.wtwm-toggle", "aria-pressed") == "true"
    assert page.is_checked("#lr-sweep-run-diverge")
    converge_epochs = regularisers["converge"]["epoch"]
    assert converge_epochs[int(page.input_value("#converge-epoch"))] == min(
        converge_epochs, key=lambda e: abs(e - 40)
    )
    assert_clean(page)


@pytest.mark.browser
def test_knobs_links_made_with_the_old_keys_still_read(page, base_url):
    wd = data("regularisers")["knobs"]["weight_decay"][1]
    open_chapter(page, base_url, f"?knobs.es=1&knobs.wd={wd}&knobs.p=0.3", figures=["knobs"])
    assert page.is_checked("#knobs-es")
    assert float(page.input_value("#knobs-wd")) == wd
    assert float(page.input_value("#knobs-p")) == 0.3
    assert_clean(page)


@pytest.mark.browser
def test_copy_link_and_reset(new_page, base_url):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    open_chapter(page, base_url, figures=["hero"])
    page.focus("#hero-epoch")
    page.keyboard.press("End")
    page.click("#fig-hero button:has-text('Copy link')")
    page.wait_for_function(
        "() => document.querySelector('#fig-hero .wtwm-state-buttons .wtwm-status').textContent"
    )
    link = page.evaluate("navigator.clipboard.readText()")
    parts = urlsplit(link)
    epochs = data("overfit")["frames"]["epoch"]
    assert parse_qs(parts.query)["hero.epoch"] == [str(epochs[-1])] and parts.fragment == "fig-hero"
    page.click("#fig-hero button:has-text('Reset')")
    assert page.input_value("#hero-epoch") == "0"
    page.wait_for_function("() => !location.search.includes('hero.epoch')")
    assert_clean(page)


def plot_backgrounds(page) -> list[str]:
    # The inline style Plotly writes on each plot's SVG.
    return page.evaluate(
        "(mine) => [...document.querySelectorAll(`${mine} .js-plotly-plot .main-svg`)]"
        ".filter(s => s.style.background).map(s => s.style.backgroundColor)",
        MINE,
    )


@pytest.mark.browser
def test_theme_toggle_restyles_without_reload(page, base_url):
    open_chapter(page, base_url)
    page.evaluate("window.__samePage = true")
    light = plot_backgrounds(page)
    assert light and set(light) == {"rgb(255, 255, 255)"}
    toggle_scheme(page, "dark")
    page.wait_for_function(
        "(mine) => [...document.querySelectorAll(`${mine} .js-plotly-plot .main-svg`)]"
        ".filter(s => s.style.background).every(s => s.style.backgroundColor !== 'rgb(255, 255, 255)')",
        arg=MINE,
    )
    dark = plot_backgrounds(page)
    assert len(dark) == len(light) and set(dark) == {"rgb(30, 33, 41)"}
    assert page.evaluate("window.__samePage === true")
    grid = page.evaluate(f"{gd(page, 'hero', 1)}.layout.yaxis.gridcolor")
    assert grid == "#3a404d"
    assert_clean(page)


@pytest.mark.browser
def test_phone_width_no_overflow(new_page, base_url, scheme):
    page = new_page(scheme=scheme, width=360, height=780)
    open_chapter(page, base_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for figure in FIGURES:
        sticking_out = page.evaluate(
            """(id) => { const fig = document.getElementById(id).getBoundingClientRect();
            return [...document.getElementById(id).querySelectorAll('*')]
              .filter(n => !n.closest('pre, .main-svg, .md-typeset__scrollwrap'))
              .filter(n => { const r = n.getBoundingClientRect(); return r.width > 0 && (r.right > fig.right + 1 || r.left < fig.left - 1); })
              .map(n => n.tagName + '.' + n.className); }""",
            f"fig-{figure}",
        )
        assert sticking_out == [], (figure, sticking_out)
    # Tables fit too: mkdocs-material's 5rem header cells made the checkpoint
    # table scroll sideways at this width.
    page.locator("#fig-checkpoints").scroll_into_view_if_needed()
    assert tables_wider_than_their_box(page, "#fig-checkpoints table") == []
    assert_clean(page)


@pytest.mark.browser
def test_plots_refit_when_a_phone_turns(new_page, base_url):
    """A phone turned sideways (360 -> 740 px) and back, and a 1280 px screen at
    400 % zoom (320 px): every plot is drawn at its box's size, with its text, its
    legend above the data and no legend entry running into the next."""
    page = new_page(width=1280)
    open_chapter(page, base_url)
    for width in (360, 740, 320, 1280):
        page.evaluate("window.scrollTo(0, 0)")
        page.set_viewport_size({"width": width, "height": 800})
        for figure in FIGURES:  # as the reader scrolls down to each
            assert plot_defects_once_shown(page, figure) == [], width
    assert_clean(page)


PLOT_TEXT = f"""() => [...document.querySelectorAll('{MINE} .js-plotly-plot')].map((gd) =>
  [gd.closest('figure').id, parseFloat(gd.querySelector('.xtick text').style.fontSize), gd.clientHeight])"""


@pytest.mark.browser
def test_plot_text_follows_the_readers_text_size(new_page, base_url):
    """A reader whose browser's default text size is 32 px (200 %) gets plot text
    and plots that grow with it, as far as the plot's width holds its legend, and
    back again when the setting goes back to 16 px. Before, plot text stayed 13 px."""
    page = new_page(width=1280)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.enable")

    def text_size(px: int) -> None:
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": px, "fixed": px * 13 // 16}})

    def plots_as_shown() -> list:
        for figure in FIGURES:
            assert plot_defects_once_shown(page, figure) == [], figure
        return page.evaluate(PLOT_TEXT)

    text_size(32)
    open_chapter(page, base_url)
    large = plots_as_shown()
    page.fill("#q-turn-epoch input[type=number]", "100")  # answered: the turn is labelled
    page.click("#q-turn-epoch .wtwm-q-check")
    for _ in range(3):  # each update scales the spec's own sizes once, never again
        page.locator("#hero-epoch").press("ArrowRight")
    wait_for_plots_to_show_their_data(page, "#fig-hero")
    assert page.evaluate(
        f"(({{ font, annotations }}) => annotations[0].font.size / font.size)({gd(page, 'hero', 1)}.layout)"
    ) == pytest.approx(12 / 13)
    text_size(16)
    default = plots_as_shown()
    assert len(large) == len(default) == sum(PLOTS.values())
    assert {size for _, size, _ in default} == {13}
    for (figure, size, height), (_, _, default_height) in zip(large, default, strict=True):
        assert size >= 1.5 * 13 and height >= 1.9 * default_height, (figure, size, height)
    assert_clean(page)


@pytest.mark.browser
@pytest.mark.parametrize(("width", "text_px"), [(360, 16), (1280, 16), (1280, 32)])
def test_reserved_height_matches_the_drawn_figure(new_page, base_url, width, text_px):
    """Layout shift ~0: each stage's CSS min-height already equals its drawn height,
    the widgets' too (live), also for a reader whose default text size is 32 px:
    plot heights grow with it, and the heights reserved for them did not (the
    hero was drawn 342 px taller than reserved, the landscape 713)."""
    from tests.test_widgets_browser import LANDSCAPE, LAYER, open_widget

    page = new_page(width=width)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": text_px, "fixed": text_px * 13 // 16}})
    open_chapter(page, base_url)
    for widget in (LAYER, LANDSCAPE):
        open_widget(page, base_url, widget)
    for figure in [*FIGURES, "layer-widget", "loss-landscape"]:
        reserved, drawn = page.evaluate(
            "(id) => { const st = document.querySelector(`#${id} .wtwm-stage`);"
            " return [parseFloat(getComputedStyle(st).minHeight), st.querySelector('.wtwm-live').getBoundingClientRect().height]; }",
            f"fig-{figure}",
        )  # fmt: skip
        assert drawn <= reserved + 2, (figure, reserved, drawn)  # nothing below moves
        assert reserved - drawn <= (24 if figure in FIGURES else 40), (figure, reserved, drawn)
    assert_clean(page)


def count_resize_listeners(page) -> int:
    cdp = page.context.new_cdp_session(page)
    window = cdp.send("Runtime.evaluate", {"expression": "window"})["result"]["objectId"]
    listeners = cdp.send("DOMDebugger.getEventListeners", {"objectId": window})["listeners"]
    cdp.detach()
    return sum(1 for listener in listeners if listener["type"] == "resize")


@pytest.mark.browser
def test_instant_navigation_round_trips_leave_one_plot_per_figure(page, base_url):
    page.goto(base_url)
    page.evaluate("window.__samePage = true")
    baseline = None
    for _ in range(3):
        page.locator("article a[href*='chapter-01']").first.click()
        wait_for_page(page, base_url + "chapter-01/")
        for figure in FIGURES:
            show(page, figure)
            assert page.locator(f"#fig-{figure} .js-plotly-plot").count() == PLOTS[figure]
        assert page.locator(f"{MINE} .js-plotly-plot").count() == sum(PLOTS.values())
        assert page.evaluate("!!document.getElementById('plotly.js-style-global')")
        listeners = count_resize_listeners(page)
        baseline = listeners if baseline is None else baseline
        assert listeners == baseline, "resize listeners pile up across navigations"
        # the hero still works after the round trip
        before = prediction_path(page)
        page.focus("#hero-epoch")
        page.keyboard.press("End")
        page.wait_for_function("(d) => document.querySelectorAll('#fig-hero .wtwm-hero-fit .scatterlayer .trace')[3]"
                               ".querySelector('path.js-line').getAttribute('d') !== d", arg=before)  # fmt: skip
        page.locator(".md-header__title, a.md-header__button.md-logo").first.click()
        wait_for_page(page, base_url)
    assert page.evaluate("window.__samePage === true"), "navigation was a full page load"
    assert_clean(page)


@pytest.mark.browser
def test_leaving_before_the_figures_mount_is_clean(new_page, base_url):
    """First visit, straight back home: figures still importing must give up quietly."""
    for _ in range(3):
        page = new_page()
        page.goto(base_url)
        page.locator("article a[href*='chapter-01']").first.click()
        page.wait_for_url("**/chapter-01/**")
        page.go_back()
        page.wait_for_url(base_url)
        page.wait_for_load_state("networkidle")  # anything still loading has given up
        assert_clean(page)


@pytest.mark.browser
@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 360)])
def test_screenshots_for_review(new_page, base_url, scheme, width):
    """Every figure at a laptop's width in light and a phone's in dark, for review
    (test-artifacts/); the other two views are read by the geometry and axe tests."""
    page = new_page(scheme=scheme, width=width, height=900)
    open_chapter(page, base_url)
    page.add_style_tag(
        content=".md-header, .md-top { visibility: hidden !important; }"
    )  # not over figures
    ARTIFACTS.mkdir(exist_ok=True)
    for figure in [*FIGURES, "checkpoints"]:
        locator = page.locator(f"#fig-{figure}")
        locator.scroll_into_view_if_needed()
        locator.screenshot(path=str(ARTIFACTS / f"figure-{figure}-{scheme}-{width}.png"))
    # The hero before its question is answered, with the reader's guess marked.
    hero = page.locator("#fig-hero")
    hero.scroll_into_view_if_needed()
    area = page.locator("#fig-hero .wtwm-hero-loss .nsewdrag").bounding_box()
    page.mouse.click(area["x"] + area["width"] * 0.3, area["y"] + area["height"] / 2)
    page.mouse.move(0, 0)  # no hover label over the chart
    expect(page.locator("#fig-hero text:has-text('your guess')")).to_have_count(1)
    hero.screenshot(path=str(ARTIFACTS / f"figure-hero-guess-{scheme}-{width}.png"))
    assert_clean(page)


@pytest.mark.browser
@pytest.mark.parametrize("figure", list(data_figures()))
def test_a_link_to_a_figure_lands_on_it_drawn(page, base_url, figure):
    """Every data figure, found in the partials (a new one is tested without an edit):
    a link to it (what Copy link writes) opens on the figure, drawn from its data."""
    declared = data_figures()[figure]
    page.goto(f"{base_url}{declared['page']}#fig-{figure}")
    page.wait_for_function(
        "([id, n]) => { const plots = document.querySelectorAll(`#fig-${id} .js-plotly-plot`);"
        " return plots.length === n && [...plots].every((p) => p.querySelector('.main-svg')); }",
        arg=[figure, declared["plots"]],
    )
    page.wait_for_function(
        "(id) => { const top = document.getElementById(id)?.getBoundingClientRect().top;"
        " const end = scrollY + innerHeight >= document.documentElement.scrollHeight - 1;"
        " return top >= 0 && (top < 121 || (end && top < innerHeight)); }",  # or the page ends
        arg=f"fig-{figure}",
    )
    assert page.locator(f"#fig-{figure} .wtwm-fallback").is_hidden()
    assert page.locator(f"#fig-{figure} .wtwm-error").count() == 0
    assert_clean(page)
