"""The data contract: every ``docs/data/*.json`` file against its JSON Schema.

Pure Python + jsonschema (no torch), so the site build, the tests and
``precompute`` all check files the same way. Errors name the file and the field
path (``data.val_loss[3]``) because "validation failed" alone sends people
searching through a 500 KB file.

Two keywords of our own check what one field's schema cannot:

- ``"x-same-length": [["epoch", "train_loss", "val_loss"]]`` on an object: those
  of its fields that are present are parallel arrays (columns of one table) and
  must have equal lengths; the longer or shorter one is named.
- ``"x-download": {"path": "file", "bytes": "bytes", "sha256": "sha256"}`` on an
  object: its ``path`` field names a file relative to ``docs/`` that must exist,
  with that size and hash (readers verify their download against them). Checked
  only when the docs folder is given (the build does; a lone file has none).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
SHARED = "envelope"  # definitions every data schema refers to; not a data file itself
REGENERATE = "regenerate with python -m precompute"
MAX_MESSAGE = 200  # jsonschema repeats the offending value; a 200-number array helps nobody


class DataContractError(ValueError):
    """A data file does not match its schema. The message names file and field."""


def known_schemas() -> list[str]:
    names = (p.name.removesuffix(".schema.json") for p in SCHEMA_DIR.glob("*.schema.json"))
    return sorted(n for n in names if n != SHARED)


@cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


def _same_length(validator, groups, instance, schema) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for names in groups:
        columns = [name for name in names if isinstance(instance.get(name), list)]
        for name in columns[1:]:
            first, length = columns[0], len(instance[columns[0]])
            if len(instance[name]) != length:
                message = f"{len(instance[name])} entries, but '{first}' beside it has {length}"
                yield ValidationError(message, path=[name])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _download_keyword(docs_dir: str | None):
    def check(validator, spec, instance, schema) -> Iterator[ValidationError]:
        relative = instance.get(spec["path"]) if isinstance(instance, dict) else None
        if docs_dir is None or not isinstance(relative, str):
            return
        path = Path(docs_dir) / relative
        if not path.is_file():
            yield ValidationError(f"{relative} does not exist in docs/", path=[spec["path"]])
            return
        size, stated = path.stat().st_size, instance.get(spec.get("bytes"))
        if "bytes" in spec and stated != size:
            yield ValidationError(
                f"says {stated} bytes; {relative} has {size}", path=[spec["bytes"]]
            )
        digest, stated = _sha256(path), instance.get(spec.get("sha256"))
        if "sha256" in spec and stated != digest:
            message = f"says {stated}; {relative} has sha256 {digest}"
            yield ValidationError(message, path=[spec["sha256"]])

    return check


@cache
def _validator(name: str, docs_dir: str | None = None) -> Draft202012Validator:
    schema = _registry().contents(f"{name}.schema.json")
    keywords = {"x-same-length": _same_length, "x-download": _download_keyword(docs_dir)}
    return validators.extend(Draft202012Validator, keywords)(schema, registry=_registry())


def expected_version(name: str) -> int:
    return _registry().contents(f"{name}.schema.json")["properties"]["version"]["const"]


def field_path(parts: Any) -> str:
    """``['data', 'val_loss', 3]`` -> ``data.val_loss[3]``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


def _display(source: str | Path) -> str:
    """Paths relative to the working directory read like ``docs/data/x.json``."""
    path = Path(source)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(source)


def _fail(source: str | Path, field: str, message: str) -> DataContractError:
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    return DataContractError(f"{_display(source)}: field '{field}': {message}")


def _describe(error: ValidationError) -> tuple[str, str]:
    parts = list(error.absolute_path)
    if error.validator == "required":
        # jsonschema reports a missing key at its parent; point at the key itself.
        missing = error.message.split("'")[1]
        return field_path([*parts, missing]), "missing required field"
    return field_path(parts), error.message


def _non_finite(value: Any, parts: list) -> list | None:
    """Path to the first NaN/Infinity (Python's json accepts them; JSON does not)."""
    if isinstance(value, float) and not math.isfinite(value):
        return parts
    if isinstance(value, dict | list):
        children = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in children:
            found = _non_finite(child, [*parts, key])
            if found is not None:
                return found
    return None


def _check_header(doc: Any, source: str | Path) -> str:
    """Schema name and major version first: a clear message beats 40 field errors."""
    if not isinstance(doc, dict):
        raise _fail(source, "(root)", "expected a JSON object")
    name = doc.get("schema")
    if name is None:
        raise _fail(source, "schema", "missing required field")
    if name not in known_schemas():
        raise _fail(source, "schema", f"unknown schema {name!r}; known: {known_schemas()}")
    stem = Path(source).name.removesuffix(".json")
    if Path(source).suffix == ".json" and stem != name:
        raise _fail(source, "schema", f"{name!r} does not match the file name {stem!r}")
    version, expected = doc.get("version"), expected_version(name)
    if isinstance(version, int) and not isinstance(version, bool) and version != expected:
        if version < expected:
            message = f"schema major version {version} is outdated, expected {expected}"
            raise _fail(source, "version", f"{message} — {REGENERATE}")
        message = f"schema major version {version} is newer than this site reads ({expected})"
        raise _fail(source, "version", f"{message} — update the site")
    return name


def validate_document(doc: Any, source: str | Path, docs_dir: str | Path | None = None) -> None:
    """Raise DataContractError if ``doc`` (already parsed) breaks its schema; with
    ``docs_dir``, the files it lists for download are checked too."""
    name = _check_header(doc, source)
    bad = _non_finite(doc, [])
    if bad is not None:
        raise _fail(source, field_path(bad), "NaN/Infinity is not allowed in JSON data")
    folder = None if docs_dir is None else str(docs_dir)
    error = best_match(_validator(name, folder).iter_errors(doc))
    if error is not None:
        raise _fail(source, *_describe(error))


def load_validated(path: str | Path, docs_dir: str | Path | None = None) -> dict:
    """Read, parse and validate one data file; return the document."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise DataContractError(f"{_display(path)}: cannot read: {error.strerror}") from error
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise DataContractError(
            f"{_display(path)}: not valid JSON ({where}): {error.msg}"
        ) from error
    validate_document(doc, path, docs_dir)
    return doc


def validate_file(path: str | Path, docs_dir: str | Path | None = None) -> None:
    """Raise DataContractError naming file and field if ``path`` breaks the contract."""
    load_validated(path, docs_dir)
