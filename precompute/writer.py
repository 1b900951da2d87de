"""The one module that writes JSON: envelope, rounding, validation, hashes.

Every file is ``{schema, version, produced_by, config, provenance, data}`` and
is validated against site_src/schemas before it touches the disk.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import math
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from precompute import paths


@dataclass
class Result:
    """What an experiment hands back: the ``data`` block and any other files it wrote."""

    data: dict
    files: list[Path] = field(default_factory=list)  # non-JSON outputs (checkpoints, snippet)


def round_sig(value: float, digits: int) -> float:
    """Significant digits, not decimals: losses on log axes need relative precision."""
    if not math.isfinite(value):
        raise ValueError(f"refusing to export non-finite value {value}")
    return float(f"{value:.{digits}g}")


def jsonable(obj: Any, digits: int) -> Any:
    """Arrays to lists, floats rounded; dict order kept so columns read naturally."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v, digits) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [jsonable(v, digits) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return round_sig(float(obj), digits)
    if obj is None or isinstance(obj, str):
        return obj
    raise TypeError(f"cannot export {type(obj).__name__}")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_hash(experiment: str) -> str:
    """sha256 over the experiment's sources (names and contents): see paths.source_files."""
    h = hashlib.sha256()
    for path in paths.source_files(experiment):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def input_hash(name: str, cfg: Any, profile: str, extra: dict | None = None) -> str:
    """Everything an output depends on: config, code, profile, upstream files."""
    inputs = {
        "config": dataclasses.asdict(cfg),
        "code_hash": code_hash(name),
        "profile": profile,
        "extra": extra or {},
    }
    return sha256_bytes(json.dumps(inputs, sort_keys=True).encode())


def provenance(name: str, cfg: Any, profile: str, inputs: str, wall_time_s: float) -> dict:
    return {
        "seed": cfg.seed,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": ".".join(platform.python_version_tuple()[:2]),
        "code_hash": code_hash(name),
        "input_hash": inputs,
        "profile": profile,
        "wall_time_s": round(wall_time_s, 2),  # the only volatile field
    }


def dumps(doc: dict) -> str:
    # Compact: the files are generated, never hand-edited, and ship to browsers.
    return json.dumps(doc, allow_nan=False, ensure_ascii=False, separators=(",", ":")) + "\n"


def write(path: Path, name: str, cfg: Any, data: dict, prov: dict) -> Path:
    """Wrap ``data`` in the envelope, round, validate, then write."""
    contract = paths.data_contract()
    doc = {
        "schema": name,
        "version": contract.expected_version(name),
        "produced_by": f"precompute/{name}.py",
        "config": jsonable(dataclasses.asdict(cfg), 17),  # settings exactly as run
        "provenance": prov,
        "data": jsonable(data, cfg.sig_digits),
    }
    contract.validate_document(doc, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(doc), encoding="utf-8")
    return path


def sizes(path: Path) -> tuple[int, int]:
    """Raw and gzip-compressed size in bytes (static hosts serve gzip)."""
    raw = path.read_bytes()
    return len(raw), len(gzip.compress(raw, mtime=0))
