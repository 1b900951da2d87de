"""Build and execute the chapter's notebooks: ``python -m precompute.notebooks``.

Writes docs/notebooks/NAME.ipynb with outputs. A notebook whose cells are
unchanged (same input hash in its metadata) is not executed again; ``--force``
re-executes all; ``--check`` only verifies that the committed cells are current.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from .linear import numpy_notebook, torch_notebook
from .regularisers import regularisers_notebook
from .sections import ROOT

OUT = ROOT / "docs" / "notebooks"
NOTEBOOKS: dict[str, Callable] = {
    "numpy-training-loop": numpy_notebook,
    "pytorch-training-loop": torch_notebook,
    "overfitting-and-regularisers": regularisers_notebook,
}
TIMEOUT = 300  # per cell, seconds: generous, the whole notebook takes seconds


def input_hash(nb) -> str:
    """sha256 of the notebook as built, before execution (cells + metadata)."""
    return hashlib.sha256(nbformat.writes(nb).encode()).hexdigest()


def committed_hash(path: Path) -> str | None:
    if not path.exists():
        return None
    return nbformat.read(path, as_version=4).metadata.get("wtwm", {}).get("input_hash")


def execute(nb) -> float:
    """Run every cell top to bottom on a fresh kernel, in an empty folder; returns seconds."""
    with tempfile.TemporaryDirectory() as folder:
        # IPC (Unix sockets in the temp folder) rather than TCP: nothing listens on a port.
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(folder) / "kernel"))
        client = NotebookClient(nb, km=km, timeout=TIMEOUT, record_timing=False,
                                resources={"metadata": {"path": folder}})  # fmt: skip
        # One torch thread, as precompute runs (1 or 2 give the same bits, cli.py):
        # two threads waiting on each other beside other CPU-bound work made the
        # regularisers notebook run for minutes instead of seconds.
        env = {**os.environ, "OMP_NUM_THREADS": "1"}
        started = time.perf_counter()
        try:
            client.execute(env=env)
        finally:
            if km.has_kernel:  # a kernel manager we made is ours to stop
                km.shutdown_kernel(now=True)
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m precompute.notebooks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--force", action="store_true", help="execute even if cells are unchanged")
    parser.add_argument("--check", action="store_true", help="fail if a notebook is out of date")
    parser.add_argument("--only", choices=sorted(NOTEBOOKS), help="build one notebook")
    args = parser.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    stale = []
    for name, build in NOTEBOOKS.items():
        if args.only and name != args.only:
            continue
        nb = build()
        digest = input_hash(nb)
        path = OUT / f"{name}.ipynb"
        if committed_hash(path) == digest and not args.force:
            print(f"notebooks: {name:30s} unchanged")
            continue
        if args.check:
            stale.append(name)
            continue
        seconds = execute(nb)
        nb.metadata["wtwm"] = {"generated_by": "python -m precompute.notebooks",
                               "input_hash": digest}  # fmt: skip
        nbformat.validate(nb)
        nbformat.write(nb, path)
        print(f"notebooks: {name:30s} executed in {seconds:5.1f} s, "
              f"{path.stat().st_size / 1024:.0f} KB")  # fmt: skip
    if stale:
        print(f"notebooks out of date: {', '.join(stale)} (run python -m precompute.notebooks)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
