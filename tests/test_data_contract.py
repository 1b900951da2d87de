"""The data contract: committed files validate; broken copies fail loudly and precisely."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from precompute import registry

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / "site_src" / "hooks"
DATA = ROOT / "docs" / "data"
NAMES = tuple(registry.names())  # every experiment writes one file of its own name

sys.path.append(str(HOOKS))  # appended: site_src/hooks/math.py must not shadow the stdlib
import data_contract  # noqa: E402
from data_contract import DataContractError  # noqa: E402


def committed(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text())


def write(tmp_path: Path, name: str, doc: dict) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(doc))
    return path


def all_numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from all_numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from all_numbers(v)
    elif isinstance(value, float | int) and not isinstance(value, bool):
        yield value


@pytest.mark.parametrize("name", NAMES)
def test_committed_file_validates(name):
    doc = data_contract.load_validated(DATA / f"{name}.json")
    assert doc["schema"] == name
    assert doc["provenance"]["profile"] == "full", "quick output must never be committed"


def test_every_data_file_has_a_schema_and_vice_versa():
    assert sorted(p.stem for p in DATA.glob("*.json")) == sorted(NAMES)
    assert data_contract.known_schemas() == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_no_nan_or_inf_in_committed_files(name):
    text = (DATA / f"{name}.json").read_text()
    for token in ("NaN", "Infinity"):
        assert token not in text
    doc = json.loads(text, parse_constant=lambda c: pytest.fail(f"{name}.json contains {c}"))
    assert all(math.isfinite(v) for v in all_numbers(doc))


def test_all_data_together_under_2_mb():
    assert sum(p.stat().st_size for p in DATA.glob("*.json")) < 2_000_000


def test_wrong_type_names_file_and_field(tmp_path, monkeypatch):
    doc = committed("overfit")
    doc["data"]["curves"]["val_loss"][3] = "abc"
    path = write(tmp_path, "overfit", doc)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataContractError) as error:
        data_contract.validate_file(path)
    assert str(error.value) == (
        "overfit.json: field 'data.curves.val_loss[3]': 'abc' is not of type 'number'"
    )


def test_missing_field_names_the_missing_key(tmp_path):
    doc = committed("regularisers")
    del doc["data"]["runs"][2]["summary"]["best_epoch"]
    path = write(tmp_path, "regularisers", doc)
    with pytest.raises(DataContractError, match=r"regularisers\.json: field "
                       r"'data\.runs\[2\]\.summary\.best_epoch': missing required field"):  # fmt: skip
        data_contract.validate_file(path)


def test_outdated_version_says_regenerate(tmp_path):
    doc = committed("linear")
    doc["version"] = 0
    path = write(tmp_path, "linear", doc)
    with pytest.raises(DataContractError) as error:
        data_contract.validate_file(path)
    message = str(error.value)
    assert message.endswith(
        "linear.json: field 'version': schema major version 0 is outdated, expected 1 "
        "— regenerate with python -m precompute"
    )


def test_newer_version_is_refused_too(tmp_path):
    doc = committed("linear")
    doc["version"] = 2
    with pytest.raises(DataContractError, match="field 'version': schema major version 2 is newer"):
        data_contract.validate_file(write(tmp_path, "linear", doc))


def test_nan_is_refused_with_its_path(tmp_path):
    doc = committed("linear")
    doc["data"]["numpy"]["w"][5] = float("nan")
    path = write(tmp_path, "linear", doc)  # json.dumps writes NaN, which JSON forbids
    with pytest.raises(DataContractError, match=r"field 'data\.numpy\.w\[5\]': NaN"):
        data_contract.validate_file(path)


def test_renamed_field_is_refused(tmp_path):
    doc = committed("overfit")
    doc["data"]["curves"]["valid_loss"] = doc["data"]["curves"].pop("val_loss")
    with pytest.raises(DataContractError, match=r"field 'data\.curves(\.val_loss)?'"):
        data_contract.validate_file(write(tmp_path, "overfit", doc))


def test_schema_must_match_file_name(tmp_path):
    with pytest.raises(DataContractError, match="does not match the file name"):
        data_contract.validate_file(write(tmp_path, "overfit", committed("linear")))


def test_unreadable_json_names_the_file(tmp_path):
    path = tmp_path / "linear.json"
    path.write_text('{"schema": "linear",')
    with pytest.raises(DataContractError, match=r"linear\.json: not valid JSON \(line 1"):
        data_contract.validate_file(path)


def test_validator_does_not_import_torch():
    code = f"import sys; sys.path.append({str(HOOKS)!r}); import data_contract, validate_data; "
    code += "assert 'torch' not in sys.modules and 'numpy' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_hook_raises_plugin_error_naming_all_broken_files(tmp_path):
    import validate_data
    from mkdocs.exceptions import PluginError

    (tmp_path / "data").mkdir()
    for name in NAMES:
        doc = committed(name)
        if name == "weights":
            doc["version"] = 0
        if name == "overfit":
            doc["data"]["best_epoch"] = "78"
        (tmp_path / "data" / f"{name}.json").write_text(json.dumps(doc))
    with pytest.raises(PluginError) as error:
        validate_data.on_pre_build({"docs_dir": str(tmp_path)})
    message = str(error.value)
    assert "weights.json: field 'version': schema major version 0 is outdated" in message
    assert "overfit.json: field 'data.best_epoch': '78' is not of type 'integer'" in message
    assert "linear.json" not in message and "regularisers.json" not in message


def build_site(tmp_path: Path, corrupt: bool) -> subprocess.CompletedProcess:
    """A minimal MkDocs site using only this hook, with the committed data (maybe broken)."""
    docs = tmp_path / "docs"
    (docs / "data").mkdir(parents=True)
    (docs / "index.md").write_text("# Data\n")
    for listed in ("downloads", "snippets"):  # weights.json's downloads are checked too
        shutil.copytree(DATA.parent / listed, docs / listed)
    for name in NAMES:
        doc = committed(name)
        if corrupt and name == "overfit":
            doc["data"]["curves"]["val_loss"][3] = "abc"
        (docs / "data" / f"{name}.json").write_text(json.dumps(doc))
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\ndocs_dir: docs\nsite_dir: site\nhooks:\n  - {HOOKS / 'validate_data.py'}\n"
    )
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )


def test_mkdocs_build_passes_with_committed_data(tmp_path):
    result = build_site(tmp_path, corrupt=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").exists()


def test_mkdocs_build_stops_on_broken_data(tmp_path):
    result = build_site(tmp_path, corrupt=True)
    assert result.returncode != 0
    assert "docs/data/overfit.json: field 'data.curves.val_loss[3]': 'abc' is not of type" in (
        result.stderr + result.stdout
    )
    assert not (tmp_path / "site" / "index.html").exists()
