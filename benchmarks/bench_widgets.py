"""Speed of the live NumPy widgets, measured in headless Chromium (not a test).

    python -m benchmarks.bench_widgets [--runs 3] [--samples 100]

- cold: a fresh browser context (empty cache) opens the chapter at the widget's
  section; time from navigation start to the widget's first drawn Python result;
- input to paint, three ways of moving a control:
  - "held key": real key presses on the focused slider, paced like key auto-repeat,
    and "key taps": the same key tapped 100-250 ms apart;
  - drag: a real pointer sweeping the slider's track, paced like a 60 Hz pointer;
  - jump: the value set far from the last one (`input` dispatched) each time, so
    nothing computed ahead can be used: the full Python round trip every time;
  for each input event, the time from its timestamp until the frame that shows a
  draw at least that new has been rendered (the widget says when it has drawn,
  `wtwm:drawn`, and whether inside a requestAnimationFrame callback; a message
  posted from the callback of the frame that renders the draw is delivered once
  that frame's rendering is done). A <select> (the activation) is jumped only;
- for comparison: the jump protocol on a bare slider, and the bare Python round
  trip (postMessage to the worker and back).

Prints a table and writes bench/results/widgets.json. The pytest suite never runs
this file (its name does not start with test_).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics

from benchmarks.bench_hero import KEY_REPEAT_MS, KEY_TAP_MS, key_presses, summary
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
# Moves a slider (or changes a <select>) `samples` times and times each input to
# the paint that shows it.
INPUT_TO_PAINT = """
async ([selector, control, samples]) => {
  const figure = document.querySelector(selector);
  const slider = figure.querySelector(`[data-control=${control}] input[type=range]`);
  const select = figure.querySelector(`[data-control=${control}] select`);
  const afterPaint = () => new Promise((resolve) => {
    figure.addEventListener("wtwm:drawn", (event) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      // Drawn inside a frame callback: that frame renders next. Drawn outside: the
      // next frame renders it, so wait for that frame to start first.
      if (event.detail.inFrame) channel.port2.postMessage(0);
      else requestAnimationFrame(() => channel.port2.postMessage(0));
    }, { once: true });
  });
  const times = [];
  for (let i = 0; i < samples; i += 1) {
    const painted = afterPaint();
    const t0 = performance.now();
    if (select) {  // a <select>: the next option
      select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    } else {  // a slider: spread over its range
      const [lo, hi] = [Number(slider.min), Number(slider.max)];
      slider.value = String(lo + ((hi - lo) * ((i * 37) % 100 + 1)) / 102);
      slider.dispatchEvent(new Event("input", { bubbles: true }));
    }
    times.push((await painted) - t0);
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 17));
  }
  return times;
}
"""
# The reference for jumps: the same protocol on a bare slider above the layer
# widget, whose only work is writing its value into an <output>. Jumps paced
# 20-37 ms apart often land while the compositor is still producing frames, and
# then wait for the next vsync tick whatever the page does.
BARE_JUMPS = """
async (samples) => {
  const slider = Object.assign(document.createElement("input"), { type: "range", min: 0, max: 300, value: 0 });
  slider.setAttribute("aria-label", "bare slider");
  const output = document.createElement("output");
  document.querySelector("#fig-layer-widget").before(slider, output);
  slider.addEventListener("input", () => { output.textContent = slider.value; });
  const times = [];
  for (let i = 0; i < samples; i += 1) {
    const painted = new Promise((resolve) => requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(0);
    }));
    const t0 = performance.now();
    slider.value = String(3 * ((i * 37) % 100 + 1));
    slider.dispatchEvent(new Event("input", { bubbles: true }));
    times.push((await painted) - t0);
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 17));
  }
  slider.remove();
  output.remove();
  return times;
}
"""
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
        throttle(page, cpu_throttle)
        # Ten descent steps taken, so every landscape input redraws a real path.
        page.goto(f"{base_url}chapter-01/?landscape.steps=10#layer-widget")
        for name, control in SLIDERS:
            selector = WIDGETS[name][0]
            page.locator(selector).scroll_into_view_if_needed()
            page.wait_for_selector(f"{selector}[data-live=true]", timeout=120_000)
            page.evaluate(INPUT_TO_PAINT, [selector, control, 10])  # warm up
            times = page.evaluate(INPUT_TO_PAINT, [selector, control, samples])
            results["input_to_paint"][f"{name}.{control}.jump"] = summary(times)
            if control == "activation":
                continue
            page.evaluate(PAINT_PROBE, selector)
            slider = page.locator(f"{selector} [data-control={control}] input[type=range]")
            slider.evaluate(
                "(el) => el.scrollIntoView({ block: 'center' })"
            )  # clear of the sticky header
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
        page.locator(WIDGETS["layer"][0]).scroll_into_view_if_needed()
        results["input_to_paint"]["bare jump, chapter"] = summary(
            page.evaluate(BARE_JUMPS, samples)
        )
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
    trip = results["python_round_trip"]
    print(
        f"Python round trip (layer forward): median {trip['median_ms']} ms, p95 {trip['p95_ms']} ms"
    )
    load = results["load_average"]
    print(f"load average {load['before']:.1f} -> {load['after']:.1f} on {load['cpus']} CPUs")
    print(f"written to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
