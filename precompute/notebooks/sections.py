"""Read a ``--8<-- [start:NAME]`` section exactly as pymdownx.snippets does for the chapter."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import markdown

ROOT = Path(__file__).resolve().parents[2]


@cache
def _snippets():
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={
            "pymdownx.snippets": {
                "base_path": [str(ROOT)],
                "check_paths": True,
                # a notebook cell is top-level code: drop the function body's indent
                "dedent_subsections": True,
            }
        },
    )
    return md.preprocessors["snippet"]


def section(path: str, name: str) -> str:
    """The text of section NAME of ROOT/path, dedented, without trailing blank lines."""
    lines = (ROOT / path).read_text().splitlines()
    return "\n".join(_snippets().extract_section(name, lines)).rstrip()
