"""Hero figure speed: input-to-paint while scrubbing, and the chapter's first bytes.

    python -m benchmarks.bench_hero [--steps 150]

1. Scrubbing latency: real (trusted) slider input from the keyboard (paced like
   key auto-repeat, then taps 100-250 ms apart) and from a mouse drag (paced like a
   60 Hz pointer); for each
   `input` event, the time from the event's timestamp to the
   end of the next rendered frame (a requestAnimationFrame registered after the
   figure's own, then a message-channel task, which runs once that frame is done).
   Reports median and 95th percentile. The knob controls: each change to the next
   frame (selects changed by a page script, the checkbox clicked, 150-300 ms
   apart). For reference, the same inputs on a bare slider (its only work:
   writing its value once per frame) placed on the chapter page and on an empty
   page, and on bare selects and a checkbox placed above the knobs.
2. Transferred bytes of the chapter page as loaded at the top with the hero in
   view (scrolled to it where the fonts push it below the fold), before any widget
   starts Python (asserted: no Pyodide file is requested), served gzip-compressed
   the way static hosts do (benchmarks/serve.py). Wire bytes include headers.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections import defaultdict

from benchmarks.serve import built_and_served
from benchmarks.throttle import throttle
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT

KEY_REPEAT_MS = 33  # a held arrow key repeats about 30 times a second
# A reader tapping an arrow key, one step at a time, at an uneven pace. Not a fixed
# 100 ms: Chromium's navigation predictor looks at the links in view 100 ms after
# a frame that changed layout and renders a frame of its own then, so metronomic
# 100 ms taps all landed on that frame and waited for the next vsync (landscape
# widget: 0-21 of 50 taps over 10 ms, run to run; with the feature switched off,
# --disable-features=NavigationPredictor, 1-3).
KEY_TAP_MS = (100, 250)
POINTER_MS = 16  # pointer moves arrive about once per 60 Hz frame
_PAUSES = random.Random(0)  # the same uneven pace on every run
# For each `type` event on the controls matching `selector`: the time from the
# event's timestamp to the end of the next rendered frame.
PROBE = """
([selector, type]) => {
  window.__latencies = [];
  for (const control of document.querySelectorAll(selector)) {
    control.addEventListener(type, (event) => {
      const start = event.timeStamp;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => window.__latencies.push(performance.now() - start);
        channel.port2.postMessage(null);
      });
    });
  }
}
"""
# The reference: a plain slider whose only work is writing its value into an
# <output> once per frame. What it measures is the page's own cost per frame.
BARE_SLIDER = """
(before) => {
  const slider = Object.assign(document.createElement('input'),
    { type: 'range', id: 'bench-bare', min: 0, max: 300, value: 0 });
  slider.style.width = '600px';
  const output = document.createElement('output');
  (before ? document.querySelector(before) : document.body.lastChild).before(slider, output);
  let frame = 0;
  slider.addEventListener('input', () => {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; output.textContent = slider.value; });
  });
}
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(times: list[float]) -> dict:
    """Median, 95th percentile and max (ms) of input-to-paint times, and their count."""
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "n": len(times),
    }


def open_hero(browser, base_url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "chapter-01/")
    page.locator("#fig-hero").scroll_into_view_if_needed()  # below the fold on some fonts
    page.wait_for_function(
        "() => document.querySelectorAll('#fig-hero .js-plotly-plot').length === 2"
        " && [...document.querySelectorAll('#fig-hero .js-plotly-plot')].every(p => p._fullLayout)"
    )
    return page


def key_presses(page, key: str, count: int, pause_ms: int | tuple[int, int]) -> None:
    """Presses `key` count times, pause_ms apart, or a pause drawn from (low, high)."""
    for _ in range(count):
        page.keyboard.press(key)
        page.wait_for_timeout(pause_ms if isinstance(pause_ms, int) else _PAUSES.uniform(*pause_ms))


