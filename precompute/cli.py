"""Command line: ``python -m precompute [--only NAME] [--quick] [--out DIR] [--check]``."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from precompute import check, paths, registry, runner, writer

DESCRIPTION = """\
Regenerate the data behind the site's figures.

{experiments}
Outputs go under an output root laid out like docs/: data/*.json,
downloads/weights/*.pt, snippets/. The default root is docs/ (the committed data).

Caching: each JSON stores provenance.input_hash = sha256 of its config, the
sources it runs (its module and the precompute modules it imports), the profile
and upstream inputs. An experiment whose hash matches the existing file (and whose
checkpoints match their sha256) is skipped; --force re-runs it anyway.

Reproducibility: fixed seeds, deterministic kernels, float64, and MKL on its
processor-independent path (MKL_CBWR=COMPATIBLE, set in precompute/__init__.py).
torch's AVX2 and AVX-512 kernels and 1 or 2 threads give the same bits. torch's
fallback for CPUs without AVX2 (ATEN_CPU_CAPABILITY=default) does not: it rounds
some sums differently, and the network's memorising phase grows that into a
different curve, which --check reports. --check compares numbers within two units
of the last exported digit and checkpoints tensor by tensor (precompute/check.py).
"""


def experiment_list() -> str:
    """The registered experiments in run order, from their docstrings (precompute/registry.py)."""
    lines = ["Experiments (run in this order; an experiment runs after the ones it reads):"]
    for name, (after, summary) in registry.summaries().items():
        summary = re.sub(r"^Experiment \d+:\s*", "", summary).rstrip(".")
        reads = f" (reads {', '.join(after)}.json)" if after else ""
        text = f"{name:<13} {summary}{reads} -> data/{name}.json"
        lines += textwrap.wrap(text, 80, initial_indent="  ", subsequent_indent=" " * 16)
    return "\n".join(lines) + "\n"


EPILOG = """\
examples:
  python -m precompute                     regenerate everything into docs/
  python -m precompute --only overfit      one experiment
  python -m precompute --quick             tiny smoke test into a temp dir
  python -m precompute --check             exit 1 if committed data is stale
  python -m precompute --check --only bugs the same for one experiment
  python -m precompute new NAME            scaffold a new figure from new data
                                           (python -m precompute new --help)
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m precompute",
        description=DESCRIPTION.format(experiments=experiment_list()),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=list(runner.EXPERIMENTS),
        metavar="NAME",
        help="run only this experiment (repeatable): " + ", ".join(runner.EXPERIMENTS),
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny settings (seconds, not minutes) for smoke tests; writes to --out or a "
        "fresh temp dir, never into docs/",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="output root (default: docs/, or a new temp dir with --quick)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate everything (or the --only experiments) into a temp dir and exit 1, "
        "naming files and fields, "
        "if it differs from the committed data beyond rounding (provenance.wall_time_s and "
        "checkpoint hashes are ignored, checkpoints are compared tensor by tensor; any edit "
        "to an experiment's sources changes its provenance.code_hash, so commit data with "
        "code)",
    )
    parser.add_argument("--force", action="store_true", help="ignore cached outputs and recompute")
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes for the regularisers grid (default: 2, or 1 with --quick where "
        "starting workers costs more than it saves); outputs are identical for any N: each "
        "run seeds itself",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        metavar="N",
        help="torch threads per process (default 1; 2 gives the same bits)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    if args.check and (args.quick or args.out):
        parser.error("--check regenerates from scratch into a temp dir: drop --quick/--out")
    if args.jobs is None:
        args.jobs = 1 if args.quick else min(2, os.cpu_count() or 1)
    if args.quick and args.out and args.out.resolve() == paths.DOCS:
        parser.error("--quick output must never overwrite the committed data in docs/")
    return args


def summary(outcomes: list[runner.Outcome], root: Path, total_s: float) -> Table:
    table = Table(title=f"precompute: {total_s:.1f} s in total, outputs under {root}")
    for column in ("experiment", "status", "wall time", "key figures", "file", "raw", "gzip"):
        table.add_column(column, justify="right" if column in ("raw", "gzip") else "left")
    json_raw = json_gz = 0
    for o in outcomes:
        figures = "\n".join(f"{k}: {v}" for k, v in o.figures.items())
        for i, path in enumerate(o.files):
            raw, gz = writer.sizes(path)
            if path.suffix == ".json":
                json_raw, json_gz = json_raw + raw, json_gz + gz
            first = i == 0
            table.add_row(
                o.name if first else "",
                o.status if first else "",
                f"{o.wall_time_s:.1f} s" if first else "",
                figures if first else "",
                path.relative_to(root).as_posix(),
                f"{raw / 1024:.1f} KB",
                f"{gz / 1024:.1f} KB",
            )
        table.add_section()
    table.add_row(
        "all JSON", "", "", "", "", f"{json_raw / 1024:.1f} KB", f"{json_gz / 1024:.1f} KB"
    )
    return table


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["new"]:
        from precompute import scaffold

        return scaffold.main(argv[1:])
    args = parse_args(argv)
    console = Console(stderr=True)
    if not console.is_terminal:
        console.width = 150  # logs and CI: rich would otherwise squeeze the table into 80
    names = args.only or list(runner.EXPERIMENTS)
    profile = "quick" if args.quick else "full"
    if args.check:
        root = Path(tempfile.mkdtemp(prefix="precompute-check-"))
        for name in [n for n in runner.EXPERIMENTS if n not in names]:
            # Read, not checked: --check --only weights reads the committed regularisers.json.
            if (committed := paths.data_file(paths.DOCS, name)).exists():
                paths.data_file(root, name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(committed, paths.data_file(root, name))
    elif args.quick:
        root = args.out or Path(tempfile.mkdtemp(prefix="precompute-quick-"))
    else:
        root = args.out or paths.DOCS
    start = time.perf_counter()
    try:
        outcomes = runner.run_all(
            root.resolve(), names, profile, args.force or args.check,
            None if args.no_progress else console, args.jobs, args.threads,
        )  # fmt: skip
    except (FileNotFoundError, ValueError) as error:  # e.g. --only weights without its input
        console.print(f"[bold red]error:[/] {error}", highlight=False)
        return 2
    console.print(summary(outcomes, root.resolve(), time.perf_counter() - start))
    if not args.check:
        return 0
    files = [f.relative_to(root.resolve()) for o in outcomes for f in o.files]
    # With --only, the other experiments' committed files are not stale, just not checked.
    problems = check.compare(paths.DOCS, root.resolve(), files, stale=not args.only)
    if problems:
        console.print("[bold red]--check: committed data differs from a fresh run:[/]")
        for line in problems:
            console.print(f"  {line}", markup=False, highlight=False)
        console.print(f"Fresh outputs kept in {root} ; regenerate with: python -m precompute")
        return 1
    shutil.rmtree(root)
    console.print(f"[green]--check: {len(files)} files agree with a fresh run[/]")
    return 0
