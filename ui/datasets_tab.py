"""Datasets tab: load a Hub dataset, an uploaded file or the embedded sample; look at it."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd
import plotly.graph_objects as go

from core import data, sources
from core.messages import UserError
from core.settings import get_settings
from ui.i18n import local, msg, register, t
from ui.state import default_selection, source_of

SOURCE_SAMPLE, SOURCE_HUB, SOURCE_FILE = "sample", "hub", "file"

register(
    en={
        "ds.intro": "### 1. Look at the data\nPick a dataset, then read a few random rows before you train on it: "
                    "what is the text, what are the labels, how long are the texts?",
        "ds.source": "Source", "ds.source.info": "Where the data comes from: the sample shipped with the app "
                     "(works offline), a dataset on the Hugging Face Hub, or your own file.",
        "ds.src.sample": "Embedded sample (offline)", "ds.src.hub": "Hugging Face Hub", "ds.src.file": "Upload a file",
        "ds.hub_id": "Hub dataset id", "ds.hub_id.info": "The name passed to load_dataset(), e.g. imdb or glue.",
        "ds.config": "Config", "ds.config.info": "Some datasets have several configs: glue needs one, e.g. mrpc.",
        "ds.split": "Split to load", "ds.split.info": "Empty loads every split (train, test, ...).",
        "ds.file": "File", "ds.file.info": "csv, tsv, json, jsonl or parquet, UTF-8, with a header row.",
        "ds.load": "Load dataset",
        "ds.view_split": "Split", "ds.view_split.info": "Which split the table and charts show.",
        "ds.text_cols": "Text column(s)", "ds.text_cols.info": "What the model reads; two columns make a "
                        "sentence pair, as in glue/mrpc.",
        "ds.label_col": "Label column", "ds.label_col.info": "What the model learns to predict.",
        "ds.n_rows": "Rows", "ds.n_rows.info": "How many random rows to show (1-50).",
        "ds.seed": "Seed", "ds.seed.info": "Same seed, same rows: change it to see others.",
        "ds.resample": "Re-sample", "ds.sample": "Random rows (labels shown as their names)",
        "ds.schema": "Features (schema)", "ds.summary": "Summary",
        "ds.labels_plot": "Label distribution", "ds.lengths_plot": "Text length (words)",
        "ds.offline": "Offline ({reason}): only Hub datasets cached earlier (python app.py --prefetch NAME) load; "
                      "use the sample or upload a file.",
        "ds.loaded": "Loaded **{name}**: {splits}.",
        "ds.no_text": "No text column was found: pick the column that holds the text.",
        "ds.sample_failed": "Could not sample rows: {error}. Load the dataset again.",
        "ds.split_rows": "{name} {rows} rows", "ds.axis.label": "label", "ds.axis.rows": "rows",
        "ds.axis.words": "words per text",
        "ds.pick_columns": "Pick one text column, or two for a sentence pair.",
        "ds.no_file": "Choose a file to upload first.",
        "ds.presets": "Tutorial presets: {names}",
    },
    zh={
        "ds.intro": "### 1. 看数据\n先选一个数据集，训练前读几行随机样本：文本是什么，标签有哪些，文本有多长？",
        "ds.source": "来源", "ds.source.info": "数据从哪里来：应用自带的样例（可离线）、Hugging Face Hub 上的数据集，或你自己的文件。",
        "ds.src.sample": "内置样例（离线）", "ds.src.hub": "Hugging Face Hub", "ds.src.file": "上传文件",
        "ds.hub_id": "Hub 数据集 id", "ds.hub_id.info": "传给 load_dataset() 的名字，例如 imdb 或 glue。",
        "ds.config": "配置 (config)", "ds.config.info": "有些数据集有多个 config：glue 需要指定一个，例如 mrpc。",
        "ds.split": "要加载的 split", "ds.split.info": "留空则加载所有 split（train、test……）。",
        "ds.file": "文件", "ds.file.info": "csv、tsv、json、jsonl 或 parquet，UTF-8 编码，带表头。",
        "ds.load": "加载数据集",
        "ds.view_split": "Split", "ds.view_split.info": "表格和图表显示哪个 split。",
        "ds.text_cols": "文本列", "ds.text_cols.info": "模型读取的内容；选两列就是句子对，如 glue/mrpc。",
        "ds.label_col": "标签列", "ds.label_col.info": "模型要学会预测的内容。",
        "ds.n_rows": "行数", "ds.n_rows.info": "显示多少条随机样本（1-50）。",
        "ds.seed": "随机种子", "ds.seed.info": "种子相同，抽到的行相同；换一个看看别的行。",
        "ds.resample": "重新抽样", "ds.sample": "随机样本（标签显示为名称）",
        "ds.schema": "特征 (features)", "ds.summary": "概要",
        "ds.labels_plot": "标签分布", "ds.lengths_plot": "文本长度（词数）",
        "ds.offline": "离线（{reason}）：只能加载之前缓存过的 Hub 数据集（python app.py --prefetch NAME）；请用内置样例或上传文件。",
        "ds.loaded": "已加载 **{name}**：{splits}。",
        "ds.no_text": "没有找到文本列：请选择存放文本的列。",
        "ds.sample_failed": "无法抽样：{error}。请重新加载数据集。",
        "ds.split_rows": "{name} {rows} 行", "ds.axis.label": "标签 (label)", "ds.axis.rows": "行数",
        "ds.axis.words": "每条文本的词数",
        "ds.pick_columns": "请选择一个文本列，句对任务选两个。",
        "ds.no_file": "请先选择要上传的文件。",
        "ds.presets": "教程预设：{names}",
    },
)


@dataclass
class DatasetsTab:
    source_radio: gr.Radio
    hub_id_dd: gr.Dropdown
    config_tb: gr.Textbox
    split_tb: gr.Textbox
    file_up: gr.File
    load_btn: gr.Button
    summary_md: gr.Markdown
    split_dd: gr.Dropdown
    text_cols_dd: gr.Dropdown
    label_col_dd: gr.Dropdown
    n_rows_sl: gr.Slider
    seed_nb: gr.Number
    resample_btn: gr.Button
    sample_df: gr.Dataframe
    schema_df: gr.Dataframe
    labels_plot: gr.Plot
    lengths_plot: gr.Plot


def store_upload(file_path: str, session: str) -> Path:
    """Copy an upload into the app's uploads folder under a safe name (nothing escapes that folder)."""
    src = Path(file_path)
    data.check_upload(src)  # size, type and encoding first, before any copy
    safe_session = re.sub(r"[^A-Za-z0-9_-]", "", session or "anon")[:40] or "anon"
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", src.name).lstrip(".")[:100] or "upload.csv"
    dest_dir = get_settings().uploads_dir / safe_session
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / safe_name
    shutil.copyfile(src, dest)
    return dest


