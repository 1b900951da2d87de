"""Content-Security-Policy for the built site (not for `mkdocs serve`).

After the build, every page gets a CSP meta tag that allows only the site's own
origin, the hashes of the inline scripts MkDocs Material ships (the union over all
pages, because instant navigation keeps the first page's policy), and
'wasm-unsafe-eval' for Pyodide. The same policy goes into `_headers` (Netlify,
Cloudflare Pages) together with the headers a meta tag cannot set.

`mkdocs serve` is left without a policy: its live-reload script is injected inline
at response time and would be blocked.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
NON_EXECUTABLE = re.compile(r'type="(?:application/(?:ld\+)?json|text/template)"')
_command = "build"


def on_startup(command, dirty):
    global _command
    _command = command


def inline_script_hashes(html: str) -> set[str]:
    hashes = set()
    for match in INLINE_SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if "src=" in attrs or NON_EXECUTABLE.search(attrs):
            continue
        digest = hashlib.sha256(match.group("body").encode()).digest()
        hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return hashes


def policy(script_hashes: set[str], cdn_origin: str | None) -> str:
    cdn = f" {cdn_origin}" if cdn_origin else ""
    blob = " blob:" if cdn_origin else ""  # the worker evaluates SRI-checked CDN scripts
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'wasm-unsafe-eval' {' '.join(sorted(script_hashes))}{cdn}{blob}",
        # Plotly and KaTeX set inline styles; styles cannot run code.
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self'",
        "media-src": "'self'",
        "connect-src": f"'self'{cdn}",
        "worker-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def cdn_origin(config) -> str | None:
    pyodide = config["extra"].get("pyodide", {})
    if pyodide.get("source") != "cdn":
        return None
    match = re.match(r"https?://[^/]+", pyodide["cdn_url"])
    return match.group(0) if match else None


def on_post_build(config):
    if _command == "serve":
        return
    site = Path(config["site_dir"])
    pages = list(site.rglob("*.html"))
    hashes = set().union(*(inline_script_hashes(p.read_text(encoding="utf-8")) for p in pages))
    csp = policy(hashes, cdn_origin(config))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
    for page in pages:
        html = page.read_text(encoding="utf-8")
        html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", html)
        html = html.replace('<meta charset="utf-8">', f'<meta charset="utf-8">\n    {meta}', 1)
        page.write_text(html, encoding="utf-8")
    ancestors = config["extra"].get("embed", {}).get("frame_ancestors") or "*"
    (site / "_headers").write_text(headers_file(csp, framing(site, ancestors)))


def framing(site: Path, embed_ancestors: str) -> str:
    """Who may show a page in a frame. A host sends every matching block's headers
    and a browser enforces every policy it gets, so frame-ancestors cannot sit in
    `/*`: each page gets its own block, 'self' for the course and the configured
    origins (extra.embed.frame_ancestors) for the figure pages under embed/."""
    blocks = []
    for page in sorted(site.rglob("*.html")):
        path = "/" + page.relative_to(site).as_posix()
        ancestors = embed_ancestors if path.startswith("/embed/") else "'self'"
        paths = [path]
        if path.endswith("/index.html"):
            paths.insert(0, path.removesuffix("index.html"))
        for each in paths:
            blocks.append(f"{each}\n  Content-Security-Policy: frame-ancestors {ancestors}\n")
    return "".join(blocks)


def headers_file(csp: str, frames: str = "") -> str:
    """`_headers` for Netlify and Cloudflare Pages (GitHub Pages ignores it: see
    README, Hosting). `/*` covers every file, the Python worker's script too: a
    worker takes its policy from its own response, not from the page's meta tag."""
    return (
        "/*\n"
        f"  Content-Security-Policy: {csp}\n"
        "  X-Content-Type-Options: nosniff\n"
        "  Referrer-Policy: strict-origin-when-cross-origin\n"
        "  Permissions-Policy: camera=(), microphone=(), geolocation=()\n"
        "/*.wasm\n"
        "  Content-Type: application/wasm\n"
        # Checkpoints are binary downloads, not something to guess a type for.
        "/downloads/weights/*\n"
        "  Content-Type: application/octet-stream\n"
        "  Content-Disposition: attachment\n"
        "/assets/vendor/*\n"
        "  Cache-Control: public, max-age=31536000, immutable\n"
        f"{frames}"
    )
