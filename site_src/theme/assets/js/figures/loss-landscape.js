// "The loss landscape": fix b, pick a start w0 and a learning rate, and step, play
// or restart gradient descent on w. Every number comes from
// site_src/widgets/loss_landscape.py in Pyodide (descent, divergence, the critical
// rate, the regime); this file wires the controls and draws two views of it.
import { numberControl, numberOr, sameOr } from "../lib/controls.js";
import { button, h, setAttr, setText, stage, toggle } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { fmt, fmtExact, steadyRange } from "../lib/numbers.js";
import { themedPlot } from "../lib/plot.js";
import { axis, topLegend } from "../lib/plot-spec.js";
import { callPython } from "../lib/python.js";
import { prefersReducedMotion } from "../lib/site.js";
import { readState } from "../lib/url-state.js";
import { liveWidget } from "../lib/widget.js";

const PREFIX = "landscape";
const NUMBERS = ["b", "w0", "lr"];
const STEP_MS = 400;

function stateFromUrl(initial) {
  const url = readState(PREFIX);
  const state = { ...initial.defaults };
  for (const name of [...NUMBERS, "steps"]) state[name] = numberOr(url[name], initial.inputs[name], state[name]);
  state.steps = Math.round(state.steps);
  return state;
}

// The parabola and the contour map change rarely and are kept by reference; the
// descent path, the tangent and the points move on every input, and an input
// that moves only them re-plots only those traces (lib/plot.js, plot.update).
const pathTrace = (x, y, p) => ({
  type: "scatter",
  mode: "lines+markers",
  name: "descent steps",
  x,
  y,
  line: { color: p.val, width: 1.5 },
  marker: { color: p.val, size: 7 },
  hovertemplate: "w %{x:.3g}<extra></extra>",
});
const nowTrace = (x, y, p) => ({
  type: "scatter",
  mode: "markers",
  name: "now",
  showlegend: false,
  x: [x],
  y: [y],
  marker: { color: p.val, size: 12, line: { color: p.background, width: 1.5 } },
  hoverinfo: "skip",
});

function sliceSpec(r, p, memo) {
  memo.w = sameOr(memo.w, r.curve.w);
  memo.loss = sameOr(memo.loss, r.curve.loss);
  // Python's view holds every iterate; the axes keep a little room around it, so
  // nudging b or α moves the parabola and the path, not the axes.
  memo.wRange = steadyRange(memo.wRange, r.view.w, { grow: 0.5 });
  memo.lossRange = steadyRange(memo.lossRange, r.view.loss, { grow: 0.5, keepLow: true });
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "L(w) with b fixed",
        x: memo.w,
        y: memo.loss,
        line: { color: p.train, width: 2.5 },
        hovertemplate: "w %{x:.3g}, loss %{y:.3g}<extra></extra>",
      },
      pathTrace(r.path.w, r.path.loss, p),
      {
        type: "scatter",
        mode: "lines",
        name: "tangent: slope dL/dw",
        x: r.tangent.w,
        y: r.tangent.loss,
        line: { color: p.accent, width: 3, dash: "dash" },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "markers",
        name: "lowest point of the slice",
        x: [r.slice_min.w],
        y: [r.slice_min.loss],
        marker: { symbol: "diamond", size: 13, color: p.good, line: { color: p.background, width: 1.5 } },
        hoverinfo: "skip",
      },
      nowTrace(r.current.w, r.current.loss, p),
    ],
    layout: {
      xaxis: axis.linear("w", memo.wRange),
      yaxis: axis.linear("loss L(w, b)", memo.lossRange),
      legend: topLegend,
      margin: { t: 96 },
      hovermode: "closest",
      uirevision: "slice",
    },
  };
}

