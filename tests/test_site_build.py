"""The built site: strict build, the brief's anchors, published widget code, links."""

from __future__ import annotations

import io
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


class MetaCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (key := attrs.get("property") or attrs.get("name")):
            self.meta[key] = attrs.get("content", "")
        if tag == "a":
            self.links.append(attrs)


def meta_of(path: Path) -> MetaCollector:
    collector = MetaCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def test_every_page_has_a_link_preview_with_its_chapter_image(built_site, base_url, server):
    import urllib.request

    from PIL import Image

    pages = [p for p in built_site.rglob("index.html") if "assets" not in p.parts]
    assert len(pages) >= 5
    for page in pages:
        meta = meta_of(page).meta
        folder = page.parent.relative_to(built_site).as_posix()
        url = base_url if folder == "." else f"{base_url}{folder}/"
        assert meta["og:url"] == url, page
        assert meta["twitter:card"] == "summary_large_image"
        chapter = page.relative_to(built_site).parts[0]
        expected = chapter if chapter.startswith("chapter-") else "home"
        assert (
            meta["og:image"]
            == meta["twitter:image"]
            == (f"{base_url}assets/previews/{expected}.png")
        ), page
        # Served, and as large as the page says.
        with urllib.request.urlopen(meta["og:image"]) as response:
            assert response.headers["Content-Type"] == "image/png"
            image = Image.open(io.BytesIO(response.read()))
        assert image.size == (int(meta["og:image:width"]), int(meta["og:image:height"]))
    chapter = meta_of(built_site / "chapter-01" / "index.html").meta
    assert chapter["og:title"] == "01 · Why the weights move"
    assert chapter["og:description"].startswith("Derive the MSE gradient by hand")


def test_without_a_repository_no_edit_or_colab_link(built_site):
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'rel="edit"' not in text and "colab.research.google.com" not in text, page
        assert 'data-md-component="source"' not in text  # it would call the GitHub API
    notebook = built_site / "notebooks" / "numpy-training-loop" / "index.html"
    links = meta_of(notebook).links
    assert {"class": "md-button", "href": "numpy-training-loop.ipynb", "download": None} in links
    assert (notebook.parent / "numpy-training-loop.ipynb").exists()


def test_a_configured_repository_gives_edit_and_colab_links(tmp_path):
    from tests.conftest import build_site

    repo = "https://github.com/example-owner/why-the-weights-move"
    result = build_site(tmp_path, "http://127.0.0.1:8000/", REPO_URL=repo,
                        EDIT_URI="edit/main/docs/")  # fmt: skip
    assert result.returncode == 0, result.stderr
    chapter = meta_of(tmp_path / "chapter-01" / "index.html").links
    assert any(
        a.get("rel") == "edit" and a["href"] == f"{repo}/edit/main/docs/chapter-01/index.md"
        for a in chapter
    )
    assert {"href": repo, "class": "md-source"} in chapter  # plain: no API call for stars
    notebook = meta_of(tmp_path / "notebooks" / "numpy-training-loop" / "index.html").links
    assert {
        "class": "md-button",
        "href": "https://colab.research.google.com/github/example-owner/why-the-weights-move"
        "/blob/main/docs/notebooks/numpy-training-loop.ipynb",
    } in notebook
