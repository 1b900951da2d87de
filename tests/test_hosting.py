"""What `_headers` gives each file on a host that reads it (Netlify, Cloudflare
Pages): the rules matched as those hosts match them, path pattern by pattern."""

from __future__ import annotations

import re
from pathlib import Path


def headers_for(site: Path, path: str) -> dict[str, str]:
    """Every header of every `_headers` block whose pattern matches `path`."""
    headers, matches = {}, False
    for line in (site / "_headers").read_text().splitlines():
        if not line.startswith(" "):
            pattern = re.escape(line.strip()).replace(r"\*", ".*")
            matches = re.fullmatch(pattern, path) is not None
        elif matches:
            name, value = line.strip().split(":", 1)
            headers[name] = value.strip()
    return headers


def page_policy(site: Path) -> str:
    html = (site / "chapter-01" / "index.html").read_text()
    return re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)[1]


def test_checkpoints_are_binary_downloads(built_site):
    checkpoint = next((built_site / "downloads" / "weights").glob("*.pt"))
    headers = headers_for(built_site, f"/{checkpoint.relative_to(built_site).as_posix()}")
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"] == "attachment"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_python_worker_gets_the_pages_policy(built_site):
    assert (built_site / "assets" / "js" / "python-worker.js").exists()
    headers = headers_for(built_site, "/assets/js/python-worker.js")
    # frame-ancestors is per page (it means nothing to a script): see test_instructors.
    assert headers["Content-Security-Policy"] == page_policy(built_site)
    assert headers["X-Content-Type-Options"] == "nosniff"
