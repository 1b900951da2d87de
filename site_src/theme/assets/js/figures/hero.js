// Try it before you read it: the over-large MLP fitting noisy data, epoch by epoch,
// beside its train/validation loss. The slider, play and the loss chart all move
// one shared frame index; each frame re-plots (Plotly.animate, no redraw) the
// prediction trace and the loss-chart marker only.
// Predict first: until the reader answers the question below the figure
// (#q-turn-epoch), the validation loss is drawn only up to the epoch shown, and a
// click on the loss chart marks the reader's guess instead of choosing an epoch.
import { loadData } from "../lib/data.js";
import { captionLine, h, stage } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { extent, fmt, nearestIndex, padded } from "../lib/numbers.js";
import { epochPlayer, scrubPlot } from "../lib/player.js";
import { themedPlot } from "../lib/plot.js";
import { axis, topLegend, vline } from "../lib/plot-spec.js";

const PREFIX = "hero";

export function fitSpec(data, yHat, p) {
  const points = (set, symbol, color, name) => ({
    type: "scatter",
    mode: "markers",
    name,
    x: set.x,
    y: set.y,
    hovertemplate: "x %{x:.2f}<br>y %{y:.2f}<extra></extra>",
    marker: { symbol, color, size: 8, line: { color, width: 2 } },
  });
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
      points(data.train, "circle", p.train, "train"),
      points(data.val, "square-open", p.val, "validation"),
      {
        type: "scatter",
        mode: "lines",
        name: "prediction",
        x: data.grid.x,
        y: yHat,
        line: { color: p.prediction, width: 3 },
        hoverinfo: "skip",
      },
    ],
    layout: {
      xaxis: axis.linear("x", padded(extent(data.grid.x), 0.02)),
      yaxis: axis.linear("y", padded(extent(data.train.y, data.val.y, data.grid.y_true), 0.15)),
      legend: topLegend,
      margin: { t: 56 },
      hovermode: "closest",
    },
  };
}

// prediction: {guess, upTo} while the reader has not answered: the guessed epoch
// (or null) and the number of validation points to draw; null once answered.
export function lossSpec(data, epoch, at, p, prediction = null) {
  const { curves } = data;
  const [lo, hi] = extent(curves.train_loss, curves.val_loss);
  const range = [lo / 1.6, hi * 1.6];
  const valShown = prediction ? prediction.upTo : curves.epoch.length;
  const turnShown = !prediction || epoch >= data.best_epoch;
  const guess = prediction?.guess ?? null;
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "train loss",
        x: curves.epoch,
        y: curves.train_loss,
        line: { color: p.train, width: 2 },
      },
      {
        type: "scatter",
        mode: "lines",
        name: "validation loss",
        x: valShown < curves.epoch.length ? curves.epoch.slice(0, valShown) : curves.epoch,
        y: valShown < curves.epoch.length ? curves.val_loss.slice(0, valShown) : curves.val_loss,
        line: { color: p.val, width: 2, dash: "dash" },
      },
      {
        type: "scatter",
        mode: "markers",
        name: "current epoch",
        showlegend: false,
        hoverinfo: "skip",
        x: [epoch, epoch],
        y: at,
        marker: {
          size: 10,
          symbol: ["circle", "square-open"],
          color: [p.train, p.val],
          line: { width: 2, color: [p.train, p.val] },
        },
      },
      {
        type: "scatter",
        mode: "lines",
        name: "epoch shown",
        showlegend: false,
        hoverinfo: "skip",
        x: [epoch, epoch],
        y: range,
        line: { color: p.muted, width: 1.5 },
      },
    ],
    layout: {
      xaxis: axis.epoch(curves.epoch.at(-1)),
      yaxis: axis.log("MSE loss (log)", range),
      legend: topLegend,
      margin: { t: 56 },
      dragmode: false,
      hovermode: "x",
      shapes: [
        ...(turnShown ? [vline(data.best_epoch, p.accent, "dot")] : []),
        ...(guess === null ? [] : [vline(guess, p.text, "dash")]),
      ],
      annotations: [
        ...(turnShown ? [label(data.best_epoch, "memorising from here →", p.accent)] : []),
        ...(guess === null
          ? []
          : [label(guess, `your guess: epoch ${guess}`, p.text, guess > curves.epoch.at(-1) / 2)]),
      ],
    },
  };
}

