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
from ui.identity import visitor
from ui.train.views import ACTIVE_STATES, compare_table, status_html

log = logging.getLogger(__name__)


def show_results(tab, job_id: str, snap: dict, request: gr.Request | None = None) -> dict:
    """Before/after table, confusion matrix and per-class scores of a finished run."""
    shown = {tab.compare_df: compare_table(snap.get("baseline") or {}, snap.get("final") or {})}
    try:
        report = eval_report.eval_report(get_manager().store, job_id)
    except (ValueError, OSError) as err:
        log.info("no eval report for %s: %s", job_id, err)
        return {**shown, tab.confusion_plot: charts.empty_figure(msg("train.res.noreport", request,
                                                                     reason=local(err, request))),
                tab.per_class_df: pd.DataFrame(columns=["label", "precision", "recall", "f1", "support"])}
    return {**shown, tab.confusion_plot: charts.confusion_figure(report),
            tab.per_class_df: pd.DataFrame(report["per_class"]).round(4)}


def refresh_live(tab, job_id: str | None, drawn: int = 0, request: gr.Request | None = None) -> dict:
    """Timer tick: new points only; the timer stops and the results appear once the job has ended.

    The points cache is shared by every browser watching the job; `drawn` is the cache version this
    session last drew, so each viewer redraws when anything new arrived, whoever fetched it.
    """
    if not job_id:
        return {tab.status_html: status_html(None, request), tab.timer: gr.Timer(active=False)}
    try:
        snap = get_manager().snapshot(job_id, since_step=charts.since_step(job_id))
    except (KeyError, ValueError):
        return {tab.status_html: f"<div>{msg('train.st.gone', request, job_id=html.escape(str(job_id)))}</div>",
                tab.timer: gr.Timer(active=False)}
    who = visitor(request)
    if snap.get("error") and not get_manager().may_change(job_id, who.owner, who.admin):
        snap = {**snap, "error": msg("train.st.theirs", request)}  # another visitor's reason may quote their data
    charts.add_points(job_id, snap.get("points") or [])
    version = charts.curves(job_id).version
    shown = {tab.status_html: status_html(snap, request), tab.drawn_state: version}
    if version != drawn:
        shown.update(zip((tab.loss_plot, tab.lr_plot, tab.metrics_plot, tab.speed_plot), charts.figures(job_id)))
    if snap["state"] in ACTIVE_STATES:
        return {**shown, tab.timer: gr.Timer(active=True)}
    return {**shown, tab.timer: gr.Timer(active=False), tab.finished_state: job_id,
            **show_results(tab, job_id, snap, request)}
