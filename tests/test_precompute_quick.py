"""``python -m precompute --quick`` end to end: outputs, claims, determinism, cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from precompute import check, paths
from tests.test_precompute_overfit import assert_overfits

ROOT = Path(__file__).resolve().parents[1]
FILES = [
    "data/linear.json",
    "data/overfit.json",
    "data/regularisers.json",
    "data/weights.json",
    "data/bugs.json",
]


def precompute(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "precompute", "--no-progress", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> tuple[Path, float]:
    out = tmp_path_factory.mktemp("quick")
    start = time.perf_counter()
    result = precompute("--quick", "--out", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    return out, time.perf_counter() - start


def outputs(root: Path) -> list[Path]:
    found = [*root.glob("data/*.json"), *root.glob("downloads/weights/*.pt")]
    return sorted(p.relative_to(root) for p in [*found, root / "snippets" / "load_weights.py"])


@pytest.mark.slow
def test_quick_writes_every_file_valid(quick):
    out, _seconds = quick  # speed is reported by the CLI's summary, never asserted here
    for name in FILES:
        doc = paths.data_contract().load_validated(out / name)
        assert doc["provenance"]["profile"] == "quick"
    assert len(list((out / "downloads" / "weights").glob("*.pt"))) == 4


@pytest.mark.slow
def test_quick_run_still_overfits(quick):
    data = json.loads((quick[0] / "data" / "overfit.json").read_text())["data"]
    assert_overfits(data, margin=1.5, below_noise=0.5)


@pytest.mark.slow
def test_quick_regulariser_claims(quick):
    data = json.loads((quick[0] / "data" / "regularisers.json").read_text())["data"]
    runs = {r["id"]: r for r in data["runs"]}
    baseline = runs[data["baseline_id"]]["summary"]["test_loss"]
    for knob in ("es-on_wd-0_dropout-0", "es-off_wd-0.03_dropout-0", "es-off_wd-0_dropout-0.2"):
        assert runs[knob]["summary"]["test_loss"] < baseline, knob


@pytest.mark.slow
def test_rerun_is_cached_and_a_rerun_on_other_kernels_agrees(quick, tmp_path):
    out, _ = quick
    before = {p: (out / p).read_bytes() for p in outputs(out)}
    result = precompute("--quick", "--out", str(out))
    assert result.returncode == 0 and result.stderr.count("cached") == len(FILES), result.stderr
    assert {p: (out / p).read_bytes() for p in outputs(out)} == before

    # Another kernel path (AVX2 instead of this CPU's own, AVX-512 here) and process
    # count: --check passes, and in fact no byte differs. Then two threads, on
    # overfit alone: two threads make these small runs slower, not faster.
    # PASSIVE: torch's two threads sleep while they wait for each other instead of
    # spinning, which beside other CPU-bound work slowed such a run several-fold.
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "avx2", "OMP_WAIT_POLICY": "PASSIVE"}
    again, threads = tmp_path / "again", tmp_path / "threads"
    assert precompute("--quick", "--out", str(again), "--jobs", "1", env=env).returncode == 0
    args = ("--quick", "--out", str(threads), "--only", "overfit", "--threads", "2")
    assert precompute(*args, env=env).returncode == 0
    assert outputs(again) == outputs(out)
    assert check.compare(out, again, outputs(out)) == []
    for name, root in [*((name, again) for name in FILES), ("data/overfit.json", threads)]:
        docs = [json.loads((r / name).read_text()) for r in (out, root)]
        for doc in docs:  # all but the wall time
            doc["provenance"].pop("wall_time_s")
        assert docs[0] == docs[1], (name, root.name)


@pytest.mark.slow
def test_compare_allows_rounding_and_names_file_and_field(quick, tmp_path):
    out, _ = quick
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    path = copy / "data/overfit.json"
    doc = json.loads(path.read_text())
    doc["provenance"]["wall_time_s"] += 5  # volatile: ignored
    doc["data"]["best_val_loss"] *= 1 + 1e-4  # one unit in the 5th digit: rounding
    path.write_text(json.dumps(doc))
    weights_file = next((copy / "downloads/weights").glob("overfit-best-*.pt"))
    state = torch.load(weights_file, weights_only=True)
    state["0.weight"] += 1e-7  # another CPU's rounding
    torch.save(state, weights_file)
    weights_json = copy / "data/weights.json"
    wdoc = json.loads(weights_json.read_text())
    wdoc["data"]["files"][1]["sha256"] = "0" * 64  # the hash of bytes that differ: ignored
    weights_json.write_text(json.dumps(wdoc))
    assert check.compare(out, copy, outputs(out)) == []

    doc["data"]["best_epoch"] += 1
    doc["data"]["final_val_loss"] *= 1.01
    path.write_text(json.dumps(doc))
    (copy / "downloads/weights" / "stale.pt").write_bytes(b"x")
    state["0.weight"][0, 0] += 0.01  # a real change to one weight
    torch.save(state, weights_file)
    # the copy plays "committed", the quick output plays "regenerated"
    problems = check.compare(copy, out, outputs(out))
    text = "\n".join(problems)
    assert "overfit.json: field 'data.best_epoch': committed" in text
    assert "overfit.json: field 'data.final_val_loss': committed" in text
    assert f"{weights_file.name}: tensor '0.weight': differs by up to 0.01" in text
    assert "stale.pt: committed but no longer generated" in text
    assert len(problems) == 4, problems


def test_only_weights_without_its_input_fails_cleanly(tmp_path):
    result = precompute("--quick", "--only", "weights", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "regularisers.json is missing" in result.stderr


def test_quick_refuses_to_write_into_docs():
    result = precompute("--quick", "--out", str(ROOT / "docs"))
    assert result.returncode == 2 and "never overwrite" in result.stderr


def test_help_explains_everything():
    result = precompute("--help")
    assert result.returncode == 0
    for word in ("--only", "--quick", "--out", "--check", "--force", "wall_time_s", "cache"):
        assert word.lower() in result.stdout.lower()
