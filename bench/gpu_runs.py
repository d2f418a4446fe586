"""The parts bench/gpu_check.py runs, in order, and its markdown table. Imported after the bundle is on sys.path."""

from __future__ import annotations

import dataclasses
import json
import math
import time
import traceback
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import report
from gpu_parts import build_bert, mean_tokens_of, peak_flops, run_engine, run_tutorial, train_flops_per_token

SEED = 42


def run_parts(args, size: dict, env: dict, bundle: dict, started: float) -> list[dict]:
    """Every part as one row; a part that fails or finds no time left is a row saying so."""
    from core import settings
    from core.jobs import child_process
    from core.jobs.manager import JobManager
    from core.model.tiny_gpt import build_tiny_gpt, ensure_tiny_gpt
    from core.runs.store import RunStore

    out = args.out.resolve()
    quiet()
    # nice 0: the app lowers its training process below the web server's pages; here nothing else runs
    settings.set_settings(settings.Settings(runs_dir=out / "runs", uploads_dir=out / "uploads", public=False,
                                            training_nice=0))
    manager = JobManager(RunStore(out / "runs"), isolate=True, inline=False)  # the app's own way: child processes
    manager.prewarm()  # as app.main() does: the next job's process imports while this one prepares
    peak = peak_flops(env.get("gpu", ""), args.peak_tflops) if env["cuda"] else None
    models = out / "models"
    bert = build_bert(models / "bert-base-sized", tokenizer_source(bundle), size["bert"])
    minilm = Path(bundle["minilm"]) if bundle.get("minilm") else (bert if args.dry_run else None)
    ctx = dict(manager=manager, size=size, peak=peak, cuda=env["cuda"], out=out)
    parts = [
        ("bert-base-sized speed: engine", lambda: engine_classifier(ctx, bert, "bert-base-sized speed: engine")),
        ("bert-base-sized speed: recipe", lambda: recipe_classifier(ctx, bert, "bert-base-sized speed: recipe")),
        ("MiniLM accuracy: engine", lambda: accuracy(ctx, minilm, engine=True)),
        ("MiniLM accuracy: recipe", lambda: accuracy(ctx, minilm, engine=False)),
        ("LoRA on bert-base-sized: engine", lambda: engine_classifier(ctx, bert, "LoRA on bert-base-sized: engine",
                                                                      lora=True)),
        ("tiny GPT packing: engine", lambda: causal_lm(ctx, ensure_tiny_gpt(), "tiny GPT packing: engine")),
        ("GPT-2-small-sized packing: engine", lambda: causal_lm(
            ctx, build_tiny_gpt(models / "gpt2-small-sized", shape=size["gpt"]), "GPT-2-small-sized packing: engine")),
        ("step-through", lambda: step_through_part(ctx, minilm or bert)),
    ]
    try:
        return [guarded(name, fn, started, args.budget_s) for name, fn in parts]
    finally:
        child_process.shutdown()


def quiet() -> None:
    """No progress bars in the log (here and in the training processes, which read the environment)."""
    import os

    from transformers.utils import logging as hf_logging

    os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")
    hf_logging.disable_progress_bar()


def guarded(part: str, fn, started: float, budget_s: float) -> dict:
    """Run one part; its failure is a row (with the traceback's tail), not the end of the check."""
    if time.perf_counter() - started > budget_s:
        return {"part": part, "skipped": f"time budget ({budget_s:.0f} s) spent"}
    report(f"-- {part}")
    try:
        row = fn()
    except Exception as err:  # noqa: BLE001 - every part is reported; the next one still runs
        row = {"part": part, "error": f"{type(err).__name__}: {err}"[:600], "traceback": traceback.format_exc()[-2000:]}
    report(f"   {json.dumps({k: v for k, v in row.items() if k != 'traceback'}, default=str)}")
    return row


