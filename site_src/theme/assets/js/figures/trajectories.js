// From the derivative to code: the NumPy loop and the PyTorch loop, epoch by
// epoch, overlaid (w, b, loss), and their absolute difference on its own log axis.
import { loadData } from "../lib/data.js";
import { captionLine, h, stage } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { extent, fmt, padded } from "../lib/numbers.js";
import { axis, legendColumns, themedPlot } from "../lib/plot.js";

// Four stacked panels sharing the epoch axis (top to bottom).
const PANELS = [
  { key: "w", title: "w", domain: [0.79, 1] },
  { key: "b", title: "b", domain: [0.53, 0.74] },
  { key: "train_loss", title: "loss (log)", domain: [0.27, 0.48], log: true },
  { key: "diff", title: "|Δ| (log)", domain: [0, 0.22], log: true },
];

// |a - b| per epoch; exact zeros cannot sit on a log axis, so they become gaps.
export function absDiff(a, b) {
  return a.map((v, i) => {
    const diff = Math.abs(v - b[i]);
    return Number.isFinite(diff) && diff > 0 ? diff : null;
  });
}

export function spec(data, p) {
  const { numpy, torch } = data;
  const yaxis = (i) => (i === 0 ? "y" : `y${i + 1}`);
  const traces = [];
  PANELS.slice(0, 3).forEach((panel, i) => {
    traces.push(
      { type: "scatter", mode: "lines", name: "NumPy", legendgroup: "numpy", showlegend: i === 0, x: numpy.epoch, y: numpy[panel.key], yaxis: yaxis(i),
        line: { color: p.series[0], width: 4 }, hovertemplate: `NumPy ${panel.key} %{y:.6g}<extra></extra>` },
      { type: "scatter", mode: "lines+markers", name: "PyTorch", legendgroup: "torch", showlegend: i === 0, x: torch.epoch, y: torch[panel.key], yaxis: yaxis(i),
        line: { color: p.series[1], width: 1.5, dash: "dot" }, marker: { symbol: "circle-open", size: 7, maxdisplayed: 25, color: p.series[1] },
        hovertemplate: `PyTorch ${panel.key} %{y:.6g}<extra></extra>` },
    );
  });
  // Per-epoch |difference| where the exported (rounded) values differ, and the
  // largest difference before rounding (max_abs_diff) as a level line.
  const names = { w: "w", b: "b", train_loss: "loss" };
  const last = numpy.epoch.at(-1);
  ["w", "b", "train_loss"].forEach((key, i) => {
    const color = p.series[2 + i];
    traces.push(
      { type: "scatter", mode: "lines", name: `|Δ${names[key]}| per epoch`, legendgroup: key, showlegend: false, x: numpy.epoch, y: absDiff(numpy[key], torch[key]),
        yaxis: "y4", line: { color, width: 1.5 }, hovertemplate: `|Δ${names[key]}| %{y:.2e}<extra></extra>` },
      { type: "scatter", mode: "lines", name: `max |Δ${names[key]}|`, legendgroup: key, x: [0, last], y: [data.max_abs_diff[key], data.max_abs_diff[key]],
        yaxis: "y4", line: { color, width: 2, dash: ["dash", "dot", "dashdot"][i] }, hovertemplate: `largest |Δ${names[key]}| %{y:.2e}<extra></extra>` },
    );
  });
  const layout = {
    xaxis: axis.epoch(numpy.epoch.at(-1), { anchor: "y4" }),
    legend: legendColumns(2), margin: { t: 40, l: 64 }, hovermode: "x",
  };
  PANELS.forEach((panel, i) => {
    const key = i === 0 ? "yaxis" : `yaxis${i + 1}`;
    const values = panel.key === "diff" ? traces.slice(6).map((t) => t.y) : [numpy[panel.key], torch[panel.key]];
    const [lo, hi] = extent(...values);
    const range = panel.log ? [lo / 4, hi * 4] : padded([lo, hi], 0.1);
    layout[key] = { ...(panel.log ? axis.log(panel.title, range) : axis.linear(panel.title, range)), domain: panel.domain, anchor: "x" };
  });
  return { data: traces, layout };
}

// Whether the exported per-epoch values differ at all, in words.
export function describe(data, sigDigits) {
  const differing = ["w", "b", "train_loss"].filter((key) => absDiff(data.numpy[key], data.torch[key]).some((v) => v !== null));
  if (differing.length === 0) {
    return `At every epoch the exported values agree to all ${sigDigits} stored digits; the level lines are the largest differences before rounding.`;
  }
  return `The exported values differ in ${differing.join(", ")} at some epochs, by at most ${fmt(Math.max(...differing.map((k) => data.max_abs_diff[k])), 2)}.`;
}

export const mount = figure(async (el, d) => {
  const { data, config } = await loadData("linear");
  const box = h("div", { class: "wtwm-plot wtwm-trajectories-plot", role: "img", "aria-label": "w, b and loss per epoch for the NumPy and PyTorch loops, overlaid, and their absolute difference on a log scale" });
  stage(el).append(box);
  await themedPlot(box, (p) => spec(data, p), d);
  captionLine(el)(describe(data, config.sig_digits));
});
