"""Bind a tab's components to its handlers, keeping what Gradio reads from a handler.

Handlers take their tab's dataclass first and return a dict keyed by its components. functools.partial would do
the binding but hides the function's annotations, and Gradio reads them to pass gr.Request, gr.OAuthProfile and
gr.OAuthToken; `bind` keeps the name, the docstring, the annotations and the signature (minus the tab).
A handler that changes nothing returns {}: Gradio would read an empty dict as one value (and refuse it for an event
with several outputs, a red "Error" on the page), so `bind` hands Gradio its skip() instead.
"""

from __future__ import annotations

import functools
import inspect

import gradio as gr


def bind(fn, tab):
    """fn(tab, *args, **kwargs) as a handler of the remaining parameters."""
    @functools.wraps(fn)
    def bound(*args, **kwargs):
        result = fn(tab, *args, **kwargs)
        return gr.skip() if isinstance(result, dict) and not result else result

    signature = inspect.signature(fn)
    first, *rest = signature.parameters.values()
    bound.__signature__ = signature.replace(parameters=rest)
    bound.__annotations__ = {k: v for k, v in getattr(fn, "__annotations__", {}).items() if k != first.name}
    return bound
