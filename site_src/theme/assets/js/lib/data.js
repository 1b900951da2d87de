// Loads the exported experiment data (docs/data/*.json) once per page session and
// checks it against its schema (published with the site as data/schemas/), so a
// file that is cut short, outdated or has a field of the wrong type is refused
// with the file and the field named, as the build does, not with a TypeError.
import { firstProblem } from "./data-check.js";
import { siteUrl } from "./site.js";

const cache = new Map();
const schemas = new Map(); // "linear.schema.json" -> promise of its contents

async function fetchJSON(path) {
  const response = await fetch(siteUrl(path));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON, perhaps cut short (${text.length} characters): ${error.message}`);
  }
}

function schema(id) {
  if (!schemas.has(id)) schemas.set(id, fetchJSON(`data/schemas/${id}`));
  return schemas.get(id);
}

async function load(name) {
  const path = `data/${name}.json`;
  const [file, own, envelope] = await Promise.all([
    fetchJSON(path),
    schema(`${name}.schema.json`),
    schema("envelope.schema.json"),
  ]);
  // The version this page reads is the one in the schema built with it, so a new
  // data file needs no edit here.
  const expected = own.properties?.version?.const;
  if (file?.schema !== name || file.version !== expected) {
    throw new Error(`${path} has schema ${file?.schema} v${file?.version}; this page reads v${expected}`);
  }
  const problem = firstProblem(file, own, { [own.$id]: own, [envelope.$id]: envelope });
  if (problem) throw new Error(`${path}: field '${problem.field}': ${problem.message}`);
  return file;
}

export function loadData(name) {
  if (!cache.has(name)) {
    const request = load(name);
    request.catch(() => cache.delete(name));
    cache.set(name, request);
  }
  return cache.get(name);
}
