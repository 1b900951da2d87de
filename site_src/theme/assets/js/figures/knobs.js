// Three knobs that fix overfitting: early stopping, weight decay and dropout pick
// one precomputed run; its fit, curves and per-layer weight norms are drawn
// against the unregularised baseline, with a summary table and the PyTorch loop
// for that setting.
import { loadData } from "../lib/data.js";
import { afterAnswer, button, captionLine, h, setText, stage, stateButtons } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { extent, fmt, padded } from "../lib/numbers.js";
import { themedPlot } from "../lib/plot.js";
import { axis, lossAxes, topLegend } from "../lib/plot-spec.js";
import { copyText, readState } from "../lib/url-state.js";

const PREFIX = "knobs";
const same = (a, b) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

export function findRun(data, knobs) {
  return (
    data.runs.find(
      (run) =>
        run.early_stopping === knobs.early_stopping &&
        same(run.weight_decay, knobs.weight_decay) &&
        same(run.dropout, knobs.dropout),
    ) ?? null
  );
}

// A float as Python writes it (repr), so the code panel is valid, copyable Python.
export function pyFloat(value) {
  if (Number.isInteger(value)) return `${value}.0`;
  if (Math.abs(value) < 1e-4) {
    const [mantissa, power] = value.toExponential().split("e");
    return `${mantissa}e-${power.slice(1).padStart(2, "0")}`;
  }
  return String(value);
}

// The loop of precompute/loops_torch.py (its knobs-loop section and evaluate, put
// into the page at build time: source.loop, source.evaluate) after this run's
// setting. Every setting runs the same code; only the values above it change.
export function codeFor(knobs, config, source) {
  const p = pyFloat(knobs.dropout);
  return [
    "import copy",
    "",
    "import torch",
    "from torch import nn",
    "",
    "# This run's setting. make_mlp is in every checkpoint's loading snippet; x, y,",
    "# x_val, y_val are the training and validation points, float64 columns.",
    `model = make_mlp(hidden_layers=${config.hidden_layers}, width=${config.width}, dropout=${p}).double()`,
    `lr, lr_final, epochs = ${pyFloat(config.lr)}, ${pyFloat(config.lr_final)}, ${config.epochs}`,
    `weight_decay = ${pyFloat(knobs.weight_decay)}  # L2 weight decay`,
    `patience = ${knobs.early_stopping ? `${config.patience}  # early stopping on` : "None  # early stopping off"}`,
    "loss_fn = nn.MSELoss()",
    "log = lambda epoch, model, train_loss, val_loss: None  # the figures record here",
    "",
    source.evaluate,
    "",
    source.loop,
  ].join("\n");
}

// Each layer's weight norm at an epoch; a run is compared with the baseline at
// the epoch it keeps, so early stopping is not mistaken for smaller weights.
export function normsAt(run, epoch) {
  const i = run.weight_norms.epoch.indexOf(epoch);
  return i < 0 ? null : run.weight_norms.layers[i];
}

// The axes are the same for every setting (the plots move in place when a knob
// changes), so their ranges are worked out once.
function scales(data) {
  const points = data.val ? [data.train, data.val] : [data.train];
  return {
    fitX: padded(extent(data.grid.x), 0.02),
    fitY: padded(extent(...points.map((set) => set.y), data.grid.y_true), 0.15),
    loss: extent(...data.runs.flatMap((r) => [r.train_loss, r.val_loss])),
    lastEpoch: Math.max(...data.runs.map((r) => r.epoch.at(-1))),
    normTop: extent(...data.runs.map((r) => normsAt(r, r.summary.kept_epoch))).at(1),
  };
}

