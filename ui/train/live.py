"""Following a training job: the timer tick that feeds the charts, and the results once it has ended.

The tick asks the job manager for the points after the last step it has (ui/charts keeps them per job)
and stops the timer once the job has ended; then the results (before/after, confusion matrix) show.
"""

from __future__ import annotations

import html
import logging

import gradio as gr
import pandas as pd

from core.jobs.manager import get_manager
from core.results import eval_report
from ui import charts
from ui.i18n import local, msg
from ui.train.views import ACTIVE_STATES, compare_table, status_html

log = logging.getLogger(__name__)


def show_results(job_id: str, snap: dict, request: gr.Request | None = None):
    """Before/after table, confusion matrix and per-class scores of a finished run."""
    table = compare_table(snap.get("baseline") or {}, snap.get("final") or {})
    try:
        report = eval_report.eval_report(get_manager().store, job_id)
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
        snap = get_manager().snapshot(job_id, since_step=charts.since_step(job_id))
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
