// Loads the exported experiment data (docs/data/*.json) once per page session and
// refuses a file whose schema major version this code does not understand.
import { siteUrl } from "./site.js";

export const EXPECTED_VERSIONS = { linear: 1, overfit: 1, regularisers: 2, weights: 1 };
const cache = new Map();

export function loadData(name) {
  if (!cache.has(name)) {
    const request = fetch(siteUrl(`data/${name}.json`))
      .then((response) => {
        if (!response.ok) throw new Error(`data/${name}.json: HTTP ${response.status}`);
        return response.json();
      })
      .then((file) => {
        const expected = EXPECTED_VERSIONS[name];
        if (file.schema !== name || file.version !== expected) {
          throw new Error(`data/${name}.json has schema ${file.schema} v${file.version}; this page reads v${expected}`);
        }
        return file;
      });
    request.catch(() => cache.delete(name));
    cache.set(name, request);
  }
  return cache.get(name);
}
