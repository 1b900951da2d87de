"""The built site: strict build, the brief's anchors, published widget code, links."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.conftest import ROOT

BRIEF_ANCHORS = [
    "try-it", "gradient-by-hand", "derivative-to-code", "video-layer-forward", "layer-widget",
    "loss-landscape", "reading-loss-curves", "three-knobs", "find-the-function", "what-goes-wrong",
    "save-and-load", "about",
]  # fmt: skip


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (attribute, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for attribute in ("href", "src", "poster"):
            if attrs.get(attribute) and not (tag == "link" and attrs.get("rel") == "canonical"):
                self.links.append((attribute, attrs[attribute]))


def parse(path: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def test_brief_anchors_exist_in_order(built_site):
    html = (built_site / "chapter-01" / "index.html").read_text()
    positions = [html.find(f'id="{anchor}"') for anchor in BRIEF_ANCHORS]
    assert all(p > 0 for p in positions), dict(zip(BRIEF_ANCHORS, positions, strict=True))
    assert positions == sorted(positions), "sections are out of the brief's order"


def test_brief_section_titles_kept(built_site):
    brief = Path("/work/shared/brief/chapter-01.md")
    chapter = (ROOT / "docs" / "chapter-01" / "index.md").read_text()
    titles = re.findall(r"^## \d+\. (.+?)\s+\[", brief.read_text(), re.M) if brief.exists() else []
    for title in titles:
        assert f"## {title} {{ #" in chapter, title


def test_each_chapter_section_has_its_anchor(built_site):
    html = (built_site / "chapter-01" / "index.html").read_text()
    article = html[html.index('<article class="md-content__inner') : html.index("</article>")]
    assert re.findall(r'<h2 id="([^"]+)"', article) == BRIEF_ANCHORS


def test_math_is_rendered_at_build_time(built_site):
    html = (built_site / "chapter-01" / "index.html").read_text()
    assert html.count('class="katex"') >= 10
    assert 'class="arithmatex"' not in html
    article = re.sub(r"<pre.*?</pre>", "", html, flags=re.S)
    assert "$$" not in article and "\\(" not in article


def test_widget_python_is_published_verbatim(built_site):
    sources = sorted((ROOT / "site_src" / "widgets").glob("*.py"))
    assert sources, "no widget modules"
    for source in sources:
        published = built_site / "assets" / "widgets" / source.name
        assert published.read_bytes() == source.read_bytes(), source.name


def test_runtime_assets_are_self_hosted(built_site):
    pyodide = built_site / "assets" / "vendor" / "pyodide"
    for name in ["pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json", "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"]:  # fmt: skip
        assert (pyodide / name).stat().st_size > 0, name
    assert (built_site / "assets" / "vendor" / "plotly" / "plotly.min.js").exists()
    assert list((built_site / "assets" / "vendor" / "katex" / "fonts").glob("*.woff2"))


def test_no_third_party_urls_in_pages(built_site):
    for page in built_site.rglob("*.html"):
        for attribute, url in parse(page).links:
            if attribute == "src" or url.endswith((".js", ".css")):
                assert not urlsplit(url).netloc or "127.0.0.1" in url, f"{page}: {url}"


def test_internal_links_and_anchors_resolve(built_site):
    pages = {page: parse(page) for page in built_site.rglob("*.html")}
    broken = []
    for page, collector in pages.items():
        for _, url in collector.links:
            parts = urlsplit(url)
            if parts.scheme in {"mailto", "data", "javascript"} or (
                parts.netloc and "127.0.0.1" not in parts.netloc
            ):
                continue
            if parts.netloc or parts.path.startswith("/"):  # absolute link to this site
                target = built_site / unquote(parts.path).lstrip("/")
            elif parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
            else:
                target = page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)}: {url}")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(built_site)}: {url} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_upcoming_chapters_are_not_links(built_site):
    html = (built_site / "index.html").read_text()
    for title in ["scikit-learn intro", "Physics-informed neural networks"]:
        block = html[html.find(title) - 300 : html.find(title)]
        assert title in html and "<a " not in block[block.rfind("wtwm-chapter") :], title
