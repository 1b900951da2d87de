// The one rendering layer for the chapter's data figures. Figures describe WHAT to
// draw (a spec function of palette and state); this module owns HOW: themed
// Plotly plots that restyle live, skip redraws that change nothing and move drawn
// traces in place when only their points change, plus the axis helpers.
import { loadPlotly, PLOT_CONFIG } from "./plotly.js";
import { currentScheme, onSchemeChange, palette, themedLayout } from "./theme.js";

export const axis = {
  epoch: (maxEpoch, extra = {}) => ({ title: { text: "epoch" }, range: [0, maxEpoch], fixedrange: true, ...extra }),
  linear: (title, range, extra = {}) => ({ title: { text: title }, ...(range ? { range } : {}), fixedrange: true, ...extra }),
  // Pass the range in data units: Plotly's log-axis range is in powers of ten.
  log: (title, [lo, hi], extra = {}) => ({
    type: "log", title: { text: title }, fixedrange: true, range: [Math.log10(lo), Math.log10(hi)], ...logTicks(lo, hi), ...extra,
  }),
};

// Readable log ticks: 1-2-5 steps over a short range, powers of ten over a long
// one, written as numbers (0.05) over a short range and as 10^k over a long one.
export function logTicks(lo, hi) {
  const k0 = Math.floor(Math.log10(lo));
  const k1 = Math.ceil(Math.log10(hi));
  const span = Math.log10(hi / lo); // decades shown
  const steps = span <= 1.2 ? [1, 1.5, 2, 3, 5, 7] : span <= 2.5 ? [1, 2, 5] : [1];
  const every = Math.max(1, Math.ceil(span / 6));
  const values = [];
  for (let k = k0; k <= k1; k += steps.length > 1 ? 1 : every) {
    for (const m of steps) {
      const v = Number((m * 10 ** k).toPrecision(3));
      if (v >= lo && v <= hi) values.push(v);
    }
  }
  if (values.length < 2) return {};
  const powers = span > 4; // a long range reads best as 10^k throughout
  const text = (v) => {
    if (!powers && v >= 1e-3 && v < 1e4) return String(v);
    const k = Math.floor(Math.log10(v) + 1e-9);
    const m = Math.round(v / 10 ** k);
    return `${m === 1 ? "" : `${m}×`}10<sup>${k}</sup>`;
  };
  return { tickmode: "array", tickvals: values, ticktext: values.map(text) };
}

// Horizontal legend above the plot: never covers data, wraps on a phone.
// legendColumns(2) lines short entries up in two columns instead, while each
// column is wide enough for its entries (themedPlot checks: legendColumnsCollide).
export const topLegend = { orientation: "h", traceorder: "normal", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom",
  itemclick: false, itemdoubleclick: false }; // state lives in the controls and the URL, not the legend
export const legendColumns = (n) => ({ ...topLegend, entrywidth: 1 / n, entrywidthmode: "fraction" });

// Would the legend's entries, in columns, run into each other or out of the plot?
// Plotly does not wrap inside a column: on a 320 px phone "true function" ran into
// "train". Each entry's ink (symbol and text, from its own origin) is measured as
// drawn, so the answer holds whether the legend is in columns or wrapped now.
const ENTRY_GAP_PX = 2;
function legendColumnsCollide(container, legend) {
  const size = container._fullLayout?._size;
  if (legend?.entrywidthmode !== "fraction" || !size || !container.clientWidth) return false;
  const n = Math.round(1 / legend.entrywidth);
  const column = (container.clientWidth - size.l - size.r) * legend.entrywidth;
  const inks = [...container.querySelectorAll(".legend .traces")].map((entry) => {
    const boxes = [...entry.querySelectorAll(".legendtext, .legendsymbols")].map((e) => e.getBBox());
    return { start: Math.min(...boxes.map((b) => b.x)), end: Math.max(...boxes.map((b) => b.x + b.width)) };
  });
  return inks.some(({ end }, i) => {
    const next = (i + 1) % n && inks[i + 1];
    return end > column + (next ? next.start - ENTRY_GAP_PX : size.r);
  });
}

