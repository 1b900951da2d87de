// The structural part of the data contract, in the browser: a data file against
// the same JSON Schema the build checks (types, required fields, items, $ref,
// enum, const, x-same-length), so a damaged file names its field here as well.
// Bounds and patterns are left to the build: they cannot crash a figure.

const TYPES = {
  object: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
  array: Array.isArray,
  number: (v) => typeof v === "number",
  integer: Number.isInteger,
  string: (v) => typeof v === "string",
  boolean: (v) => typeof v === "boolean",
  null: (v) => v === null,
};

// "data.curves.val_loss[3]", as data_contract.field_path writes it.
const join = (path, key) => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key);

// Returns the first problem as {field, message}, or null. schemas maps a schema's
// $id ("envelope.schema.json") to its contents, for references between files.
export function firstProblem(value, schema, schemas, path = "", home = schema) {
  if (schema.$ref) {
    const [file, pointer = ""] = schema.$ref.split("#");
    const root = file ? schemas[file] : home;
    const target = pointer
      .split("/")
      .filter(Boolean)
      .reduce((node, key) => node[key], root);
    return firstProblem(value, target, schemas, path, root);
  }
  const field = path || "(root)";
  const types = [schema.type ?? []].flat();
  if (types.length && !types.some((type) => TYPES[type](value))) {
    return {
      field,
      message: `expected ${types.join(" or ")}, found ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value}`,
    };
  }
  if ("const" in schema && value !== schema.const)
    return { field, message: `expected ${JSON.stringify(schema.const)}` };
  if (schema.enum && !schema.enum.includes(value))
    return { field, message: `expected one of ${schema.enum.join(", ")}` };
  if (Array.isArray(value) && schema.items) {
    for (let i = 0; i < value.length; i++) {
      const problem = firstProblem(value[i], schema.items, schemas, join(path, i), home);
      if (problem) return problem;
    }
  }
  if (TYPES.object(value)) {
    for (const key of schema.required ?? []) {
      if (!(key in value)) return { field: join(path, key), message: "missing required field" };
    }
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (!(key in value)) continue;
      const problem = firstProblem(value[key], child, schemas, join(path, key), home);
      if (problem) return problem;
    }
    for (const names of schema["x-same-length"] ?? []) {
      const [first, ...rest] = names.filter((name) => Array.isArray(value[name]));
      const other = rest.find((name) => value[name].length !== value[first].length);
      if (other)
        return {
          field: join(path, other),
          message: `${value[other].length} entries, but ${join(path, first)} has ${value[first].length}`,
        };
    }
  }
  return null;
}
