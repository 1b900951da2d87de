// "Try the layer yourself": x, w, b and an activation in; z = wx + b, a = f(z) and
// the slope da/dz out, computed by site_src/widgets/layer_forward.py in Pyodide.
// This file only wires controls to that function and draws what it returns.
import { callPython, callPythonMany, PythonError, startPythonWhenNear } from "../lib/python.js";
import {
  legendEntry, numberControl, numberOr, pythonStatus, sameOr, selectControl,
} from "../lib/controls.js";
import { liveUpdate } from "../lib/live.js";
import { marksLayer } from "../lib/marks.js";
import { axis, figure, fmt, h, stage, stateButtons, themedPlot, topLegend } from "../lib/plot.js";
import { readState } from "../lib/url-state.js";

const PREFIX = "layer";
const NUMBERS = ["x", "w", "b"];

// State from the URL (?layer.x=0.5&layer.activation=relu), checked like typed input.
function stateFromUrl(initial) {
  const url = readState(PREFIX);
  const state = { ...initial.defaults };
  for (const name of NUMBERS) state[name] = numberOr(url[name], initial.inputs[name], state[name]);
  if (initial.activations.some((a) => a.name === url.activation)) state.activation = url.activation;
  return state;
}

const signed = (value) => (value < 0 ? `(${fmt(value)})` : fmt(value));

// The curve is a trace (kept by reference while it does not change, so Plotly
// redraws only when the activation or the view changes); the point and the
// tangent move on every input, so they are marks (lib/marks.js).
function spec(r, p, memo) {
  memo.z = sameOr(memo.z, r.curve.z);
  memo.a = sameOr(memo.a, r.curve.a);
  const tangent = { color: p.accent, width: 3, dash: "dash" };
  return {
    data: [
      { type: "scatter", mode: "lines", name: `f(z) = ${r.formula}`, x: memo.z, y: memo.a,
        line: { color: p.train, width: 2.5 }, hovertemplate: "z %{x:.3g}, f(z) %{y:.3g}<extra></extra>" },
      legendEntry("tangent at z: slope da/dz", { mode: "lines", line: tangent }),
      legendEntry("(z, a)", { mode: "markers", marker: { color: p.val, size: 12 } }),
    ],
    layout: {
      xaxis: axis.linear("z = w·x + b", r.view.z), yaxis: axis.linear("a = f(z)", r.view.a),
      legend: topLegend, margin: { t: 72 }, hovermode: "closest", uirevision: "layer",
    },
  };
}

function marks(r, p) {
  return [
    { kind: "path", x: r.tangent.z, y: r.tangent.a, line: { color: p.accent, width: 3, dash: "dash" } },
    { kind: "dot", x: r.z, y: r.a, size: 13, fill: p.val, stroke: p.background },
  ];
}

function readout() {
  const line = (label) => {
    const value = h("strong", { class: "wtwm-readout__value" });
    return [h("p", { class: "wtwm-readout__line" }, h("span", { text: label }), value), value];
  };
  const [zLine, zText] = line("z = w·x + b = ");
  const [aLine, aText] = line("a = f(z) = ");
  const [sLine, sText] = line("da/dz = ");
  const root = h("div", { class: "wtwm-readout", "aria-live": "polite", "aria-atomic": "true" }, zLine, aLine, sLine);
  return {
    root,
    show(r) {
      zText.textContent = `${fmt(r.w)} × ${signed(r.x)} + ${signed(r.b)} = ${fmt(r.z)}`;
      aText.textContent = `${r.formula} = ${fmt(r.a)}`;
      sText.textContent = `${r.slope_formula} = ${fmt(r.slope)}`;
    },
  };
}

