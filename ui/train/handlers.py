"""Train tab handlers: the JSON API (start, status, stop, resume), the form's presets, and the buttons.

The job belongs to the visitor who started it; only its id sits in a gr.State. The same handlers serve the
buttons and the JSON API endpoints (gr.api).
"""

from __future__ import annotations

import functools
import json

import gradio as gr

from core import sources
from core.data.source import SAMPLE_NAME
from core.jobs import zerogpu
from core.jobs.manager import get_manager
from core.training.config import TrainConfig, quick_demo_config, tutorial_config
from ui import charts
from ui.i18n import local, msg
from ui.train import form as train_form
from ui.train.views import public_status, status_html

PRESET_QUICK, PRESET_TUTORIAL, PRESET_SELECTION = "quick", "tutorial", "selection"


def _owner(request: gr.Request | None) -> str:
    return getattr(request, "session_hash", None) or ""


# ------------------------------------------------------------ API handlers (JSON in, JSON out)

def start_training(config_json: str, request: gr.Request = None) -> dict:
    """Start (or queue) a training job from a TrainConfig as JSON; returns the job id and its status."""
    try:
        data = json.loads(config_json) if isinstance(config_json, str) else dict(config_json or {})
    except json.JSONDecodeError as err:
        raise gr.Error(msg("train.badjson", request, error=err)) from err
    try:
        job_id = get_manager().start(TrainConfig.from_dict(data), owner=_owner(request))
    except ValueError as err:
        raise gr.Error(local(err)) from err
    charts.forget(job_id)
    return public_status(get_manager().snapshot(job_id, since_step=1 << 62))


def training_status(job_id: str) -> dict:
    """The state, progress and metrics of a job (no curve points)."""
    try:
        return public_status(get_manager().snapshot(job_id, since_step=1 << 62))
    except (KeyError, ValueError) as err:
        raise gr.Error(msg("train.unknown_job", job_id=job_id, error=local(err))) from err


def stop_training(job_id: str, request: gr.Request = None) -> dict:
    """Ask a job to stop after its current step (only its owner may, unless ALLOW_ANY_STOP is set)."""
    job_id = job_id or get_manager().active_job_id()
    if not job_id:
        raise gr.Error(msg("train.nojob", request))
    try:
        get_manager().stop(job_id, owner=_owner(request))
    except (ValueError, PermissionError, KeyError) as err:
        raise gr.Error(local(err)) from err
    return training_status(job_id)


def resume_training(run_id: str, request: gr.Request = None) -> dict:
    """Continue a stopped or interrupted run from its last checkpoint."""
    if not run_id:
        raise gr.Error(msg("train.nojob", request))
    try:
        job_id = get_manager().resume(run_id, owner=_owner(request))
    except (ValueError, PermissionError, KeyError) as err:
        raise gr.Error(local(err)) from err
    charts.forget(job_id)
    return training_status(job_id)


def run_on_zero_gpu(job_id: str | None) -> None:
    """On a ZeroGPU Space, run the queued job inside this request's GPU slot; elsewhere the worker thread has it."""
    manager = get_manager()
    if job_id and manager.inline:
        try:
            zerogpu.run_in_gpu_slot(manager, job_id)
        except ValueError as err:
            raise gr.Error(local(err)) from err


def with_gpu_slot(fn):
    """API variant of start/resume: on ZeroGPU the call trains and returns the final status."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        status = fn(*args, **kwargs)
        if not get_manager().inline:
            return status
        run_on_zero_gpu(status["job_id"])
        return training_status(status["job_id"])
    return wrapper


# ------------------------------------------------------------ form handlers

def _form_outputs(cfg: dict, request: gr.Request | None):
    name = SAMPLE_NAME if cfg["dataset"].get("kind", "sample") == "sample" else \
        cfg["dataset"].get("name") or cfg["dataset"].get("path", "")
    return (cfg["dataset"], msg("train.dataset", request, name=name), json.dumps(cfg, indent=1),
            *train_form.config_to_values(cfg))


def apply_preset(preset: str, selection: dict | None, request: gr.Request = None):
    """Fill the form from a preset, or from the Datasets/Tokenizer tabs' selection."""
    if preset == PRESET_TUTORIAL and not sources.is_online():
        gr.Warning(msg("train.preset.offline", request, reason=sources.offline_reason()))
        return (gr.skip(),) * (3 + len(train_form.FIELD_ORDER))
    if preset == PRESET_TUTORIAL:
        return _form_outputs(tutorial_config().to_dict(), request)
    base = quick_demo_config().to_dict()
    if preset == PRESET_SELECTION:
        base = train_form.config_from_selection(selection, base)
    return _form_outputs(base, request)


def show_config(dataset: dict, *values) -> str:
    """The JSON of the current form, so learners see exactly what is saved."""
    return json.dumps(train_form.values_to_config(dataset, values), indent=1)


def start_from_form(request: gr.Request, dataset: dict, *values):
    """Start button: validate the form as a TrainConfig, start the job, switch the timer on."""
    config = train_form.values_to_config(dataset, values)
    status = start_training(json.dumps(config), request)
    gr.Info(msg("train.started", request, job_id=status["job_id"]))
    return status["job_id"], status_html(status, request), gr.Timer(active=True)


def stop_from_button(job_id: str | None, request: gr.Request = None):
    status = stop_training(job_id or "", request)
    gr.Info(msg("train.stopping", request, job_id=status["job_id"]))
    return status_html(status, request)


def resume_from_button(job_id: str | None, request: gr.Request = None):
    status = resume_training(job_id or "", request)
    return status["job_id"], status_html(status, request), gr.Timer(active=True)


def attach(job_id: str | None, request: gr.Request = None):
    """Page load: follow the running job, whoever started it (or keep this session's own)."""
    active = get_manager().active_job_id() or job_id
    return active, gr.Timer(active=bool(active))
