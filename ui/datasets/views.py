"""How the Datasets tab shows a dataset: its words in two languages, the label and length charts, the table with
its text last, the Hub note."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core import sources
from core.data.source import HUB_PRESETS, cached_presets
from ui.i18n import msg, register

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
        "ds.split_rows": "{name} {rows} rows", "ds.axis.label": "label", "ds.axis.rows": "rows",
        "ds.axis.words": "words per text",
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
        "ds.split_rows": "{name} {rows} 行", "ds.axis.label": "标签 (label)", "ds.axis.rows": "行数",
        "ds.axis.words": "每条文本的词数",
        "ds.presets": "教程预设：{names}",
    },
)



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


def text_last(frame: pd.DataFrame, text_cols: list[str]) -> pd.DataFrame:
    # long texts push the label off screen: short columns first, then the text
    return frame[[c for c in frame.columns if c not in text_cols] + [c for c in text_cols if c in frame]]


def hub_note() -> str:
    cached = [name for name, ok in cached_presets().items() if ok]
    note = msg("ds.presets", None, names=", ".join(
        f"{p.name}{'/' + p.config if p.config else ''} ({p.note}{', cached' if p.name in cached else ''})"
        for p in HUB_PRESETS))
    if not sources.is_online():
        note = "⚠️ " + msg("ds.offline", None, reason=sources.offline_reason()) + "\n\n" + note
    return note