def make_source(kind: str, hub_id: str, config: str, split: str, file_path: str | None,
                session: str = "") -> data.DatasetSource:
    """The DatasetSource the form describes (uploads are copied into the uploads folder first)."""
    if kind == SOURCE_HUB:
        return data.DatasetSource("hub", name=(hub_id or "").strip(), config=(config or "").strip(),
                                  split=(split or "").strip())
    if kind == SOURCE_FILE:
        if not file_path:
            raise UserError("Choose a file to upload first")
        return data.DatasetSource("file", path=str(store_upload(file_path, session)))
    return data.SAMPLE


def labels_figure(counts: pd.DataFrame, title: str = "") -> go.Figure:
    fig = go.Figure(go.Bar(x=counts["label"], y=counts["count"], marker_color="#6366f1"))
    fig.update_layout(title=title, height=300, margin=dict(l=40, r=10, t=40, b=40),
                      xaxis_title=msg("ds.axis.label"), yaxis_title=msg("ds.axis.rows"))
    return fig


def lengths_figure(lengths: pd.DataFrame, title: str = "") -> go.Figure:
    fig = go.Figure(go.Histogram(x=lengths["words"], nbinsx=40, marker_color="#10b981"))
    fig.update_layout(title=title, height=300, margin=dict(l=40, r=10, t=40, b=40),
                      xaxis_title=msg("ds.axis.words"), yaxis_title=msg("ds.axis.rows"), bargap=0.05)
    return fig


