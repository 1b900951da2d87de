"""Run every benchmark and write bench/report.md (+ bench/lighthouse.json).

    python -m benchmarks [--runs 3] [--skip-lighthouse]

- Lighthouse 12.8 (npm, Debian chromium) on the landing page and the chapter,
  mobile and desktop presets, median of --runs, served gzip-compressed;
- input-to-paint latency of the hero slider and the knob controls
  (benchmarks.bench_hero) and of both live widgets (benchmarks.bench_widgets),
  each at normal speed and with 4x CPU throttling;
- cold time to Python-ready for the first widget (bench_widgets).
Numbers vary ~2x on a busy machine: read them as orders of magnitude, compare
runs made on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import lighthouse
from benchmarks.serve import built_and_served
from tests.conftest import ROOT

REPORT_DIR = ROOT / "bench"
PAGES = {"landing": "", "chapter": "chapter-01/"}
TARGETS = {
    "performance (mobile)": ">= 98",
    "accessibility": "100",
    "best-practices": "100",
    "seo": "100",
}


def run_lighthouse(runs: int) -> dict:
    with built_and_served() as base_url:
        return {
            f"{page} {preset}": lighthouse.median_of(base_url + path, preset, runs)
            for page, path in PAGES.items()
            for preset in ("mobile", "desktop")
        }


def lighthouse_table(results: dict) -> list[str]:
    lines = [
        "| page · preset | perf | a11y | best pr. | SEO | LCP ms | TBT ms | CLS | bytes |",
        "| --- | --: | --: | --: | --: | --: | --: | --: | --: |",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['performance']:.0f} | {r['accessibility']:.0f} | {r['best-practices']:.0f} "
            f"| {r['seo']:.0f} | {r['lcp_ms']:.0f} | {r['tbt_ms']:.0f} | {r['cls']:.3f} | {r['total_bytes']:.0f} |"
        )
    return lines


# Input to painted frame, per CPU throttling level (issue #25).
LATENCY_TARGET_MS = {"1": {"median_ms": 12, "p95_ms": 20}, "4": {"median_ms": 35, "p95_ms": 50}}


def bare_reference(name: str, rows: dict) -> dict | None:
    """The bare control given the same inputs on the chapter page (its only work is
    writing its value): what the browser and the page cost before any figure does."""
    kind = "knobs" if name == "knobs" else name.rsplit(".", 1)[-1]
    return rows.get(f"bare {kind}, chapter")


def verdict(name: str, row: dict, rows: dict, targets: dict) -> str:
    """met, or the targets missed; a miss that the bare control misses too says so."""
    if name.startswith("bare"):
        return "reference"
    bare = bare_reference(name, rows)
    misses = []
    for key, limit in targets.items():
        if row[key] >= limit:
            floor = bare and bare[key] >= limit
            misses.append(key.removesuffix("_ms") + (f" (bare: {bare[key]:.1f})" if floor else ""))
    return "met" if not misses else f"missed: {', '.join(misses)}"


def latency_targets(throttle: str) -> list[str]:
    limits = ", ".join(
        f"{k.removesuffix('_ms')} < {v} ms" for k, v in LATENCY_TARGET_MS[throttle].items()
    )
    return [f"Targets at {throttle}x CPU: {limits}."]


def latency_table(throttle: str) -> list[str]:
    """Every input-to-paint row of one throttling level against the targets; the
    bare controls (the browser's and the page's own cost) are shown, not judged."""
    rows = {}
    for script in ("hero", "widgets"):
        path = REPORT_DIR / "results" / f"{script}-cpu{throttle}x.json"
        if path.exists():
            rows |= json.loads(path.read_text())["input_to_paint"]
    lines = ["| input | median ms | p95 ms | n | targets |", "| --- | --: | --: | --: | --- |"]
    for name, row in rows.items():
        if name == "hero all":
            continue
        hero = name in ("held key", "key taps", "drag")
        lines.append(
            f"| {'hero ' if hero else ''}{name} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} "
            f"| {row['n']} | {verdict(name, row, rows, LATENCY_TARGET_MS[throttle])} |"
        )
    return lines


def run_script(module: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout + (
        f"\n(exit {result.returncode})\n{result.stderr[-2000:]}" if result.returncode else ""
    )


def machine() -> str:
    """The CPU and how busy it was: numbers from a loaded machine read differently."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line),
        platform.processor(),
    )
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return f"{model}, {os.cpu_count()} cores; load average {load} (1, 5, 15 min)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page and preset")
    parser.add_argument("--skip-lighthouse", action="store_true")
    args = parser.parse_args(argv)
    REPORT_DIR.mkdir(exist_ok=True)
    lines = [
        f"# Benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"At the start: {machine()}.",
        "",
    ]
    if not args.skip_lighthouse:
        results = run_lighthouse(args.runs)
        (REPORT_DIR / "lighthouse.json").write_text(json.dumps(results, indent=1))
        lines += [f"## Lighthouse 12.8, median of {args.runs}", "", *lighthouse_table(results), ""]
        lines += [f"Targets: {', '.join(f'{k} {v}' for k, v in TARGETS.items())}.", ""]
    for throttle in ("1", "4"):
        lines += [f"## Input to painted frame, CPU throttling {throttle}x", "", "```"]
        lines.append(run_script("benchmarks.bench_hero", "--cpu-throttle", throttle).rstrip())
        lines.append(run_script("benchmarks.bench_widgets", "--cpu-throttle", throttle).rstrip())
        lines += ["```", ""]
        lines += [*latency_targets(throttle), "", *latency_table(throttle), ""]
    lines += [f"At the end: {machine()}.", ""]
    report = "\n".join(lines)
    (REPORT_DIR / "report.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
