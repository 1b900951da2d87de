// Inputs -> compute (a Python call) -> draw, for the live widgets.
//
// At most one call is in flight and the newest input wins. A result is drawn as
// soon as it arrives if nothing has been drawn since the last frame started (so
// the draw overlaps the wait for the next frame), else in the next animation
// frame: however many inputs arrive, each frame paints at most one draw.
//
// Computing ahead: after each draw, the values the reader is about to reach
// along the control that just moved are computed in one background call and
// kept (see aheadValues). An input that lands on one is drawn in its own event
// handler, so the browser's next frame shows the new slider position and the new
// plot together. Once nothing near is left, the rest of that control's range is
// computed too, outward from where it was, one batch per call (see rest): a jump
// (a click on the track, Home, End) is then drawn in its own handler as well.
// Every result still comes from the widget's Python; only when it is computed
// changes.

const AHEAD = 4; // inputs computed ahead in the direction of motion
const BATCH = 16; // values per background call: a newer input waits for at most one
const KEPT = 1000; // results kept (oldest forgotten first); twice a longer range's values
const MAX_PACE = 50; // slider steps per input, beyond which the reader jumped
const MAX_FILLED = 2000; // values of the longest range filled (each result kept is ~8 KB)

const keyOf = (request) => JSON.stringify(request);
const decimals = (step) => Math.max(0, 1 - Math.floor(Math.log10(step)));
const stepsIn = ({ min, max, step }) => Math.round((max - min) / step);
const othersOf = (request, name) => keyOf({ ...request, [name]: null });

// The value a range input with this min/max/step would hold near v.
function snap(v, { min, max, step }) {
  const snapped = min + Math.round((Math.min(max, Math.max(min, v)) - min) / step) * step;
  return Number(Math.min(max, snapped).toFixed(decimals(step)));
}

// The values of a control the next inputs will land on, nearest first. A pointer
// moves the value by whole pixels, so the pace (steps per input) jitters by one:
// the k-th input ahead lands within k·(pace ± 1) steps. Also one input back, for a
// reader who reverses. Pace 0 is a jump (a click on the track, Home, End): the
// next input is as likely an arrow key either way, so one step each side.
export function aheadValues(value, { pace, direction }, sweep) {
  const offsets = [];
  if (pace === 0) offsets.push(1, -1);
  for (let k = 1; pace > 0 && k <= AHEAD; k += 1) {
    for (let j = k * Math.max(1, pace - 1); j <= k * (pace + 1); j += 1) offsets.push(direction * j);
    if (k === 1) for (let j = 1; j <= pace + 1; j += 1) offsets.push(-direction * j);
  }
  const values = new Set(offsets.map((offset) => snap(value + offset * sweep.step, sweep)));
  values.delete(value);
  return [...values];
}

