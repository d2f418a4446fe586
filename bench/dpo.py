"""Preference tuning (issue 24): the app's dpo task on the embedded pairs (data/prefs), on 2 CPU cores.

1. The chain a learner runs. The tiny GPT pretrained (bench/chat.py's pretraining, reused when there), taught to
   chat on data/chat (SFT, reused when there), then the app's presets through core.training.trainer.run: "Learn
   from an unfiltered chat log" (SFT on data/chat/log.jsonl, whose every answer ends with one fixed tail, "I hope
   this helps! ...") and "Prefer polite answers" (DPO on data/prefs from the log run; its rambling pairs are an
   answer against the same answer with the tail). Each preset's wall time is measured. Before the log, after it
   (before DPO) and after DPO, on the 120 held-out pairs: the share where the model prefers the chosen answer
   (log p(chosen) > log p(rejected), as the app's per-example view; by flaw and language), and its answers to the
   held-out prompts, greedy and sampled (temperature 0.7): how many end with the tail, how many are the chosen
   answer exactly, how many are it once the tail is cut off (the content kept), how many rude, and the sentiment
   accuracy (the right label word).
2. beta sweep (--betas): the DPO preset at other betas from the same log run; win share, and how far the answers
   drift from the log model's (the share of greedy answers that changed; how much less likely the log model's own
   answers became, per token).
3. --smollm2: SmolLM2-135M-Instruct (core.model.packaged) with LoRA, the same task on a slice of the pairs:
   seconds per step, peak memory, held-out win share before and after.

    python bench/dpo.py [--quick] [--log-epochs 2] [--dpo-steps 45] [--lr 5e-5] [--betas 0.1]
                        [--smollm2 | --only-smollm2]
"""

from __future__ import annotations

import importlib.util
import resource
import shutil
import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from chat import pretrained_tiny_gpt, use_isolated_settings
from common import OUT_DIR, ROOT, load_average, machine_info, report, write_result
from core.training.presets import DPO_BETA

FLAWS = ("wrong", "rambling", "rude")
KEPT = "eval_prefers_chosen"  # the app's held-out share where the model itself prefers the chosen answer


def _templates() -> dict:
    """The rude and rambling templates of scripts/make_prefs.py: one owner of what such an answer looks like."""
    spec = importlib.util.spec_from_file_location("make_prefs", ROOT / "scripts" / "make_prefs.py")
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))  # make_prefs imports make_chat
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return {"en": script.EN, "zh": script.ZH}


def style_markers() -> dict[str, list[str]]:
    """Literal pieces only a rude answer has (its longest fragment), and the log's tail's opening words (the
    rambling answers of the pairs are the chosen answer and that tail)."""
    import re

    markers = {"rude": [], "tail": []}
    for lang in _templates().values():
        for template in lang["rude"] + lang["rude_identity"]:
            markers["rude"].append(max(re.split(r"\{\w+\}", template), key=len).strip(" .。"))
        markers["tail"].append(lang["tail"].strip()[:8])  # "I hope t", "希望这对你有帮助": a tail begun is a tail
    return markers


def style_of(answer: str, markers: dict) -> str:
    if any(marker in answer for marker in markers["rude"]):
        return "rude"
    if any(marker in answer for marker in markers["tail"]):
        return "tail"
    return "other"


def chat_model(root: Path, pretrained: Path, steps: int, quick: bool) -> tuple[Path, dict]:
    """The tiny GPT taught to chat on data/chat (reused when an earlier bench run left it)."""
    from core.data.conversations import load_chat_sample, to_messages
    from core.training.sft import SFTSettings, run_sft

    folder = root / "sft-chat"
    if (folder / "model.safetensors").is_file() and not quick:
        return folder, {"reused": True}
    train = to_messages(load_chat_sample()["train"], limit=16 if quick else None)
    start = time.perf_counter()
    out = run_sft(pretrained, train, folder, SFTSettings(max_steps=steps, learning_rate=1e-3))
    return folder, {"seconds": round(time.perf_counter() - start, 1), "steps": out["steps"]}


def preset_run(config, quick: bool) -> tuple[str, dict]:
    """A preset's config through the app's trainer (core.training.trainer.run): its run id and its wall time."""
    from core.runs.store import get_store
    from core.training.trainer import run

    if quick:
        config.max_steps, config.eval_steps, config.max_train_samples, config.max_eval_samples = 2, 2, 16, 6
    store = get_store()
    run_id = store.new_run(config.to_dict())
    start, load = time.perf_counter(), load_average()
    out = run(config, store.path(run_id))
    final = {k: v for k, v in (out.get("final") or {}).items() if "rewards" in k or k in ("eval_loss", KEPT)}
    return run_id, {"seconds": round(time.perf_counter() - start, 1), "steps": out.get("global_step"),
                    "load": [load, load_average()], "learning_rate": config.learning_rate, "final": final}


