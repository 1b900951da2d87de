// "Try the layer yourself": x, w, b and an activation in; z = wx + b, a = f(z) and
// the slope da/dz out, computed by site_src/widgets/layer_forward.py in Pyodide.
// This file only wires controls to that function and draws what it returns.
import { numberControl, numberOr, sameOr, selectControl } from "../lib/controls.js";
import { h, setText, stage } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { fmt } from "../lib/numbers.js";
import { themedPlot } from "../lib/plot.js";
import { axis, topLegend } from "../lib/plot-spec.js";
import { callPython } from "../lib/python.js";
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

// The curve is kept by reference while it does not change, so an input that
// moves only the point and the tangent re-plots only those two traces.
function spec(r, p, memo) {
  memo.z = sameOr(memo.z, r.curve.z);
  memo.a = sameOr(memo.a, r.curve.a);
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: `f(z) = ${r.formula}`,
        x: memo.z,
        y: memo.a,
        line: { color: p.train, width: 2.5 },
        hovertemplate: "z %{x:.3g}, f(z) %{y:.3g}<extra></extra>",
      },
      {
        type: "scatter",
        mode: "lines",
        name: "tangent at z: slope da/dz",
        x: r.tangent.z,
        y: r.tangent.a,
        line: { color: p.accent, width: 3, dash: "dash" },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "markers",
        name: "(z, a)",
        x: [r.z],
        y: [r.a],
        marker: { color: p.val, size: 13, line: { color: p.background, width: 1.5 } },
        hovertemplate: "z %{x:.3g}, a %{y:.3g}<extra></extra>",
      },
    ],
    layout: {
      xaxis: axis.linear("z = w·x + b", r.view.z),
      yaxis: axis.linear("a = f(z)", r.view.a),
      legend: topLegend,
      margin: { t: 72 },
      hovermode: "closest",
      uirevision: "layer",
    },
  };
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

export const mount = figure(async (el, d) => {
  const initial = JSON.parse(el.querySelector(".wtwm-initial-state").dataset.state);
  const state = stateFromUrl(initial);
  const controls = Object.fromEntries(
    NUMBERS.map((name) => [
      name,
      numberControl({
        name,
        ...initial.inputs[name],
        value: state[name],
        d,
        onChange: (value) => widget.change({ [name]: value }),
      }),
    ]),
  );
  controls.activation = selectControl({
    name: "activation",
    label: "activation f",
    options: initial.activations,
    value: state.activation,
    d,
    onChange: (value) => widget.change({ activation: value }),
  });
  const host = stage(el);
  const out = readout();
  const box = h("div", { class: "wtwm-plot wtwm-layer-plot", role: "img" });
  let plot = null;
  const widget = liveWidget({
    el,
    d,
    prefix: PREFIX,
    initial,
    state,
    keys: [...NUMBERS, "activation"],
    controls,
    compute: (request) => callPython("layer_forward", "forward", request),
    render: (r) => {
      out.show(r);
      box.setAttribute(
        "aria-label",
        `Plot of ${r.label}: the point (z, a) = (${fmt(r.z)}, ${fmt(r.a)}) and the tangent there, slope ${fmt(r.slope)}.`,
      );
      plot?.update();
    },
  });
  host.append(
    widget.status,
    h("div", { class: "wtwm-controls wtwm-widget-controls" }, ...Object.values(controls).map((c) => c.root)),
    out.root,
    widget.note,
    box,
    widget.buttons.root,
  );
  const memo = {};
  plot = await themedPlot(box, (p) => spec(widget.shown(), p, memo), d);
  widget.start();
});
