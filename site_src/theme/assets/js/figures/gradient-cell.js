// "Write the gradient yourself": the reader writes grad_w and grad_b inside the
// chapter's NumPy loop; Run sends the text to the Pyodide worker, where
// site_src/widgets/gradient_cell.py runs it, names the mistakes and returns the
// reader's path. The code never runs on the page: this file edits text, shows
// what came back (as text, never as HTML) and draws the two paths.
import { pythonStatus } from "../lib/controls.js";
import { loadData } from "../lib/data.js";
import { button, h, setText, stage, stateButtons } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { fmt } from "../lib/numbers.js";
import { themedPlot } from "../lib/plot.js";
import { axis, topLegend } from "../lib/plot-spec.js";
import { callPython, PythonError, PythonTimeout, startPython } from "../lib/python.js";

const PREFIX = "cell";
const STORAGE_KEY = "wtwm.gradient-cell.code";
const INDENT = "    ";

// localStorage can be blocked (private modes, policies): then the code lives only
// as long as the page.
const storage = {
  read() {
    try {
      return window.localStorage.getItem(STORAGE_KEY);
    } catch {
      return null;
    }
  },
  write(code, template) {
    try {
      if (code === template) window.localStorage.removeItem(STORAGE_KEY);
      else window.localStorage.setItem(STORAGE_KEY, code);
    } catch {
      // blocked: nothing to keep it in
    }
  },
};

function spec(initial, reader, p) {
  const { correct, view } = initial;
  const end = correct.w.length - 1;
  const path = (name, run, color, dash) => ({
    type: "scatter",
    mode: "lines+markers",
    name,
    x: run ? run.w : [],
    y: run ? run.b : [],
    line: { color, width: 2, dash },
    marker: { color, size: 4 },
    hovertemplate: "epoch %{text}: w %{x:.3g}, b %{y:.3g}<extra></extra>",
    text: run ? run.epoch : [],
  });
  return {
    data: [
      path("exact gradient", correct, p.train, "solid"),
      path("your gradient", reader, p.val, "dot"),
      {
        type: "scatter",
        mode: "markers",
        name: "start",
        x: [correct.w[0]],
        y: [correct.b[0]],
        marker: { color: p.accent, size: 12, symbol: "square", line: { color: p.background, width: 1.5 } },
        hovertemplate: "start: w %{x:.3g}, b %{y:.3g}<extra></extra>",
      },
      {
        type: "scatter",
        mode: "markers",
        name: `after ${end} epochs`,
        x: [correct.w[end]],
        y: [correct.b[end]],
        marker: { color: p.train, size: 13, symbol: "star", line: { color: p.background, width: 1 } },
        hovertemplate: "exact, last epoch: w %{x:.3g}, b %{y:.3g}<extra></extra>",
      },
    ],
    layout: {
      xaxis: axis.linear("weight w", view.w),
      yaxis: axis.linear("bias b", view.b),
      legend: topLegend,
      margin: { t: 72 },
      hovermode: "closest",
      uirevision: "cell",
    },
  };
}

