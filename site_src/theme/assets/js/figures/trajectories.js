// From the derivative to code: the NumPy loop and the PyTorch loop, epoch by
// epoch, overlaid (w, b, loss), and their absolute difference on its own log axis.
import { loadData } from "../lib/data.js";
import { axis, figure, extent, h, padded, stage, themedPlot, topLegend } from "../lib/plot.js";

// Four stacked panels sharing the epoch axis (top to bottom).
const PANELS = [
  { key: "w", title: "w", domain: [0.79, 1] },
  { key: "b", title: "b", domain: [0.53, 0.74] },
  { key: "train_loss", title: "loss (log)", domain: [0.27, 0.48], log: true },
  { key: "diff", title: "|NumPy − PyTorch|", domain: [0, 0.22], log: true },
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
  const diffs = [["w", "dash"], ["b", "dot"], ["train_loss", "solid"]];
  diffs.forEach(([key, dash], i) => traces.push({
    type: "scatter", mode: "lines", name: `|Δ${key === "train_loss" ? "loss" : key}|`, x: numpy.epoch, y: absDiff(numpy[key], torch[key]),
    yaxis: "y4", line: { color: p.series[2 + i], width: 1.5, dash }, hovertemplate: `|Δ${key}| %{y:.2e}<extra></extra>`,
  }));
  const layout = {
    xaxis: axis.epoch(numpy.epoch.at(-1), { anchor: "y4" }),
    legend: topLegend, margin: { t: 40, l: 72 }, hovermode: "x",
  };
  PANELS.forEach((panel, i) => {
    const key = i === 0 ? "yaxis" : `yaxis${i + 1}`;
    const values = panel.key === "diff" ? traces.slice(6).map((t) => t.y) : [numpy[panel.key], torch[panel.key]];
    const [lo, hi] = extent(...values);
    const range = panel.log ? (Number.isFinite(lo) ? [lo / 3, hi * 3] : [1e-17, 1e-15]) : padded([lo, hi], 0.1);
    layout[key] = { ...(panel.log ? axis.log(panel.title, range) : axis.linear(panel.title, range)), domain: panel.domain, anchor: "x" };
  });
  return { data: traces, layout };
}

export const mount = figure(async (el, d) => {
  const { data } = await loadData("linear");
  const box = h("div", { class: "wtwm-plot wtwm-trajectories-plot", role: "img", "aria-label": "w, b and loss per epoch for the NumPy and PyTorch loops, overlaid, and their absolute difference on a log scale" });
  stage(el).append(box);
  await themedPlot(box, (p) => spec(data, p), d);
});
