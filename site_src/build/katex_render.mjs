// Render TeX to HTML at build time. stdin: JSON [{tex, display}], stdout: JSON [html].
// Called by site_src/hooks/math.py once per page, so readers download no math JS.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const katex = require("katex");
const items = JSON.parse(readFileSync(0, "utf8"));
const html = items.map(({ tex, display }) =>
  katex.renderToString(tex, { displayMode: display, output: "htmlAndMathml", throwOnError: true, strict: "warn" }),
);
process.stdout.write(JSON.stringify(html));
