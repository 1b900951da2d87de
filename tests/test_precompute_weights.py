"""Checkpoints load safely into a freshly built model and reproduce the exported predictions."""

from __future__ import annotations

import hashlib
import json
import os
import runpy
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from precompute import weights
from precompute.config import WeightsConfig
from precompute.context import Tracker
from precompute.data import curve_data
from precompute.model import make_deterministic, make_mlp, predict

DOCS = Path(__file__).resolve().parents[1] / "docs"


def load(name: str) -> dict:
    return json.loads((DOCS / "data" / f"{name}.json").read_text())["data"]


@pytest.fixture(scope="module")
def files() -> list[dict]:
    return load("weights")["files"]


def expected_y_hat(entry: dict) -> list[float]:
    """What the site exported for this checkpoint's model."""
    if entry["source"] == "overfit":
        frames = load("overfit")["frames"]
        return frames["y_hat"][frames["epoch"].index(entry["epoch"])]
    reg = load("regularisers")
    return next(r for r in reg["runs"] if r["id"] == entry["source"])["y_hat"]


def test_labels_and_epochs(files):
    overfit = load("overfit")
    by_label = {f["label"]: f for f in files}
    assert list(by_label) == ["early", "best", "final", "regularised"]
    assert by_label["best"]["epoch"] == overfit["best_epoch"]
    assert by_label["final"]["epoch"] == overfit["curves"]["epoch"][-1]
    assert by_label["early"]["epoch"] < by_label["best"]["epoch"]
    assert by_label["regularised"]["source"] == load("regularisers")["converge"]["run_id"]
    assert {p.name for p in (DOCS / "downloads" / "weights").glob("*.pt")} == {
        Path(f["file"]).name for f in files
    }


def test_files_match_size_and_hash(files):
    for f in files:
        raw = (DOCS / f["file"]).read_bytes()
        assert len(raw) == f["bytes"]
        assert hashlib.sha256(raw).hexdigest() == f["sha256"]


def test_snippet_loads_weights_and_reproduces_exported_predictions(files, monkeypatch):
    grid = torch.tensor(load("overfit")["grid"]["x"], dtype=torch.float32).unsqueeze(1)
    monkeypatch.chdir(DOCS / "downloads" / "weights")  # the snippet names the file relative
    for f in files:
        assert "weights_only=True" in f["snippet"]
        namespace: dict = {}
        exec(f["snippet"], namespace)  # the exact text the site shows
        model = namespace["model"]
        assert not model.training
        y_hat = predict(model, grid)
        np.testing.assert_allclose(y_hat, expected_y_hat(f), rtol=1e-4, atol=1e-5)


def test_snippet_embeds_the_current_model_source(files):
    for f in files:
        assert weights.model_source() in f["snippet"]


def test_example_file_runs(monkeypatch, capsys):
    meta = load("weights")
    monkeypatch.chdir(DOCS / "downloads" / "weights")
    runpy.run_path(str(DOCS / meta["snippet_file"]), run_name="__main__")
    assert "tensor(" in capsys.readouterr().out


def test_checkpoint_is_plain_tensors():
    path = next((DOCS / "downloads" / "weights").glob("*.pt"))
    state = torch.load(path, weights_only=True)
    assert all(isinstance(v, torch.Tensor) and v.dtype == torch.float32 for v in state.values())
    assert len(state) == 12  # 6 nn.Linear layers: weight and bias each


def test_saved_weights_reproduce_the_in_memory_model_exactly(tmp_path):
    """Save, load with weights_only=True into a fresh model: bit-identical predictions."""
    make_deterministic()
    cfg = replace(WeightsConfig(), epochs=80)
    reg = {"id": "r", "early_stopping": True, "weight_decay": 1e-3, "dropout": 0.2, "patience": 5}
    x = torch.linspace(-1.2, 1.2, 301).unsqueeze(1)
    for c in weights.checkpoints(cfg, reg, Tracker()):
        model = make_mlp(cfg.hidden_layers, cfg.width, cfg.activation, c["dropout"])
        model.load_state_dict(c["state"])
        path = tmp_path / f"{c['label']}.pt"
        torch.save(c["state"], path)
        fresh = make_mlp(cfg.hidden_layers, cfg.width, cfg.activation, c["dropout"])
        fresh.load_state_dict(torch.load(path, weights_only=True))
        assert torch.equal(torch.from_numpy(predict(fresh, x)), torch.from_numpy(predict(model, x)))


def test_torch_save_is_byte_deterministic(tmp_path):
    state = make_mlp().state_dict()
    a, b = tmp_path / "a" / "m.pt", tmp_path / "b" / "m.pt"
    for path in (a, b):
        os.makedirs(path.parent)
        torch.save(state, path)
    assert a.read_bytes() == b.read_bytes()


def test_checkpoints_reload_to_the_exported_losses(files):
    """Rebuilt from the download as a reader would, each model scores what the data says."""
    d = curve_data(WeightsConfig())
    overfit, reg = load("overfit"), load("regularisers")
    as_float32 = lambda a: torch.tensor(a, dtype=torch.float32).unsqueeze(1)  # noqa: E731
    for f in files:
        model = make_mlp(**f["config"])  # float32, as readers build it
        model.load_state_dict(torch.load(DOCS / f["file"], weights_only=True))
        val = ((predict(model, as_float32(d.x_val)) - d.y_val) ** 2).mean()
        if f["source"] == "overfit":
            expected = overfit["curves"]["val_loss"][f["epoch"]]
        else:
            summary = next(r for r in reg["runs"] if r["id"] == f["source"])["summary"]
            expected = summary["val_loss"]
            test = ((predict(model, as_float32(d.x_test)) - d.y_test) ** 2).mean()
            assert test == pytest.approx(summary["test_loss"], rel=1e-4)
        assert val == pytest.approx(expected, rel=1e-4), f["file"]
