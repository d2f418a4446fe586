"""English and Simplified Chinese strings (CONTRIBUTING.md, "UI": every tab uses this).

Static labels use Gradio's I18n (`t(key)`): the browser translates them by its language, and Gradio's
settings panel in the page footer switches it. Messages made at run time use `msg(key, request)`,
which reads the visitor's Accept-Language (of the request being served when none is passed). Each tab
registers its own strings with `register`. core's messages (errors, notes, a job's failure reason) are
English text with a Chinese catalogue (core/messages.py): `local(text_or_error)` shows them in the
visitor's language.
"""

from __future__ import annotations

import gradio as gr
from gradio.context import LocalContext
from gradio.i18n import I18nData

from core.messages import localize

EN: dict[str, str] = {}
ZH: dict[str, str] = {}


def register(en: dict[str, str], zh: dict[str, str]) -> None:
    """Add a tab's strings; both languages must define the same keys."""
    missing = set(en) ^ set(zh)
    if missing:
        raise KeyError(f"i18n keys missing in one language: {sorted(missing)}")
    EN.update(en)
    ZH.update(zh)


def t(key: str) -> I18nData:
    """A translatable static label (translated in the browser)."""
    if key not in EN:
        raise KeyError(f"unknown i18n key {key!r}: add it with register()")
    return I18nData(key)


def current_request() -> gr.Request | None:
    """The request Gradio is serving in this thread (None outside an event handler)."""
    return LocalContext.request.get(None)


def lang_of(request: gr.Request | None = None) -> str:
    """'zh' when the visitor's browser prefers Chinese, else 'en'."""
    if request is None:
        request = current_request()
    if request is None or getattr(request, "headers", None) is None:
        return "en"
    accept = (request.headers.get("accept-language") or "").lower()
    first = accept.split(",")[0].strip()
    return "zh" if first.startswith("zh") else "en"


def msg(key: str, request: gr.Request | None = None, **fmt) -> str:
    """A run-time message in the visitor's language."""
    return msg_in(lang_of(request), key, **fmt)


def msg_in(lang: str, key: str, **fmt) -> str:
    """A message in a given language ('en' or 'zh'), e.g. for a line known when the app is built."""
    table = ZH if lang == "zh" else EN
    return table.get(key, EN.get(key, key)).format(**fmt)


def local(message, request: gr.Request | None = None) -> str:
    """A message from core (an exception or its text) in the visitor's language."""
    return localize(message, lang_of(request))


def build_i18n() -> gr.I18n:
    """The I18n object for launch(); zh-CN/zh-TW browsers fall back to 'zh'."""
    return gr.I18n(en=dict(EN), zh=dict(ZH), **{"zh-CN": dict(ZH)})
