// From the derivative to code: the NumPy loop and the PyTorch loop, epoch by
// epoch, overlaid (w, b, loss), and their absolute difference per epoch (taken
// before rounding, in precompute) on its own log axis.
import { loadData } from "../lib/data.js";
import { captionLine, h, stage } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { extent, fmt, padded } from "../lib/numbers.js";
import { themedPlot } from "../lib/plot.js";
import { axis, topLegend } from "../lib/plot-spec.js";

// Four stacked panels sharing the epoch axis (top to bottom).
const PANELS = [
  { key: "w", title: "w", domain: [0.79, 1] },
  { key: "b", title: "b", domain: [0.53, 0.74] },
  { key: "train_loss", title: "loss (log)", domain: [0.27, 0.48], log: true },
  { key: "diff", title: "|Δ| (log)", domain: [0, 0.22], log: true },
];

// Exact zeros cannot sit on a log axis: an epoch where the loops agree bit for
// bit becomes a gap.
export function onLogAxis(values) {
  return values.map((v) => (Number.isFinite(v) && v > 0 ? v : null));
}

export function spec(data, p) {
  const { numpy, torch } = data;
  const yaxis = (i) => (i === 0 ? "y" : `y${i + 1}`);
  const traces = [];
  PANELS.slice(0, 3).forEach((panel, i) => {
    traces.push(
      {
        type: "scatter",
        mode: "lines",
        name: "NumPy",
        legendgroup: "numpy",
        showlegend: i === 0,
        x: numpy.epoch,
        y: numpy[panel.key],
        yaxis: yaxis(i),
        line: { color: p.series[0], width: 4 },
        hovertemplate: `NumPy ${panel.key} %{y:.6g}<extra></extra>`,
      },
      {
        type: "scatter",
        mode: "lines+markers",
        name: "PyTorch",
        legendgroup: "torch",
        showlegend: i === 0,
        x: torch.epoch,
        y: torch[panel.key],
        yaxis: yaxis(i),
        line: { color: p.series[1], width: 1.5, dash: "dot" },
        marker: { symbol: "circle-open", size: 7, maxdisplayed: 25, color: p.series[1] },
        hovertemplate: `PyTorch ${panel.key} %{y:.6g}<extra></extra>`,
      },
    );
  });
  // Per-epoch |difference|, a point wherever the loops differ at all, and the
  // largest difference as a level line.
  const names = { w: "w", b: "b", train_loss: "loss" };
  const last = numpy.epoch.at(-1);
  const symbols = ["circle", "square", "diamond"];
  ["w", "b", "train_loss"].forEach((key, i) => {
    const color = p.series[2 + i];
    traces.push(
      {
        type: "scatter",
        mode: "markers",
        name: `|Δ${names[key]}| per epoch`,
        legendgroup: key,
        showlegend: false,
        x: numpy.epoch,
        y: onLogAxis(data.abs_diff[key]),
        yaxis: "y4",
        marker: { color, size: 6, symbol: symbols[i] },
        hovertemplate: `|Δ${names[key]}| %{y:.2e}, epoch %{x}<extra></extra>`,
      },
      {
        type: "scatter",
        mode: "lines",
        name: `max |Δ${names[key]}|`,
        legendgroup: key,
        x: [0, last],
        y: [data.max_abs_diff[key], data.max_abs_diff[key]],
        yaxis: "y4",
        line: { color, width: 1.5, dash: ["dash", "dot", "dashdot"][i] },
        hovertemplate: `largest |Δ${names[key]}| %{y:.2e}<extra></extra>`,
      },
    );
  });
  const layout = {
    xaxis: axis.epoch(numpy.epoch.at(-1), { anchor: "y4" }),
    legend: topLegend,
    margin: { t: 40, l: 64 },
    hovermode: "x",
  };
  PANELS.forEach((panel, i) => {
    const key = i === 0 ? "yaxis" : `yaxis${i + 1}`;
    const values = panel.key === "diff" ? traces.slice(6).map((t) => t.y) : [numpy[panel.key], torch[panel.key]];
    const [lo, hi] = extent(...values);
    const range = panel.log ? [lo / 4, hi * 4] : padded([lo, hi], 0.1);
    layout[key] = {
      ...(panel.log ? axis.log(panel.title, range) : axis.linear(panel.title, range)),
      domain: panel.domain,
      anchor: "x",
    };
  });
  return { data: traces, layout };
}

// How often the two loops agree bit for bit, and how far apart they get, in words.
export function describe(data) {
  const epochs = data.numpy.epoch.length;
  const names = { w: "w", b: "b", train_loss: "the loss" };
  const exact = Object.entries(names).map(
    ([key, name]) => `${name} at ${data.abs_diff[key].filter((v) => v === 0).length}`,
  );
  const largest = Math.max(...Object.keys(names).map((key) => data.max_abs_diff[key]));
  return `Of ${epochs} epochs, the two loops agree bit for bit in ${exact.join(", ")}; elsewhere they differ by at most ${fmt(largest, 2)}.`;
}

export const mount = figure(async (el, d) => {
  const { data } = await loadData("linear");
  const box = h("div", {
    class: "wtwm-plot wtwm-trajectories-plot",
    role: "img",
    "aria-label":
      "w, b and loss per epoch for the NumPy and PyTorch loops, overlaid, and their absolute difference on a log scale",
  });
  stage(el).append(box);
  await themedPlot(box, (p) => spec(data, p), d);
  captionLine(el)(describe(data));
});
