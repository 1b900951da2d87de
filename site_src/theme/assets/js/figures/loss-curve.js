// Reading a loss curve: train and validation loss of the over-large MLP, the
// validation minimum marked, and a toggle that hides the validation line ("the
// lie": training loss alone says the model only gets better).
import { loadData } from "../lib/data.js";
import { button, captionLine, h, stage, stateButtons, toggle } from "../lib/dom.js";
import { figure } from "../lib/figure.js";
import { extent, fmt } from "../lib/numbers.js";
import { themedPlot } from "../lib/plot.js";
import { lossAxes, vline } from "../lib/plot-spec.js";
import { readState } from "../lib/url-state.js";

const PREFIX = "loss-curve";

export function spec(data, showVal, p) {
  const { curves } = data;
  const [lo, hi] = extent(curves.train_loss, curves.val_loss);
  return {
    data: [
      {
        type: "scatter",
        mode: "lines",
        name: "train loss",
        x: curves.epoch,
        y: curves.train_loss,
        line: { color: p.train, width: 2.5 },
      },
      {
        type: "scatter",
        mode: "lines",
        name: "validation loss",
        visible: showVal,
        x: curves.epoch,
        y: curves.val_loss,
        line: { color: p.val, width: 2.5, dash: "dash" },
      },
      {
        type: "scatter",
        mode: "markers",
        name: "lowest validation loss",
        visible: showVal,
        x: [data.best_epoch],
        y: [data.best_val_loss],
        marker: { symbol: "diamond", size: 12, color: p.accent, line: { color: p.background, width: 1 } },
        hovertemplate: "lowest validation loss %{y:.3g}<br>epoch %{x}<extra></extra>",
      },
    ],
    layout: {
      ...lossAxes({ lastEpoch: curves.epoch.at(-1), lo, hi, pad: 1.6, top: 40 }),
      shapes: showVal ? [vline(data.best_epoch, p.accent, "dot")] : [],
      annotations: showVal
        ? [
            {
              x: data.best_epoch,
              y: Math.log10(data.best_val_loss),
              yshift: -14,
              xanchor: "left",
              yanchor: "top",
              showarrow: false,
              // It sits on the training curve: a translucent backing keeps it legible.
              text: `  lowest validation loss, epoch ${data.best_epoch}`,
              font: { color: p.accent, size: 12 },
              bgcolor: `${p.background}d9`,
            },
          ]
        : [],
    },
  };
}

export function describe(data, showVal) {
  const { curves } = data;
  const last = curves.epoch.at(-1);
  if (!showVal) {
    return `Validation line hidden. All that is left is training loss falling from ${fmt(curves.train_loss[0])} to ${fmt(curves.train_loss.at(-1))} over ${last} epochs: it looks as if the model only gets better.`;
  }
  return `Validation line shown. Validation loss is lowest, ${fmt(data.best_val_loss)}, at epoch ${data.best_epoch}, then climbs to ${fmt(curves.val_loss.at(-1))} by epoch ${last} while training loss keeps falling to ${fmt(curves.train_loss.at(-1))}.`;
}

export const mount = figure(async (el, d) => {
  const { data } = await loadData("overfit");
  let showVal = readState(PREFIX).val !== "hidden";

  let plot = null;
  const live = stage(el);
  const box = h("div", {
    class: "wtwm-plot wtwm-loss-curve-plot",
    role: "img",
    "aria-label": "Training and validation loss per epoch on a log scale",
  });
  const hide = button("Hide validation loss", { class: "wtwm-toggle", "aria-pressed": "false" });
  const say = captionLine(el, { live: true });
  const buttons = stateButtons({
    el,
    prefix: PREFIX,
    d,
    getState: () => (showVal ? {} : { val: "hidden" }),
    reset: () => plot && set(true),
  });
  live.append(h("div", { class: "wtwm-controls" }, hide, buttons.root), box);

  plot = await themedPlot(box, (p) => spec(data, showVal, p), d);
  function set(show) {
    showVal = show;
    toggle(hide, !showVal);
    plot.update();
    say(describe(data, showVal));
    buttons.save();
  }
  d.on(hide, "click", () => set(!showVal));
  toggle(hide, !showVal);
  say(describe(data, showVal));
});
