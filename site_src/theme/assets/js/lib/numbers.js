// Numbers as the chapter writes them (Python's ".3g"), and the small range helpers
// every figure uses.

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

// fmt, with more digits where `digits` would round the value to 1, 0 or -1 and it
// is not that: sigmoid(8.5) reads 0.9998, not 1, and 1.006 × the critical rate
// is not "1 ×" (which would say it sits exactly on it).
export function fmtExact(value, digits = 3) {
  let text = fmt(value, digits);
  for (
    let more = digits + 1;
    more <= 17 && Math.abs(Number(text)) <= 1 && Number.isInteger(Number(text)) && Number(text) !== value;
    more += 1
  )
    text = fmt(value, more);
  return text;
}

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
  for (const array of arrays)
    for (const v of array.flat(Infinity)) {
      if (typeof v === "number" && Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  return [lo, hi];
}

export function padded([lo, hi], fraction = 0.08) {
  const pad = (hi - lo || Math.abs(hi) || 1) * fraction;
  return [lo - pad, hi + pad];
}

// An axis range that stays put while the wanted one fits well inside it, so a
// small change moves the data, not the axes (and the drawn plot can be updated
// in place). When it must change, it leaves `margin` of room on each side, or
// `grow` when the data has outgrown it (data that keeps growing, such as a
// diverging descent, then re-plots the axes less often); the lower end is kept
// where `keepLow`, e.g. a loss axis from 0.
export function steadyRange(current, wanted, { margin = 0.2, grow = margin, keepLow = false } = {}) {
  const [lo, hi] = wanted;
  if (current && lo >= current[0] && hi <= current[1] && hi - lo >= 0.5 * (current[1] - current[0])) return current;
  const outgrown = current && (lo < current[0] || hi > current[1]);
  const pad = (hi - lo || 1) * (outgrown ? grow : margin);
  return [keepLow ? lo : lo - pad, hi + pad];
}
