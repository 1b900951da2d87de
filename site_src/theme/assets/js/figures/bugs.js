// What goes wrong: four one-line bugs in the training loop, each a real run
// (docs/data/bugs.json), chosen with a radio group. The plot shows the bug's
// train and validation loss over the correct loop's (thin grey lines); the
// diff and the numbers for each bug are in the caption, written at build time,
// and only the chosen bug's panel is shown.
import { loadData } from "../lib/data.js";
import { captionLine, h, stage, stateButtons } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { extent } from "../lib/numbers.js";
import { themedPlot } from "../lib/plot.js";
import { lossAxes } from "../lib/plot-spec.js";
import { readState } from "../lib/url-state.js";

const PREFIX = "bugs";
// Short, so two fit side by side on a phone; the caption says each in full.
export const LABELS = {
  zero_grad: "no zero_grad()",
  eval: "no model.eval()",
  broadcast: "y of shape (N,)",
  lr: "lr × 10",
};

export function runs(data) {
  return Object.fromEntries(data.runs.map((run) => [run.id, run]));
}

export function spec(data, bug, p) {
  const byId = runs(data);
  const run = byId[bug];
  const ref = byId[run.reference];
  const refName = ref.dropout > 0 ? `correct loop, dropout ${ref.dropout}` : "correct loop";
  // One y range for every bug, so switching compares like with like.
  const [lo, hi] = extent(...data.runs.map((r) => [r.train_loss, r.val_loss]));
  const line = (name, x, y, color, width, dash) => ({
    type: "scatter",
    mode: "lines",
    name,
    x,
    y,
    line: { color, width, dash },
    hovertemplate: `${name}: %{y:.3g}, epoch %{x}<extra></extra>`,
  });
  return {
    data: [
      line(`train, ${refName}`, ref.epoch, ref.train_loss, p.muted, 1.5, "solid"),
      line(`validation, ${refName}`, ref.epoch, ref.val_loss, p.muted, 1.5, "dash"),
      line(`train, ${LABELS[bug]}`, run.epoch, run.train_loss, p.train, 2.5, "solid"),
      line(`validation, ${LABELS[bug]}`, run.epoch, run.val_loss, p.val, 2.5, "dash"),
    ],
    layout: lossAxes({ lastEpoch: run.epoch.at(-1), lo, hi, pad: 1.3, top: 64 }),
  };
}

export function describe(bug, data) {
  const ref = runs(data)[runs(data)[bug].reference];
  return `Shown: ${LABELS[bug]}, against the correct loop${ref.dropout > 0 ? ` with dropout ${ref.dropout}` : ""}.`;
}

export const mount = figure(async (el, d) => {
  const { data } = await loadData("bugs");
  const bugs = data.bugs;
  const wanted = readState(PREFIX).bug;
  let bug = bugs.includes(wanted) ? wanted : bugs[0];

  let plot = null;
  const live = stage(el);
  const say = captionLine(el, { live: true });
  const panels = [...el.querySelectorAll(".wtwm-bugs-panel")];
  const group = h("fieldset", { class: "wtwm-choice" }, h("legend", { text: "Bug shown" }));
  const radios = bugs.map((id) => {
    const input = h("input", { type: "radio", name: `${PREFIX}-bug`, id: `${PREFIX}-bug-${id}`, value: id });
    group.append(h("label", { for: input.id }, input, ` ${LABELS[id]}`));
    return input;
  });
  const buttons = stateButtons({
    el,
    prefix: PREFIX,
    section: "what-goes-wrong",
    d,
    getState: () => (bug === bugs[0] ? {} : { bug }),
    reset: () => plot && set(bugs[0]),
  });
  const box = h("div", {
    class: "wtwm-plot wtwm-bugs-plot",
    role: "img",
    "aria-label": "Training and validation loss per epoch of the chosen bug and of the correct loop, log scale",
  });
  live.append(h("div", { class: "wtwm-controls" }, group, buttons.root), box);

  // Everything but the plot is shown before the plot is awaited.
  function show() {
    radios[bugs.indexOf(bug)].checked = true;
    for (const panel of panels) panel.toggleAttribute("data-shown", panel.dataset.bug === bug);
    say(describe(bug, data));
  }
  show();
  plot = await themedPlot(box, (p) => spec(data, bug, p), d);
  function set(next) {
    bug = next;
    show();
    plot.update();
    buttons.save();
  }
  for (const [i, input] of radios.entries()) d.on(input, "change", () => set(bugs[i]));
});
