"""One decorator turns what core refuses into a message on the page, in the visitor's language.

core raises UserError (a ValueError) naming the fix; `@shows_errors` turns it into a gr.Error, written as text:
Gradio renders an error toast as HTML, and a message may quote the visitor's own input (a file name, a column),
which must never become markup. Anything else is a bug: it is logged with its traceback and the visitor reads
that something went wrong on the server, without the exception's text (it may name server paths).
"""

from __future__ import annotations

import functools
import html
import logging

import gradio as gr

from ui.i18n import local, msg

log = logging.getLogger(__name__)



def as_text(message: str) -> str:
    """A message safe to show where Gradio renders HTML: every <, > and & shown as itself."""
    return html.escape(message, quote=False)


def error(message: str) -> gr.Error:
    """A gr.Error whose text is shown as text."""
    return gr.Error(as_text(message))


def shows_errors(fn):
    """Wrap a handler: UserError and other ValueErrors become a gr.Error in the visitor's language."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except ValueError as err:
            raise error(local(err)) from err
        except Exception as err:  # noqa: BLE001 - a bug must not show its text (paths) nor take the page down
            log.exception("handler %s failed", getattr(fn, "__name__", fn))
            raise error(msg("err.internal", kind=type(err).__name__)) from err
    return wrapper


def toasts_errors(fn):
    """Wrap a page-only handler: a refusal or failure is one toast and every output keeps what it showed.

    A gr.Error makes Gradio cover each output of the event with a red "Error" badge (the run picker after a
    refused delete, the status line after a refused stop), so the message goes to a warning toast instead and
    the handler returns gr.skip(). Only for events that end their chain (a .success after it would still run)
    and are not API endpoints (a client must still receive the error).
    """
    checked = shows_errors(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return checked(*args, **kwargs)
        except gr.Error as err:
            gr.Warning(err.message, title=msg("err.title"))  # already escaped by error()
            return gr.skip()
    return wrapper


def keeps_outputs(trigger, fn, inputs, outputs: list, **kwargs):
    """Wire fn on trigger (a listener such as `button.click`, or `event.success` for a chain's next step) so that a
    refusal is one toast, stops the chain, and leaves every output as it was.

    Gradio covers each output of a failed event with a red "Error" badge (also those named in show_progress_on).
    Here fn runs in an event whose one output is a hidden gr.State (nothing is drawn for it, so nothing is badged);
    a second event (.success: only when fn answered) puts the answer on them. Returns that second event, so the
    chain goes on with .success. fn returns one value, or a dict keyed by some of `outputs`.
    """
    outputs, answer, checked = list(outputs), gr.State(), shows_errors(fn)

    @functools.wraps(fn)  # Gradio reads fn's signature (gr.Request) through __wrapped__
    def answered(*args, **kw):
        result = checked(*args, **kw)
        if isinstance(result, dict):
            return [result.get(component, gr.skip()) for component in outputs]
        return [result]

    def shown(values: list):
        return values[0] if len(outputs) == 1 else tuple(values)

    computed = trigger(answered, inputs, answer, **kwargs)
    return computed.success(shown, answer, outputs, api_visibility="private", show_progress="hidden")
