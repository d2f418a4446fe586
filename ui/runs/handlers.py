"""Handlers of the Runs tab: list, compare, try, export, push, delete. Thin: core does the work.

Anyone may look at, compare and try a run; only its owner (or the admin) pushes or deletes it (core.ownership).
Functions with typed JSON-able signatures double as API endpoints (gr.api in ui/runs/tab.py); the tab's handlers
take its components first (ui.runs.tab.RunsTab) and return a dict keyed by component.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import gradio as gr
import pandas as pd

from core.data.source import DatasetSource
from core.jobs.manager import get_manager
from core.messages import N_, UserError
from core.ownership import may_change
from core.results import export_forms, model_card, publish
from core.results import generate as generation
from core.results import predict as prediction
from core.results import saved
from core.runs import visibility
from core.runs.store import model_stamp
from core.settings import get_settings
from core.task_registry import DEFAULT_TASK, get_task, task_of
from core.training.config import TrainConfig
from ui import charts, downloads, identity, lessons
from ui.errors import error, shows_errors, toasts_errors
from ui.i18n import headers, local, msg
from ui.identity import visitor

log = logging.getLogger(__name__)


RUN_COLUMNS = ["run_id", "name", "model", "dataset", "state", "best_metric", "created", "yours", "train_mode"]
MAX_COMPARED = 8  # runs overlaid on one chart
MAX_PROCESSES = 64  # accelerate launch --num_processes in the exported commands
FORMS = ("trainer", "loop", "accelerate")  # the export forms; their names: runs.form.<form> (ui/runs/strings.py)


def _store():
    return get_manager().store


def _sees_data(run_id: str, request: gr.Request | None) -> bool:
    """Whether this visitor may see what the run learned from its data (core.runs.visibility)."""
    who = visitor(request)
    return visibility.may_see_data(_store(), run_id, who.owner, who.admin)


def _require_data(run_id: str, request: gr.Request | None) -> None:
    who = visitor(request)
    visibility.require_data_access(_store(), run_id, who.owner, who.admin)


def _need(run_id: str | None, request: gr.Request | None = None) -> str:
    if not run_id:
        raise error(msg("runs.pick", request))
    return run_id


def _dataset_label(dataset, yours: bool) -> str:
    """The dataset a run used; another visitor's upload is not named (its file name is theirs)."""
    try:
        source = DatasetSource.from_dict(dataset)
    except UserError:
        return "?"
    if source.kind == "upload" and not yours:
        return "upload"
    return source.label


def list_runs(request: gr.Request = None) -> list[dict]:
    """Every run on disk, newest first: run_id, name, model, dataset, state, best_metric, created, and whether it
    is yours (you may stop, resume, delete and push it)."""
    who = visitor(request)
    rows = []
    for row in _store().list_runs():
        config, yours = row["config"], may_change(row["owner"], who.owner, who.admin)
        shown = {**row, "model": str(config.get("model") or ""), "yours": yours, "train_mode": _mode(config),
                 "dataset": _dataset_label(config.get("dataset") or {}, yours)}
        rows.append({k: shown.get(k) for k in RUN_COLUMNS + ["best_metric_name", "has_model"]})
    return rows


def refresh_runs(tab, request: gr.Request = None, clear: bool = False) -> dict:
    """The runs table and the two run pickers (emptied when clear, e.g. after a delete)."""
    rows = list_runs(request)
    table = pd.DataFrame(rows, columns=RUN_COLUMNS)
    if len(table):
        table["best_metric"] = [_best(r["best_metric"], r["best_metric_name"]) for r in rows]
        table["yours"] = ["✓" if v else "" for v in table["yours"]]
    choices = [(f"{r['name']} · {msg('cell.' + r['state'], request)} · {r['created']}", r["run_id"]) for r in rows]
    value = {"value": None} if clear else {}
    return {tab.runs_df: headers(table, request, cells=("state",)),
            tab.compare_dd: gr.Dropdown(choices=choices, **value),
            tab.run_dd: gr.Dropdown(choices=choices, **value)}


def _best(value, metric) -> str:
    """A best value with the metric it measures ("0.72 accuracy", "17.91 perplexity"): runs of several tasks share
    the table, and a bare number cannot say whether higher or lower is better."""
    if value is None:
        return ""
    return f"{float(value):.4g} {str(metric or '').removeprefix('eval_')}".strip()


def _mode(config: dict) -> str:
    """What a run trained (runs from before train_mode existed trained every weight)."""
    return str(config.get("train_mode") or "full")


