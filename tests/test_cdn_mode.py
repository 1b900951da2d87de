"""The CDN option: Pyodide from another origin, every file checked with SRI.

A local "CDN" (another port: another origin) serves the official Pyodide release
files. The site built with `extra.pyodide.source: cdn` leaves its own Pyodide files
out and boots from there; a tampered file on the CDN is refused by the browser.
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from site_src.build import vendor
from tests.conftest import ROOT, QuietHandler, build_site, free_port, instrument, open_context

LAYER = "#fig-layer-widget"
BOOT_MS = 90_000


class CorsHandler(QuietHandler):
    extra_headers = [("Access-Control-Allow-Origin", "*")]  # noqa: RUF012 (as jsDelivr sends)


def mirror_of_official_release(target: Path) -> Path:
    """What the CDN serves for Pyodide 0.27.7: the npm package's files and the wheels."""
    target.mkdir()
    for name in [*vendor.PYODIDE_CORE, "pyodide-lock.json"]:
        shutil.copy2(vendor.NODE_MODULES / "pyodide" / name, target / name)
    shutil.copy2(vendor.DEFAULT_CACHE / vendor.NUMPY_WHEEL, target / vendor.NUMPY_WHEEL)
    return target


@pytest.fixture(scope="module")
def cdn(tmp_path_factory):
    root = mirror_of_official_release(tmp_path_factory.mktemp("cdn") / "full")
    port = free_port()
    handler = functools.partial(CorsHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{port}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def cdn_site(tmp_path_factory, cdn):
    _, cdn_url = cdn
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/"
    out = tmp_path_factory.mktemp("cdn-site")
    result = build_site(out, base_url, PYODIDE_SOURCE="cdn", PYODIDE_CDN_URL=cdn_url)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(QuietHandler, directory=str(out))
    httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield out, base_url
    httpd.shutdown()


def page_config(site: Path) -> dict:
    html = (site / "chapter-01" / "index.html").read_text()
    start = html.index('id="wtwm-config">') + len('id="wtwm-config">')
    return json.loads(html[start : html.index("</script>", start)])


def test_cdn_build_ships_no_pyodide_and_pins_every_file(cdn_site, cdn):
    site, _ = cdn_site
    _, cdn_url = cdn
    assert not (site / "assets" / "vendor" / "pyodide").exists()
    config = page_config(site)["pyodide"]
    assert config["source"] == "cdn" and config["cdn_url"] == cdn_url
    for name in [*vendor.CDN_FILES, "pyodide-lock.json"]:
        assert config["sri"][name].startswith("sha384-"), name
    assert cdn_url.rstrip("/") in (site / "_headers").read_text()  # CSP allows the CDN origin


def boot_layer_widget(browser, base_url):
    context = open_context(browser)
    page = instrument(context.new_page())
    page.goto(base_url + "chapter-01/#layer-widget")
    page.locator(LAYER).scroll_into_view_if_needed()
    return context, page


@pytest.mark.browser
def test_widget_boots_from_the_cdn_with_integrity(browser, cdn_site, cdn):
    _, base_url = cdn_site
    context, page = boot_layer_widget(browser, base_url)
    try:
        page.wait_for_selector(f"{LAYER} .wtwm-python-status[data-state=ready]", timeout=BOOT_MS)
        page.wait_for_selector(f"{LAYER}[data-live=true]", timeout=BOOT_MS)
        assert page.console_errors == [] and page.failed_requests == []
    finally:
        context.close()


@pytest.mark.browser
def test_tampered_cdn_file_is_refused(browser, cdn_site, cdn):
    root, _ = cdn
    _, base_url = cdn_site
    asm = root / "pyodide.asm.js"
    original = asm.read_bytes()
    asm.write_bytes(original + b"\n/* tampered */\n")
    context, page = boot_layer_widget(browser, base_url)
    try:
        status = page.locator(f"{LAYER} .wtwm-python-status[data-state=failed]")
        status.wait_for(timeout=BOOT_MS)
        assert "Python could not start" in status.inner_text()
        assert page.locator(f"{LAYER}[data-live=true]").count() == 0
    finally:
        asm.write_bytes(original)
        context.close()


def test_the_default_cdn_is_the_pinned_pyodide(built_site):
    """Without PYODIDE_CDN_URL the CDN option points at jsDelivr's copy of the
    Pyodide package.json pins, the version `make assets` vendors: one place."""
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["pyodide"]
    assert pinned == vendor.PYODIDE_VERSION
    cdn_url = page_config(built_site)["pyodide"]["cdn_url"]
    assert cdn_url == f"https://cdn.jsdelivr.net/pyodide/v{pinned}/full/"
