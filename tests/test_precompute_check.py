"""``python -m precompute --check``: the committed data is exactly what the code produces."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_check_passes_on_committed_data():
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "precompute", "--check", "--no-progress"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stderr[-3000:]
    assert "identical to a fresh run" in result.stderr
    assert seconds < 240, f"--check took {seconds:.0f} s"
