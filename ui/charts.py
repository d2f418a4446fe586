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

from ui.i18n import msg, register

MAX_DISPLAY_POINTS = 1000
X_AXES = ("step", "epoch")
MAX_SMOOTHING = 0.99
_MAX_JOBS = 16
EVAL_METRICS = ("eval_accuracy", "eval_f1", "eval_precision", "eval_recall")

register(
    en={"chart.loss": "loss", "chart.lr": "learning rate and gradient norm", "chart.evaluation": "evaluation",
        "chart.throughput": "throughput", "chart.step": "step", "chart.epoch": "epoch", "chart.score": "score",
        "chart.no_run": "no run yet: press Start", "chart.waiting": "no points yet", "chart.pick_runs":
        "no run picked yet", "chart.best": "best (step {step})", "chart.raw": "{name} (raw)",
        "chart.confusion": "confusion matrix ({rows} eval rows)", "chart.predicted": "predicted", "chart.true": "true",
        "chart.s.train loss": "train loss", "chart.s.eval loss": "eval loss", "chart.s.learning rate": "learning rate",
        "chart.s.grad norm": "gradient norm", "chart.s.train steps/s": "train steps/s",
        "chart.s.eval samples/s": "eval samples/s", "chart.s.accuracy": "accuracy", "chart.s.f1": "f1",
        "chart.s.precision": "precision", "chart.s.recall": "recall",
        "chart.eval_accuracy": "eval accuracy", "chart.train_loss": "train loss"},
    zh={"chart.loss": "损失 (loss)", "chart.lr": "学习率和梯度范数", "chart.evaluation": "评估",
        "chart.throughput": "吞吐量", "chart.step": "步数 (step)", "chart.epoch": "轮次 (epoch)", "chart.score": "分数",
        "chart.no_run": "还没有运行：点“开始”", "chart.waiting": "还没有数据点", "chart.pick_runs": "还没有选择运行",
        "chart.best": "最佳（第 {step} 步）", "chart.raw": "{name}（原始）",
        "chart.confusion": "混淆矩阵（{rows} 条评估样本）", "chart.predicted": "预测", "chart.true": "真实",
        "chart.s.train loss": "训练 loss", "chart.s.eval loss": "验证 loss", "chart.s.learning rate": "学习率",
        "chart.s.grad norm": "梯度范数", "chart.s.train steps/s": "训练 步/秒",
        "chart.s.eval samples/s": "评估 样本/秒", "chart.s.accuracy": "accuracy", "chart.s.f1": "f1",
        "chart.s.precision": "precision", "chart.s.recall": "recall",
        "chart.eval_accuracy": "评估 accuracy", "chart.train_loss": "训练 loss"},
)


@dataclass(frozen=True)
class ChartView:
    """How one visitor looks at the curves: smoothing, log-scale loss, x by step or epoch, the best step marked."""

    smoothing: float = 0.0  # TensorBoard's slider: the weight of the moving average, 0 = raw points
    log_loss: bool = False
    x_axis: str = "step"
    best_step: int | None = None

    @classmethod
    def of(cls, smoothing=0.0, log_loss=False, x_axis="step", best_step=None) -> "ChartView":
        """From widget values (a raw client may send anything): out-of-range values fall back to the defaults."""
        number = smoothing if isinstance(smoothing, (int, float)) and not isinstance(smoothing, bool) else 0.0
        best = best_step if isinstance(best_step, int) and not isinstance(best_step, bool) else None
        return cls(min(max(float(number), 0.0), MAX_SMOOTHING) if np.isfinite(number) else 0.0, log_loss is True,
                   x_axis if x_axis in X_AXES else "step", best)


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
    epochs: dict[float, float] = field(default_factory=dict)  # step -> epoch, for an x axis by epoch
    records: list[dict] = field(default_factory=list)  # train and eval points, slimmed, for the live diagnosis

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


DIAGNOSED_KEYS = ("kind", "step", "epoch", "loss", "eval_loss", *EVAL_METRICS)


def _add_point(entry: JobCurves, point: dict) -> None:
    step, kind = point.get("step", 0), point.get("kind")
    if point.get("epoch") is not None:
        entry.epochs[step] = float(point["epoch"])
    if kind in ("train", "eval"):
        entry.records.append({k: point[k] for k in DIAGNOSED_KEYS if k in point})
    if kind == "train":
        entry.add("train loss", step, point.get("loss"))
        entry.add("learning rate", step, point.get("learning_rate"))
        entry.add("grad norm", step, point.get("grad_norm"))
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


