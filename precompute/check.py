"""``--check``: compare freshly generated outputs with the committed ones.

JSON files are compared value by value, ignoring ``provenance.wall_time_s``
(the only volatile field); everything else (checkpoints, the snippet) byte by
byte. Differences are reported by file and field path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from precompute import paths

IGNORED = {("provenance", "wall_time_s")}
MAX_PER_FILE = 5  # the first few differences say enough


def _field(parts: tuple) -> str:
    return paths.data_contract().field_path(parts)  # the same spelling the validator uses


def diff_values(old: Any, new: Any, parts: tuple = ()) -> list[str]:
    if parts in IGNORED:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            if key not in new:
                out.append(f"field '{_field((*parts, key))}': only in the committed file")
            elif key not in old:
                out.append(f"field '{_field((*parts, key))}': only in the regenerated file")
            else:
                out += diff_values(old[key], new[key], (*parts, key))
        return out
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"field '{_field(parts)}': length {len(old)} committed, {len(new)} regenerated"]
        return [
            d
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for d in diff_values(a, b, (*parts, i))
        ]
    if old != new or type(old) is not type(new):
        return [f"field '{_field(parts)}': committed {old!r}, regenerated {new!r}"]
    return []


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def compare(committed: Path, fresh: Path, files: list[Path]) -> list[str]:
    """Problems found, as ``path: what differs`` lines; empty means identical."""
    problems = []
    for rel in files:
        old, new = committed / rel, fresh / rel
        shown = (paths.DOCS.name / rel).as_posix() if committed == paths.DOCS else str(old)
        if not old.exists():
            problems.append(f"{shown}: missing from the committed data")
        elif rel.suffix == ".json":
            diffs = diff_values(json.loads(old.read_text()), json.loads(new.read_text()))
            extra = (
                [f"... and {len(diffs) - MAX_PER_FILE} more"] if len(diffs) > MAX_PER_FILE else []
            )
            problems += [f"{shown}: {d}" for d in diffs[:MAX_PER_FILE] + extra]
        elif old.read_bytes() != new.read_bytes():
            problems.append(
                f"{shown}: bytes differ (sha256 {_sha(old)}… committed, {_sha(new)}… regenerated)"
            )
    for folder, pattern in ((paths.DATA, "*.json"), (paths.WEIGHTS, "*.pt")):
        for old in sorted((committed / folder).glob(pattern)):
            if old.relative_to(committed) not in files:
                problems.append(f"{old}: committed but no longer generated (stale)")
    return problems
