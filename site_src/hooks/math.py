"""Render the chapter's TeX to HTML at build time with KaTeX (via Node).

Readers download no math JavaScript, formulas show with JavaScript disabled, and
the output (HTML + MathML) inherits the text colour, so it is crisp in both themes.
pymdownx.arithmatex (generic mode) marks the math; this hook replaces the marks.

A display formula too wide for a phone marks where it may break with `\\phonebreak`, and
`&` before the sign to align the lines on: it is rendered twice, on one line (the
marks dropped) and as `aligned` lines, and CSS shows the one that fits (site.css).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
RENDERER = ROOT / "site_src" / "build" / "katex_render.mjs"
MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\])</(?P=tag)>',
    re.DOTALL,
)
BREAK = r"\phonebreak"
_cache: dict[tuple[str, bool], str] = {}


def variants(tex: str) -> tuple[str, str] | None:
    """The one-line and the broken form of a display formula with break marks."""
    if BREAK not in tex:
        return None
    one_line = tex.replace(BREAK, " ").replace("&", "")
    lines = r"\begin{aligned}" + tex.replace(BREAK, r"\\") + r"\end{aligned}"
    return one_line, lines


def render_all(items: list[tuple[str, bool]]) -> None:
    """Render every (tex, display) pair not yet cached, in one Node process."""
    todo = sorted({item for item in items if item not in _cache})
    if not todo:
        return
    payload = json.dumps([{"tex": tex, "display": display} for tex, display in todo])
    try:
        result = subprocess.run(
            ["node", str(RENDERER)], input=payload, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        raise PluginError(f"KaTeX rendering failed (run `make assets` first?): {detail}") from error
    _cache.update(zip(todo, json.loads(result.stdout), strict=True))


def on_page_content(content: str, page, config, files):
    matches = list(MATH.finditer(content))
    if not matches:
        return content
    page.meta["has_math"] = True

    def key(match: re.Match) -> tuple[str, bool]:
        display = match.group("display") is not None
        return html.unescape(match.group("display" if display else "inline")), display

    def rendered(match: re.Match) -> str:
        tex, display = key(match)
        forms = variants(tex) if display else None
        if forms is None:
            return _cache[tex, display]
        one_line, lines = (_cache[form, True] for form in forms)
        return (
            f'<div class="wtwm-math-one-line">{one_line}</div>'
            f'<div class="wtwm-math-lines">{lines}</div>'
        )

    items = [key(match) for match in matches]
    render_all([(form, True) for tex, display in items if display for form in variants(tex) or ()])
    render_all([item for item in items if not (item[1] and variants(item[0]))])
    add_stylesheet(page, KATEX_CSS)
    # Long display formulas scroll sideways on phones: keep the scroller keyboard-reachable.
    content = MATH.sub(rendered, content)
    # KaTeX writes each formula three times (MathML, its TeX source, HTML glyphs):
    # search indexes the glyphs alone, as the reader sees them.
    content = content.replace(
        '<span class="katex-mathml">', '<span class="katex-mathml" data-search-exclude>'
    )
    return content.replace(
        '<span class="katex-display">', '<span class="katex-display" tabindex="0">'
    )


KATEX_CSS = "assets/vendor/katex/katex.min.css"


def add_stylesheet(page, path: str) -> None:
    """A stylesheet only this page needs, linked in its <head> (main.html). There,
    not in the content: Material's instant navigation resolves every relative href
    when it starts, and a stylesheet given a new href is reloaded and restyles the
    whole page; main.html resolves the head's links before the body is parsed."""
    sheets = page.meta.setdefault("stylesheets", [])
    if path not in sheets:
        sheets.append(path)
