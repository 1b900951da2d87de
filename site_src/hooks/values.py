"""Numbers computed elsewhere, put into the pages at build time.

- ``{{ data.linear.critical_lr | .3f }}``: a value from ``docs/data/linear.json``
  (looked up inside its ``data`` block), so a number in the text is always the
  number that was computed, never typed by hand. ``{{ config.overfit.lr }}`` reads
  the settings the file was made with. In a path, ``[3]`` indexes a list and
  ``[name]`` picks the list item whose ``id`` is name
  (``runs[es-on_wd-0_dropout-0].summary.test_loss``).
- ``{{ widget.layer_forward.result.a | .3g }}``: a value of a widget's starting
  state, which its own Python (``site_src/widgets/NAME.py``, the module the browser
  loads) computes here in CPython through the same ``bridge``.
- ``{{ code.loops_torch.knobs-loop | attr }}``: the code of a ``--8<--`` section
  (or of a function, by its name) of ``precompute/loops_torch.py``, dedented, so a
  figure can show the code that made its data; ``attr`` escapes it for an HTML
  attribute.
- ``<div class="wtwm-initial-state" data-widget="NAME" hidden></div>`` gets that
  whole state as JSON in ``data-state`` (an attribute, not a ``<script>``: instant
  navigation re-runs content scripts and would run the JSON as code), so the page
  shows the starting state before Pyodide is ready, and without JavaScript at all.

After the ``|`` comes a Python format spec, or one of the named formats below. A
widget module whose ``initial_state`` needs exported data names the file in a
module constant ``DATA`` (e.g. ``DATA = "linear"`` reads ``docs/data/linear.json``).
"""

from __future__ import annotations

import ast
import html
import importlib
import json
import re
import sys
import textwrap
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.exceptions import PluginError

WIDGETS = Path(__file__).resolve().parents[1] / "widgets"
PRECOMPUTE = Path(__file__).resolve().parents[2] / "precompute"
PLACEHOLDER = re.compile(
    r"\{\{\s*(?P<kind>data|config|widget|code)\.(?P<name>\w+)\.(?P<path>[\w.\[\]-]+)\s*"
    r"(?:\|\s*(?P<fmt>[^}\s]+)\s*)?\}\}"
)
MARKER = re.compile(r'<div class="wtwm-initial-state" data-widget="(?P<name>\w+)"[^>]*>')
INDEX = re.compile(r"(\w[\w-]*)|\[(-?\d+)\]|\[([\w.-]+)\]")
_data: dict[str, dict] = {}  # name -> docs/data/NAME.json; both cleared every build
_states: dict[str, tuple[dict, str]] = {}  # widget name -> (state, its JSON)


def kilobytes(size: int) -> str:
    """A byte count in KB, without the unit (tables put it in the column header)."""
    return f"{size / 1024:.{1 if size < 10240 else 0}f}"


def attribute(text: str) -> str:
    """Text for an HTML attribute: a blank line in a raw HTML block would end it."""
    return html.escape(text, quote=True).replace("\n", "&#10;")


NAMED_FORMATS = {"KB": kilobytes, "len": lambda items: str(len(items)), "attr": attribute}
SECTION = r"# --8<-- \[{}:{}\]"


def source_code(module: str, name: str) -> str:
    """Section NAME of precompute/MODULE.py, or its function NAME, dedented."""
    text = (PRECOMPUTE / f"{module}.py").read_text()
    section = re.search(
        rf"^[ ]*{SECTION.format('start', re.escape(name))}\n(.*?)^[ ]*{SECTION.format('end', re.escape(name))}",
        text,
        re.S | re.M,
    )
    if section:
        return textwrap.dedent(section.group(1)).rstrip()
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(text, node)
    raise KeyError(f"no section or function {name!r} in precompute/{module}.py")


def _file(docs_dir: str, name: str) -> dict:
    if name not in _data:
        _data[name] = json.loads((Path(docs_dir) / "data" / f"{name}.json").read_text())
    return _data[name]


