"""The measured parts of bench/gpu_check.py: models built from a config, the engine's runs through the job manager,
the tutorial recipe in this process, and what each figure is computed from (throughput, GPU memory, MFU).

Each part returns one row of the check's table: {"part", "path", "model", "precision", "padding", "steps",
"samples_per_s", "tokens_per_s", "peak_gpu_mib", "mfu", "accuracy" | "perplexity", "seconds", ...}.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from tutorial_recipe import run_recipe, step_clock

# Dense bf16 peak of the GPUs a run may land on, TFLOP/s (vendor datasheets, without sparsity).
PEAK_BF16_TFLOPS = {"H100": 989.0, "H200": 989.0, "A100": 312.0, "L40S": 362.0, "L4": 121.0, "A10": 125.0}
BERT_BASE = {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072}
GPT2_SMALL = {"n_layer": 12, "n_embd": 768, "n_head": 12, "n_positions": 1024}


def peak_flops(gpu_name: str, override_tflops: float = 0.0) -> float | None:
    """The GPU's dense bf16 peak in FLOP/s, from its name (None when unknown and not given)."""
    if override_tflops:
        return override_tflops * 1e12
    for key, tflops in PEAK_BF16_TFLOPS.items():
        if key in gpu_name:
            return tflops * 1e12
    return None


def train_flops_per_token(model, seq_len: float, lora: bool = False) -> float:
    """Model FLOPs per trained token (the PaLM appendix B count): 6 per non-embedding weight (forward 2, backward 4)
    plus attention's 12 x layers x width x sequence length. LoRA computes no gradient for the frozen weights: 4."""
    config = model.config
    layers = getattr(config, "num_hidden_layers", None) or config.n_layer
    width = getattr(config, "hidden_size", None) or config.n_embd
    embedding = sum(m.weight.numel() for m in model.modules() if type(m).__name__ == "Embedding")
    weights = sum(p.numel() for p in model.parameters()) - embedding
    return (4 if lora else 6) * weights + 12 * layers * width * seq_len


def mfu(tokens_per_s: float | None, flops_per_token: float, peak: float | None) -> float | None:
    return round(tokens_per_s * flops_per_token / peak, 4) if tokens_per_s and peak else None


class GpuMemory:
    """Peak GPU memory while a part runs, sampled from nvidia-smi: per process (the training child's included) and,
    since a container may hide process ids, the device's used memory above its level when the part started."""

    def __init__(self, every_s: float = 0.5):
        self.every_s, self.peak_mib, self._stop = every_s, {}, threading.Event()
        self.available = shutil.which("nvidia-smi") is not None
        self.start_used = self.peak_used = self._device_used() if self.available else None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self.available:
            self._thread.join(timeout=5)

    @staticmethod
    def _query(*args: str) -> list[str]:
        try:
            out = subprocess.run(["nvidia-smi", *args, "--format=csv,noheader,nounits"], capture_output=True,
                                 text=True, timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            return []
        return out.stdout.splitlines()

    def _device_used(self) -> int | None:
        lines = self._query("--query-gpu=memory.used", "--id=0")
        return int(lines[0]) if lines and lines[0].strip().isdigit() else None

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            for line in self._query("--query-compute-apps=pid,used_memory"):
                pid, _, used = line.partition(",")
                if pid.strip().isdigit() and used.strip().isdigit():
                    self.peak_mib[int(pid)] = max(self.peak_mib.get(int(pid), 0), int(used))
            used = self._device_used()
            if used is not None:
                self.peak_used = max(self.peak_used or 0, used)

    def peak(self, pid: int | None = None, others: bool = False) -> int | None:
        """The peak of one process, or (others) of the largest process other than this one (the child)."""
        import os

        if others:
            values = [v for p, v in self.peak_mib.items() if p != os.getpid()]
            return max(values) if values else None
        return self.peak_mib.get(pid if pid is not None else os.getpid())

    def device_rise(self) -> int | None:
        """The device's peak used memory above its level at the start (MiB)."""
        return None if self.peak_used is None or self.start_used is None else self.peak_used - self.start_used


def mean_tokens(tokenizer, max_length: int) -> float:
    """Real (non-pad) tokens per training row of the embedded reviews, truncated as the runs truncate."""
    import pandas as pd

    from core.data.source import SAMPLE_DIR

    texts = list(pd.read_csv(SAMPLE_DIR / "train.csv")["text"])
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]]
    return sum(lengths) / len(lengths)


