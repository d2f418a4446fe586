"""Train tab: a form built from TrainConfig, Start/Stop/Resume, live charts, results after training.

Layout and wiring only: the handlers live in ui.train.handlers (buttons and API) and ui.train.live (the timer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import gradio as gr

from core import sources
from core.data.source import SAMPLE_NAME
from core.settings import get_settings
from core.training.config import quick_demo_config
from ui import charts
from ui.binding import bind
from ui.i18n import msg, t
from ui.train import estimate as before_start
from ui.train import form as train_form
from ui.train.handlers import (PRESET_QUICK, PRESET_SELECTION, PRESET_TUTORIAL, apply_preset, attach, resume_from_button,
                               resume_training, run_on_zero_gpu, show_config, start_from_form, start_training,
                               stop_from_button, stop_training, training_status, with_gpu_slot)
from ui.train.live import refresh_live
from ui.train.views import status_html

def _device() -> str:
    import torch  # slow import, deferred to first use

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU"


# ------------------------------------------------------------ layout

@dataclass
class TrainTab:
    preset_dd: gr.Dropdown
    dataset_state: gr.State
    dataset_md: gr.Markdown
    form: dict
    config_code: gr.Code
    start_btn: gr.Button
    stop_btn: gr.Button
    resume_btn: gr.Button
    status_html: gr.HTML
    loss_plot: gr.Plot
    lr_plot: gr.Plot
    metrics_plot: gr.Plot
    speed_plot: gr.Plot
    compare_df: gr.Dataframe
    confusion_plot: gr.Plot
    per_class_df: gr.Dataframe
    timer: gr.Timer
    job_state: gr.State
    finished_state: gr.State  # the id of the job that just ended: other tabs refresh on its change
    drawn_state: gr.State  # the chart version this browser last drew (see charts.JobCurves.version)
    estimate_md: gr.Markdown  # Before Start: what trains and the memory it needs (ui.train.estimate)
    step_btn: gr.Button
    step_md: gr.Markdown

    def attach_after(self, visitor_known) -> None:
        """Once the page knows the visitor (the page-load event given), re-attach to their job or the running one."""
        visitor_known.then(bind(attach, self), [self.job_state], [self.job_state, self.timer],
                           api_visibility="private", show_progress="hidden")


def _preset_choices() -> list[tuple[str, str]]:
    tutorial = "Tutorial recipe (bert-base-cased, yelp_review_full)"
    if not sources.is_online():
        tutorial += " - unavailable offline"
    return [("Quick demo (embedded MiniLM + sample)", PRESET_QUICK), (tutorial, PRESET_TUTORIAL),
            ("From the Datasets tab", PRESET_SELECTION)]


def build_train_tab(selection: gr.State) -> TrainTab:
    """Lay out the Train tab inside an open gr.Tab and wire its events."""
    cfg = quick_demo_config().to_dict()
    gr.Markdown(t("train.intro"))
    gr.Markdown(msg("train.limits", device=_device(), limits=get_settings().limits_text()))
    preset_dd = gr.Dropdown(_preset_choices(), value=PRESET_QUICK, label=t("train.preset"),
                            info=t("train.preset.info"))
    if not sources.is_online():
        gr.Markdown(msg("train.preset.offline", reason=sources.offline_reason()))
    dataset_state = gr.State(cfg["dataset"])
    dataset_md = gr.Markdown(msg("train.dataset", name=SAMPLE_NAME))
    form = train_form.build_form(cfg)
    panel = before_start.build_panel()
    with gr.Accordion(t("train.config"), open=False):
        config_code = gr.Code(json.dumps(cfg, indent=1), language="json", interactive=False)
    with gr.Row():
        start_btn = gr.Button(t("train.start"), variant="primary")
        stop_btn = gr.Button(t("train.stop"), variant="stop")
        resume_btn = gr.Button(t("train.resume"))
    status = gr.HTML(status_html(None))
    with gr.Row():
        loss_plot = gr.Plot(charts.empty_figure("loss"), label=t("train.loss"), elem_id="loss-plot")
        lr_plot = gr.Plot(charts.empty_figure("learning rate"), label=t("train.lr"))
    with gr.Row():
        metrics_plot = gr.Plot(charts.empty_figure("evaluation"), label=t("train.metrics"))
        speed_plot = gr.Plot(charts.empty_figure("throughput"), label=t("train.speed"))
    compare_df = gr.Dataframe(headers=["metric", "before", "after", "change"], label=t("train.compare"),
                              interactive=False)
    with gr.Row():
        confusion_plot = gr.Plot(charts.empty_figure("confusion matrix"), label=t("train.confusion"))
        per_class_df = gr.Dataframe(headers=["label", "precision", "recall", "f1", "support"],
                                    label=t("train.per_class"), interactive=False)
    tab = TrainTab(preset_dd, dataset_state, dataset_md, form, config_code, start_btn, stop_btn, resume_btn,
                   status, loss_plot, lr_plot, metrics_plot, speed_plot, compare_df, confusion_plot,
                   per_class_df, gr.Timer(1.0, active=False), gr.State(None), gr.State(None), gr.State(0), **panel)
    _wire(tab, selection)
    return tab


def _wire(tab: TrainTab, selection: gr.State) -> None:

    fields = [tab.form[name] for name in train_form.FIELD_ORDER]
    form_out = [tab.dataset_state, tab.dataset_md, tab.config_code, *fields]
    private = {"api_visibility": "private"}
    tab.preset_dd.input(bind(apply_preset, tab), [tab.preset_dd, selection], form_out, **private)
    selection.change(bind(apply_preset, tab), [gr.State(PRESET_SELECTION), selection], form_out, **private)
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
    tab.start_btn.click(bind(start_from_form, tab), [tab.dataset_state, *fields], timer_on, concurrency_limit=None,
                        **private).success(**in_gpu_slot)
    tab.stop_btn.click(stop_from_button, [tab.job_state], tab.status_html, concurrency_limit=None, **private)
    tab.resume_btn.click(bind(resume_from_button, tab), [tab.job_state], timer_on, concurrency_limit=None,
                         **private).success(**in_gpu_slot)
    live_out = [tab.status_html, tab.loss_plot, tab.lr_plot, tab.metrics_plot, tab.speed_plot, tab.timer,
                tab.compare_df, tab.confusion_plot, tab.per_class_df, tab.finished_state, tab.drawn_state]
    tick = bind(refresh_live, tab)
    tab.timer.tick(tick, [tab.job_state, tab.drawn_state], live_out, concurrency_limit=None, show_progress="hidden",
                   trigger_mode="once", **private)
    tab.job_state.change(tick, [tab.job_state, tab.drawn_state], live_out, show_progress="hidden", **private)
    for fn, name in ((with_gpu_slot(start_training), "start_training"), (training_status, "training_status"),
                     (stop_training, "stop_training"), (with_gpu_slot(resume_training), "resume_training")):
        gr.api(fn, api_name=name, concurrency_limit=None)
