// What figures use to describe a plot: axes, legends, lines, and merging layouts.
// Plain data in, plain data out; lib/plot.js draws it.

export const axis = {
  epoch: (maxEpoch, extra = {}) => ({ title: { text: "epoch" }, range: [0, maxEpoch], fixedrange: true, ...extra }),
  linear: (title, range, extra = {}) => ({ title: { text: title }, range, fixedrange: true, ...extra }), // no range: auto
  // Pass the range in data units: Plotly's log-axis range is in powers of ten.
  log: (title, [lo, hi], extra = {}) => ({
    ...axis.linear(title, [Math.log10(lo), Math.log10(hi)], { type: "log", ...logTicks(lo, hi) }),
    ...extra,
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

// Loss against epoch, the loss on a log axis from lo / pad to hi * pad, the legend
// above: the loss charts of the loss curve, the knobs and the bugs.
export const lossAxes = ({ lastEpoch, lo, hi, pad, top }) => ({
  xaxis: axis.epoch(lastEpoch),
  yaxis: axis.log("MSE loss (log)", [lo / pad, hi * pad]),
  legend: topLegend,
  margin: { t: top },
  hovermode: "x",
});

// Horizontal legend above the plot: never covers data, wraps on a phone; the
// reader's state lives in the controls and the URL, not in the legend.
export const topLegend = {
  orientation: "h",
  traceorder: "normal",
  x: 0,
  xanchor: "left",
  y: 1.02,
  yanchor: "bottom",
  itemclick: false,
  itemdoubleclick: false,
};

// A vertical line at x spanning the plot height, and its label.
export function vline(x, color, dash = "dot", extra = {}) {
  const line = { color, width: 1.5, dash };
  return { type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, line, ...extra };
}

export const isObject = (value) => value && typeof value === "object" && !Array.isArray(value);

export function merge(base, extra) {
  const out = { ...base };
  for (const [key, value] of Object.entries(extra ?? {})) {
    out[key] = isObject(value) && isObject(base?.[key]) ? merge(base[key], value) : value;
  }
  return out;
}

export const axisKeys = (layout) => Object.keys(layout).filter((key) => /^[xy]axis\d*$/.test(key));
