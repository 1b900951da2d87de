"""Run experiments in order, skip the ones whose inputs did not change, report."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from precompute import paths, registry, writer
from precompute.context import Context, RichTracker, Tracker
from precompute.model import make_deterministic

# Every module with run() and figures(), each after the experiments it reads
# (weights reads regularisers.json to find the best regularised run).
EXPERIMENTS: dict[str, ModuleType] = {name: registry.module(name) for name in registry.names()}


@dataclass
class Outcome:
    name: str
    status: str  # "ran" or "cached"
    wall_time_s: float
    figures: dict[str, str]
    files: list[Path] = field(default_factory=list)  # absolute paths of every output


def cached(root: Path, name: str, inputs: str) -> Outcome | None:
    """The existing outputs, if they were made from exactly these inputs and are intact."""
    path = paths.data_file(root, name)
    try:
        doc = paths.data_contract().load_validated(path)
    except (paths.data_contract().DataContractError, OSError):
        return None
    if doc["provenance"]["input_hash"] != inputs:
        return None
    files = [path]
    for entry in doc["data"].get("files", []):  # checkpoints must be there and unchanged
        pt = root / entry["file"]
        if not pt.exists() or writer.sha256_bytes(pt.read_bytes()) != entry["sha256"]:
            return None
        files.append(pt)
    if "snippet_file" in doc["data"]:
        snippet = root / doc["data"]["snippet_file"]
        if not snippet.exists():
            return None
        files.append(snippet)
    figures = EXPERIMENTS[name].figures(doc["data"])
    return Outcome(name, "cached", doc["provenance"]["wall_time_s"], figures, files)


def run_one(name: str, profile: str, force: bool, ctx: Context) -> Outcome:
    module, cfg, root = EXPERIMENTS[name], registry.settings(name, profile), ctx.root
    extra = module.extra_inputs(cfg, root) if hasattr(module, "extra_inputs") else None
    inputs = writer.input_hash(name, cfg, profile, extra)
    if not force and (hit := cached(root, name, inputs)):
        return hit
    start = time.perf_counter()
    result = module.run(cfg, ctx)
    wall = time.perf_counter() - start
    prov = writer.provenance(name, cfg, profile, inputs, wall)
    path = writer.write(paths.data_file(root, name), name, cfg, result.data, prov)
    figures = module.figures(json.loads(path.read_text(encoding="utf-8"))["data"])
    return Outcome(name, "ran", wall, figures, [path, *result.files])


def run_all(
    root: Path,
    names: list[str],
    profile: str,
    force: bool = False,
    console: Console | None = None,
    jobs: int = 1,
    threads: int = 1,
) -> list[Outcome]:
    """Run ``names`` in dependency order, with progress bars when a console is given."""
    make_deterministic(threads)
    ordered = [n for n in EXPERIMENTS if n in names]
    if console is None:
        return [
            run_one(n, profile, force, Context(root, Tracker(), jobs, threads)) for n in ordered
        ]
    columns = (
        TextColumn("{task.description:<13}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    outcomes = []
    with Progress(*columns, console=console) as progress:
        for name in ordered:
            ctx = Context(root, RichTracker(progress, name), jobs, threads)
            outcomes.append(run_one(name, profile, force, ctx))
    return outcomes
