"""Time of one live-chart poll-and-redraw with 10,000 logged points (target < 50 ms).

A tick is what ui/train_live.refresh_live does: a snapshot of the points after the last step held, then
ui.charts.add_points + ui.charts.figures (downsampled plotly figures), plus the JSON Gradio sends for them.
Three cases: steady (10,000 points cached, 5 new arrive), cold (a page reload re-attaches to a live job
and receives all 10,000), and stored (a finished run read back from metrics.jsonl by JobManager.snapshot).
steady_viewed is the steady tick of a visitor who moved every chart control (smoothing 0.6, log-scale loss, x by
epoch, the best step marked), interleaved with the plain one.

    python bench/chart_tick.py [--quick] [--points 10000] [--ticks 20]
"""

from __future__ import annotations

import math
import time

import common  # noqa: F401  (offline env + repo root on sys.path)

from common import OUT_DIR, check, machine_info, median, parser, percentile, report, write_result

EVAL_EVERY = 100


def make_records(n_steps: int, start_step: int = 1) -> list[dict]:
    """Records shaped like MetricsCallback's: a train log every step, an evaluation every EVAL_EVERY steps."""
    now, records = time.time(), []
    for step in range(start_step, start_step + n_steps):
        records.append({"step": step, "epoch": step / 1000, "kind": "train", "time": now + step * 0.3,
                        "loss": 0.7 * math.exp(-step / 3000) + 0.05 * math.sin(step), "learning_rate": 5e-5,
                        "grad_norm": 1.0 + 0.1 * math.cos(step)})
        if step % EVAL_EVERY == 0:
            records.append({"step": step, "epoch": step / 1000, "kind": "eval", "time": now + step * 0.3 + 0.1,
                            "eval_loss": 0.5, "eval_accuracy": 0.8, "eval_f1": 0.79, "eval_precision": 0.81,
                            "eval_recall": 0.78, "eval_samples_per_second": 100.0})
    return records


def redraw(job_id: str, points: list[dict], view=None) -> int:
    """The chart half of a tick; returns the JSON size Gradio would send for the four figures."""
    from ui import charts

    charts.add_points(job_id, points)
    return sum(len(fig.to_json()) for fig in charts.figures(job_id, view))


def viewed():
    """Every chart control moved: smoothing, log-scale loss, x by epoch, the best step marked."""
    from ui import charts

    return charts.ChartView.of(0.6, True, "epoch", EVAL_EVERY)


def time_steady(n_points: int, ticks: int, view=None) -> tuple[list[float], int]:
    """A live job: recorder holds n_points, the chart cache has them too, each tick brings 5 new steps."""
    from core.training.recorder import MetricsRecorder
    from ui import charts

    job_id = f"bench-steady-{time.time_ns()}"
    recorder = MetricsRecorder(None, make_records(n_points))
    redraw(job_id, recorder.points(-1), view)
    times, size, step = [], 0, n_points
    for _ in range(ticks):
        for record in make_records(5, step + 1):
            recorder.add(record)
        step += 5
        start = time.perf_counter()
        points = recorder.points(charts.since_step(job_id), before_step=step)  # what snapshot() returns live
        size = redraw(job_id, points, view)
        times.append((time.perf_counter() - start) * 1000)
    return times, size


def time_cold(n_points: int, ticks: int) -> list[float]:
    """A page reload re-attaching to a live job: an empty chart cache receives every point at once."""
    from core.training.recorder import MetricsRecorder
    from ui import charts

    recorder = MetricsRecorder(None, make_records(n_points))
    times = []
    for i in range(ticks):
        job_id = f"bench-cold-{i}-{time.time_ns()}"
        start = time.perf_counter()
        redraw(job_id, recorder.points(charts.since_step(job_id)))
        times.append((time.perf_counter() - start) * 1000)
        charts.forget(job_id)
    return times


def time_stored(n_points: int, ticks: int, root) -> list[float]:
    """A finished run after a restart: JobManager.snapshot reads metrics.jsonl from its run folder."""
    from core.jobs.manager import JobManager
    from core.runs.store import RunStore
    from core.training.config import TrainConfig
    from ui import charts

    store = RunStore(root)
    run_id = store.new_run(TrainConfig(run_name="chart-bench").to_dict())
    for record in make_records(n_points):
        store.append_metric(run_id, record)
    store.write_status(run_id, {"state": "done", "step": n_points, "max_steps": n_points})
    manager = JobManager(store)
    times = []
    for _ in range(ticks):
        charts.forget(run_id)
        start = time.perf_counter()
        snap = manager.snapshot(run_id, since_step=charts.since_step(run_id))
        redraw(run_id, snap["points"])
        times.append((time.perf_counter() - start) * 1000)
    return times


def summarize(name: str, times: list[float]) -> dict:
    out = {"median_ms": median(times), "p95_ms": percentile(times, 95), "min_ms": min(times), "n": len(times)}
    report(f"{name:16s} median {out['median_ms']:7.1f} ms  p95 {out['p95_ms']:7.1f} ms  min {out['min_ms']:6.1f} ms")
    return out


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=10_000)
    p.add_argument("--ticks", type=int, default=20)
    args = p.parse_args()
    if args.quick:
        args.points, args.ticks, args.repeats = 1_000, 2, 1
    info = machine_info()
    redraw("bench-warmup", make_records(50))  # imports plotly and builds the figure templates once
    times: dict[str, list[float]] = {"steady": [], "steady_viewed": [], "cold": []}
    size = 0
    for _ in range(args.repeats):
        steady, size = time_steady(args.points, args.ticks)
        times["steady"] += steady
        times["steady_viewed"] += time_steady(args.points, args.ticks, viewed())[0]
        times["cold"] += time_cold(args.points, max(3, args.ticks // 4))
    results = {name: summarize(name, values) for name, values in times.items()}
    results["stored"] = summarize("stored", time_stored(args.points, max(3, args.ticks // 4),
                                                        OUT_DIR / "tmp" / f"chart-runs-{time.time_ns()}"))
    results["figure_json_bytes"] = size
    report(f"four figures: {size / 1024:.0f} KiB of JSON per redraw")
    targets = [check(f"steady tick with {args.points} points (ms)", results["steady"]["median_ms"], 50),
               check("steady tick, every control moved (ms)", results["steady_viewed"]["median_ms"], 50),
               check(f"cold tick with {args.points} points (ms)", results["cold"]["median_ms"], 50)]
    path = write_result("chart_tick", {"machine": info, "quick": args.quick, "points": args.points,
                                       "ticks": args.ticks, "results": results, "targets": targets}, args.out)
    report(f"wrote {path}")


if __name__ == "__main__":
    main()
