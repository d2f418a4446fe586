"""Preference data (issue 24): both formats become explicit pairs, a malformed row is named with its fix, and the
embedded preference set (data/prefs) is what its card says: chosen answers correct, concise and polite."""

import collections
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.data.preferences import (PREF_SAMPLE_DIR, check_format, detect_format, load_pref_sample, malformed_pairs,
                                   row_to_pair, to_preferences)
from core.messages import UserError, localize

ROOT = Path(__file__).resolve().parent.parent
Q, GOOD, BAD = "Is this review positive or negative? Great book.", "This review is positive.", "Negative, obviously."
USER = {"role": "user", "content": Q}


def _turn(text, role="assistant"):
    return [{"role": role, "content": text}]


def test_explicit_and_implicit_pairs_become_the_same_explicit_pair():
    from datasets import Dataset

    turns = {"prompt": [USER], "chosen": _turn(GOOD), "rejected": _turn(BAD)}
    tables = {"explicit": {key: [value] for key, value in turns.items()},
              "implicit": {"chosen": [[USER, *_turn(GOOD)]], "rejected": [[USER, *_turn(BAD)]]}}
    for fmt, table in tables.items():
        data = Dataset.from_dict(table)
        assert detect_format(data.column_names) == fmt
        assert to_preferences(data)[0] == turns
    text = to_preferences(Dataset.from_dict({"prompt": [Q], "chosen": [GOOD], "rejected": [BAD]}))
    assert text[0] == {"prompt": Q, "chosen": GOOD, "rejected": BAD}  # plain text stays text (TRL's standard form)
    mixed = row_to_pair({"prompt": Q, "chosen": _turn(GOOD), "rejected": BAD}, "explicit", 1)
    assert mixed == turns  # one side in turns: the whole pair becomes turns, the text of each side its turn
    implicit_text = row_to_pair({"chosen": "The sky is blue.", "rejected": "The sky is grey."}, "implicit", 1)
    assert implicit_text == {"prompt": "The sky is ", "chosen": "blue.", "rejected": "grey."}  # whole words
    assert detect_format(["prompt", "completion"]) is None
    with pytest.raises(UserError, match="are not preference pairs: use prompt \\+ chosen \\+ rejected"):
        check_format(["prompt", "completion"])


@pytest.mark.parametrize("row, fix", [
    ({"prompt": Q, "chosen": GOOD, "rejected": ""}, "Row 3: the rejected answer is missing - every pair needs"),
    ({"prompt": [USER], "chosen": [], "rejected": _turn(BAD)}, "Row 3: the chosen answer is missing"),
    ({"prompt": "  ", "chosen": GOOD, "rejected": BAD}, "Row 3: the prompt is empty - write the question"),
    ({"prompt": Q, "chosen": GOOD, "rejected": " This review  is positive. "},
     "Row 3: chosen and rejected are the same answer - a pair teaches nothing"),
    ({"prompt": [USER, *_turn(GOOD)], "chosen": _turn(GOOD), "rejected": _turn(BAD)},
     "Row 3: the prompt's last turn is assistant - end it with the user's question"),
    ({"prompt": [USER], "chosen": _turn(GOOD, "user"), "rejected": _turn(BAD)},
     "Row 3, the chosen answer: turn 2 is user where assistant should come"),
    ({"prompt": Q, "chosen": 5, "rejected": BAD}, "Row 3: chosen is of type int, not text or a list of turns"),
])
def test_a_malformed_pair_is_named_with_its_fix_in_both_languages(row, fix):
    with pytest.raises(UserError) as caught:
        row_to_pair(row, "explicit", 3)
    assert fix in str(caught.value)
    chinese = localize(caught.value, "zh")
    assert chinese != str(caught.value) and "第 3 行" in chinese


@pytest.mark.parametrize("row, fix", [
    ({"chosen": "Great book. Yes.", "rejected": "Awful. No."}, "Row 2: chosen and rejected share no prompt"),
    ({"chosen": [USER, *_turn(GOOD)], "rejected": [USER, *_turn(GOOD)]}, "Row 2: chosen and rejected are the same"),
    ({"chosen": [USER, *_turn(GOOD)], "rejected": None}, "Row 2: the rejected answer is missing"),
])
def test_a_malformed_implicit_pair_is_named_with_its_fix(row, fix):
    with pytest.raises(UserError, match=fix):
        row_to_pair(row, "implicit", 2)


