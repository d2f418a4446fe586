"""Preference data: recognise its format and turn every row into one pair {prompt, chosen, rejected}.

Two layouts are common on the Hub, and TRL's DPOTrainer reads both:
- explicit prompt: `prompt`, `chosen`, `rejected` (each plain text, or a list of {"role", "content"} turns);
- implicit prompt: `chosen` and `rejected` only, each the whole conversation (or text); the prompt is the part
  they share (the shared turns, as TRL's `extract_prompt` finds them; for text, the shared words).
Each becomes the explicit shape (TRL's), so the task, the views and the per-example results deal with one shape.
A pair teaches only when both answers exist, differ and reply to a prompt: a row that breaks this gets a message
naming the row and the fix, before anything is tokenized.
"""

from __future__ import annotations

from pathlib import Path

from core.data.conversations import MAX_CHARS, check_messages, order_problem
from core.messages import UserError, say

PREF_SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "prefs"  # the embedded preference set (its card)
FORMATS = ("explicit", "implicit")
SIDES = ("chosen", "rejected")


def detect_format(columns) -> str | None:
    """The preference format a dataset's columns have, or None when it holds no pairs."""
    names = set(columns)
    if not set(SIDES) <= names:
        return None
    return "explicit" if "prompt" in names else "implicit"


def check_format(columns) -> str:
    """The format, or a UserError naming the columns a preference dataset needs."""
    found = detect_format(columns)
    if found is None:
        raise UserError("The columns {columns} are not preference pairs: use prompt + chosen + rejected (text or "
                        "lists of role / content turns), or chosen + rejected that start with the same prompt",
                        columns=", ".join(map(str, columns)) or "(none)")
    return found


def row_to_pair(row: dict, fmt: str, row_number: int) -> dict:
    """One row as a checked pair {prompt, chosen, rejected}: all text, or all lists of turns when any side is.
    row_number (counted from 1) names the row in a message."""
    if fmt == "explicit":
        prompt, chosen, rejected = row.get("prompt"), row.get("chosen"), row.get("rejected")
    elif fmt == "implicit":
        prompt, chosen, rejected = _split_shared_prompt(row.get("chosen"), row.get("rejected"), row_number)
    else:
        raise UserError("format: {value!r} is unknown - use one of {choices}", value=fmt, choices=", ".join(FORMATS))
    for side, answer in zip(SIDES, (chosen, rejected)):
        if _is_empty(answer):
            raise UserError("Row {row}: the {side} answer is missing - every pair needs the answer to prefer (chosen) "
                            "and the one to avoid (rejected)", row=row_number, side=side)
    if _is_empty(prompt):
        raise UserError("Row {row}: the prompt is empty - write the question both answers reply to",
                        row=row_number)
    if any(isinstance(part, (list, tuple)) for part in (prompt, chosen, rejected)):
        pair = _check_turns(prompt, chosen, rejected, row_number)
    else:
        pair = _check_text(prompt, chosen, rejected, row_number)
    if _answer_text(pair["chosen"]) == _answer_text(pair["rejected"]):
        _same_answers(row_number)
    return pair


def _same_answers(row_number: int):
    raise UserError("Row {row}: chosen and rejected are the same answer - a pair teaches nothing when both sides "
                    "match: change the rejected answer or remove the row", row=row_number)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or \
        (isinstance(value, (list, tuple)) and not value)


def _answer_text(answer) -> str:
    """An answer's words, spaces collapsed: answers that differ only in spacing are the same answer."""
    text = answer if isinstance(answer, str) else "\n".join(turn["content"] for turn in answer)
    return " ".join(text.split())


def _check_text(prompt, chosen, rejected, row_number: int) -> dict:
    parts = {"prompt": prompt, "chosen": chosen, "rejected": rejected}
    for name, value in parts.items():
        if not isinstance(value, str):
            raise UserError("Row {row}: {side} is of type {kind}, not text or a list of turns - write it as text or as "
                            "[{{role, content}}] turns", row=row_number, side=name, kind=type(value).__name__)
    total = sum(len(value) for value in parts.values())
    if total > MAX_CHARS:
        raise UserError("{where} has {count} characters, more than {limit}: shorten it",
                        where=say("Row {row}", row=row_number), count=total, limit=MAX_CHARS)
    return parts


