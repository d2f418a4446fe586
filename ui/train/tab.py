"""Train tab: a form built from TrainConfig, Start/Stop/Resume, live charts, results after training.

Layout and wiring only: the handlers live in ui.train.handlers (buttons and API) and ui.train.live (the timer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import gradio as gr

from core import sources
from core.data.source import SAMPLE_NAME
from core.messages import localize
from core.settings import get_settings
from core.training.presets import DEFAULT_PRESET
from ui import charts, lessons
from ui.binding import bind
from ui.chart_view import MAX_SMOOTHING, X_AXES
from ui.errors import keeps_outputs
from ui.i18n import msg_in, register, t
from ui.page import Page, TabSpec
from ui.train import estimate as before_start
from ui.train import form as train_form
from ui.train.handlers import (PRESET_QUICK, PRESET_SELECTION, apply_preset, attach, fill_from_retry,
                               page_words, resume_from_button, show_train_tab, resume_training, run_on_zero_gpu, show_config,
                               start_from_form, start_training, stop_from_button, stop_training, suggest_train_mode,
                               training_status,
                               with_gpu_slot)
from ui.train.live import follow_job, redraw, refresh_live
from ui.train.step_through import StepPanel, build_step_panel
from ui.train.views import limits_line, preset_choices, status_html

def _device() -> str:
    import torch  # slow import, deferred to first use

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU"


# ------------------------------------------------------------ layout

def _build_header() -> gr.Dropdown:
    """The device and limits line, the presets, the offline notice and the dataset line. The lines are known when
    the app is built: both languages' versions are registered then, and the browser shows its own."""
    register(**{lang: {"train.limits.now": limits_line(_device(), get_settings(), lang)} for lang in ("en", "zh")})
    gr.Markdown(t("train.limits.now"))
    preset_dd = gr.Dropdown(preset_choices(online=sources.is_online()), value=PRESET_QUICK, label=t("train.preset"),
                            info=t("train.preset.info"))
    if not sources.is_online():
        register(**{lang: {"train.offline.now": msg_in(lang, "train.preset.offline",
                                                       reason=localize(sources.offline_reason(), lang))}
                    for lang in ("en", "zh")})
        gr.Markdown(t("train.offline.now"))
    register(**{lang: {"train.dataset.now": msg_in(lang, "train.dataset", name=SAMPLE_NAME)} for lang in ("en", "zh")})
    return preset_dd


@dataclass
class Results:
    """The chart controls, the live charts and the tables of a finished run (placeholders until the page loads)."""

    smooth_sl: gr.Slider
    log_cb: gr.Checkbox
    xaxis_radio: gr.Radio
    loss_plot: gr.Plot
    lr_plot: gr.Plot
    metrics_plot: gr.Plot
    speed_plot: gr.Plot
    samples_html: gr.HTML
    compare_df: gr.Dataframe
    confusion_plot: gr.Plot
    per_class_df: gr.Dataframe


def _plot(label: str, elem_id: str) -> gr.Plot:
    return gr.Plot(charts.empty_figure(""), label=t(label), elem_id=elem_id)


def _build_results() -> Results:
    with gr.Row():
        smooth_sl = gr.Slider(0.0, MAX_SMOOTHING, value=0.0, step=0.01, label=t("train.smooth"),
                              info=t("train.smooth.info"))
        log_cb = gr.Checkbox(False, label=t("train.log"), info=t("train.log.info"))
        xaxis_radio = gr.Radio(list(X_AXES), value="step", label=t("train.xaxis"), info=t("train.xaxis.info"))
    with gr.Row():
        loss_plot, lr_plot = _plot("train.loss", "loss-plot"), _plot("train.lr", "lr-plot")
    with gr.Row():
        metrics_plot, speed_plot = _plot("train.metrics", "metrics-plot"), _plot("train.speed", "speed-plot")
    samples_html = gr.HTML("", label=t("train.samples"), elem_id="lm-samples")
    compare_df = gr.Dataframe(headers=["metric", "before", "after", "change"], label=t("train.compare"),
                              interactive=False, elem_id="compare-table")
    with gr.Row():
        confusion_plot = _plot("train.confusion", "confusion-plot")
        per_class_df = gr.Dataframe(headers=["label", "precision", "recall", "f1", "support"],
                                    label=t("train.per_class"), interactive=False, elem_id="per-class-table")
    return Results(smooth_sl=smooth_sl, log_cb=log_cb, xaxis_radio=xaxis_radio, loss_plot=loss_plot, lr_plot=lr_plot,
                   metrics_plot=metrics_plot, speed_plot=speed_plot, samples_html=samples_html, compare_df=compare_df,
                   confusion_plot=confusion_plot, per_class_df=per_class_df)


