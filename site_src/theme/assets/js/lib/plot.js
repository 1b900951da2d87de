// The one rendering layer for the chapter's data figures. Figures describe WHAT to
// draw (a spec function of palette and state, built with lib/plot-spec.js); this
// module owns HOW: themed Plotly plots that restyle live, skip redraws that change
// nothing and move drawn traces in place when only their points change.
import { keepRendered, legendColumnsCollide, scaledText, textScaleOf } from "./plot-fit.js";
import { moveDrawnTraces } from "./plot-move.js";
import { axisKeys, merge } from "./plot-spec.js";
import { loadPlotly, PLOT_CONFIG } from "./plotly.js";
import { currentScheme, onSchemeChange, palette, themedLayout } from "./theme.js";

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