// Holds content-visibility: visible on a section (if any) until every holder
// has released it; the section's own rule applies again after.
const holds = new WeakMap();
function keepRendered(section) {
  if (!section) return () => {};
  holds.set(section, (holds.get(section) ?? 0) + 1);
  section.style.contentVisibility = "visible";
  return () => {
    const left = holds.get(section) - 1;
    holds.set(section, left);
    if (!left) section.style.contentVisibility = "";
  };
}

// A vertical line at x spanning the plot height, and its label.
export function vline(x, color, dash = "dot", extra = {}) {
  return { type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, line: { color, width: 1.5, dash }, ...extra };
}

// Readers who set a larger default text size in their browser get larger plot
// text too, with margins to match (never smaller than at 16 px). A plot's box has
// font-size: medium (figures.css), which is that setting; its height grows with
// it too (--wtwm-text-px). Plotly does not wrap legend entries: at most 13 px of
// text per 320 px of plot width keeps the longest inside the plot.
const textScaleOf = (container) =>
  Math.max(1, Math.min(parseFloat(getComputedStyle(container).fontSize) / 16, container.clientWidth / 320));

// A copy of layout with every font size and margin scaled (figures may keep parts
// of their layouts between updates, so nothing is changed in place).
function scaledText(layout, scale) {
  const scaled = (value) => {
    if (Array.isArray(value)) return value.map(scaled);
    if (!isObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) =>
      [key, /font$/.test(key) && typeof inner?.size === "number" ? { ...scaled(inner), size: inner.size * scale } : scaled(inner)]));
  };
  const out = scaled(layout);
  out.margin = Object.fromEntries(Object.entries(out.margin ?? {}).map(([side, px]) => [side, Math.round(px * scale)]));
  for (const key of axisKeys(out)) out[key].automargin = true; // room for longer tick labels
  return out;
}

function isObject(value) {
  return value && typeof value === "object" && !Array.isArray(value);
}

export function merge(base, extra) {
  const out = { ...base };
  for (const [key, value] of Object.entries(extra ?? {})) {
    out[key] = isObject(value) && isObject(base?.[key]) ? merge(base[key], value) : value;
  }
  return out;
}

