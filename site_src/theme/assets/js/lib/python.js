// One Pyodide in a Web Worker, started by the first widget that asks and shared
// by all, across instant navigations. Nothing waits for ever: start-up fails after
// STALL_MS without progress; a call unanswered after its limit ends the worker,
// and the next call starts a new one.
import { siteConfig, siteUrl } from "./site.js";

export const STALL_MS = 45_000; // a slow link keeps sending bytes; a stuck start-up does not
export const CALL_MS = 10_000; // a widget's call takes milliseconds

// Widget Python refused the reader's input (shown, not logged); the runtime failed
// (a download, a dead worker); a call ran past its time limit (worker ended).
export class PythonError extends Error {}
export class PythonFault extends Error {}
export class PythonTimeout extends PythonFault {}

let worker = null;
let ready = null; // a promise while a worker starts or runs, or after a failed start-up
let booted = null; // {resolve, reject} of `ready` until the worker says ready
let stall = 0;
let nextId = 0;
const pending = new Map(); // id -> {resolve, reject, timer}
const listeners = new Set();
// state: idle | starting | ready | failed (start-up) | stopped (died once ready);
// detail: progress, start-up time or the fault; numpy: its version once ready.
let status = { state: "idle", detail: "" };

function setStatus(state, detail = "", extra = {}) {
  status = { state, detail, ...extra };
  for (const listener of listeners) listener(status);
}

// Calls back now and on every change with {state, detail, numpy}; returns unsubscribe.
export function onPythonStatus(listener) {
  listeners.add(listener);
  listener(status);
  return () => listeners.delete(listener);
}

function bootMessage() {
  const { source = "local", cdn_url, sri = {} } = siteConfig().pyodide ?? {};
  const indexURL = source === "cdn" ? cdn_url : siteUrl("assets/vendor/pyodide/");
  return { type: "boot", indexURL, source, sri, widgetsURL: siteUrl("assets/widgets/"), dataURL: siteUrl("data/") };
}

// Ends the worker and everything waiting on it. A failed start-up is tried again
// only by restartPython (Retry), not by every widget that scrolls into view.
function giveUp(state, reason) {
  clearTimeout(stall);
  worker?.terminate();
  worker = null;
  if (state === "stopped") ready = null;
  booted?.reject(new PythonFault(reason));
  booted = null;
  for (const call of pending.values()) {
    clearTimeout(call.timer);
    call.reject(new PythonFault(reason));
  }
  pending.clear();
  setStatus(state, reason);
}

function watchStall() {
  clearTimeout(stall);
  stall = setTimeout(() => giveUp("failed", `no progress for ${STALL_MS / 1000} s`), STALL_MS);
}

const megabytes = (bytes) => (bytes / 1e6).toFixed(1);
const shortName = (file) => file.replace(/-\d.*\.whl$/, ""); // numpy-2.0.2-cp312-…whl -> numpy

// "downloading pyodide.asm.wasm: 3.1 of 12.5 MB": one name only, the largest file
// still coming, so the line (whose height is reserved) never grows.
function progressText({ files, step }) {
  if (step) return step;
  const sizes = Object.entries(files);
  const loaded = sizes.reduce((sum, [, [bytes]]) => sum + bytes, 0);
  const total = sizes.reduce((sum, [, [, bytes]]) => sum + bytes, 0);
  const [largest] = sizes.filter(([, [now, size]]) => !size || now < size).sort((a, b) => b[1][1] - a[1][1]);
  if (!largest) return `${megabytes(loaded)} MB downloaded, compiling`;
  return `downloading ${shortName(largest[0])}: ${megabytes(loaded)}${total >= loaded ? ` of ${megabytes(total)}` : ""} MB`;
}

function onReply(data) {
  const call = pending.get(data.id);
  if (!call) return;
  pending.delete(data.id);
  clearTimeout(call.timer);
  if (data.fault) call.reject(new PythonFault(data.fault));
  else if (!data.ok) call.reject(new PythonError(data.error));
  else call.resolve(data.result);
}

function onMessage({ data }) {
  if (data.type === "progress") {
    watchStall();
    setStatus("starting", progressText(data));
  } else if (data.type === "ready") {
    clearTimeout(stall);
    setStatus("ready", `${data.seconds.toFixed(1)} s`, { numpy: data.numpy });
    booted?.resolve();
    booted = null;
  } else if (data.type === "failed") {
    giveUp("failed", data.error);
  } else {
    onReply(data);
  }
}

// Starts Python if it is not running yet; resolves once NumPy is imported.
export function startPython() {
  if (ready) return ready;
  const starting = new Promise((resolve, reject) => {
    booted = { resolve, reject }; // not Promise.withResolvers: Safari before 17.4 lacks it
  });
  starting.catch(() => {}); // callers handle failure through status and their own awaits
  ready = starting;
  setStatus("starting");
  if (typeof Worker === "undefined" || typeof WebAssembly === "undefined") {
    giveUp("failed", "this browser cannot run Python (no Web Workers or WebAssembly)");
    return starting;
  }
  worker = new Worker(siteUrl("assets/js/python-worker.js"));
  worker.onerror = (event) => {
    event.preventDefault();
    if (status.state === "ready") giveUp("stopped", "the Python worker crashed");
    else giveUp("failed", "the Python worker could not be loaded");
  };
  worker.onmessage = onMessage;
  worker.postMessage(bootMessage());
  watchStall();
  return starting;
}

function send(message, limitMs = CALL_MS, why = "no answer") {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    if (!worker) return reject(new PythonFault(status.detail || "Python is not running"));
    // Python running in the worker cannot be interrupted from here: end the worker.
    const timer = setTimeout(() => {
      const reason = `${why} within ${limitMs / 1000} s`;
      pending.delete(id);
      reject(new PythonTimeout(reason));
      giveUp("stopped", reason);
    }, limitMs);
    pending.set(id, { resolve, reject, timer });
    worker.postMessage({ ...message, id });
  });
}

// Starts a new worker after a failed start-up (the widgets' Retry).
export function restartPython() {
  if (status.state === "failed") ready = null;
  return startPython();
}

// Runs module.func(**args) in Pyodide (JSON both ways), within limitMs.
export async function callPython(module, func, args = {}, { limitMs = CALL_MS, why } = {}) {
  await startPython();
  return send({ type: "call", module, func, args }, limitMs, why);
}

// Starts Python when `el` nears the viewport or is first touched; on a Save-Data
// connection only when touched (the runtime is 12 MB). Returns a cleanup.
export function startPythonWhenNear(el, margin = "600px") {
  const touched = new AbortController();
  const near = (entries) => entries.some((entry) => entry.isIntersecting) && start();
  const observer = new IntersectionObserver(near, { rootMargin: margin });
  const cleanup = () => {
    observer.disconnect();
    touched.abort();
  };
  const start = () => {
    cleanup();
    startPython();
  };
  if (!navigator.connection?.saveData) observer.observe(el);
  for (const type of ["pointerdown", "focusin"]) el.addEventListener(type, start, { signal: touched.signal });
  return cleanup;
}
