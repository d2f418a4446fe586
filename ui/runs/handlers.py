"""Handlers of the Runs tab: list, compare, try, export, push, delete. Thin: core does the work.

Functions with typed JSON-able signatures double as API endpoints (gr.api in ui/runs_tab.py).
"""

from __future__ import annotations

import logging
import os
import tempfile

import gradio as gr
import pandas as pd

from core.data.source import DatasetSource
from core.jobs.manager import get_manager
from core.results import export_script, predict as prediction, publish
from core.training.config import TrainConfig
from ui import charts
from ui.i18n import local, msg, register

log = logging.getLogger(__name__)

register(
    en={"runs.pushed": "Pushed to {url}", "runs.deleted": "Deleted run {run_id}.",
        "runs.confirm": "Tick 'Yes, delete it' first: deleting a run cannot be undone.",
        "runs.pick": "Choose a run first.",
        "runs.base_note": "The base model has the same pretrained body but a new, randomly initialised head: "
                          "its answers are noise. That difference is what fine-tuning learned."},
    zh={"runs.pushed": "已上传到 {url}", "runs.deleted": "已删除运行 {run_id}。",
        "runs.confirm": "请先勾选“是的，删除”：删除后无法恢复。",
        "runs.pick": "请先选择一个运行。",
        "runs.base_note": "基础模型的预训练主体相同，但分类头是新的、随机初始化的：它的回答只是噪声。"
                          "两者的差别就是微调学到的东西。"},
)

RUN_COLUMNS = ["run_id", "name", "model", "dataset", "state", "best_metric", "created"]


def _store():
    return get_manager().store


def _need(run_id: str | None, request: gr.Request | None = None) -> str:
    if not run_id:
        raise gr.Error(msg("runs.pick", request))
    return run_id


def _dataset_label(dataset) -> str:
    try:
        return DatasetSource.from_dict(dataset).label
    except (TypeError, ValueError, AttributeError):
        return "?"


def list_runs() -> list[dict]:
    """Every run on disk, newest first: run_id, name, model, dataset, state, best_metric, created."""
    rows = []
    for row in _store().list_runs():
        config = row["config"]
        shown = {**row, "model": str(config.get("model") or ""), "dataset": _dataset_label(config.get("dataset") or {})}
        rows.append({k: shown.get(k) for k in RUN_COLUMNS + ["best_metric_name", "has_model"]})
    return rows


def refresh_runs(clear: bool = False):
    """The runs table and the two run pickers (emptied when clear, e.g. after a delete)."""
    rows = list_runs()
    table = pd.DataFrame(rows, columns=RUN_COLUMNS)
    if len(table):
        table["best_metric"] = [None if v is None else round(float(v), 4) for v in table["best_metric"]]
    choices = [(f"{r['name']} · {r['state']} · {r['created']}", r["run_id"]) for r in rows]
    if clear:
        return table, gr.Dropdown(choices=choices, value=None), gr.Dropdown(choices=choices, value=None)
    return table, gr.Dropdown(choices=choices), gr.Dropdown(choices=choices)


def compare_runs(run_ids: list[str] | None):
    """Eval accuracy and train loss of several runs, overlaid."""
    records = {}
    for run_id in run_ids or []:
        records[run_id] = _store().read_metrics(run_id)
    return (charts.overlay_figure(records, "eval|baseline", "eval_accuracy", "eval accuracy"),
            charts.overlay_figure(records, "train", "loss", "train loss"))


def predict(run_id: str, text: str, text_pair: str = "") -> dict:
    """The fine-tuned run's label probabilities next to the untrained base model's."""
    try:
        result = prediction.predict_run(_store(), _need(run_id), text, text_pair or "")
    except (ValueError, OSError) as err:
        raise gr.Error(local(err)) from err
    return {side: {r["label"]: r["score"] for r in rows} for side, rows in result.items()}


def predict_from_ui(run_id: str | None, text: str, text_pair: str):
    result = predict(run_id or "", text, text_pair)
    return result["fine_tuned"], result["base"]


def export_code(run_id: str, num_processes: int = 2) -> dict:
    """The run as a standalone Python script, plus the accelerate launch commands for several GPUs."""
    try:
        config = TrainConfig.from_dict(_store().read_config(_need(run_id)))
        config_path = _store().path(run_id) / "config.json"
        return {"script": export_script.generate_script(config), "file_name": export_script.script_name(config),
                "commands": export_script.accelerate_commands(config, int(num_processes), str(config_path))}
    except ValueError as err:
        raise gr.Error(local(err)) from err


def show_code(run_id: str | None, num_processes: float):
    exported = export_code(run_id or "", int(num_processes or 2))
    return exported["script"], exported["commands"]


def download_model(run_id: str | None, request: gr.Request = None) -> str:
    """The run's model folder as a zip, for a gr.File."""
    run_id = _need(run_id, request)
    try:
        return str(publish.zip_model(_store().model_dir(run_id), tempfile.mkdtemp(prefix="fts-zip-"), run_id))
    except ValueError as err:
        raise gr.Error(local(err)) from err


def push_run(request: gr.Request, run_id: str | None, repo_id: str, token: str):
    """Push the model to the Hub. The token comes from the box or HF_TOKEN and is never shown or kept."""
    run_id = _need(run_id, request)
    try:
        url = publish.push_model(_store().model_dir(run_id), repo_id,
                                   (token or "").strip() or os.environ.get("HF_TOKEN", ""))
    except ValueError as err:
        raise gr.Error(local(err)) from err
    return msg("runs.pushed", request, url=url), ""  # the second output empties the token box


def delete_run(request: gr.Request, run_id: str | None, confirmed: bool):
    """Delete a run folder, only once the confirmation box is ticked."""
    run_id = _need(run_id, request)
    if not confirmed:
        raise gr.Error(msg("runs.confirm", request))
    try:
        _store().delete(run_id)
    except ValueError as err:
        raise gr.Error(local(err)) from err
    prediction.clear_cache()
    charts.forget(run_id)
    gr.Info(msg("runs.deleted", request, run_id=run_id))
    return (*refresh_runs(clear=True), False)