def records_rate(points: list[dict], batch: int, warmup: int) -> float | None:
    """Samples/s of the train records after the warm-up steps (their wall times, logged after each step)."""
    train = [p for p in points if p.get("kind") == "train" and "loss" in p and p["step"] >= warmup]
    if len(train) < 2 or train[-1]["time"] <= train[0]["time"]:
        return None
    return (train[-1]["step"] - train[0]["step"]) * batch / (train[-1]["time"] - train[0]["time"])


def engine_args(config) -> dict:
    """What the engine's TrainingArguments turn on for this config here (the same function the child calls)."""
    from core.training.trainer import resolve_precision, training_arguments

    args = training_arguments(config, common.OUT_DIR / "tmp" / "gpu-check-args", resolve_precision(config.precision))
    return {"optim": str(getattr(args.optim, "value", args.optim)), "bf16": args.bf16, "fp16": args.fp16,
            "tf32": getattr(args, "tf32", None)}


def run_engine(manager, config, warmup: int, tokens_per_sample: float, flops_per_token: float,
               peak: float | None, part: str) -> dict:
    """One job through the job manager (a child process, precision auto), waited for as the Train tab does."""
    start = time.perf_counter()
    with GpuMemory() as memory:
        job_id = manager.start(config)
        state = manager.wait(job_id, timeout=600)
    snap = manager.snapshot(job_id)
    if state != "done":
        raise RuntimeError(f"the job ended {state}: {snap.get('error')}")
    rate = records_rate(snap["points"], config.batch_size, warmup)
    tokens = rate * tokens_per_sample if rate else None
    final = snap["final"]
    return {"part": part, "path": "engine (job manager, child process)", "model": Path(config.model).name,
            "precision": config.precision, "device": snap["device"], "args": engine_args(config),
            "padding": config.padding if config.task == "classification" else f"packing {config.packing}",
            "batch": config.batch_size, "steps": snap["step"], "samples_per_s": _round(rate),
            "tokens_per_s": _round(tokens), "peak_gpu_mib": memory.peak(others=True),
            "gpu_rise_mib": memory.device_rise(),
            "mfu": mfu(tokens, flops_per_token, peak), "accuracy": _round(final.get("eval_accuracy"), 4),
            "baseline_accuracy": _round(snap["baseline"].get("eval_accuracy"), 4),
            "perplexity": _round(final.get("eval_perplexity"), 2), "seconds": round(time.perf_counter() - start, 1)}


def run_tutorial(model_dir: Path, out: Path, *, steps: int, warmup: int, batch: int, max_length: int,
                 flops_per_token: float, peak: float | None, evaluate: bool, part: str, eval_rows: int = 0) -> dict:
    """The tutorial recipe in this process (padding to max_length, fp32: TrainingArguments' defaults)."""
    import torch

    cuda = torch.cuda.is_available()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    clock, start = step_clock(), time.perf_counter()
    with GpuMemory() as memory:
        result = run_recipe(out, model=str(model_dir), max_length=max_length, padding="max_length", max_steps=steps,
                            batch_size=batch, eval_rows=eval_rows, evaluate_at_end=evaluate, callbacks=[clock])
    rate = clock.samples_per_second(batch, warmup)
    rate = None if rate != rate else rate  # NaN: too few steps to time
    real = mean_tokens_of(model_dir, max_length)
    return {"part": part, "path": "tutorial recipe (plain Trainer)", "model": model_dir.name, "precision": "fp32",
            "device": "cuda" if cuda else "cpu", "padding": f"max_length {max_length}", "batch": batch,
            "steps": result["global_step"], "samples_per_s": _round(rate),
            "tokens_per_s": _round(rate * real if rate else None),
            "padded_tokens_per_s": _round(rate * max_length if rate else None),
            "peak_gpu_mib": memory.peak(), "gpu_rise_mib": memory.device_rise(), "peak_allocated_mib":
                round(torch.cuda.max_memory_allocated() / 2**20) if cuda else None,
            "mfu": mfu(rate * real if rate else None, flops_per_token, peak), "accuracy": result["eval_accuracy"],
            "seconds": round(time.perf_counter() - start, 1)}


def mean_tokens_of(model_dir: Path, max_length: int) -> float:
    from transformers import AutoTokenizer

    return mean_tokens(AutoTokenizer.from_pretrained(str(model_dir)), max_length)


def build_bert(folder: Path, tokenizer_dir: Path, shape: dict) -> Path:
    """A BERT classifier of random weights from a config (speed needs no trained weights), with a real tokenizer."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    if (folder / "config.json").exists():
        return folder
    tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(tokenizer), max_position_embeddings=512, num_labels=2, **shape)
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)
