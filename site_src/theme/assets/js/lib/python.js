// One owner for Python in the browser: a single Pyodide instance in a Web Worker,
// booted lazily by the first widget that asks, shared by every widget, and kept
// across instant navigations (this module is evaluated once per page session).
import { siteConfig, siteUrl } from "./site.js";

let worker = null;
let ready = null;
let nextId = 0;
const pending = new Map();
const listeners = new Set();
let status = { state: "idle", detail: "" }; // idle | starting | ready | failed

function setStatus(state, detail = "") {
  status = { state, detail };
  for (const listener of listeners) listener(status);
}

// Calls back now and on every change with {state, detail}; returns unsubscribe.
export function onPythonStatus(listener) {
  listeners.add(listener);
  listener(status);
  return () => listeners.delete(listener);
}

function bootMessage() {
  const config = siteConfig().pyodide ?? { source: "local", sri: {} };
  const indexURL = config.source === "cdn" ? config.cdn_url : siteUrl("assets/vendor/pyodide/");
  return { type: "boot", indexURL, source: config.source, sri: config.sri ?? {}, widgetsURL: siteUrl("assets/widgets/") };
}

function fail(reason) {
  setStatus("failed", reason);
  for (const { reject } of pending.values()) reject(new Error(reason));
  pending.clear();
  worker?.terminate();
  return reason;
}

// Starts Python if it is not running yet; resolves when numpy is importable.
export function startPython() {
  if (ready) return ready;
  setStatus("starting");
  ready = new Promise((resolve, reject) => {
    if (typeof Worker === "undefined" || typeof WebAssembly === "undefined") {
      reject(new Error(fail("this browser cannot run Python (no Web Workers or WebAssembly)")));
      return;
    }
    worker = new Worker(siteUrl("assets/js/python-worker.js"));
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(fail("the Python runtime could not be downloaded")));
    };
    worker.onmessage = ({ data }) => {
      if (data.type === "ready") {
        setStatus("ready", `${data.seconds.toFixed(1)} s`);
        resolve();
      } else if (data.type === "failed") {
        reject(new Error(fail(`Python could not start (${data.error})`)));
      } else if (data.type === "result") {
        const call = pending.get(data.id);
        pending.delete(data.id);
        if (data.ok) call?.resolve(data.result);
        else call?.reject(new PythonError(data.error));
      }
    };
    worker.postMessage(bootMessage());
  });
  ready.catch(() => {}); // callers handle failure through status and their own awaits
  return ready;
}

// An error raised by widget Python (bad input, divergence): show it, don't log it.
export class PythonError extends Error {}

// Runs module.func(**args) in Pyodide; args and result travel as JSON.
export async function callPython(module, func, args = {}) {
  await startPython();
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ type: "call", id, module, func, args });
  });
}

// Starts Python when `el` comes within `margin` of the viewport or is first
// touched, whichever is sooner. Returns a cleanup function.
export function startPythonWhenNear(el, margin = "600px") {
  const start = () => {
    cleanup();
    startPython();
  };
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) start();
  }, { rootMargin: margin });
  observer.observe(el);
  el.addEventListener("pointerdown", start, { once: true });
  el.addEventListener("focusin", start, { once: true });
  function cleanup() {
    observer.disconnect();
    el.removeEventListener("pointerdown", start);
    el.removeEventListener("focusin", start);
  }
  return cleanup;
}
