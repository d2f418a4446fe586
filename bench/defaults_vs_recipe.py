"""Training throughput of the app's defaults vs the tutorial recipe (padding='max_length'), and final accuracy.

The recipe is bench/tutorial_recipe.py (pads every row to max_length). The app variants go through the real
engine, core.training.trainer.run(TrainConfig(...)): its defaults (dynamic padding with DataCollatorWithPadding and
group_by_length), plus the alternatives measured when choosing them: dynamic padding in random order
(group_by_length off), and padding to a multiple of 8 (fewer distinct shapes).
Throughput counts only optimizer steps after a warm-up, timed by a callback; evaluation runs after them.
Variants are interleaved inside each repeat, so every ratio compares runs taken under the same load.

    python bench/defaults_vs_recipe.py [--quick] [--repeats 3] [--steps 30] [--lengths 128 256]
    python bench/defaults_vs_recipe.py --full-epoch --lengths 128 --repeats 1   (accuracy after a whole epoch)
"""

from __future__ import annotations

import contextlib
import shutil
import time

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import OUT_DIR, bench_model, check, machine_info, median, parser, report, write_result
from tutorial_recipe import run_recipe, step_clock

BATCH = 16
SEED = 42


@contextlib.contextmanager
def pad_to_multiple(multiple: int | None):
    """Swap the engine's collator for DataCollatorWithPadding(pad_to_multiple_of=multiple) (a proposed default)."""
    import core.training.prepare as train_data

    original = train_data._collator
    if multiple:
        from transformers import DataCollatorWithPadding

        def collator(tokenizer, config):
            if config.padding != "dynamic":
                return original(tokenizer, config)
            return DataCollatorWithPadding(tokenizer, pad_to_multiple_of=multiple)

        train_data._collator = collator
    try:
        yield
    finally:
        train_data._collator = original


def run_app(name: str, max_length: int, steps: int, quick: bool, multiple=None, **overrides) -> dict:
    """The engine's own code path (core.training.trainer.run), no job manager: what the app runs for these settings.
    Padding, length grouping and dataloader settings are TrainConfig's defaults unless overridden."""
    from core.training.config import TrainConfig
    from core.training.trainer import run

    config = TrainConfig(run_name=name, model=bench_model(quick), max_length=max_length, **overrides,
                         max_train_samples=64 if quick else 0,
                         max_eval_samples=32 if quick else 0,
                         max_steps=steps, batch_size=BATCH, eval_strategy="no", evaluate_before=False,
                         save_model=False, metrics=["accuracy"], seed=SEED, logging_steps=5)
    clock = step_clock()
    run_dir = OUT_DIR / "tmp" / f"dvr-{name}-{time.time_ns()}"
    start = time.perf_counter()
    with pad_to_multiple(multiple):
        result = run(config, run_dir, callbacks=[clock])
    shutil.rmtree(run_dir, ignore_errors=True)
    return {"clock": clock, "wall_s": time.perf_counter() - start,
            "eval_accuracy": result["final"].get("eval_accuracy"), "state": result["state"]}


def run_tutorial(max_length: int, steps: int, quick: bool) -> dict:
    clock = step_clock()
    out = run_recipe(OUT_DIR / "tmp" / f"dvr-recipe-{time.time_ns()}", model=bench_model(quick),
                     max_length=max_length, padding="max_length", max_steps=steps, batch_size=BATCH, seed=SEED,
                     train_rows=64 if quick else 0, eval_rows=32 if quick else 0, callbacks=[clock])
    return {"clock": clock, "wall_s": out["wall_s"], "eval_accuracy": out["eval_accuracy"], "state": "done"}


def variants(max_length: int, steps: int, quick: bool, full: bool) -> dict:
    """name -> zero-argument function running it; the extra candidates only at the length the target uses."""
    table = {"recipe max_length": lambda: run_tutorial(max_length, steps, quick),
             "app default": lambda: run_app("default", max_length, steps, quick)}
    if full:
        table["app dynamic, random order"] = lambda: run_app("dynamic", max_length, steps, quick,
                                                            group_by_length=False)
        table["app default+pad8"] = lambda: run_app("pad8", max_length, steps, quick, multiple=8)
    return table


