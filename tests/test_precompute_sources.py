"""Each experiment's code hash covers the code it runs, and only that."""

from __future__ import annotations

import shutil

from precompute import paths, registry, writer


def test_a_new_module_or_an_unrelated_edit_leaves_other_hashes_alone(tmp_path, monkeypatch):
    copy = tmp_path / "precompute"
    shutil.copytree(paths.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    names = registry.names()
    before = {name: writer.code_hash(name) for name in names}
    monkeypatch.setattr(paths, "PACKAGE", copy)
    assert {name: writer.code_hash(name) for name in names} == before  # same bytes, same hash

    (copy / "new_experiment.py").write_text("from precompute import curve\n")
    assert {name: writer.code_hash(name) for name in names} == before

    with (copy / "model.py").open("a") as f:  # the network: not used by the line fit
        f.write("\n# an edit\n")
    after = {name: writer.code_hash(name) for name in names}
    assert after["linear"] == before["linear"]
    assert all(after[name] != before[name] for name in ("overfit", "regularisers", "weights"))


def test_sources_follow_imports_transitively():
    overfit = {p.name for p in paths.source_files("overfit")}
    # overfit imports curve, which imports model and data: all three count
    assert {"overfit.py", "curve.py", "model.py", "data.py", "writer.py"} <= overfit
    assert "regularisers.py" not in overfit and "runner.py" not in overfit
