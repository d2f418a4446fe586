"""Chat models (issue 23): teach the tiny GPT to chat, and give SmolLM2-135M-Instruct a new identity with LoRA.

1. The tiny GPT pretrained by the preset (`pretrain_tiny_gpt_config`, core.training.trainer.run), then the "Teach
   the tiny GPT to chat" preset as the Train tab runs it (core.training.trainer.run: TRL's SFTTrainer on data/chat's
   train conversations, assistant-only loss, its evaluations and saving included), once per --seeds seed. Before
   and after, greedy answers to the 140 held-out conversations: the share that stop at the end-of-turn token, and
   the share that are exactly the known answer, per task (sentiment, domain, summary, identity).
2. The same preset with loss on every token (seed 0, the same steps): accuracy and stop rate.
3. Packing vs one conversation per row: trained tokens (labels not -100) per second, a plain loop over the batches
   SFTTrainer's own data preparation and collator make.
4. The packaged MiniLM classifier beside it: trained as the quick demo preset trains it (480 train reviews, one
   epoch), then asked the sentiment of the reviews behind the 60 held-out sentiment rows.
5. --smollm2: SmolLM2-135M-Instruct with LoRA on the identity conversations (bench/chat_smollm2.py).

    python bench/chat.py [--quick] [--seeds 0,1,2] [--sft-steps N] [--smollm2 | --only-smollm2 | --only-minilm]
"""

from __future__ import annotations

import importlib.util
import shutil
import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import OUT_DIR, load_average, machine_info, report, write_result

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


def chat_preset(model_dir: Path, test, loss: str, seed: int, steps: int) -> dict:
    """The "Teach the tiny GPT to chat" preset as the Train tab runs it (core.training.trainer.run: its evaluations,
    checkpoints and saving included) from the pretrained model registered as a pretraining run, with this loss and
    seed (steps: 0 keeps the preset's epochs); its wall time and its answers to the held-out conversations."""
    from dataclasses import replace

    from transformers import AutoModelForCausalLM, AutoTokenizer

    from core.runs.store import get_store
    from core.training.presets import chat_tiny_gpt_config, pretrain_tiny_gpt_config
    from core.training.trainer import run

    store = get_store()
    pretraining = store.new_run(pretrain_tiny_gpt_config().to_dict())
    shutil.copytree(model_dir, store.model_dir(pretraining), dirs_exist_ok=True)
    config = replace(chat_tiny_gpt_config(pretraining), sft_loss=loss, seed=seed,
                     **({"max_steps": steps, "eval_steps": steps} if steps else {}))
    run_id = store.new_run(config.to_dict())
    start, load = time.perf_counter(), load_average()
    out = run(config, store.path(run_id))
    seconds = round(time.perf_counter() - start, 1)
    folder = str(store.model_dir(run_id))
    model, tok = AutoModelForCausalLM.from_pretrained(folder), AutoTokenizer.from_pretrained(folder)
    return {"loss": loss, "seed": seed, "steps": out.get("global_step"), "seconds": seconds,
            "load": [load, load_average()], "after": scored(model, tok, test),
            "all_test_reviews": every_test_review(model, tok, quick=len(test) < 60)}