def measure_length(max_length: int, args, full: bool) -> dict:
    """Interleave the variants `repeats` times; medians and per-repeat ratios to the recipe."""
    table = variants(max_length, -1 if args.full_epoch else args.steps + args.warmup, args.quick, full)
    rows: dict[str, list[dict]] = {name: [] for name in table}
    for repeat in range(args.repeats):
        order = list(table) if repeat % 2 == 0 else list(reversed(table))  # alternate who runs first
        for name in order:
            out = table[name]()
            sps = out["clock"].samples_per_second(BATCH, args.warmup)
            rows[name].append({"samples_per_s": sps, "wall_s": out["wall_s"], "eval_accuracy": out["eval_accuracy"]})
            report(f"  L={max_length} r{repeat} {name:30s} {sps:7.1f} samples/s  acc {out['eval_accuracy']}")
    summary = {}
    for name, runs in rows.items():
        ratios = [r["samples_per_s"] / base["samples_per_s"] for r, base in zip(runs, rows["recipe max_length"])]
        summary[name] = {"samples_per_s_median": median(r["samples_per_s"] for r in runs),
                         "speedup_vs_recipe_median": median(ratios), "speedups": ratios,
                         "eval_accuracy": [r["eval_accuracy"] for r in runs], "runs": runs}
        report(f"L={max_length} {name:30s} median {summary[name]['samples_per_s_median']:7.1f} samples/s, "
               f"x{summary[name]['speedup_vs_recipe_median']:.2f} vs recipe, accuracy {summary[name]['eval_accuracy']}")
    return summary


def collate_cost(max_length: int = 128, batches: int = 200) -> float:
    """Milliseconds per DataCollatorWithPadding batch: tells whether dataloader workers could pay off."""
    from transformers import AutoTokenizer, DataCollatorWithPadding

    from core.sources import embedded_model_path

    tok = AutoTokenizer.from_pretrained(str(embedded_model_path()))
    rows = [dict(tok(f"row {i} " + "word " * (i % 60), truncation=True, max_length=max_length)) for i in range(BATCH)]
    collator = DataCollatorWithPadding(tok)
    start = time.perf_counter()
    for _ in range(batches):
        collator(rows)
    return (time.perf_counter() - start) / batches * 1000


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=30, help="timed optimizer steps per run (after the warm-up)")
    p.add_argument("--warmup", type=int, default=5, help="untimed optimizer steps at the start of each run")
    p.add_argument("--lengths", type=int, nargs="+", default=[128, 256])
    p.add_argument("--full-epoch", action="store_true",
                   help="train one whole epoch (70 steps) instead of --steps, for an accuracy comparison "
                        "of converged runs; results go to defaults_vs_recipe_epoch.json")
    args = p.parse_args()
    if args.quick:
        args.steps, args.warmup, args.repeats, args.lengths = 2, 1, 1, [32]
    import transformers

    transformers.logging.set_verbosity_error()
    info = machine_info()
    results = {str(length): measure_length(length, args, full=i == 0 and not args.quick)
               for i, length in enumerate(args.lengths)}
    first = results[str(args.lengths[0])]
    speedup = first["app default"]["speedup_vs_recipe_median"]
    acc_app = median(first["app default"]["eval_accuracy"])
    acc_recipe = median(first["recipe max_length"]["eval_accuracy"])
    targets = [check(f"app/recipe samples/s at max_length {args.lengths[0]}", speedup, 1.8, lower_is_better=False)]
    if args.full_epoch or args.quick:  # after a few steps every variant is still near chance: nothing to compare
        targets.append(check("accuracy loss (recipe - app)", acc_recipe - acc_app, 0.01))
    collate_ms = collate_cost()
    report(f"DataCollatorWithPadding: {collate_ms:.2f} ms per batch of {BATCH}")
    name = "defaults_vs_recipe_epoch" if args.full_epoch else "defaults_vs_recipe"
    path = write_result(name, {"machine": info, "quick": args.quick, "steps": args.steps, "warmup": args.warmup,
                               "full_epoch": args.full_epoch, "batch_size": BATCH, "repeats": args.repeats,
                               "results": results, "collate_ms_per_batch": collate_ms, "targets": targets}, args.out)
    report(f"wrote {path}")


if __name__ == "__main__":
    main()
