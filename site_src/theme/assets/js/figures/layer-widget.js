// "Try the layer yourself": x, w, b, a target y and an activation in; z = wx + b,
// a = f(z), the slope da/dz and the chain rule back to w and b for the loss
// (a − y)² out, all computed by site_src/widgets/layer_forward.py in Pyodide.
// This file only wires controls to that function and draws what it returns.
import { numberControl, numberOr, sameOr, selectControl } from "../lib/controls.js";
import { h, setText, stage } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { fmt, fmtExact } from "../lib/numbers.js";
import { themedPlot } from "../lib/plot.js";
import { axis, topLegend } from "../lib/plot-spec.js";
import { callPython } from "../lib/python.js";
import { readState } from "../lib/url-state.js";
import { liveWidget } from "../lib/widget.js";

const PREFIX = "layer";
const NUMBERS = ["x", "w", "b", "y"];

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
        mode: "lines",
        name: "target y",
        x: r.view.z,
        y: [r.y, r.y],
        line: { color: p.truth, width: 1.5, dash: "dot" },
        hovertemplate: "target y %{y:.3g}<extra></extra>",
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
  const [sLine, sText] = line("f′(z) = da/dz = ");
  // The chain rule back to the weight, for the loss L = (a − y)²: every number
  // here is Python's; the page only writes the factors next to each other.
  const [lLine, lText] = line("L = (a − y)² = ");
  const [daLine, daText] = line("∂L/∂a = 2(a − y) = ");
  const [dwLine, dwText] = line("∂L/∂w = ∂L/∂a · f′(z) · x = ");
  const [dbLine, dbText] = line("∂L/∂b = ∂L/∂a · f′(z) = ");
  const chain = h("div", { class: "wtwm-readout__chain" }, lLine, daLine, dwLine, dbLine);
  const root = h(
    "div",
    { class: "wtwm-readout", "aria-live": "polite", "aria-atomic": "true" },
    zLine,
    aLine,
    sLine,
    chain,
  );
  return {
    root,
    show(r) {
      setText(zText, `${fmt(r.w)} × ${signed(r.x)} + ${signed(r.b)} = ${fmt(r.z)}`);
      setText(aText, `${r.formula} = ${fmtExact(r.a)}`);
      setText(sText, `${r.slope_formula} = ${fmt(r.slope)}`);
      setText(lText, `(${fmt(r.a)} − ${signed(r.y)})² = ${fmt(r.loss)}`);
      setText(daText, fmt(r.dloss_da));
      setText(dwText, `${signed(r.dloss_da)} × ${signed(r.slope)} × ${signed(r.x)} = ${fmt(r.dloss_dw)}`);
      setText(dbText, `${signed(r.dloss_da)} × ${signed(r.slope)} = ${fmt(r.dloss_db)}`);
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
        `Plot of ${r.label}: the point (z, a) = (${fmt(r.z)}, ${fmtExact(r.a)}), the tangent there, slope ${fmt(r.slope)}, and the target y = ${fmt(r.y)}.`,
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
