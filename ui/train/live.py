"""Following a training job: the timer tick that feeds the charts, and the results once it has ended.

The tick asks the job manager for the points after the last step it has (ui/charts keeps them per job)
and stops the timer once the job has ended; then the results (before/after, confusion matrix) show.
"""

from __future__ import annotations

import html
import logging
import threading

import gradio as gr
import pandas as pd

from cachetools import LRUCache, cached

from core.jobs.manager import get_manager
from core.results import diagnosis, eval_report
from core.runs import visibility
from core.task_registry import task_of
from core.training.config import TrainConfig
from ui import charts, lessons
from ui.i18n import local, msg
from ui.identity import visitor
from ui.train.views import (ACTIVE_STATES, COMPARE_COLUMNS, PER_CLASS_COLUMNS, compare_table, empty_table, localized_columns,
                            samples_view, status_html)

log = logging.getLogger(__name__)


def show_results(tab, job_id: str, snap: dict, request: gr.Request | None = None) -> dict:
    """Before/after table, confusion matrix and per-class scores of a finished run; what it teaches (the diagnosis,
    the examples fine-tuning fixed and broke). A task without classes says so once, in the confusion panel and the
    examples panel; its diagnosis shows like any other run's."""
    shown = {tab.compare_df: localized_columns(compare_table(snap.get("baseline") or {}, snap.get("final") or {}),
                                               request)}
    if _without_classes(job_id):  # a causal LM's lesson is perplexity and the samples, shown already
        shown.update(_no_class_panels(tab, request))
    else:
        shown.update(_class_results(tab, job_id, request))
    try:
        findings = lessons.run_findings(job_id, request)
    except (ValueError, OSError) as err:  # a run folder deleted since: the tables above still stand
        log.info("no diagnosis for %s: %s", job_id, err)
        findings = []
    return {**shown, **lessons.show_findings(tab.diagnosis, job_id, findings, request),
            **lessons.examples_view(tab.examples, job_id, "all", "", request)}


def _class_results(tab, job_id: str, request: gr.Request | None) -> dict:
    """The confusion matrix and per-class scores of a run with classes (or why there are none)."""
    try:
        # the confusion matrix names the owner's classes: another visitor's private run has none to show
        visibility.require_data_access(get_manager().store, job_id, visitor(request).owner, visitor(request).admin)
        report = eval_report.eval_report(get_manager().store, job_id)
    except (ValueError, OSError) as err:
        log.info("no eval report for %s: %s", job_id, err)
        return {tab.confusion_plot: charts.empty_figure(msg("train.res.noreport", request,
                                                             reason=local(err, request))),
                tab.per_class_df: empty_table(PER_CLASS_COLUMNS, request)}
    return {tab.confusion_plot: charts.confusion_figure(report),
            tab.per_class_df: localized_columns(pd.DataFrame(report["per_class"]).round(4), request)}


def _no_class_panels(tab, request: gr.Request | None) -> dict:
    """A task without classes: the confusion panel says so once, and the per-class table hides."""
    return {tab.confusion_plot: charts.empty_figure("", note=msg("train.res.lm", request)),
            tab.per_class_df: gr.update(value=empty_table(PER_CLASS_COLUMNS, request), visible=False)}


def cleared_results(tab, job_id: str | None, request: gr.Request | None = None) -> dict:
    """Every results panel empty: a new job on screen shows nothing of the run before it (its before/after table,
    its diagnosis, its examples, its writing) until its own results arrive."""
    note = msg("train.res.pending", request) if job_id else ""  # no job: the chart's own "press Start"
    panels = _no_class_panels(tab, request) if job_id and _without_classes(job_id) else {
        tab.confusion_plot: charts.empty_figure(msg("chart.confusion", request, rows=0), note=note),
        tab.per_class_df: gr.update(value=empty_table(PER_CLASS_COLUMNS, request), visible=True)}
    return {tab.compare_df: empty_table(COMPARE_COLUMNS, request), **panels, tab.samples_html: "",
            **lessons.show_findings(tab.diagnosis, None, [], request),
            **lessons.examples_view(tab.examples, None, request=request)}


