"""The one entry point the Web Worker calls: run a widget function, answer in JSON.

Arguments arrive as JSON, results leave as JSON with ``allow_nan=False``, so a NaN
or infinity can never reach a plot: it becomes an error message instead. Widget
functions signal bad input by raising ``ValueError`` with a reader-facing message.
"""

from __future__ import annotations

import importlib
import json


def _to_json(value):
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    raise TypeError(f"cannot send {type(value).__name__} to the page")


def call(module: str, function: str, arguments_json: str) -> str:
    function = getattr(importlib.import_module(module), function)
    try:
        result = function(**json.loads(arguments_json))
        return json.dumps({"ok": True, "result": result}, default=_to_json, allow_nan=False)
    except (ValueError, TypeError, OverflowError, ZeroDivisionError) as error:
        return json.dumps({"ok": False, "error": str(error)})
