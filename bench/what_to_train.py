"""What to train: full fine-tuning vs the head only vs the top 2 blocks vs LoRA, at the same budget.

MiniLM (the packaged all-MiniLM-L6-v2) on the embedded reviews: all 1,120 train rows, one epoch (70 steps of 16),
max_length 128, the app's defaults otherwise, accuracy on the 280 test rows. Each variant runs the real engine
(core.training.trainer.run with TrainConfig.train_mode) in its own Python process, so its peak memory is its own:
RSS on CPU (ru_maxrss; and the RSS when training begins, after the data and model are loaded), CUDA peak where
there is a GPU. Also measured: train samples/s over the optimizer steps after a warm-up (a step callback;
evaluation excluded), trainable parameters, and the size on disk of what the run saves (model/: the whole model,
or the LoRA adapter, each with the tokenizer; and the weight files alone). Each mode gets the learning rate it is normally used with (a frozen body needs a larger
step to move the head): full 5e-5, last 2 blocks 1e-4, LoRA 2e-3, head 1e-2 (--lr mode=value changes one).

    python bench/what_to_train.py [--quick] [--repeats 1] [--modes full head last_n_layers lora] [--lr head=1e-3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import OUT_DIR, ROOT, bench_model, check, load_average, machine_info, median, parser, report, write_result
from tutorial_recipe import step_clock

BATCH, SEED, MAX_LENGTH = 16, 42, 128
LEARNING_RATES = {"full": 5e-5, "head": 1e-2, "last_n_layers": 1e-4, "lora": 2e-3}
MODES = tuple(LEARNING_RATES)


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0


def memory_probe():
    """A callback noting the process RSS when training begins (data and model loaded, no step taken yet)."""
    import psutil
    from transformers import TrainerCallback

    class Probe(TrainerCallback):
        rss_at_start = 0
        trainable = total = 0

        def on_train_begin(self, args, state, control, model=None, **kwargs):
            from core.model.trainable import count_parameters

            self.rss_at_start = psutil.Process().memory_info().rss
            counts = count_parameters(model)
            self.trainable, self.total = counts["trainable"], counts["total"]

    return Probe()


def run_variant(mode: str, quick: bool, warmup: int, learning_rate: float) -> dict:
    """One training run in this process (the child): what the app does for this train mode."""
    import torch
    import transformers

    from core.runs.store import RunStore
    from core.training.config import TrainConfig
    from core.training.trainer import run

    transformers.logging.set_verbosity_error()
    store = RunStore(OUT_DIR / "tmp" / f"wtt-{mode}-{time.time_ns()}")
    config = TrainConfig(run_name=f"wtt {mode}", model=bench_model(quick), train_mode=mode, train_last_layers=1 if quick else 2,
                         max_train_samples=64 if quick else 0, max_eval_samples=32 if quick else 0,
                         max_steps=2 if quick else -1, num_train_epochs=1.0, max_length=32 if quick else MAX_LENGTH,
                         batch_size=BATCH, learning_rate=learning_rate, eval_strategy="no",
                         evaluate_before=False, metrics=["accuracy"], seed=SEED, logging_steps=10)
    run_id = store.new_run(config.to_dict())
    clock, probe = step_clock(), memory_probe()
    start = time.perf_counter()
    result = run(config, store.path(run_id), callbacks=[clock, probe])
    wall = time.perf_counter() - start
    saved = folder_bytes(store.model_dir(run_id))
    weights = sum(f.stat().st_size for f in store.model_dir(run_id).glob("*.safetensors"))
    shutil.rmtree(store.root, ignore_errors=True)
    return {"mode": mode, "learning_rate": config.learning_rate, "state": result["state"],
            "eval_accuracy": result["final"].get("eval_accuracy"), "steps": result.get("global_step"),
            "samples_per_s": clock.samples_per_second(BATCH, warmup), "wall_s": wall,
            "trainable_params": probe.trainable, "total_params": probe.total,
            "rss_at_train_start_mb": probe.rss_at_start / 2**20,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "cuda_peak_mb": torch.cuda.max_memory_allocated() / 2**20 if torch.cuda.is_available() else None,
            "saved_bytes": saved, "weights_bytes": weights, "load_avg": [round(v, 2) for v in load_average()]}


def in_child(mode: str, quick: bool, warmup: int, learning_rate: float) -> dict:
    """Run one variant in a fresh Python process and read its JSON line (its own peak memory)."""
    args = [sys.executable, __file__, "--child", mode, "--warmup", str(warmup), "--lr", f"{mode}={learning_rate}"]
    args += ["--quick"] if quick else []
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env={**os.environ}, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def summarize(rows: dict[str, list[dict]]) -> dict:
    """Medians per mode, and the ratios the issue asks about (within one run, same machine)."""
    out = {}
    for mode, runs in rows.items():
        out[mode] = {key: median(r[key] for r in runs) for key in
                     ("eval_accuracy", "samples_per_s", "wall_s", "peak_rss_mb", "rss_at_train_start_mb", "saved_bytes",
                      "weights_bytes")}
        out[mode].update(trainable_params=runs[0]["trainable_params"], total_params=runs[0]["total_params"],
                         learning_rate=runs[0]["learning_rate"], cuda_peak_mb=runs[0]["cuda_peak_mb"], runs=runs)
        report(f"{mode:14s} acc {out[mode]['eval_accuracy']:.4f}  {out[mode]['samples_per_s']:6.1f} samples/s  "
               f"peak RSS {out[mode]['peak_rss_mb']:7.0f} MB  trainable {out[mode]['trainable_params']:>11,}  "
               f"saved {out[mode]['saved_bytes'] / 1e6:7.2f} MB (weights {out[mode]['weights_bytes'] / 1e6:.2f} MB)")
    return out


def targets(summary: dict) -> list[dict]:
    found = []
    if "full" in summary and "head" in summary:
        found.append(check("head / full train samples/s", summary["head"]["samples_per_s"] /
                           summary["full"]["samples_per_s"], 2.0, lower_is_better=False))
    if "full" in summary and "lora" in summary:
        found.append(check("accuracy points lost by LoRA (full - lora)", 100 * (summary["full"]["eval_accuracy"] -
                                                                              summary["lora"]["eval_accuracy"]), 3.0))
        found.append(check("LoRA adapter weights on disk (MB)", summary["lora"]["weights_bytes"] / 1e6, 5.0))
    return found


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    p.add_argument("--warmup", type=int, default=5, help="untimed optimizer steps at the start of each run")
    p.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)  # internal: run one variant in this process
    p.add_argument("--lr", nargs="*", default=[], metavar="MODE=RATE", help="a learning rate other than the default")
    p.set_defaults(repeats=1)
    args = p.parse_args()
    rates = {**LEARNING_RATES, **{k: float(v) for k, v in (item.split("=", 1) for item in args.lr)}}
    if args.quick:
        args.warmup = 1
    if args.child:  # one variant, in this process: print its result as the last line
        print(json.dumps(run_variant(args.child, args.quick, args.warmup, rates[args.child])), flush=True)
        return
    info = machine_info()
    rows: dict[str, list[dict]] = {mode: [] for mode in args.modes}
    for repeat in range(args.repeats):
        order = args.modes if repeat % 2 == 0 else list(reversed(args.modes))  # alternate who runs first
        for mode in order:
            rows[mode].append(in_child(mode, args.quick, args.warmup, rates[mode]))
            report(f"  r{repeat} {mode}: {rows[mode][-1]['samples_per_s']:.1f} samples/s, "
                   f"acc {rows[mode][-1]['eval_accuracy']}, load {rows[mode][-1]['load_avg']}")
    summary = summarize(rows)
    path = write_result("what_to_train", {"machine": info, "quick": args.quick, "repeats": args.repeats,
                                          "batch_size": BATCH, "max_length": MAX_LENGTH, "warmup": args.warmup,
                                          "results": summary, "targets": targets(summary)}, args.out)
    report(f"wrote {path}")


if __name__ == "__main__":
    main()
