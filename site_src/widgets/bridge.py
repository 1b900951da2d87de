"""The one entry point the Web Worker calls: run a widget function, answer in JSON.

Arguments arrive as JSON, results leave as JSON with ``allow_nan=False``, so a NaN
or infinity can never reach a plot: it becomes an error message instead. Widget
functions signal bad input by raising ``ValueError`` with a reader-facing message.

A widget module that names its dataset (``DATA = "linear"``) and checks it
(``columns(data)``) gets that file's columns once per worker (``load``), and every
call is given the columns its function takes by name: the page sends only the
reader's inputs.
"""

from __future__ import annotations

import importlib
import inspect
import json

DATASETS: dict[str, dict] = {}  # name -> the `data` object of docs/data/NAME.json


def _to_json(value):
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    raise TypeError(f"cannot send {type(value).__name__} to the page")


def dataset_of(module: str) -> str | None:
    """The dataset the worker should keep for a module: one it names and checks."""
    widget = importlib.import_module(module)
    return getattr(widget, "DATA", None) if hasattr(widget, "columns") else None


def load(module: str, file_json: str) -> None:
    """Keeps the columns of the module's data file, as its ``columns`` checks them."""
    widget = importlib.import_module(module)
    DATASETS[widget.DATA] = widget.columns(json.loads(file_json)["data"])


def call(module: str, function: str, arguments_json: str) -> str:
    widget = importlib.import_module(module)
    function = getattr(widget, function)
    arguments = json.loads(arguments_json)
    columns = DATASETS.get(getattr(widget, "DATA", None), {})
    for name in inspect.signature(function).parameters:
        if name not in arguments and name in columns:
            arguments[name] = columns[name]
    try:
        result = function(**arguments)
        return json.dumps({"ok": True, "result": result}, default=_to_json, allow_nan=False)
    except (ValueError, TypeError, OverflowError, ZeroDivisionError) as error:
        return json.dumps({"ok": False, "error": str(error)})
