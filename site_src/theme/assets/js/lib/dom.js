// Small DOM helpers the figures share: element creation, the stage a figure draws
// into, its caption line, buttons, labelled sliders, and Copy link / Reset.
import { coalesce } from "./figure.js";
import { copyText, linkTo, writeState } from "./url-state.js";

// Writes text into an element: nothing when it is unchanged, else the data of its
// text node. Assigning textContent replaces the node, and the browser then rebuilds
// its layout objects.
export function setText(el, text) {
  const only = el.firstChild;
  if (only && only === el.lastChild && only.nodeType === Node.TEXT_NODE) {
    if (only.data !== text) only.data = text;
  } else if (el.textContent !== text) {
    el.textContent = text;
  }
}

// An element whose text changes by itself (Python's status, say) that keeps the
// height of the tallest of `texts` from the start, so nothing below it moves when
// it changes: with large text on a phone, "Starting Python…" took one line and
// "Python ready …" three. Hidden copies of those texts share its one grid cell;
// write the text with setText(line.text, ...).
export function steadyText(tag, attributes, texts) {
  const text = h("span");
  const sizers = texts.map((t) => h("span", { class: "wtwm-steady__sizer", "aria-hidden": "true", text: t }));
  const line = h(tag, { ...attributes, class: `${attributes.class ?? ""} wtwm-steady`.trim() }, text, ...sizers);
  line.text = text;
  return line;
}

// Sets an attribute only when its value changes (a write, even of the same value,
// makes the browser re-check styles and accessibility).
export function setAttr(el, name, value) {
  if (el.getAttribute(name) !== String(value)) el.setAttribute(name, String(value));
}

// For what follows an input but is not its answer (a code listing, a summary
// table): the first call runs at once, so a figure mounts complete; later calls
// run in the next animation frame, once per frame, with the newest arguments.
export function afterAnswer(update, d) {
  let first = true;
  const later = coalesce(update, d);
  return (...args) => {
    if (!first) return later(...args);
    first = false;
    update(...args);
  };
}

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
  return (text) => setText(node, text);
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
  const showValue = (text) => {
    input.setAttribute("aria-valuetext", text);
    setText(output, text);
  };
  return { root, input, setText: showValue };
}

// Copy link and Reset, for figures with state. getState() returns only the
// values that differ from the defaults, so a reset figure has a clean URL.
// Copy link points at the figure itself (its id), so a shared state opens on it.
export function stateButtons({ el, prefix, getState, reset, d }) {
  const copy = button("Copy link", { "aria-label": "Copy link to this figure in its current state" });
  const again = button("Reset", { "aria-label": "Reset this figure" });
  const status = h("span", { class: "wtwm-status", role: "status" });
  let timer = 0;
  d.add(() => clearTimeout(timer));
  d.on(copy, "click", async () => {
    const url = linkTo(prefix, getState(), el.id);
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
