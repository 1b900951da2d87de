"""Put numbers from the exported data into prose: ``{{ data.linear.critical_lr | .3f }}``.

The path after the file name is looked up inside the file's ``data`` block, so a
number in the text is always the number that was computed, never typed by hand.
``{{ config.overfit.lr }}`` reads the settings the file was made with instead.
``[3]`` indexes a list; ``[name]`` picks the item of a list whose ``id`` is name
(``runs[es-on_wd-0_dropout-0].summary.test_loss``).
After the ``|`` comes a Python format spec, or one of the named formats below.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.exceptions import PluginError

PLACEHOLDER = re.compile(
    r"\{\{\s*(?P<part>data|config)\.(?P<file>\w+)\.(?P<path>[\w.\[\]-]+)\s*"
    r"(?:\|\s*(?P<fmt>[^}\s]+)\s*)?\}\}"
)
INDEX = re.compile(r"(\w[\w-]*)|\[(-?\d+)\]|\[([\w.-]+)\]")


def kilobytes(size: int) -> str:
    """A byte count in KB, without the unit (tables put it in the column header)."""
    return f"{size / 1024:.{1 if size < 10240 else 0}f}"


NAMED_FORMATS = {"KB": kilobytes, "len": lambda items: str(len(items))}


@cache
def _load(docs_dir: str, name: str) -> dict:
    return json.loads((Path(docs_dir) / "data" / f"{name}.json").read_text())


def lookup(document: dict, path: str, part: str = "data"):
    value = document[part]
    for key, index, item in INDEX.findall(path):
        if item:
            value = next(v for v in value if v["id"] == item)
        else:
            value = value[int(index)] if index else value[key]
    return value


def render(markdown: str, docs_dir: str, where: str) -> str:
    def substitute(match: re.Match) -> str:
        part, name, path, fmt = match.group("part", "file", "path", "fmt")
        try:
            value = lookup(_load(docs_dir, name), path, part)
        except (OSError, KeyError, IndexError, TypeError, ValueError, StopIteration) as error:
            raise PluginError(
                f"{where}: cannot resolve {{{{ {part}.{name}.{path} }}}} "
                f"in docs/data/{name}.json: {error!r}"
            ) from error
        if fmt in NAMED_FORMATS:
            return NAMED_FORMATS[fmt](value)
        return format(value, fmt) if fmt else str(value)

    return PLACEHOLDER.sub(substitute, markdown)


def on_page_markdown(markdown: str, page, config, files):
    return render(markdown, config["docs_dir"], page.file.src_path)


class _SnippetValues(Preprocessor):
    """Placeholders in partials: pymdownx.snippets (priority 32) inserts them after
    on_page_markdown has run, so substitute again once they are in (priority 31)."""

    def __init__(self, md, docs_dir: str):
        super().__init__(md)
        self.docs_dir = docs_dir

    def run(self, lines: list[str]) -> list[str]:
        return render("\n".join(lines), self.docs_dir, "a --8<-- partial").split("\n")


class _SnippetValuesExtension(Extension):
    def __init__(self, docs_dir: str):
        super().__init__()
        self.docs_dir = docs_dir

    def extendMarkdown(self, md):
        md.preprocessors.register(_SnippetValues(md, self.docs_dir), "wtwm_data_values", 31)


def on_config(config):
    config.markdown_extensions.append(_SnippetValuesExtension(config["docs_dir"]))
    return config


def on_serve(server, config, builder):
    _load.cache_clear()
    return server
