// Runs Pyodide off the main thread, so the page never freezes while Python boots.
// Protocol (postMessage):
//   main -> worker {type: "boot", indexURL, widgetsURL, dataURL, source, sri}
//   main -> worker {type: "call", id, module, func, args}
//   worker -> main {type: "progress", files: {name: [loaded, total]}} | {type: "progress", step}
//                  {type: "ready", seconds, numpy} | {type: "failed", error}
//                  {type: "result", id, ok, result | error | fault}
// `error` is widget Python refusing the reader's input; `fault` is the runtime
// failing (a download, a missing module), which the page words differently.
// Widget modules are fetched from the site (assets/widgets/NAME.py: the same files
// the CPython tests import) on first use and imported from Pyodide's file system;
// the data file a module names (DATA = "linear") is fetched once, kept in Python,
// and never sent with a call.
/* global loadPyodide, importScripts */

let pyodide = null;
let booting = null;
let widgetsURL = "";
let dataURL = "";
const imported = new Set();
const datasets = new Set();
const rawFetch = self.fetch.bind(self); // before watchRuntimeFetches wraps it

// The exception line of a Python traceback ("ModuleNotFoundError: No module
// named 'numpy'"): the lines above it mean nothing to a reader.
function briefly(error) {
  const lines = String(error?.message ?? error)
    .trim()
    .split("\n")
    .map((line) => line.trim());
  return lines.findLast((line) => /^[A-Z]\w*(Error|Exception): /.test(line)) ?? lines[lines.length - 1];
}

let endStartUp = null; // while starting: a runtime file that fails to download ends it

async function fetchChecked(url, init = {}) {
  const name = url.slice(url.lastIndexOf("/") + 1);
  let response;
  try {
    response = await rawFetch(url, init);
  } catch (error) {
    const why = init.integrity ? "network error or failed integrity check" : "network error";
    const failed = new Error(`could not download ${name} (${why})`, { cause: error });
    endStartUp?.(failed);
    throw failed;
  }
  if (!response.ok) {
    const failed = new Error(`could not download ${name} (HTTP ${response.status})`);
    endStartUp?.(failed);
    throw failed;
  }
  return response;
}

// Every runtime file goes through fetch: check its status, attach its SRI hash
// (CDN mode) and count its bytes, so the page can say what is downloading.
const files = {};
let lastProgress = 0;
function reportProgress(force) {
  const now = performance.now();
  if (!force && now - lastProgress < 100) return; // ten updates a second is plenty
  lastProgress = now;
  self.postMessage({ type: "progress", files });
}

function counted(response, name) {
  if (!response.body) return response;
  const total = Number(response.headers.get("Content-Length")) || 0;
  files[name] = [0, total];
  const counter = new TransformStream({
    transform(chunk, controller) {
      files[name][0] += chunk.byteLength;
      reportProgress(false);
      controller.enqueue(chunk);
    },
    flush() {
      files[name][1] = files[name][0]; // compressed Content-Length or none: the real size
      reportProgress(true);
    },
  });
  const { status, statusText, headers } = response;
  return new Response(response.body.pipeThrough(counter), { status, statusText, headers });
}

function watchRuntimeFetches(baseURL, sri) {
  self.fetch = async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input); // string or URL
    if (!url.startsWith(baseURL)) return rawFetch(input, init);
    const name = url.slice(baseURL.length);
    const integrity = sri[name];
    const response = await fetchChecked(url, integrity ? { ...init, integrity } : init);
    return counted(response, name);
  };
}

// Pyodide catches a failed wasm instantiation, logs "wasm instantiation failed!"
// and never settles loadPyodide; this rejects instead, so start-up fails at once.
function wasmFailure() {
  return new Promise((_, reject) => {
    for (const name of ["instantiate", "instantiateStreaming"]) {
      const original = WebAssembly[name].bind(WebAssembly);
      WebAssembly[name] = (...args) =>
        original(...args).catch((error) => {
          const damaged = error instanceof WebAssembly.CompileError || error instanceof WebAssembly.LinkError;
          const why = error.message.replace(/^WebAssembly\.\w+\(\): /, "");
          reject(damaged ? new Error(`the Python runtime is damaged (${why})`) : error);
          throw error;
        });
    }
  });
}

