"""English and Simplified Chinese strings (read CONTRIBUTING.md: every tab uses this).

Static labels use Gradio's I18n (`t(key)`): the browser translates them by its language, and Gradio's
settings panel in the page footer switches it. Messages made at run time use `msg(key, request)`,
which reads the visitor's Accept-Language (of the request being served when none is passed). The words
live in strings modules, one per tab folder (ui/<tab>/strings.py) and one for the shared helpers
(ui/strings.py), each key with its languages side by side; this module gathers them when it is first
imported. core's messages (errors, notes, a job's failure reason) are English text with a Chinese
catalogue (core/messages.py): `local(text_or_error)` shows them in the visitor's language.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import gradio as gr
from gradio.context import LocalContext
from gradio.i18n import I18nData

from core.messages import localize

LANGS = ("en", "zh")
Strings = dict[str, dict[str, str]]  # key -> {"en": text, "zh": text}

SOURCE: Strings = {}  # every key as added, its placeholders unfilled (see fill)
EN: dict[str, str] = {}
ZH: dict[str, str] = {}


def add(strings: Strings) -> None:
    """Add strings given side by side; a key whose languages are not exactly LANGS, or with an empty text, is
    refused: a missing translation fails at start-up (and in tests/test_i18n.py), never falls back silently."""
    wrong = {key: sorted(set(LANGS) ^ {lang for lang, text in texts.items() if text and text.strip()})
             for key, texts in strings.items()}
    wrong = {key: langs for key, langs in wrong.items() if langs}
    if wrong:
        raise KeyError(f"i18n keys missing (or naming an unknown) language: {wrong}")
    SOURCE.update(strings)
    for key, texts in strings.items():
        EN[key], ZH[key] = texts["en"], texts["zh"]


def register(en: dict[str, str], zh: dict[str, str]) -> None:
    """Add strings given as one dict per language (texts known only when the app is built, as the device line)."""
    add({key: {"en": en.get(key, ""), "zh": zh.get(key, "")} for key in {**en, **zh}})


def fill(key: str, **fields) -> None:
    """Fill a static label's placeholders (a tab's number, known from the tab list) in every language."""
    EN[key], ZH[key] = (SOURCE[key][lang].format(**fields) for lang in LANGS)


def strings_modules() -> list[str]:
    """ui/strings.py and the strings module of every folder of ui that has one (a tab's)."""
    folders = sorted(path.parent.name for path in Path(__file__).resolve().parent.glob("*/strings.py"))
    return ["ui.strings", *(f"ui.{name}.strings" for name in folders)]


def _gather() -> None:
    """Add every strings module's STRINGS (found by name, so a new tab's folder needs no line here)."""
    for name in strings_modules():
        add(importlib.import_module(name).STRINGS)


def t(key: str) -> I18nData:
    """A translatable static label (translated in the browser)."""
    if key not in EN:
        raise KeyError(f"unknown i18n key {key!r}: add it to a strings module")
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


def headers(frame, request: gr.Request | None = None, cells: tuple[str, ...] = ()):
    """A table in the visitor's language: each column that has a `col.<name>` key is renamed, and the cells of the
    columns named in `cells` (words such as a run's state, not data) are replaced by their `cell.<word>` text.
    Columns without a key keep their name: they are the learner's data (a dataset's columns) or code
    (attention_mask)."""
    table = ZH if lang_of(request) == "zh" else EN
    frame = frame.copy()
    for column in cells:
        if column in frame:
            frame[column] = [table.get(f"cell.{value}", value) if isinstance(value, str) else value
                             for value in frame[column]]
    return frame.rename(columns={c: table[f"col.{c}"] for c in frame.columns if f"col.{c}" in table})


def header_of(frame, column: str) -> str | None:
    """The name a column has in a table the page sends back (headers() renamed it in the visitor's language)."""
    names = [column, *(table[f"col.{column}"] for table in (EN, ZH) if f"col.{column}" in table)]
    return next((name for name in names if name in frame), None)


def local_comments(code: str, request: gr.Request | None = None) -> str:
    """Code shown on the page with its comments in the visitor's language: a comment core writes is an English
    template in core's catalogue (core/messages_zh.py), so `# the same by hand` reads in Chinese; the code stays."""
    if lang_of(request) != "zh":
        return code
    lines = []
    for line in code.split("\n"):
        body, sep, comment = line.rpartition("# ") if "# " in line else (line, "", "")
        lines.append(f"{body}{sep}{localize(comment, 'zh')}" if sep else line)
    return "\n".join(lines)


# Gradio titles a toast with its level in English ("Error", "Warning", "Info"), whatever title the server sends:
# on a Chinese browser this script puts the level's Chinese word (toast.<level>) in its place.
TOAST_TITLES_JS = """() => {
    const titles = %s, progress = %s;
    const lang = ((navigator.languages || [])[0] || navigator.language || "").toLowerCase();
    if (!lang.startsWith("zh")) return;
    const translate = () => {
        document.querySelectorAll(".toast-title").forEach(title => {
            for (const node of title.childNodes) {
                const word = titles[node.nodeValue && node.nodeValue.trim()];
                if (node.nodeType === Node.TEXT_NODE && word) node.nodeValue = word + " ";
            }
        });
        // a busy server's "queue: 2/3 |" and "processing |" over a widget (Gradio writes them in English)
        document.querySelectorAll(".progress-text").forEach(text => {
            for (const node of text.childNodes) {
                if (node.nodeType !== Node.TEXT_NODE) continue;
                let value = node.nodeValue;
                for (const [english, chinese] of Object.entries(progress)) value = value.replace(english, chinese);
                if (value !== node.nodeValue) node.nodeValue = value;
            }
        });
    };
    new MutationObserver(translate).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def page_js() -> str:
    """The script launch(js=...) runs on the page for a Chinese browser: the toasts' titles and the progress words
    over a busy widget in Chinese."""
    titles = {EN[f"toast.{level}"]: ZH[f"toast.{level}"] for level in ("error", "warning", "info")}
    progress = {EN[f"progress.{word}"]: ZH[f"progress.{word}"] for word in ("queue", "processing")}
    return TOAST_TITLES_JS % (json.dumps(titles, ensure_ascii=False), json.dumps(progress, ensure_ascii=False))


def build_i18n() -> gr.I18n:
    """The I18n object for launch(); zh-CN/zh-TW browsers fall back to 'zh'."""
    return gr.I18n(en=dict(EN), zh=dict(ZH), **{"zh-CN": dict(ZH)})


_gather()
