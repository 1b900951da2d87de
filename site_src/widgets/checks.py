"""Input checks shared by the widget modules: one message style for every field.

The worker loads this module at boot, beside bridge.py, so widget modules can
import it in Pyodide exactly as they do in CPython.
"""

from __future__ import annotations

import math


def check_number(name: str, value, low: float, high: float) -> float:
    """The value as a float, or a ValueError that tells the reader what is wrong."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        shown = "empty" if value is None else repr(value)
        shown = f"the text {value!r}" if isinstance(value, str) else shown
        raise ValueError(f"{name} must be a number, not {shown}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:g} and {high:g}, not {value:g}")
    return value
