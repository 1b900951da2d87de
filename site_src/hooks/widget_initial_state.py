"""Run each widget's Python at build time, so the page shows its starting state
before Pyodide is ready, and without JavaScript at all.

The same module the browser loads (``site_src/widgets/NAME.py``) is called here
in CPython through the same ``bridge``, so the embedded numbers are exactly what
the widget would compute. A partial asks for it in two ways:

- ``<div class="wtwm-initial-state" data-widget="NAME" hidden></div>`` gets the
  whole state as JSON in ``data-state`` (an attribute, not a ``<script>``:
  instant navigation re-runs content scripts and would run the JSON as code);
- ``{{ widget.NAME.path.to[0].value | .3g }}`` in the Markdown becomes one number
  of it, for captions and the static summary.

A widget module whose ``initial_state`` needs exported data names the file in a
module constant ``DATA`` (e.g. ``DATA = "linear"`` reads ``docs/data/linear.json``).
"""

from __future__ import annotations

import html
import importlib
import json
import re
import sys
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.exceptions import PluginError

WIDGETS = Path(__file__).resolve().parents[1] / "widgets"
PLACEHOLDER = re.compile(
    r"\{\{\s*widget\.(?P<name>\w+)\.(?P<path>[\w.\[\]-]+)\s*(?:\|\s*(?P<fmt>[^}\s]+)\s*)?\}\}"
)
MARKER = re.compile(r'<div class="wtwm-initial-state" data-widget="(?P<name>\w+)"[^>]*>')
INDEX = re.compile(r"(\w[\w-]*)|\[(-?\d+)\]")
_states: dict[str, tuple[dict, str]] = {}  # name -> (state, its JSON); cleared every build


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


def _lookup(value, path: str):
    for key, index in INDEX.findall(path):
        value = value[int(index)] if index else value[key]
    return value


def on_pre_build(config):
    _states.clear()


def render(markdown: str, docs_dir: str, where: str) -> str:
    def substitute(match: re.Match) -> str:
        name, path, fmt = match.group("name", "path", "fmt")
        state, _ = _state(name, docs_dir)
        try:
            value = _lookup(state, path)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise PluginError(
                f"{where}: cannot resolve {{{{ widget.{name}.{path} }}}}: {error!r}"
            ) from error
        return format(value, fmt) if fmt else str(value)

    return PLACEHOLDER.sub(substitute, markdown)


class _PartialValues(Preprocessor):
    """Partials are inserted by pymdownx.snippets (priority 32) after on_page_markdown
    has run, so substitute once more when they are in (priority 30)."""

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
        md.preprocessors.register(_PartialValues(md, self.docs_dir), "wtwm_widget_values", 30)


def on_config(config):
    config.markdown_extensions.append(_PartialValuesExtension(config["docs_dir"]))
    return config


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
