"""``--check``: compare freshly generated outputs with the committed ones.

Runs give the same bits on any CPU with AVX2 (see cli.py), so the tolerance here
only absorbs rounding at export: numbers may differ by two units in the last digit
the file keeps (``config.sig_digits``) or by 10^-(digits + 2) near zero; integers,
strings and booleans must be equal. ``provenance.wall_time_s`` is ignored, and so
are checkpoints' sha256 (the page shows the hash of the committed file, which is
what the site serves): checkpoints are compared tensor by tensor instead.
Everything else (the snippet) byte by byte. Differences name file and field.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from precompute import paths

IGNORED = {("provenance", "wall_time_s"), ("data", "files", "*", "sha256")}
MAX_PER_FILE = 5  # the first few differences say enough
TENSOR_RTOL, TENSOR_ATOL = 1e-4, 1e-5  # checkpoints: float32 weights of order 0.01-1


@dataclass(frozen=True)
class Tolerance:
    rel: float
    abs: float

    @classmethod
    def for_digits(cls, digits: int) -> Tolerance:
        return cls(rel=2 * 10.0 ** (1 - digits), abs=10.0 ** -(digits + 2))

    def close(self, a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=self.rel, abs_tol=self.abs)


EXACT = Tolerance(0.0, 0.0)


def _ignored(parts: tuple) -> bool:
    return any(
        len(p) == len(parts) and all(x in ("*", y) for x, y in zip(p, parts, strict=True))
        for p in IGNORED
    )


def _field(parts: tuple) -> str:
    return paths.data_contract().field_path(parts)  # the same spelling the validator uses


def diff_values(old: Any, new: Any, parts: tuple = (), tol: Tolerance = EXACT) -> list[str]:
    if _ignored(parts):
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            if key not in new:
                out.append(f"field '{_field((*parts, key))}': only in the committed file")
            elif key not in old:
                out.append(f"field '{_field((*parts, key))}': only in the regenerated file")
            else:
                out += diff_values(old[key], new[key], (*parts, key), tol)
        return out
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"field '{_field(parts)}': length {len(old)} committed, {len(new)} regenerated"]
        return [
            d
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for d in diff_values(a, b, (*parts, i), tol)
        ]
    if type(old) is float and type(new) is float and tol.close(old, new):
        return []
    if old != new or type(old) is not type(new):
        return [f"field '{_field(parts)}': committed {old!r}, regenerated {new!r}"]
    return []


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def diff_json(old_path: Path, new_path: Path) -> list[str]:
    old, new = (json.loads(p.read_text(encoding="utf-8")) for p in (old_path, new_path))
    digits = old.get("config", {}).get("sig_digits")
    tol = Tolerance.for_digits(digits) if isinstance(digits, int) else EXACT
    return diff_values(old, new, (), tol)


def diff_checkpoints(old_path: Path, new_path: Path) -> list[str]:
    """Same tensor names, shapes and dtypes, and values within TENSOR_RTOL/ATOL."""
    old, new = (torch.load(p, weights_only=True) for p in (old_path, new_path))
    if list(old) != list(new):
        return [f"tensor names differ: {list(old)} committed, {list(new)} regenerated"]
    out = []
    for name, a in old.items():
        b = new[name]
        if a.shape != b.shape or a.dtype != b.dtype:
            out.append(f"tensor '{name}': {a.dtype}{list(a.shape)} committed, "
                       f"{b.dtype}{list(b.shape)} regenerated")  # fmt: skip
        elif not torch.allclose(a, b, rtol=TENSOR_RTOL, atol=TENSOR_ATOL):
            worst = (a - b).abs().max().item()
            out.append(f"tensor '{name}': differs by up to {worst:.3g}")
    return out


def compare(committed: Path, fresh: Path, files: list[Path], stale: bool = True) -> list[str]:
    """Problems found, as ``path: what differs`` lines; empty means identical.
    ``stale`` also reports committed files that ``files`` does not list."""
    problems = []
    for rel in files:
        old, new = committed / rel, fresh / rel
        shown = (paths.DOCS.name / rel).as_posix() if committed == paths.DOCS else str(old)
        if not old.exists():
            problems.append(f"{shown}: missing from the committed data")
        elif rel.suffix in (".json", ".pt"):
            diffs = (diff_json if rel.suffix == ".json" else diff_checkpoints)(old, new)
            extra = (
                [f"... and {len(diffs) - MAX_PER_FILE} more"] if len(diffs) > MAX_PER_FILE else []
            )
            problems += [f"{shown}: {d}" for d in diffs[:MAX_PER_FILE] + extra]
        elif old.read_bytes() != new.read_bytes():
            problems.append(
                f"{shown}: bytes differ (sha256 {_sha(old)}… committed, {_sha(new)}… regenerated)"
            )
    for folder, pattern in ((paths.DATA, "*.json"), (paths.WEIGHTS, "*.pt")) if stale else ():
        for old in sorted((committed / folder).glob(pattern)):
            if old.relative_to(committed) not in files:
                problems.append(f"{old}: committed but no longer generated (stale)")
    return problems
