"""Lighthouse 12.8 (npm) with Debian's chromium: median of N runs per page and preset."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT

LIGHTHOUSE_DIR = ROOT / ".cache" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
VERSION = "12.8.2"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
AUDITS = {
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "cls": "cumulative-layout-shift",
    "fcp_ms": "first-contentful-paint",
    "total_bytes": "total-byte-weight",
}


def ensure_lighthouse() -> Path:
    if not LIGHTHOUSE.exists():
        LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
        (LIGHTHOUSE_DIR / "package.json").write_text('{"private": true}\n')
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", f"lighthouse@{VERSION}"],
            cwd=LIGHTHOUSE_DIR, check=True,
        )  # fmt: skip
    return LIGHTHOUSE


def run_once(url: str, preset: str) -> dict:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [str(ensure_lighthouse()), url, "--quiet", "--output=json",
                   f"--output-path={report}", f"--chrome-flags={flags}"]  # fmt: skip
        if preset == "desktop":
            command.append("--preset=desktop")
        subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
        data = json.loads(report.read_text())
    scores = {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}
    metrics = {key: data["audits"][audit]["numericValue"] for key, audit in AUDITS.items()}
    failing = sorted(
        audit_id
        for audit_id, audit in data["audits"].items()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in {"binary", "numeric", "metricSavings"}
    )
    return {**scores, **metrics, "failing_audits": failing}


def median_of(url: str, preset: str, runs: int = 3) -> dict:
    results = [run_once(url, preset) for _ in range(runs)]
    summary = {key: statistics.median(r[key] for r in results) for key in [*CATEGORIES, *AUDITS]}
    summary["failing_audits"] = sorted(set().union(*(r["failing_audits"] for r in results)))
    return summary