def _curve_name(run_id: str, taken: set[str]) -> str:
    """A run's name on a chart with what it trained ("minilm · lora"), so runs of different modes are told apart."""
    config = _store().read_config(run_id)
    name = f"{config.get('run_name') or run_id} · {_mode(config)}"
    return name if name not in taken else f"{name} · {run_id}"


def compared_metric(run_ids: list[str] | None) -> str:
    """The eval curve the compared runs share: their task's (the registry's compare_metric); runs of several tasks
    share only eval_loss, which every evaluation logs."""
    metrics = {task_of(_store().read_config(run_id)).compare_metric for run_id in (run_ids or [])[:MAX_COMPARED]}
    if not metrics:
        return get_task(DEFAULT_TASK).compare_metric
    return metrics.pop() if len(metrics) == 1 else "eval_loss"


@shows_errors
def compare_runs(run_ids: list[str] | None, x_axis: str = "step"):
    """The compared runs' eval curve (compared_metric) and train loss, overlaid, by step or by epoch; each curve
    named after its run and train mode."""
    records: dict[str, list[dict]] = {}
    for run_id in (run_ids or [])[:MAX_COMPARED]:
        records[_curve_name(run_id, set(records))] = _store().read_metrics(run_id)
    metric = compared_metric(run_ids)
    return (charts.overlay_figure(records, "eval|baseline", metric, msg(f"chart.{metric}"), x_axis),
            charts.overlay_figure(records, "train", "loss", msg("chart.train_loss"), x_axis))


def compare_view(tab, run_ids: list[str] | None, x_axis: str = "step", request: gr.Request = None) -> dict:
    """The overlaid curves of the compared runs (the eval chart labelled by what it plots) and the settings in
    which their configs differ."""
    acc, loss = compare_runs(run_ids, x_axis)
    label = msg(f"chart.{compared_metric(run_ids)}", request)
    return {tab.acc_plot: gr.Plot(acc, label=label[:1].upper() + label[1:]), tab.loss_plot: loss,
            tab.diff_df: config_diff(run_ids, request)}


@shows_errors
def config_diff(run_ids: list[str] | None, request: gr.Request = None) -> pd.DataFrame:
    """One row per setting that differs between the compared runs, one column per run (another visitor's upload is
    named "upload")."""
    who, runs = visitor(request), []
    for run_id in (run_ids or [])[:MAX_COMPARED]:
        config = TrainConfig.from_stored(_store().read_config(run_id)).to_dict()
        yours = get_manager().may_change(run_id, who.owner, who.admin)
        config = {**visibility.shown_config(config, _sees_data(run_id, request)),
                  "dataset": _dataset_label(config["dataset"], yours)}
        runs.append((run_id, config))
    setting = msg("runs.c.setting", request)
    if len(runs) < 2:
        return pd.DataFrame(columns=[setting])
    rows = [{setting: name, **{run_id: _shown(config[name]) for run_id, config in runs}}
            for name in runs[0][1] if len({repr(config[name]) for _, config in runs}) > 1]
    return pd.DataFrame(rows, columns=[setting, *[run_id for run_id, _ in runs]])


