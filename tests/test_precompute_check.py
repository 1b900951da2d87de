"""The committed data is what today's code produces, on this CPU (the data was made
on another machine), within the tolerance precompute/check.py states.

`make data-check` regenerates every file; most of its minutes are the
regularisers' 42 runs of 1 500 epochs. The suite keeps the same promise for less:
- every data file's input hash (code, settings, upstream files) is today's, so an
  experiment edited without `make data` fails here at once;
- linear, overfit and weights are regenerated whole by `--check --only` (bugs is
  in test_precompute_bugs);
- four of the regularisers' 40 runs are trained again and compared with their
  entries: the baseline, the run validation picks, the long run the
  find-the-function figure shows and the one with every knob at its strongest.
test_precompute_quick runs every experiment across kernel paths and thread counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from precompute import check, paths, registry, regularisers, runner, writer
from precompute.context import Context, Tracker

ROOT = Path(__file__).resolve().parents[1]
WHOLE = ["linear", "overfit", "weights"]


@pytest.mark.parametrize("name", list(runner.EXPERIMENTS))
def test_committed_data_was_made_by_todays_code(name):
    cfg = registry.settings(name, "full")
    module = runner.EXPERIMENTS[name]
    extra = module.extra_inputs(cfg, paths.DOCS) if hasattr(module, "extra_inputs") else None
    committed = json.loads(paths.data_file(paths.DOCS, name).read_text(encoding="utf-8"))
    assert committed["provenance"]["input_hash"] == writer.input_hash(name, cfg, "full", extra), (
        f"{name}.json was made by other code or settings: run `make data`"
    )


@pytest.mark.slow
def test_small_experiments_regenerate_whole():
    only = [arg for name in WHOLE for arg in ("--only", name)]
    result = subprocess.run(
        [sys.executable, "-m", "precompute", "--check", "--no-progress", *only],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "agree with a fresh run" in result.stderr


@pytest.mark.slow
def test_regularisers_sample_runs_again_to_the_committed_numbers(tmp_path):
    cfg = registry.settings("regularisers", "full")
    data = json.loads(paths.data_file(paths.DOCS, "regularisers").read_text())["data"]
    committed = {run["id"]: (i, run) for i, run in enumerate(data["runs"])}
    strongest = regularisers.run_id(True, max(cfg.weight_decay), max(cfg.dropout))
    sample = [data["baseline_id"], data["best_id"], data["converge"]["run_id"], strongest]
    assert len(set(sample)) == 4
    knobs = [(r["early_stopping"], r["weight_decay"], r["dropout"]) for _, r in
             (committed[run_id] for run_id in sample)]  # fmt: skip
    ctx = Context(tmp_path, Tracker(), jobs=2, threads=1)
    fresh = [run for run, _ in regularisers.train_all(cfg, [(k, False) for k in knobs], ctx)]
    # The file keeps the baseline's norms only where a figure compares them.
    regularisers.thin_baseline_norms(fresh[0], data["runs"], cfg.norms_every)
    tol = check.Tolerance.for_digits(cfg.sig_digits)
    problems = []
    for run in fresh:
        i, old = committed[run["id"]]
        new = writer.jsonable(run, cfg.sig_digits)
        problems += check.diff_values(old, new, ("data", "runs", i), tol)
    assert problems == []
