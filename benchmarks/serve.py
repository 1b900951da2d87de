"""Serve a built site the way static hosts do: gzip for text assets, wasm MIME type,
the security headers from `_headers`. Used by the benchmarks (tests serve uncompressed)."""

from __future__ import annotations

import gzip
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache, partial
from http.server import ThreadingHTTPServer
from pathlib import Path

from tests.conftest import QuietHandler, build_site, free_port, site_headers

COMPRESSIBLE = (
    ".html",
    ".js",
    ".mjs",
    ".css",
    ".json",
    ".svg",
    ".py",
    ".map",
    ".vtt",
    ".txt",
    ".xml",
    ".asm.js",
)


@lru_cache(maxsize=256)
def gzipped(path: Path, mtime_ns: int) -> bytes:
    """Compressed once per file version, as a static host serves it precompressed."""
    return gzip.compress(path.read_bytes(), compresslevel=6)


class CompressingHandler(QuietHandler):
    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts_gzip and path.is_file() and path.name.endswith(COMPRESSIBLE)):
            return super().send_head()
        body = gzipped(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)
        return None


def serve(site: Path, port: int | None = None) -> tuple[ThreadingHTTPServer, str]:
    """Start a background server for `site`; returns (server, base_url)."""
    port = port or free_port()
    handler_class = type("Handler", (CompressingHandler,), {"extra_headers": site_headers(site)})
    httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(handler_class, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{port}/"


@contextmanager
def built_and_served() -> Iterator[str]:
    """Build the site (strict, matching site_url) into a temporary folder, serve it
    compressed, yield its base URL, and shut the server down afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        result = build_site(site, f"http://127.0.0.1:{port}/")
        if result.returncode:
            sys.exit(result.stderr)
        httpd, base_url = serve(site, port)
        try:
            yield base_url
        finally:
            httpd.shutdown()
