// The one rendering layer for the chapter's data figures. Figures describe WHAT to
// draw (a spec function of palette and state); this module owns HOW: themed
// Plotly plots that restyle live, axis and number helpers, the small controls
// every figure shares (buttons, sliders, Copy link / Reset), and the play/scrub
// controller used by the hero and converge figures.
import { loadPlotly, PLOT_CONFIG } from "./plotly.js";
import { prefersReducedMotion } from "./site.js";
import { currentScheme, onSchemeChange, palette, themedLayout } from "./theme.js";
import { copyText, linkTo, readState, writeState } from "./url-state.js";

// ---------------------------------------------------------------- lifecycle
// Collects everything a mount sets up, so one cleanup call undoes all of it.
export function disposer() {
  const tasks = [];
  return {
    add(task) { tasks.push(task); },
    on(target, type, handler, options) {
      target.addEventListener(type, handler, options);
      tasks.push(() => target.removeEventListener(type, handler, options));
    },
    run() { while (tasks.length) tasks.pop()(); },
  };
}

// Wraps a figure's build(el, d) into the registry's mount(el): the returned
// cleanup undoes everything, and a build that fails half-way cleans up too.
export function figure(build) {
  return async function mount(el, context) {
    if (!(await whenNear(el))) return undefined; // left the page before it was needed
    const d = disposer();
    try {
      await build(el, d, context);
      return d.run;
    } catch (error) {
      d.run();
      throw error;
    }
  };
}

// Has the reader scrolled, pointed or typed yet? Until then only figures actually
// in view are drawn: a reader who never scrolls (or a page-speed audit) does not
// pay for plotly.js and the data behind figures below the fold.
let engaged = false;
const engagedListeners = new Set();
const ENGAGING_EVENTS = ["scroll", "wheel", "pointerdown", "keydown", "touchstart"];
function markEngaged() {
  engaged = true;
  for (const type of ENGAGING_EVENTS) window.removeEventListener(type, markEngaged, true);
  for (const listener of engagedListeners) listener();
  engagedListeners.clear();
}
let listening = false;
function listenForEngagement() {
  if (listening) return;
  listening = true;
  for (const type of ENGAGING_EVENTS) window.addEventListener(type, markEngaged, { capture: true, passive: true });
}

function inView(el) {
  const rect = el.getBoundingClientRect();
  return rect.top < window.innerHeight && rect.bottom > 0;
}

// Resolves true once el is in view, or within `margin` of it after the reader has
// started scrolling (their height is reserved in CSS, so nothing moves), or false
// if an instant navigation removes el first.
export function whenNear(el, margin = "600px") {
  listenForEngagement();
  return new Promise((resolve) => {
    let done = false;
    let near = false;
    let navigation = null;
    const finish = (result) => {
      if (done) return;
      done = true;
      observer.disconnect();
      engagedListeners.delete(check);
      navigation?.unsubscribe();
      resolve(result);
    };
    const check = () => {
      if (near && (engaged || inView(el))) finish(true);
    };
    const observer = new IntersectionObserver((entries) => {
      near = entries.some((entry) => entry.isIntersecting);
      check();
    }, { rootMargin: `${margin} 0px` });
    observer.observe(el);
    engagedListeners.add(check);
    // document$ replays its last value on subscribe: el may already be gone.
    navigation = window.document$?.subscribe(() => { if (!el.isConnected) finish(false); }) ?? null;
    if (done) navigation?.unsubscribe();
  });
}

// Calls fn at most once per animation frame with the latest arguments: a burst
// of slider input events becomes one paint.
export function coalesce(fn, d) {
  let frame = 0;
  let latest = [];
  d?.add(() => cancelAnimationFrame(frame));
  return (...args) => {
    latest = args;
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; fn(...latest); });
  };
}

