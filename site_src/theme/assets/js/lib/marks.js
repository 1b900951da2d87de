// Marks that move on every input (points, tangents, descent paths, a stop line
// and its label), drawn over a Plotly plot in an SVG layer of their own.
// Plotly redraws layout shapes by re-parsing each one (3-5 ms per input, more
// with many); here an input rewrites a handful of SVG elements (well under a
// millisecond). Positions come from Plotly's own axis transforms and are
// recomputed after every Plotly draw, so resizes, range changes and theme
// switches keep the marks where the data says.
//
// Each mark is plain data, so tests can read what is drawn: the element
// carries data-mark (its kind) and data-x / data-y (data coordinates).
import { setText } from "./dom.js";
import { currentScheme, FONT_PX, palette } from "./theme.js";

const SVG = "http://www.w3.org/2000/svg";
let nextClipId = 0;

// Plotly's dash patterns (src/components/drawing: dashStyle), so marks and
// legend entries look alike.
function dashArray(dash, width) {
  const w = Math.max(width, 3);
  return { dot: `${w}px,${w}px`, dash: `${3 * w}px,${3 * w}px`, longdash: `${5 * w}px,${5 * w}px` }[dash] ?? "";
}

// The attributes last written to each element of a layer (only this module
// writes them): comparing against this copy costs no DOM reads, which were most
// of the time spent moving a dozen marks.
const written = new WeakMap();

function node(tag, attributes) {
  const el = document.createElementNS(SVG, tag);
  written.set(el, {});
  writeChanged(el, attributes);
  return el;
}

function writeChanged(el, attributes) {
  const before = written.get(el);
  for (const [key, value] of Object.entries(attributes)) {
    const text = String(value);
    if (before[key] !== text) {
      el.setAttribute(key, text);
      before[key] = text;
    }
  }
}

// Turns el into the element that `wanted` describes ({tag, attributes, text}),
// touching only what differs: moving a mark is a few attribute writes, and the
// browser keeps its style and layout objects.
function reuse(el, wanted) {
  if (!el || el.tagName !== wanted.tag) {
    const fresh = node(wanted.tag, wanted.attributes);
    fresh.textContent = wanted.text ?? "";
    el?.replaceWith(fresh);
    return fresh;
  }
  writeChanged(el, wanted.attributes);
  const before = written.get(el);
  for (const name of Object.keys(before)) {
    if (!(name in wanted.attributes)) {
      el.removeAttribute(name);
      delete before[name];
    }
  }
  setText(el, wanted.text ?? "");
  return el;
}

const join = (values) => values.map((v) => String(v)).join(" ");

// Marks, in data coordinates (line.dash as in Plotly):
//   {kind: "dot", x, y, size, fill, stroke}         a circle `size` px across
//   {kind: "diamond", x, y, size, fill, stroke}
//   {kind: "path", x: [...], y: [...], line: {color, width, dash}}
//   {kind: "vline", x, line}                        a line across the plot's height
//   {kind: "text", x, yPaper, text, color}          a label at x, yPaper of the way up
function describeMark(mark, px, py, top, textScale) {
  const element = (tag, attributes, text) => ({ tag, attributes: Object.fromEntries(
    Object.entries(attributes).filter(([, v]) => v !== undefined && v !== null && v !== "")), text });
  const dataset = { "data-mark": mark.kind, "data-x": Array.isArray(mark.x) ? join(mark.x) : mark.x,
    "data-y": Array.isArray(mark.y) ? join(mark.y) : mark.y };
  if (mark.kind === "path") {
    const points = mark.x.map((x, i) => `${px(x).toFixed(2)},${py(mark.y[i]).toFixed(2)}`);
    const { color, width = 2, dash } = mark.line;
    return element("path", { ...dataset, d: `M${points.join("L")}`, fill: "none", stroke: color, "stroke-width": width,
      "stroke-dasharray": dashArray(dash, width), "stroke-linejoin": "round" });
  }
  if (mark.kind === "vline") {
    const x = px(mark.x).toFixed(2);
    const { color, width = 1.5, dash } = mark.line;
    return element("path", { ...dataset, d: `M${x},${top(1).toFixed(2)}V${top(0).toFixed(2)}`, stroke: color,
      "stroke-width": width, "stroke-dasharray": dashArray(dash, width) });
  }
  if (mark.kind === "text") {
    return element("text", { ...dataset, x: (px(mark.x) + 4).toFixed(2), y: (top(mark.yPaper) + 14 * textScale).toFixed(2),
      fill: mark.color, "font-size": 12 * textScale, "text-anchor": "start" }, mark.text);
  }
  const [cx, cy] = [px(mark.x).toFixed(2), py(mark.y).toFixed(2)];
  const r = mark.size / 2;
  const paint = { fill: mark.fill, stroke: mark.stroke ?? "none", "stroke-width": mark.stroke ? 1.5 : 0 };
  if (mark.kind === "diamond") {
    return element("path", { ...dataset, ...paint, transform: `translate(${cx},${cy})`, d: `M0,${r}L${r},0L0,${-r}L${-r},0Z` });
  }
  return element("circle", { ...dataset, ...paint, cx, cy, r });
}

// A marks layer over plot (from themedPlot). layer.draw(describe) takes
// describe(palette) -> marks, draws them now and again after each Plotly draw.
export function marksLayer(plot, d) {
  const { gd } = plot;
  const clipId = `wtwm-marks-clip-${++nextClipId}`;
  const layer = node("svg", { class: "wtwm-marks", "aria-hidden": "true", focusable: "false" });
  const clipRect = node("rect", {});
  const clip = node("clipPath", { id: clipId });
  clip.append(clipRect);
  const group = node("g", { "clip-path": `url(#${clipId})` });
  layer.append(node("defs", {}), group);
  layer.firstChild.append(clip);
  let describe = () => [];

  function render() {
    const full = gd._fullLayout;
    const [xa, ya] = [full?.xaxis, full?.yaxis];
    const paper = gd.querySelector(".main-svg");
    if (!xa?.l2p || !ya?.l2p || !paper) return;
    if (layer.previousSibling !== paper) paper.after(layer); // below Plotly's hover layer
    // Unchanged attributes are not written again: writing the clip path's would
    // invalidate every mark it clips.
    writeChanged(layer, { width: full.width, height: full.height });
    writeChanged(clipRect, { x: xa._offset, y: ya._offset, width: xa._length, height: ya._length });
    const px = (v) => xa._offset + xa.l2p(xa.d2l(v));
    const py = (v) => ya._offset + ya.l2p(ya.d2l(v));
    const top = (fraction) => ya._offset + (1 - fraction) * ya._length;
    const textScale = full.font.size / FONT_PX;
    const marks = describe(palette(currentScheme())).filter(Boolean);
    marks.forEach((mark, i) => {
      const existing = group.children[i];
      const el = reuse(existing, describeMark(mark, px, py, top, textScale));
      if (!existing) group.append(el);
    });
    while (group.children.length > marks.length) group.lastChild.remove();
  }

  gd.on("plotly_afterplot", render);
  d.add(() => {
    gd.removeListener?.("plotly_afterplot", render);
    layer.remove();
  });
  return {
    draw(next) {
      describe = next;
      render();
    },
  };
}