def log_model(chat_id: str, args) -> tuple[str, dict]:
    """The preset "Learn from an unfiltered chat log" from the chat run: every answer of the log ends with the tail."""
    from core.training.presets import chat_log_config

    config = chat_log_config(chat_id)
    if args.log_epochs:
        config.num_train_epochs = args.log_epochs
    run_id, out = preset_run(config, args.quick)
    return run_id, {**out, "epochs": config.num_train_epochs}


def register_sft_run(folder: Path) -> str:
    """The SFT model as a finished sft run of the bench's store, so the presets start from "run:<id>"."""
    from core.runs.store import get_store
    from core.training.presets import chat_tiny_gpt_config

    store = get_store()
    run_id = store.new_run(chat_tiny_gpt_config().to_dict())
    shutil.copytree(folder, store.model_dir(run_id), dirs_exist_ok=True)
    return run_id


def dpo_run(model: str, beta: float, args, **changes) -> tuple[str, dict]:
    """The app's dpo task from `model` on the embedded pairs; its wall time (baseline and final evaluation in)."""
    from core.data.source import PREFS
    from core.runs.store import get_store
    from core.training.config import TrainConfig
    from core.training.trainer import run

    steps = 2 if args.quick else args.dpo_steps
    values = dict(run_name=f"dpo-beta-{beta}", task="dpo", model=model, dataset=PREFS, train_split="train",
                  eval_split="test", max_train_samples=0, max_eval_samples=16 if args.quick else 64, max_length=256,
                  beta=beta, loss_type="sigmoid", learning_rate=args.lr, batch_size=8, eval_batch_size=16,
                  max_steps=steps, warmup_ratio=0.0, eval_strategy="steps", eval_steps=steps, logging_steps=5)
    config = TrainConfig(**{**values, **changes})
    store = get_store()
    run_id = store.new_run(config.to_dict())
    start, load = time.perf_counter(), load_average()
    out = run(config, store.path(run_id))
    seconds = time.perf_counter() - start
    return run_id, {"beta": beta, "seconds": round(seconds, 1), "s_per_step": round(seconds / steps, 2),
                    "steps": steps, "learning_rate": args.lr, "load": [load, load_average()],
                    "final": {k: v for k, v in out["final"].items() if "rewards" in k or k == "eval_loss"}}


def measure(model, tok, pairs, meta, markers) -> dict:
    """Win share on the held-out pairs (all, by flaw, by language) and the model's own answers."""
    from datasets import Dataset

    from core.training.dpo import answer_logps
    from core.training.sft import chat_answers

    logps = answer_logps(model, tok, list(pairs), 256)
    wins = [c > r for c, r in logps]

    def share(keep):
        chosen = [w for w, m in zip(wins, meta) if keep(m)]
        return round(sum(chosen) / len(chosen), 3) if chosen else None

    conversations = Dataset.from_dict({"messages": [p["prompt"] + p["chosen"] for p in pairs]})
    greedy = [a["answer"] for a in chat_answers(model, tok, conversations, max_new_tokens=60)]
    sampled = sampled_answers(model, tok, pairs)
    return {"win_share": share(lambda m: True), **{f"win_{f}": share(lambda m, f=f: m["flaw"] == f) for f in FLAWS},
            **{f"win_{code}": share(lambda m, c=code: m["language"] == c) for code in ("en", "zh")},
            "greedy": _answers_report(greedy, pairs, meta, markers),
            "sampled": _answers_report(sampled, pairs, meta, markers),
            "greedy_answers": greedy}


def _answers_report(answers: list[str], pairs, meta, markers) -> dict:
    """How many answers are the chosen one exactly, how many have the log's tail, how many are the chosen one once
    the tail is cut off (content kept), how many rude; and sentiment accuracy (the right label word, not the other)."""
    styles = [style_of(a, markers) for a in answers]
    chosen = [p["chosen"][0]["content"] for p in pairs]
    content = [_without_tail(a, markers) for a in answers]
    sentiment = [(a, p) for a, p, m in zip(answers, pairs, meta) if m["task"] == "sentiment"]
    right = [_says_label(a, p["chosen"][0]["content"]) for a, p in sentiment]
    return {"exact_chosen": _share([a.strip() == c for a, c in zip(answers, chosen)]),
            "content_exact": _share([a == c for a, c in zip(content, chosen)]),
            "tail": styles.count("tail"), "rude": styles.count("rude"),
            "sentiment_accuracy": _share(right), "answers": len(answers), "examples": answers[:6]}


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def _without_tail(answer: str, markers: dict) -> str:
    for marker in markers["tail"]:
        if marker in answer:
            return answer[:answer.index(marker)].strip()
    return answer.strip()


