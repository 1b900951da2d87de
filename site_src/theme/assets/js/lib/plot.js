// Draws a figure's spec(palette, scheme) -> {data, layout} with Plotly's public API,
// again when the theme or the box changes and at plot.update(): Plotly.animate when
// only points moved (no contour map recomputed under a moving point), else react.
import { scaledText, textScaleOf } from "./plot-fit.js";
import { axisKeys, merge } from "./plot-spec.js";
import { loadPlotly, PLOT_CONFIG } from "./plotly.js";
import { currentScheme, onSchemeChange, palette, themedLayout } from "./theme.js";

const FRAME = { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" };

// Long data arrays are compared by identity: figures keep unchanged ones.
const arrayIds = new WeakMap();
let nextArrayId = 0;
const signature = (value) =>
  JSON.stringify(value, (_key, v) => {
    if (!Array.isArray(v) || v.length <= 16) return v;
    if (!arrayIds.has(v)) arrayIds.set(v, ++nextArrayId);
    return `#${arrayIds.get(v)}`;
  });
// A plot's frame (all but what moves) and each trace's points, with their labels.
const pointsOf = ({ x, y, text }) => ({ x, y, text });
const signatures = (data, layout) => ({
  frame: signature([data.map(({ x, y, text, ...rest }) => rest), layout]),
  points: data.map((trace) => signature(pointsOf(trace))),
});

export async function themedPlot(container, spec, d) {
  const Plotly = await loadPlotly();
  let textScale = textScaleOf(container);
  let drawn = signatures([], {});
  let revision = 0;
  const current = () => {
    const scheme = currentScheme();
    const { data, layout } = spec(palette(scheme), scheme);
    const themed = themedLayout(scheme);
    for (const key of axisKeys(layout)) layout[key] = merge(themed.xaxis, layout[key]);
    const full = merge(themed, layout);
    return [data, textScale > 1 ? scaledText(full, textScale) : full];
  };
  const react = (data, layout) => {
    drawn = signatures(data, layout);
    return Plotly.react(container, data, { ...layout, datarevision: ++revision }, PLOT_CONFIG);
  };
  const plot = {
    update() {
      const [data, layout] = current();
      const next = signatures(data, layout);
      if (next.frame !== drawn.frame) return react(data, layout);
      const traces = next.points.flatMap((points, i) => (points === drawn.points[i] ? [] : [i]));
      drawn = next;
      if (!traces.length) return Promise.resolve();
      return Plotly.animate(container, { data: traces.map((i) => pointsOf(data[i])), traces }, FRAME);
    },
  };
  await react(...current());

  // Fitted to its box when the box changes size (Plotly's `responsive` follows the window only).
  const fit = async () => {
    const { width, height } = container.querySelector(".main-svg").getBoundingClientRect();
    const resized = Math.round(width) !== container.clientWidth || Math.round(height) !== container.clientHeight;
    const scale = textScaleOf(container);
    if (!resized && scale === textScale) return;
    textScale = scale;
    if (resized) await Plotly.Plots.resize(container);
    await react(...current());
    await Plotly.redraw(container); // else a legend that gained a row after a resize stays over the data
  };
  let fitting = Promise.resolve();
  const refit = () => (fitting = fitting.then(fit)); // one fit at a time
  await refit();
  const resizes = new ResizeObserver(refit);
  resizes.observe(container);
  d.add(() => resizes.disconnect());
  d.add(onSchemeChange(() => plot.update()));
  d.add(() => Plotly.purge(container));
  return plot;
}