function fitSpec(data, run, base, p, scale) {
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "true function",
        x: data.grid.x,
        y: data.grid.y_true,
        line: { color: p.truth, width: 1.5, dash: "dash" },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "markers",
        name: "train",
        x: data.train.x,
        y: data.train.y,
        marker: { symbol: "circle", size: 7, color: p.train },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "markers",
        name: "validation",
        visible: Boolean(data.val),
        x: data.val?.x ?? [],
        y: data.val?.y ?? [],
        marker: { symbol: "square-open", size: 6, color: p.val, line: { width: 1.5, color: p.val } },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "lines",
        name: "baseline",
        x: data.grid.x,
        y: base.y_hat,
        line: { color: p.muted, width: 2, dash: "dot" },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "lines",
        name: "this run",
        visible: Boolean(run),
        x: data.grid.x,
        y: run?.y_hat ?? [],
        line: { color: p.prediction, width: 3 },
        hoverinfo: "skip",
      },
    ],
    layout: {
      xaxis: axis.linear("x", scale.fitX),
      yaxis: axis.linear("y", scale.fitY),
      legend: topLegend,
      margin: { t: 64 },
    },
  };
}

// Where early stopping stopped: a dotted line across the loss chart, labelled
// above it. Traces, not a layout shape and annotation, and blank (no values, no
// text) rather than hidden or emptied when it did not stop: then every knob change
// only moves points (Plotly.animate), never redraws the whole chart (Plotly.react).
function stopTraces(run, p, [bottom, top]) {
  const epoch = run?.summary.stopped_epoch ?? null;
  const at = (value) => (epoch === null ? null : value);
  const common = { type: "scatter", showlegend: false, hoverinfo: "skip", cliponaxis: false };
  return [
    {
      ...common,
      name: "stopped",
      mode: "lines",
      x: [epoch, epoch],
      y: [at(bottom), at(top)],
      line: { color: p.accent, width: 1.5, dash: "dot" },
    },
    {
      ...common,
      name: "stopped, label",
      mode: "text",
      x: [epoch],
      y: [at(top)],
      text: [at(`stopped, epoch ${epoch}`) ?? ""],
      textposition: "top center",
      textfont: { color: p.accent },
    },
  ];
}

function curvesSpec(data, run, base, p, scale) {
  const line = (r, key, color, dash, width, name) => ({
    type: "scatter",
    mode: "lines",
    name,
    visible: Boolean(r),
    x: r?.epoch ?? [],
    y: r?.[key] ?? [],
    line: { color, dash, width },
    hovertemplate: `${name}: %{y:.3g}, epoch %{x}<extra></extra>`,
  });
  const [lo, hi] = scale.loss;
  const pad = 1.6;
  return {
    data: [
      line(base, "train_loss", p.muted, "dot", 1.5, "train, baseline"),
      line(base, "val_loss", p.muted, "dash", 1.5, "validation, baseline"),
      line(run, "train_loss", p.train, "solid", 2.5, "train, this run"),
      line(run, "val_loss", p.val, "dash", 2.5, "validation, this run"),
      ...stopTraces(run, p, [lo / pad, hi * pad]),
    ],
    layout: lossAxes({ lastEpoch: scale.lastEpoch, lo, hi, pad, top: 64 }),
  };
}

export function normsSpec(data, run, base, p, scale) {
  const epoch = (run ?? base).summary.kept_epoch;
  const theirs = normsAt(base, epoch);
  const names = theirs.map((_, i, all) => (i === all.length - 1 ? "out" : `W${i + 1}`));
  return {
    data: [
      {
        type: "bar",
        // The same name for every run (the caption and sentence give the epoch): a
        // new name would redraw the whole chart instead of moving its bars.
        name: "baseline, same epoch",
        x: names,
        y: theirs,
        marker: { color: "rgba(0,0,0,0)", line: { color: p.muted, width: 2 } },
      },
      {
        type: "bar",
        name: "this run",
        visible: Boolean(run),
        x: names,
        y: run ? normsAt(run, epoch) : [],
        marker: { color: p.prediction },
      },
    ],
    layout: {
      barmode: "group",
      xaxis: { title: { text: "layer (input to output)" }, fixedrange: true },
      yaxis: axis.linear("‖W‖ (Frobenius)", [0, scale.normTop * 1.05]),
      legend: topLegend,
      margin: { t: 40 },
      hovermode: "x",
    },
  };
}

// The model each run keeps. Test loss is the honest score: validation picked the
// early-stopped epoch, so it flatters those runs.
const ROWS = [
  ["kept epoch", (s) => String(s.kept_epoch)],
  ["train loss", (s) => fmt(s.train_loss)],
  ["val loss", (s) => fmt(s.val_loss)],
  ["test loss", (s) => fmt(s.test_loss)],
  ["error vs truth", (s) => fmt(s.function_error)],
];

