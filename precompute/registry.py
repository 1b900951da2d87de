"""Which modules are experiments, in which order, and what each one says it does.

An experiment is a module of this package with a top-level ``run(cfg, ctx)`` and
``figures(data)``: adding the file registers it, for the command line, its
``--help``, the runner and the tests. Read from the sources without importing them,
so listing experiments never loads torch. This module is imported by no experiment,
so editing it changes no experiment's code hash.
"""

from __future__ import annotations

import ast
import importlib
from functools import cache
from pathlib import Path
from types import ModuleType

from precompute import paths

# Dependencies declared before modules could declare their own (``AFTER = (...)``):
# weights re-trains the best regularised run, so it reads regularisers.json.
KNOWN_AFTER = {"weights": ("regularisers",)}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _is_experiment(tree: ast.Module) -> bool:
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return {"run", "figures"} <= functions


def _after(tree: ast.Module) -> tuple[str, ...]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "AFTER" for t in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    return ()


@cache
def _scan(package: Path) -> dict[str, tuple[tuple[str, ...], str]]:
    """name -> (experiments it reads, first line of its docstring), unordered."""
    found = {}
    for path in sorted(package.glob("*.py")):
        tree = _tree(path)
        if _is_experiment(tree):
            after = _after(tree) or KNOWN_AFTER.get(path.stem, ())
            summary = (ast.get_docstring(tree) or path.stem).splitlines()[0]
            found[path.stem] = (after, summary)
    return found


def names(package: Path | None = None) -> list[str]:
    """Every experiment, each after the ones it reads (then alphabetically)."""
    found = _scan(package or paths.PACKAGE)
    ordered: list[str] = []
    while len(ordered) < len(found):
        ready = [
            name
            for name, (after, _) in sorted(found.items())
            if name not in ordered and all(a in ordered or a not in found for a in after)
        ]
        if not ready:
            raise ValueError(f"experiments read each other in a cycle: {sorted(found)}")
        ordered.append(ready[0])
    return ordered


def summaries(package: Path | None = None) -> dict[str, tuple[tuple[str, ...], str]]:
    found = _scan(package or paths.PACKAGE)
    return {name: found[name] for name in names(package)}


def module(name: str) -> ModuleType:
    return importlib.import_module(f"precompute.{name}")


def settings(name: str, profile: str):
    """An experiment's frozen settings: from its own ``settings(profile)`` when it has
    one (new experiments keep them in their module), else from precompute/config.py."""
    experiment = module(name)
    if hasattr(experiment, "settings"):
        return experiment.settings(profile)
    from precompute.config import configs

    return configs(profile)[name]