function surfaceSpec(r, surface, inputs, p, scheme, memo) {
  memo[scheme] ??= {
    type: "contour",
    name: "loss",
    x: surface.w,
    y: surface.b,
    z: surface.loss,
    showscale: false,
    ncontours: 18,
    colorscale: [
      [0, scheme === "dark" ? "#1f4e79" : "#c6dbef"],
      [1, p.background],
    ],
    contours: { coloring: "heatmap" },
    line: { color: p.muted, width: 0.6 },
    hovertemplate: "w %{x:.3g}, b %{y:.3g}: loss %{z:.3g}<extra></extra>",
  };
  return {
    data: [
      memo[scheme],
      {
        type: "scatter",
        mode: "lines",
        name: "the slice: b fixed",
        x: [inputs.w0.min, inputs.w0.max],
        y: [r.b, r.b],
        line: { color: p.accent, width: 2, dash: "dash" },
        hoverinfo: "skip",
      },
      pathTrace(
        r.path.w,
        r.path.w.map(() => r.b),
        p,
      ),
      {
        type: "scatter",
        mode: "markers",
        name: "lowest point overall",
        x: [surface.best.w],
        y: [surface.best.b],
        marker: { symbol: "star", size: 15, color: p.good, line: { color: p.background, width: 1 } },
        hovertemplate: "lowest: w %{x:.3g}, b %{y:.3g}<extra></extra>",
      },
      nowTrace(r.current.w, r.b, p),
    ],
    layout: {
      // One unit of w as long as one of b, or the bowl looks stretched: the map
      // shrinks to fit instead.
      xaxis: axis.linear("w", [inputs.w0.min, inputs.w0.max], { constrain: "domain" }),
      yaxis: axis.linear("b", [inputs.b.min, inputs.b.max], { scaleanchor: "x", scaleratio: 1, constrain: "domain" }),
      legend: topLegend,
      margin: { t: 96 },
      hovermode: "closest",
      uirevision: "surface",
    },
  };
}

function logTable() {
  const body = h("tbody");
  const root = h(
    "div",
    { class: "wtwm-landscape-log", tabindex: "0", role: "region", "aria-label": "Descent steps, newest first" },
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, ...["step", "w", "loss", "dL/dw"].map((t) => h("th", { scope: "col", text: t })))),
      body,
    ),
  );
  return {
    root,
    // Rows are reused: only the cells whose text changed are touched.
    show(path) {
      const count = path.step.length;
      while (body.rows.length < count) body.append(h("tr", {}, h("td"), h("td"), h("td"), h("td")));
      while (body.rows.length > count) body.lastChild.remove();
      for (let row = 0; row < count; row += 1) {
        const i = count - 1 - row;
        const cells = body.rows[row].cells;
        setText(cells[0], String(path.step[i]));
        setText(cells[1], fmt(path.w[i], 4));
        setText(cells[2], fmt(path.loss[i], 4));
        setText(cells[3], fmt(path.grad[i], 4));
      }
    },
  };
}

