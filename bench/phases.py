"""What a quick-demo run does around its training steps, stage by stage (core.training.recorder.STAGES), and the
longest stretch in which its status line did not change (issue 26: it sat at "ETA 0:00" for 50 s to 2 min).

The run is the app's quick demo (the packaged MiniLM, 480 train and 200 eval rows, 30 steps) through
core.training.trainer.run, with a recorder that timestamps every message the training process sends. A stage's time
runs from its first message to the next stage (or the steps) beginning; "train" is the steps themselves.

    python bench/phases.py [--quick]
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import bench_model, load_average, report, write_result

STATUS_MESSAGES = ("set_progress", "set_stage")  # what changes the status line (its step, its stage and count)


def timed_run(config) -> dict:
    from core.runs.store import RunStore
    from core.training.recorder import MetricsRecorder
    from core.training.trainer import run

    events: list[tuple[float, str, dict]] = []
    recorder = MetricsRecorder(send=lambda name, payload: events.append((time.perf_counter(), name, payload)))
    store = RunStore(Path(tempfile.mkdtemp()) / "runs")
    run_id = store.new_run(config.to_dict())
    start = time.perf_counter()
    state = run(config, store.path(run_id), recorder=recorder)["state"]
    end = time.perf_counter()
    return {"state": state, "total_s": round(end - start, 2), "stages_s": stage_seconds(events, end),
            "longest_silence_s": longest_silence(events, start, end), "load_1min": round(load_average()[0], 2)}


def stage_seconds(events, end: float) -> dict:
    """Seconds in each stage ("train": the steps), from the stage messages' times."""
    seconds: dict[str, float] = {}
    current, since = None, None
    for when, name, payload in events:
        if name != "set_stage" or payload["stage"] == current:
            continue
        if since is not None:
            key = current or "train"
            seconds[key] = round(seconds.get(key, 0.0) + when - since, 2)
        current, since = payload["stage"], when
    if since is not None:
        seconds[current or "train"] = round(seconds.get(current or "train", 0.0) + end - since, 2)
    return seconds


def longest_silence(events, start: float, end: float) -> float:
    """The longest time between two messages that change the status line."""
    times = [start, *(when for when, name, _ in events if name in STATUS_MESSAGES), end]
    return round(max(b - a for a, b in zip(times, times[1:])), 2)


def main() -> None:
    args = common.parser(__doc__.splitlines()[0]).parse_args()
    from core.training.presets import quick_demo_config

    config = dataclasses.replace(quick_demo_config(), model=bench_model(args.quick))
    if args.quick:
        config = dataclasses.replace(config, max_train_samples=32, max_eval_samples=16, max_length=32)
    result = timed_run(config)
    report(f"{result['state']} in {result['total_s']} s (load {result['load_1min']})")
    for stage, seconds in result["stages_s"].items():
        report(f"  {stage:10s} {seconds:7.1f} s")
    report(f"longest stretch without a status change: {result['longest_silence_s']} s")
    write_result("phases", {"quick": args.quick, "results": result}, args.out)


if __name__ == "__main__":
    main()
