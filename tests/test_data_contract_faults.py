"""Corruptions the schema alone let through: the build must stop and name them.

Each test damages a temporary copy of docs/ (data, downloads, snippets) and runs
`mkdocs build --strict` with the data-contract hook on it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
HOOK = ROOT / "site_src" / "hooks" / "validate_data.py"
SCHEMAS = ROOT / "site_src" / "schemas"


def build(tmp_path: Path, corrupt: Callable[[Path], None]) -> str:
    """Build a copy of docs/ damaged by corrupt(docs); returns the build's output
    after checking that it failed."""
    docs = tmp_path / "docs"
    for folder in ("data", "downloads", "snippets"):
        shutil.copytree(DOCS / folder, docs / folder)
    (docs / "index.md").write_text("# Data\n")
    corrupt(docs)
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\ndocs_dir: docs\nsite_dir: site\nhooks:\n  - {HOOK}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=tmp_path, capture_output=True, text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode != 0, "the build passed with corrupt data"
    assert not (tmp_path / "site" / "index.html").exists()
    return result.stderr + result.stdout


def edit(docs: Path, name: str, change: Callable[[dict], None]) -> None:
    path = docs / "data" / f"{name}.json"
    doc = json.loads(path.read_text())
    change(doc["data"])
    path.write_text(json.dumps(doc))


def test_shorter_parallel_array_is_named(tmp_path):
    def shorten(data):
        data["numpy"]["train_loss"] = data["numpy"]["train_loss"][:-10]

    output = build(tmp_path, lambda docs: edit(docs, "linear", shorten))
    assert (
        "docs/data/linear.json: field 'data.numpy.train_loss': 91 entries, "
        "but 'epoch' beside it has 101"
    ) in output


def test_shorter_column_of_a_shared_definition_is_named(tmp_path):
    def shorten(data):  # overfit's train is envelope's xy: x and y are columns
        data["train"]["y"] = data["train"]["y"][:-1]

    output = build(tmp_path, lambda docs: edit(docs, "overfit", shorten))
    assert "docs/data/overfit.json: field 'data.train.y':" in output
    assert "but 'x' beside it has" in output


@pytest.mark.skipif(
    "x-same-length" not in (SCHEMAS / "overfit.schema.json").read_text(),
    reason="overfit.schema.json (the lead's) does not declare x-same-length on curves yet",
)
def test_overfit_train_loss_shorter_than_epoch_is_named(tmp_path):
    def shorten(data):
        data["curves"]["train_loss"] = data["curves"]["train_loss"][:-10]

    output = build(tmp_path, lambda docs: edit(docs, "overfit", shorten))
    assert "docs/data/overfit.json: field 'data.curves.train_loss':" in output


def test_wrong_checkpoint_hash_is_named(tmp_path):
    def zero(data):
        data["files"][1]["sha256"] = "0" * 64

    output = build(tmp_path, lambda docs: edit(docs, "weights", zero))
    assert "docs/data/weights.json: field 'data.files[1].sha256': says 000" in output
    assert f"{Path(checkpoint(1)).name} has sha256" in output


def test_wrong_checkpoint_size_is_named(tmp_path):
    def one(data):
        data["files"][0]["bytes"] = 1

    output = build(tmp_path, lambda docs: edit(docs, "weights", one))
    assert "docs/data/weights.json: field 'data.files[0].bytes': says 1 bytes;" in output


def checkpoint(i: int) -> str:
    """The i-th listed download, as weights.json names it (relative to docs/)."""
    return json.loads((ROOT / "docs" / "data" / "weights.json").read_text())["data"]["files"][i][
        "file"
    ]


def test_missing_download_is_named(tmp_path):
    def remove(docs):
        (docs / checkpoint(2)).unlink()

    output = build(tmp_path, remove)
    assert (
        f"docs/data/weights.json: field 'data.files[2].file': {checkpoint(2)} does not exist in docs/"
    ) in output


def test_missing_snippet_is_named(tmp_path):
    output = build(tmp_path, lambda docs: (docs / "snippets" / "load_weights.py").unlink())
    assert "field 'data.snippet_file': snippets/load_weights.py does not exist" in output
