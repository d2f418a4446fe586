"""Texts per second through dataset.map(tokenize): batched vs row by row, with num_proc=2, and Rust threads.

The texts are the embedded reviews repeated to --rows rows; the tokenizer is the packaged MiniLM's fast one.
Every variant writes nothing to the datasets cache (keep_in_memory, no cache file) so each run does the work.
Variants are interleaved in each repeat. TOKENIZERS_PARALLELISM (the Rust thread pool used by a batched call)
is set per variant; num_proc forks workers, so those run with it off, as the tokenizers library requires.

    python bench/tokenization.py [--quick] [--rows 40000] [--repeats 3]
"""

from __future__ import annotations

import os
import time

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import machine_info, median, parser, report, write_result

MAX_LENGTH = 128


def build_dataset(rows: int):
    from datasets import Dataset

    from core.data.loading import load_source
    from core.data.source import SAMPLE

    texts = load_source(SAMPLE)["train"].data.column("text").to_pylist()
    return Dataset.from_dict({"text": [texts[i % len(texts)] for i in range(rows)]})


def variants(dataset, tok) -> dict:
    """name -> (function doing the work, TOKENIZERS_PARALLELISM value)."""
    def batched(batch):
        return tok(batch["text"], truncation=True, max_length=MAX_LENGTH)

    def one(row):
        return tok(row["text"], truncation=True, max_length=MAX_LENGTH)

    def run_map(fn, is_batched, num_proc=None):
        return lambda: dataset.map(fn, batched=is_batched, num_proc=num_proc, keep_in_memory=True,
                                   load_from_cache_file=False, remove_columns=["text"])

    texts = dataset.data.column("text").to_pylist()
    return {
        "raw tokenizer call, one list (no datasets)": (lambda: tok(texts, truncation=True, max_length=MAX_LENGTH),
                                                       "true"),
        "map batched=True (Rust threads on)": (run_map(batched, True), "true"),
        "map batched=True (Rust threads off)": (run_map(batched, True), "false"),
        "map batched=False (row by row)": (run_map(one, False), "false"),
        "map batched=True num_proc=2": (run_map(batched, True, 2), "false"),
    }


def measure(table: dict, rows: int, repeats: int) -> dict:
    times: dict[str, list[float]] = {name: [] for name in table}
    for repeat in range(repeats):
        order = list(table) if repeat % 2 == 0 else list(reversed(table))
        for name in order:
            fn, parallel = table[name]
            os.environ["TOKENIZERS_PARALLELISM"] = parallel
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    base = median(times["map batched=False (row by row)"])
    summary = {}
    for name, values in times.items():
        s = median(values)
        summary[name] = {"median_s": s, "texts_per_s": rows / s, "vs_row_by_row": base / s, "times_s": values}
        report(f"{name:45s} {rows / s:10.0f} texts/s  x{base / s:5.1f} vs row by row")
    return summary


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=40_000)
    args = p.parse_args()
    if args.quick:
        args.rows, args.repeats = 500, 1
    from datasets.utils.logging import disable_progress_bar
    from transformers import AutoTokenizer

    from core.sources import embedded_model_path

    disable_progress_bar()
    info = machine_info()
    tok = AutoTokenizer.from_pretrained(str(embedded_model_path()))
    dataset = build_dataset(args.rows)
    summary = measure(variants(dataset, tok), args.rows, args.repeats)
    path = write_result("tokenization", {"machine": info, "quick": args.quick, "rows": args.rows,
                                         "max_length": MAX_LENGTH, "repeats": args.repeats, "results": summary},
                        args.out)
    report(f"wrote {path}")


if __name__ == "__main__":
    main()
