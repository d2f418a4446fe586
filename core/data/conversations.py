"""Conversational data: recognise its format and turn every row into a list of chat messages.

Three layouts are common on the Hub, and TRL's SFTTrainer reads the first two directly:
- `messages`: a list of {"role", "content"} turns (system, user, assistant);
- `prompt` / `completion`: the question and its answer (text, or lists of turns);
- `instruction` / `input` / `output` (Alpaca): the instruction, an optional input, the answer.
Each becomes `messages`, so the chat template and the loss masks deal with one shape only. A malformed row gets
a message naming the row and the fix, before anything is tokenized.
"""

from __future__ import annotations

from pathlib import Path

from core.messages import UserError, say

CHAT_SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "chat"  # the embedded instruction set (its card)
# its splits: train and test, and log, an unfiltered chat log (scripts/make_prefs.py: the habit DPO removes)
CHAT_SPLITS = ("train", "test", "log")
ROLES = ("system", "user", "assistant")
FORMATS = ("messages", "prompt_completion", "alpaca")
MAX_TURNS = 64            # one conversation, in a lesson or a row: bounds the template's work per request
MAX_CHARS = 20_000        # all of its contents together


def detect_format(columns) -> str | None:
    """The conversational format a dataset's columns have, or None when it is not conversational."""
    names = set(columns)
    if "messages" in names:
        return "messages"
    if {"prompt", "completion"} <= names:
        return "prompt_completion"
    if {"instruction", "output"} <= names:
        return "alpaca"
    return None


def check_format(columns) -> str:
    """The format, or a UserError naming the columns each format needs."""
    found = detect_format(columns)
    if found is None:
        raise UserError("The columns {columns} are not a conversation: use a messages column (a list of role / "
                        "content turns), prompt + completion, or instruction + input + output",
                        columns=", ".join(map(str, columns)) or "(none)")
    return found


def row_to_messages(row: dict, fmt: str, row_number: int) -> list[dict]:
    """One row as checked chat messages; row_number (counted from 1) names the row in a message."""
    if fmt == "messages":
        messages = row.get("messages")
    elif fmt == "prompt_completion":
        messages = _as_turns(row.get("prompt"), "user") + _as_turns(row.get("completion"), "assistant")
    elif fmt == "alpaca":
        instruction, extra = str(row.get("instruction") or ""), str(row.get("input") or "")
        user = f"{instruction}\n\n{extra}" if instruction.strip() and extra.strip() else instruction
        messages = [{"role": "user", "content": user}, {"role": "assistant", "content": row.get("output")}]
    else:
        raise UserError("format: {value!r} is unknown - use one of {choices}", value=fmt, choices=", ".join(FORMATS))
    checked = check_messages(messages, row_number)
    problem = order_problem(checked, need_answer=True)
    if problem:
        raise UserError("Row {row}: {problem}", row=row_number, problem=problem)
    return checked


def _as_turns(value, role: str) -> list:
    """A prompt or completion as turns: plain text is one turn of `role`; a list of turns stays as it is."""
    return list(value) if isinstance(value, list) else [{"role": role, "content": value}]


def check_messages(messages, row: int | None = None) -> list[dict]:
    """Each turn has a known role and non-empty text, within MAX_TURNS / MAX_CHARS; returns plain dicts."""
    where = say("Row {row}", row=row) if row is not None else say("The conversation")
    if not isinstance(messages, (list, tuple)) or not messages:
        raise UserError("{where} has no turns: give a list of {{role, content}} turns, e.g. a user question and "
                        "the assistant's answer", where=where)
    if len(messages) > MAX_TURNS:
        raise UserError("{where} has {count} turns, more than {limit}: split it into shorter conversations",
                        where=where, count=len(messages), limit=MAX_TURNS)
    checked = [_check_turn(turn, where, number) for number, turn in enumerate(messages, start=1)]
    total = sum(len(turn["content"]) for turn in checked)
    if total > MAX_CHARS:
        raise UserError("{where} has {count} characters, more than {limit}: shorten it", where=where, count=total,
                        limit=MAX_CHARS)
    return checked


def _check_turn(turn, where: str, number: int) -> dict:
    if not isinstance(turn, dict) or not turn.get("role"):
        raise UserError("{where}, turn {turn}: the role is missing - give each turn a role ({roles}) and a content",
                        where=where, turn=number, roles=", ".join(ROLES))
    role, content = turn["role"], turn.get("content")
    if role not in ROLES:
        raise UserError("{where}, turn {turn}: role {role!r} is unknown - use {roles}", where=where, turn=number,
                        role=str(role)[:40], roles=", ".join(ROLES))
    if not isinstance(content, str) or not content.strip():
        raise UserError("{where}, turn {turn} ({role}) has no text: write its content or remove the turn",
                        where=where, turn=number, role=role)
    return {"role": role, "content": content}


def order_problem(messages: list[dict], need_answer: bool = False) -> str:
    """Why the turns are out of order, naming the fix ('' when they are in order): an optional system turn
    first, then user and assistant in turn, starting with the user; to train on it, it ends with an answer."""
    roles = [turn["role"] for turn in messages]
    body = roles[1:] if roles and roles[0] == "system" else roles
    for index, role in enumerate(body):
        expected = "user" if index % 2 == 0 else "assistant"
        if role != expected:
            number = index + 1 + (len(roles) - len(body))
            return say("turn {turn} is {role} where {expected} should come - the turns go: an optional system "
                       "turn first, then user and assistant in turn", turn=number, role=role, expected=expected)
    if need_answer and (not body or body[-1] != "assistant"):
        return say("it does not end with an assistant turn - add the answer the model should learn")
    return ""


def to_messages(dataset, limit: int | None = None):
    """A dataset of any conversational format as a `messages` dataset (what SFTTrainer reads), its first `limit`
    rows; the first malformed row stops it with a message naming the row and the fix."""
    from datasets import Dataset  # slow import, deferred to first use

    fmt = check_format(dataset.column_names)
    rows = dataset.select(range(min(len(dataset), limit))) if limit is not None else dataset
    return Dataset.from_dict({"messages": [row_to_messages(row, fmt, number)
                                           for number, row in enumerate(rows, start=1)]})


def load_chat_sample():
    """The embedded instruction set (data/chat): a DatasetDict with train, test and log (CHAT_SPLITS), each row a
    conversation with its task and the answer it gives."""
    from datasets import load_dataset  # slow import, deferred to first use

    files = {split: str(CHAT_SAMPLE_DIR / f"{split}.jsonl") for split in CHAT_SPLITS}
    return load_dataset("json", data_files=files)
