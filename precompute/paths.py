"""Where everything lives, in one place (so every output is traceable to its writer)."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "precompute"
DOCS = REPO / "docs"  # the committed outputs live under here
HOOKS = REPO / "site_src" / "hooks"

# Relative to an output root (docs/ for committed data, a temp dir for --quick):
DATA = Path("data")
WEIGHTS = Path("downloads") / "weights"
SNIPPETS = Path("snippets")


def data_file(root: Path, name: str) -> Path:
    return root / DATA / f"{name}.json"


def source_files() -> list[Path]:
    """The sources whose hash decides whether cached outputs are still valid."""
    return sorted(PACKAGE.glob("*.py"))


@cache
def data_contract() -> ModuleType:
    """The site's validator (site_src/hooks/data_contract.py): schemas live in one place."""
    if "data_contract" in sys.modules:  # already imported by the MkDocs hook or a test
        return sys.modules["data_contract"]
    spec = importlib.util.spec_from_file_location("data_contract", HOOKS / "data_contract.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["data_contract"] = module
    spec.loader.exec_module(module)
    return module
