"""Shared helpers for the benchmark scripts: offline set-up, machine info, timing, medians, JSON output.

Every script is run as `python bench/<name>.py [--quick] [--repeats N]`; raw results go to bench/out/<name>.json
(gitignored), and the figures quoted in bench/RESULTS.md come from those files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
from importlib import metadata
import sys
import time
from contextlib import contextmanager
from pathlib import Path

# Benchmarks never touch the Hub: set before any Hugging Face import.
for _var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "out"))
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ on the path, not the repo root
    sys.path.insert(0, str(ROOT))


def parser(description: str) -> argparse.ArgumentParser:
    """The flags every benchmark takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="smoke run of a few seconds (numbers not meaningful)")
    p.add_argument("--repeats", type=int, default=3, help="runs per variant; medians are quoted")
    p.add_argument("--out", type=Path, default=None, help="JSON result file (default bench/out/<name>.json)")
    return p


def load_average() -> tuple[float, float, float]:
    return os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process (all its threads) has used so far, from /proc (Linux)."""
    return cpu_seconds_of(f"/proc/{pid}/stat")


def thread_cpu() -> dict[str, float]:
    """CPU seconds of this process's threads so far, by Python thread name (digits folded, so a pool's
    threads add up); threads Python did not start (torch, tokenizers, pyarrow pools) as "native"."""
    import re  # only the load benchmark asks
    import threading  # idem

    names = {t.native_id: re.sub(r"\d+", "N", t.name) for t in threading.enumerate()}
    out: dict[str, float] = {}
    for tid in os.listdir("/proc/self/task"):
        seconds = cpu_seconds_of(f"/proc/self/task/{tid}/stat")
        if seconds is not None:
            name = names.get(int(tid), "native")
            out[name] = out.get(name, 0.0) + seconds
    return out


def cpu_seconds_of(stat_path: str) -> float | None:
    """User + system CPU seconds from a /proc stat file (a process's or one thread's); None once it is gone."""
    try:
        fields = Path(stat_path).read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_info() -> dict:
    """What the figures were measured on: CPU, cores, load, library versions, date."""
    import torch

    info = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(), "platform": platform.platform(),
        "cpu": _cpu_model(), "cores": os.cpu_count(), "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__, "cuda": torch.cuda.is_available(),
        "load_avg_start": [round(v, 2) for v in load_average()],
    }
    for name in ("transformers", "datasets", "tokenizers", "gradio", "accelerate"):
        try:  # package metadata, not an import: gradio alone takes seconds to import
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = None
    return info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def median(values) -> float:
    values = [v for v in values if v is not None]
    return float(statistics.median(values)) if values else float("nan")


def percentile(values, q: float) -> float:
    """q-th percentile (0-100) by linear interpolation, without numpy."""
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


@contextmanager
def timer():
    """with timer() as t: ...; t["s"] holds the elapsed seconds afterwards."""
    box = {"s": float("nan")}
    start = time.perf_counter()
    try:
        yield box
    finally:
        box["s"] = time.perf_counter() - start


def write_result(name: str, result: dict, path: Path | None = None) -> Path:
    """Save a result (with machine info and the load at the end) as JSON; returns the path."""
    path = path or OUT_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": name, "argv": sys.argv[1:], **result}
    if "machine" not in result:  # not setdefault: machine_info() imports torch
        result["machine"] = machine_info()
    result["machine"]["load_avg_end"] = [round(v, 2) for v in load_average()]
    path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def report(line: str) -> None:
    """Progress and result lines of a benchmark (a command-line entry point, so stdout is right)."""
    print(line, flush=True)


def check(name: str, value: float, target: float, lower_is_better: bool = True) -> dict:
    """A target verdict for RESULTS.md: met or missed, and by how much."""
    met = value <= target if lower_is_better else value >= target
    margin = (value - target) / target if target else float("nan")
    report(f"TARGET {name}: {value:.4g} vs {'<=' if lower_is_better else '>='} {target:g}: "
           f"{'MET' if met else 'MISSED'} ({margin:+.1%})")
    return {"name": name, "value": value, "target": target, "lower_is_better": lower_is_better,
            "met": met, "margin": margin}


def tiny_model_dir() -> Path:
    """A tiny BERT with the embedded tokenizer (for --quick smoke runs only: real code path, toy weights)."""
    path = OUT_DIR / "tmp" / "tiny-bert"
    if (path / "config.json").exists():
        return path
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from core.sources import embedded_model_path

    tok = AutoTokenizer.from_pretrained(str(embedded_model_path()))
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=37, max_position_embeddings=512, num_labels=2)
    BertForSequenceClassification(config).save_pretrained(path)
    tok.save_pretrained(path)
    return path


def bench_model(quick: bool) -> str:
    """The model a benchmark fine-tunes: the packaged MiniLM, or the tiny BERT in a --quick smoke run."""
    from core.sources import embedded_model_path

    return str(tiny_model_dir() if quick else embedded_model_path())
