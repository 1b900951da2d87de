// Watch the model find the function: the best regularised run's prediction
// settling onto the true function, frame by frame, beside its error against the
// true function. Same play/scrub controller as the hero (lib/plot.js).
import { loadData } from "../lib/data.js";
import { captionLine, h, stage } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { extent, fmt, padded } from "../lib/numbers.js";
import { epochPlayer, scrubPlot } from "../lib/player.js";
import { themedPlot } from "../lib/plot.js";
import { axis, legendColumns, topLegend } from "../lib/plot-spec.js";

const PREFIX = "converge";

export function fitSpec(data, yHat, p) {
  return {
    data: [
      { type: "scatter", mode: "lines", name: "true function", x: data.grid.x, y: data.grid.y_true, line: { color: p.truth, width: 1.5, dash: "dash" }, hoverinfo: "skip" },
      { type: "scatter", mode: "markers", name: "train", x: data.train.x, y: data.train.y, marker: { symbol: "circle", size: 7, color: p.train }, hoverinfo: "skip" },
      { type: "scatter", mode: "lines", name: "prediction", x: data.grid.x, y: yHat, line: { color: p.prediction, width: 3 }, hoverinfo: "skip" },
    ],
    layout: {
      xaxis: axis.linear("x", padded(extent(data.grid.x), 0.02)),
      yaxis: axis.linear("y", padded(extent(data.train.y, data.grid.y_true), 0.15)),
      legend: legendColumns(2), margin: { t: 56 },
    },
  };
}

export function errorSpec(converge, i, p) {
  const [lo, hi] = extent(converge.error);
  const range = [lo / 1.6, hi * 1.6];
  const epoch = converge.epoch[i];
  return {
    data: [
      { type: "scatter", mode: "lines", name: "error vs true function", x: converge.epoch, y: converge.error, line: { color: p.prediction, width: 2 }, hovertemplate: "epoch %{x}: error %{y:.3g}<extra></extra>" },
      { type: "scatter", mode: "markers", name: "now", showlegend: false, x: [epoch], y: [converge.error[i]], marker: { size: 10, color: p.accent }, hoverinfo: "skip" },
      { type: "scatter", mode: "lines", name: "epoch shown", showlegend: false, hoverinfo: "skip", x: [epoch, epoch], y: range, line: { color: p.muted, width: 1.5 } },
    ],
    layout: {
      xaxis: axis.epoch(converge.epoch.at(-1)),
      yaxis: axis.log("error (log)", range),
      legend: topLegend, margin: { t: 40 }, dragmode: false, hovermode: "x",
    },
  };
}

export const mount = figure(async (el, d) => {
  const { data } = await loadData("regularisers");
  const { converge } = data;

  const live = stage(el);
  const fitBox = h("div", { class: "wtwm-plot wtwm-converge-fit", role: "img", "aria-label": "The regularised network's prediction and the true function at the selected epoch" });
  const errorBox = h("div", { class: "wtwm-plot wtwm-converge-error", role: "img", "aria-label": "Error against the true function per epoch, log scale; click or drag to choose an epoch" });
  const say = captionLine(el);
  let ready = false; // the controls exist before the plots do
  const epochs = epochPlayer({ el, prefix: PREFIX, section: "find-the-function", epochs: converge.epoch, onFrame: () => ready && paint(), d });
  live.append(epochs.root, h("div", { class: "wtwm-pair" }, fitBox, errorBox));

  const fit = await themedPlot(fitBox, (p) => fitSpec(data, converge.y_hat[epochs.index()], p), d);
  const error = await themedPlot(errorBox, (p) => errorSpec(converge, epochs.index(), p), d);
  scrubPlot(errorBox, epochs.seekEpoch, d);

  function paint() {
    const i = epochs.index();
    const epoch = converge.epoch[i];
    fit.update();
    error.update();
    say(`Now showing epoch ${epoch}: error against the true function ${fmt(converge.error[i])} (it starts at ${fmt(converge.error[0])} and ends at ${fmt(converge.error.at(-1))}).`);
  }
  ready = true;
  paint();
});
