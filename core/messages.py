"""Messages for people, in English and Simplified Chinese.

core raises `UserError(template, **fields)`: str() is the English text, as before, and the template names
the message, the way gettext's msgid does. `core/messages_zh.py` maps each English template to its Chinese
one. `localize(text_or_error, "zh")` gives the Chinese: straight from a UserError's fields, or, for text
that was stored or crossed a process as a string (a job's error in status.json, a training process's
report), by matching the text against the templates. What is not in the catalogue stays English.
tests/test_messages.py checks that every template raised in core has a translation with the same fields.
"""

from __future__ import annotations

import difflib
import functools
import re
import string

from core.messages_zh import ZH

_FORMATTER = string.Formatter()


class UserError(ValueError):
    """A ValueError whose message names the fix; carries its template and fields for translation."""

    def __init__(self, template: str, **fields):
        self.template, self.fields = template, fields
        super().__init__(template.format(**fields))


def _parts(template: str) -> list[tuple[str, str | None, str, str | None]]:
    return list(_FORMATTER.parse(template))


def field_names(template: str) -> set[str]:
    """The fields a template fills, without format specs: '{value:g} of {n!r}' -> {'value', 'n'}."""
    return {name for _, name, _, _ in _parts(template) if name is not None}


@functools.lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern, str]]:
    compiled = []
    for english, chinese in ZH.items():
        regex, seen = [], set()
        for literal, name, _, _ in _parts(english):
            regex.append(re.escape(literal))
            if name is not None:  # a field repeated in one template must match the same text
                regex.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
                seen.add(name)
        compiled.append((re.compile("".join(regex), re.DOTALL), chinese))
    # the longest literal skeleton first: a specific template wins over a general one
    compiled.sort(key=lambda item: -len(re.sub(r"\(\?P[^)]*\)", "", item[0].pattern)))
    return compiled


def _formatted_fields(err: UserError) -> dict[str, str]:
    """Each field as it appears in the English text (with its conversion and format spec)."""
    out = {}
    for _, name, spec, conversion in _parts(err.template):
        if name is not None and name not in out:
            value = _FORMATTER.convert_field(err.fields[name], conversion)
            out[name] = _FORMATTER.format_field(value, spec or "")
    return out


def localize(message: BaseException | str | None, lang: str = "en", _depth: int = 0) -> str:
    """The message in `lang` ('en' or 'zh'); English where no translation is known."""
    if message is None:
        return ""
    text = str(message)
    if lang != "zh" or not text:
        return text
    if isinstance(message, UserError) and message.template in ZH:
        fields = _formatted_fields(message)
    else:
        for pattern, chinese in _patterns():
            match = pattern.fullmatch(text)
            if match:
                fields = match.groupdict()
                return _fill(chinese, fields, _depth)
        return text
    return _fill(ZH[message.template], fields, _depth)


def _fill(chinese: str, fields: dict[str, str], depth: int) -> str:
    if depth < 2:  # a field may hold a whole message of its own (a hint, a cause, a reason)
        fields = {k: localize(v, "zh", depth + 1) for k, v in fields.items()}
    return chinese.format(**fields)


def say(template: str, **fields) -> str:
    """An English message from a template in the catalogue (notes and reasons that are not raised)."""
    return template.format(**fields)


def N_(text: str) -> str:
    """Marks a text that goes into a message as a field (a hint) for translation; returns it unchanged."""
    return text


def check_known_fields(data: dict, known, what: str) -> None:
    """Refuse keys a settings object does not have, naming the closest known one (a typo is not ignored)."""
    known = list(known)
    unknown = [key for key in data if key not in known]
    if not unknown:
        return
    key = str(unknown[0])
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        raise UserError("{what}: unknown setting {key!r} - did you mean {close!r}?", what=what, key=key, close=close[0])
    raise UserError("{what}: unknown setting {key!r} - use one of {choices}", what=what, key=key,
                    choices=", ".join(known))
