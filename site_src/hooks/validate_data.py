"""MkDocs hook: refuse to build with a data file that breaks its schema.

Registered in mkdocs.yml (``hooks: - site_src/hooks/validate_data.py``). A page
that charts a malformed or outdated file would fail silently in the reader's
browser; failing the build names the file and field instead. The schemas are
published with the site (data/schemas/), so the page checks what it loads too.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

# MkDocs loads hooks by file path, not as a package: make the sibling importable.
# Appended, not prepended: a sibling hook is named math.py and must not shadow the stdlib.
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.append(HERE)

import data_contract  # noqa: E402


def on_pre_build(config) -> None:
    """Validate every docs/data/*.json; report all broken files at once."""
    data_dir = Path(config["docs_dir"]) / "data"
    problems = []
    for path in sorted(data_dir.glob("*.json")):
        try:
            data_contract.validate_file(path, docs_dir=config["docs_dir"])
        except data_contract.DataContractError as error:
            problems.append(str(error))
    if problems:
        raise PluginError("Data contract broken:\n" + "\n".join(problems))


def on_files(files, config):
    """Publish the schemas, for lib/data.js."""
    for schema in sorted(data_contract.SCHEMA_DIR.glob("*.schema.json")):
        files.append(
            File.generated(config, f"data/schemas/{schema.name}", abs_src_path=str(schema))
        )
    return files
