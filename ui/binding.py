"""Bind a tab's components to its handlers, keeping what Gradio reads from a handler.

Handlers take their tab's dataclass first and return a dict keyed by its components. functools.partial would do
the binding but hides the function's annotations, and Gradio reads them to pass gr.Request, gr.OAuthProfile and
gr.OAuthToken; `bind` keeps the name, the docstring, the annotations and the signature (minus the tab).
"""

from __future__ import annotations

import functools
import inspect


def bind(fn, tab):
    """fn(tab, *args, **kwargs) as a handler of the remaining parameters."""
    @functools.wraps(fn)
    def bound(*args, **kwargs):
        return fn(tab, *args, **kwargs)

    signature = inspect.signature(fn)
    first, *rest = signature.parameters.values()
    bound.__signature__ = signature.replace(parameters=rest)
    bound.__annotations__ = {k: v for k, v in getattr(fn, "__annotations__", {}).items() if k != first.name}
    return bound
