// What the live widgets share around their own drawing: state, the Python status
// line, one liveUpdate loop, Copy link / Reset, and the starting values kept when
// Python cannot start. Tests and benchmarks read data-current (the drawn result
// matches the controls), data-live (Python computed it) and `wtwm:drawn` events.
import { cut, pythonStatus } from "./controls.js";
import { setText, stateButtons, steadyText } from "./dom.js";
import { liveUpdate } from "./live.js";
import { PythonError, startPythonWhenNear } from "./python.js";

// state: starting values (mutated in place); keys: those a result must match;
// controls: {key: control}; onStop(): before Reset, on errors and on fallback.
export function liveWidget({ el, d, prefix, initial, state, keys, controls, compute, render, onStop = () => {} }) {
  const { defaults } = initial;
  let shown = initial.result; // what the plot and readout show now
  let live = false; // true once Python has computed something on this page
  let failed = false; // Python cannot start here: keep the starting state
  let pythonReady = false;
  const computedBy = (engine) => `Computed by ${engine} in your browser.`;
  const status = pythonStatus(d);
  const note = steadyText("p", { class: "wtwm-widget-note", "aria-live": "polite" }, [computedBy("NumPy 10.10.10")]);
  const changed = () => Object.fromEntries(Object.entries(state).filter(([k, v]) => v !== defaults[k]));
  const reset = () => change(defaults, { syncControls: true, stop: true });
  const buttons = stateButtons({ el, prefix, d, getState: changed, reset });
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
      // The runtime failed, not the input: dim what is stale; the next change retries.
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
  function change(values, { syncControls = false, stop = false } = {}) {
    if (stop) onStop();
    Object.assign(state, values);
    if (syncControls) for (const [key, control] of Object.entries(controls)) control.set(state[key]);
    if (failed) return;
    if (!pythonReady) el.classList.add("wtwm-widget--pending");
    el.dataset.current = "false";
    buttons.save();
    update(state);
  }
  function setFailed(value) {
    failed = value; // and back to false when Retry starts Python after all
    for (const control of Object.values(controls)) control.setDisabled(value);
  }
  function fallBack() {
    onStop();
    setFailed(true);
    change(defaults, { syncControls: true }); // failed: the controls only
    shown = initial.result;
    live = false;
    show();
  }

  // Once the widget is on the page: draw, follow Python, start it when near.
  function start() {
    show(matches(defaults));
    status.follow((python) => {
      pythonReady = python === "ready";
      if (python === "ready" && failed) setFailed(false);
      if (python === "ready") el.classList.toggle("wtwm-widget--pending", el.dataset.current === "false"); // undim after a restart
      if (python === "ready" && !live) update(state); // show that NumPy computes here
      if (python === "failed") fallBack();
      if (python === "stopped") el.classList.add("wtwm-widget--pending"); // what is drawn may be stale
    });
    // Not earlier: Pyodide compiling beside plotly.js's evaluation made one long task.
    d.add(startPythonWhenNear(el));
    if (!matches(defaults)) update(state); // a deep link: compute as soon as Python is up
  }
  return { status: status.line, note, buttons, change, start, shown: () => shown, failed: () => failed };
}
