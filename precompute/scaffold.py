"""``python -m precompute new NAME``: a new figure from new data, in five files.

Writes the experiment (``precompute/NAME.py``, its settings inside), its schema
(``site_src/schemas/NAME.schema.json``), the figure's partial
(``site_src/partials/FIGURE.md``) and script (``site_src/theme/assets/js/figures/
FIGURE.js``), and a section that includes the figure on a page (appended to it, or a
new page). Everything else is derived: the experiment list, ``--help`` and the
runner from the registry (precompute/registry.py), the data version the page reads
from the schema, the tests' lists of data files and figures from the registry and the
partials, and the figure's reserved height from the custom properties on its
``<figure>``. The templates compute something real (gradient descent on a parabola)
and pass the tests as they are; replace it with your experiment.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from precompute import paths, registry

EXPERIMENT = '''\
"""{title}: gradient descent on the parabola loss = curvature * w^2 / 2, step by step.

Writes docs/data/{name}.json. A template from `python -m precompute new`: replace
the computation in run() and the settings, then the schema, the partial and the
figure's script, which read this file's data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from precompute.context import Context
from precompute.writer import Result


@dataclass(frozen=True)
class Settings:
    """Written into the file's config and hashed for the cache: change one, rerun."""

    seed: int = 0
    curvature: float = 1.0
    w0: float = 2.0
    lr: float = 0.3
    steps: int = 40
    sig_digits: int = 6


def settings(profile: str) -> Settings:
    """The full settings, or tiny ones for `--quick` smoke tests."""
    full = Settings()
    return full if profile == "full" else replace(full, steps=10)


def run(cfg: Settings, ctx: Context) -> Result:
    ctx.tracker.total(cfg.steps)
    torch.manual_seed(cfg.seed)
    w = torch.tensor(cfg.w0, dtype=torch.float64, requires_grad=True)
    step, w_values, loss_values = [], [], []
    for t in range(cfg.steps + 1):
        loss = 0.5 * cfg.curvature * w**2
        step.append(t)
        w_values.append(w.item())
        loss_values.append(loss.item())
        if t == cfg.steps:
            break
        loss.backward()
        with torch.no_grad():
            w -= cfg.lr * w.grad
        w.grad = None
        ctx.tracker.advance()
    data = {{
        "lr": cfg.lr,
        "curve": {{"step": step, "w": w_values, "loss": loss_values}},
        "final_loss": loss_values[-1],
    }}
    return Result(data)


def figures(data: dict) -> dict[str, str]:
    """Key numbers for the summary table, read from the exported data."""
    loss = data["curve"]["loss"]
    return {{"steps": str(len(loss) - 1), "loss first → last": f"{{loss[0]:.4g}} → {{loss[-1]:.4g}}"}}