function table() {
  const body = h("tbody");
  const cells = ROWS.map(([label]) => {
    const mine = h("td");
    const theirs = h("td");
    body.append(h("tr", {}, h("th", { scope: "row", text: label }), mine, theirs));
    return [mine, theirs];
  });
  const node = h(
    "table",
    { class: "wtwm-knobs-table" },
    h("caption", {
      class: "wtwm-visually-hidden",
      text: "The model this run keeps against the baseline's (no regularisation)",
    }),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, h("span", { class: "wtwm-visually-hidden", text: "measure" })),
        h("th", { scope: "col", text: "this run" }),
        h("th", { scope: "col", text: "baseline" }),
      ),
    ),
    body,
  );
  const fill = (run, base) =>
    ROWS.forEach(([, value], i) => {
      setText(cells[i][0], run ? value(run.summary) : "—");
      setText(cells[i][1], value(base.summary));
    });
  return { node, fill };
}

function select(id, label, values, value, text) {
  const input = h(
    "select",
    { id },
    ...values.map((v) => h("option", { value: String(v), selected: same(v, value), text: text(v) })),
  );
  return { root: h("div", { class: "wtwm-field" }, h("label", { for: id, text: label }), input), input };
}

export function describe(knobs, run, base) {
  const setting = `early stopping ${knobs.early_stopping ? "on" : "off"}, weight decay ${fmt(knobs.weight_decay)}, dropout ${fmt(knobs.dropout)}`;
  if (!run) return `No run was precomputed for ${setting}; only the unregularised baseline is shown.`;
  const b = base.summary;
  if (run === base)
    return `The baseline: no regularisation. It keeps epoch ${b.kept_epoch}, with test loss ${fmt(b.test_loss)}.`;
  const s = run.summary;
  return `This run: ${setting}. It keeps epoch ${s.kept_epoch}, with test loss ${fmt(s.test_loss)}, against ${fmt(b.test_loss)} for the baseline at epoch ${b.kept_epoch}.`;
}

// URL keys are the glossary's names; links made before they were (es, wd, p) still read.
const KEYS = { early_stopping: "es", weight_decay: "wd", dropout: "p" };

export function initialKnobs(url, knobValues, fallback) {
  const raw = (key) => url[key] ?? url[KEYS[key]];
  const pick = (values, value, otherwise) =>
    values.find((v) => value !== undefined && same(v, Number(value))) ?? otherwise;
  const es = raw("early_stopping");
  return {
    early_stopping: es === undefined ? fallback.early_stopping : ["1", "true", "on"].includes(es),
    weight_decay: pick(knobValues.weight_decay, raw("weight_decay"), fallback.weight_decay),
    dropout: pick(knobValues.dropout, raw("dropout"), fallback.dropout),
  };
}

