"""Publish what the browser runs and check the vendored runtime is present.

- MkDocs silently skips ``*.py`` files, so the widget modules in ``site_src/widgets/``
  (the same files the CPython tests import) are added to the site explicitly.
- With ``extra.pyodide.source: cdn`` the local Pyodide files are left out of the
  site (for hosts that cap file sizes) and the worker loads them from the CDN with
  Subresource Integrity (hashes from ``vendor/pyodide-sri.json``).
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[2]
WIDGETS = ROOT / "site_src" / "widgets"
VENDOR = ROOT / "site_src" / "theme" / "assets" / "vendor"
REQUIRED = ["pyodide-sri.json", "plotly/plotly.min.js", "katex/katex.min.css"]


def on_config(config):
    missing = [name for name in REQUIRED if not (VENDOR / name).exists()]
    if missing:
        raise PluginError(
            f"runtime assets missing in {VENDOR.relative_to(ROOT)}: {', '.join(missing)}. "
            "Run `make assets` (or `python -m site_src.build.vendor`) once."
        )
    pyodide = config["extra"].setdefault("pyodide", {})
    source = pyodide.setdefault("source", "local")
    if source not in {"local", "cdn"}:
        raise PluginError(
            f"mkdocs.yml: extra.pyodide.source must be 'local' or 'cdn', not {source!r}"
        )
    # By default jsDelivr's copy of the Pyodide that package.json pins (and `make
    # assets` vendors): the version is written in that one place.
    version = json.loads((ROOT / "package.json").read_text())["dependencies"]["pyodide"]
    pyodide["cdn_url"] = (
        pyodide.get("cdn_url") or f"https://cdn.jsdelivr.net/pyodide/v{version}/full/"
    )
    pyodide["sri"] = json.loads((VENDOR / "pyodide-sri.json").read_text())
    return config


def on_files(files, config):
    for module in sorted(WIDGETS.glob("*.py")):
        files.append(
            File.generated(config, f"assets/widgets/{module.name}", abs_src_path=str(module))
        )
    if config["extra"]["pyodide"]["source"] == "cdn":
        for file in list(files):
            if file.src_uri.startswith("assets/vendor/pyodide/"):
                files.remove(file)
    return files