// CDN mode: scripts are verified first and then evaluated from blob: URLs.
async function importVerifiedScript(url, integrity) {
  const blob = await (await fetchChecked(url, { integrity })).blob();
  const blobURL = URL.createObjectURL(blob);
  try {
    importScripts(blobURL);
  } finally {
    URL.revokeObjectURL(blobURL);
  }
}

async function boot({ indexURL, source, sri }) {
  const started = performance.now();
  watchRuntimeFetches(indexURL, source === "cdn" ? sri : {});
  const failed = wasmFailure();
  failed.catch(() => {}); // a failure after start-up is not this race's
  // Scripts load with importScripts, which cannot be counted: name it at least.
  self.postMessage({ type: "progress", step: "downloading pyodide.asm.js" });
  if (source === "cdn") {
    await importVerifiedScript(`${indexURL}pyodide.js`, sri["pyodide.js"]);
    await importVerifiedScript(`${indexURL}pyodide.asm.js`, sri["pyodide.asm.js"]);
  } else {
    importScripts(`${indexURL}pyodide.js`);
  }
  // loadPyodide never settles when NumPy's download fails before the runtime is up
  // (Pyodide 0.27 then logs through a runtime not there yet), so a runtime file
  // that fails to download ends the start-up at once, whenever it fails.
  const fault = new Promise((_, reject) => {
    endStartUp = reject;
  });
  fault.catch(() => {});
  const loading = loadPyodide({ indexURL, packages: ["numpy"], stdout: () => {}, stderr: () => {} });
  try {
    pyodide = await Promise.race([loading, failed, fault]);
  } catch (error) {
    const numpyMissing = error.message.startsWith("could not download numpy-");
    throw numpyMissing ? new Error(`NumPy could not be loaded (${error.message})`) : error;
  } finally {
    endStartUp = null;
  }
  self.postMessage({ type: "progress", step: "importing NumPy" });
  let numpy;
  try {
    numpy = pyodide.runPython("import numpy\nnumpy.__version__"); // "ready" means NumPy works
  } catch (error) {
    throw new Error(`NumPy could not be loaded (${briefly(error)})`);
  }
  await importWidget("bridge");
  await importWidget("checks"); // shared by the widget modules, which import it
  return { seconds: (performance.now() - started) / 1000, numpy };
}

async function importWidget(name) {
  if (imported.has(name)) return;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a widget module name: ${name}`);
  const source = await (await fetchChecked(`${widgetsURL}${name}.py`)).text();
  pyodide.FS.mkdirTree("/home/pyodide/widgets");
  pyodide.FS.writeFile(`/home/pyodide/widgets/${name}.py`, source);
  if (imported.size === 0) pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/widgets')");
  try {
    pyodide.pyimport(name);
  } catch (error) {
    throw new Error(`${name}.py could not be imported (${briefly(error)})`);
  }
  imported.add(name);
}

// Runs one call; replies with the bridge's answer, or a fault if the runtime
// (not the input) failed: a module that will not load, an unexpected exception.
async function run(type, id, work) {
  try {
    self.postMessage({ type, id, ...(await work()) });
  } catch (error) {
    self.postMessage({ type, id, ok: false, fault: briefly(error) });
  }
}

async function loadDataset(module) {
  const bridge = pyodide.pyimport("bridge");
  const name = bridge.dataset_of(module);
  if (!name || datasets.has(name)) return;
  const file = await (await fetchChecked(`${dataURL}${name}.json`)).text();
  try {
    bridge.load(module, file);
  } catch (error) {
    throw new Error(`data/${name}.json could not be read (${briefly(error)})`);
  }
  datasets.add(name);
}

function call({ id, module, func, args }) {
  return run("result", id, async () => {
    await importWidget(module);
    await loadDataset(module);
    return JSON.parse(pyodide.pyimport("bridge").call(module, func, JSON.stringify(args ?? {})));
  });
}

self.onmessage = async ({ data }) => {
  if (data.type === "boot") {
    ({ widgetsURL, dataURL } = data);
    booting ??= boot(data);
    try {
      self.postMessage({ type: "ready", ...(await booting) });
    } catch (error) {
      self.postMessage({ type: "failed", error: briefly(error) });
    }
  } else if (data.type === "call") {
    await booting;
    await call(data);
  }
};