export const mount = figure(async (el, d) => {
  const initial = JSON.parse(el.querySelector(".wtwm-initial-state").dataset.state);
  const defaults = initial.defaults;
  const state = stateFromUrl(initial);
  let shown = initial.result; // what the plot and readout show now
  let live = false; // true once Python has computed something on this page
  let failed = false; // Python cannot start here: keep the starting state
  let pythonReady = false;

  const host = stage(el);
  const out = readout();
  const note = h("p", { class: "wtwm-widget-note", "aria-live": "polite" });
  const plotBox = h("div", { class: "wtwm-plot wtwm-layer-plot", role: "img" });
  const controls = NUMBERS.map((name) => numberControl({
    name, ...initial.inputs[name], value: state[name], d, onChange: (value) => change({ [name]: value }),
  }));
  controls.push(selectControl({
    name: "activation", label: "activation f", options: initial.activations, value: state.activation, d,
    onChange: (value) => change({ activation: value }),
  }));
  const names = [...NUMBERS, "activation"];
  const buttons = stateButtons({
    el, prefix: PREFIX, section: "layer-widget", d,
    getState: () => Object.fromEntries(Object.entries(state).filter(([k, v]) => v !== defaults[k])),
    reset: () => change(defaults, { syncControls: true }),
  });
  const statusLine = h("div");
  host.append(statusLine, h("div", { class: "wtwm-controls wtwm-widget-controls" }, ...controls.map((c) => c.root)),
    out.root, note, plotBox, buttons.root);

  const memo = {};
  const plot = await themedPlot(plotBox, (p) => spec(shown, p, memo), d);
  const pointAndTangent = marksLayer(plot, d);
  const update = liveUpdate({
    d,
    compute: (request) => callPython("layer_forward", "forward", request),
    computeMany: (requests) => callPythonMany("layer_forward", "forward", requests),
    sweeps: Object.fromEntries(NUMBERS.map((name) => [name, initial.inputs[name]])),
    draw: (result, request, inFrame) => {
      shown = result;
      live = true;
      draw(matches(request), inFrame);
    },
    fail: (error) => {
      if (error instanceof PythonError) note.textContent = `Python refused this input: ${error.message}`;
    },
  });

  function matches(values) {
    return names.every((key) => state[key] === values[key]);
  }
  function draw(current = true, inFrame = false) {
    out.show(shown);
    plot.redraw();
    pointAndTangent.draw((p) => marks(shown, p));
    plotBox.setAttribute("aria-label", `Plot of ${shown.label}: the point (z, a) = (${fmt(shown.z)}, ${fmt(shown.a)}) and the tangent there, slope ${fmt(shown.slope)}.`);
    el.classList.toggle("wtwm-widget--pending", !current && !pythonReady); // dim while Python boots
    el.dataset.current = String(current);
    const said = live ? `Computed by ${shown.engine} in your browser.` : "";
    if (note.textContent !== said) note.textContent = said; // a live region: only news
    el.dataset.live = String(live);
    el.dataset.renders = String(Number(el.dataset.renders ?? 0) + 1);
    el.dispatchEvent(new CustomEvent("wtwm:drawn", { detail: { inFrame } })); // for benchmarks
  }
  function change(values, { syncControls = false } = {}) {
    Object.assign(state, values);
    if (syncControls) controls.forEach((control, i) => control.set(state[names[i]]));
    if (failed) return;
    if (!pythonReady) el.classList.add("wtwm-widget--pending");
    el.dataset.current = "false";
    buttons.save();
    update(state);
  }
  function fallBack() {
    failed = true;
    Object.assign(state, defaults);
    controls.forEach((control, i) => {
      control.set(state[names[i]]);
      control.setDisabled(true);
    });
    shown = initial.result;
    live = false;
    draw();
  }

  draw(matches(defaults));
  statusLine.replaceWith(pythonStatus(d, (python) => {
    pythonReady = python === "ready";
    if (python === "ready" && !live) update(state); // show that NumPy computes here
    if (python === "failed") fallBack();
  }));
  d.add(startPythonWhenNear(el));
  if (!matches(defaults)) update(state); // a deep link: compute as soon as Python is up
});
