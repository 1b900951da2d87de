// Controls for the live widgets: a labelled slider + number field kept in sync
// (typed input is checked and explained next to the field, never thrown), a
// labelled <select>, the Python status line, and stable references that let a
// paint skip re-plotting a curve. The loop from inputs to Python to paint is lib/live.js.
import { button, h, setAttr, setText, steadyText } from "./dom.js";
import { fmt } from "./numbers.js";
import { onPythonStatus, restartPython } from "./python.js";

let nextId = 0;

// What a reader typed, as {value} or {error: message for them}.
export function parseNumber(text) {
  const typed = String(text)
    .trim()
    .replace(/\u2212/g, "-"); // accept the minus sign "−"
  if (typed === "") return { error: "Type a number." };
  if (/^[+-]?(nan|inf(inity)?)$/i.test(typed)) {
    return { error: `“${cut(typed)}” is not a number you can compute with: type a finite number.` };
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(typed)) {
    return { error: `“${cut(typed)}” is not a number: type digits, like 0.5 or -2.` };
  }
  const value = Number(typed);
  if (!Number.isFinite(value)) return { error: `${cut(typed)} is too large to compute with.` };
  return { value: value === 0 ? 0 : value }; // no -0
}

// A number from the URL (or anywhere untrusted): parsed and clamped, else fallback.
export function numberOr(text, { min, max }, fallback) {
  if (text === undefined) return fallback;
  const { value } = parseNumber(text);
  return value === undefined ? fallback : Math.min(max, Math.max(min, value));
}

// A slider and a text field for one number. onChange(value) fires for every
// accepted change: slider moves, and typed numbers (at once when valid and in
// range; on Enter or leaving the field, out-of-range values are clamped with a
// note, and text that is not a usable number is refused with a message).
export function numberControl({ name, label, min, max, step, value, onChange, d }) {
  const id = `wtwm-${name}-${++nextId}`;
  const slider = h("input", { type: "range", id, min, max, step, value, class: "wtwm-control__slider" });
  const field = h("input", {
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    spellcheck: "false",
    class: "wtwm-control__field",
    "aria-label": `${label}, exact value`,
    "aria-describedby": `${id}-message`,
  });
  const message = h("span", { id: `${id}-message`, class: "wtwm-control__message", "aria-live": "polite" });
  const root = h(
    "div",
    { class: "wtwm-control", "data-control": name },
    h("label", { for: id, class: "wtwm-control__label", text: label }),
    slider,
    field,
    message,
  );
  let current = value;

  function show(text = "", kind = "error") {
    setText(message, text);
    setAttr(message, "data-kind", text ? kind : "");
    setAttr(field, "aria-invalid", Boolean(text) && kind === "error");
  }
  function set(next, { keepField = false } = {}) {
    current = next;
    if (slider.value !== String(next)) slider.value = String(next);
    setAttr(slider, "aria-valuetext", `${label} ${fmt(next)}`);
    if (!keepField && field.value !== fmt(next, 4)) field.value = fmt(next, 4);
  }
  function accept(next, options) {
    set(next, options);
    onChange(next);
  }
  function check(commit) {
    const { value: typed, error } = parseNumber(field.value);
    if (error) {
      if (commit) show(error);
      return;
    }
    if (typed < min || typed > max) {
      if (!commit) return; // maybe half-typed: wait for Enter or blur
      const clamped = Math.min(max, Math.max(min, typed));
      show(`${fmt(typed)} is outside ${fmt(min)} to ${fmt(max)}: using ${fmt(clamped)}.`, "note");
      accept(clamped);
      return;
    }
    if (typed === current) {
      if (message.dataset.kind === "error") show(); // fixed by retyping the value in use
      return;
    }
    show();
    accept(typed, { keepField: true });
  }

  d.on(slider, "input", () => {
    show();
    accept(Number(slider.value));
  });
  d.on(field, "input", () => check(false));
  d.on(field, "change", () => check(true));
  d.on(field, "keydown", (event) => event.key === "Enter" && check(true));
  set(value);
  return {
    root,
    get value() {
      return current;
    },
    set(next) {
      show();
      set(next);
    },
    setDisabled(disabled) {
      slider.disabled = disabled;
      field.disabled = disabled;
    },
  };
}

// A labelled <select>; options are [{name, label}].
export function selectControl({ name, label, options, value, onChange, d }) {
  const id = `wtwm-${name}-${++nextId}`;
  const select = h(
    "select",
    { id, class: "wtwm-control__select" },
    ...options.map((option) => h("option", { value: option.name, text: option.label })),
  );
  select.value = value;
  d.on(select, "change", () => onChange(select.value));
  return {
    root: h(
      "div",
      { class: "wtwm-control wtwm-control--select", "data-control": name },
      h("label", { for: id, class: "wtwm-control__label", text: label }),
      select,
    ),
    get value() {
      return select.value;
    },
    set(next) {
      select.value = next;
    },
    setDisabled(disabled) {
      select.disabled = disabled;
    },
  };
}

const STATUS = {
  idle: () =>
    navigator.connection?.saveData
      ? "Python starts when you touch a control (your browser asks to save data)."
      : "Python starts when you scroll here or touch a control.",
  starting: ({ detail }) => (detail ? `Starting Python: ${detail}…` : "Starting Python…"),
  ready: ({ detail, numpy }) => `Python ready (started in ${detail}): NumPy ${numpy} computes in your browser.`,
  failed: ({ detail }) =>
    `Python could not start in this browser (${detail}), so this widget cannot compute new values. It shows its starting values; the rest of the page works as usual.`,
  stopped: ({ detail }) => `Python stopped (${detail}). Your next change restarts it.`,
};

// Python's status line, at its full height from the start (nothing below moves
// as it fills in); follow(onChange) writes each status into it, and onChange(state)
// sees every change. A start-up that failed offers Retry: a new worker.
export function pythonStatus(d) {
  const usual = [
    STATUS.idle(),
    STATUS.starting({ detail: "downloading python_stdlib.zip: 15.5 of 15.5 MB" }),
    STATUS.ready({ detail: "10.0 s", numpy: "10.10.10" }),
  ]; // not failed: rare, and it says much more
  const line = steadyText("p", { class: "wtwm-status wtwm-python-status", role: "status" }, usual);
  const retry = button("Retry", { class: "wtwm-python-retry", "aria-label": "Retry starting Python" });
  d.on(retry, "click", () => restartPython());
  const follow = (onChange) =>
    d.add(
      onPythonStatus((status) => {
        setText(line.text, STATUS[status.state](status));
        if (status.state === "failed") line.text.append(" ", retry);
        line.dataset.state = status.state;
        line.classList.toggle("wtwm-error", status.state === "failed" || status.state === "stopped");
        onChange(status.state);
      }),
    );
  return { line, follow };
}

// A reader's text echoed in a message, cut to `max` characters: a 400-character
// paste would otherwise fill a phone's screen.
export function cut(text, max = 40) {
  const chars = [...String(text)];
  return chars.length > max ? `${chars.slice(0, max).join("")}…` : chars.join("");
}

// `previous` if `next` holds the same numbers, else `next`: a curve that did not
// change keeps its reference, so lib/plot.js re-plots only what moved.
export function sameOr(previous, next) {
  if (previous && previous.length === next.length && previous.every((v, i) => v === next[i])) return previous;
  return next;
}