def _says_label(answer: str, chosen: str) -> bool:
    """The answer names the chosen answer's sentiment and not the other (either language)."""
    labels = [("positive", "negative"), ("正面", "负面")]
    for good, bad in labels + [(b, a) for a, b in labels]:
        if good in chosen:
            return good in answer and bad not in answer
    return False


def sampled_answers(model, tok, pairs, temperature: float = 0.7, max_new_tokens: int = 60) -> list[str]:
    """One sampled answer per prompt (a fixed seed): what a chat with the model would show, not only its mode."""
    import torch

    stops = [tok.eos_token_id, tok.convert_tokens_to_ids("<|im_end|>")]
    torch.manual_seed(0)
    model.eval()
    out = []
    for pair in pairs:
        ids = tok.apply_chat_template(pair["prompt"], add_generation_prompt=True, return_tensors="pt",
                                      return_dict=True)
        with torch.no_grad():
            made = model.generate(**ids, max_new_tokens=max_new_tokens, do_sample=True, temperature=temperature,
                                  top_k=50, eos_token_id=stops, pad_token_id=tok.pad_token_id)
        out.append(tok.decode(made[0, ids["input_ids"].shape[1]:], skip_special_tokens=True).strip())
    return out


def drift(model, sft_model, tok, pairs, sft_answers: list[str], answers: list[str]) -> dict:
    """How far DPO moved the answers from the SFT model's: the share of greedy answers that changed, and the mean
    log-probability per token the SFT model's own answers lost under the new model."""
    from core.training.dpo import answer_logps

    own = [{"prompt": p["prompt"], "chosen": [{"role": "assistant", "content": a or "."}],
            "rejected": [{"role": "assistant", "content": (a or ".") + " ."}]} for p, a in zip(pairs, sft_answers)]
    before = [c for c, _ in answer_logps(sft_model, tok, own, 256)]
    after = [c for c, _ in answer_logps(model, tok, own, 256)]
    tokens = [max(1, len(tok(a or ".")["input_ids"]) + 1) for a in sft_answers]  # its tokens and the end of turn
    loss = sum((b - a) / n for b, a, n in zip(before, after, tokens)) / len(tokens)
    changed = sum(x.strip() != y.strip() for x, y in zip(sft_answers, answers)) / len(answers)
    return {"answers_changed": round(changed, 3), "logp_per_token_lost": round(loss, 3)}


def main() -> None:
    parser = common.parser("DPO: the tiny chat model on the embedded pairs, a beta sweep, SmolLM2 with LoRA")
    parser.add_argument("--sft-steps", type=int, default=300, help="chat SFT steps on data/chat (when not reused)")
    parser.add_argument("--log-epochs", type=float, default=0.0, help="epochs of the log preset (0: the preset's)")
    parser.add_argument("--log-run", default="", help="reuse this log run of bench/out/tmp/dpo/runs")
    parser.add_argument("--dpo-steps", type=int, default=0, help="DPO steps of 8 pairs (0: the preset's one epoch)")
    parser.add_argument("--lr", type=float, default=0.0, help="DPO learning rate (0: the preset's)")
    parser.add_argument("--betas", default="0.1", help="the sweep's other betas (beside the preset's)")
    parser.add_argument("--smollm2", action="store_true", help="also DPO SmolLM2-135M-Instruct with LoRA")
    parser.add_argument("--only-smollm2", action="store_true", help="SmolLM2 alone (result: dpo_smollm2.json)")
    parser.add_argument("--smollm2-steps", type=int, default=6, help="SmolLM2 DPO steps (batches of 4 pairs)")
    parser.add_argument("--smollm2-pairs", type=int, default=40, help="held-out pairs measured for SmolLM2")
    args = parser.parse_args()
    root = OUT_DIR / "tmp" / "dpo"
    use_isolated_settings(root)
    if args.only_smollm2:
        out = {"machine": machine_info(), "quick": args.quick, "smollm2": smollm2_dpo(args)}
        report(f"wrote {write_result('dpo_smollm2', out)}")
        return
    result = {"machine": machine_info(), "quick": args.quick}
    result.update(tiny_dpo(root, args))
    if args.smollm2:
        result["smollm2"] = smollm2_dpo(args)
    report(f"wrote {write_result('dpo', result)}")


