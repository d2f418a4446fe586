"""The exported Trainer script against the exported plain PyTorch loop (and the Accelerate loop, one process):
same config, same data, accuracy after training. Target: the loop's accuracy within 0.02 of the Trainer's
(median over seeds).

Each form is the script a learner downloads (core.results.export_forms.bundle), unzipped and run with
`python -I` in its own folder, as on their machine. Settings: the quick demo's (packaged MiniLM, max_length 64,
batch 16, learning rate 1e-4, 1 epoch, group_by_length) on all 1,120 train rows, accuracy on all 280 test rows.
The forms run interleaved, one seed per repeat (order reversed every other repeat). Wall time depends on the
machine's load; the CPU time of each run (user + system, from getrusage) is the steadier measure of its work.

    python bench/loop_vs_trainer.py [--quick] [--repeats 3]
"""

from __future__ import annotations

import ast
import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import OUT_DIR, bench_model, check, load_average, median, parser, report, write_result

FORMS = ("trainer", "loop", "accelerate")


def config(quick: bool, seed: int):
    from core.training.config import TrainConfig
    from core.training.presets import quick_demo_config

    base = quick_demo_config().to_dict()
    base.update(run_name=f"bench-seed{seed}", model=bench_model(quick), seed=seed, max_train_samples=48 if quick else 0,
                max_eval_samples=32 if quick else 0, evaluate_before=False, save_model=False, logging_steps=10)
    if quick:
        base.update(max_steps=3, max_length=32)
    return TrainConfig(**base)


def run_form(cfg, form: str) -> dict:
    """Unzip the form's download in a fresh folder and run it; wall time and the final metrics it printed."""
    from core.results import export_forms

    folder = OUT_DIR / "tmp" / f"loop-vs-trainer-{form}-{time.time_ns()}"
    folder.mkdir(parents=True)
    with zipfile.ZipFile(export_forms.bundle(cfg, folder, form)) as zipped:
        zipped.extractall(folder / "download")
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    start, load = time.perf_counter(), load_average()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-I", str(folder / "download" / export_forms.file_name(cfg, form))],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    shutil.rmtree(folder, ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError(f"{form} failed:\n{done.stderr[-3000:]}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("after fine-tuning:"))
    final = ast.literal_eval(line[line.index("{"):])
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load_1min_start": round(load, 2), "eval_accuracy": final["eval_accuracy"],
            "eval_f1": final["eval_f1"], "eval_loss": final["eval_loss"]}


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    repeats = 1 if args.quick else args.repeats
    runs: dict[str, list[dict]] = {form: [] for form in FORMS}
    for repeat in range(repeats):
        seed = 42 + repeat
        order = FORMS if repeat % 2 == 0 else tuple(reversed(FORMS))
        for form in order:
            result = {"seed": seed, **run_form(config(args.quick, seed), form)}
            runs[form].append(result)
            report(f"seed {seed} {form:10s} accuracy {result['eval_accuracy']:.4f} f1 {result['eval_f1']:.4f} "
                   f"loss {result['eval_loss']:.4f} wall {result['wall_s']:.1f} s cpu {result['cpu_s']:.1f} s "
                   f"(load {result['load_1min_start']})")
    summary = {form: {"accuracy_median": median([r["eval_accuracy"] for r in rs]),
                      "f1_median": median([r["eval_f1"] for r in rs]),
                      "accuracy_range": [min(r["eval_accuracy"] for r in rs), max(r["eval_accuracy"] for r in rs)],
                      "wall_s_median": median([r["wall_s"] for r in rs]),
                      "cpu_s_median": median([r["cpu_s"] for r in rs]), "runs": rs} for form, rs in runs.items()}
    gaps = [abs(loop["eval_accuracy"] - trainer["eval_accuracy"]) for loop, trainer in zip(runs["loop"], runs["trainer"])]
    targets = [check("accuracy |loop - Trainer| (median over seeds)", median(gaps), 0.02)]
    for form, row in summary.items():
        report(f"{form:10s} accuracy median {row['accuracy_median']:.4f} (range {row['accuracy_range']})  "
               f"wall median {row['wall_s_median']:.1f} s  cpu median {row['cpu_s_median']:.1f} s")
    write_result("loop_vs_trainer", {"quick": args.quick, "repeats": repeats, "results": summary,
                                     "accuracy_gaps": gaps, "targets": targets}, args.out)


if __name__ == "__main__":
    main()
