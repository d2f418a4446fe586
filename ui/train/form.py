"""The training form: one widget per TrainConfig field, drawn from its declaration (core.training.fields: group,
label and help in two languages, bounds, choices), and the conversions form values <-> config dict."""

from __future__ import annotations

import gradio as gr

from core.training.config import TrainConfig
from core.training.setting import form_groups
from ui.i18n import t
from ui.setting_widgets import TYPES, group_key, prompts_text, widget
from ui.state import Selection

FORM_GROUPS = tuple((group, names) for group, names in form_groups(TrainConfig) if names)
FIELD_ORDER = tuple(name for _, names in FORM_GROUPS for name in names)


def build_form(config: dict) -> dict[str, gr.components.Component]:
    """Widgets for every field, grouped in accordions; returns field name -> component."""
    widgets = {}
    for group, names in FORM_GROUPS:
        with gr.Accordion(t(group_key(group)), open=group.open):
            with gr.Row(equal_height=False):
                for name in names:
                    widgets[name] = widget(name, config[name])
    return widgets


def values_to_config(dataset: dict, values) -> dict:
    """The config dict a set of form values (in FIELD_ORDER) describes."""
    cfg = dict(zip(FIELD_ORDER, values))
    for name, value in cfg.items():  # a slider hands over 128.0 and an emptied textbox None
        if TYPES[name] == "int" and isinstance(value, float) and value == int(value):
            cfg[name] = int(value)
        elif TYPES[name] == "str":
            cfg[name] = (value or "").strip()
    cfg["dataset"] = dataset
    return cfg


def config_to_values(cfg: dict) -> list:
    """Form values (in FIELD_ORDER) showing a config dict."""
    return [prompts_text(cfg[name]) if name == "sample_prompts" else cfg[name] for name in FIELD_ORDER]


def config_from_selection(selection: Selection | None, base: dict) -> dict:
    """Prefill from what the Datasets and Tokenizer tabs picked: dataset, columns, splits, max_length."""
    cfg = dict(base)
    if selection is None:
        return cfg
    cfg["dataset"] = selection.source.to_dict()
    texts = list(selection.text_columns)
    if texts:
        cfg["text_column"] = texts[0]
        cfg["text_pair_column"] = texts[1] if len(texts) > 1 else ""
    if selection.label_column:
        cfg["label_column"] = selection.label_column
    splits = [name for name, _ in selection.splits]
    if splits:
        cfg["train_split"] = "train" if "train" in splits else splits[0]
        cfg["eval_split"] = next((s for s in ("test", "validation", "valid", "dev") if s in splits), "")
    if selection.recommended_max_length:
        cfg["max_length"] = int(selection.recommended_max_length)
    return cfg