def _text_last(frame: pd.DataFrame, text_cols: list[str]) -> pd.DataFrame:
    # long texts push the label off screen: short columns first, then the text
    return frame[[c for c in frame.columns if c not in text_cols] + [c for c in text_cols if c in frame]]


def describe_view(selection: dict, n_rows: int, seed: int | None):
    """Sample table and charts for the split and columns the selection points to."""
    dsd = data.load_source(source_of(selection))
    split = dsd[selection["split"]]
    table = _text_last(data.sample_rows(split, n_rows, None if seed is None else int(seed)),
                       selection.get("text_columns") or [])
    label_col = selection.get("label_column")
    text_cols = selection.get("text_columns") or []
    labels = labels_figure(data.label_counts(split, label_col)) if label_col in split.column_names else None
    lengths = lengths_figure(data.text_lengths(split, text_cols[0])) if text_cols else None
    return table, labels, lengths


def load_dataset(kind: str, hub_id: str, config: str, split: str, file_path: str | None,
                 n_rows: float, seed: float | None, request: gr.Request | None = None):
    """Load a dataset and show its summary, schema, a random sample and statistics."""
    try:
        source = make_source(kind, hub_id, config, split, file_path, getattr(request, "session_hash", ""))
        dsd = data.load_source(source)
    except ValueError as err:
        raise gr.Error(local(err)) from err
    info = data.describe(dsd)
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
        dsd = data.load_source(source_of(selection))
        frame = data.sample_rows(dsd[selection["split"]], int(n_rows), None if seed is None else int(seed))
        return _text_last(frame, selection.get("text_columns") or [])
    except (ValueError, KeyError) as err:
        raise gr.Error(msg("ds.sample_failed", error=local(err))) from err


def change_view(selection: dict, split: str, text_cols: list[str], label_col: str | None,
                n_rows: float, seed: float | None):
    """The user picked another split or other columns: remember it and redraw."""
    if len(text_cols or []) > 2:
        raise gr.Error(msg("ds.pick_columns"))
    dsd = data.load_source(source_of(selection))
    label_names = data.class_names(dsd[split], label_col) if label_col else None
    selection = {**selection, "split": split, "text_columns": list(text_cols or []),
                 "label_column": label_col, "label_names": label_names}
    table, labels, lengths = describe_view(selection, int(n_rows), seed)
    return selection, table, labels, lengths


def _hub_note() -> str:
    from core.prefetch import cached_presets

    cached = [name for name, ok in cached_presets().items() if ok]
    note = msg("ds.presets", None, names=", ".join(
        f"{p.name}{'/' + p.config if p.config else ''} ({p.note}{', cached' if p.name in cached else ''})"
        for p in sources.HUB_PRESETS))
    if not sources.is_online():
        note = "⚠️ " + msg("ds.offline", None, reason=sources.offline_reason()) + "\n\n" + note
    return note


