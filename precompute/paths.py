"""Where everything lives, in one place (so every output is traceable to its writer)."""

from __future__ import annotations

import ast
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


def _imports(path: Path) -> set[str]:
    """Names of the precompute modules a source file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "precompute":
                names |= {alias.name for alias in node.names}
            elif node.module.startswith("precompute."):
                names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names |= {a.name.split(".")[1] for a in node.names if a.name.startswith("precompute.")}
    return {name for name in names if (PACKAGE / f"{name}.py").exists()}


def source_files(experiment: str) -> list[Path]:
    """The sources whose hash decides whether an experiment's outputs are still valid:
    its module and every precompute module it imports, directly or not. A new
    experiment's file leaves the others' data current."""
    seen, todo = set(), [experiment]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += _imports(PACKAGE / f"{name}.py")
    return sorted(PACKAGE / f"{name}.py" for name in seen)


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
