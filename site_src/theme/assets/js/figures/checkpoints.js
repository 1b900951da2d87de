// Saving and loading weights: the download table and snippets are rendered at
// build time (they work without JavaScript); this only turns the exact byte
// count into KB (the exact count stays in the tooltip).
import { figure } from "../lib/figure.js";

export function kilobytes(bytes) {
  return `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KB`;
}

export const mount = figure(async (el) => {
  for (const node of el.querySelectorAll(".wtwm-bytes[data-bytes]")) {
    const bytes = Number(node.dataset.bytes);
    if (!Number.isFinite(bytes)) continue;
    node.textContent = kilobytes(bytes);
    node.title = `${bytes.toLocaleString("en")} bytes`;
  }
});
