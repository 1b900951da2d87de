// How a figure lives on the page: mounted when the reader nears it (figures below
// the fold cost nothing until then), cleaned up in one call when it leaves (instant
// navigation), and painting at most once per animation frame.

// Collects everything a mount sets up, so one cleanup call undoes all of it.
// Work that finishes after the cleanup (a plot built while idle, say) is undone
// as soon as it registers, and `done` tells it not to start.
export function disposer() {
  const tasks = [];
  let done = false;
  return {
    get done() {
      return done;
    },
    add(task) {
      if (done) task();
      else tasks.push(task);
    },
    on(target, type, handler, options) {
      if (done) return;
      target.addEventListener(type, handler, options);
      tasks.push(() => target.removeEventListener(type, handler, options));
    },
    run() {
      done = true;
      while (tasks.length) tasks.pop()();
    },
  };
}

// Wraps a figure's build(el, d) into the registry's mount(el): the returned
// cleanup undoes everything, and a build that fails half-way cleans up too.
export function figure(build) {
  return async function mount(el, context) {
    if (!(await whenNear(el))) return undefined; // left the page before it was needed
    const d = disposer();
    try {
      await build(el, d, context);
      return d.run;
    } catch (error) {
      d.run();
      throw error;
    }
  };
}

// Has the reader scrolled, pointed or typed yet? Until then only figures actually
// in view are drawn: a reader who never scrolls (or a page-speed audit) does not
// pay for plotly.js and the data behind figures below the fold.
let engaged = false;
const engagedListeners = new Set();
const ENGAGING_EVENTS = ["scroll", "wheel", "pointerdown", "keydown", "touchstart"];
function markEngaged() {
  engaged = true;
  for (const type of ENGAGING_EVENTS) window.removeEventListener(type, markEngaged, true);
  for (const listener of engagedListeners) listener();
  engagedListeners.clear();
}
let listening = false;
function listenForEngagement() {
  if (listening) return;
  listening = true;
  for (const type of ENGAGING_EVENTS) window.addEventListener(type, markEngaged, { capture: true, passive: true });
}

// A figure whose top edge only peeks in at the bottom of the first screen (its
// padding, or the start of its controls on a phone) waits for the first scroll too.
const PEEK_PX = 120;
function inView(el) {
  const rect = el.getBoundingClientRect();
  return rect.bottom > 0 && rect.top < window.innerHeight - Math.min(PEEK_PX, rect.height);
}

// Resolves true once el is in view, or within `margin` of it after the reader has
// started scrolling (their height is reserved in CSS, so nothing moves), or false
// if an instant navigation removes el first.
// A figure the URL points at (#fig-name, what Copy link writes) is drawn at once.
export function whenNear(el, margin = "600px") {
  listenForEngagement();
  if (el.id && window.location.hash === `#${el.id}`) return Promise.resolve(true);
  return new Promise((resolve) => {
    let done = false;
    let near = false;
    let navigation = null;
    const finish = (result) => {
      if (done) return;
      done = true;
      observer.disconnect();
      engagedListeners.delete(check);
      navigation?.unsubscribe();
      resolve(result);
    };
    const check = () => {
      if (near && (engaged || inView(el))) finish(true);
    };
    const observer = new IntersectionObserver(
      (entries) => {
        near = entries.some((entry) => entry.isIntersecting);
        check();
      },
      { rootMargin: `${margin} 0px` },
    );
    observer.observe(el);
    engagedListeners.add(check);
    // document$ replays its last value on subscribe: el may already be gone.
    navigation =
      window.document$?.subscribe(() => {
        if (!el.isConnected) finish(false);
      }) ?? null;
    if (done) navigation?.unsubscribe();
  });
}

// Calls fn at most once per animation frame with the latest arguments: a burst
// of slider input events becomes one paint.
export function coalesce(fn, d) {
  let frame = 0;
  let latest = [];
  d?.add(() => cancelAnimationFrame(frame));
  return (...args) => {
    latest = args;
    if (!frame)
      frame = requestAnimationFrame(() => {
        frame = 0;
        fn(...latest);
      });
  };
}