@dataclass
class TrainTab(Results, before_start.EstimatePanel):
    """The Train tab: the results' and the Before Start panel's components (the blocks it extends), the form and the
    job's controls and states."""

    preset_dd: gr.Dropdown
    dataset_state: gr.State
    dataset_md: gr.Markdown
    form: dict
    config_code: gr.Code
    start_btn: gr.Button
    stop_btn: gr.Button
    resume_btn: gr.Button
    status_html: gr.HTML
    timer: gr.Timer
    job_state: gr.State
    finished_state: gr.State  # the id of the job that just ended: other tabs refresh on its change
    drawn_state: gr.State  # the chart version this browser last drew (see charts.JobCurves.version)
    diagnosis: lessons.DiagnosisBlock
    examples: lessons.ExamplesBlock
    step_panel: StepPanel | None = None  # Step through one batch (ui.train.step_through)

    @property
    def view_inputs(self) -> list:
        return [self.smooth_sl, self.log_cb, self.xaxis_radio]

    @property
    def chart_outputs(self) -> list:
        return [self.loss_plot, self.lr_plot, self.metrics_plot, self.speed_plot]

    @property
    def page_outputs(self) -> list:
        return [self.preset_dd, *self.chart_outputs, self.confusion_plot, self.compare_df, self.per_class_df,
                self.status_html]

    def attach_after(self, visitor_known) -> None:
        """Once the page knows the visitor (the page-load event given): its words (charts, tables, presets) in the
        visitor's language, then re-attach to their job or the running one."""
        visitor_known.then(bind(page_words, self), None, self.page_outputs, api_visibility="private",
                           show_progress="hidden").then(
            bind(attach, self), [self.job_state], [self.job_state, self.timer], api_visibility="private",
            show_progress="hidden")

    def fill_from(self, retry_state: gr.State, tabs: gr.Tabs | None = None) -> None:
        """A "try again with" request (a run and one change) fills the form, then shows this tab."""
        outputs = [self.dataset_state, self.dataset_md, self.config_code,
                   *[self.form[name] for name in train_form.FIELD_ORDER]]
        filled = retry_state.change(bind(fill_from_retry, self), retry_state, outputs, api_visibility="private",
                                    show_progress="hidden")
        if tabs is not None:
            filled.success(show_train_tab, None, tabs, api_visibility="private", show_progress="hidden")


def build_train_tab(selection: gr.State) -> TrainTab:
    """Lay out the Train tab inside an open gr.Tab and wire its events."""
    cfg = DEFAULT_PRESET.factory().to_dict()
    preset_dd = _build_header()
    dataset_state = gr.State(cfg["dataset"])
    dataset_md = gr.Markdown(t("train.dataset.now"))
    with gr.Column(elem_id="train-form"):
        form = train_form.build_form(cfg)
    estimate = before_start.build_panel()
    with gr.Accordion(t("train.config"), open=False):
        config_code = gr.Code(json.dumps(cfg, indent=1), language="json", interactive=False, elem_id="train-config")
    step_panel = build_step_panel([dataset_state, *(form[name] for name in train_form.FIELD_ORDER)])
    with gr.Row():
        start_btn = gr.Button(t("train.start"), variant="primary")
        stop_btn = gr.Button(t("train.stop"), variant="stop")
        resume_btn = gr.Button(t("train.resume"))
    status = gr.HTML(status_html(None))
    res = _build_results()
    diagnosis, examples = lessons.build_diagnosis(), lessons.build_examples()
    tab = TrainTab(
        preset_dd=preset_dd, dataset_state=dataset_state, dataset_md=dataset_md, form=form, config_code=config_code,
        start_btn=start_btn, stop_btn=stop_btn, resume_btn=resume_btn, status_html=status,
        loss_plot=res.loss_plot, lr_plot=res.lr_plot, metrics_plot=res.metrics_plot, speed_plot=res.speed_plot,
        compare_df=res.compare_df, confusion_plot=res.confusion_plot, per_class_df=res.per_class_df,
        smooth_sl=res.smooth_sl, log_cb=res.log_cb, xaxis_radio=res.xaxis_radio, samples_html=res.samples_html,
        timer=gr.Timer(1.0, active=False), job_state=gr.State(None), finished_state=gr.State(None),
        drawn_state=gr.State(0), diagnosis=diagnosis, examples=examples, step_panel=step_panel,
        estimate_md=estimate.estimate_md, step_btn=estimate.step_btn, step_md=estimate.step_md)
    _wire(tab, selection)
    return tab


