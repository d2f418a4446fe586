"""Values from a config written into generated code: only plain data, as Python literals (repr of a checked str,
int, float, bool or list of str), so no name or number a visitor typed can become a statement
(tests/test_hostile.py checks this with `ast`)."""

from __future__ import annotations

from core.messages import UserError


def lit(value) -> str:
    """A value from a config as a Python literal: only plain data, so the text can never be code."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return repr(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return repr([str(v) for v in value])
    raise UserError("{value!r} cannot be written into a script: use text, a number or true/false", value=value)