def _as_turns(value, role: str) -> list:
    """Text becomes one turn of `role` (a prompt of the user, an answer of the assistant); turns stay turns."""
    return list(value) if isinstance(value, (list, tuple)) else [{"role": role, "content": value}]


def _check_turns(prompt, chosen, rejected, row_number: int) -> dict:
    prompt = check_messages(_as_turns(prompt, "user"), row_number)
    if prompt[-1]["role"] != "user":
        raise UserError("Row {row}: the prompt's last turn is {role} - end it with the user's question both "
                        "answers reply to", row=row_number, role=prompt[-1]["role"])
    pair = {"prompt": prompt}
    for side, answer in zip(SIDES, (chosen, rejected)):
        answer = check_messages(_as_turns(answer, "assistant"), row_number)
        problem = order_problem(prompt + answer, need_answer=True)
        if problem:
            raise UserError("Row {row}, the {side} answer: {problem}", row=row_number, side=side, problem=problem)
        pair[side] = answer
    if sum(len(turn["content"]) for part in pair.values() for turn in part) > MAX_CHARS:
        raise UserError("{where} has {count} characters, more than {limit}: shorten it",
                        where=say("Row {row}", row=row_number),
                        count=sum(len(turn["content"]) for part in pair.values() for turn in part), limit=MAX_CHARS)
    return pair


def _split_shared_prompt(chosen, rejected, row_number: int) -> tuple:
    """The longest shared start of the two sides is the prompt (whole turns, as TRL's extract_prompt; whole words
    of text, where TRL would cut inside a word: "good" / "great"); what follows is each answer."""
    if _is_empty(chosen) or _is_empty(rejected) or isinstance(chosen, str) != isinstance(rejected, str):
        return None, chosen, rejected  # the missing side is named by the caller
    if not isinstance(chosen, (str, list, tuple)) or not isinstance(rejected, (str, list, tuple)):
        return None, chosen, rejected
    if chosen == rejected:
        _same_answers(row_number)
    shared = 0
    while shared < min(len(chosen), len(rejected)) and chosen[shared] == rejected[shared]:
        shared += 1
    if isinstance(chosen, str) and shared < len(chosen):
        shared = chosen.rfind(" ", 0, shared + 1) + 1  # whole words: "The sky is blue" / "The sky is green"
    if shared == 0:
        raise UserError("Row {row}: chosen and rejected share no prompt - add a prompt column, or start both with "
                        "the same question", row=row_number)
    return chosen[:shared], chosen[shared:], rejected[shared:]


def to_preferences(dataset, limit: int | None = None):
    """A dataset of either preference format as explicit pairs (what DPOTrainer reads), its first `limit` rows;
    the first malformed row stops it with a message naming the row and the fix. (A column holds one kind, so the
    rows are all text or all turns.)"""
    from datasets import Dataset  # slow import, deferred to first use

    fmt = check_format(dataset.column_names)
    rows = dataset.select(range(min(len(dataset), limit))) if limit is not None else dataset
    pairs = [row_to_pair(row, fmt, number) for number, row in enumerate(rows, start=1)]
    return Dataset.from_list(pairs) if pairs else Dataset.from_dict({"prompt": [], "chosen": [], "rejected": []})


def malformed_pairs(dataset, limit: int = 2_000, most: int = 3) -> tuple[int, list[UserError]]:
    """How many rows were checked (the first `limit`: bounded work whatever the split's size) and the first `most`
    malformed ones' messages (rows numbered from 0, as the Datasets tab's table), so a learner finds them before a
    run refuses the data."""
    fmt = check_format(dataset.column_names)
    checked, found = min(len(dataset), limit), []
    for index, row in enumerate(dataset.select(range(checked))):
        try:
            row_to_pair(row, fmt, index)
        except UserError as err:
            found.append(err)
            if len(found) == most:
                break
    return checked, found


def load_pref_sample():
    """The embedded preference set (data/prefs): a DatasetDict with train and test, each row a pair with its
    task, language and the flaw of its rejected answer."""
    from datasets import load_dataset  # slow import, deferred to first use

    files = {split: str(PREF_SAMPLE_DIR / f"{split}.jsonl") for split in ("train", "test")}
    return load_dataset("json", data_files=files)
