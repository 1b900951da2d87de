"""``python -m precompute --check``: the committed data is what the code produces,
on this CPU, within the tolerance precompute/check.py states (the data was made on
another machine; test_precompute_quick runs the same comparison across kernel
paths and thread counts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_check_passes_on_committed_data():
    result = subprocess.run(
        [sys.executable, "-m", "precompute", "--check", "--no-progress"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,  # a hang fails the test instead of the whole run; it takes minutes
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "agree with a fresh run" in result.stderr