// ---------------------------------------------------------------- numbers
// Python's format(x, ".3g"), so numbers written by JS match the build-time captions.
export function fmt(value, digits = 3) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  const exponent = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(digits)))));
  if (exponent < -4 || exponent >= digits) {
    const [mantissa, power] = value.toExponential(digits - 1).split("e");
    const sign = power.startsWith("-") ? "-" : "+";
    return `${trimZeros(mantissa)}e${sign}${power.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  return trimZeros(value.toFixed(Math.max(0, digits - 1 - exponent)));
}
const trimZeros = (text) => (text.includes(".") ? text.replace(/\.?0+$/, "") : text);

// Plotly must never receive NaN or Infinity: non-finite values become gaps.
export const finite = (values) => values.map((v) => (typeof v === "number" && Number.isFinite(v) ? v : null));

export function nearestIndex(sorted, value) {
  let best = 0;
  for (let i = 1; i < sorted.length; i += 1) {
    if (Math.abs(sorted[i] - value) < Math.abs(sorted[best] - value)) best = i;
  }
  return best;
}

export function extent(...arrays) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const array of arrays) for (const v of array.flat(Infinity)) {
    if (typeof v === "number" && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  return [lo, hi];
}

export function padded([lo, hi], fraction = 0.08) {
  const pad = (hi - lo || Math.abs(hi) || 1) * fraction;
  return [lo - pad, hi + pad];
}

// An axis range that stays put while the wanted one fits well inside it, so a
// small change moves the data, not the axes (and the drawn plot can be updated
// in place). When it must change, it leaves `margin` of room on each side
// (lower end kept where `keepLow`, e.g. a loss axis from 0).
export function steadyRange(current, wanted, { margin = 0.2, keepLow = false } = {}) {
  const [lo, hi] = wanted;
  if (current && lo >= current[0] && hi <= current[1] && hi - lo >= 0.5 * (current[1] - current[0])) return current;
  const pad = (hi - lo || 1) * margin;
  return [keepLow ? lo : lo - pad, hi + pad];
}

// ---------------------------------------------------------------- axes
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
// legendColumns(2) lines short entries up in two columns instead.
export const topLegend = { orientation: "h", traceorder: "normal", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom",
  itemclick: false, itemdoubleclick: false }; // state lives in the controls and the URL, not the legend
export const legendColumns = (n) => ({ ...topLegend, entrywidth: 1 / n, entrywidthmode: "fraction" });

// A vertical line at x spanning the plot height, and its label.
export function vline(x, color, dash = "dot", extra = {}) {
  return { type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, line: { color, width: 1.5, dash }, ...extra };
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

// ---------------------------------------------------------------- plots
// Per-frame updates go through Plotly.animate with zero-length transitions and
// no full redraw: only the listed traces are re-plotted (about twice as fast as
// restyle here), and nothing is ever tweened.
const FRAME = { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" };

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
const withoutPoints = (data) => data.map(({ x, y, ...style }) => style);

// Draws spec(palette, scheme) -> {data, layout} into container in the current
// theme and redraws it (Plotly.react) whenever the reader toggles the theme.
// After a state change figures call plot.redraw() (skipped when the spec did not
// change), plot.update() (the same, but moves the drawn traces at once when
// only their points changed), or plot.frame() / plot.scrub() per frame.
export async function themedPlot(container, spec, d) {
  const Plotly = await loadPlotly();
  const current = () => {
    const scheme = currentScheme();
    const { data, layout } = spec(palette(scheme), scheme);
    const themed = themedLayout(scheme);
    const axes = Object.keys(layout).filter((key) => /^[xy]axis\d*$/.test(key));
    for (const key of axes) layout[key] = merge(themed.xaxis, layout[key]);
    return [data, merge(themed, layout)];
  };
  let drawnKey = "";
  let drawnStyle = "";
  let catchUp = 0;
  const react = (data, layout) => {
    clearTimeout(catchUp);
    drawnKey = signature([data, layout]);
    drawnStyle = signature([withoutPoints(data), layout]);
    return Plotly.react(container, data, layout, PLOT_CONFIG);
  };
  await react(...current());
  const plot = {
    Plotly,
    gd: container,
    redraw: () => {
      const next = current();
      return signature(next) === drawnKey ? Promise.resolve() : react(...next);
    },
    // Moves the drawn SVG of the traces whose points changed (well under a
    // millisecond) when nothing else did, and lets Plotly re-plot the same state
    // once the reader pauses (hover labels, resizes and theme changes use it).
    update: (settleMs = 150) => {
      const [data, layout] = current();
      const key = signature([data, layout]);
      if (key === drawnKey) return;
      const changed = data.flatMap((trace, i) =>
        trace.x !== container.data[i]?.x || trace.y !== container.data[i]?.y ? [i] : []);
      const sameStyle = signature([withoutPoints(data), layout]) === drawnStyle;
      if (!sameStyle || !moveDrawnTraces(container, changed.map((i) => data[i]), changed)) {
        react(data, layout);
        return;
      }
      clearTimeout(catchUp);
      catchUp = setTimeout(() => react(...current()), settleMs);
    },
    frame: (data, traces) => Plotly.animate(container, { data, traces }, FRAME),
    // Scrubbing: move the drawn SVG of plain line/marker traces directly (well under
    // a millisecond, against ~20 ms for any Plotly update), then let Plotly re-plot the
    // same state once the reader pauses, so resizes and theme changes agree with it.
    scrub: (data, traces) => {
      clearTimeout(catchUp);
      if (!moveDrawnTraces(container, data, traces)) return plot.frame(data, traces);
      catchUp = setTimeout(() => plot.frame(data, traces), 200);
    },
  };
  d.add(() => clearTimeout(catchUp));
  d.add(onSchemeChange(() => plot.redraw()));
  d.add(() => Plotly.purge(container));
  return plot;
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
    const pixels = xs.map((x, j) => [toPixel(xa, x), toPixel(ya, ys[j])]);
    if (pixels.some(([px, py]) => px === "NaN" || py === "NaN")) return false;
    moves.push(() => {
      line?.setAttribute("d", `M${pixels.map((p) => p.join(",")).join("L")}`);
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

// ---------------------------------------------------------------- DOM
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// Replaces what an earlier mount left in the figure (mount is idempotent) and
// hides the no-JavaScript fallback. Returns the element figures build into.
export function stage(el) {
  const host = el.querySelector("[data-role=stage]") ?? el;
  host.querySelector(":scope > .wtwm-live")?.remove();
  for (const node of host.querySelectorAll(":scope > .wtwm-fallback")) node.hidden = true;
  const live = h("div", { class: "wtwm-live" });
  host.prepend(live);
  return live;
}

// The caption sentence that follows the figure's state (the static summary
// written at build time stays as it is).
export function captionLine(el, { live = false } = {}) {
  const caption = el.querySelector("figcaption");
  let node = caption.querySelector(".wtwm-caption-state");
  if (!node) {
    node = h("span", { class: "wtwm-caption-state" });
    caption.append(" ", node);
  }
  if (live) node.setAttribute("aria-live", "polite");
  return (text) => { if (node.textContent !== text) node.textContent = text; };
}

export function button(label, attributes = {}) {
  return h("button", { type: "button", ...attributes, text: label });
}

export function toggle(button, pressed) {
  button.setAttribute("aria-pressed", String(Boolean(pressed)));
}

// A labelled range input with value text for screen readers.
export function slider({ id, label, min, max, step = 1, value }) {
  const input = h("input", { type: "range", id, min, max, step, value });
  const output = h("output", { for: id, class: "wtwm-slider-value" });
  const head = h("div", { class: "wtwm-slider-head" }, h("label", { for: id, text: label }), output);
  const root = h("div", { class: "wtwm-slider" }, head, input);
  const setText = (text) => {
    input.setAttribute("aria-valuetext", text);
    output.textContent = text;
  };
  return { root, input, setText };
}

// Copy link and Reset, for figures with state. getState() returns only the
// values that differ from the defaults, so a reset figure has a clean URL.
export function stateButtons({ el, prefix, section, getState, reset, d }) {
  const copy = button("Copy link", { "aria-label": "Copy link to this figure in its current state" });
  const again = button("Reset", { "aria-label": "Reset this figure" });
  const status = h("span", { class: "wtwm-status", role: "status" });
  let timer = 0;
  d.add(() => clearTimeout(timer));
  d.on(copy, "click", async () => {
    const url = linkTo(prefix, getState(), section);
    status.textContent = (await copyText(url)) ? "Link copied." : `Link: ${url}`;
  });
  d.on(again, "click", () => {
    reset();
    status.textContent = "";
  });
  // URL updates are debounced (browsers throttle history.replaceState) and
  // skipped once the reader is leaving: instant navigation pushes the next
  // page's URL before it swaps the content, so check the path as well.
  const path = window.location.pathname;
  const save = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (el.isConnected && window.location.pathname === path) writeState(prefix, getState());
    }, 250);
  };
  return { root: h("div", { class: "wtwm-state-buttons" }, copy, again, status), save };
}

// ---------------------------------------------------------------- play/scrub
// A slider over frames 0..count-1 and a play/pause button. onFrame(i) is called
// at most once per animation frame. Play steps one frame every frameMs and stops
// at the end; nothing starts by itself, and frames are never tweened, so reduced
// motion only changes how fast play moves (it never autoplays either way).
export function player({ id, count, value = 0, label, valueText, onFrame, frameMs = 60, d }) {
  const s = slider({ id, label, min: 0, max: count - 1, value });
  // A toggle button: its name stays "Play training" and aria-pressed says whether
  // it is playing; only the (hidden from screen readers) icon changes.
  const icon = h("span", { "aria-hidden": "true", class: "wtwm-play-icon", text: "▶" });
  const play = h("button", { type: "button", class: "wtwm-play", "aria-label": "Play training", "aria-pressed": "false" }, icon, " Play");
  let index = value;
  let timer = 0;
  let last = 0;
  const paint = coalesce(() => onFrame(index), d);
  const show = (i) => {
    index = Math.max(0, Math.min(count - 1, Math.round(i)));
    s.input.value = String(index);
    s.setText(valueText(index));
    paint();
  };
  const step = (time) => {
    const interval = prefersReducedMotion() ? frameMs * 3 : frameMs;
    if (time - last >= interval) {
      last = time;
      if (index >= count - 1) return stop();
      show(index + 1);
    }
    timer = requestAnimationFrame(step);
  };
  function stop() {
    cancelAnimationFrame(timer);
    timer = 0;
    toggle(play, false);
    icon.textContent = "▶";
  }
  function start() {
    if (index >= count - 1) show(0);
    toggle(play, true);
    icon.textContent = "❚❚";
    last = performance.now();
    timer = requestAnimationFrame(step);
  }
  d.on(play, "click", () => (timer ? stop() : start()));
  d.on(s.input, "input", () => { stop(); show(Number(s.input.value)); });
  d.add(stop);
  s.setText(valueText(index));
  const root = h("div", { class: "wtwm-player" }, play, s.root);
  // seek: an outside scrub (e.g. the linked loss chart) pauses play and jumps.
  const seek = (i) => { stop(); show(i); };
  return { root, show, seek, stop, playing: () => Boolean(timer), index: () => index };
}

// The epoch player of the hero and converge figures: the frame index comes from
// the URL (?prefix.epoch=N, nearest stored frame), drives onFrame(i), and is
// written back to the URL. seekEpoch(e) is what a linked chart calls on click.
export function epochPlayer({ el, prefix, section, epochs, onFrame, d }) {
  const wanted = Number(readState(prefix).epoch);
  let index = Number.isFinite(wanted) ? nearestIndex(epochs, wanted) : 0;
  const buttons = stateButtons({ el, prefix, section, d,
    getState: () => (index === 0 ? {} : { epoch: epochs[index] }),
    reset: () => control.seek(0) });
  const control = player({ id: `${prefix}-epoch`, count: epochs.length, value: index, label: "Epoch", d,
    valueText: (i) => `epoch ${epochs[i]} of ${epochs.at(-1)}`,
    onFrame: (i) => { index = i; onFrame(i); buttons.save(); } });
  return {
    root: h("div", { class: "wtwm-controls" }, control.root, buttons.root),
    index: () => index,
    seekEpoch: (epoch) => control.seek(nearestIndex(epochs, epoch)),
  };
}
