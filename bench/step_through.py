"""Step through one batch on the packaged MiniLM, on the CPU: how long the first click takes (preparing the
tokenizer, data, batch and model) and each stage after it. Target: every stage within 2 s ("a second or two").

Settings: the quick demo's (batch 16, max_length 64, group_by_length: the first batch is the longest). Each repeat
prepares a new walk-through (the cache is emptied) and runs the six stages in order; medians are quoted.

    python bench/step_through.py [--quick] [--repeats 5]
"""

from __future__ import annotations

import time

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import bench_model, check, load_average, median, parser, report, write_result


def one_walk(config) -> dict:
    from core.training import step_through

    step_through.forget("bench")
    start = time.perf_counter()
    walk = step_through.walk_for(config, "bench")
    times = {"prepare": time.perf_counter() - start}
    for stage in step_through.STAGES:
        start = time.perf_counter()
        step_through.run_stage(walk, stage)
        times[stage] = time.perf_counter() - start
    after = walk.results["after"]
    return {"seconds": {k: round(v, 4) for k, v in times.items()}, "loss_before": after["loss_before"],
            "loss_after": after["loss_after"], "load_1min": round(load_average()[0], 2)}


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    import dataclasses

    import torch

    from core.training import step_through
    from core.training.presets import quick_demo_config

    config = dataclasses.replace(quick_demo_config(), model=bench_model(args.quick))
    if args.quick:
        config = dataclasses.replace(config, max_train_samples=48, max_length=32)
    one_walk(config)  # imports, file caches, first kernels: once, outside the figures
    runs = [one_walk(config) for _ in range(1 if args.quick else args.repeats)]
    stages = ("prepare", *step_through.STAGES)
    medians = {s: median([r["seconds"][s] for r in runs]) for s in stages}
    for s in stages:
        report(f"{s:9s} median {medians[s]:.3f} s  (runs: {', '.join(str(r['seconds'][s]) for r in runs)})")
    slowest = max(medians[s] for s in step_through.STAGES)
    targets = [check("slowest stage median (s)", slowest, 2.0)]
    report(f"loss on the batch: {runs[0]['loss_before']:.4f} -> {runs[0]['loss_after']:.4f}; "
           f"torch threads {torch.get_num_threads()}")
    write_result("step_through", {"quick": args.quick, "repeats": len(runs), "medians_s": medians, "runs": runs,
                                  "targets": targets}, args.out)


if __name__ == "__main__":
    main()
