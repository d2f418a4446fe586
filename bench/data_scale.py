"""A 1,000,000-row dataset through core.data: load time, random samples, memory, token length statistics.

The rows are written with pyarrow (parquet, the upload path) in bench/out/data_scale/, then loaded with
core.data.loading.load_source exactly as an upload would be. Targets: sample_rows(20) < 50 ms (median of 20 after
load); no full copy while sampling 100 times (anonymous RSS growth, from /proc/self/status RssAnon, stays
small: memory-mapped Arrow pages show up as RssFile instead); token length statistics of a 10,000-row sample
with core.tokenizer.length_stats.token_length_stats. The same is repeated for a save_to_disk folder (kind 'disk').

    python bench/data_scale.py [--quick] [--rows 1000000]
"""

from __future__ import annotations

import os
import shutil
import time

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import OUT_DIR, check, machine_info, median, parser, report, timer, write_result

WORK = OUT_DIR / "data_scale"
# A private datasets cache, so the parquet -> Arrow conversion is measured cold and the user's cache stays clean.
os.environ.setdefault("HF_DATASETS_CACHE", str(WORK / "hf_datasets_cache"))


def write_parquet(rows: int, path) -> float:
    """rows rows of (text, label, domain) built from the embedded reviews with pyarrow kernels; returns MB."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from core.data.source import SAMPLE_DIR

    sample = pacsv.read_csv(SAMPLE_DIR / "train.csv")
    pick = pa.array(np.random.default_rng(0).integers(0, sample.num_rows, rows))
    ids = pc.cast(pa.array(np.arange(rows)), pa.string())
    texts = pc.binary_join_element_wise(pc.take(sample["text"], pick), ids, " #")  # unique rows
    table = pa.table({"text": texts, "label": pc.take(sample["label"], pick), "domain": pc.take(sample["domain"], pick)})
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path.stat().st_size / 2**20


def rss_mb() -> dict:
    """Resident memory split into anonymous (copies) and file-backed (memory-mapped Arrow) pages, in MB."""
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS", "RssAnon", "RssFile")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) / 1024
    return out


def time_sampling(split, calls: int) -> list[float]:
    from core.data.describe import sample_rows

    times = []
    for seed in range(calls):
        start = time.perf_counter()
        frame = sample_rows(split, 20, seed=seed)
        times.append((time.perf_counter() - start) * 1000)
        assert len(frame) == 20
    return times


def memory_while_sampling(split, calls: int = 100) -> dict:
    from core.data.describe import sample_rows

    for seed in range(5):  # first calls import pandas paths and fill caches: not growth
        sample_rows(split, 20, seed=1000 + seed)
    before = rss_mb()
    for seed in range(calls):
        sample_rows(split, 20, seed=2000 + seed)
    after = rss_mb()
    return {"before_mb": before, "after_mb": after,
            "growth_mb": {k: round(after[k] - before[k], 2) for k in before}}


def token_stats_times(split, repeats: int) -> tuple[list[float], dict]:
    from core.sources import EMBEDDED_MODEL
    from core.tokenizer.length_stats import token_length_stats
    from core.tokenizer.loading import load_tokenizer

    tok = load_tokenizer(EMBEDDED_MODEL)
    times, stats = [], {}
    for seed in range(repeats):
        start = time.perf_counter()
        stats = token_length_stats(tok, split, ["text"], max_length=128, max_rows=10_000, seed=seed)
        times.append(time.perf_counter() - start)
    return times, {k: v for k, v in stats.items() if k != "lengths"}


def measure_source(source, label: str, repeats: int) -> dict:
    """Load a source, then time what the Datasets and Tokenizer tabs do on its train split."""
    from core.data import describe, loading

    with timer() as t_load:
        split = loading.load_source(source)["train"]
    out = {"rows": len(split), "load_s": t_load["s"]}
    with timer() as t:
        out["describe"] = {k: v for k, v in describe.describe(loading.load_source(source)).items() if k != "features"}
    out["describe_s"] = t["s"]
    with timer() as t:
        describe.label_counts(split, "label")
    out["label_counts_s"] = t["s"]
    with timer() as t:
        describe.text_lengths(split, "text")
    out["text_lengths_s"] = t["s"]
    samples = time_sampling(split, 20)
    out["sample_rows_ms"] = {"median": median(samples), "max": max(samples), "all": samples}
    out["memory"] = memory_while_sampling(split)
    stats_times, stats = token_stats_times(split, repeats)
    out["token_stats_s"] = {"median": median(stats_times), "all": stats_times}
    out["token_stats"] = stats
    report(f"{label}: {len(split):,} rows, load {t_load['s']:.2f} s, sample_rows(20) median "
           f"{median(samples):.1f} ms (max {max(samples):.1f}), RssAnon +{out['memory']['growth_mb']['RssAnon']} MB "
           f"over 100 samples, token stats (10,000 rows) {median(stats_times):.2f} s, "
           f"label_counts {out['label_counts_s'] * 1000:.0f} ms, text_lengths {out['text_lengths_s'] * 1000:.0f} ms")
    return out


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    args = p.parse_args()
    if args.quick:
        args.rows, args.repeats = 20_000, 1
    import datasets
    from datasets.utils.logging import disable_progress_bar

    from core.data.source import DatasetSource

    disable_progress_bar()
    info = machine_info()
    shutil.rmtree(WORK, ignore_errors=True)
    parquet = WORK / f"rows_{args.rows}.parquet"
    with timer() as t_gen:
        size_mb = write_parquet(args.rows, parquet)
    report(f"wrote {args.rows:,} rows ({size_mb:.1f} MB parquet) in {t_gen['s']:.2f} s")
    results = {"generate_s": t_gen["s"], "parquet_mb": size_mb,
               "file": measure_source(DatasetSource("file", path=str(parquet)), "parquet upload", args.repeats)}
    folder = WORK / f"rows_{args.rows}_disk"
    with timer() as t_save:
        datasets.load_dataset("parquet", data_files={"train": str(parquet)}).save_to_disk(str(folder))
    results["save_to_disk_s"] = t_save["s"]
    results["disk"] = measure_source(DatasetSource("disk", path=str(folder)), "save_to_disk folder", args.repeats)
    anon = max(results[k]["memory"]["growth_mb"]["RssAnon"] for k in ("file", "disk"))
    targets = [check("sample_rows(20) median ms, parquet", results["file"]["sample_rows_ms"]["median"], 50),
               check("sample_rows(20) median ms, save_to_disk", results["disk"]["sample_rows_ms"]["median"], 50),
               check("anonymous RSS growth over 100 samples (MB, a full copy would be hundreds)", anon, 20)]
    path = write_result("data_scale", {"machine": info, "quick": args.quick, "rows": args.rows,
                                       "results": results, "targets": targets}, args.out)
    report(f"wrote {path}")


if __name__ == "__main__":
    main()
