"""Live training curves: a server-side point cache per job, downsampling, and the plotly figures.

Points stay here (keyed by job id), not in gr.State, which Gradio would copy on every timer tick.
Each tick fetches only the points after the last step it has; long runs are downsampled for display.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

MAX_DISPLAY_POINTS = 1000
_MAX_JOBS = 16
EVAL_METRICS = ("eval_accuracy", "eval_f1", "eval_precision", "eval_recall")

# Set once: update_layout(template=...) validates the whole template again for every figure (~10 ms each).
pio.templates.default = "plotly_white"


def downsample(xs, ys, max_points: int = MAX_DISPLAY_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most max_points points, keeping each bucket's min and max so spikes stay visible.

    Vectorized (bench/chart_tick.py): each bucket's first min and first max come from two stable sorts,
    plus the first and last points; NaN never wins a bucket unless the whole bucket is NaN.
    """
    x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if len(x) <= max_points:
        return x, y
    buckets = max(1, (max_points - 2) // 2)
    edges = np.linspace(1, len(x) - 1, buckets + 1).astype(int)  # first and last points kept apart
    inner = np.arange(1, len(x) - 1)
    bucket = np.searchsorted(edges, inner, side="right") - 1
    seg = y[1:-1]
    lows = np.lexsort((np.where(np.isnan(seg), np.inf, seg), bucket))
    highs = np.lexsort((np.where(np.isnan(seg), np.inf, -seg), bucket))
    first = np.r_[True, bucket[lows][1:] != bucket[lows][:-1]]  # the first row of each bucket once sorted
    keep = np.unique(np.r_[0, inner[lows[first]], inner[highs[first]], len(x) - 1])
    return x[keep], y[keep]


@dataclass
class JobCurves:
    """Everything plotted for one job: series name -> ([steps], [values])."""

    series: dict[str, tuple[list, list]] = field(default_factory=dict)
    seen: set = field(default_factory=set)
    last_step: int = -1
    last_train: tuple[float, float] | None = None  # (step, time) of the previous train log, for steps/s
    version: int = 0  # bumped whenever points are added; each browser session remembers the one it drew

    def add(self, name: str, step: float, value) -> None:
        if value is None:
            return
        xs, ys = self.series.setdefault(name, ([], []))
        xs.append(step)
        ys.append(float(value))


_jobs: "OrderedDict[str, JobCurves]" = OrderedDict()
_lock = threading.Lock()
_versions = itertools.count(1)  # process-wide, so a forgotten and refilled job never reuses a version


def curves(job_id: str) -> JobCurves:
    """The cache entry of a job (created empty on first use; the oldest jobs are evicted)."""
    with _lock:
        entry = _jobs.get(job_id)
        if entry is None:
            entry = _jobs[job_id] = JobCurves()
            while len(_jobs) > _MAX_JOBS:
                _jobs.popitem(last=False)
        _jobs.move_to_end(job_id)
        return entry


def forget(job_id: str) -> None:
    """Drop a job's cached points (a resumed job starts over from disk)."""
    with _lock:
        _jobs.pop(job_id, None)


def since_step(job_id: str) -> int:
    """The since_step to ask the next snapshot for.

    One step back: the train log and the evaluation of the same step arrive separately (evaluation
    takes a while), so the last step is fetched again and duplicates are dropped by (kind, step, time).
    """
    last = curves(job_id).last_step
    return last - 1 if last >= 0 else -1


def add_points(job_id: str, points: list[dict]) -> int:
    """Add snapshot points to the job's curves; returns how many were new."""
    entry = curves(job_id)
    added = 0
    with _lock:
        for point in sorted(points, key=lambda p: (p.get("step", 0), p.get("time", 0.0))):
            key = (point.get("kind"), point.get("step"), point.get("time"))
            if key in entry.seen:
                continue
            entry.seen.add(key)
            _add_point(entry, point)
            entry.version = next(_versions)
            entry.last_step = max(entry.last_step, int(point.get("step", 0)))
            added += 1
    return added


def _add_point(entry: JobCurves, point: dict) -> None:
    step, kind = point.get("step", 0), point.get("kind")
    if kind == "train":
        entry.add("train loss", step, point.get("loss"))
        entry.add("learning rate", step, point.get("learning_rate"))
        if "time" in point and entry.last_train and step > entry.last_train[0]:
            dt = point["time"] - entry.last_train[1]
            if dt > 0:
                entry.add("train steps/s", step, (step - entry.last_train[0]) / dt)
        if "time" in point:
            entry.last_train = (step, point["time"])
    elif kind in ("eval", "baseline"):  # the baseline is the "before" point at step 0
        entry.add("eval loss", step, point.get("eval_loss"))
        for name in EVAL_METRICS:
            entry.add(name.removeprefix("eval_"), step, point.get(name))
        entry.add("eval samples/s", step, point.get("eval_samples_per_second"))


def _figure(title: str, y_title: str, traces: list[dict], **layout) -> go.Figure:
    """A line chart from plain trace dicts, built without plotly's per-property validation.

    Validation costs ~3 ms a figure and these figures are redrawn every tick (bench/chart_tick.py); every
    trace and layout key used here is covered by tests/test_train_ui.py, which renders them.
    """
    base = dict(title=dict(text=title), xaxis=dict(title=dict(text="step")), yaxis=dict(title=dict(text=y_title)),
                height=300, margin=dict(l=50, r=10, t=40, b=40), legend=dict(orientation="h", y=-0.25),
                uirevision="keep")  # keep zoom between refreshes
    return go.Figure(data=traces, layout={**base, **layout}, _validate=False)


def _scatter(x, y, name: str, markers: bool) -> dict:
    return dict(type="scatter", x=x, y=y, name=name, mode="lines+markers" if markers else "lines")


def _traces(entry: JobCurves, names: tuple[str, ...], markers: bool = False) -> list[dict]:
    traces = []
    for name in names:
        if name not in entry.series:
            continue
        x, y = downsample(*entry.series[name])
        traces.append(_scatter(x, y, name, markers or len(x) < 3))
    return traces


def figures(job_id: str) -> tuple[go.Figure, go.Figure, go.Figure, go.Figure]:
    """Loss, learning rate, eval metrics and throughput for one job, downsampled."""
    entry = curves(job_id)
    with _lock:
        return (_figure("loss", "loss", _traces(entry, ("train loss", "eval loss"))),
                _figure("learning rate", "lr", _traces(entry, ("learning rate",))),
                _figure("evaluation", "score", _traces(entry, tuple(n.removeprefix("eval_") for n in EVAL_METRICS),
                                                       markers=True)),
                _throughput_figure(entry))


def _throughput_figure(entry: JobCurves) -> go.Figure:
    # Two scales: a few training steps/s next to hundreds of eval rows/s would flatten the first.
    traces = _traces(entry, ("train steps/s",)) + _traces(entry, ("eval samples/s",), markers=True)
    for trace in traces:
        if trace["name"] == "eval samples/s":
            trace["yaxis"] = "y2"
    return _figure("throughput", "train steps/s", traces,
                   yaxis2=dict(title=dict(text="eval samples/s"), overlaying="y", side="right", showgrid=False))


def empty_figure(title: str) -> go.Figure:
    """A blank chart with a title, shown before any run."""
    return _figure(title, "", [])


def overlay_figure(runs: dict[str, list[dict]], kind: str, key: str, title: str) -> go.Figure:
    """One metric of several runs on one chart (run name -> its metrics records)."""
    traces = []
    for name, records in runs.items():
        pts = sorted((r["step"], r[key]) for r in records
                     if r.get("kind") in kind.split("|") and r.get(key) is not None)
        if pts:
            x, y = downsample([p[0] for p in pts], [p[1] for p in pts])
            traces.append(_scatter(x, y, name, len(x) < 30))
    return _figure(title, key, traces)


def confusion_figure(report: dict) -> go.Figure:
    """Heatmap of the confusion matrix (rows: true label, columns: predicted)."""
    names, matrix = report["labels"], np.asarray(report["confusion"])
    fig = go.Figure(go.Heatmap(z=matrix, x=names, y=names, colorscale="Blues", text=matrix,
                               texttemplate="%{text}", hovertemplate="true %{y}<br>predicted %{x}<br>%{z}"))
    fig.update_layout(title=f"confusion matrix ({report['rows']} eval rows)", xaxis_title="predicted",
                      yaxis_title="true", yaxis_autorange="reversed", height=360,
                      margin=dict(l=60, r=10, t=40, b=50))
    return fig