def _shown(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else f"{value:g}" if isinstance(value, float) \
        else str(value)


def page_words(tab, request: gr.Request = None) -> dict:
    """Page load: the empty charts' titles and notes in the visitor's language."""
    acc, loss = compare_runs([], "step")
    return {tab.acc_plot: acc, tab.loss_plot: loss, tab.diff_df: config_diff([], request)}


def show_run_lessons(tab, run_id: str | None, request: gr.Request = None) -> dict:
    """A run was picked: what its curves say (with "try again with" buttons) and its per-example results."""
    if not run_id:
        return {**lessons.show_findings(tab.diagnosis, None, [], request),
                **lessons.examples_view(tab.examples, None, request=request)}
    try:
        findings = lessons.run_findings(run_id, request)
    except ValueError as err:
        raise error(local(err, request)) from err
    return {**lessons.show_findings(tab.diagnosis, run_id, findings, request),
            **_examples_on_pick(tab, run_id, request), tab.examples.run_state: run_id}


def _examples_on_pick(tab, run_id: str, request: gr.Request | None) -> dict:
    """Examples already computed (or a task without any: it says so) show at once; a run without a saved model says
    why; others wait for the button (two models over every eval row)."""
    store = _store()
    if store.read_examples(run_id) or not lessons.has_classes(run_id):
        return lessons.examples_view(tab.examples, run_id, "all", "", request)
    empty = lessons.examples_view(tab.examples, None, request=request)
    if not store.has_model(run_id):
        return {**empty, tab.examples.counts_md: local(saved.no_model_error(store, run_id), request)}
    return {**empty, tab.examples.counts_md: msg("runs.examples_press", request)}


@shows_errors
def show_examples_now(tab, run_id: str | None, request: gr.Request = None) -> dict:
    """The button: compute (once) and show the picked run's per-example results."""
    return lessons.examples_view(tab.examples, _need(run_id, request), "all", "", request, quiet=False)


@shows_errors
def predict(run_id: str, text: str, text_pair: str = "", request: gr.Request = None) -> dict:
    """The fine-tuned run's label probabilities next to the untrained base model's, and a note when the text was
    longer than the model takes (it is then truncated). The classes of a run trained on another visitor's own data
    are theirs, so only they may run it."""
    _require_data(_need(run_id), request)
    with identity.model_call(request):  # one stranger's many sessions share one bound of model work
        result = prediction.predict_run(_store(), run_id, text, text_pair or "")
    return {**{side: {r["label"]: r["score"] for r in result[side]} for side in ("fine_tuned", "base")},
            "note": result["note"]}


def predict_from_ui(tab, run_id: str | None, text: str, text_pair: str, request: gr.Request = None) -> dict:
    result = predict(run_id or "", text, text_pair, request)
    return {tab.tuned_label: result["fine_tuned"], tab.base_label: result["base"],
            tab.predict_md: local(result["note"], request)}


def clear_answers(tab, run_id: str | None) -> dict:
    """A newly picked run shows no answer of the run picked before (a label beside a causal LM run misleads), and
    only the Try it panels its task has: labels for a task with classes, writing for one that writes text (both
    while no run is picked); the per-example button only where there are classes."""
    task = _task_of_run(run_id)
    classes = task is None or task.has_classes
    return {tab.tuned_label: None, tab.base_label: None, tab.predict_md: "", tab.tuned_text: "", tab.base_text: "",
            tab.classify_col: gr.Column(visible=classes), tab.examples_btn: gr.Button(visible=classes),
            tab.write.box: gr.Accordion(visible=task is None or task.writes_text)}


def _task_of_run(run_id: str | None):
    """The task of a picked run (core.task_registry); None while none is picked or its folder is gone."""
    if not run_id:
        return None
    try:
        return task_of(_store().read_config(run_id))
    except (ValueError, OSError):
        return None


@shows_errors
def generate_text(run_id: str, prompt: str, max_new_tokens: int = 40, temperature: float = 0.8, top_k: int = 50,
                  top_p: float = 0.95, greedy: bool = False, request: gr.Request = None) -> dict:
    """A causal LM run continues the prompt, beside the model it started from: {"prompt", "fine_tuned", "base"}.
    Bounded: max_new_tokens at most 200, a prompt of at most 1,000 characters. A model trained on another visitor's
    upload may repeat their texts, so only they may make it write."""
    run_id = _need(run_id, request)
    if not _sees_data(run_id, request):
        raise UserError("This run learned from another visitor's upload, so only they may make it write")
    decoding = generation.Decoding(max_new_tokens=max_new_tokens, temperature=temperature, top_k=top_k, top_p=top_p,
                                   greedy=greedy)
    with identity.model_call(request):
        return generation.generate(_store(), run_id, prompt, decoding)


def generate_from_ui(tab, run_id: str | None, prompt: str, max_new_tokens: float, temperature: float, top_k: float,
                     top_p: float, greedy: bool, request: gr.Request = None) -> dict:
    result = generate_text(run_id or "", prompt, int(max_new_tokens), temperature, int(top_k), top_p, greedy, request)
    return {tab.tuned_text: result["prompt"] + result["fine_tuned"], tab.base_text: result["prompt"] + result["base"]}


@shows_errors
def export_code(run_id: str, num_processes: int = 2, form: str = "trainer", request: gr.Request = None) -> dict:
    """The run as a standalone Python script - form "trainer" (the Trainer), "loop" (a plain PyTorch loop) or
    "accelerate" (the loop with Accelerate) - with the command lines that run it (accelerate launch for several
    GPUs). A run trained on another visitor's own data exports for them only (its settings quote that data)."""
    if isinstance(num_processes, bool) or not isinstance(num_processes, (int, float)) \
            or not 1 <= num_processes <= MAX_PROCESSES or int(num_processes) != num_processes:
        raise UserError("num_processes: {value!r} - use a whole number from 1 to {limit}, one per GPU",
                        value=num_processes, limit=MAX_PROCESSES)
    form = export_forms.check_form(form)
    _require_data(_need(run_id), request)
    config = TrainConfig.from_stored(_store().read_config(run_id))
    return {"script": export_forms.generate(config, form), "file_name": export_forms.file_name(config, form),
            "commands": export_forms.commands(config, form, int(num_processes)), "form": form}


def show_code(tab, run_id: str | None, num_processes: float, form: str = "trainer",
              request: gr.Request = None) -> dict:
    exported = export_code(run_id or "", int(num_processes or 2), form or "trainer", request)
    return {tab.script_code: exported["script"], tab.commands_code: exported["commands"]}


@shows_errors
def download_script(run_id: str | None, request: gr.Request = None, form: str = "trainer") -> str:
    """The chosen form's script in a zip with the sample data and metric modules it reads beside it, for a gr.File."""
    _require_data(_need(run_id, request), request)
    config = TrainConfig.from_stored(_store().read_config(run_id))
    form = export_forms.check_form(form or "trainer")
    # one zip per run and form, rewritten at each click (ui.downloads): clicks fill no disk
    return str(downloads.kept_file(f"script/{run_id}/{form}", lambda work: export_forms.bundle(config, work, form)))


@shows_errors
def download_model(run_id: str | None, request: gr.Request = None) -> str:
    """The run's model folder as a zip, for a gr.File. A model that learned from a visitor's own upload may hold
    pieces of it, so it leaves the server only for its owner."""
    run_id = _need(run_id, request)
    _require_data(run_id, request)
    model_dir = _store().model_dir(run_id)
    # one zip per run, built again only when the run's model changes (a LoRA merge is model work: bounded per
    # stranger as Try it is), so a stranger clicking Download fills no disk and holds no CPU
    with identity.model_call(request):
        return str(downloads.kept_file(f"model/{run_id}", lambda work: publish.zip_model(model_dir, work, run_id),
                                       version=model_stamp(model_dir)))


def _push_token(pasted: str, signed_in: gr.OAuthToken | None) -> str:
    """The visitor's own token: pasted, or their Hugging Face sign-in. The server's HF_TOKEN only serves the
    machine's own user (private mode) or where the owner allows it (ALLOW_SERVER_TOKEN)."""
    if isinstance(pasted, str) and pasted.strip():
        return pasted.strip()
    if signed_in is not None and getattr(signed_in, "token", ""):
        return signed_in.token
    settings = get_settings()
    if not settings.public or settings.allow_server_token:
        return os.environ.get("HF_TOKEN", "")
    raise UserError("Sign in with Hugging Face or paste a write token: on a public server the server's own token "
                    "is never used for a visitor's push")


@shows_errors
def push_run(tab, request: gr.Request, run_id: str | None, repo_id: str, token: str,
             signed_in: gr.OAuthToken | None = None) -> dict:
    """Push your run's model to the Hub with your own token; the token is never shown, logged or kept."""
    run_id = _need(run_id, request)
    who = visitor(request)
    if not get_manager().may_change(run_id, who.owner, who.admin):
        raise UserError("Only the visitor who started this run can {action} it (others may view, compare and try "
                        "it; the server owner can with ADMIN_KEY)", action=N_("push"))
    token = _push_token(token, signed_in)
    card = model_card.card_for_run(_store(), run_id, (repo_id or "").strip()) if _store().has_model(run_id) else ""
    url = publish.push_model(_store().model_dir(run_id), repo_id, token, card=card)
    return {tab.push_md: msg("runs.pushed", request, url=url), tab.token_tb: ""}  # the token box is emptied


@toasts_errors
def delete_run(tab, request: gr.Request, run_id: str | None, confirmed: bool) -> dict:
    """Delete your run's folder, only once the confirmation box is ticked."""
    run_id = _need(run_id, request)
    if confirmed is not True:
        raise error(msg("runs.confirm", request))
    who = visitor(request)
    get_manager().delete(run_id, owner=who.owner, admin=who.admin)
    prediction.clear_cache()
    charts.forget(run_id)
    gr.Info(msg("runs.deleted", request, run_id=run_id))
    return {**refresh_runs(tab, request, clear=True), tab.confirm_cb: False}


def sign_in_admin(tab, key: str, request: gr.Request = None) -> dict:
    """The server owner's key: this session may then change every run."""
    return {tab.admin_md: identity.sign_in_admin(key, request), tab.admin_tb: ""}
