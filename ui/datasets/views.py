"""How the Datasets tab shows a dataset: its words in two languages, the label and length charts, the table with
its text last, the Hub note."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core import sources
from core.data.source import HUB_PRESETS, cached_presets
from core.messages import localize
from ui.i18n import msg, msg_in




def labels_figure(counts: pd.DataFrame, title: str = "", column: str = "label") -> go.Figure:
    fig = go.Figure(go.Bar(x=counts["label"], y=counts["count"], marker_color="#6366f1"))
    # the axis names the column the learner chose (e.g. "domain"), not the generic word
    x_title = msg("ds.axis.label") if column in ("", "label") else column
    fig.update_layout(title=title, height=300, margin=dict(l=40, r=10, t=40, b=40),
                      xaxis_title=x_title, yaxis_title=msg("ds.axis.rows"))
    return fig


def lengths_figure(lengths: pd.DataFrame, title: str = "") -> go.Figure:
    fig = go.Figure(go.Histogram(x=lengths["words"], nbinsx=40, marker_color="#10b981"))
    fig.update_layout(title=title, height=300, margin=dict(l=40, r=10, t=40, b=40),
                      xaxis_title=msg("ds.axis.words"), yaxis_title=msg("ds.axis.rows"), bargap=0.05)
    return fig


def text_last(frame: pd.DataFrame, text_cols: list[str]) -> pd.DataFrame:
    # long texts push the label off screen: short columns first, then the text
    return frame[[c for c in frame.columns if c not in text_cols] + [c for c in text_cols if c in frame]]


def hub_note(lang: str = "en") -> str:
    """The tutorial datasets and, offline, why only cached ones load: known when the app is built, so the tab
    registers it in both languages (ui.i18n.register)."""
    cached = [name for name, ok in cached_presets().items() if ok]
    note = msg_in(lang, "ds.presets", names=", ".join(
        f"`{p.name}{'/' + p.config if p.config else ''}` ({localize(p.note, lang)}"
        f"{msg_in(lang, 'ds.cached') if p.name in cached else ''})" for p in HUB_PRESETS))
    if not sources.is_online():
        note = "⚠️ " + msg_in(lang, "ds.offline", reason=localize(sources.offline_reason(), lang)) + "\n\n" + note
    return note
