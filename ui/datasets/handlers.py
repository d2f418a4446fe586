"""Datasets tab handlers: load a dataset (Hub, upload, the embedded sample), sample rows, change the view.

Plain functions that call core and return component values; tests and the API call them directly.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import gradio as gr
import pandas as pd

from core.data import describe as data_describe
from core.data import loading
from core.data.source import SAMPLE, DatasetSource
from core.messages import UserError
from core.settings import get_settings
from ui.datasets.views import labels_figure, lengths_figure, text_last
from ui.i18n import local, msg
from ui.state import default_selection, source_of

SOURCE_SAMPLE, SOURCE_HUB, SOURCE_FILE = "sample", "hub", "file"


def store_upload(file_path: str, session: str) -> Path:
    """Copy an upload into the app's uploads folder under a safe name (nothing escapes that folder)."""
    src = Path(file_path)
    loading.check_upload(src)  # size, type and encoding first, before any copy
    safe_session = re.sub(r"[^A-Za-z0-9_-]", "", session or "anon")[:40] or "anon"
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", src.name).lstrip(".")[:100] or "upload.csv"
    dest_dir = get_settings().uploads_dir / safe_session
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / safe_name
    shutil.copyfile(src, dest)
    return dest


def make_source(kind: str, hub_id: str, config: str, split: str, file_path: str | None,
                session: str = "") -> DatasetSource:
    """The DatasetSource the form describes (uploads are copied into the uploads folder first)."""
    if kind == SOURCE_HUB:
        return DatasetSource("hub", name=(hub_id or "").strip(), config=(config or "").strip(),
                                  split=(split or "").strip())
    if kind == SOURCE_FILE:
        if not file_path:
            raise UserError("Choose a file to upload first")
        return DatasetSource("file", path=str(store_upload(file_path, session)))
    return SAMPLE


def describe_view(selection: dict, n_rows: int, seed: int | None):
    """Sample table and charts for the split and columns the selection points to."""
    dsd = loading.load_source(source_of(selection))
    split = dsd[selection["split"]]
    table = text_last(data_describe.sample_rows(split, n_rows, None if seed is None else int(seed)),
                       selection.get("text_columns") or [])
    label_col = selection.get("label_column")
    text_cols = selection.get("text_columns") or []
    labels = labels_figure(data_describe.label_counts(split, label_col)) if label_col in split.column_names else None
    lengths = lengths_figure(data_describe.text_lengths(split, text_cols[0])) if text_cols else None
    return table, labels, lengths


def load_dataset(kind: str, hub_id: str, config: str, split: str, file_path: str | None,
                 n_rows: float, seed: float | None, request: gr.Request | None = None):
    """Load a dataset and show its summary, schema, a random sample and statistics."""
    try:
        source = make_source(kind, hub_id, config, split, file_path, getattr(request, "session_hash", ""))
        dsd = loading.load_source(source)
    except ValueError as err:
        raise gr.Error(local(err)) from err
    info = data_describe.describe(dsd)
    first_split = next(iter(info["splits"]))
    selection = {**default_selection(), "source": vars(source).copy(), "split": first_split,
                 "text_columns": info["text_columns"], "label_column": info["label_column"],
                 "label_names": info["label_names"], "splits": info["splits"]}
    if not info["text_columns"]:
        gr.Warning(msg("ds.no_text", request))
    splits_text = ", ".join(msg("ds.split_rows", request, name=name, rows=f"{rows:,}")
                            for name, rows in info["splits"].items())
    summary = msg("ds.loaded", request, name=source.label, splits=splits_text)
    schema = pd.DataFrame({"column": list(info["features"]), "type": list(info["features"].values())})
    table, labels, lengths = describe_view(selection, int(n_rows), seed)
    columns = info["columns"]
    return (selection, summary, schema,
            gr.update(choices=list(info["splits"]), value=first_split),
            gr.update(choices=columns, value=info["text_columns"]),
            gr.update(choices=columns, value=info["label_column"]),
            table, labels, lengths)


def sample_rows(selection: dict, n_rows: float, seed: float | None) -> pd.DataFrame:
    """A fresh random sample of the current split (the re-sample button and the API)."""
    try:
        dsd = loading.load_source(source_of(selection))
        frame = data_describe.sample_rows(dsd[selection["split"]], int(n_rows), None if seed is None else int(seed))
        return text_last(frame, selection.get("text_columns") or [])
    except (ValueError, KeyError) as err:
        raise gr.Error(msg("ds.sample_failed", error=local(err))) from err


def change_view(selection: dict, split: str, text_cols: list[str], label_col: str | None,
                n_rows: float, seed: float | None):
    """The user picked another split or other columns: remember it and redraw."""
    if len(text_cols or []) > 2:
        raise gr.Error(msg("ds.pick_columns"))
    dsd = loading.load_source(source_of(selection))
    label_names = data_describe.class_names(dsd[split], label_col) if label_col else None
    selection = {**selection, "split": split, "text_columns": list(text_cols or []),
                 "label_column": label_col, "label_names": label_names}
    table, labels, lengths = describe_view(selection, int(n_rows), seed)
    return selection, table, labels, lengths


def initial_load(request: gr.Request = None):
    """Fill the tab with the embedded sample when the page opens."""
    return load_dataset(SOURCE_SAMPLE, "", "", "", None, 10, 0, request)
