"""For instructors: a page per figure to embed, and a Present button on every figure.

- ``embed/<figure>/``: a page generated for every partial with a ``data-figure``,
  showing only that figure (its controls and caption) and a link to it in the
  course, for an ``<iframe>`` in a course page. Which origins may frame these pages
  (and only these) is ``extra.embed.frame_ancestors`` (README, Hosting), written
  into ``_headers`` by hooks/security.py.
- A "Present" button in every figure's caption, in the HTML from the start (so
  nothing moves when scripts run), wired by lib/present.js: full screen on click,
  Esc leaves.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File

PARTIALS = Path(__file__).resolve().parents[1] / "partials"
FIGURE = re.compile(r'<figure\b[^>]*\bdata-figure="(?P<name>[\w-]+)"[^>]*\bid="(?P<id>[\w-]+)"')
CAPTION_TITLE = re.compile(r"<figcaption[^>]*>\s*\*\*(?P<title>.+?)\*\*", re.S)
INCLUDE = re.compile(r'^--8<-- "(?P<stem>[^"]+)\.md"', re.M)
PRESENT = (
    '<button type="button" class="wtwm-present" data-present="{id}" '
    'aria-label="Present this figure full screen">Present</button>'
)

_home: dict[str, str] = {}  # figure name -> the page that shows it (src_uri)


def declared() -> dict[str, dict]:
    """Every figure a partial declares: name -> id, title, partial file stem."""
    found = {}
    for partial in sorted(PARTIALS.glob("*.md")):
        text = partial.read_text(encoding="utf-8")
        if match := FIGURE.search(text):
            title = CAPTION_TITLE.search(text)
            found[match["name"]] = {
                "id": match["id"],
                "stem": partial.stem,
                "title": title["title"].rstrip(".") if title else match["name"],
            }
    return found


def on_files(files, config):
    figures = declared()
    stems = {f["stem"]: name for name, f in figures.items()}
    _home.clear()
    for file in files.documentation_pages():
        if file.src_uri.startswith("embed/"):
            continue
        for stem in INCLUDE.findall(Path(file.abs_src_path).read_text(encoding="utf-8")):
            if stem in stems:
                _home.setdefault(stems[stem], file.src_uri)
    for name, figure in figures.items():
        if name not in _home:
            continue  # a partial no page includes is not published
        title = figure["title"].replace('"', "'")
        content = (
            f'---\ntitle: "{title}"\ntemplate: embed.html\nsearch:\n  exclude: true\n'
            f'embed_of: "{_home[name]}"\nembed_figure: "{figure["id"]}"\n---\n\n'
            f'--8<-- "{figure["stem"]}.md"\n'
        )
        files.append(File.generated(config, f"embed/{name}.md", content=content))
    return files


def on_page_context(context, page, config, nav):
    """The embed page's link back to the figure in the course (absolute: it opens
    from inside another site's frame)."""
    if source := page.meta.get("embed_of"):
        url = source.removesuffix("index.md")
        url = url.removesuffix(".md") + "/" if url.endswith(".md") else url
        root = (config["site_url"] or "/").rstrip("/")
        page.meta["embed_link"] = f"{root}/{url}#{page.meta['embed_figure']}"
    return context


def on_page_content(content: str, page, config, files):
    """A Present button at the start of every figure's caption."""
    if page.meta.get("embed_of"):
        # Raw HTML in a partial points at assets from a page one folder deep
        # (chapter-01/); embed/<figure>/ is two.
        content = re.sub(
            r'(\b(?:src|srcset|href|poster)=")\.\./assets/', r"\1../../assets/", content
        )
    out, position = [], 0
    for match in re.finditer(r'<figure\b[^>]*\bid="(?P<id>[\w-]+)"[^>]*>', content):
        if "data-figure=" not in match.group(0):
            continue
        caption = re.compile(r"<figcaption[^>]*>").search(content, match.end())
        if not caption:
            continue
        out += [content[position : caption.end()], PRESENT.format(id=match["id"])]
        position = caption.end()
    return "".join(out) + content[position:]
