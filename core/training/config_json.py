"""A config's JSON text, read safely: its size and nesting are checked on the raw text before json.loads, which
recurses once per level (20,000 nested objects raise RecursionError inside the server and log a traceback)."""

from __future__ import annotations

import json
import re

from core.messages import UserError

MAX_CONFIG_CHARS = 200_000  # a config is a few thousand characters; 4 prompts of 200 and 32 layer names fit easily
MAX_CONFIG_DEPTH = 8  # a config nests 2 deep (the dataset object, the lists); 8 leaves room and refuses a bomb
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')  # a JSON string: its brackets are text, not nesting
_BRACKETS = re.compile(r"[\[\]{}]")
EXAMPLE = '{"learning_rate": 5e-5}'


def parse_config_json(text: str | bytes):
    """The value a config's JSON text holds; bad JSON, a huge or a deeply nested text refused, naming the fix."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if len(text) > MAX_CONFIG_CHARS:
        raise UserError("The config is {size} characters long, more than the {limit} a config can need: send only "
                        "TrainConfig fields, e.g. {example}", size=len(text), limit=MAX_CONFIG_CHARS, example=EXAMPLE)
    _check_text_depth(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise UserError("The config is not valid JSON ({error}): fix it, or start from a preset and change one "
                        "setting at a time, e.g. {example}", error=str(err)[:100], example=EXAMPLE) from err


def _check_text_depth(text: str) -> None:
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_CONFIG_DEPTH:
            _too_deep()


def check_depth(value) -> None:
    """The same bound for a value already parsed (an API client's object), walked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_CONFIG_DEPTH:
            _too_deep()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def _too_deep() -> None:
    raise UserError("The config nests objects or lists more than {limit} levels deep: a config is one object of "
                    "TrainConfig fields (the dataset one level inside), e.g. {example}", limit=MAX_CONFIG_DEPTH,
                    example=EXAMPLE)