def build_datasets_tab(selection: gr.State) -> DatasetsTab:
    """Build the Datasets tab inside an open gr.Tab and wire its events."""
    gr.Markdown(t("ds.intro"))
    presets = [p.name for p in sources.HUB_PRESETS]
    with gr.Row():
        with gr.Column(scale=1):
            source_radio = gr.Radio([(t("ds.src.sample"), SOURCE_SAMPLE), (t("ds.src.hub"), SOURCE_HUB),
                                     (t("ds.src.file"), SOURCE_FILE)], value=SOURCE_SAMPLE,
                                    label=t("ds.source"), info=t("ds.source.info"))
            with gr.Group(visible=False) as hub_group:
                hub_id_dd = gr.Dropdown(presets, value="imdb", allow_custom_value=True, label=t("ds.hub_id"),
                                        info=t("ds.hub_id.info"))
                with gr.Row():
                    config_tb = gr.Textbox(label=t("ds.config"), info=t("ds.config.info"), max_lines=1)
                    split_tb = gr.Textbox(label=t("ds.split"), info=t("ds.split.info"), max_lines=1)
                gr.Markdown(_hub_note())
            file_up = gr.File(label=t("ds.file"), file_types=list(data.FILE_BUILDERS), type="filepath",
                              visible=False)
            load_btn = gr.Button(t("ds.load"), variant="primary")
        with gr.Column(scale=2):
            summary_md = gr.Markdown()
            schema_df = gr.Dataframe(label=t("ds.schema"), interactive=False, max_height=220)
            with gr.Row():
                split_dd = gr.Dropdown(label=t("ds.view_split"), info=t("ds.view_split.info"))
                text_cols_dd = gr.Dropdown(multiselect=True, label=t("ds.text_cols"), info=t("ds.text_cols.info"))
                label_col_dd = gr.Dropdown(label=t("ds.label_col"), info=t("ds.label_col.info"))
    with gr.Row():
        n_rows_sl = gr.Slider(1, 50, value=10, step=1, label=t("ds.n_rows"), info=t("ds.n_rows.info"))
        seed_nb = gr.Number(value=0, precision=0, label=t("ds.seed"), info=t("ds.seed.info"))
        resample_btn = gr.Button(t("ds.resample"))
    sample_df = gr.Dataframe(label=t("ds.sample"), interactive=False, wrap=True, max_height=420)
    with gr.Row():
        labels_plot = gr.Plot(label=t("ds.labels_plot"))
        lengths_plot = gr.Plot(label=t("ds.lengths_plot"))

    tab = DatasetsTab(source_radio, hub_id_dd, config_tb, split_tb, file_up, load_btn, summary_md, split_dd,
                      text_cols_dd, label_col_dd, n_rows_sl, seed_nb, resample_btn, sample_df, schema_df,
                      labels_plot, lengths_plot)
    _wire(tab, selection)
    source_radio.change(lambda kind: (gr.update(visible=kind == SOURCE_HUB), gr.update(visible=kind == SOURCE_FILE)),
                        source_radio, [hub_group, file_up], api_visibility="private", queue=False)
    return tab


def _wire(tab: DatasetsTab, selection: gr.State) -> None:
    load_outputs = [selection, tab.summary_md, tab.schema_df, tab.split_dd, tab.text_cols_dd, tab.label_col_dd,
                    tab.sample_df, tab.labels_plot, tab.lengths_plot]
    tab.load_btn.click(load_dataset, [tab.source_radio, tab.hub_id_dd, tab.config_tb, tab.split_tb, tab.file_up,
                                      tab.n_rows_sl, tab.seed_nb], load_outputs, api_name="load_dataset")
    tab.resample_btn.click(sample_rows, [selection, tab.n_rows_sl, tab.seed_nb], tab.sample_df,
                           api_name="sample_rows")
    view_inputs = [selection, tab.split_dd, tab.text_cols_dd, tab.label_col_dd, tab.n_rows_sl, tab.seed_nb]
    view_outputs = [selection, tab.sample_df, tab.labels_plot, tab.lengths_plot]
    for dd in (tab.split_dd, tab.text_cols_dd, tab.label_col_dd):
        dd.input(change_view, view_inputs, view_outputs, api_visibility="private")


def initial_load(request: gr.Request = None):
    """Fill the tab with the embedded sample when the page opens."""
    return load_dataset(SOURCE_SAMPLE, "", "", "", None, 10, 0, request)