// Per-frame updates go through Plotly.animate with zero-length transitions and
// no full redraw: only the listed traces are re-plotted (about twice as fast as
// restyle here), and nothing is ever tweened.
const FRAME = { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" };

// Traces moved in place are re-plotted by Plotly (10-20 ms, so that its hover data
// and resizes agree with the drawing) once the reader has paused this long, or at
// once when the pointer moves over the plot or the window resizes. Timed at 150 ms,
// the re-plot often ran just before the reader's next change and delayed its frame
// (knobs, p95 15.0 -> 8.5 ms).
export const CATCH_UP_MS = 1000;

// A cheap fingerprint of a spec: long arrays count by identity (figures keep
// unchanged data by reference), everything else by value.
const arrayIds = new WeakMap();
let nextArrayId = 0;
function signature(value) {
  return JSON.stringify(value, (key, v) => {
    if (!Array.isArray(v) || v.length <= 16) return v;
    if (!arrayIds.has(v)) arrayIds.set(v, ++nextArrayId);
    return `#${arrayIds.get(v)}`;
  });
}
const axisKeys = (layout) => Object.keys(layout).filter((key) => /^[xy]axis\d*$/.test(key));
// The state a plot shows, in parts: its frame (everything but the points and the
// axis ranges), the ranges, the points, and all of it (key).
function signatures(data, layout) {
  const axes = axisKeys(layout);
  const ranges = JSON.stringify(axes.map((key) => layout[key].range ?? null));
  const rangeless = { ...layout };
  for (const key of axes) rangeless[key] = { ...layout[key], range: null };
  const frame = signature([data.map(({ x, y, ...rest }) => rest), rangeless]);
  const points = signature(data.map(({ x, y }) => [x, y]));
  return { frame, ranges, points, key: frame + ranges + points };
}

// Draws spec(palette, scheme) -> {data, layout} into container in the current
// theme and redraws it (Plotly.react) whenever the reader toggles the theme.
// After a state change figures call plot.redraw() (skipped when the spec did not
// change), plot.update() (the same, but moves the drawn traces at once when
// only their points and axis ranges changed), or plot.frame() / plot.scrub() per frame.
export async function themedPlot(container, spec, d) {
  const Plotly = await loadPlotly();
  let legend = null; // as the spec asks for it
  let wrapLegend = false; // measured by fit, not on every update: it reads layout
  let textScale = textScaleOf(container); // read again by fit, not on every update
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
  let drawn = signatures([], {}); // the state the SVG shows
  // A re-plot due while the plot's section is skipped (content-visibility) waits
  // until it is shown (fit): run there, it left the layer widget's plot without
  // tick text (in 6 of 12 tours of the chapter with 24-32 px text).
  let replotWhenShown = false;
  let catchUp = 0; // a pending re-plot by Plotly of what was moved in place
  let replot = null;
  const cancelCatchUp = () => {
    clearTimeout(catchUp);
    catchUp = 0;
  };
  const catchUpNow = () => {
    if (!catchUp) return;
    cancelCatchUp();
    if (container.checkVisibility({ contentVisibilityAuto: true })) replot();
    else replotWhenShown = true;
  };
  // Plotly's diff ignores new data arrays while datarevision stays the same, so
  // react gives it a new one whenever the points changed. Traces moved in place
  // (below) count too: Plotly's copy of them is behind the drawing, and its diff
  // cannot tell (the data may even be back where Plotly last drew it).
  const movedTraces = new Set();
  let revision = 0;
  const react = (data, layout) => {
    cancelCatchUp();
    const next = signatures(data, layout);
    if (movedTraces.size || next.points !== drawn.points) revision += 1;
    drawn = next;
    movedTraces.clear();
    return Plotly.react(container, data, { ...layout, datarevision: revision }, PLOT_CONFIG);
  };
  const settle = (next) => {
    cancelCatchUp();
    replot = next;
    catchUp = setTimeout(catchUpNow, CATCH_UP_MS);
  };
  // Moves the traces whose points changed, or returns false (the caller reacts).
  const move = (data, next) => {
    const changed = data.flatMap((trace, i) =>
      trace.x !== container.data[i]?.x || trace.y !== container.data[i]?.y ? [i] : []);
    if (!moveDrawnTraces(container, changed.map((i) => data[i]), changed)) return false;
    for (const i of changed) movedTraces.add(i);
    drawn = next;
    return true;
  };
  // New axis ranges and nothing else new but points (a diverging descent
  // outgrowing its axes): a relayout draws the ticks and Plotly's own copy of the
  // traces, about 4 ms against 8-14 ms for a full react; then the traces whose
  // points Plotly does not have yet are moved in place on the new axes.
  const newRanges = (data, layout, next) => {
    const axes = axisKeys(layout);
    if (next.frame !== drawn.frame || !axes.every((key) => Array.isArray(layout[key].range))) return false;
    cancelCatchUp();
    Plotly.relayout(container, Object.fromEntries(axes.map((key) => [`${key}.range`, layout[key].range])));
    const applied = axes.every((key) => String(container._fullLayout[key]?.range) === String(layout[key].range));
    const behind = [...movedTraces];
    if (!applied || (behind.length && !moveDrawnTraces(container, behind.map((i) => container.data[i]), behind))) return false;
    drawn = { ...drawn, ranges: next.ranges, key: drawn.frame + next.ranges + drawn.points };
    return next.points === drawn.points || move(data, next);
  };
  await react(...current());
  // Plotly's own `responsive` option resized plots on every window resize, even
  // in a section the browser was skipping (content-visibility): measured there,
  // a plot came back without any text and at its old size (a phone turned to
  // landscape). So a plot is fitted to its box only while shown: when the box
  // changes size, and when its section is shown again. Fitting also chooses
  // between legend columns and wrapping (legendColumnsCollide).
  const section = container.closest(".wtwm-section");
  if (section) d.on(section, "contentvisibilityautostatechange", (event) => { if (!event.skipped) requestAnimationFrame(fit); });
  const fitOnce = async () => {
    if (!container.checkVisibility({ contentVisibilityAuto: true })) return;
    const wrap = legendColumnsCollide(container, legend);
    const { width, height } = container._fullLayout;
    const resized = Math.abs(width - container.clientWidth) >= 0.5 || Math.abs(height - container.clientHeight) >= 0.5;
    const scale = textScaleOf(container);
    if (!resized && wrap === wrapLegend && scale === textScale && !replotWhenShown) return;
    wrapLegend = wrap;
    textScale = scale;
    replotWhenShown = false;
    // Plotly draws asynchronously: a reader scrolling away mid-draw would have
    // the rest drawn unseen, so the section is kept rendered until it is done.
    const release = keepRendered(section);
    try {
      if (resized) await Plotly.Plots.resize(container);
      await react(...current());
      // Laid out and drawn again from the current state: a resize alone leaves a
      // legend that gained or lost rows where it was, over the data.
      await Plotly.redraw(container);
    } finally {
      release();
    }
  };
  // One fit at a time: a resize and a reveal often come together.
  let fitting = null;
  let fitAgain = false;
  const fit = () => {
    if (fitting) {
      fitAgain = true;
      return fitting;
    }
    fitting = fitOnce().finally(() => {
      fitting = null;
      if (fitAgain) {
        fitAgain = false;
        fit();
      }
    });
    return fitting;
  };
  await fit();
  const resizes = new ResizeObserver(() => fit());
  resizes.observe(container);
  d.add(() => resizes.disconnect());
  const plot = {
    Plotly,
    gd: container,
    redraw: () => {
      const [data, layout] = current();
      const next = signatures(data, layout);
      return next.key === drawn.key ? Promise.resolve() : react(data, layout);
    },
    // Moves the drawn SVG of the traces whose points changed (well under a
    // millisecond) when nothing but points and axis ranges did, and lets Plotly
    // catch up later (CATCH_UP_MS). Any other change is a react.
    update: () => {
      const [data, layout] = current();
      const next = signatures(data, layout);
      if (next.key === drawn.key) {
        // Still moving (only marks change, say): the re-plot waits for a pause.
        if (catchUp) settle(() => react(...current()));
        return;
      }
      const done = next.frame === drawn.frame
        && (next.ranges === drawn.ranges ? move(data, next) : newRanges(data, layout, next));
      if (!done) {
        react(data, layout);
        return;
      }
      if (movedTraces.size) settle(() => react(...current()));
    },
    frame: (data, traces) => Plotly.animate(container, { data, traces }, FRAME),
    // Scrubbing: move the drawn SVG of plain line/marker traces directly (well under
    // a millisecond, against ~20 ms for any Plotly update); Plotly catches up later.
    scrub: (data, traces) => {
      cancelCatchUp();
      if (!moveDrawnTraces(container, data, traces)) return plot.frame(data, traces);
      for (const i of traces) movedTraces.add(i);
      settle(() => {
        for (const i of traces) movedTraces.delete(i);
        plot.frame(data, traces);
      });
    },
  };
  d.add(cancelCatchUp);
  // Hover labels come from Plotly's copy (and a resize re-lays the plot out from it:
  // see fit). A pressed button is a scrub (scrubPlot): it keeps moving the drawing.
  d.on(container, "pointermove", (event) => { if (!event.buttons) catchUpNow(); }, true);
  d.add(onSchemeChange(() => plot.redraw()));
  d.add(() => Plotly.purge(container));
  return plot;
}

// The pixel positions of a trace's points (and its line's path), kept for each
// data array while the axes stay put: going back to a state shown before (an
// epoch, a knob setting) reuses them instead of transforming every point again.
const pixelCache = new WeakMap(); // ys -> {xs, axes, pixels, path}
function tracePixels(xa, ya, xs, ys, toPixel) {
  const axes = `${xa.type} ${xa.range} ${xa._length} ${ya.type} ${ya.range} ${ya._length}`;
  const cached = pixelCache.get(ys);
  if (cached?.xs === xs && cached.axes === axes) return cached;
  const pixels = xs.map((x, j) => [toPixel(xa, x), toPixel(ya, ys[j])]);
  const entry = { xs, axes, pixels, path: `M${pixels.map((p) => p.join(",")).join("L")}` };
  pixelCache.set(ys, entry);
  return entry;
}

// Moves scatter traces (lines and/or markers) and vertical bar traces, one x/y
// subplot, to new data by rewriting their SVG with Plotly's own axis transforms.
// Returns false when the plot is not in a state it understands; the caller then
// asks Plotly instead. Plotly's copy of the input data agrees at once; its
// computed state waits for the next Plotly call, which compares against that.
function moveDrawnTraces(gd, data, traces) {
  const xa = gd._fullLayout?.xaxis;
  const ya = gd._fullLayout?.yaxis;
  const groups = gd.querySelectorAll(".scatterlayer .trace, .barlayer .trace");
  if (!xa?.l2p || !ya?.l2p || groups.length !== gd.data.length) return false;
  const toPixel = (axis, value) => axis.l2p(axis.d2l(value)).toFixed(2);
  const moves = [];
  for (const [k, index] of traces.entries()) {
    const xs = data[k].x ?? gd.data[index].x;
    const ys = data[k].y ?? gd.data[index].y;
    const group = groups[index];
    if (gd.data[index].type === "bar") {
      const bars = group.querySelectorAll("path");
      if (bars.length !== ys.length || xa.type !== "category" || gd.data[index].visible === false) return false;
      const base = toPixel(ya, 0);
      const tops = ys.map((y) => toPixel(ya, y));
      if (tops.includes("NaN")) return false;
      moves.push(() => bars.forEach((bar, j) => {
        bar.setAttribute("d", bar.getAttribute("d").replace(/^(M[^,]+,)[^V]+V[^H]+(H[^V]+)V.*$/, `$1${base}V${tops[j]}$2V${base}Z`));
      }));
      continue;
    }
    const line = group.querySelector("path.js-line");
    const points = group.querySelectorAll("path.point");
    if (points.length && points.length !== xs.length) return false;
    if (!line && !points.length && xs.length) return false; // hidden or not drawn yet
    const { pixels, path } = tracePixels(xa, ya, xs, ys, toPixel);
    if (pixels.some(([px, py]) => px === "NaN" || py === "NaN")) return false;
    moves.push(() => {
      line?.setAttribute("d", path);
      points.forEach((point, j) => point.setAttribute("transform", `translate(${pixels[j].join(",")})`));
    });
  }
  for (const move of moves) move();
  traces.forEach((index, k) => Object.assign(gd.data[index], data[k]));
  return true;
}

// Clicking or dragging across the plot area calls onX(x in data units). The x
// axis must have an explicit range (axis.epoch does). Vertical swipes still
// scroll the page on a phone (touch-action: pan-y in figures.css).
export function scrubPlot(gd, onX, d) {
  let active = false;
  const toX = (event) => {
    const area = gd.querySelector(".nsewdrag") ?? gd;
    const box = area.getBoundingClientRect();
    const [x0, x1] = gd.layout.xaxis.range;
    const t = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    return x0 + t * (x1 - x0);
  };
  d.on(gd, "pointerdown", (event) => {
    if (event.button !== 0) return;
    active = true;
    gd.setPointerCapture?.(event.pointerId);
    onX(toX(event));
  }, true);
  d.on(gd, "pointermove", (event) => { if (active) onX(toX(event)); }, true);
  for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) d.on(gd, type, () => { active = false; });
}
