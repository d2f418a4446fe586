"""Datasets tab handlers: load a dataset (Hub, upload, the embedded sample), sample rows, change the view.

Each takes the tab's components first (ui.datasets.tab.DatasetsTab, bound with functools.partial when wired) and
returns a dict keyed by component. An upload is kept under an opaque id owned by the visitor (core.data.uploads):
the page, the API and the runs list never see a server path.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import gradio as gr
import pandas as pd

from core.data import describe as data_describe
from core.data import loading, uploads
from core.data.source import CHAT, PREFS, SAMPLE, DatasetSource
from core.messages import UserError
from ui.datasets.chat_views import chats_html, conversation_format, flat_cells
from ui.datasets.pair_views import pairs_html, preference_format
from ui.datasets.views import labels_figure, lengths_figure, text_last
from ui.errors import shows_errors
from ui.i18n import header_of, headers, msg, t
from ui.identity import visitor
from ui.state import Selection

log = logging.getLogger(__name__)

SOURCE_SAMPLE, SOURCE_HUB, SOURCE_FILE = "sample", "hub", "file"
SOURCE_CHAT = "chat"  # the embedded conversations (data/chat), for SFT
SOURCE_PREFS = "prefs"  # the embedded preference pairs (data/prefs), for DPO


def make_source(kind: str, hub_id: str, config: str, split: str, file_path: str | None,
                owner: str = "") -> DatasetSource:
    """The DatasetSource the form describes; an uploaded file is kept first, under an id owned by owner."""
    if kind == SOURCE_HUB:
        return DatasetSource("hub", name=(hub_id or "").strip(), config=(config or "").strip(),
                             split=(split or "").strip())
    if kind == SOURCE_FILE:
        if not file_path:
            raise UserError("Choose a file to upload first")
        saved = uploads.save_upload(Path(file_path), Path(file_path).name, owner)
        _forget_gradio_copy(file_path)
        return DatasetSource("upload", name=saved["name"], upload=saved["id"])
    if kind == SOURCE_CHAT:
        return CHAT
    if kind == SOURCE_PREFS:
        return PREFS
    if kind != SOURCE_SAMPLE:
        raise UserError("Unknown dataset source kind {kind!r}: use sample, hub, upload, file or disk", kind=kind)
    return SAMPLE


def _forget_gradio_copy(file_path: str) -> None:
    """Gradio keeps the uploaded file in its cache, where its path serves it for an hour: the app's copy is the
    one that counts now, so Gradio's goes (only a file in Gradio's upload folder)."""
    path, cache = Path(file_path).resolve(), Path(gr.utils.get_upload_folder()).resolve()
    if cache not in path.parents:
        return
    try:
        path.unlink()
    except OSError as err:
        log.info("could not remove Gradio's copy of an upload: %s", err)


def _seed(seed) -> int | None:
    if seed is None:
        return None
    if isinstance(seed, bool) or float(seed) != int(seed):
        raise UserError("seed: {value} is not allowed - use a whole number from 0 to 4294967295, e.g. 0", value=seed)
    return int(seed)


def _view(tab, selection: Selection, n_rows, seed) -> dict:
    """The sample table and the two charts for the split and columns the selection points to."""
    split = _split_of(selection)
    table = text_last(flat_cells(data_describe.sample_rows(split, int(n_rows or 10), _seed(seed))),
                      list(selection.text_columns))
    label, texts = selection.label_column, selection.text_columns
    return {tab.sample_df: headers(table), tab.chat_html: _drawn_rows(split, [int(row) for row in table["row"]]),
            tab.labels_plot: labels_figure(data_describe.label_counts(split, label), column=label)
            if label in split.column_names else None,
            tab.lengths_plot: lengths_figure(data_describe.text_lengths(split, texts[0])) if texts else None}


def _split_of(selection: Selection):
    dsd = loading.load_source(selection.source)
    if selection.split not in dsd:
        raise UserError("Split {split!r} not found: choose one of {choices}", split=selection.split,
                        choices=", ".join(dsd))
    return dsd[selection.split]


@shows_errors
def load_dataset(tab, kind: str, hub_id: str, config: str, split: str, file_path: str | None,
                 n_rows: float, seed: float | None, request: gr.Request = None) -> dict:
    """Load a dataset and show its summary, schema, a random sample and statistics."""
    source = make_source(kind, hub_id, config, split, file_path, visitor(request).owner)
    info = data_describe.describe(loading.load_source(source))
    first_split = next(iter(info["splits"]))
    selection = Selection(source, first_split, tuple(info["text_columns"]), info["label_column"],
                          tuple(info["label_names"]) if info["label_names"] else None, tuple(info["splits"].items()))
    drawn = conversation_format(info["columns"]) or preference_format(info["columns"])  # shown as chats or pairs
    if not info["text_columns"] and not drawn:
        gr.Warning(msg("ds.no_text", request))
    splits_text = ", ".join(msg("ds.split_rows", request, name=name, rows=f"{rows:,}")
                            for name, rows in info["splits"].items())
    columns = info["columns"]
    return {tab.selection: selection,
            tab.summary_md: msg("ds.loaded", request, name=source.label, splits=splits_text),
            tab.schema_df: headers(pd.DataFrame({"column": list(info["features"]),
                                                 "type": list(info["features"].values())})),
            tab.split_dd: gr.Dropdown(choices=list(info["splits"]), value=first_split),
            tab.text_cols_dd: gr.Dropdown(choices=columns, value=info["text_columns"]),
            tab.label_col_dd: gr.Dropdown(choices=columns, value=info["label_column"]),
            # only the fields in use: gradio_client would take a "path" key, even empty, for a file to download
            tab.source_json: {k: v for k, v in source.to_dict().items() if v}, **_view(tab, selection, n_rows, seed)}


@shows_errors
def sample_rows(selection: Selection, n_rows: float, seed: float | None) -> pd.DataFrame:
    """A fresh random sample of the current split (the re-sample button and the API)."""
    frame = flat_cells(data_describe.sample_rows(_split_of(selection), int(n_rows or 10), _seed(seed)))
    return headers(text_last(frame, list(selection.text_columns)))


@shows_errors
def sampled_chats(selection: Selection, table: pd.DataFrame) -> gr.HTML:
    """The rows of the sample table drawn as chats (after a re-sample), hidden for a split that is not chats."""
    column = header_of(table, "row") if table is not None else None  # "row", or its name on a Chinese page
    rows = [int(row) for row in table[column]] if column else []
    return _drawn_rows(_split_of(selection), rows)


def _drawn_rows(split, rows: list[int]) -> gr.HTML:
    """The sampled rows drawn as chats (a conversational split) or as prompts with their two answers side by side
    (preference pairs); hidden for any other split."""
    chats = chats_html(split, rows)
    pairs = "" if chats else pairs_html(split, rows)
    return gr.HTML(value=chats or pairs, visible=bool(chats or pairs), label=t("ds.pairs" if pairs else "ds.chats"))


@shows_errors
def change_view(tab, selection: Selection, split: str, text_cols: list[str], label_col: str | None,
                n_rows: float, seed: float | None) -> dict:
    """The visitor picked another split or other columns: remember it and redraw."""
    if len(text_cols or []) > 2:
        raise UserError("{count} text columns are chosen: a tokenizer takes one text or a pair, so choose one or two "
                        "columns on the Datasets tab", count=len(text_cols))
    selection = replace(selection, split=split, text_columns=tuple(text_cols or ()), label_column=label_col)
    names = data_describe.class_names(_split_of(selection), label_col) if label_col else None
    selection = replace(selection, label_names=tuple(names) if names else None)
    return {tab.selection: selection, **_view(tab, selection, n_rows, seed)}


def initial_load(tab, request: gr.Request = None) -> dict:
    """Fill the tab with the embedded sample when the page opens."""
    return load_dataset(tab, SOURCE_SAMPLE, "", "", "", None, 10, 0, request)