// A label at the top of the plot, beside its line (left of it in the right half).
const label = (x, text, color, leftOfLine = false) => ({
  x,
  y: 1,
  xref: "x",
  yref: "paper",
  xanchor: leftOfLine ? "right" : "left",
  yanchor: "top",
  showarrow: false,
  text,
  font: { color, size: 12 },
});

export const mount = figure(async (el, d) => {
  const { data } = await loadData("overfit");
  const { frames, curves } = data;
  const lossIndex = frames.epoch.map((e) => nearestIndex(curves.epoch, e));
  const lossAt = (i) => [curves.train_loss[lossIndex[i]], curves.val_loss[lossIndex[i]]];

  const live = stage(el);
  const fitBox = h("div", {
    class: "wtwm-plot wtwm-hero-fit",
    role: "img",
    "aria-label":
      "Training and validation points, the true function and the network's prediction at the selected epoch",
  });
  const lossBox = h("div", {
    class: "wtwm-plot wtwm-hero-loss",
    role: "img",
    "aria-label": "Training and validation loss per epoch on a log scale; click or drag to choose an epoch",
  });
  const say = captionLine(el);
  let ready = false; // the controls exist before the plots do
  const epochs = epochPlayer({
    el,
    prefix: PREFIX,
    epochs: frames.epoch,
    onFrame: () => ready && paint(),
    d,
  });
  live.append(epochs.root, h("div", { class: "wtwm-pair wtwm-hero-charts" }, fitBox, lossBox));

  // The question below the figure, on the chapter page (not in an embed). Paper
  // shows the whole figure, as it shows every answer.
  const question = document.getElementById("q-turn-epoch");
  const guessInput = question?.querySelector("input[type=number]");
  let printing = matchMedia("print").matches;
  const predicting = () => Boolean(question) && !printing && !question.classList.contains("wtwm-q--answered");
  const prediction = () => {
    if (!predicting()) return null;
    const typed = guessInput.value === "" ? Number.NaN : Number(guessInput.value);
    const guess = Number.isFinite(typed) && typed >= 0 && typed <= curves.epoch.at(-1) ? typed : null;
    return { guess, upTo: lossIndex[epochs.index()] + 1 };
  };
  const fit = await themedPlot(fitBox, (p) => fitSpec(data, frames.y_hat[epochs.index()], p), d);
  const loss = await themedPlot(
    lossBox,
    (p) => lossSpec(data, frames.epoch[epochs.index()], lossAt(epochs.index()), p, prediction()),
    d,
  );
  scrubPlot(
    lossBox,
    (x) => {
      if (!predicting()) return epochs.seekEpoch(x);
      guessInput.value = String(Math.round(x));
      paint();
    },
    d,
  );
  let labelledOpen = null; // the loss chart's label says what a click does now
  if (question) {
    d.on(guessInput, "input", () => paint());
    const answered = new MutationObserver(() => paint());
    answered.observe(question, { attributes: true, attributeFilter: ["class"] });
    d.add(() => answered.disconnect());
    const print = matchMedia("print");
    const onPrint = () => {
      printing = print.matches;
      paint();
    };
    d.on(print, "change", onPrint);
    d.on(window, "beforeprint", () => {
      printing = true;
      paint();
    });
    d.on(window, "afterprint", onPrint);
  }

  function paint() {
    const i = epochs.index();
    const epoch = frames.epoch[i];
    const [train, val] = lossAt(i);
    fit.update(); // the specs read the epoch shown: only the moving traces are re-plotted
    loss.update();
    const open = predicting();
    if (open !== labelledOpen) {
      labelledOpen = open;
      lossBox.setAttribute(
        "aria-label",
        open
          ? "Training loss per epoch on a log scale, and validation loss up to the epoch shown; click to mark your guess for the question below the figure"
          : "Training and validation loss per epoch on a log scale; click or drag to choose an epoch",
      );
    }
    say(
      `Now showing epoch ${epoch}: training loss ${fmt(train)}, validation loss ${fmt(val)}; ${phase(epoch, data.best_epoch, !open)}.`,
    );
  }
  ready = true;
  paint();
});

// known: the reader has answered the question, so the caption may name the epoch.
function phase(epoch, best, known) {
  if (epoch < best)
    return known
      ? `validation loss is still falling (it is lowest at epoch ${best})`
      : "validation loss is still falling";
  if (epoch === best) return "validation loss is at its lowest";
  return `validation loss has been rising since epoch ${best}: the network is memorising the noise`;
}
