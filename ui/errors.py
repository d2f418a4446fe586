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
