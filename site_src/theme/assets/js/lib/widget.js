// What both live widgets share around their own drawing: the state (defaults,
// then the URL), the Python status line, one liveUpdate loop, dimming while Python
// boots, Copy link / Reset, and the fallback that keeps the starting values when
// Python cannot start here. A widget supplies its controls and render(result);
// this module keeps the bookkeeping the tests and benchmarks read: data-current
// (the drawn result matches the controls), data-live (Python computed it),
// data-renders, and a `wtwm:drawn` event after every draw.
import { cut, pythonStatus } from "./controls.js";
import { setText, stateButtons, steadyText } from "./dom.js";
import { liveUpdate } from "./live.js";
import { PythonError, startPythonWhenNear } from "./python.js";

// el: the figure; state: its starting values (mutated in place); keys: the state
// keys a result must match; controls: {key: control} for the keys that have one;
// compute: as in liveUpdate; render(result, current):
// draws a result; onStop(): called before Reset, on Python errors and on fallback.
export function liveWidget({ el, d, prefix, initial, state, keys, controls, compute, render, onStop = () => {} }) {
  const { defaults } = initial;
  let shown = initial.result; // what the plot and readout show now
  let live = false; // true once Python has computed something on this page
  let failed = false; // Python cannot start here: keep the starting state
  let pythonReady = false;
  const computedBy = (engine) => `Computed by ${engine} in your browser.`;
  const status = pythonStatus(d);
  const note = steadyText("p", { class: "wtwm-widget-note", "aria-live": "polite" }, [computedBy("NumPy 10.10.10")]);
  const buttons = stateButtons({
    el,
    prefix,
    d,
    getState: () => Object.fromEntries(Object.entries(state).filter(([k, v]) => v !== defaults[k])),
    reset: () => {
      onStop();
      change(defaults, { syncControls: true });
    },
  });
  const matches = (values) => keys.every((key) => state[key] === values[key]);
  const update = liveUpdate({
    d,
    compute,
    draw: (result, request) => {
      shown = result;
      live = true;
      show(matches(request), true);
    },
    fail: (error) => {
      onStop();
      if (error instanceof PythonError) {
        setText(note.text, `Python refused this input: ${cut(error.message, 200)}`);
        return;
      }
      // The runtime failed, not the input (a download, a dead worker): what is
      // drawn is stale, so dim it; the next change tries again.
      el.classList.add("wtwm-widget--pending");
      if (!failed)
        setText(note.text, `Python could not compute this (${cut(error.message, 120)}). Change a value to try again.`);
    },
  });

  function show(current = true, inFrame = false) {
    render(shown, current);
    el.classList.toggle("wtwm-widget--pending", !current && !pythonReady); // dim while Python boots
    el.dataset.current = String(current);
    setText(note.text, live ? computedBy(shown.engine ?? "NumPy") : ""); // a live region: only news
    el.dataset.live = String(live);
    el.dataset.renders = String(Number(el.dataset.renders ?? 0) + 1);
    el.dispatchEvent(new CustomEvent("wtwm:drawn", { detail: { inFrame } })); // for benchmarks
  }
  function change(values, { syncControls = false } = {}) {
    Object.assign(state, values);
    if (syncControls) for (const [key, control] of Object.entries(controls)) control.set(state[key]);
    if (failed) return;
    if (!pythonReady) el.classList.add("wtwm-widget--pending");
    el.dataset.current = "false";
    buttons.save();
    update(state);
  }
  function fallBack() {
    failed = true;
    onStop();
    Object.assign(state, defaults);
    for (const [key, control] of Object.entries(controls)) {
      control.set(state[key]);
      control.setDisabled(true);
    }
    shown = initial.result;
    live = false;
    show();
  }
  function recover() {
    // Retry started Python after all
    failed = false;
    for (const control of Object.values(controls)) control.setDisabled(false);
  }

  // Once the widget's elements are on the page: draw the starting state, follow
  // Python's status, start it when the reader nears, compute a deep link's state.
  function start() {
    show(matches(defaults));
    status.follow((python) => {
      pythonReady = python === "ready";
      if (python === "ready" && failed) recover();
      if (python === "ready") el.classList.toggle("wtwm-widget--pending", el.dataset.current === "false"); // undim after a restart
      if (python === "ready" && !live) update(state); // show that NumPy computes here
      if (python === "failed") fallBack();
      if (python === "stopped") el.classList.add("wtwm-widget--pending"); // what is drawn may be stale
    });
    // Not earlier: compiling Pyodide's wasm while plotly.js is evaluated (both
    // CPU-bound) made Python ready 0.6 s sooner on a cold load but doubled that
    // evaluation, leaving the main thread one 0.8 s task (measured).
    d.add(startPythonWhenNear(el));
    if (!matches(defaults)) update(state); // a deep link: compute as soon as Python is up
  }
  return { status: status.line, note, buttons, change, start, shown: () => shown, failed: () => failed };
}
