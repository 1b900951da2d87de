// The one rendering layer for the chapter's data figures, through Plotly's public
// API only. A figure describes WHAT to draw, spec(palette, scheme) -> {data, layout}
// (built with lib/plot-spec.js); themedPlot draws it in the current theme, again
// when the reader switches theme or the plot's box changes size, and at
// plot.update(): nothing when the spec did not change; Plotly.animate of just the
// traces whose points alone changed (a moving point or tangent, without
// recomputing a contour map under it); else Plotly.react. Figures keep unchanged
// data arrays by reference: a long array is compared by identity, the rest by value.
import { legendColumnsCollide, scaledText, textScaleOf } from "./plot-fit.js";
import { axisKeys, merge } from "./plot-spec.js";
import { loadPlotly, PLOT_CONFIG } from "./plotly.js";
import { currentScheme, onSchemeChange, palette, themedLayout } from "./theme.js";

const FRAME = { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" };

const arrayIds = new WeakMap();
let nextArrayId = 0;
const signature = (value) =>
  JSON.stringify(value, (_key, v) => {
    if (!Array.isArray(v) || v.length <= 16) return v;
    if (!arrayIds.has(v)) arrayIds.set(v, ++nextArrayId);
    return `#${arrayIds.get(v)}`;
  });
// A plot's frame (everything but the traces' points) and each trace's points.
const signatures = (data, layout) => ({
  frame: signature([data.map(({ x, y, ...rest }) => rest), layout]),
  points: data.map(({ x, y }) => signature([x, y])),
});

export async function themedPlot(container, spec, d) {
  const Plotly = await loadPlotly();
  let legend = null; // as the spec asks for it
  let wrapLegend = false; // measured after each resize (fit), not on every update
  let textScale = textScaleOf(container);
  let drawn = signatures([], {});
  let revision = 0;
  const current = () => {
    const scheme = currentScheme();
    const { data, layout } = spec(palette(scheme), scheme);
    const themed = themedLayout(scheme);
    for (const key of axisKeys(layout)) layout[key] = merge(themed.xaxis, layout[key]);
    legend = layout.legend;
    if (wrapLegend) layout.legend = { ...legend, entrywidth: undefined, entrywidthmode: undefined };
    const full = merge(themed, layout);
    return [data, textScale > 1 ? scaledText(full, textScale) : full];
  };
  const react = (data, layout) => {
    drawn = signatures(data, layout);
    return Plotly.react(container, data, { ...layout, datarevision: ++revision }, PLOT_CONFIG);
  };
  const plot = {
    gd: container,
    update() {
      const [data, layout] = current();
      const next = signatures(data, layout);
      if (next.frame !== drawn.frame) return react(data, layout);
      const traces = next.points.flatMap((points, i) => (points === drawn.points[i] ? [] : [i]));
      drawn = next;
      if (!traces.length) return Promise.resolve();
      return Plotly.animate(container, { data: traces.map((i) => ({ x: data[i].x, y: data[i].y })), traces }, FRAME);
    },
  };
  await react(...current());

  // Fitted to its box when the box changes size (Plotly's own `responsive` option
  // follows the window only). The legend's columns, if they would collide, wrap.
  const fit = async () => {
    const { width, height } = container.querySelector(".main-svg").getBoundingClientRect();
    const resized = Math.round(width) !== container.clientWidth || Math.round(height) !== container.clientHeight;
    const wrap = legendColumnsCollide(container, legend);
    const scale = textScaleOf(container);
    if (!resized && wrap === wrapLegend && scale === textScale) return;
    wrapLegend = wrap;
    textScale = scale;
    if (resized) await Plotly.Plots.resize(container);
    await react(...current());
    // Laid out again from the state just drawn: after a resize alone, a legend that
    // gained or lost a row stayed where it was, over the data.
    await Plotly.redraw(container);
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