'''

SCHEMA = """\
{{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "{name}.schema.json",
  "title": "{name}.json: {title}",
  "type": "object",
  "required": ["schema", "version", "produced_by", "config", "provenance", "data"],
  "additionalProperties": false,
  "properties": {{
    "schema": {{"const": "{name}"}},
    "version": {{"const": 1}},
    "produced_by": {{"const": "precompute/{name}.py"}},
    "config": {{"$ref": "envelope.schema.json#/$defs/config"}},
    "provenance": {{"$ref": "envelope.schema.json#/$defs/provenance"}},
    "data": {{
      "type": "object",
      "required": ["lr", "curve", "final_loss"],
      "additionalProperties": false,
      "properties": {{
        "lr": {{"type": "number", "exclusiveMinimum": 0}},
        "curve": {{
          "description": "one row per step; step 0 is the starting point",
          "type": "object",
          "x-same-length": [["step", "w", "loss"]],
          "required": ["step", "w", "loss"],
          "additionalProperties": false,
          "properties": {{
            "step": {{"$ref": "envelope.schema.json#/$defs/epochs"}},
            "w": {{"$ref": "envelope.schema.json#/$defs/numbers"}},
            "loss": {{"$ref": "envelope.schema.json#/$defs/nonNegativeNumbers"}}
          }}
        }},
        "final_loss": {{"type": "number", "minimum": 0}}
      }}
    }}
  }}
}}
"""

# The reserved height: the controls' row (two lines on a phone, one from 600px)
# above one plot of the default 320 px.
PARTIAL = """\
<figure class="wtwm-figure wtwm-data-figure wtwm-{figure}" data-figure="{figure}" data-plots="1" id="fig-{figure}" style="--wtwm-stage-height: calc(5.5rem + 320 * var(--wtwm-text-px)); --wtwm-stage-height-wide: calc(2.8rem + 320 * var(--wtwm-text-px))" markdown>
<div class="wtwm-stage" data-role="stage" markdown>
<div class="wtwm-fallback" markdown>

| step | w | loss |
|---:|---:|---:|
| {{{{ data.{name}.curve.step[0] }}}} | {{{{ data.{name}.curve.w[0] | .3g }}}} | {{{{ data.{name}.curve.loss[0] | .3g }}}} |
| {{{{ data.{name}.curve.step[-1] }}}} | {{{{ data.{name}.curve.w[-1] | .3g }}}} | {{{{ data.{name}.curve.loss[-1] | .3g }}}} |

</div>
</div>
<figcaption markdown>
**{title}.** Gradient descent with learning rate {{{{ data.{name}.lr | .3g }}}} takes
the loss from {{{{ data.{name}.curve.loss[0] | .3g }}}} to {{{{ data.{name}.final_loss | .3g }}}}
in {{{{ data.{name}.curve.step[-1] }}}} steps.
<span class="wtwm-caption-state"></span>
</figcaption>
</figure>
"""

SCRIPT = """\
// {title}: the loss of gradient descent per step, from data/{name}.json, on a
// log or a linear axis (?{figure}.scale=linear). A template from
// `python -m precompute new`: see CONTRIBUTING, "Adding a figure".
import {{ loadData }} from "../lib/data.js";
import {{ button, captionLine, h, stage, stateButtons, toggle }} from "../lib/dom.js";
import {{ figure }} from "../lib/figure.js";
import {{ extent, fmt }} from "../lib/numbers.js";
import {{ themedPlot }} from "../lib/plot.js";
import {{ axis }} from "../lib/plot-spec.js";
import {{ readState }} from "../lib/url-state.js";

const PREFIX = "{figure}";

export function spec(data, linear, p) {{
  const {{ curve }} = data;
  const [lo, hi] = extent(curve.loss);
  return {{
    data: [
      {{
        type: "scatter",
        mode: "lines+markers",
        name: "loss",
        x: curve.step,
        y: curve.loss,
        line: {{ color: p.train, width: 2.5 }},
        marker: {{ size: 5 }},
      }},
    ],
    layout: {{
      xaxis: axis.linear("step", [0, curve.step.at(-1)]),
      yaxis: linear ? axis.linear("loss", [0, hi * 1.05]) : axis.log("loss (log)", [lo / 1.6, hi * 1.6]),
      showlegend: false,
      margin: {{ t: 20 }},
      hovermode: "x",
    }},
  }};
}}

export function describe(data, linear) {{
  const {{ curve }} = data;
  const scale = linear ? "a linear" : "a log";
  return `On ${{scale}} axis: loss ${{fmt(curve.loss[0])}} at step 0, ${{fmt(curve.loss.at(-1))}} at step ${{curve.step.at(-1)}}.`;
}}

export const mount = figure(async (el, d) => {{
  const {{ data }} = await loadData("{name}");
  let linear = readState(PREFIX).scale === "linear";

  let plot = null;
  const live = stage(el);
  const box = h("div", {{ class: "wtwm-plot", role: "img", "aria-label": "Loss per step of gradient descent" }});
  const scale = button("Linear axis", {{ class: "wtwm-toggle", "aria-pressed": "false" }});
  const say = captionLine(el, {{ live: true }});
  const buttons = stateButtons({{
    el,
    prefix: PREFIX,
    d,
    getState: () => (linear ? {{ scale: "linear" }} : {{}}),
    reset: () => plot && set(false),
  }});
  live.append(h("div", {{ class: "wtwm-controls" }}, scale, buttons.root), box);

  plot = await themedPlot(box, (p) => spec(data, linear, p), d);
  function set(value) {{
    linear = value;
    toggle(scale, linear);
    plot.update();
    say(describe(data, linear));
    buttons.save();
  }}
  d.on(scale, "click", () => set(!linear));
  toggle(scale, linear);
  say(describe(data, linear));
}});
"""

SECTION = """
## {title} {{ #{figure} }}

--8<-- "{figure}.md"
"""

PAGE = """\
---
title: {title}
description: {title}, computed by precompute/{name}.py.
---

# {title}
"""


def targets(name: str, figure: str, root: Path) -> dict[str, Path]:
    return {
        "experiment": root / "precompute" / f"{name}.py",
        "schema": root / "site_src" / "schemas" / f"{name}.schema.json",
        "partial": root / "site_src" / "partials" / f"{figure}.md",
        "script": root / "site_src" / "theme" / "assets" / "js" / "figures" / f"{figure}.js",
    }


def scaffold(name: str, page: Path, title: str, root: Path = paths.REPO) -> list[Path]:
    """Write the five files (the page is appended to when it exists); returns them."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"{name!r}: use lower-case letters, digits and _ (a Python module name)")
    figure = name.replace("_", "-")
    files = targets(name, figure, root)
    taken = [p for p in files.values() if p.exists()]
    if name in registry.names(root / "precompute") or taken:
        raise ValueError(f"{name!r} exists already: {', '.join(map(str, taken)) or 'experiment'}")
    values = {"name": name, "figure": figure, "title": title}
    texts = {"experiment": EXPERIMENT, "schema": SCHEMA, "partial": PARTIAL, "script": SCRIPT}
    for key, path in files.items():
        path.write_text(texts[key].format(**values), encoding="utf-8")
    page = page if page.is_absolute() else root / page
    if page.exists():
        text = page.read_text(encoding="utf-8")
        if f"{{ #{figure} }}" in text:
            raise ValueError(f"{page} has a section #{figure} already")
        page.write_text(text.rstrip("\n") + "\n" + SECTION.format(**values), encoding="utf-8")
    else:
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.format(**values) + SECTION.format(**values), encoding="utf-8")
    return [*files.values(), page]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m precompute new",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="then: python -m precompute --only NAME, and mkdocs serve (CONTRIBUTING, "
        '"A new figure from new data")',
    )
    parser.add_argument("name", help="the experiment and its data file (a Python module name)")
    parser.add_argument(
        "--page",
        type=Path,
        default=Path("docs/chapter-01/index.md"),
        help="the page that shows the figure: a section is appended to it, or it is created "
        "(add a new page to nav in mkdocs.yml) (default: %(default)s)",
    )
    parser.add_argument("--title", help="the figure's title (default: from NAME)")
    args = parser.parse_args(argv)
    title = args.title or args.name.replace("_", " ").capitalize()
    try:
        written = scaffold(args.name, args.page, title)
    except ValueError as error:
        parser.error(str(error))
    for path in written:
        print(path.relative_to(paths.REPO) if path.is_relative_to(paths.REPO) else path)
    return 0
