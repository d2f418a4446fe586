"""Following a training job: the status line, the timer tick that feeds the charts, the results.

The tick asks core.jobs for the points after the last step it has (ui/charts keeps them per job)
and stops the timer once the job has ended; then the results (before/after, confusion matrix) show.
"""

from __future__ import annotations

import html
import logging

import gradio as gr
import pandas as pd

from core import inference, jobs
from core.runs import RunStore
from ui import charts
from ui.i18n import local, msg, register

log = logging.getLogger(__name__)

ACTIVE_STATES = {"queued", "running", "stopping"}

register(
    en={"train.st.line": "<b>{state}</b> · {device} · step {step}/{total} · epoch {epoch:.2f} · "
                         "elapsed {elapsed} · ETA {eta} · {sps:.1f} samples/s",
        "train.st.queue": " · position {pos} in the queue",
        "train.st.error": "Training failed: {error}",
        "train.st.none": "No training yet: choose a preset or adjust the settings, then press Start.",
        "train.st.gone": "Job {job_id} is not known any more (the app restarted?): see the Runs tab.",
        "train.res.noreport": "No confusion matrix: {reason}"},
    zh={"train.st.line": "<b>{state}</b> · {device} · 第 {step}/{total} 步 · epoch {epoch:.2f} · "
                         "已用 {elapsed} · 剩余 {eta} · 每秒 {sps:.1f} 条",
        "train.st.queue": " · 排队第 {pos} 位",
        "train.st.error": "训练失败：{error}",
        "train.st.none": "还没有训练：选一个预设或调整设置，然后点“开始”。",
        "train.st.gone": "任务 {job_id} 已不存在（应用重启过？）：请看“运行记录”标签页。",
        "train.res.noreport": "没有混淆矩阵：{reason}"},
)


def run_store() -> RunStore:
    """The run folders of the process's job manager."""
    return jobs.get_manager().store


def _clock(seconds) -> str:
    if seconds is None or seconds < 0:
        return "–"
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


def status_html(snap: dict | None, request: gr.Request | None = None) -> str:
    """One status line and a progress bar for a snapshot."""
    if not snap:
        return f"<div>{msg('train.st.none', request)}</div>"
    total = int(snap.get("max_steps") or 0)
    line = msg("train.st.line", request, state=html.escape(str(snap["state"])),
               device=html.escape(str(snap.get("device") or "")), step=snap.get("step", 0), total=total or "?",
               epoch=float(snap.get("epoch") or 0), elapsed=_clock(snap.get("elapsed_s")),
               eta=_clock(snap.get("eta_s")), sps=float(snap.get("samples_per_second") or 0))
    if snap["state"] == "queued" and snap.get("queue_position"):
        line += msg("train.st.queue", request, pos=snap["queue_position"])
    if snap.get("error"):
        line += "<br><span style='color:#b91c1c'>" + html.escape(
            msg("train.st.error", request, error=local(snap["error"], request))) + "</span>"
    bar = f"<progress value='{snap.get('step', 0)}' max='{max(total, 1)}' style='width:100%'></progress>"
    return f"<div class='fts-status'>{line}{bar}</div>"


def public_status(snap: dict) -> dict:
    """A snapshot without its points: what the training_status endpoint returns."""
    return {k: v for k, v in snap.items() if k != "points"}


def compare_table(baseline: dict, final: dict) -> pd.DataFrame:
    """Before/after fine-tuning, one row per metric."""
    rows = []
    for key in sorted(set(baseline or {}) | set(final or {})):
        before, after = (baseline or {}).get(key), (final or {}).get(key)
        if not key.startswith("eval_") or key.endswith(("_runtime", "_per_second", "_time")):
            continue
        change = after - before if isinstance(before, (int, float)) and isinstance(after, (int, float)) else None
        rows.append({"metric": key.removeprefix("eval_"), "before": before, "after": after, "change": change})
    return pd.DataFrame(rows, columns=["metric", "before", "after", "change"]).round(4)


def show_results(job_id: str, snap: dict, request: gr.Request | None = None):
    """Before/after table, confusion matrix and per-class scores of a finished run."""
    table = compare_table(snap.get("baseline") or {}, snap.get("final") or {})
    try:
        report = inference.eval_report(run_store(), job_id)
    except (ValueError, OSError) as err:
        log.info("no eval report for %s: %s", job_id, err)
        fig = charts.empty_figure(msg("train.res.noreport", request, reason=local(err, request)))
        return table, fig, pd.DataFrame(columns=["label", "precision", "recall", "f1", "support"])
    per_class = pd.DataFrame(report["per_class"]).round(4)
    return table, charts.confusion_figure(report), per_class


def refresh_live(job_id: str | None, drawn: int = 0, request: gr.Request | None = None):
    """Timer tick: new points only; the timer stops and the results appear once the job has ended.

    The points cache is shared by every browser watching the job; `drawn` is the cache version this
    session last drew, so each viewer redraws when anything new arrived, whoever fetched it.
    Outputs: status, 4 charts, timer, compare table, confusion chart, per-class table, finished job id,
    drawn version.
    """
    skip = gr.skip()
    if not job_id:
        return (status_html(None, request), skip, skip, skip, skip, gr.Timer(active=False), skip, skip, skip, skip,
                drawn)
    try:
        snap = jobs.get_manager().snapshot(job_id, since_step=charts.since_step(job_id))
    except (KeyError, ValueError):
        return (f"<div>{msg('train.st.gone', request, job_id=html.escape(job_id))}</div>",
                skip, skip, skip, skip, gr.Timer(active=False), skip, skip, skip, skip, drawn)
    charts.add_points(job_id, snap.get("points") or [])
    version = charts.curves(job_id).version
    figs = charts.figures(job_id) if version != drawn else (skip, skip, skip, skip)
    if snap["state"] in ACTIVE_STATES:
        return (status_html(snap, request), *figs, gr.Timer(active=True), skip, skip, skip, skip, version)
    results = show_results(job_id, snap, request)
    return (status_html(snap, request), *figs, gr.Timer(active=False), *results, job_id, version)