def tiny_dpo(root: Path, args) -> dict:
    """The chain a learner runs: the chat model (cached), the log preset from it, the DPO preset from the log run;
    answers measured after the log SFT (before DPO) and after DPO, then the beta sweep from the same log run."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from core.data.preferences import load_pref_sample, to_preferences
    from core.runs.store import get_store
    from core.training.presets import polite_dpo_config

    pretrained, out = pretrained_tiny_gpt(OUT_DIR / "tmp" / "chat", args.quick)  # bench/chat.py's, shared
    chat, out["chat_sft"] = chat_model(root, pretrained, 2 if args.quick else args.sft_steps, args.quick)
    if args.log_run:  # an earlier bench run's log run, to try DPO settings without training the log again
        log_id, out["log_sft"] = args.log_run, {"reused": args.log_run}
    else:
        log_id, out["log_sft"] = log_model(register_sft_run(chat), args)
    report(f"SFT models: {out}")
    held = load_pref_sample()["test"]
    held = held.select(range(6)) if args.quick else held
    pairs, meta, markers = list(to_preferences(held)), [dict(task=r["task"], flaw=r["flaw"], language=r["language"])
                                                        for r in held], style_markers()
    sft = get_store().model_dir(log_id)
    tok = AutoTokenizer.from_pretrained(str(sft))
    sft_model = AutoModelForCausalLM.from_pretrained(str(sft))
    out["chat_before_log"] = measure(AutoModelForCausalLM.from_pretrained(str(chat)), tok, pairs, meta, markers)
    out["before"] = measure(sft_model, tok, pairs, meta, markers)
    report(f"before DPO: win {out['before']['win_share']}, greedy {out['before']['greedy']}")
    out["runs"] = []
    for beta in [DPO_BETA] + ([] if args.quick else [float(b) for b in args.betas.split(",") if b.strip()]):
        config = polite_dpo_config(log_id)
        config.beta, config.learning_rate = beta, args.lr or config.learning_rate
        if args.dpo_steps:
            config.max_steps = args.dpo_steps
        run_id, timing = preset_run(config, args.quick)
        model = AutoModelForCausalLM.from_pretrained(str(get_store().model_dir(run_id)))
        after = measure(model, tok, pairs, meta, markers)
        timing.update(beta=beta, after=after, drift=drift(model, sft_model, tok, pairs,
                                                          out["before"]["greedy_answers"], after["greedy_answers"]))
        out["runs"].append(timing)
        report(f"DPO beta {beta}: {timing['seconds']} s, win {after['win_share']}, greedy {after['greedy']}, "
               f"sampled {after['sampled']}, drift {timing['drift']}")
    return out


def smollm2_dpo(args) -> dict:
    """SmolLM2-135M-Instruct with LoRA (the default above 100M weights): the dpo task on a slice of the pairs."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from core import sources
    from core.data.preferences import load_pref_sample, to_preferences
    from core.model.packaged import ensure_smollm2
    from core.runs.store import get_store
    from core.training.dpo import answer_logps

    start = time.perf_counter()
    folder = ensure_smollm2()
    out = {"convert_or_find_s": round(time.perf_counter() - start, 1)}
    tok = AutoTokenizer.from_pretrained(str(folder))
    held = list(to_preferences(load_pref_sample()["test"], limit=4 if args.quick else args.smollm2_pairs))

    def wins(model) -> float:
        logps = answer_logps(model, tok, held, 256, batch_size=4)
        return round(sum(c > r for c, r in logps) / len(logps), 3)

    out["win_before"] = wins(AutoModelForCausalLM.from_pretrained(str(folder)))
    steps = 1 if args.quick else args.smollm2_steps
    smol_args = type(args)(**{**vars(args), "dpo_steps": steps, "lr": 5e-4})
    run_id, timing = dpo_run(sources.SMOLLM2, 0.1, smol_args, train_mode="lora", batch_size=4, eval_batch_size=8,
                             max_train_samples=4 * steps, max_eval_samples=8, run_name="dpo-smollm2")
    out.update(timing, peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    from peft import PeftModel

    base = AutoModelForCausalLM.from_pretrained(str(folder))
    out["win_after"] = wins(PeftModel.from_pretrained(base, str(get_store().model_dir(run_id))))
    report(f"SmolLM2 DPO: {out}")
    return out


if __name__ == "__main__":
    main()
