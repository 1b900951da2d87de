// Plot text for readers who set a larger default text size in their browser.
import { axisKeys, isObject } from "./plot-spec.js";

// The scale of a plot's text: its box has font-size: medium (figures.css), which
// is the reader's setting, never below 1. Plotly does not wrap legend entries:
// at most 13 px of text per 320 px of plot width keeps the longest inside.
export const textScaleOf = (container) =>
  Math.max(1, Math.min(parseFloat(getComputedStyle(container).fontSize) / 16, container.clientWidth / 320));

// A copy of layout with every font size and margin scaled (figures keep parts of
// their layouts between updates, so nothing is changed in place).
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
