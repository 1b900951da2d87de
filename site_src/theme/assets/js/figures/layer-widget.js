// "Try the layer yourself": x, w, b and an activation in; z = wx + b, a = f(z) and
// the slope da/dz out, computed by site_src/widgets/layer_forward.py in Pyodide.
// This file only wires controls to that function and draws what it returns.
import { legendEntry, numberControl, numberOr, sameOr, selectControl } from "../lib/controls.js";
import { h, setText, stage } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { marksLayer } from "../lib/marks.js";
import { fmt } from "../lib/numbers.js";
import { themedPlot } from "../lib/plot.js";
import { axis, topLegend } from "../lib/plot-spec.js";
import { callPython, callPythonMany } from "../lib/python.js";
import { readState } from "../lib/url-state.js";
import { liveWidget } from "../lib/widget.js";

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

// The curve is a trace, kept by reference while it does not change (a new view
// moves it onto new axes, see plot.update); the point and the tangent move on
// every input, so they are marks (lib/marks.js).
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
      setText(zText, `${fmt(r.w)} × ${signed(r.x)} + ${signed(r.b)} = ${fmt(r.z)}`);
      setText(aText, `${r.formula} = ${fmt(r.a)}`);
      setText(sText, `${r.slope_formula} = ${fmt(r.slope)}`);
    },
  };
}

// One plot per activation, each built while the page is idle once Python has
// computed that activation for the current inputs (the widget computes the other
// options ahead). Switching activation then shows a plot that is already drawn:
// asking Plotly to re-plot new axes and a new legend takes 12-25 ms (measured).
// Until an activation has a plot of its own, the first plot draws it.
function plotViews(stack, d, names, peek) {
  const own = new Map(); // activation -> view, or null while it is being built
  const latest = {}; // activation -> the newest result drawn or built for it
  let first = null;
  let visible = null;
  let building = false;
  const newBox = () => h("div", { class: "wtwm-plot wtwm-layer-plot", role: "img" });
  async function build(box, describe) {
    const memo = {};
    const plot = await themedPlot(box, (p) => spec(describe(), p, memo), d);
    return { box, plot, marks: marksLayer(plot, d) };
  }
  function buildNext() {
    const name = names.find((a) => !own.has(a) && peek({ activation: a }));
    if (building || !name || !first) return;
    building = true;
    own.set(name, null);
    latest[name] ??= peek({ activation: name });
    const idle = window.requestIdleCallback ?? ((run) => setTimeout(run, 200));
    idle(async () => {
      if (d.done) return; // the reader has left the page
      const box = newBox();
      box.classList.add("wtwm-plot--standby");
      stack.append(box);
      own.set(name, await build(box, () => latest[name]));
      building = false;
      buildNext();
    });
  }
  return {
    buildNext,
    async start(shown) {
      const box = newBox();
      stack.append(box);
      first = await build(box, shown);
      visible = first;
      return first;
    },
    draw(r) {
      if (!first) return; // a result before the first plot exists: it draws from widget.shown()
      latest[r.activation] = r;
      const view = own.get(r.activation) ?? first;
      view.plot.update(); // a new view: new axes by relayout, the curve moved onto them
      view.marks.draw((p) => marks(r, p));
      view.box.setAttribute("aria-label", `Plot of ${r.label}: the point (z, a) = (${fmt(r.z)}, ${fmt(r.a)}) and the tangent there, slope ${fmt(r.slope)}.`);
      if (view !== visible) {
        visible.box.classList.add("wtwm-plot--standby");
        view.box.classList.remove("wtwm-plot--standby");
        visible = view;
      }
      buildNext();
    },
  };
}

export const mount = figure(async (el, d) => {
  const initial = JSON.parse(el.querySelector(".wtwm-initial-state").dataset.state);
  const state = stateFromUrl(initial);
  const controls = Object.fromEntries(NUMBERS.map((name) => [name, numberControl({
    name, ...initial.inputs[name], value: state[name], d, onChange: (value) => widget.change({ [name]: value }),
  })]));
  controls.activation = selectControl({
    name: "activation", label: "activation f", options: initial.activations, value: state.activation, d,
    onChange: (value) => widget.change({ activation: value }),
  });
  const host = stage(el);
  const out = readout();
  const stack = h("div", { class: "wtwm-layer-plots" });
  const widget = liveWidget({
    el, d, prefix: PREFIX, section: "layer-widget", initial, state, keys: [...NUMBERS, "activation"], controls,
    compute: (request) => callPython("layer_forward", "forward", request),
    computeMany: (requests) => callPythonMany("layer_forward", "forward", requests),
    sweeps: Object.fromEntries(NUMBERS.map((name) => [name, initial.inputs[name]])),
    choices: { activation: initial.activations.map((a) => a.name) },
    computedAhead: () => views.buildNext(),
    render: (r) => {
      out.show(r);
      views.draw(r);
    },
  });
  const views = plotViews(stack, d, initial.activations.map((a) => a.name), widget.peek);
  host.append(widget.status, h("div", { class: "wtwm-controls wtwm-widget-controls" }, ...Object.values(controls).map((c) => c.root)),
    out.root, widget.note, stack, widget.buttons.root);
  await views.start(widget.shown);
  widget.start();
});
