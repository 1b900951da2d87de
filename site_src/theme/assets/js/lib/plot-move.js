// Moving drawn traces in place, without Plotly: themedPlot's fast path for an
// input that changes only points (well under a millisecond, against 10-20 ms for
// a Plotly re-plot).

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
export function moveDrawnTraces(gd, data, traces) {
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

