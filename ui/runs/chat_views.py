"""How Chat with a run shows a conversation: the chatbots' turns, each side's own history, and why each answer
ended. No Gradio here: plain lists and strings."""

from __future__ import annotations

from core.data.conversations import MAX_CHARS, MAX_TURNS
from ui.i18n import msg

MAX_SHOWN = 2 * MAX_TURNS  # turns a chatbot keeps showing: a long chat's page (and what it posts back) stays small


def conversation(system: str, history: list[dict] | None, message: str) -> list[dict]:
    """What a model reads: the system turn (when one is written), its own earlier exchanges, the new message."""
    head = [{"role": "system", "content": system}] if isinstance(system, str) and system.strip() else []
    chars = sum(len(text) for text in (system, message) if isinstance(text, str))
    return head + _newest(list(history or []), len(head) + 1, chars) + [{"role": "user", "content": message}]


def _newest(history: list, turns: int, chars: int) -> list:
    """The newest exchanges that fit a conversation's bounds beside `turns` other turns and `chars` other
    characters (core.data.conversations): a long chat goes on, as the model would drop its oldest turns anyway."""
    while history and (len(history) + turns > MAX_TURNS or chars + sum(
            len(t.get("content") or "") if isinstance(t, dict) else 0 for t in history) > MAX_CHARS):
        history = history[2:]  # the oldest user turn and its answer
    return history


def next_history(history: list[dict] | None, message: str, answer: str) -> list[dict]:
    """A side's history after this exchange. An empty answer cannot be a turn of a conversation (the template's
    checks refuse empty turns), so that exchange is shown but not carried into the next one."""
    if not answer.strip():
        return list(history or [])
    return _newest(list(history or []), 2, 0) + [{"role": "user", "content": message},
                                                 {"role": "assistant", "content": answer}]


def shown_turns(shown: list[dict] | None, message: str, answer: str, request=None) -> list[dict]:
    """The chatbot's turns after this exchange (an empty answer is said in words, so the bubble is not blank)."""
    return list(shown or [])[-(MAX_SHOWN - 2):] + [{"role": "user", "content": message},
                                                  {"role": "assistant", "content": answer or msg("rchat.empty", request)}]


def stop_note(result: dict, request=None) -> str:
    """Why each side's answer ended (its end-of-turn token, end of text, max_new_tokens, the time limit) and how
    many old turns were left out to fit the model."""
    lines = []
    for side in ("fine_tuned", "base"):
        stop = (result.get("stop") or {}).get(side)
        if stop is None:
            continue
        line = msg(f"rchat.side.{side}", request) + ": " + msg(f"rchat.stop.{stop}", request)
        dropped = (result.get("dropped_turns") or {}).get(side) or 0
        if dropped:
            line += " " + msg("rchat.dropped", request, count=dropped)
        lines.append(f"- {line}")
    return "\n".join(lines)
