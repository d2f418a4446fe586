"""GPU: the tutorial recipe vs the app's GPU defaults on bert-base-cased, a 20,000-row yelp_review_full slice.

recipe: padding='max_length' (256), fp32, the default AdamW. app: dynamic padding (DataCollatorWithPadding),
bf16 (fp16 where the GPU has no bf16), fused AdamW (optim='adamw_torch_fused'), TF32 matmuls. A third run goes
through the engine itself (core.training.trainer.run with the config the app would build, precision 'auto'), so the
gap between the engine's defaults and the proposed extras shows. Train samples/s over fixed steps after a
warm-up, then accuracy on --eval-rows test rows. Needs a CUDA GPU and bert-base-cased + yelp_review_full from
the Hub or the local cache (`python app.py --prefetch yelp_review_full bert-base-cased`); exits with a clear
message otherwise (status 0: nothing to measure is not a failure).

    python bench/gpu_recipe.py [--quick] [--steps 100] [--repeats 3]
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import OUT_DIR, machine_info, median, parser, report, write_result
from tutorial_recipe import step_clock

MODEL, DATASET, MAX_LENGTH, BATCH, SEED = "bert-base-cased", "yelp_review_full", 256, 32, 42


def unavailable() -> str:
    """Why this benchmark cannot run here ('' when it can)."""
    if not any(Path("/dev").glob("nvidia*")):  # answered without the slow torch import
        return "no NVIDIA GPU on this machine (no /dev/nvidia*)"
    import torch

    if not torch.cuda.is_available():
        return "no CUDA GPU on this machine"
    from core.sources import is_dataset_cached, is_model_cached
    from core.sources import is_online

    if not is_online() and not (is_model_cached(MODEL) and is_dataset_cached(DATASET)):
        return (f"offline and {MODEL} / {DATASET} are not in the local cache: run "
                f"`python app.py --prefetch {DATASET} {MODEL}` once with network access")
    return ""


def load_data(train_rows: int, eval_rows: int):
    from datasets import load_dataset

    dataset = load_dataset(DATASET)
    return (dataset["train"].shuffle(seed=SEED).select(range(train_rows)),
            dataset["test"].shuffle(seed=SEED).select(range(eval_rows)))


def run_trainer(name: str, train, test, app_defaults: bool, steps: int, warmup: int) -> dict:
    """One plain-Trainer run: the recipe, or the same script with the app's GPU defaults switched on."""
    import numpy as np
    import torch
    from transformers import (AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer,
                              TrainingArguments, default_data_collator, set_seed)

    from core.training.metrics import make_compute_metrics

    tok = AutoTokenizer.from_pretrained(MODEL)
    padding = False if app_defaults else "max_length"
    encode = lambda b: tok(b["text"], padding=padding, truncation=True, max_length=MAX_LENGTH)  # noqa: E731
    train_t, test_t = (d.map(encode, batched=True, remove_columns=["text"]) for d in (train, test))
    set_seed(SEED)
    model = AutoModelForSequenceClassification.from_pretrained(MODEL, num_labels=5)
    bf16 = torch.cuda.is_bf16_supported()
    extra = dict(bf16=bf16, fp16=not bf16, optim="adamw_torch_fused", tf32=True) if app_defaults else {}
    args = TrainingArguments(output_dir=str(OUT_DIR / "tmp" / f"gpu-{name}-{time.time_ns()}"),
                             per_device_train_batch_size=BATCH, per_device_eval_batch_size=64, learning_rate=5e-5,
                             max_steps=steps + warmup, seed=SEED, eval_strategy="no", save_strategy="no",
                             logging_steps=50, report_to="none", disable_tqdm=True, **extra)
    clock = step_clock()
    trainer = Trainer(model=model, args=args, train_dataset=train_t, eval_dataset=test_t,
                      data_collator=DataCollatorWithPadding(tok) if app_defaults else default_data_collator,
                      compute_metrics=make_compute_metrics(["accuracy"], 5), callbacks=[clock])
    trainer.train()
    accuracy = trainer.evaluate()["eval_accuracy"]
    del trainer, model
    torch.cuda.empty_cache()
    return {"samples_per_s": clock.samples_per_second(BATCH, warmup), "eval_accuracy": float(np.round(accuracy, 4))}


def run_engine(train_rows: int, eval_rows: int, steps: int, warmup: int) -> dict:
    """The engine as it is (core.training.trainer.run, precision auto, dynamic padding)."""
    from core.training.config import TrainConfig
    from core.training.trainer import run

    config = TrainConfig(run_name="gpu-engine", model=MODEL, dataset={"kind": "hub", "name": DATASET},
                         max_train_samples=train_rows, max_eval_samples=eval_rows, max_length=MAX_LENGTH,
                         batch_size=BATCH, eval_batch_size=64, max_steps=steps + warmup, eval_strategy="no",
                         evaluate_before=False, save_model=False, metrics=["accuracy"], seed=SEED, logging_steps=50)
    clock = step_clock()
    result = run(config, OUT_DIR / "tmp" / f"gpu-engine-{time.time_ns()}", callbacks=[clock])
    return {"samples_per_s": clock.samples_per_second(BATCH, warmup),
            "eval_accuracy": result["final"].get("eval_accuracy")}


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--train-rows", type=int, default=20_000)
    p.add_argument("--eval-rows", type=int, default=1_000)
    args = p.parse_args()
    if args.quick:
        args.steps, args.warmup, args.repeats, args.train_rows, args.eval_rows = 5, 2, 1, 512, 128
    from core import sources

    sources.detect_online()
    reason = unavailable()
    if reason:
        report(f"gpu_recipe: skipped - {reason}")
        write_result("gpu_recipe", {"skipped": reason, "quick": args.quick,
                                    "machine": {"platform": platform.platform()}}, args.out)
        sys.exit(0)
    info = machine_info()
    import torch

    info["gpu"] = torch.cuda.get_device_name(0)
    train, test = load_data(args.train_rows, args.eval_rows)
    table = {"recipe": lambda: run_trainer("recipe", train, test, False, args.steps, args.warmup),
             "app defaults": lambda: run_trainer("app", train, test, True, args.steps, args.warmup),
             "engine as is": lambda: run_engine(args.train_rows, args.eval_rows, args.steps, args.warmup)}
    runs = {name: [] for name in table}
    for repeat in range(args.repeats):
        for name in (list(table) if repeat % 2 == 0 else list(reversed(table))):
            runs[name].append(table[name]())
            report(f"r{repeat} {name:14s} {runs[name][-1]}")
    summary = {name: {"samples_per_s_median": median(r["samples_per_s"] for r in rs),
                      "eval_accuracy": [r["eval_accuracy"] for r in rs]} for name, rs in runs.items()}
    base = summary["recipe"]["samples_per_s_median"]
    for name, s in summary.items():
        s["speedup_vs_recipe"] = s["samples_per_s_median"] / base
        report(f"{name:14s} {s['samples_per_s_median']:8.1f} samples/s  x{s['speedup_vs_recipe']:.2f}  "
               f"accuracy {s['eval_accuracy']}")
    write_result("gpu_recipe", {"machine": info, "quick": args.quick, "steps": args.steps, "results": summary,
                                "runs": runs}, args.out)


if __name__ == "__main__":
    main()