def follow_job(tab, job_id: str | None, drawn: int = 0, smoothing: float = 0.0, log_loss: bool = False,
               x_axis: str = "step", request: gr.Request | None = None) -> dict:
    """Another job is on screen (Start, Resume, a page load): the panels of the one before are cleared and its
    charts redrawn from this job's points (drawn -1: whatever version this browser drew belongs to another job)."""
    return {**cleared_results(tab, job_id, request), **refresh_live(tab, job_id, -1, smoothing, log_loss, x_axis, request)}


def refresh_live(tab, job_id: str | None, drawn: int = 0, smoothing: float = 0.0, log_loss: bool = False,
                 x_axis: str = "step", request: gr.Request | None = None) -> dict:
    """Timer tick: new points only; the timer stops and the results appear once the job has ended.

    The points cache is shared by every browser watching the job; `drawn` is the cache version this
    session last drew, so each viewer redraws when anything new arrived, whoever fetched it.
    """
    if not job_id:
        return {tab.status_html: status_html(None, request), tab.timer: gr.Timer(active=False)}
    who = visitor(request)
    try:  # as this viewer may see it: another visitor's samples and failure reason can quote their data
        snap = get_manager().view(job_id, charts.since_step(job_id), who.owner, who.admin)
    except (KeyError, ValueError):
        return {tab.status_html: f"<div>{msg('train.st.gone', request, job_id=html.escape(str(job_id)))}</div>",
                tab.timer: gr.Timer(active=False)}
    charts.add_points(job_id, snap.get("points") or [])
    charts.add_samples(job_id, snap.get("samples") or [])
    version = charts.curves(job_id).version
    shown = {tab.status_html: status_html(snap, request), tab.drawn_state: version}
    if version != drawn and snap.get("samples") and tab.samples_html is not None:  # only what this viewer lacks
        shown[tab.samples_html] = samples_view(snap["samples"], request)
    if version != drawn:
        view = charts.ChartView.of(smoothing, log_loss, x_axis, snap.get("best_step"))
        shown.update(zip(tab.chart_outputs, charts.figures(job_id, view)))
    if snap["state"] in ACTIVE_STATES:
        if version != drawn:
            shown.update(_live_findings(tab, job_id, request))
        return {**shown, tab.timer: gr.Timer(active=True)}
    return {**shown, tab.timer: gr.Timer(active=False), tab.finished_state: job_id,
            **show_results(tab, job_id, snap, request)}


def redraw(tab, job_id: str | None, smoothing: float = 0.0, log_loss: bool = False, x_axis: str = "step",
           request: gr.Request | None = None) -> dict:
    """A chart control changed (smoothing, log scale, x axis): the same points drawn again, from the cache."""
    if not job_id:
        return dict(zip(tab.chart_outputs, charts.empty_figures()))
    best = get_manager().snapshot(job_id, since_step=1 << 62).get("best_step")
    return dict(zip(tab.chart_outputs, charts.figures(job_id, charts.ChartView.of(smoothing, log_loss, x_axis, best))))


def _live_findings(tab, job_id: str, request: gr.Request | None) -> dict:
    """What can be said mid-run (a learning rate too high, overfitting), from the points the charts hold."""
    try:
        config = _config(job_id)
    except (ValueError, OSError) as err:  # a run folder deleted mid-run: the charts go on without a diagnosis
        log.info("no live diagnosis for %s: %s", job_id, err)
        return {}
    # a DPO run's rewards as the charts hold them: both falling, a saturated margin, held-out pairs lagging
    report = task_of(config).diagnosis_report(charts.preference_records(job_id), None) \
        if task_of(config).compares_pairs else None
    findings = diagnosis.diagnose_curves(*charts.curve_points(job_id), config, report, live=True)
    return lessons.show_findings(tab.diagnosis, job_id, findings, request, live=True)


def _without_classes(job_id: str) -> bool:
    """A run of a task without classes (a causal LM) has no confusion matrix or per-class scores to show."""
    try:
        return not task_of(_config(job_id)).has_classes
    except (ValueError, OSError):  # a deleted run folder: show what can be shown
        return False


@cached(LRUCache(maxsize=64), lock=threading.Lock())
def _config(job_id: str) -> TrainConfig:
    """A run's config, read once: it does not change while the run trains."""
    return TrainConfig.from_stored(get_manager().store.read_config(job_id))