export const mount = figure(async (el, d) => {
  const source = el.querySelector("[data-loop]").dataset;
  const file = await loadData("regularisers");
  const { data } = file;
  const base = data.runs.find((r) => r.id === data.baseline_id);
  const defaults = { early_stopping: false, weight_decay: 0, dropout: 0 };
  let knobs = initialKnobs(readState(PREFIX), data.knobs, defaults);
  let run = findRun(data, knobs);

  const live = stage(el);
  const say = captionLine(el, { live: true });
  const stopping = h("input", { type: "checkbox", id: `${PREFIX}-es`, checked: knobs.early_stopping });
  const decay = select(`${PREFIX}-wd`, "Weight decay", data.knobs.weight_decay, knobs.weight_decay, (v) =>
    v === 0 ? "0 (off)" : fmt(v),
  );
  const dropout = select(`${PREFIX}-p`, "Dropout p", data.knobs.dropout, knobs.dropout, (v) =>
    v === 0 ? "0 (off)" : fmt(v),
  );
  const buttons = stateButtons({ el, prefix: PREFIX, d, getState, reset: () => set(defaults) });
  const missing = h("p", { class: "wtwm-status wtwm-knobs-missing", role: "status" });
  const plots = ["fit", "curves", "norms"].map((name) =>
    h("div", {
      class: `wtwm-plot wtwm-knobs-${name}`,
      role: "img",
      "aria-label": {
        fit: "Prediction of this setting and of the unregularised network against the true function",
        curves: "Train and validation loss per epoch, this setting against no regularisation, log scale",
        norms:
          "Norm of each layer's weight matrix in the model this run keeps, against the unregularised network at the same epoch",
      }[name],
    }),
  );
  const summary = table();
  const code = h("code", { class: "language-python" }); // lines wrap (site.css): nothing to scroll
  const copy = button("Copy code", { "aria-label": "Copy code: the training loop for this setting" });
  const copied = h("span", { class: "wtwm-status", role: "status" });
  live.append(
    h(
      "div",
      { class: "wtwm-controls" },
      h(
        "div",
        { class: "wtwm-knob-fields" },
        h(
          "div",
          { class: "wtwm-field wtwm-field-check" },
          stopping,
          h("label", { for: stopping.id, text: " Early stopping" }),
        ),
        decay.root,
        dropout.root,
      ),
      buttons.root,
    ),
    missing,
    h("div", { class: "wtwm-pair" }, plots[0], plots[1]),
    h("div", { class: "wtwm-pair" }, plots[2], h("div", { class: "wtwm-knobs-side" }, summary.node)),
    // Closed at first: 48 lines of code would make the figure twice as tall.
    h(
      "details",
      { class: "wtwm-knobs-code" },
      h("summary", { text: "PyTorch loop for this run" }),
      h("div", { class: "wtwm-knobs-code-bar" }, copy, copied),
      h("pre", {}, code),
    ),
  );

  const specs = [fitSpec, curvesSpec, normsSpec];
  const scale = scales(data);
  const drawn = [];
  for (const [i, box] of plots.entries())
    drawn.push(await themedPlot(box, (p) => specs[i](data, run, base, p, scale), d));

  function getState() {
    const out = {};
    if (knobs.early_stopping !== defaults.early_stopping) out.early_stopping = knobs.early_stopping ? 1 : 0;
    if (!same(knobs.weight_decay, defaults.weight_decay)) out.weight_decay = knobs.weight_decay;
    if (!same(knobs.dropout, defaults.dropout)) out.dropout = knobs.dropout;
    return out;
  }
  const codeText = () => codeFor(knobs, { ...file.config, patience: data.patience }, source);
  // The fit and the loss curves answer a change; the weight norms beside the
  // table, the table, the code and the caption sentence follow in the next
  // animation frame (afterAnswer).
  const [fitPlot, curvesPlot, normsPlot] = drawn;
  const showDetails = afterAnswer(() => {
    normsPlot.update();
    summary.fill(run, base);
    setText(code, codeText());
    say(describe(knobs, run, base));
  }, d);
  function show() {
    setText(missing, run ? "" : "This combination was not precomputed: only the baseline is shown.");
    showDetails();
  }
  function set(next) {
    knobs = { ...knobs, ...next };
    run = findRun(data, knobs);
    // Written only when they differ (Reset): assigning a select's value costs a
    // style and accessibility update even when it is the same.
    const showValue = (input, value) => {
      if (input.value !== value) input.value = value;
    };
    if (stopping.checked !== knobs.early_stopping) stopping.checked = knobs.early_stopping;
    showValue(decay.input, String(data.knobs.weight_decay.find((v) => same(v, knobs.weight_decay))));
    showValue(dropout.input, String(data.knobs.dropout.find((v) => same(v, knobs.dropout))));
    fitPlot.update();
    curvesPlot.update();
    show();
    buttons.save();
  }
  d.on(stopping, "change", () => set({ early_stopping: stopping.checked }));
  d.on(decay.input, "change", () => set({ weight_decay: Number(decay.input.value) }));
  d.on(dropout.input, "change", () => set({ dropout: Number(dropout.input.value) }));
  d.on(copy, "click", async () => {
    copied.textContent = (await copyText(codeText())) ? "Copied." : "Select the code and copy it.";
  });
  show();
});
