"""The asset step verifies the numpy wheel against the official Pyodide lock."""

from __future__ import annotations

import shutil

import pytest

from site_src.build import vendor


@pytest.fixture
def cached_wheel():
    wheel = vendor.DEFAULT_CACHE / vendor.NUMPY_WHEEL
    if not wheel.exists():
        pytest.fail("run `make assets` first: the numpy wheel is not cached")
    return wheel


def test_cached_wheel_matches_official_lock(cached_wheel):
    assert vendor.sha256_of(cached_wheel) == vendor.official_numpy_sha256()
    assert vendor.official_numpy_sha256().startswith("ebb61241d962b98b")


def test_tampered_wheel_is_refused_offline(tmp_path, cached_wheel, capsys):
    tampered = tmp_path / vendor.NUMPY_WHEEL
    shutil.copy2(cached_wheel, tampered)
    with tampered.open("r+b") as handle:  # flip one byte in the middle
        handle.seek(tampered.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0xFF]))
    assert vendor.main(["--offline", "--cache-dir", str(tmp_path)]) == 1
    message = capsys.readouterr().err
    assert "REFUSED" in message and vendor.NUMPY_WHEEL in message
    assert "does not match the official Pyodide" in message


def test_site_lock_lists_only_what_ships(tmp_path):
    target = tmp_path / "pyodide-lock.json"
    vendor.write_site_lock(target)
    import json

    lock = json.loads(target.read_text())
    assert set(lock["packages"]) == {"numpy"}
    assert lock["info"]["version"] == vendor.PYODIDE_VERSION
