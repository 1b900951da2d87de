"""Cell builders. A cell that shows a chapter section records where it came from.

``from_section`` cells carry ``metadata.wtwm = {source, section, indent, prefix,
suffix}``; their text is always ``prefix + indent(section) + suffix``, which the
tests re-check against the source file, so a notebook cannot drift from the page.
"""

from __future__ import annotations

import textwrap

import nbformat.v4 as nbf

from .sections import section


def md(text: str):
    return nbf.new_markdown_cell(textwrap.dedent(text).strip())


def code(text: str):
    return nbf.new_code_cell(textwrap.dedent(text).strip())


def from_section(source: str, name: str, indent: int = 0, prefix: str = "", suffix: str = ""):
    """A code cell whose body is section NAME of SOURCE, verbatim (optionally indented)."""
    body = textwrap.indent(section(source, name), " " * indent)
    cell = nbf.new_code_cell(prefix + body + suffix)
    cell.metadata["wtwm"] = {
        "source": source,
        "section": name,
        "indent": indent,
        "prefix": prefix,
        "suffix": suffix,
    }
    return cell


def notebook(title: str, cells: list):
    nb = nbf.new_notebook()
    nb.cells = cells
    for i, cell in enumerate(cells):
        cell.id = f"cell-{i:02d}"  # nbformat's default ids are random: keep rebuilds identical
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["title"] = title
    return nb


def py(value) -> str:
    """A config value as Python source (repr keeps floats exact: 0.05, -1.5, 0.001)."""
    return repr(value)


def plus(value: float) -> str:
    """`+ 0.7` or `- 0.7`: a constant added in source (x - 0.7 == x + (-0.7) exactly)."""
    return f"- {py(-value)}" if value < 0 else f"+ {py(value)}"
