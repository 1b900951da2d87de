// The play/scrub controller of the hero and converge figures: a frame slider and
// a play button, with the frame in the URL, and scrubbing across a plot.
import { h, slider, stateButtons, toggle } from "./dom.js";
import { coalesce } from "./figure.js";
import { nearestIndex } from "./numbers.js";
import { prefersReducedMotion } from "./site.js";
import { readState } from "./url-state.js";

// A slider over frames 0..count-1 and a play/pause button. onFrame(i) is called
// at most once per animation frame. Play steps one frame every frameMs and stops
// at the end; nothing starts by itself, and frames are never tweened, so reduced
// motion only changes how fast play moves (it never autoplays either way).
export function player({ id, count, value = 0, label, valueText, onFrame, frameMs = 60, d }) {
  const s = slider({ id, label, min: 0, max: count - 1, value });
  // A toggle button: its name stays "Play training" and aria-pressed says whether
  // it is playing; only the (hidden from screen readers) icon changes.
  const icon = h("span", { "aria-hidden": "true", class: "wtwm-play-icon", text: "▶" });
  const play = h(
    "button",
    { type: "button", class: "wtwm-play", "aria-label": "Play training", "aria-pressed": "false" },
    icon,
    " Play",
  );
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
  d.on(s.input, "input", () => {
    stop();
    show(Number(s.input.value));
  });
  d.add(stop);
  s.setText(valueText(index));
  const root = h("div", { class: "wtwm-player" }, play, s.root);
  // seek: an outside scrub (e.g. the linked loss chart) pauses play and jumps.
  const seek = (i) => {
    stop();
    show(i);
  };
  return { root, show, seek, stop, playing: () => Boolean(timer), index: () => index };
}

// The epoch player of the hero and converge figures: the frame index comes from
// the URL (?prefix.epoch=N, nearest stored frame), drives onFrame(i), and is
// written back to the URL. seekEpoch(e) is what a linked chart calls on click.
export function epochPlayer({ el, prefix, epochs, onFrame, d }) {
  const wanted = Number(readState(prefix).epoch);
  let index = Number.isFinite(wanted) ? nearestIndex(epochs, wanted) : 0;
  const buttons = stateButtons({
    el,
    prefix,
    d,
    getState: () => (index === 0 ? {} : { epoch: epochs[index] }),
    reset: () => control.seek(0),
  });
  const control = player({
    id: `${prefix}-epoch`,
    count: epochs.length,
    value: index,
    label: "Epoch",
    d,
    valueText: (i) => `epoch ${epochs[i]} of ${epochs.at(-1)}`,
    onFrame: (i) => {
      index = i;
      onFrame(i);
      buttons.save();
    },
  });
  return {
    root: h("div", { class: "wtwm-controls" }, control.root, buttons.root),
    index: () => index,
    seekEpoch: (epoch) => control.seek(nearestIndex(epochs, epoch)),
  };
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
  d.on(
    gd,
    "pointerdown",
    (event) => {
      if (event.button !== 0) return;
      active = true;
      gd.setPointerCapture?.(event.pointerId);
      onX(toX(event));
    },
    true,
  );
  d.on(
    gd,
    "pointermove",
    (event) => {
      if (active) onX(toX(event));
    },
    true,
  );
  for (const type of ["pointerup", "pointercancel", "lostpointercapture"])
    d.on(gd, type, () => {
      active = false;
    });
}
