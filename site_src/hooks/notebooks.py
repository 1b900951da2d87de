"""Make mkdocs-jupyter's notebook pages self-contained, with math and a download link.

nbconvert's HTML references scripts on CDNs (MathJax, mermaid, require.js) and
carries a ``text/x-mathjax-config`` block that throws once instant navigation
re-runs it without its type. This hook, on notebook pages only:

- removes those scripts (and an empty ``<script src="">`` that would fetch the page);
- renders the markdown cells' ``$...$`` / ``$$...$$`` math at build time with the
  chapter's KaTeX renderer (site_src/hooks/math.py: same cache, same stylesheet);
- adds a visible "Download the notebook (.ipynb)" link to the file that
  mkdocs-jupyter's ``include_source`` copies beside the page;
- moves nbconvert's inline ``<style>`` blocks (JupyterLab's CSS, ~600 KB per page)
  into one cached stylesheet, ``assets/css/jupyter.css``: valid HTML (no ``<style>``
  in ``<body>``) and one download for every notebook page instead of one each;
- fails the build if any reference to another origin is left in a script or link.
"""

from __future__ import annotations

import html
import importlib.util
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

HOOKS = Path(__file__).resolve().parent
SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>\s*", re.DOTALL)
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|import\(\s*["']https?://""")
LINK_TAG = re.compile(r"<link\b[^>]*>")
# Tags (split out of the text), and the elements whose text is code, not prose.
TOKENS = re.compile(r"(<[^>]+>)")
RAW = re.compile(r"<(pre|code|script|style|textarea)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
STYLE = re.compile(r"<style\b[^>]*>(?P<css>.*?)</style>\s*", re.DOTALL)
COPY_BUTTON = re.compile(r"<clipboard-copy(?![^>]*\brole=)")
DISPLAY = re.compile(r"\$\$(?P<tex>.+?)\$\$", re.DOTALL)
INLINE = re.compile(r"(?<![\\$])\$(?![\s$])(?P<tex>(?:[^$\n]|\n(?!\n))+?)(?<![\s\\])\$(?!\d)")


def _math_hook():
    """site_src/hooks/math.py as MkDocs loaded it (shared KaTeX cache), else freshly."""
    module = sys.modules.get("site_src/hooks/math.py")
    if module is None:
        spec = importlib.util.spec_from_file_location("wtwm_math_hook", HOOKS / "math.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


_notebook_css: dict[str, None] = {}  # distinct style blocks, in order of first appearance


def extract_styles(content: str) -> str:
    def collect(match: re.Match) -> str:
        _notebook_css.setdefault(match.group("css").strip())
        return ""

    return STYLE.sub(collect, content)


def on_post_build(config):
    if _notebook_css:
        target = Path(config["site_dir"]) / "assets" / "css" / "jupyter.css"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(_notebook_css), encoding="utf-8")


def is_notebook(page) -> bool:
    return page.file.src_uri.endswith(".ipynb")


def strip_scripts(content: str) -> str:
    """Drop scripts that fetch from other origins, MathJax's config, and empty-src ones."""

    def keep(match: re.Match) -> str:
        attrs, body = match.group("attrs"), match.group("body")
        if "text/x-mathjax-config" in attrs or re.search(r"""\bsrc\s*=\s*["']\s*["']""", attrs):
            return ""
        if EXTERNAL.search(attrs) or EXTERNAL.search(body) or "mermaid" in body:
            return ""
        return match.group(0)

    content = SCRIPT.sub(keep, content)
    return LINK_TAG.sub(lambda m: "" if EXTERNAL.search(m.group(0)) else m.group(0), content)


def math_items(text: str) -> list[tuple[str, bool, str]]:
    """(tex, display, source) for each formula in a run of prose text."""
    items = [
        (html.unescape(m.group("tex")).strip(), True, m.group(0)) for m in DISPLAY.finditer(text)
    ]
    rest = DISPLAY.sub(" ", text)
    items += [(html.unescape(m.group("tex")), False, m.group(0)) for m in INLINE.finditer(rest)]
    return items


def render_math(content: str) -> tuple[str, bool]:
    """Replace $...$ in prose (never inside pre/code/script/style) with KaTeX HTML."""
    kept: list[str] = []

    def keep(match: re.Match) -> str:  # code and scripts step aside while math is found
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    parts = TOKENS.split(RAW.sub(keep, content))
    found = {i: math_items(part) for i, part in enumerate(parts) if i % 2 == 0 and "$" in part}
    todo = [(tex, display) for items in found.values() for tex, display, _ in items]
    if todo:
        math = _math_hook()
        math.render_all(todo)
        for i, items in found.items():
            for tex, display, source in items:
                parts[i] = parts[i].replace(source, math._cache[(tex, display)], 1)
    restored = re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], "".join(parts))
    return restored, bool(todo)


GITHUB = re.compile(r"https://github\.com/(?P<repo>[\w.-]+/[\w.-]+?)(?:\.git)?/?$")


def colab_url(page, config) -> str | None:
    """Colab opens a notebook straight from a public GitHub repository: only when
    repo_url (mkdocs.yml, from REPO_URL) is one. The branch comes from edit_uri."""
    match = GITHUB.match(config.get("repo_url") or "")
    if not match:
        return None
    branch = re.match(r"(?:edit|blob)/([^/]+)/", config.get("edit_uri") or "")
    docs = Path(config["docs_dir"]).name
    path = f"{docs}/{page.file.src_uri}"
    return f"https://colab.research.google.com/github/{match['repo']}/blob/{branch[1] if branch else 'main'}/{path}"


def download_link(page, config) -> str:
    """mkdocs-jupyter's include_source copies NAME.ipynb beside the page's index.html.
    Plain links: nothing is requested from another origin until the reader clicks."""
    name = html.escape(Path(page.file.src_uri).name)
    colab = colab_url(page, config)
    colab = f' <a class="md-button" href="{html.escape(colab)}">Open in Colab</a>' if colab else ""
    return (
        '<p class="wtwm-notebook-download">'
        f'<a class="md-button" href="{name}" download>Download the notebook (.ipynb)</a>{colab}'
        "Runs in Jupyter with NumPy and matplotlib (and PyTorch where it imports torch).</p>\n"
    )


def add_stylesheets(page, has_math: bool) -> None:
    math = _math_hook()
    for path in (
        "assets/css/jupyter.css",
        "assets/css/notebooks.css",
        *([math.KATEX_CSS] if has_math else []),
    ):
        math.add_stylesheet(page, path)


def on_page_content(content: str, page, config, files):  # MkDocs hook signature
    if not is_notebook(page):
        return content
    content = extract_styles(strip_scripts(content))
    content = COPY_BUTTON.sub('<clipboard-copy role="button"', content)
    content, has_math = render_math(content)
    # Search skips Material's permalinks (class headerlink) and the formulas'
    # MathML; nbconvert's are anchor-link, which put a "¶" in every heading's title.
    content = content.replace('class="anchor-link"', 'class="headerlink"').replace(
        '<span class="katex-mathml">', '<span class="katex-mathml" data-search-exclude>'
    )
    leftovers = [
        tag for tag in SCRIPT.findall(content) + LINK_TAG.findall(content)
        if EXTERNAL.search(tag if isinstance(tag, str) else " ".join(tag))
    ]  # fmt: skip
    if leftovers:
        raise PluginError(f"{page.file.src_uri}: notebook page still loads from another origin")
    if has_math:
        page.meta["has_math"] = True
    add_stylesheets(page, has_math)
    return download_link(page, config) + content
