// Runs Pyodide off the main thread, so the page never freezes while Python boots.
// Protocol (postMessage):
//   main -> worker {type: "boot", indexURL, widgetsURL, source, sri}
//   main -> worker {type: "call", id, module, func, args}
//   worker -> main {type: "ready", seconds} | {type: "failed", error}
//                  {type: "result", id, ok, result | error}
// Widget modules are fetched from the site (assets/widgets/NAME.py: the same files
// the CPython tests import) on first use and imported from Pyodide's file system.
/* global loadPyodide, importScripts */

let pyodide = null;
let booting = null;
let widgetsURL = "";
const imported = new Set();

async function fetchChecked(url, integrity) {
  const response = await fetch(url, integrity ? { integrity } : {});
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

// CDN mode: every runtime file is fetched with Subresource Integrity. Scripts are
// verified first and then evaluated from blob: URLs; wasm, stdlib and lock go
// through a fetch wrapper that attaches the expected hash.
async function importVerifiedScript(url, integrity) {
  const blob = await (await fetchChecked(url, integrity)).blob();
  const blobURL = URL.createObjectURL(blob);
  try {
    importScripts(blobURL);
  } finally {
    URL.revokeObjectURL(blobURL);
  }
}

function requireIntegrity(baseURL, sri) {
  const originalFetch = self.fetch.bind(self);
  self.fetch = (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input); // string or URL
    const name = url.startsWith(baseURL) ? url.slice(baseURL.length) : null;
    if (name && sri[name]) return originalFetch(input, { ...init, integrity: sri[name] });
    return originalFetch(input, init);
  };
}

async function boot({ indexURL, source, sri }) {
  const started = performance.now();
  if (source === "cdn") {
    requireIntegrity(indexURL, sri);
    await importVerifiedScript(`${indexURL}pyodide.js`, sri["pyodide.js"]);
    await importVerifiedScript(`${indexURL}pyodide.asm.js`, sri["pyodide.asm.js"]);
  } else {
    importScripts(`${indexURL}pyodide.js`);
  }
  pyodide = await loadPyodide({ indexURL, packages: ["numpy"], stdout: () => {}, stderr: () => {} });
  await importWidget("bridge");
  await importWidget("checks"); // shared by the widget modules, which import it
  return (performance.now() - started) / 1000;
}

async function importWidget(name) {
  if (imported.has(name)) return;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a widget module name: ${name}`);
  const source = await (await fetchChecked(`${widgetsURL}${name}.py`)).text();
  pyodide.FS.mkdirTree("/home/pyodide/widgets");
  pyodide.FS.writeFile(`/home/pyodide/widgets/${name}.py`, source);
  if (imported.size === 0) pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/widgets')");
  pyodide.pyimport(name);
  imported.add(name);
}

async function call({ id, module, func, args }) {
  try {
    await importWidget(module);
    const bridge = pyodide.pyimport("bridge");
    const reply = JSON.parse(bridge.call(module, func, JSON.stringify(args ?? {})));
    self.postMessage({ type: "result", id, ...reply });
  } catch (error) {
    self.postMessage({ type: "result", id, ok: false, error: String(error.message ?? error) });
  }
}

self.onmessage = async ({ data }) => {
  if (data.type === "boot") {
    widgetsURL = data.widgetsURL;
    booting ??= boot(data);
    try {
      self.postMessage({ type: "ready", seconds: await booting });
    } catch (error) {
      self.postMessage({ type: "failed", error: String(error.message ?? error) });
    }
  } else if (data.type === "call") {
    await booting;
    await call(data);
  }
};