def _lesson_outputs(tab: TrainTab) -> list:
    block, ex = tab.diagnosis, tab.examples
    return [block.findings_md, *block.fix_btns, block.changes_state, ex.counts_md, ex.filter_radio, ex.cell_dd,
            ex.table, ex.run_state]


def _wire(tab: TrainTab, selection: gr.State) -> None:

    fields = [tab.form[name] for name in train_form.FIELD_ORDER]
    form_out = [tab.dataset_state, tab.dataset_md, tab.config_code, *fields]
    private = {"api_visibility": "private"}
    tab.preset_dd.input(bind(apply_preset, tab), [tab.preset_dd, selection], form_out, **private)
    selection.change(bind(apply_preset, tab), [gr.State(PRESET_SELECTION), selection], form_out, **private)
    suggest_in = [tab.form["task"], tab.form["model"], tab.form["train_mode"]]
    for name in ("task", "model"):
        tab.form[name].input(bind(suggest_train_mode, tab), suggest_in, tab.form["train_mode"], **private)
    for field in fields:
        field.change(show_config, [tab.dataset_state, *fields], tab.config_code, show_progress="hidden",
                     trigger_mode="always_last", **private)
    form_in = [tab.dataset_state, *fields]
    for name in before_start.ESTIMATE_FIELDS:
        tab.form[name].change(bind(before_start.estimate_from_form, tab), form_in, tab.estimate_md,
                              show_progress="hidden", trigger_mode="always_last", **private)
    tab.step_btn.click(bind(before_start.measure_from_form, tab), form_in, tab.step_md, **private)
    timer_on = [tab.job_state, tab.status_html, tab.timer]
    in_gpu_slot = {"fn": run_on_zero_gpu, "inputs": [tab.job_state], "outputs": None, "concurrency_limit": None,
                   "show_progress": "hidden", **private}
    # a refused Start or Resume: one toast, the status line keeps what it said (ui.errors.keeps_outputs)
    keeps_outputs(tab.start_btn.click, bind(start_from_form, tab), [tab.dataset_state, *fields], timer_on,
                  concurrency_limit=None, **private).success(**in_gpu_slot)
    tab.stop_btn.click(stop_from_button, [tab.job_state], tab.status_html, concurrency_limit=None, **private)
    keeps_outputs(tab.resume_btn.click, bind(resume_from_button, tab), [tab.job_state], timer_on,
                  concurrency_limit=None, **private).success(**in_gpu_slot)
    live_out = [tab.status_html, tab.loss_plot, tab.lr_plot, tab.metrics_plot, tab.speed_plot, tab.timer,
                tab.compare_df, tab.confusion_plot, tab.per_class_df, tab.finished_state, tab.drawn_state,
                tab.samples_html, *_lesson_outputs(tab)]
    tick = bind(refresh_live, tab)
    tick_in = [tab.job_state, tab.drawn_state, *tab.view_inputs]
    tab.timer.tick(tick, tick_in, live_out, concurrency_limit=None, show_progress="hidden",
                   trigger_mode="once", **private)
    tab.job_state.change(bind(follow_job, tab), tick_in, live_out, show_progress="hidden", **private)
    for control in tab.view_inputs:
        control.change(bind(redraw, tab), [tab.job_state, *tab.view_inputs], tab.chart_outputs,
                       show_progress="hidden", trigger_mode="always_last", **private)
    tab.fill_from(tab.diagnosis.retry_state)
    for fn, name in ((with_gpu_slot(start_training), "start_training"), (training_status, "training_status"),
                     (stop_training, "stop_training"), (with_gpu_slot(resume_training), "resume_training")):
        gr.api(fn, api_name=name, concurrency_limit=None)


def _build(page: Page) -> TrainTab:
    tab = build_train_tab(page.selection)
    page.finished = tab.finished_state  # the Runs tab refreshes on it
    return tab


def _link(tab: TrainTab, page: Page, _panel: gr.Tab) -> None:
    tab.attach_after(page.visitor_known)
    if page.retry is not None:
        tab.fill_from(page.retry, page.tabs)  # "try again with ..." on the Runs tab fills the form


TAB = TabSpec(intro="train.intro", build=_build, link=_link)
