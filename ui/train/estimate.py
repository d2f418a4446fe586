"""The Train tab's "Before Start" panel: trainable parameters, their share and the memory a run needs, live from
the form's values, and (on request) the time of one measured training step."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core.jobs import request_work
from core.jobs.manager import get_manager
from core.model import estimate
from core.training import durations
from core.training.config import TrainConfig
from core.training.trainer import resolve_precision
from ui import what_to_train
from ui.errors import shows_errors
from ui.i18n import t
from ui.train import form as train_form

# the form fields the estimate depends on: a change to one of them redraws it
ESTIMATE_FIELDS = ("model", "num_labels", "max_train_samples", "max_length", "batch_size", "num_train_epochs",
                   "max_steps", "gradient_accumulation_steps", "precision", "train_mode", "train_last_layers",
                   "lora_r", "lora_target_modules")



def _config(dataset: dict, values) -> tuple[TrainConfig, str]:
    config = TrainConfig.from_dict(train_form.values_to_config(dataset, values))
    return config, resolve_precision(config.precision)


def estimate_from_form(tab, request: gr.Request, dataset: dict, *values) -> dict:
    """The estimate for the form as it stands, and how long runs of the same work took on this machine; a
    half-typed value is said in the panel, not as a pop-up."""
    try:
        config, precision = _config(dataset, values)
    except ValueError as err:
        return {tab.estimate_md: what_to_train.failed_markdown(err, request)}
    try:
        text = what_to_train.estimate_markdown(estimate.estimate(config, precision), request)
    except ValueError as err:
        text = what_to_train.failed_markdown(err, request)
    taken = durations.measured(get_manager().store, config.to_dict())
    return {tab.estimate_md: text + "\n\n" + what_to_train.measured_markdown(taken, request)}


@shows_errors
def measure_from_form(tab, request: gr.Request, dataset: dict, *values) -> dict:
    """One measured training step of the form's model and mode, and the time the whole run would take."""
    config, precision = _config(dataset, values)
    return {tab.step_md: what_to_train.step_markdown(request_work.timed_step(config, precision), request)}


@dataclass
class EstimatePanel:
    estimate_md: gr.Markdown  # what trains and the memory it needs
    step_btn: gr.Button  # times one real step
    step_md: gr.Markdown  # the measured step, and the run's time from it


def build_panel() -> EstimatePanel:
    """The panel's components: the estimate, and a button that times one step."""
    estimate_md = gr.Markdown()
    with gr.Row():
        step_btn = gr.Button(t("train.step"), size="sm", scale=0, min_width=260)
        step_md = gr.Markdown(t("train.step.info"))
    return EstimatePanel(estimate_md=estimate_md, step_btn=step_btn, step_md=step_md)
