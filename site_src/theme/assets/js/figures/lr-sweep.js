// Four learning rates on the straight-line fit: their loss curves (log scale,
// the diverging run ends where training stopped) and one run's iterates drawn on
// the 1-D loss curve L(w, b_opt), chosen with a radio group.
import { loadData } from "../lib/data.js";
import { captionLine, h, stage, stateButtons } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { extent, finite, fmt, padded } from "../lib/numbers.js";
import { themedPlot } from "../lib/plot.js";
import { axis, topLegend } from "../lib/plot-spec.js";
import { readState } from "../lib/url-state.js";

const PREFIX = "lr-sweep";
const DASHES = ["solid", "dash", "dot", "dashdot"];
const SYMBOLS = ["circle", "square", "diamond", "x"];

// Loss of the line with slope w and the optimal intercept, on the exported data.
export function sliceLoss(data, w) {
  const { x, y } = data;
  let sum = 0;
  for (let i = 0; i < x.length; i += 1) sum += (w * x[i] + data.optimum.b - y[i]) ** 2;
  return sum / x.length;
}

const lastFinite = (values) => {
  for (let i = values.length - 1; i >= 0; i -= 1) if (Number.isFinite(values[i])) return i;
  return -1;
};

export function curvesSpec(data, p) {
  const runs = data.lr_sweep;
  const traces = runs.map((run, i) => ({
    type: "scatter",
    mode: "lines",
    name: `${run.label} (lr ${fmt(run.lr)})`,
    x: run.epoch,
    y: finite(run.train_loss),
    line: { color: p.series[i], width: 2, dash: DASHES[i] },
    hovertemplate: `${run.label}: loss %{y:.3g}, epoch %{x}<extra></extra>`,
  }));
  const stops = runs
    .filter((run) => run.diverged)
    .map((run) => {
      const at = lastFinite(run.train_loss);
      return { x: run.epoch[at], y: run.train_loss[at], label: `diverged at<br>epoch ${run.stopped_epoch}` };
    });
  traces.push({
    type: "scatter",
    mode: "markers+text",
    name: "diverged",
    showlegend: false,
    x: stops.map((s) => s.x),
    y: stops.map((s) => s.y),
    text: stops.map((s) => s.label),
    textposition: "bottom center",
    textfont: { color: p.bad },
    marker: { symbol: "x-thin-open", size: 14, color: p.bad, line: { width: 3, color: p.bad } },
    hoverinfo: "skip",
  });
  const [lo, hi] = extent(...runs.map((run) => run.train_loss));
  const maxEpoch = Math.max(...runs.map((run) => run.epoch.at(-1)));
  return {
    data: traces,
    layout: {
      xaxis: axis.epoch(maxEpoch),
      yaxis: axis.log("loss (log)", [lo / 2, hi * 2]),
      legend: topLegend,
      margin: { t: 64 },
      hovermode: "closest",
    },
  };
}

export function pathSpec(data, run, index, p) {
  const w = finite(run.w).filter((v) => v !== null);
  const [lo, hi] = padded(extent(w, [data.optimum.w]), 0.08);
  const ws = Array.from({ length: 121 }, (_, i) => lo + ((hi - lo) * i) / 120);
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "loss curve",
        x: ws,
        y: ws.map((v) => sliceLoss(data, v)),
        line: { color: p.muted, width: 2 },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "lines+markers",
        name: `${run.label} path`,
        x: finite(run.w),
        y: finite(run.slice_loss),
        line: { color: p.series[index], width: 1.5, dash: DASHES[index] },
        marker: { symbol: SYMBOLS[index], size: 7, color: p.series[index] },
        hovertemplate: "w %{x:.3g}, loss %{y:.3g}<extra></extra>",
      },
      {
        type: "scatter",
        mode: "markers",
        name: "minimum",
        x: [data.optimum.w],
        y: [data.optimum.train_loss],
        marker: { symbol: "star", size: 14, color: p.accent, line: { color: p.background, width: 1 } },
        hovertemplate: "minimum: w %{x:.3g}<extra></extra>",
      },
    ],
    layout: {
      xaxis: axis.linear("w", [lo, hi]),
      yaxis: axis.linear("loss at the best b"),
      legend: topLegend,
      margin: { t: 64 },
      hovermode: "closest",
    },
  };
}

function describe(data, run) {
  const end = run.diverged
    ? `it diverged: training stopped at epoch ${run.stopped_epoch}`
    : `its loss ends at ${fmt(run.train_loss.at(-1))} (the minimum is ${fmt(data.optimum.train_loss)})`;
  return `Path shown: ${run.label}, learning rate ${fmt(run.lr)} = ${fmt(run.lr_over_critical)} × the critical rate; ${end}.`;
}

export const mount = figure(async (el, d) => {
  const { data } = await loadData("linear");
  const runs = data.lr_sweep;
  const defaultIndex = Math.max(
    0,
    runs.findIndex((run) => run.label === "good"),
  );
  const wanted = runs.findIndex((run) => run.label === readState(PREFIX).run);
  let index = wanted >= 0 ? wanted : defaultIndex;

  let path = null; // the plot on the right, once drawn
  const live = stage(el);
  const say = captionLine(el, { live: true });
  const group = h("fieldset", { class: "wtwm-choice" }, h("legend", { text: "Path shown on the loss curve" }));
  const radios = runs.map((run, i) => {
    const input = h("input", {
      type: "radio",
      name: `${PREFIX}-run`,
      id: `${PREFIX}-run-${run.label}`,
      value: run.label,
      checked: i === index,
    });
    group.append(h("label", { for: input.id }, input, ` ${run.label}`));
    return input;
  });
  const buttons = stateButtons({
    el,
    prefix: PREFIX,
    d,
    getState: () => (index === defaultIndex ? {} : { run: runs[index].label }),
    reset: () => path && set(defaultIndex),
  });
  const curvesBox = h("div", {
    class: "wtwm-plot wtwm-lr-curves",
    role: "img",
    "aria-label": "Training loss per epoch for four learning rates, log scale",
  });
  const pathBox = h("div", {
    class: "wtwm-plot wtwm-lr-path",
    role: "img",
    "aria-label": "The selected run's weights as points on the loss curve",
  });
  live.append(
    h("div", { class: "wtwm-controls" }, group, buttons.root),
    h("div", { class: "wtwm-pair" }, curvesBox, pathBox),
  );

  await themedPlot(curvesBox, (p) => curvesSpec(data, p), d);
  path = await themedPlot(pathBox, (p) => pathSpec(data, runs[index], index, p), d);
  for (const [i, input] of radios.entries()) d.on(input, "change", () => set(i));
  function set(i) {
    index = i;
    radios[i].checked = true;
    path.update();
    say(describe(data, runs[i]));
    buttons.save();
  }
  say(describe(data, runs[index]));
});
