// Inputs -> compute (a Python call) -> draw, for the live widgets.
//
// At most one call is in flight and the newest input wins. A result is drawn as
// soon as it arrives if nothing has been drawn since the last frame started (so
// the draw overlaps the wait for the next frame), else in the next animation
// frame: however many inputs arrive, each frame paints at most one draw.
//
// Computing ahead: after each draw, the values the reader is about to reach
// (the next steps either way along the control that just moved, at the pace it
// moves) are computed in one background call and kept. An input that lands on
// one is drawn in its own event handler, so the browser's next frame shows the
// new slider position and the new plot together. Every result still comes from
// the widget's Python; only when it is computed changes.

const AHEAD = 4; // steps computed ahead in each direction
const KEPT = 400; // results kept (oldest forgotten first)
const MAX_PACE = 50; // slider steps per input, beyond which the reader is jumping

const keyOf = (request) => JSON.stringify(request);
const decimals = (step) => Math.max(0, 1 - Math.floor(Math.log10(step)));

// The value a range input with this min/max/step would hold near v.
function snap(v, { min, max, step }) {
  const snapped = min + Math.round((Math.min(max, Math.max(min, v)) - min) / step) * step;
  return Number(Math.min(max, snapped).toFixed(decimals(step)));
}

// compute(request) -> result; computeMany(requests) -> [{ok, result}], optional;
// sweeps: {name: {min, max, step}} for the controls worth computing ahead;
// draw(result, request, inFrame); fail(error, request) gets compute's errors.
// Returns update(state).
export function liveUpdate({ compute, computeMany = null, sweeps = {}, draw, fail, d }) {
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
  let motion = null; // {name, pace}: the control that moved last, and by how many steps
  let warming = false;
  let warmNext = null;
  d.add(() => {
    stopped = true;
    cancelAnimationFrame(frame);
  });

  function keep(request, result) {
    kept.delete(keyOf(request));
    kept.set(keyOf(request), result);
    for (const key of kept.keys()) {
      if (kept.size <= KEPT) break;
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
    warm(request);
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
      const pace = Math.round(Math.abs(request[name] - previous[name]) / sweeps[name].step);
      motion = pace >= 1 && pace <= MAX_PACE ? { name, pace } : null;
    } else if (moved.length > 1) {
      motion = null;
    }
    previous = request;
  }

  function ahead(request) {
    if (!motion) return [];
    const { name, pace } = motion;
    const sweep = sweeps[name];
    const values = new Set();
    for (let j = 1; j <= AHEAD; j += 1) {
      for (const direction of [1, -1]) {
        values.add(snap(request[name] + direction * j * pace * sweep.step, sweep));
        if (pace > 1 && j <= 2) values.add(snap(request[name] + direction * j * sweep.step, sweep));
      }
    }
    values.delete(request[name]);
    return [...values].map((value) => ({ ...request, [name]: value })).filter((r) => !kept.has(keyOf(r)));
  }

  async function warm(request) {
    if (!computeMany || stopped) return;
    if (warming) {
      warmNext = request;
      return;
    }
    const requests = ahead(request);
    if (!requests.length) return;
    warming = true;
    try {
      const replies = await computeMany(requests);
      replies.forEach((reply, i) => reply.ok && keep(requests[i], reply.result));
    } catch {
      // computing ahead is only a head start: the input itself will ask again
    } finally {
      warming = false;
    }
    if (warmNext && !stopped) {
      const next = warmNext;
      warmNext = null;
      warm(next);
    }
  }

  return (state) => {
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
}