def _state(name: str, docs_dir: str) -> tuple[dict, str]:
    if name not in _states:
        if str(WIDGETS) not in sys.path:
            sys.path.insert(0, str(WIDGETS))
        try:
            module = importlib.reload(importlib.import_module(name))  # fresh on `mkdocs serve`
        except ImportError as error:
            raise PluginError(f"no widget module site_src/widgets/{name}.py: {error}") from error
        arguments = {}
        if getattr(module, "DATA", None):
            path = Path(docs_dir) / "data" / f"{module.DATA}.json"
            try:
                arguments["data"] = json.loads(path.read_text())["data"]
            except (OSError, KeyError, ValueError) as error:
                raise PluginError(
                    f"widget {name} needs {path}: {error!r} (run `python -m precompute`)"
                ) from error
        bridge = importlib.import_module("bridge")
        reply = json.loads(bridge.call(name, "initial_state", json.dumps(arguments)))
        if not reply["ok"]:
            raise PluginError(f"widget {name}: initial_state failed: {reply['error']}")
        _states[name] = reply["result"], json.dumps(reply["result"], separators=(",", ":"))
    return _states[name]


def lookup(value, path: str):
    for key, index, item in INDEX.findall(path):
        if item:
            value = next(v for v in value if v["id"] == item)
        else:
            value = value[int(index)] if index else value[key]
    return value


def render(markdown: str, docs_dir: str, where: str) -> str:
    def substitute(match: re.Match) -> str:
        kind, name, path, fmt = match.group("kind", "name", "path", "fmt")
        source = {"widget": f"widget {name}", "code": f"precompute/{name}.py"}.get(
            kind, f"docs/data/{name}.json"
        )
        try:
            if kind == "code":
                value = source_code(name, path)
            else:  # a widget's starting state, or a data file's data block or config
                root = (
                    _state(name, docs_dir)[0] if kind == "widget" else _file(docs_dir, name)[kind]
                )
                value = lookup(root, path)
        except (OSError, KeyError, IndexError, TypeError, ValueError, StopIteration) as error:
            raise PluginError(
                f"{where}: cannot resolve {{{{ {kind}.{name}.{path} }}}} in {source}: {error!r}"
            ) from error
        if fmt in NAMED_FORMATS:
            return NAMED_FORMATS[fmt](value)
        return format(value, fmt) if fmt else str(value)

    return PLACEHOLDER.sub(substitute, markdown)


class _PartialValues(Preprocessor):
    """Partials are inserted by pymdownx.snippets (priority 32) after on_page_markdown
    has run, so substitute once more when they are in (priority 31)."""

    def __init__(self, md, docs_dir: str):
        super().__init__(md)
        self.docs_dir = docs_dir

    def run(self, lines: list[str]) -> list[str]:
        return render("\n".join(lines), self.docs_dir, "a --8<-- partial").split("\n")


class _PartialValuesExtension(Extension):
    def __init__(self, docs_dir: str):
        super().__init__()
        self.docs_dir = docs_dir

    def extendMarkdown(self, md):
        md.preprocessors.register(_PartialValues(md, self.docs_dir), "wtwm_values", 31)


def on_config(config):
    config.markdown_extensions.append(_PartialValuesExtension(config["docs_dir"]))
    return config


def on_pre_build(config):
    _data.clear()
    _states.clear()


def on_page_markdown(markdown: str, page, config, files):
    return render(markdown, config["docs_dir"], page.file.src_path)


def on_page_content(content: str, page, config, files):
    def embed(match: re.Match) -> str:
        _, text = _state(match.group("name"), config["docs_dir"])
        return f'{match.group(0)[:-1]} data-state="{html.escape(text, quote=True)}">'

    return MARKER.sub(embed, content)


def on_serve(server, config, builder):
    server.watch(str(WIDGETS))  # `mkdocs serve` rebuilds when a widget module changes
    return server