// compute(request) -> result; computeMany(requests) -> [{ok, result}], optional;
// sweeps: {name: {min, max, step}} for the controls worth computing ahead;
// choices: {name: [values]} for a control with a few options (a <select>): its
// other options are computed ahead too, once the sliders' next values are;
// batch: values per background call (fewer where each one costs more);
// computedAhead(): called when results computed ahead have been kept;
// draw(result, request, inFrame); fail(error, request) gets compute's errors.
// Returns update(state); update.peek(state) is the result kept for state, if any.
export function liveUpdate({ compute, computeMany = null, sweeps = {}, choices = {}, batch = BATCH, computedAhead = () => {}, draw, fail, d }) {
  let wanted = null; // {request, n}: the newest input not computed yet
  let running = false;
  let latest = null; // {request, result, n}: a result not drawn yet
  let frame = 0; // pending animation frame
  let drewThisFrame = false;
  let stopped = false;
  let inputs = 0; // numbers the inputs, so an older result never covers a newer one
  let drawn = 0;
  const kept = new Map();
  let previous = null;
  let motion = null; // {name, pace, direction}: the control that moved last, how far, which way
  // The slider whose whole range is computed once nothing near is left: {name,
  // others: the other controls' values, center: its step index then, k: values done}.
  let fill = null;
  const fillable = (sweep) => stepsIn(sweep) < MAX_FILLED;
  const keptMax = Math.max(KEPT, ...Object.values(sweeps).filter(fillable).map((sweep) => 2 * (stepsIn(sweep) + 1)));
  let warming = false;
  let warmNext = null;
  let warmFrame = 0;
  let warmTimer = 0;
  d.add(() => {
    stopped = true;
    cancelAnimationFrame(frame);
    cancelAnimationFrame(warmFrame);
    clearTimeout(warmTimer);
  });

  function keep(request, result) {
    kept.delete(keyOf(request));
    kept.set(keyOf(request), result);
    for (const key of kept.keys()) {
      if (kept.size <= keptMax) break;
      kept.delete(key);
    }
  }

  function paint(inFrame) {
    if (!latest || stopped) return;
    const { result, request, n } = latest;
    latest = null;
    if (n < drawn) return;
    drawn = n;
    drewThisFrame = true;
    if (!frame) frame = requestAnimationFrame(nextFrame);
    draw(result, request, inFrame);
    // Asked for once the frame that shows this draw has been rendered: a task
    // posted during that frame's animation callbacks runs after it, whereas a
    // task posted from an input handler can run before it and delay it.
    warmNext = request;
    if (warmFrame || warmTimer) return;
    if (inFrame) warmSoon();
    else warmFrame = requestAnimationFrame(() => { warmFrame = 0; warmSoon(); });
  }
  function warmSoon() {
    warmTimer = setTimeout(() => {
      warmTimer = 0;
      if (warming || !warmNext) return; // the running call takes warmNext when done
      const next = warmNext;
      warmNext = null;
      warm(next);
    });
  }
  function nextFrame() {
    frame = 0;
    drewThisFrame = false;
    paint(true);
  }
  function offer(request, result, n) {
    if (n < drawn || (latest && latest.n > n)) return;
    latest = { request, result, n };
    if (!drewThisFrame) paint(false);
  }

  async function run() {
    running = true;
    while (wanted && !stopped) {
      const { request, n } = wanted;
      wanted = null;
      let result;
      try {
        result = await compute(request);
      } catch (error) {
        if (!stopped) fail(error, request);
        continue;
      }
      keep(request, result);
      offer(request, result, n);
    }
    running = false;
  }

  // Which control moved since the last input, and how far (in its steps).
  function track(request) {
    const moved = previous ? Object.keys(sweeps).filter((name) => request[name] !== previous[name]) : [];
    if (moved.length === 1) {
      const [name] = moved;
      const others = othersOf(request, name);
      if (!fillable(sweeps[name])) fill = null;
      else if (fill?.name !== name || fill.others !== others) {
        fill = { name, others, center: Math.round((request[name] - sweeps[name].min) / sweeps[name].step), k: 0 };
      }
      const delta = request[name] - previous[name];
      const pace = Math.round(Math.abs(delta) / sweeps[name].step);
      if (pace > MAX_PACE) motion = { name, pace: 0, direction: 0 };
      else motion = pace >= 1 ? { name, pace, direction: Math.sign(delta) } : null;
    } else if (moved.length > 1) {
      motion = null;
      fill = null;
    }
    previous = request;
  }

  function ahead(request) {
    const along = motion ? aheadValues(request[motion.name], motion, sweeps[motion.name]).map((value) => ({ ...request, [motion.name]: value })) : [];
    const options = Object.entries(choices).flatMap(([name, values]) =>
      values.filter((value) => value !== request[name]).map((value) => ({ ...request, [name]: value })));
    return [...along, ...options].filter((r) => !kept.has(keyOf(r))).slice(0, batch);
  }

  // The next batch of the filled control's other values, outward from where it
  // was when it moved: the k-th is ceil(k / 2) steps above that for odd k, below
  // for even k. Paused while any other control differs from then.
  function rest(request) {
    if (!fill || othersOf(request, fill.name) !== fill.others) return [];
    const sweep = sweeps[fill.name];
    const last = stepsIn(sweep);
    const requests = [];
    while (requests.length < batch && fill.k < 2 * Math.max(fill.center, last - fill.center)) {
      fill.k += 1;
      const i = fill.center + Math.ceil(fill.k / 2) * (fill.k % 2 ? 1 : -1);
      const r = { ...request, [fill.name]: snap(sweep.min + i * sweep.step, sweep) };
      if (i >= 0 && i <= last && !kept.has(keyOf(r))) requests.push(r);
    }
    return requests;
  }

  // near: false once the values near request have been asked for (some may have
  // been refused by Python: they are not asked for again).
  async function warm(request, near = true) {
    if (!computeMany || stopped) return;
    if (warming) {
      warmNext = request;
      return;
    }
    const close = near ? ahead(request) : [];
    const requests = close.length ? close : rest(request);
    if (!requests.length) return;
    warming = true;
    let replies = [];
    try {
      replies = await computeMany(requests);
    } catch {
      // computing ahead is only a head start: the input itself will ask again
    } finally {
      warming = false;
    }
    replies.forEach((reply, i) => reply.ok && keep(requests[i], reply.result));
    if (replies.length && !stopped) computedAhead();
    const next = warmNext;
    warmNext = null;
    if (next) warm(next);
    else if (replies.length) warm(request, false); // nothing newer drawn: on with the range
  }

  const update = (state) => {
    const request = { ...state };
    const n = ++inputs;
    track(request);
    const ready = kept.get(keyOf(request));
    if (ready) {
      wanted = null; // anything older waiting to be computed is not needed now
      offer(request, ready, n);
      return;
    }
    wanted = { request, n };
    if (!running) run();
  };
  update.peek = (state) => kept.get(keyOf({ ...state })); // a result computed ahead, or undefined
  return update;
}
