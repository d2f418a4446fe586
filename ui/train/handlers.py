"""Train tab handlers: the JSON API (start, status, stop, resume), the form's presets, and the buttons.

A job belongs to the visitor who started it (ui.identity); only its id sits in a gr.State. The same handlers serve
the buttons and the JSON API endpoints (gr.api). Handlers of the tab take its components first
(ui.train.tab.TrainTab) and return a dict keyed by component.
"""

from __future__ import annotations

import functools
import json

import gradio as gr

from core import sources
from core.data.source import DatasetSource
from core.jobs import zerogpu
from core.jobs.manager import get_manager
from core.messages import UserError
from core.task_registry import get_task
from core.training.config import TrainConfig
from core.training.presets import DEFAULT_PRESET, PRESETS_BY_KEY
from ui import charts, lessons
from ui.errors import error, shows_errors, toasts_errors
from ui.i18n import local, msg
from ui.identity import visitor
from ui.state import Selection
from ui.train import form as train_form
from ui.train.views import (COMPARE_COLUMNS, PER_CLASS_COLUMNS, empty_table, preset_choices, public_status,
                            status_html)

# the registry's keys (core.training.presets.PRESETS) that the tab and the tests name
PRESET_QUICK, PRESET_TUTORIAL, PRESET_SELECTION = "quick", "tutorial", "selection"
PRESET_PRETRAIN_GPT, PRESET_DOMAIN_GPT, PRESET_CHAT_GPT = "pretrain_gpt", "domain_gpt", "chat_gpt"
PRESET_CHAT_LOG = "chat_log"


# ------------------------------------------------------------ API handlers (JSON in, JSON out)

def status_for(job_id: str, request: gr.Request | None) -> dict:
    """A job's status as this visitor may see it (core.runs.visibility): another visitor's samples and failure
    reason can quote their data."""
    who = visitor(request)
    return public_status(get_manager().view(job_id, 1 << 62, who.owner, who.admin))


@shows_errors
def start_training(config_json: str, request: gr.Request = None) -> dict:
    """Start (or queue) a training job from a TrainConfig as JSON; returns the job id and its status."""
    return _start(TrainConfig.from_json(config_json), request)


def _start(config: TrainConfig, request: gr.Request | None) -> dict:
    who = visitor(request)
    job_id = get_manager().start(config, owner=who.owner, share=who.share)
    charts.forget(job_id)
    return status_for(job_id, request)


@shows_errors
def training_status(job_id: str, request: gr.Request = None) -> dict:
    """The state, progress and metrics of a job (no curve points)."""
    return status_for(job_id, request)


@shows_errors
def stop_training(job_id: str, request: gr.Request = None) -> dict:
    """Ask a job to stop after its current step (its owner only, unless ALLOW_ANY_STOP is set)."""
    job_id = job_id or get_manager().active_job_id()
    if not job_id:
        raise error(msg("train.nojob", request))
    who = visitor(request)
    get_manager().stop(job_id, owner=who.owner, admin=who.admin)
    return training_status(job_id, request)


@shows_errors
def resume_training(run_id: str, request: gr.Request = None) -> dict:
    """Continue a stopped, failed or interrupted run of yours from its last checkpoint."""
    if not run_id:
        raise error(msg("train.nojob", request))
    who = visitor(request)
    job_id = get_manager().resume(run_id, owner=who.owner, admin=who.admin, share=who.share)
    charts.forget(job_id)
    return training_status(job_id, request)


@shows_errors
def run_on_zero_gpu(job_id: str | None) -> None:
    """On a ZeroGPU Space, run the queued job inside this request's GPU slot; elsewhere the worker thread has it."""
    manager = get_manager()
    if job_id and manager.inline:
        zerogpu.run_in_gpu_slot(manager, job_id)


def with_gpu_slot(fn):
    """API variant of start/resume: on ZeroGPU the call trains and returns the final status."""
    @functools.wraps(fn)
    def wrapper(value, request: gr.Request = None):
        status = fn(value, request)
        if not get_manager().inline:
            return status
        run_on_zero_gpu(status["job_id"])
        return training_status(status["job_id"], request)
    return wrapper


# ------------------------------------------------------------ form handlers

def _dataset_line(dataset: dict, request: gr.Request | None) -> str:
    try:
        name = DatasetSource.from_dict(dataset).label
    except UserError:
        name = "?"
    return msg("train.dataset", request, name=name)


def _form(tab, cfg: dict, request: gr.Request | None) -> dict:
    """Every form widget, the dataset line and the JSON view, showing cfg."""
    return {tab.dataset_state: cfg["dataset"], tab.dataset_md: _dataset_line(cfg["dataset"], request),
            tab.config_code: json.dumps(cfg, indent=1),
            **{tab.form[name]: value for name, value in zip(train_form.FIELD_ORDER, train_form.config_to_values(cfg))}}


