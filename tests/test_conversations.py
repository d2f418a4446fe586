"""Conversational data (issue 23): the three formats become chat messages, a malformed row is named with its fix,
and the embedded instruction set (data/chat) is what its card says."""

import csv
import functools
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from core.data.conversations import (CHAT_SAMPLE_DIR, check_format, detect_format, load_chat_sample,
                                     row_to_messages, to_messages)
from core.messages import UserError, localize

ROOT = Path(__file__).resolve().parent.parent
Q, A = "Is this review positive? Great book.", "positive"


def test_the_three_formats_are_recognised_and_become_the_same_messages():
    from datasets import Dataset

    turns = [{"role": "user", "content": Q}, {"role": "assistant", "content": A}]
    tables = {"messages": {"messages": [turns]}, "prompt_completion": {"prompt": [Q], "completion": [A]},
              "alpaca": {"instruction": [Q], "input": [""], "output": [A]}}
    for fmt, table in tables.items():
        data = Dataset.from_dict(table)
        assert detect_format(data.column_names) == fmt
        assert to_messages(data)["messages"] == [turns]
    listed = {"prompt": turns[:1], "completion": turns[1:]}  # TRL's conversational prompt / completion
    assert row_to_messages(listed, "prompt_completion", 1) == turns
    alpaca = row_to_messages({"instruction": "Classify the review.", "input": "Great book.", "output": A}, "alpaca", 1)
    assert alpaca[0]["content"] == "Classify the review.\n\nGreat book."
    assert detect_format(["text", "label"]) is None
    with pytest.raises(UserError, match="are not a conversation: use a messages column"):
        check_format(["text", "label"])


@pytest.mark.parametrize("turns, fix", [
    ([{"content": Q}, {"role": "assistant", "content": A}], "Row 3, turn 1: the role is missing - give each turn"),
    ([{"role": "user", "content": Q}, {"role": "assistant", "content": "  "}], "Row 3, turn 2 (assistant) has no text"),
    ([{"role": "assistant", "content": A}, {"role": "user", "content": Q}],
     "Row 3: turn 1 is assistant where user should come"),
    ([{"role": "user", "content": Q}], "Row 3: it does not end with an assistant turn - add the answer"),
    ([{"role": "bot", "content": A}], "Row 3, turn 1: role 'bot' is unknown - use system, user, assistant"),
    ("just text", "Row 3 has no turns: give a list of {role, content} turns"),
])
def test_a_malformed_row_is_named_with_its_fix_in_both_languages(turns, fix):
    from datasets import Dataset

    rows = [[{"role": "user", "content": Q}, {"role": "assistant", "content": A}]] * 2
    with pytest.raises(UserError) as caught:
        if isinstance(turns, str):  # a column of text is not a list of turns (Arrow cannot mix them in a table)
            row_to_messages({"messages": turns}, "messages", 3)
        to_messages(Dataset.from_list([{"messages": r} for r in rows] + [{"messages": turns}]))
    assert fix in str(caught.value)
    assert localize(caught.value, "zh") != str(caught.value)  # the Chinese exists for every part
    assert "第 3 行" in localize(caught.value, "zh")


def test_the_embedded_instruction_set_matches_its_card_and_its_script():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_chat.py"), "--check"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout
    sample = load_chat_sample()
    assert (len(sample["train"]), len(sample["test"])) == (710, 140)
    card = (CHAT_SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    assert "710 conversations" in card and "140 conversations" in card and "710 段对话" in card
    for split in ("train", "test"):  # every row is a well-formed conversation whose answer is the assistant turn
        converted = to_messages(sample[split])
        assert [m[-1]["content"] for m in converted["messages"]] == sample[split]["answer"]
    asked = {split: {r["messages"][0]["content"] for r in sample[split] if r["task"] == "identity"}
             for split in ("train", "test")}
    assert len(asked["test"]) == 5 and not asked["test"] & asked["train"]  # held-out phrasings
    for split in ("train", "test"):  # each review comes from the same split of data/reviews, never the other
        reviews = [_review_in(r["messages"][0]["content"]) for r in sample[split] if r["task"] != "identity"]
        with open(ROOT / "data" / "reviews" / f"{split}.csv", newline="", encoding="utf-8") as handle:
            texts = {row["text"] for row in csv.DictReader(handle)}
        assert all(review in texts for review in reviews) and len(set(reviews)) > 100


@functools.lru_cache(maxsize=1)
def _script():
    spec = importlib.util.spec_from_file_location("make_chat", ROOT / "scripts" / "make_chat.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def _review_in(prompt: str) -> str:
    """The review a prompt of scripts/make_chat.py was made from (the prompt's parts around {text} removed)."""
    script = _script()
    for template in script.SENTIMENT + script.DOMAIN + script.SUMMARY:
        before, after = template.split("{text}")
        if prompt.startswith(before) and prompt.endswith(after):
            return prompt[len(before):len(prompt) - len(after)]
    return ""