def test_the_first_malformed_row_stops_the_conversion_and_a_scan_names_the_first_ones():
    from datasets import Dataset

    rows = [{"prompt": Q, "chosen": GOOD, "rejected": BAD, "flaw": "rude"}] * 6
    rows[2] = {"prompt": Q, "chosen": GOOD, "rejected": GOOD, "flaw": "none"}
    rows[4] = {"prompt": "", "chosen": GOOD, "rejected": BAD, "flaw": "none"}
    data = Dataset.from_list(rows)
    with pytest.raises(UserError, match="Row 3: chosen and rejected are the same answer"):
        to_preferences(data)
    assert len(to_preferences(data, limit=2)) == 2
    checked, found = malformed_pairs(data)
    assert checked == 6 and [str(err).split(":")[0] for err in found] == ["Row 2", "Row 4"]  # as the table: from 0
    checked, first = malformed_pairs(data, limit=3)  # bounded: only the first rows are read
    assert checked == 3 and [str(err) for err in first] == [str(found[0])]
    assert len(malformed_pairs(data, most=1)[1]) == 1


TAILS = {"en": " I hope this helps! Let me know if you have any other questions.",
         "zh": "希望这对你有帮助！如果还有其他问题，请随时告诉我。"}  # written out: the data must say exactly this


def _rows(split):
    with open(PREF_SAMPLE_DIR / f"{split}.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_the_embedded_preference_set_matches_its_script_and_its_card():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_prefs.py"), "--check"], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    sample = load_pref_sample()
    assert (len(sample["train"]), len(sample["test"])) == (360, 120)
    card = (PREF_SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    assert "360 pairs (270 English, 90 Chinese)" in card and "120 pairs (90 English, 30 Chinese)" in card
    assert "360 对（英文 270，中文 90）" in card
    for split in ("train", "test"):
        pairs = to_preferences(sample[split])  # every row is a well-formed pair
        assert all(len(p["prompt"]) == len(p["chosen"]) == len(p["rejected"]) == 1 for p in pairs)
        rows = _rows(split)
        assert {row["language"] for row in rows} == {"en", "zh"}
        flaws = collections.Counter((row["task"], row["flaw"]) for row in rows)
        for task in ("sentiment", "domain", "summary", "identity"):  # the flaws in (near) equal thirds per task
            counts = [flaws[(task, flaw)] for flaw in ("wrong", "rambling", "rude")]
            assert max(counts) - min(counts) <= 2, (task, counts)
    asked = {split: {row["prompt"][0]["content"] for row in _rows(split) if row["task"] == "identity"}
             for split in ("train", "test")}
    assert len(asked["test"]) == 10 and not asked["test"] & asked["train"]  # held-out phrasings, 5 per language


def test_chosen_answers_are_concise_and_rejected_ones_differ_by_their_flaw():
    rows = _rows("train") + _rows("test")
    answer = {side: {id(row): row[side][0]["content"] for row in rows} for side in ("chosen", "rejected")}
    for row in rows:
        chosen, rejected = answer["chosen"][id(row)], answer["rejected"][id(row)]
        assert chosen != rejected and len(chosen) <= 90
        if row["flaw"] == "rambling":  # the answer, then the same tail every time: the log's habit
            assert rejected == chosen + TAILS[row["language"]]
    wrong = [row for row in rows if row["flaw"] == "wrong" and row["task"] == "sentiment" and row["language"] == "en"]
    assert wrong and all(answer["chosen"][id(r)].split()[-1] != answer["rejected"][id(r)].split()[-1] for r in wrong)
    rude = [answer["rejected"][id(r)] for r in rows if r["flaw"] == "rude" and r["language"] == "en"]
    assert all(any(word in text for word in ("Obviously", "yourself", "wasting", "care", "business", "silly"))
               for text in rude)


def test_the_unfiltered_log_answers_each_training_prompt_with_its_chosen_answer_and_the_tail():
    from core.data.conversations import CHAT_SAMPLE_DIR, load_chat_sample, to_messages

    log, pairs = load_chat_sample()["log"], _rows("train")
    assert len(log) == len(pairs) == 360 and to_messages(log)["messages"] == log["messages"]  # well-formed
    for row, pair in zip(log, pairs):  # the script's check above keeps the file what the script writes
        assert row["messages"][0] == pair["prompt"][0] and row["task"] == pair["task"]
        assert row["answer"] == row["messages"][-1]["content"] == pair["chosen"][0]["content"] + TAILS[pair["language"]]
    card = (CHAT_SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    assert "`log.jsonl`: 360 conversations" in card and "`log.jsonl`：360 段" in card
    assert all(tail.strip() in card for tail in TAILS.values())
