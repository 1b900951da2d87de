// Watch the model find the function: a long regularised run and the unregularised
// baseline trained side by side, frame by frame; beside them, each one's error
// against the true function. Same play/scrub controller as the hero (lib/player.js).
import { loadData } from "../lib/data.js";
import { captionLine, h, stage } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { extent, fmt, padded } from "../lib/numbers.js";
import { epochPlayer, scrubPlot } from "../lib/player.js";
import { themedPlot } from "../lib/plot.js";
import { axis, topLegend } from "../lib/plot-spec.js";

const PREFIX = "converge";

export function fitSpec(data, converge, i, p) {
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "true function",
        x: data.grid.x,
        y: data.grid.y_true,
        line: { color: p.truth, width: 1.5, dash: "dash" },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "markers",
        name: "train",
        x: data.train.x,
        y: data.train.y,
        marker: { symbol: "circle", size: 7, color: p.train },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "lines",
        name: "regularised",
        x: data.grid.x,
        y: converge.y_hat[i],
        line: { color: p.prediction, width: 3 },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "lines",
        name: "baseline",
        x: data.grid.x,
        y: converge.baseline_y_hat[i],
        line: { color: p.muted, width: 2, dash: "dot" },
        hoverinfo: "skip",
      },
    ],
    layout: {
      xaxis: axis.linear("x", padded(extent(data.grid.x), 0.02)),
      yaxis: axis.linear("y", padded(extent(data.train.y, data.grid.y_true), 0.15)),
      legend: topLegend,
      margin: { t: 56 },
    },
  };
}

export function errorSpec(converge, i, p) {
  const [lo, hi] = extent(converge.error, converge.baseline_error);
  const range = [lo / 1.6, hi * 1.6];
  const epoch = converge.epoch[i];
  const dot = (y, color) => ({
    type: "scatter",
    mode: "markers",
    showlegend: false,
    x: [epoch],
    y: [y],
    marker: { size: 10, color },
    hoverinfo: "skip",
  });
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "regularised",
        x: converge.epoch,
        y: converge.error,
        line: { color: p.prediction, width: 2.5 },
        hovertemplate: "epoch %{x}: regularised %{y:.3g}<extra></extra>",
      },
      {
        type: "scatter",
        mode: "lines",
        name: "baseline",
        x: converge.epoch,
        y: converge.baseline_error,
        line: { color: p.muted, width: 2, dash: "dot" },
        hovertemplate: "epoch %{x}: baseline %{y:.3g}<extra></extra>",
      },
      dot(converge.error[i], p.accent),
      dot(converge.baseline_error[i], p.muted),
      {
        type: "scatter",
        mode: "lines",
        name: "epoch shown",
        showlegend: false,
        hoverinfo: "skip",
        x: [epoch, epoch],
        y: range,
        line: { color: p.muted, width: 1 },
      },
    ],
    layout: {
      xaxis: axis.epoch(converge.epoch.at(-1)),
      yaxis: axis.log("error vs true function (log)", range),
      legend: topLegend,
      margin: { t: 40 },
      dragmode: false,
      hovermode: "x",
    },
  };
}

export function describe(converge, i) {
  return `Epoch ${converge.epoch[i]}: error against the true function ${fmt(converge.error[i])} for the regularised run, ${fmt(converge.baseline_error[i])} for the baseline.`;
}

export const mount = figure(async (el, d) => {
  const { data } = await loadData("regularisers");
  const { converge } = data;

  const live = stage(el);
  const fitBox = h("div", {
    class: "wtwm-plot wtwm-converge-fit",
    role: "img",
    "aria-label": "The regularised and the baseline network's predictions and the true function at the selected epoch",
  });
  const errorBox = h("div", {
    class: "wtwm-plot wtwm-converge-error",
    role: "img",
    "aria-label":
      "Error against the true function per epoch for both runs, log scale; click or drag to choose an epoch",
  });
  const say = captionLine(el);
  let ready = false; // the controls exist before the plots do
  const epochs = epochPlayer({
    el,
    prefix: PREFIX,
    epochs: converge.epoch,
    onFrame: () => ready && paint(),
    d,
  });
  live.append(epochs.root, h("div", { class: "wtwm-pair" }, fitBox, errorBox));

  const fit = await themedPlot(fitBox, (p) => fitSpec(data, converge, epochs.index(), p), d);
  const error = await themedPlot(errorBox, (p) => errorSpec(converge, epochs.index(), p), d);
  scrubPlot(errorBox, epochs.seekEpoch, d);

  function paint() {
    fit.update(); // the specs read the epoch shown: only the moving traces are re-plotted
    error.update();
    say(describe(converge, epochs.index()));
  }
  ready = true;
  paint();
});