def _figure(title: str, y_title: str, traces: list[dict], x_title: str = "", note: str = "", **layout) -> go.Figure:
    """A line chart from plain trace dicts, built without plotly's per-property validation.

    Validation costs ~3 ms a figure and these figures are redrawn every tick (bench/chart_tick.py); every
    trace and layout key used here is covered by tests/test_train_ui.py and tests/test_results_lessons.py, which
    validate them. A chart with no trace shows `note` instead of bare axes.
    """
    base = dict(title=dict(text=title), xaxis=dict(title=dict(text=x_title or msg("chart.step"))),
                yaxis=dict(title=dict(text=y_title)),
                height=300, margin=dict(l=50, r=10, t=40, b=40), legend=dict(orientation="h", y=-0.25),
                uirevision="keep")  # keep zoom between refreshes
    if not traces:
        base["annotations"] = [dict(text=note or msg("chart.no_run"), x=0.5, y=0.5, xref="paper", yref="paper",
                                    showarrow=False, font=dict(size=14, color="#6b7280"))]
    return go.Figure(data=traces, layout={**base, **layout}, _validate=False)


def _scatter(x, y, name: str, markers: bool, **extra) -> dict:
    return dict(type="scatter", x=x, y=y, name=name, mode="lines+markers" if markers else "lines", **extra)


def _traces(entry: JobCurves, names: tuple[str, ...], view: ChartView, markers: bool = False,
            smooth: bool = False) -> list[dict]:
    """One trace per series, in the visitor's words; smoothed series keep a faint copy of their raw points."""
    traces = []
    for name in names:
        if name not in entry.series:
            continue
        steps, values = entry.series[name]
        label = msg(f"chart.s.{name}")
        if smooth and view.smoothing > 0:
            x, y = downsample(steps, values)
            traces.append(_scatter(_x(entry, x, view), y, msg("chart.raw", name=label), False, opacity=0.25,
                                   showlegend=False, hoverinfo="skip"))
            x, y = downsample(steps, ema(values, view.smoothing))
            traces.append(_scatter(_x(entry, x, view), y, label, False))
            continue
        x, y = downsample(steps, values)
        traces.append(_scatter(_x(entry, x, view), y, label, markers or len(x) < 3))
    return traces


def figures(job_id: str, view: ChartView | None = None) -> tuple[go.Figure, go.Figure, go.Figure, go.Figure]:
    """Loss, learning rate (with the gradient norm), eval metrics and throughput for one job, downsampled, in the
    language of the request being served."""
    view, entry = view or ChartView(), curves(job_id)
    x_title = msg("chart.epoch" if view.x_axis == "epoch" else "chart.step")
    with _lock:
        loss = _figure(msg("chart.loss"), "loss", _traces(entry, ("train loss",), view, smooth=True)
                       + _traces(entry, ("eval loss",), view, markers=True), x_title, msg("chart.waiting"),
                       yaxis=dict(title=dict(text="loss"), type="log" if view.log_loss else "linear"),
                       **_best_marker(entry, view))
        lr = _lr_figure(entry, view, x_title)
        metrics = _figure(msg("chart.evaluation"), msg("chart.score"),
                          _traces(entry, tuple(n.removeprefix("eval_") for n in EVAL_METRICS), view, markers=True),
                          x_title, msg("chart.waiting"), **_best_marker(entry, view))
        return loss, lr, metrics, _throughput_figure(entry, view, x_title)


def _lr_figure(entry: JobCurves, view: ChartView, x_title: str) -> go.Figure:
    # The gradient norm on its own scale: a spike in it often comes right before a spike in the loss.
    traces = _traces(entry, ("learning rate",), view) + _traces(entry, ("grad norm",), view, smooth=True)
    for trace in traces:
        if trace["name"] in (msg("chart.s.grad norm"), msg("chart.raw", name=msg("chart.s.grad norm"))):
            trace["yaxis"] = "y2"
    return _figure(msg("chart.lr"), msg("chart.s.learning rate"), traces, x_title, msg("chart.waiting"),
                   yaxis2=dict(title=dict(text=msg("chart.s.grad norm")), overlaying="y", side="right",
                               showgrid=False))