def slider_latency(page, slider_id: str, steps: int) -> dict[str, list[float]]:
    """Keyboard presses (held key, then taps) and a pointer drag on one slider;
    latencies per input event."""
    page.evaluate(PROBE, [f"#{slider_id}", "input"])
    page.focus(f"#{slider_id}")
    page.keyboard.press("Home")
    page.wait_for_timeout(300)
    page.evaluate("window.__latencies.splice(0)")
    key_presses(page, "ArrowRight", steps, KEY_REPEAT_MS)  # one input event per key
    page.wait_for_timeout(300)
    keyboard = page.evaluate("window.__latencies.splice(0)")
    # Taps land while the page is idle; a held key's repeats follow frames closely,
    # and Chromium then waits for the next vsync tick (see the reference rows).
    key_presses(page, "ArrowLeft", min(steps, 60), KEY_TAP_MS)
    page.wait_for_timeout(300)
    taps = page.evaluate("window.__latencies.splice(0)")
    box = page.locator(f"#{slider_id}").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 4, y)
    page.mouse.down()
    for i in range(steps):  # drag: the pointer sweeps the track, as a reader scrubs
        page.mouse.move(box["x"] + 4 + (box["width"] - 8) * (i + 1) / steps, y)
        page.wait_for_timeout(POINTER_MS)
    page.mouse.up()
    page.wait_for_timeout(300)
    drag = page.evaluate("window.__latencies.splice(0)")
    errors = page.evaluate("window.__cspViolations ?? []")
    if errors:
        sys.exit(f"CSP violations while scrubbing: {errors}")
    return {"held key": keyboard, "key taps": taps, "drag": drag}


def scrub_latency(
    browser, base_url: str, steps: int, cpu_throttle: float = 1
) -> dict[str, list[float]]:
    page = open_hero(browser, base_url)
    throttle(page, cpu_throttle)
    latencies = slider_latency(page, "hero-epoch", steps)
    page.close()
    return latencies


def reference_latency(
    browser, base_url: str, steps: int, cpu_throttle: float = 1
) -> dict[str, list[float]]:
    """The same inputs on a bare slider: above the hero on the chapter page, and on
    an empty page. The difference to the hero is what the figure itself costs."""
    out = {}
    for name, before in [("chapter", "#fig-hero"), ("empty", None)]:
        page = (
            open_hero(browser, base_url)
            if before
            else browser.new_page(viewport={"width": 1280, "height": 900})
        )
        if not before:
            page.set_content("<!doctype html><title>bare</title><body><p></p></body>")
        page.evaluate(BARE_SLIDER, before)
        throttle(page, cpu_throttle)
        for kind, values in slider_latency(page, "bench-bare", steps).items():
            out[f"bare {kind}, {name}"] = values
        page.close()
    return out


# The reference for the knobs: two bare selects and a checkbox whose only work is
# writing the new value into an <output>, placed just above the knobs figure.
BARE_KNOBS = """
() => {
  const box = document.createElement('div');
  box.id = 'bench-bare-knobs';
  const output = document.createElement('output');
  const check = Object.assign(document.createElement('input'), { type: 'checkbox' });
  check.addEventListener('change', () => { output.textContent = String(check.checked); });
  box.append(check, output);
  for (let k = 0; k < 2; k += 1) {
    const select = document.createElement('select');
    select.setAttribute('aria-label', `bare select ${k}`);
    for (let i = 0; i < 6; i += 1) select.append(new Option(`option ${i}`, String(i)));
    select.addEventListener('change', () => { output.textContent = select.value; });
    box.append(select);
  }
  document.querySelector('#fig-knobs').before(box);
}
"""
CLICK_PRESS_MS = 80  # a mouse button held as long as a reader's click holds it
KNOB_PAUSE_MS = (150, 300)  # a reader picks an option or ticks a box a few times a second
# What the browser does once the reader has picked the next option of a <select>.
NEXT_OPTION = """
([root, index]) => {
  const select = document.querySelectorAll(`${root} select`)[index];
  select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
  select.dispatchEvent(new Event("input", { bubbles: true }));
  select.dispatchEvent(new Event("change", { bubbles: true }));
}
"""