export const mount = figure(async (el, d) => {
  const initial = JSON.parse(el.querySelector(".wtwm-initial-state").dataset.state);
  const { inputs, surface } = initial;
  const maxSteps = inputs.steps.max;
  const state = stateFromUrl(initial);
  let playing = false;
  let timer = 0;
  d.add(() => clearTimeout(timer));

  const controls = Object.fromEntries(
    NUMBERS.map((name) => [
      name,
      numberControl({
        name,
        ...inputs[name],
        value: state[name],
        d,
        onChange: (value) => widget.change({ [name]: value }),
      }),
    ]),
  );
  const stepButton = button("Step", { "aria-label": "Take one gradient-descent step" });
  const playButton = button("Play", {
    class: "wtwm-play",
    "aria-label": "Play gradient descent",
    "aria-pressed": "false",
  });
  const restartButton = button("Restart", { "aria-label": "Restart descent from w0 (step 0)" });
  d.on(stepButton, "click", () => {
    pause();
    widget.change({ steps: Math.min(maxSteps, state.steps + 1) });
  });
  d.on(playButton, "click", () => (playing ? pause() : play()));
  d.on(restartButton, "click", () => {
    pause();
    widget.change({ steps: 0 });
  });
  const stepInfo = h("span", { class: "wtwm-landscape-step" });
  const regime = h("p", { class: "wtwm-readout__line" });
  const current = h("p", { class: "wtwm-readout__line" });
  const event = h("p", { class: "wtwm-landscape-event", role: "status" });
  const log = logTable();
  const sliceBox = h("div", { class: "wtwm-plot", role: "img" });
  const surfaceBox = h("div", { class: "wtwm-plot", role: "img" });
  const sliceMemo = {};
  const surfaceMemo = {};
  let plots = [];

  const widget = liveWidget({
    el,
    d,
    prefix: PREFIX,
    initial,
    state,
    keys: [...NUMBERS, "steps"],
    controls,
    compute: (request) => callPython("loss_landscape", "descend", request), // x and y: the worker has them
    render,
    onStop: pause,
  });
  stage(el).append(
    widget.status,
    h("div", { class: "wtwm-controls wtwm-widget-controls" }, ...Object.values(controls).map((c) => c.root)),
    h("div", { class: "wtwm-landscape-actions" }, stepButton, playButton, restartButton, stepInfo),
    h("div", { class: "wtwm-readout" }, regime, current),
    event,
    widget.note,
    h("div", { class: "wtwm-pair" }, sliceBox, surfaceBox),
    log.root,
    widget.buttons.root,
  );
  render(widget.shown(), false); // the readout now, not once the plots are drawn: the page below would move

  function render(r, isCurrent) {
    setText(stepInfo, `step ${r.steps_taken} of at most ${maxSteps}`);
    setText(
      regime,
      `α = ${fmt(r.lr)} is ${fmtExact(r.ratio)} × the critical rate ${fmt(r.critical_lr)} (= 2 / curvature ${fmt(r.curvature)}). ${r.regime.text}.`,
    );
    setText(
      current,
      `Step ${r.steps_taken}: w = ${fmt(r.current.w, 4)}, loss = ${fmt(r.current.loss, 4)}, dL/dw = ${fmt(r.current.grad, 4)}.`,
    );
    setText(event, r.event?.text ?? "");
    setAttr(event, "data-kind", r.event?.name ?? "");
    log.show(r.path);
    stepButton.disabled = r.done || widget.failed();
    for (const b of [playButton, restartButton]) b.disabled = widget.failed();
    setAttr(
      sliceBox,
      "aria-label",
      `Loss parabola at b = ${fmt(r.b)} with ${r.steps_taken} descent steps from w0 = ${fmt(r.w0)}; now w = ${fmt(r.current.w)}, loss ${fmt(r.current.loss)}.`,
    );
    setAttr(
      surfaceBox,
      "aria-label",
      `Contour map of the loss over w and b; the slice b = ${fmt(r.b)} and the descent path on it; the lowest point is at w = ${fmt(surface.best.w)}, b = ${fmt(surface.best.b)}.`,
    );
    for (const plot of plots) plot.update();
    if (playing && isCurrent) {
      if (r.done) pause();
      else timer = setTimeout(() => widget.change({ steps: state.steps + 1 }), STEP_MS);
    }
  }
  // Play is a step every STEP_MS, and only when pressed. With reduced motion it
  // does not animate: it jumps to the last step at once.
  function play() {
    if (widget.failed()) return;
    const from = widget.shown().done ? 0 : state.steps;
    if (prefersReducedMotion()) {
      widget.change({ steps: maxSteps });
      return;
    }
    playing = true;
    toggle(playButton, true);
    playButton.textContent = "Pause";
    playButton.setAttribute("aria-label", "Pause gradient descent");
    widget.change({ steps: from + 1 });
  }
  function pause() {
    playing = false;
    clearTimeout(timer);
    toggle(playButton, false);
    playButton.textContent = "Play";
    playButton.setAttribute("aria-label", "Play gradient descent");
  }

  plots = [
    await themedPlot(sliceBox, (p) => sliceSpec(widget.shown(), p, sliceMemo), d),
    await themedPlot(
      surfaceBox,
      (p, scheme) => surfaceSpec(widget.shown(), surface, inputs, p, scheme, surfaceMemo),
      d,
    ),
  ];
  widget.start();
});
