// Fitting a drawn plot to its box and to the reader: legend columns that would
// collide, and text grown with the reader's default size.
import { axisKeys, isObject } from "./plot-spec.js";

// Would the legend's entries, in columns, run into each other or out of the plot?
// Plotly does not wrap inside a column: on a 320 px phone "true function" ran into
// "train". Each entry's ink (symbol and text, from its own origin) is measured as
// drawn, so the answer holds whether the legend is in columns or wrapped now. Entries
// closer than a word space read as one ("true function train").
const ENTRY_GAP_PX = 12;
export function legendColumnsCollide(container, legend) {
  // The margins as drawn, around the plot area at the box's current width.
  const area = container.querySelector(".nsewdrag")?.getBoundingClientRect();
  const svg = container.querySelector(".main-svg")?.getBoundingClientRect();
  if (legend?.entrywidthmode !== "fraction" || !area?.width || !container.clientWidth) return false;
  const n = Math.round(1 / legend.entrywidth);
  const column = (container.clientWidth - (svg.width - area.width)) * legend.entrywidth;
  const right = svg.right - area.right;
  const inks = [...container.querySelectorAll(".legend .traces")].map((entry) => {
    const boxes = [...entry.querySelectorAll(".legendtext, .legendsymbols")].map((e) => e.getBBox());
    return { start: Math.min(...boxes.map((b) => b.x)), end: Math.max(...boxes.map((b) => b.x + b.width)) };
  });
  return inks.some(({ end }, i) => {
    const next = (i + 1) % n && inks[i + 1];
    return end > column + (next ? next.start - ENTRY_GAP_PX : right);
  });
}

// Readers who set a larger default text size in their browser get larger plot
// text too, with margins to match (never smaller than at 16 px). A plot's box has
// font-size: medium (figures.css), which is that setting; its height grows with
// it too (--wtwm-text-px). Plotly does not wrap legend entries: at most 13 px of
// text per 320 px of plot width keeps the longest inside the plot.
export const textScaleOf = (container) =>
  Math.max(1, Math.min(parseFloat(getComputedStyle(container).fontSize) / 16, container.clientWidth / 320));

// A copy of layout with every font size and margin scaled (figures may keep parts
// of their layouts between updates, so nothing is changed in place).
export function scaledText(layout, scale) {
  const scaled = (value) => {
    if (Array.isArray(value)) return value.map(scaled);
    if (!isObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        /font$/.test(key) && typeof inner?.size === "number"
          ? { ...scaled(inner), size: inner.size * scale }
          : scaled(inner),
      ]),
    );
  };
  const out = scaled(layout);
  out.margin = Object.fromEntries(Object.entries(out.margin ?? {}).map(([side, px]) => [side, Math.round(px * scale)]));
  for (const key of axisKeys(out)) out[key].automargin = true; // room for longer tick labels
  return out;
}
