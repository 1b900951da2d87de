"""Speed of the live NumPy widgets, measured in headless Chromium (not a test).

    python -m benchmarks.bench_widgets [--runs 3] [--samples 100]

- cold: a fresh browser context (empty cache) opens the chapter at the widget's
  section; time from navigation start to the widget's first drawn Python result;
- input to paint, three ways of moving a control:
  - "held key": real key presses on the focused slider, paced like key auto-repeat,
    and "key taps": the same key tapped 100-250 ms apart;
  - drag: a real pointer sweeping the slider's track, paced like a 60 Hz pointer;
  - jump: a real click on the track, at a point far from the last one, clicks
    KNOB_PAUSE_MS apart (a reader's pace), the button held CLICK_PRESS_MS. Each
    click is one Python round trip (lib/live.js); the report also gives how long
    the worker is busy after one click;
  for each input event, the time from its timestamp until the frame that shows a
  draw at least that new has been rendered (the widget says when it has drawn,
  `wtwm:drawn`, and whether inside a requestAnimationFrame callback; a message
  posted from the callback of the frame that renders the draw is delivered once
  that frame's rendering is done). A <select> (the activation) moves to its next
  option only, from a page script, as in the knobs benchmark (bench_hero);
- for comparison: the clicks on a bare slider, and the bare Python round trip
  (postMessage to the worker and back).

Prints a table and writes bench/results/widgets.json. The pytest suite never runs
this file (its name does not start with test_).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics

from benchmarks.bench_hero import (
    BARE_SLIDER,
    CLICK_PRESS_MS,
    KEY_REPEAT_MS,
    KEY_TAP_MS,
    KNOB_PAUSE_MS,
    NEXT_OPTION,
    PROBE,
    key_presses,
    summary,
)
from benchmarks.serve import built_and_served
from benchmarks.throttle import throttle
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT

WIDGETS = {"layer": ("#fig-layer-widget", "layer-widget"), "landscape": ("#fig-loss-landscape", "loss-landscape")}  # fmt: skip
SLIDERS = [("layer", "w"), ("layer", "activation"), ("landscape", "lr"), ("landscape", "b")]
POINTER_MS = 16
# Records, for every input event in the figure, the time until the end of the
# frame that renders the next draw.
PAINT_PROBE = """
(selector) => {
  const figure = document.querySelector(selector);
  window.__latencies = [];
  if (figure.dataset.paintProbe) return; // once per figure: each input counted once
  figure.dataset.paintProbe = "on";
  let waiting = [];
  figure.addEventListener("input", (event) => waiting.push(event.timeStamp), true);
  figure.addEventListener("wtwm:drawn", (event) => {
    const started = waiting;
    waiting = [];
    if (!started.length) return;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const now = performance.now();
      for (const t of started) window.__latencies.push(now - t);
    };
    if (event.detail.inFrame) channel.port2.postMessage(0);
    else requestAnimationFrame(() => channel.port2.postMessage(0));
  });
}
"""
RECORD_LIVE = """
window.__live = {};
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longTasks.push([entry.startTime, entry.duration]);
}).observe({ type: "longtask", buffered: true });
document.addEventListener("wtwm:drawn", (event) => {
  const el = event.target;
  if (el.dataset.live === "true" && !(el.id in window.__live)) window.__live[el.id] = performance.now();
}, true);
"""
LONGEST_TASK_WHILE_BOOTING = """() => {
  const worker = performance.getEntriesByType("resource").find((r) => r.name.endsWith("python-worker.js"));
  const tasks = window.__longTasks.filter(([start]) => start >= worker.startTime);
  return Math.max(0, ...tasks.map(([, duration]) => duration));
}"""
# Records when the page asks the Python worker for something and when it answers:
# how long the computing after one input goes on.
WORKER_LOG = """
window.__worker = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (!this.__logged) {
    this.__logged = true;
    this.addEventListener("message", () => window.__worker.push(performance.now()));
  }
  if (message?.type === "call") window.__worker.push(performance.now());
  return post.call(this, message, ...rest);
};
"""
_PAUSES = random.Random(1)  # the same uneven pace on every run
ROUND_TRIP = """
async (samples) => {
  const { callPython } = await import(new URL("assets/js/lib/python.js", document.baseURI.replace(/chapter-01\\/.*$/, "")).href);
  const times = [];
  for (let i = 0; i < samples; i += 1) {
    const t0 = performance.now();
    await callPython("layer_forward", "forward", { x: 1, w: (i % 50) / 20, b: 0, activation: "tanh" });
    times.push(performance.now() - t0);
  }
  return times;
}
"""


def cold_start(browser, base_url: str, selector: str, section: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(RECORD_LIVE)
        page.goto(f"{base_url}chapter-01/#{section}")
        page.wait_for_selector(f"{selector}[data-live=true]", timeout=120_000)
        live_ms = page.evaluate("(id) => window.__live[id]", selector[1:])
        status = page.locator(f"{selector} .wtwm-python-status").inner_text()
        # Main-thread long tasks from the moment the Python worker is requested (the
        # earlier ones are the page's own: Plotly's evaluation, the other figures).
        longest = page.evaluate(LONGEST_TASK_WHILE_BOOTING)
        return {"live_ms": round(live_ms), "status": status, "longest_task_ms": round(longest)}
    finally:
        context.close()


def click_track(page, slider, clicks: int) -> None:
    """Clicks on the slider's track, each 37 % of the track from the last (wrapping)."""
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    for i in range(clicks):
        page.mouse.move(box["x"] + box["width"] * ((i * 37) % 100 + 1) / 102, y)
        page.mouse.down()
        page.wait_for_timeout(CLICK_PRESS_MS)
        page.mouse.up()
        page.wait_for_timeout(_PAUSES.uniform(*KNOB_PAUSE_MS))


