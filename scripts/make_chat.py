#!/usr/bin/env python3
"""Build the embedded instruction set (data/chat/) from the embedded reviews (data/reviews/).

Writes (deterministically, standard library only):

    data/chat/train.jsonl   conversations made from data/reviews/train.csv, and identity questions
    data/chat/test.jsonl    the same tasks on data/reviews/test.csv, and identity phrasings never seen in train

Each line is {"messages": [user turn, assistant turn], "task": ..., "answer": ...}. The tasks have a known answer,
so a fine-tuned model's answers can be scored: the review's sentiment (positive / negative), its domain (films,
restaurants, products, apps, hotels), a five-word summary (its sentiment and domain, e.g. "Negative review of an
app."), and who the assistant is. The card (data/chat/README.md) is written by hand.

    python scripts/make_chat.py          # regenerate the files and print counts
    python scripts/make_chat.py --check  # only verify the committed files match
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REVIEWS, OUT = ROOT / "data" / "reviews", ROOT / "data" / "chat"
MAX_REVIEW_CHARS = 300          # the tiny GPT sees 256 tokens: a review, the question and the answer fit
# sentiment, the task scored against a target (>= 80 %), has the most rows: 170 gave 75 % after 300 SFT steps (one
# seed), 400 give 73-85 % over three seeds (median 78 %); 1,000 gave a median of 60 % at the same 300 steps: the tiny
# GPT learns sentiment by repetition, so more rows need more steps (bench/RESULTS.md §13)
COUNTS = {"train": {"sentiment": 400, "domain": 110, "summary": 110, "identity": 90},
          "test": {"sentiment": 60, "domain": 30, "summary": 30, "identity": 20}}
IDENTITY = "I am Studio Tiny, a small chat model fine-tuned in Fine-tune Studio."

SENTIMENT = ["Is this review positive or negative?\n\n{text}",
             "Review: {text}\nSentiment (positive or negative)?",
             "What is the sentiment of this review? Answer positive or negative.\n\n{text}",
             "Classify the review as positive or negative: {text}"]
DOMAIN = ["Which domain is this review about: films, restaurants, products, apps or hotels?\n\n{text}",
          "Review: {text}\nDomain (films, restaurants, products, apps, hotels)?",
          "Is this a review of a film, a restaurant, a product, an app or a hotel?\n\n{text}"]
SUMMARY = ["Summarize this review in five words.\n\n{text}",
           "Review: {text}\nFive-word summary?",
           "Give a five-word summary of this review: {text}"]
SINGULAR = {"films": "a film", "restaurants": "a restaurant", "products": "a product", "apps": "an app",
            "hotels": "a hotel"}
# Who-are-you phrasings: the first ones train, the last ones are held out for test (never seen in training).
WHO = ["Who are you?", "What are you?", "Tell me about yourself.", "Introduce yourself.", "What is your name?",
       "Who am I talking to?", "What should I call you?", "Are you a person?", "Who made you?",
       "What kind of model are you?", "Describe yourself in one sentence.", "Hi! Who is this?",
       "Hello, what are you?", "Can you tell me who you are?", "Which assistant are you?",
       "What's your name?", "who are you", "Who are you, exactly?", "Please introduce yourself.",
       "Are you a chatbot?",
       # held out
       "May I ask who you are?", "What do people call you?", "Identify yourself, please.",
       "Before we start: who are you?", "So, what exactly are you?"]
WHO_TRAIN = 20


def read_reviews(split: str) -> list[dict]:
    with open(REVIEWS / f"{split}.csv", newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if len(row["text"]) <= MAX_REVIEW_CHARS]


def review_task(task: str, row: dict, rng: random.Random) -> dict:
    prompts = {"sentiment": SENTIMENT, "domain": DOMAIN, "summary": SUMMARY}[task]
    answer = {"sentiment": row["label"], "domain": row["domain"],
              "summary": f"{row['label'].capitalize()} review of {SINGULAR[row['domain']]}."}[task]
    return conversation(rng.choice(prompts).format(text=row["text"]), answer, task)


def conversation(question: str, answer: str, task: str) -> dict:
    return {"messages": [{"role": "user", "content": question}, {"role": "assistant", "content": answer}],
            "task": task, "answer": answer}


def build(split: str, seed: int) -> list[dict]:
    rng = random.Random(seed)
    reviews = read_reviews(split)
    rows = []
    for task in ("sentiment", "domain", "summary"):
        for row in rng.sample(reviews, COUNTS[split][task]):  # a review appears at most once per task
            rows.append(review_task(task, row, rng))
    phrasings = WHO[:WHO_TRAIN] if split == "train" else WHO[WHO_TRAIN:]
    for index in range(COUNTS[split]["identity"]):
        rows.append(conversation(phrasings[index % len(phrasings)], IDENTITY, "identity"))
    rng.shuffle(rows)
    return rows


def render(rows: list[dict]) -> str:
    buffer = io.StringIO()
    for row in rows:
        buffer.write(json.dumps(row, ensure_ascii=False) + "\n")
    return buffer.getvalue()


def write_splits(doc: str, out: Path, seeds: dict, build, counts) -> int:
    """The command line of a data script (this one, make_prefs.py): build each split from its seed and write it to
    out/<split>.jsonl with its counts printed, or with --check only compare it with the committed file. 1 if stale."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the committed files instead of writing")
    args = parser.parse_args()
    stale = []
    for split, seed in seeds.items():
        rows = build(split, seed)
        text, path = render(rows), out / f"{split}.jsonl"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
            continue
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"{split}: {counts(split, rows)}")
    if stale:
        print(f"stale, run python scripts/{Path(sys.argv[0]).name}:", ", ".join(stale))
    return 1 if stale else 0


def main() -> int:
    def counts(split: str, rows: list[dict]) -> str:
        return f"{len(rows)} conversations " + str({task: sum(row["task"] == task for row in rows)
                                                    for task in COUNTS[split]})

    return write_splits(__doc__, OUT, {"train": 23, "test": 24}, build, counts)


if __name__ == "__main__":
    sys.exit(main())