// A textarea that indents with Tab. Tab is the editor's until Escape: Escape,
// then Tab, moves focus on (Shift+Tab always does), so the keyboard is never trapped.
function editor({ code, label, d, onInput, onRun }) {
  const area = h("textarea", {
    class: "wtwm-cell-area",
    spellcheck: "false",
    autocapitalize: "off",
    autocomplete: "off",
    "aria-label": label,
    "aria-describedby": "wtwm-cell-help",
  });
  area.value = code;
  const gutter = h("pre", { class: "wtwm-cell-gutter", "aria-hidden": "true" });
  const fit = () => {
    const lines = area.value.split("\n").length;
    area.rows = Math.max(lines, 6);
    setText(gutter, Array.from({ length: area.rows }, (_, i) => i + 1).join("\n"));
  };
  let leaving = false; // Escape was pressed: the next Tab leaves
  d.on(area, "keydown", (event) => {
    if (event.key === "Escape") {
      leaving = true;
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      onRun();
    } else if (event.key === "Tab" && !event.shiftKey && !event.altKey && !event.ctrlKey && !leaving) {
      event.preventDefault();
      area.setRangeText(INDENT, area.selectionStart, area.selectionEnd, "end");
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
    leaving = false;
  });
  d.on(area, "blur", () => {
    leaving = false;
  });
  d.on(area, "input", () => {
    fit();
    onInput(area.value);
  });
  fit();
  return {
    root: h("div", { class: "wtwm-cell-editor" }, gutter, area),
    area,
    set(text) {
      area.value = text;
      fit();
    },
    // Puts the caret at the start of `line` (1-based), without taking focus.
    select(line) {
      const starts = area.value.split("\n").slice(0, line - 1);
      const at = starts.reduce((sum, text) => sum + text.length + 1, 0);
      area.setSelectionRange(at, at);
    },
  };
}

function pathNote(result, initial) {
  const { reader, correct } = result;
  const last = correct.w.length - 1;
  const exact = `the exact gradient ends at w = ${fmt(correct.w[last])}, b = ${fmt(correct.b[last])}`;
  if (!reader) return "";
  const epochs = reader.w.length - 1;
  if (reader.ran_away)
    return `Your loop ran away: after ${epochs} epoch${epochs === 1 ? "" : "s"} |w| or |b| passed ${initial.escape} and the loss had gone from ${fmt(reader.train_loss[0])} to ${fmt(reader.train_loss[epochs])}; ${exact}.`;
  const loss = reader.train_loss[epochs];
  return `After ${initial.steps} epochs your loop is at w = ${fmt(reader.w[epochs])}, b = ${fmt(reader.b[epochs])} (loss ${fmt(loss)}); ${exact} (loss ${fmt(correct.train_loss[last])}).`;
}

function resultView() {
  const verdict = h("p", { class: "wtwm-cell-verdict" });
  const hints = h("ul", { class: "wtwm-cell-hints" });
  const path = h("p", { class: "wtwm-cell-path" });
  const printed = h("pre", { class: "wtwm-cell-output", hidden: true });
  const root = h(
    "div",
    { class: "wtwm-cell-result", role: "status", "aria-live": "polite" },
    verdict,
    hints,
    path,
    printed,
  );
  return {
    root,
    show({ kind, text, items = [], note = "", output = "" }) {
      verdict.dataset.kind = kind;
      setText(verdict, text);
      hints.replaceChildren(...items.map((item) => h("li", { text: item })));
      setText(path, note);
      printed.hidden = !output;
      setText(printed, output ? `Your code printed:\n${output}` : "");
    },
  };
}

export const mount = figure(async (el, d) => {
  const initial = JSON.parse(el.querySelector(".wtwm-initial-state").dataset.state);
  const limit = initial.time_limit_s;
  const data = loadData(initial.data).then((file) => ({ x: file.data.x, y: file.data.y }));
  data.catch(() => {}); // reported by the first run
  const live = stage(el);

  let reader = null; // the reader's last path, drawn beside the exact one
  let running = false;
  let plot = null;
  const status = pythonStatus(d);
  const out = resultView();
  const code = editor({
    code: storage.read() ?? initial.template,
    label: "Your lines of the loop body: set grad_w and grad_b",
    d,
    onInput: (text) => storage.write(text, initial.template),
    onRun: () => run(),
  });
  const runButton = button("Run", { class: "wtwm-cell-run", "aria-label": "Run your code" });
  const buttons = stateButtons({
    el,
    prefix: PREFIX,
    section: "derivative-to-code",
    d,
    getState: () => ({}),
    reset: () => {
      code.set(initial.template);
      storage.write(initial.template, initial.template);
      reader = null;
      el.dataset.verdict = "";
      out.show({ kind: "", text: "" });
      plot?.update();
    },
  });
  const help = h("p", {
    id: "wtwm-cell-help",
    class: "wtwm-cell-help",
    text: "Tab indents. To leave the editor with the keyboard, press Esc, then Tab (Shift+Tab always leaves). Ctrl+Enter runs. Your code stays in this browser only; Reset brings the template back and forgets it.",
  });
  // Short lines: they wrap rather than scroll, and a phone fits about 30 characters.
  const given = [
    `# given: x, y (${initial.n} points)`,
    `# lr = ${initial.lr}, epochs = ${initial.steps}`,
    `# start: w = ${initial.w0}, b = ${initial.b0}`,
  ].join("\n");
  const box = h("div", {
    class: "wtwm-plot wtwm-cell-plot",
    role: "img",
    "aria-label": "Path of (w, b) over the epochs under the exact gradient; yours appears after a run.",
  });
  live.append(
    status.line,
    h("p", { class: "wtwm-cell-help", text: "Replace each ... with your formula, then press Run:" }),
    h(
      "div",
      { class: "wtwm-cell-code" },
      h("pre", { class: "wtwm-cell-fixed", text: `${given}\n${initial.head}` }),
      code.root,
      h("pre", { class: "wtwm-cell-fixed", text: initial.tail }),
    ),
    help,
    h("div", { class: "wtwm-cell-actions" }, runButton, buttons.root),
    out.root,
    box,
  );
  // This cell starts Python on touch only, so its idle line says so.
  status.follow((state) => {
    if (state === "idle") setText(status.line.text, "Python starts when you touch the cell or press Run.");
  });

  // Python starts when the reader touches the cell, not before: nothing of it
  // downloads for a reader who only scrolls past.
  const start = () => startPython();
  d.on(el, "focusin", start, { once: true });
  d.on(el, "pointerdown", start, { once: true });
  d.on(runButton, "click", () => run());

  function show(result) {
    reader = result.reader;
    el.dataset.verdict = result.verdict;
    el.dataset.hints = result.hints.flatMap((hint) => hint.kinds).join(" ");
    const note = pathNote(result, initial);
    if (result.verdict === "correct") {
      out.show({
        kind: "correct",
        text: "Right: both gradients match the exact ones at all three test points.",
        note,
        output: result.output,
      });
    } else if (result.verdict === "wrong") {
      out.show({
        kind: "wrong",
        text: "Not yet. Your code runs, but:",
        items: result.hints.map((hint) => hint.text),
        note,
        output: result.output,
      });
    } else {
      const { line, message } = result.error;
      if (line) code.select(line);
      out.show({ kind: "error", text: line ? `Line ${line}: ${message}` : message, output: result.output });
    }
    plot?.update();
  }

  function stop(kind, text) {
    el.dataset.verdict = kind;
    el.dataset.hints = "";
    out.show({ kind: "error", text });
  }

  async function run() {
    if (running) return;
    running = true;
    runButton.setAttribute("aria-busy", "true");
    el.dataset.verdict = "running";
    out.show({ kind: "running", text: "Running your code…" });
    try {
      const request = { ...(await data), code: code.area.value, w0: initial.w0, b0: initial.b0, lr: initial.lr };
      show(
        await callPython("gradient_cell", "check", request, {
          limitMs: limit * 1000,
          why: "the gradient cell's code gave no answer",
        }),
      );
    } catch (error) {
      if (error instanceof PythonTimeout) {
        stop(
          "stopped",
          `Stopped: your code ran for more than ${limit} s (a loop that never ends?). Python was restarted; change the code and run it again.`,
        );
        startPython();
      } else if (error instanceof PythonError) {
        stop("error", error.message);
      } else {
        stop("error", `Python could not run this (${error.message}). Press Run to try again.`);
      }
    } finally {
      running = false;
      runButton.removeAttribute("aria-busy");
    }
  }

  plot = await themedPlot(box, (p) => spec(initial, reader, p), d);
});