def apply_preset(tab, preset: str, selection: Selection | None, request: gr.Request = None) -> dict:
    """Fill the form from a preset of the registry (core.training.presets), with what it needs: the Hub, the
    Datasets and Tokenizer tabs' selection, or the visitor's latest pretraining run."""
    chosen = PRESETS_BY_KEY.get(preset, DEFAULT_PRESET)
    if chosen.needs == "hub" and not sources.is_online():
        gr.Warning(msg("train.preset.offline", request, reason=local(sources.offline_reason(), request)))
        return {}
    if chosen.needs in ("pretraining", "pretraining_if_any"):
        run_id = latest_pretraining(visitor(request).owner)
        if not run_id and chosen.needs == "pretraining":
            gr.Warning(msg("train.p.need_pretrain", request))
            return {}
        if chosen.needs == "pretraining_if_any":  # say which model it starts from, and what pretraining would add
            gr.Info(msg("train.p.from_run" if run_id else "train.p.from_scratch", request, run=run_id))
        config = chosen.factory(run_id).to_dict()
    elif chosen.needs == "chat_run":  # the log and DPO refine a model that already answers: the newest chat run
        run_id = latest_run(visitor(request).owner, PRESETS_BY_KEY[PRESET_CHAT_GPT].task)
        if not run_id:
            gr.Warning(msg("train.p.need_chat", request))
            return {}
        gr.Info(msg("train.p.from_chat_log" if chosen.key == PRESET_CHAT_LOG else "train.p.from_chat", request,
                    run=run_id))
        config = chosen.factory(run_id).to_dict()
    else:
        config = chosen.factory().to_dict()
    if chosen.needs == "selection":
        preset_length = config["max_length"]
        config = train_form.config_from_selection(selection, config)
        if config["max_length"] != preset_length:  # say why the form's max_length differs from the preset's
            gr.Info(msg("train.preset.max_length", request, value=config["max_length"], preset=preset_length))
    return _form(tab, config, request)


def suggest_train_mode(tab, task: str, model: str, train_mode: str, request: gr.Request = None) -> dict:
    """A causal LM above ~100M weights trains LoRA adapters by default: the form switches and says why."""
    if train_mode == "lora" or not model:
        return {}
    try:
        suggested = get_task(task).suggested_train_mode(model)
    except (ValueError, OSError):  # an unknown or unreachable model: the Start button will say what is wrong
        return {}
    if suggested != "lora":
        return {}
    gr.Info(msg("train.lora_default", request, model=model))
    return {tab.form["train_mode"]: "lora"}


def latest_pretraining(owner: str) -> str:
    """The visitor's newest finished run that pretrained the tiny GPT and saved it ("" when there is none)."""
    manager, pretrained = get_manager(), PRESETS_BY_KEY[PRESET_PRETRAIN_GPT].factory()  # the task and model it trains
    for row in manager.store.list_runs():
        config = row["config"]
        if (config.get("task"), config.get("model")) == (pretrained.task, pretrained.model) and row["has_model"] \
                and row["state"] == "done" and manager.may_change(row["run_id"], owner, False):
            return row["run_id"]
    return ""


def latest_run(owner: str, task: str) -> str:
    """The visitor's newest finished run of a task that saved its whole model ("" when there is none)."""
    manager = get_manager()
    for row in manager.store.list_runs():
        if row["config"].get("task") == task and row["has_model"] and row["state"] == "done" \
                and not manager.store.has_adapter(row["run_id"]) and manager.may_change(row["run_id"], owner, False):
            return row["run_id"]
    return ""


def show_config(dataset: dict, *values) -> str:
    """The JSON of the current form, so learners see exactly what is saved."""
    return json.dumps(train_form.values_to_config(dataset, values), indent=1)


@shows_errors
def start_from_form(tab, request: gr.Request, dataset: dict, *values) -> dict:
    """Start button: validate the form as a TrainConfig, start the job, switch the timer on."""
    status = _start(TrainConfig.from_dict(train_form.values_to_config(dataset, values)), request)  # no JSON between
    gr.Info(msg("train.started", request, job_id=status["job_id"]))
    return {tab.job_state: status["job_id"], tab.status_html: status_html(status, request),
            tab.timer: gr.Timer(active=True)}


@toasts_errors
def stop_from_button(job_id: str | None, request: gr.Request = None) -> str:
    status = stop_training(job_id or "", request)
    gr.Info(msg("train.stopping", request, job_id=status["job_id"]))
    return status_html(status, request)


@shows_errors
def resume_from_button(tab, job_id: str | None, request: gr.Request = None) -> dict:
    status = resume_training(job_id or "", request)
    return {tab.job_state: status["job_id"], tab.status_html: status_html(status, request),
            tab.timer: gr.Timer(active=True)}


def attach(tab, job_id: str | None, request: gr.Request = None) -> dict:
    """Page load: follow this visitor's own live job (a reload finds it again), else the one training now."""
    manager = get_manager()
    job_id = manager.live_job_of(visitor(request).owner) or manager.active_job_id() or job_id
    return {tab.job_state: job_id, tab.timer: gr.Timer(active=bool(job_id))}


def page_words(tab, request: gr.Request = None) -> dict:
    """Page load: what the app built in English before it knew the visitor (preset names, empty charts, table
    headings, the status line), now in the visitor's language."""
    return {tab.preset_dd: gr.Dropdown(choices=preset_choices(request, sources.is_online())),
            **dict(zip(tab.chart_outputs, charts.empty_figures())),
            tab.confusion_plot: charts.empty_figure(msg("chart.confusion", request, rows=0)),
            tab.compare_df: empty_table(COMPARE_COLUMNS, request),
            tab.per_class_df: empty_table(PER_CLASS_COLUMNS, request), tab.status_html: status_html(None, request)}


@shows_errors
def fill_from_retry(tab, retry, request: gr.Request = None) -> dict:
    """A "try again with" button: this form now holds the run's settings with exactly that one change."""
    if retry is None:
        raise error(msg("train.nojob", request))  # nothing to fill: the events after this one do not run
    config, note = lessons.retry_config(retry, request)
    gr.Info(note)
    return _form(tab, config, request)


def show_train_tab() -> gr.Tabs:
    """After a button on another tab filled the form: show it."""
    return gr.Tabs(selected="train")