def tokenizer_source(bundle: dict) -> Path:
    """MiniLM's tokenizer (bert-base-uncased's vocabulary): from the bundle, else the installed package."""
    for key in ("minilm", "tokenizer"):
        folder = bundle.get(key) or (str(Path(bundle["folder"]) / "tokenizer") if key == "tokenizer" else None)
        if folder and (Path(folder) / "tokenizer_config.json").exists():
            return Path(folder)
    from core.sources import embedded_model_path

    return embedded_model_path()


def run_name(part: str) -> str:
    """A part's title as a run name (letters, digits, spaces, '.', '-', '_')."""
    return part.replace(":", " -")


def classifier_config(ctx: dict, model: Path, name: str, steps: int, **extra):
    from core.training.config import TrainConfig

    size = ctx["size"]
    return TrainConfig(run_name=run_name(name), model=str(model), max_train_samples=0,
                       max_eval_samples=size["eval_rows"],
                       max_length=size["max_length"], padding="dynamic", batch_size=size["batch"], eval_batch_size=64,
                       max_steps=steps, eval_strategy="no", save_model=False, metrics=["accuracy"],
                       logging_steps=size["logging_steps"], seed=SEED, precision="auto", **extra)


def flops(model_dir: Path, seq_len: float, lora: bool = False, causal: bool = False) -> float:
    """FLOPs per trained token of the model in model_dir, counted on the meta device (no weights loaded)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSequenceClassification

    auto = AutoModelForCausalLM if causal else AutoModelForSequenceClassification
    with torch.device("meta"):
        model = auto.from_config(AutoConfig.from_pretrained(str(model_dir)))
    return train_flops_per_token(model, seq_len, lora)


def engine_classifier(ctx: dict, model: Path, part: str, lora: bool = False) -> dict:
    size = ctx["size"]
    extra = {"train_mode": "lora"} if lora else {}
    config = classifier_config(ctx, model, part, size["steps"] + size["warmup"], evaluate_before=False, **extra)
    seq = mean_tokens_of(model, size["max_length"])
    return run_engine(ctx["manager"], config, size["warmup"], seq, flops(model, seq, lora), ctx["peak"], part)


def recipe_classifier(ctx: dict, model: Path, part: str) -> dict:
    size = ctx["size"]
    return run_tutorial(model, ctx["out"] / "recipe", steps=size["steps"] + size["warmup"], warmup=size["warmup"],
                        batch=size["batch"], max_length=size["max_length"], evaluate=False, part=part,
                        flops_per_token=flops(model, size["max_length"]), peak=ctx["peak"])


def accuracy(ctx: dict, model: Path | None, engine: bool) -> dict:
    """MiniLM trained the same number of steps both ways (3 epochs of the 1,120 reviews): accuracy on the 280."""
    part = f"MiniLM accuracy: {'engine' if engine else 'recipe'}"
    if model is None:
        return {"part": part, "skipped": "MiniLM is not in the bundle (scripts/prepare_gpu_check.py left it out)"}
    size = ctx["size"]
    steps = math.ceil(1120 / size["batch"]) * size["minilm_epochs"] or size["steps"] + size["warmup"]
    if not engine:
        return run_tutorial(model, ctx["out"] / "recipe", steps=steps, warmup=size["warmup"], batch=size["batch"],
                            max_length=size["max_length"], evaluate=True, part=part, eval_rows=size["eval_rows"],
                            flops_per_token=flops(model, size["max_length"]), peak=ctx["peak"])
    config = classifier_config(ctx, model, part, steps, evaluate_before=True)
    seq = mean_tokens_of(model, size["max_length"])
    return run_engine(ctx["manager"], config, size["warmup"], seq, flops(model, seq), ctx["peak"], part)


def causal_lm(ctx: dict, model: Path, part: str) -> dict:
    """Packed blocks of the reviews (every token real): tokens/s = samples/s x block_size."""
    from core.training.presets import pretrain_tiny_gpt_config

    size = ctx["size"]
    block = min(size["block"], 128) if "tiny-gpt" in str(model) else size["block"]
    config = dataclasses.replace(
        pretrain_tiny_gpt_config(), run_name=run_name(part), model=str(model), block_size=block,
        batch_size=size["batch"] // 2 if "tiny-gpt" not in str(model) else size["batch"],
        max_steps=size["gpt_steps"] + size["warmup"], eval_strategy="no", evaluate_before=False, save_model=False,
        max_eval_samples=min(64, size["eval_rows"] or 64), logging_steps=size["logging_steps"], precision="auto")
    return run_engine(ctx["manager"], config, size["warmup"], block, flops(model, block, causal=True), ctx["peak"],
                      part)


def step_through_part(ctx: dict, model: Path) -> dict:
    """The six stages on this machine; they run on the CPU by design, so CUDA memory must not move."""
    import torch

    from core.training import step_through
    from core.training.config import TrainConfig

    config = TrainConfig(run_name="gpu-check step-through", model=str(model), max_train_samples=200,
                         max_length=ctx["size"]["max_length"], batch_size=16, seed=SEED)
    before = torch.cuda.memory_allocated() if ctx["cuda"] else None
    start = time.perf_counter()
    result = step_through.step_through(config, "gpu-check")
    seconds = time.perf_counter() - start
    walk = step_through.walk_for(config, "gpu-check")
    device = str(next(walk.model.parameters()).device)
    change = (torch.cuda.memory_allocated() - before) / 2**20 if ctx["cuda"] else None
    step_through.forget("gpu-check")
    after = result["stages"]["after"]
    return {"part": "step-through", "path": "core.training.step_through", "model": model.name, "device": device,
            "stages": len(result["stages"]), "seconds": round(seconds, 1), "cuda_allocated_change_mib": change,
            "loss_before": after.get("loss_before"), "loss_after": after.get("loss_after"),
            "ok": device == "cpu" and not change}


COLUMNS = (("part", "part"), ("path", "path"), ("precision", "precision"), ("padding", "padding"),
           ("steps", "steps"), ("samples_per_s", "samples/s"), ("tokens_per_s", "tokens/s"),
           ("peak_gpu_mib", "peak GPU MiB"), ("gpu_rise_mib", "device rise MiB"), ("mfu", "MFU"),
           ("accuracy", "accuracy"), ("perplexity", "perplexity"),
           ("seconds", "s"))


def markdown(result: dict) -> str:
    """The environment in a few lines and one row per part."""
    env = result["environment"]
    versions = ", ".join(f"{d} {p['version']}" + (f" ({p['from']})" if p.get("from") == "bundle" else "")
                         for d, p in env["packages"].items() if p["version"])
    lines = [f"# GPU check{' (dry run: CPU, tiny sizes; numbers mean nothing)' if result['dry_run'] else ''}", "",
             f"- GPU: {env.get('gpu', 'none')} ({env.get('gpu_memory_gib', '-')} GiB, bf16 {env.get('bf16', '-')}), "
             f"CUDA {env.get('torch_cuda', '-')}; Python {env['python']}; network: {env['network']}",
             f"- packages: {versions}", f"- missing: {', '.join(env['missing']) or 'nothing'}; differs from "
             f"requirements.txt: {', '.join(env['differs_from_pin']) or 'nothing'}",
             f"- whole check: {result['seconds']} s", "",
             "| " + " | ".join(title for _, title in COLUMNS) + " | note |",
             "|" + "---|" * (len(COLUMNS) + 1)]
    for row in result["rows"]:
        note = row.get("error") or row.get("skipped") or _note(row)
        cells = ["" if row.get(key) is None else str(row[key]) for key, _ in COLUMNS]
        lines.append("| " + " | ".join(cells) + f" | {note.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def _note(row: dict) -> str:
    if row.get("part") == "step-through":
        return f"device {row['device']}, CUDA memory change {row['cuda_allocated_change_mib']} MiB"
    args = row.get("args") or {}
    return ", ".join(f"{k} {v}" for k, v in args.items()) or row.get("device", "")
