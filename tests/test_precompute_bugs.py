"""The bugs experiment on its quick settings: valid, reproducible across kernel
paths and thread counts, every bug already visible; and ``--check --only bugs``
on the committed file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from precompute import check, paths
from tests.test_precompute_quick import precompute

ROOT = Path(__file__).resolve().parents[1]
FILE = Path("data/bugs.json")


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bugs-quick")
    result = precompute("--quick", "--only", "bugs", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_quick_run_is_valid_and_shows_every_bug(quick):
    doc = paths.data_contract().load_validated(quick / FILE)
    assert doc["provenance"]["profile"] == "quick"
    runs = {r["id"]: r for r in doc["data"]["runs"]}
    assert len(runs["correct"]["epoch"]) == doc["config"]["epochs"] + 1
    for bug in ("zero_grad", "lr"):  # both climb above where they started
        assert runs[bug]["summary"]["peak_train_loss"] > runs[bug]["train_loss"][0], bug
    assert runs["broadcast"]["warning"] and "broadcasting" in runs["broadcast"]["warning"]
    var_y = doc["data"]["var_y_train"]
    assert runs["broadcast"]["summary"]["final_train_loss"] == pytest.approx(var_y, rel=1e-3)
    assert runs["eval"]["summary"]["jumps"] > runs["correct_dropout"]["summary"]["jumps"]


def test_quick_run_reproduces_on_other_kernels_and_threads(quick, tmp_path):
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "avx2"}
    args = ("--quick", "--only", "bugs", "--out", str(tmp_path), "--threads", "2")
    result = precompute(*args, env=env)
    assert result.returncode == 0, result.stderr
    assert check.compare(quick, tmp_path, [FILE], stale=False) == []
    docs = [json.loads((root / FILE).read_text()) for root in (quick, tmp_path)]
    for doc in docs:
        doc["provenance"].pop("wall_time_s")
    assert docs[0] == docs[1]  # in fact, the same bits


@pytest.mark.slow
def test_check_only_bugs_passes_on_committed_data():
    result = precompute("--check", "--only", "bugs")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "1 files agree with a fresh run" in result.stderr
