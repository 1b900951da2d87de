// Inputs -> a Python call -> a draw. The newest input wins: later inputs overwrite
// one waiting slot, so one call runs and the reader never waits behind stale work;
// a result is drawn in the next animation frame, once per frame.
// compute(request) -> result; draw(result, request); fail(error, request).
export function liveUpdate({ compute, draw, fail, d }) {
  let waiting = null; // the newest input not sent yet
  let running = false;
  let result = null; // the newest result not drawn yet: {value, request}
  let frame = 0;
  let stopped = false;
  d.add(() => {
    stopped = true;
    cancelAnimationFrame(frame);
  });

  function paint() {
    frame = 0;
    if (stopped || !result) return;
    const { value, request } = result;
    result = null;
    draw(value, request);
  }

  async function run() {
    running = true;
    while (waiting && !stopped) {
      const request = waiting;
      waiting = null;
      try {
        result = { value: await compute(request), request };
        frame ||= requestAnimationFrame(paint);
      } catch (error) {
        if (!stopped) fail(error, request);
      }
    }
    running = false;
  }

  return (state) => {
    waiting = { ...state };
    if (!running) run();
  };
}