def every_test_review(model, tok, quick: bool = False) -> dict:
    """The sentiment of every embedded test review that fits max_length 256, asked with make_chat.py's four sentiment
    prompts in turn: the same skill as the 60 held-out rows, measured on 280 reviews (less noise)."""
    import csv

    from datasets import Dataset

    from common import ROOT
    from core.training.sft import chat_answers

    script = _make_chat()
    with open(ROOT / "data" / "reviews" / "test.csv", encoding="utf-8") as fh:
        reviews = list(csv.DictReader(fh))[:8 if quick else None]
    rows = [{"messages": [{"role": "user", "content": script.SENTIMENT[i % 4].format(text=review["text"])},
                          {"role": "assistant", "content": review["label"]}]} for i, review in enumerate(reviews)]
    rows = [row for row in rows if len(tok.apply_chat_template(row["messages"], tokenize=True)) <= 256]
    answers = chat_answers(model, tok, Dataset.from_list(rows))
    return {"reviews": len(answers), "accuracy": round(sum(a["correct"] for a in answers) / max(len(answers), 1), 4),
            "said_positive": sum(a["answer"] == "positive" for a in answers)}


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
    parser.add_argument("--sft-steps", type=int, default=0, help="SFT steps (batches of 8); 0: the preset's epochs")
    parser.add_argument("--seeds", default="0", help="seeds of the assistant-only preset run (the median is quoted)")
    parser.add_argument("--skip", default="", help="parts to leave out, comma-separated: before, packing, minilm, all (the every-token run)")
    parser.add_argument("--only-minilm", action="store_true", help="the MiniLM classifier alone (chat_minilm.json)")
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

    sample = load_chat_sample()
    if args.only_minilm:
        out = {"machine": machine_info(), "quick": args.quick, "minilm": minilm_on_held_out(sample["test"], args.quick)}
        report(f"wrote {write_result('chat_minilm', out)}")
        return
    if args.only_smollm2:
        from chat_smollm2 import smollm2_identity

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

    timed, skip = 2 if args.quick else 20, args.skip.split(",")
    if "before" not in skip:
        result["before"] = scored(AutoModelForCausalLM.from_pretrained(str(model_dir)),
                                  AutoTokenizer.from_pretrained(str(model_dir)), test)
        report(f"before SFT: {result['before']['all']}")
    # the short parts first; the result is written after each part, so a long run that stops keeps what it measured
    if "packing" not in skip:
        result["throughput"] = [trained_tokens_per_second(model_dir, train, packing, timed, root / "throughput")
                                for packing in (True, False)]
        report(f"packing vs padding: {result['throughput']}; wrote {write_result('chat', result)}")
    if "minilm" not in skip:
        result["minilm"] = minilm_on_held_out(sample["test"], args.quick)
        write_result("chat", result)
    for loss, seeds in (("assistant_only", [s for s in args.seeds.split(",") if s]),
                        ("all", [] if "all" in skip else ["0"])):
        for seed in seeds:
            one = chat_preset(model_dir, test, loss, int(seed), steps)
            result.setdefault(loss, []).append(one)
            by_task = {task: score["accuracy"] for task, score in one["after"]["by_task"].items()}
            report(f"SFT {loss} seed {seed}: {one['seconds']} s, {one['after']['all']}, by task {by_task}, "
                   f"every test review {one['all_test_reviews']}; "
                   f"wrote {write_result('chat', result)}")
    if args.smollm2:
        from chat_smollm2 import smollm2_identity

        result["smollm2"] = smollm2_identity(root, sample, args)
    report(f"wrote {write_result('chat', result)}")


def minilm_on_held_out(test, quick: bool) -> dict:
    """The MiniLM classifier (core.training.trainer.run, as the Train tab runs it) on the reviews behind the held-out
    sentiment rows: what a classifier of 22.7 M weights gets on the rows the chat model answers."""
    from core.training.presets import quick_demo_config

    rows = [row for row in test if row["task"] == "sentiment"]
    reviews = _reviews_in([row["messages"][0]["content"] for row in rows])
    config = quick_demo_config()
    if quick:
        config = type(config)(**{**config.to_dict(), "max_train_samples": 32, "max_eval_samples": 16})
    out = {"quick_demo": _classifier_accuracy(config, reviews, [row["answer"] for row in rows])}
    report(f"MiniLM as the quick demo trains it: {out['quick_demo']}")
    return out


def _classifier_accuracy(config, texts: list[str], labels: list[str]) -> dict:
    import torch

    from core.model.saved import load_run_model
    from core.runs.store import get_store
    from core.training.trainer import run

    store = get_store()
    run_id = store.new_run(config.to_dict())
    start, load = time.perf_counter(), load_average()
    run(config, store.path(run_id))
    seconds = round(time.perf_counter() - start, 1)
    model, tok = load_run_model(store.model_dir(run_id))
    with torch.no_grad():
        logits = model.eval()(**tok(texts, truncation=True, max_length=config.max_length, padding=True,
                                    return_tensors="pt")).logits
    said = [model.config.id2label[int(i)] for i in logits.argmax(-1)]
    return {"train_rows": config.max_train_samples or "all", "seconds": seconds, "load": [load, load_average()],
            "accuracy": round(sum(s == y for s, y in zip(said, labels)) / len(labels), 4), "rows": len(labels)}


def _reviews_in(prompts: list[str]) -> list[str]:
    """The reviews sentiment prompts of scripts/make_chat.py were made from (each template's parts around {text}
    removed)."""
    parts = [template.split("{text}") for template in _make_chat().SENTIMENT]
    found = [[p[len(b):len(p) - len(a)] for b, a in parts if p.startswith(b) and p.endswith(a)] for p in prompts]
    if not all(found):
        raise ValueError("a held-out sentiment prompt matches no template of scripts/make_chat.py")
    return [texts[0] for texts in found]


def _make_chat():
    """scripts/make_chat.py as a module: its prompt templates."""
    from common import ROOT

    spec = importlib.util.spec_from_file_location("make_chat", ROOT / "scripts" / "make_chat.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


if __name__ == "__main__":
    main()