def knob_latency(
    browser, base_url: str, cpu_throttle: float, rounds: int = 20
) -> dict[str, list[float]]:
    """Each knob change to the next frame; then the same on bare controls above the
    figure. Each select moves to its next option from a page script, as the browser
    changes it once the reader has picked one (Playwright's select_option renders
    frames of its own while it checks the element, and the change then waited for
    the next vsync); the early-stopping checkbox takes a real mouse click. Changes
    come KNOB_PAUSE_MS apart, a reader's pace: 50 ms apart they landed on the
    figure's trailing work (the table and code that follow the plots, afterAnswer),
    and 14-22 of 60 took over 10 ms, against 1-3 at 150 ms (all by page script).

    A click holds the button CLICK_PRESS_MS: with none, the frame for mousedown's
    focus ring and the frame for the change come back to back and the second waits
    for the next vsync tick (a bare checkbox then measured 12.3-12.9 ms median)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "chapter-01/#three-knobs")
    page.locator("#fig-knobs").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelectorAll('#fig-knobs .js-plotly-plot').length >= 2"
    )
    page.evaluate(BARE_KNOBS)
    page.evaluate(
        PROBE,
        ["#fig-knobs select, #fig-knobs input[type=checkbox], #bench-bare-knobs > *", "change"],
    )
    throttle(page, cpu_throttle)
    out = {}
    for name, root in [("knobs", "#fig-knobs"), ("bare knobs, chapter", "#bench-bare-knobs")]:
        checkbox = page.locator(f"{root} input[type=checkbox]").first
        checkbox.evaluate("(e) => e.scrollIntoView({ block: 'center' })")  # not under the header
        box = checkbox.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        selects = page.locator(f"{root} select").count()
        for _ in range(rounds):
            for index in range(selects):
                page.evaluate(NEXT_OPTION, [root, index])
                page.wait_for_timeout(_PAUSES.uniform(*KNOB_PAUSE_MS))
            page.mouse.down()
            page.wait_for_timeout(CLICK_PRESS_MS)
            page.mouse.up()
            page.wait_for_timeout(_PAUSES.uniform(*KNOB_PAUSE_MS))
        page.wait_for_timeout(300)
        out[name] = page.evaluate("window.__latencies.splice(0)")
        if len(out[name]) != rounds * (selects + 1):  # a click that missed the checkbox
            sys.exit(f"{name}: {len(out[name])} changes seen, {rounds * (selects + 1)} made")
    page.close()
    return out


def first_load_bytes(browser, base_url: str) -> tuple[int, dict[str, int], list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(base_url + "chapter-01/")
    page.wait_for_load_state("networkidle")
    page.locator("#fig-hero").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelectorAll('#fig-hero .js-plotly-plot').length === 2"
    )
    page.wait_for_timeout(1000)
    page.wait_for_load_state("networkidle")
    by_kind: dict[str, int] = defaultdict(int)
    urls = []
    for request in responses:
        sizes = request.sizes()
        wire = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        urls.append(request.url)
        name = request.url.split("?")[0]
        kind = next(
            (k for k in ("vendor/plotly", "vendor/katex", "data/", "assets/javascripts", "assets/stylesheets",
                         "assets/js", "assets/css", "chapter-01/") if k in name),
            "other",
        )  # fmt: skip
        by_kind[kind] += wire
    context.close()
    return sum(by_kind.values()), dict(by_kind), urls


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=150, help="slider steps per input kind")
    parser.add_argument("--cpu-throttle", type=float, default=1, help="4 = a mid-range phone")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with built_and_served() as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        latencies = scrub_latency(browser, base_url, args.steps, args.cpu_throttle)
        latencies.update(knob_latency(browser, base_url, args.cpu_throttle))
        reference = reference_latency(browser, base_url, args.steps, args.cpu_throttle)
        total, by_kind, urls = first_load_bytes(browser, base_url)
        browser.close()
    print(
        f"Hero scrubbing and knobs: input event -> end of the next rendered frame (ms), CPU {args.cpu_throttle:g}x"
    )
    hero = latencies["held key"] + latencies["key taps"] + latencies["drag"]
    rows = {kind: summary(values) for kind, values in [*latencies.items(), ("hero all", hero), *reference.items()]}  # fmt: skip
    for kind, row in rows.items():
        print(f"  {kind:21} n={row['n']:4}  median {row['median_ms']:6.1f}"
              f"  p95 {row['p95_ms']:6.1f}  max {row['max_ms']:6.1f}")  # fmt: skip
    target = ROOT / "bench" / "results" / f"hero-cpu{args.cpu_throttle:g}x.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps({"input_to_paint": rows, "cpu_throttle": args.cpu_throttle}, indent=2) + "\n"
    )
    pyodide = [url for url in urls if "pyodide" in url]
    print(
        f"Chapter page at the top with the hero drawn, before Python (gzip as served): {total / 1024:.0f} KB in {len(urls)} requests"
    )
    for kind, size in sorted(by_kind.items(), key=lambda item: -item[1]):
        print(f"  {kind:20} {size / 1024:7.1f} KB")
    if pyodide:
        sys.exit(f"Pyodide was requested before any widget needed it: {pyodide}")
    print("  (no Pyodide file requested)")


if __name__ == "__main__":
    main()