def computing_after_one_click(page, slider) -> float:
    """ms from one click on the track (at 90 %) to the worker's last answer to the
    calls it set off: the round trip, then the rest of the slider's range."""
    page.wait_for_timeout(1000)
    page.evaluate("window.__worker.length = 0")
    box = slider.bounding_box()
    page.mouse.click(box["x"] + 0.9 * box["width"], box["y"] + box["height"] / 2)
    seen = -1
    while seen != (seen := page.evaluate("window.__worker.length")):
        page.wait_for_timeout(500)  # quiet for 500 ms: done
    return round(page.evaluate("window.__worker.at(-1) - window.__worker[0]"))


def measure(base_url: str, runs: int, samples: int, cpu_throttle: float = 1) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict = {"cold": {}, "input_to_paint": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, (selector, section) in WIDGETS.items():
            cold = [cold_start(browser, base_url, selector, section) for _ in range(runs)]
            results["cold"][name] = {
                "runs_ms": [run["live_ms"] for run in cold],
                "median_ms": statistics.median(run["live_ms"] for run in cold),
                "python_status": [run["status"] for run in cold],
                "longest_task_while_python_boots_ms": max(run["longest_task_ms"] for run in cold),
            }
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.add_init_script(WORKER_LOG)
        throttle(page, cpu_throttle)
        # Ten descent steps taken, so every landscape input redraws a real path.
        page.goto(f"{base_url}chapter-01/?landscape.steps=10#layer-widget")
        for name, control in SLIDERS:
            selector = WIDGETS[name][0]
            page.locator(selector).scroll_into_view_if_needed()
            page.wait_for_selector(f"{selector}[data-live=true]", timeout=120_000)
            page.evaluate(PAINT_PROBE, selector)
            if control == "activation":
                for _ in range(samples // 2):
                    page.evaluate(NEXT_OPTION, [f"{selector} [data-control={control}]", 0])
                    page.wait_for_timeout(_PAUSES.uniform(*KNOB_PAUSE_MS))
                page.wait_for_timeout(500)
                changes = page.evaluate("window.__latencies.splice(0)")
                results["input_to_paint"][f"{name}.{control}.jump"] = summary(changes)
                continue
            slider = page.locator(f"{selector} [data-control={control}] input[type=range]")
            slider.evaluate(
                "(el) => el.scrollIntoView({ block: 'center' })"
            )  # clear of the sticky header
            results.setdefault("computing_after_one_click_ms", {})[f"{name}.{control}"] = (
                computing_after_one_click(page, slider)
            )
            page.evaluate("window.__latencies.splice(0)")
            click_track(page, slider, samples // 2)
            page.wait_for_timeout(500)
            jumps = page.evaluate("window.__latencies.splice(0)")
            results["input_to_paint"][f"{name}.{control}.jump"] = summary(jumps)
            page.wait_for_timeout(300)
            slider.focus()
            for kind, presses, pause_ms in [("held key", samples // 2, KEY_REPEAT_MS),
                                            ("key taps", samples // 4, KEY_TAP_MS)]:  # fmt: skip
                key_presses(page, "ArrowRight", presses, pause_ms)
                key_presses(page, "ArrowLeft", presses, pause_ms)
                page.wait_for_timeout(500)
                latencies = page.evaluate("window.__latencies.splice(0)")
                results["input_to_paint"][f"{name}.{control}.{kind}"] = summary(latencies)
            box = slider.bounding_box()
            y = box["y"] + box["height"] / 2
            page.mouse.move(box["x"] + 4, y)
            page.mouse.down()
            for i in range(samples):  # across the middle half of the track
                page.mouse.move(box["x"] + box["width"] * (0.25 + 0.5 * (i + 1) / samples), y)
                page.wait_for_timeout(POINTER_MS)
            page.mouse.up()
            page.wait_for_timeout(500)
            drag = page.evaluate("window.__latencies.splice(0)")
            results["input_to_paint"][f"{name}.{control}.drag"] = summary(drag)
        page.evaluate(BARE_SLIDER, WIDGETS["layer"][0])
        page.evaluate(PROBE, ["#bench-bare", "input"])
        bare = page.locator("#bench-bare")
        bare.evaluate("(el) => el.scrollIntoView({ block: 'center' })")
        click_track(page, bare, samples // 2)
        page.wait_for_timeout(300)
        jumps = page.evaluate("window.__latencies.splice(0)")
        results["input_to_paint"]["bare jump, chapter"] = summary(jumps)
        results["python_round_trip"] = summary(page.evaluate(ROUND_TRIP, samples))
        context.close()
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="cold page loads per widget")
    parser.add_argument("--samples", type=int, default=100, help="slider inputs per widget")
    parser.add_argument("--cpu-throttle", type=float, default=1, help="4 = a mid-range phone")
    args = parser.parse_args()
    with built_and_served() as base_url:  # gzip, as static hosts serve it
        load_before = os.getloadavg()[0]
        results = measure(base_url, args.runs, args.samples, args.cpu_throttle)
        results["cpu_throttle"] = args.cpu_throttle
    # Timings scale with how busy the machine is: keep the 1-minute load average.
    results["load_average"] = {
        "before": load_before,
        "after": os.getloadavg()[0],
        "cpus": os.cpu_count(),
    }
    target = ROOT / "bench" / "results" / f"widgets-cpu{args.cpu_throttle:g}x.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2) + "\n")
    for name, cold in results["cold"].items():
        longest = cold["longest_task_while_python_boots_ms"]
        print(f"cold, page load to {name} live: median {cold['median_ms']} ms, runs {cold['runs_ms']}; "
              f"longest main-thread task while Python boots {longest} ms")  # fmt: skip
    for name, paint in results["input_to_paint"].items():
        print(f"input to paint, {name}: median {paint['median_ms']} ms, p95 {paint['p95_ms']} ms, "
              f"max {paint['max_ms']} ms, n {paint['n']}")  # fmt: skip
    for name, ms in results["computing_after_one_click_ms"].items():
        print(f"computing after one click on {name}'s track: {ms} ms")
    trip = results["python_round_trip"]
    print(
        f"Python round trip (layer forward): median {trip['median_ms']} ms, p95 {trip['p95_ms']} ms"
    )
    load = results["load_average"]
    print(f"load average {load['before']:.1f} -> {load['after']:.1f} on {load['cpus']} CPUs")
    print(f"written to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
