"""Live training curves: a server-side point cache per job, downsampling, and the plotly figures.

Points stay here (keyed by job id), not in gr.State, which Gradio would copy on every timer tick.
Each tick fetches only the points after the last step it has; long runs are downsampled for display.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from cachetools import LRUCache

from core.training.metrics import SCORE_KEYS
from ui.chart_view import ChartView, ema_extend
from ui.i18n import msg

MAX_DISPLAY_POINTS = 1000
MAX_SMOOTHED = 8  # smoothed series kept per job (series x smoothing weight)
_MAX_JOBS = 16
EVAL_METRICS = (*SCORE_KEYS, "eval_perplexity", "eval_stop_rate", "eval_answer_accuracy")  # LM runs; SFT's answers
# A DPO run's logs (TRL's rewards, train and held-out): shares on the evaluation chart's left axis, rewards on its right
PREFERENCE_KEYS = {"chosen wins": "rewards/accuracies", "margin": "rewards/margins", "reward chosen": "rewards/chosen",
                   "reward rejected": "rewards/rejected"}
SHARE_SERIES = ("chosen wins (train)", "chosen wins (held-out)", "prefers chosen")
REWARD_SERIES = tuple(f"{name} ({part})" for name in ("margin", "reward chosen", "reward rejected")
                      for part in ("train", "held-out"))

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
    nan_steps: list = field(default_factory=list)  # steps whose train loss was NaN (no point in the series)
    samples_seen: int = 0  # a causal LM's writing records drawn so far: new ones bump the version too
    _epoch_axis: tuple = (-1, None, None)  # (version, steps, epochs) sorted once per version for np.interp
    # (series, weight) -> ema_extend state; visitors move the slider: the latest few weights are kept
    smoothed: LRUCache = field(default_factory=lambda: LRUCache(maxsize=MAX_SMOOTHED))

    def smooth(self, name: str, weight: float) -> list:
        """The series smoothed with this weight, extended by the points that arrived since the last call."""
        key = (name, weight)
        state = ema_extend(self.smoothed.get(key, (0, 0.0, 0, [])), self.series[name][1], weight)
        self.smoothed[key] = state
        return state[3]

    def add(self, name: str, step: float, value) -> None:
        if value is None:
            return
        xs, ys = self.series.setdefault(name, ([], []))
        xs.append(step)
        ys.append(float(value))


_jobs: "LRUCache[str, JobCurves]" = LRUCache(maxsize=_MAX_JOBS)  # the least recently drawn jobs go first
_lock = threading.Lock()
_versions = itertools.count(1)  # process-wide, so a forgotten and refilled job never reuses a version


def curves(job_id: str) -> JobCurves:
    """The cache entry of a job (created empty on first use; the oldest jobs are evicted)."""
    with _lock:
        entry = _jobs.get(job_id)  # a hit makes it the most recently used
        if entry is None:
            entry = _jobs[job_id] = JobCurves()
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


def add_samples(job_id: str, samples: list[dict]) -> bool:
    """Note a causal LM's writing records (they only grow); a new one bumps the version, so every viewer redraws
    once, as for new points. True when there was something new."""
    entry = curves(job_id)
    with _lock:
        if len(samples) <= entry.samples_seen:
            return False
        entry.samples_seen = len(samples)
        entry.version = next(_versions)
    return True


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
    if point.get("epoch") is not None:
        entry.epochs[step] = float(point["epoch"])
    if kind == "train":
        if "loss" in point and point["loss"] is None:
            entry.nan_steps.append(step)
        entry.add("train loss", step, point.get("loss"))
        entry.add("learning rate", step, point.get("learning_rate"))
        entry.add("grad norm", step, point.get("grad_norm"))
        entry.add("token accuracy", step, point.get("mean_token_accuracy"))  # TRL's SFTTrainer logs it
        if "time" in point and entry.last_train and step > entry.last_train[0]:
            dt = point["time"] - entry.last_train[1]
            if dt > 0:
                entry.add("train steps/s", step, (step - entry.last_train[0]) / dt)
        if "time" in point:
            entry.last_train = (step, point["time"])
        for name, key in PREFERENCE_KEYS.items():
            entry.add(f"{name} (train)", step, point.get(key))
    elif kind in ("eval", "baseline"):  # the baseline is the "before" point at step 0
        entry.add("eval loss", step, point.get("eval_loss"))
        entry.add("eval token accuracy", step, point.get("eval_mean_token_accuracy"))
        for name in EVAL_METRICS:
            entry.add(name.removeprefix("eval_"), step, point.get(name))
        entry.add("eval samples/s", step, point.get("eval_samples_per_second"))
        for name, key in PREFERENCE_KEYS.items():
            entry.add(f"{name} (held-out)", step, point.get("eval_" + key))
        entry.add("prefers chosen", step, point.get("eval_prefers_chosen"))


def _figure(title: str, y_title: str, traces: list[dict], x_title: str = "", note: str = "", **layout) -> go.Figure:
    """A line chart from plain trace dicts, built without plotly's per-property validation.

    Validation costs ~3 ms a figure and these figures are redrawn every tick (bench/chart_tick.py); every
    trace and layout key used here is covered by tests/test_train_ui.py and tests/test_results_lessons.py, which
    validate them. A chart with no trace shows `note` instead of bare axes.
    """
    base = dict(title=dict(text=title), xaxis=dict(title=dict(text=x_title or msg("chart.step"))),
                yaxis=dict(title=dict(text=y_title)),
                # the legend sits below the x-axis title (~35 px under the axis), with room for it in the bottom margin
                height=300, margin=dict(l=50, r=10, t=40, b=90),
                legend=dict(orientation="h", y=-0.3, yanchor="top"),
                uirevision="keep")  # keep zoom between refreshes
    if not traces:  # a note instead of bare axes: no ticks, no grid, just what the chart will show
        base["annotations"] = [dict(text=note or msg("chart.no_run"), x=0.5, y=0.5, xref="paper", yref="paper",
                                    showarrow=False, font=dict(size=14, color="#6b7280"))]
        for axis in ("xaxis", "yaxis"):  # no axis title either: a panel that plots nothing has no "step" axis
            base[axis].update(showticklabels=False, showgrid=False, zeroline=False, title=dict(text=""))
    merged = {k: {**base[k], **v} if isinstance(v, dict) and isinstance(base.get(k), dict) else v
              for k, v in layout.items()}
    return go.Figure(data=traces, layout={**base, **merged}, _validate=False)


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
            x, y = downsample(steps, entry.smooth(name, view.smoothing))
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
                       + _traces(entry, ("eval loss",), view, markers=True) + _token_accuracy(entry, view),
                       x_title, msg("chart.waiting"),
                       yaxis=dict(title=dict(text="loss"), type="log" if view.log_loss else "linear"),
                       **_token_accuracy_axis(entry), **_best_marker(entry, view))
        lr = _lr_figure(entry, view, x_title)
        rewards = _traces(entry, REWARD_SERIES, view, markers=True)
        for trace in rewards:  # a reward is beta x a log-ratio: its own scale, beside the shares
            trace.update(yaxis="y2", line=dict(dash="dot"))
        axis2 = {"yaxis2": dict(title=dict(text=msg("chart.reward")), overlaying="y", side="right",
                                showgrid=False)} if rewards else {}
        scores = _traces(entry, tuple(n.removeprefix("eval_") for n in EVAL_METRICS) + SHARE_SERIES, view,
                         markers=True)
        if not rewards and len(scores) > 1 and scores[0]["name"] == msg("chart.s.perplexity"):
            # an SFT run's perplexity (thousands at first) beside its shares (0 to 1): its own axis, on the right
            scores[0].update(yaxis="y2")
            axis2 = {"yaxis2": dict(title=dict(text=scores[0]["name"]), overlaying="y", side="right",
                                    showgrid=False)}
        # one metric alone (a causal LM's perplexity) names the axis, and the legend always names what is plotted
        metrics = _figure(msg("chart.evaluation"), scores[0]["name"] if len(scores) == 1 else msg("chart.score"),
                          scores + rewards, x_title, msg("chart.waiting"), showlegend=True, **axis2,
                          **_best_marker(entry, view))
        return loss, lr, metrics, _throughput_figure(entry, view, x_title)


def _token_accuracy(entry: JobCurves, view: ChartView) -> list[dict]:
    """An SFT run's token accuracy (TRL's mean_token_accuracy: the share of trained tokens predicted right) beside
    its loss, on a 0-1 axis of its own."""
    traces = _traces(entry, ("token accuracy",), view, smooth=True) + _traces(entry, ("eval token accuracy",), view,
                                                                             markers=True)
    for trace in traces:
        trace["yaxis"] = "y2"
    return traces


def _token_accuracy_axis(entry: JobCurves) -> dict:
    if "token accuracy" not in entry.series and "eval token accuracy" not in entry.series:
        return {}
    return {"yaxis2": dict(title=dict(text=msg("chart.s.token accuracy")), overlaying="y", side="right",
                           showgrid=False, range=[0, 1])}


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
    version, known_steps, known_epochs = entry._epoch_axis
    if version != entry.version:
        known_steps = np.fromiter(entry.epochs.keys(), dtype=float, count=len(entry.epochs))
        known_epochs = np.fromiter(entry.epochs.values(), dtype=float, count=len(entry.epochs))
        order = np.argsort(known_steps, kind="stable")
        known_steps, known_epochs = known_steps[order], known_epochs[order]
        entry._epoch_axis = (entry.version, known_steps, known_epochs)
    return np.round(np.interp(np.asarray(steps, dtype=float), known_steps, known_epochs), 4)


def preference_records(job_id: str) -> list[dict]:
    """A DPO run's reward logs as the charts hold them, in the records' shape (step, kind, TRL's keys), so the live
    diagnosis reads them as the final one reads the run's records (core.results.dpo_report.reward_curves)."""
    entry, records = curves(job_id), {}
    with _lock:
        for name, key in PREFERENCE_KEYS.items():
            for part, kind, prefix in (("train", "train", ""), ("held-out", "eval", "eval_")):
                for step, value in zip(*entry.series.get(f"{name} ({part})", ([], []))):
                    if step > 0:  # 0: the baseline, the model against itself
                        records.setdefault((step, kind), {"step": step, "kind": kind})[prefix + key] = value
    return list(records.values())


def curve_points(job_id: str) -> tuple[list, list]:
    """What the live diagnosis reads (core.results.diagnosis.diagnose_curves): train (step, loss) with NaN as None,
    and evaluations during training (step, eval loss, epoch)."""
    entry = curves(job_id)
    with _lock:
        steps, losses = entry.series.get("train loss", ([], []))
        train = sorted([*zip(steps, losses), *((s, None) for s in entry.nan_steps)], key=lambda p: p[0])
        eval_steps, eval_losses = entry.series.get("eval loss", ([], []))
        evals = [(s, v, entry.epochs.get(s)) for s, v in zip(eval_steps, eval_losses) if s > 0]  # 0: the baseline
    return train, evals


def _best_marker(entry: JobCurves, view: ChartView) -> dict:
    """A dashed line at the step whose checkpoint is the run's model (load_best_model_at_end)."""
    if view.best_step is None:
        return {}
    x = float(_x(entry, [view.best_step], view)[0])
    return {"shapes": [dict(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper",
                            line=dict(dash="dash", color="#16a34a", width=2))],
            "annotations": [dict(x=x, y=1, yref="paper", yanchor="bottom", showarrow=False,
                                 text=msg("chart.best", step=view.best_step), font=dict(color="#16a34a"))]}


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