def _throughput_figure(entry: JobCurves, view: ChartView, x_title: str) -> go.Figure:
    # Two scales: a few training steps/s next to hundreds of eval rows/s would flatten the first.
    traces = _traces(entry, ("train steps/s",), view) + _traces(entry, ("eval samples/s",), view, markers=True)
    for trace in traces:
        if trace["name"] == msg("chart.s.eval samples/s"):
            trace["yaxis"] = "y2"
    return _figure(msg("chart.throughput"), msg("chart.s.train steps/s"), traces, x_title, msg("chart.waiting"),
                   yaxis2=dict(title=dict(text=msg("chart.s.eval samples/s")), overlaying="y", side="right",
                               showgrid=False))


def _x(entry: JobCurves, steps, view: ChartView):
    """The x values of steps: the steps themselves, or the epoch each step was logged at."""
    if view.x_axis != "epoch" or not entry.epochs:
        return steps
    known = sorted(entry.epochs.items())
    return np.round(np.interp(np.asarray(steps, dtype=float), [k for k, _ in known], [v for _, v in known]), 4)


def _best_marker(entry: JobCurves, view: ChartView) -> dict:
    """A dashed line at the step whose checkpoint is the run's model (load_best_model_at_end)."""
    if view.best_step is None:
        return {}
    x = float(_x(entry, [view.best_step], view)[0])
    return {"shapes": [dict(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper",
                            line=dict(dash="dash", color="#16a34a", width=2))],
            "annotations": [dict(x=x, y=1, yref="paper", yanchor="bottom", showarrow=False,
                                 text=msg("chart.best", step=view.best_step), font=dict(color="#16a34a"))]}


def ema(values, weight: float) -> np.ndarray:
    """TensorBoard's smoothing: an exponential moving average, debiased at the start; NaN points stay NaN."""
    from scipy.signal import lfilter  # slow import, deferred to the first smoothed chart

    y = np.asarray(values, dtype=float)
    out = np.full_like(y, np.nan)
    finite = np.isfinite(y)
    if finite.any() and 0 < weight < 1:
        averaged = lfilter([1 - weight], [1, -weight], y[finite])
        out[finite] = averaged / (1 - weight ** np.arange(1, finite.sum() + 1))
    elif finite.any():
        out[finite] = y[finite]
    return out


def empty_figure(title: str, note: str = "") -> go.Figure:
    """A blank chart with a title and a short note ("no run yet"), shown before any run."""
    return _figure(title, "", [], note=note)


def empty_figures() -> tuple[go.Figure, ...]:
    """The Train tab's four charts before any run, titled in the visitor's language."""
    return tuple(empty_figure(msg(key)) for key in ("chart.loss", "chart.lr", "chart.evaluation", "chart.throughput"))


def overlay_figure(runs: dict[str, list[dict]], kind: str, key: str, title: str, x_axis: str = "step") -> go.Figure:
    """One metric of several runs on one chart (run name -> its metrics records), by step or by epoch (so runs
    of different sizes line up)."""
    by = "epoch" if x_axis == "epoch" else "step"
    traces = []
    for name, records in runs.items():
        pts = sorted((float(r.get(by) or 0), r[key]) for r in records
                     if r.get("kind") in kind.split("|") and r.get(key) is not None)
        if pts:
            x, y = downsample([p[0] for p in pts], [p[1] for p in pts])
            traces.append(_scatter(x, y, name, len(x) < 30))
    return _figure(title, key, traces, msg(f"chart.{by}"), msg("chart.pick_runs"))


def confusion_figure(report: dict) -> go.Figure:
    """Heatmap of the confusion matrix (rows: true label, columns: predicted)."""
    names, matrix = report["labels"], np.asarray(report["confusion"])
    fig = go.Figure(go.Heatmap(z=matrix, x=names, y=names, colorscale="Blues", text=matrix,
                               texttemplate="%{text}",
                               hovertemplate=msg("chart.true") + " %{y}<br>" + msg("chart.predicted") + " %{x}<br>%{z}"))
    fig.update_layout(title=msg("chart.confusion", rows=report["rows"]), xaxis_title=msg("chart.predicted"),
                      yaxis_title=msg("chart.true"), yaxis_autorange="reversed", height=360,
                      margin=dict(l=60, r=10, t=40, b=50))
    return fig
