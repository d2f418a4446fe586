"""A TrainConfig setting as a Gradio widget, drawn from its declaration in core.training.fields: label and help in
both languages, core's bounds and choices. The Train form and the Model tab's what-to-train controls both use it,
so a setting shows the same everywhere and a new one needs no UI code."""

from __future__ import annotations

from dataclasses import fields

import gradio as gr

from core.training.config import TrainConfig
from core.training.setting import GROUPS, Group, Setting, settings_of, widget_kind
from ui.i18n import register, t

SETTINGS = settings_of(TrainConfig)
TYPES = {f.name: f.type for f in fields(TrainConfig)}  # "int", "float", "bool", "str", "list", ...

register(
    en={**{f"setting.g.{g.key}": g.label for g in GROUPS},
        **{f"setting.f.{name}": spec.label for name, spec in SETTINGS.items()},
        **{f"setting.h.{name}": spec.help for name, spec in SETTINGS.items()}},
    zh={**{f"setting.g.{g.key}": g.label_zh for g in GROUPS},
        **{f"setting.f.{name}": spec.label_zh for name, spec in SETTINGS.items()},
        **{f"setting.h.{name}": spec.help_zh for name, spec in SETTINGS.items()}},
)


DROPDOWN_MIN_WIDTH = 300  # px


def group_key(group: Group) -> str:
    return f"setting.g.{group.key}"


def top(spec: Setting) -> float:
    """A slider's last value: the upper bound, or one step below it when the bound itself is refused."""
    return spec.high - spec.step if spec.high_open else spec.high


def widget(name: str, value, **kw) -> gr.components.Component:
    """The widget TrainConfig's declaration of `name` asks for, with core's bounds and choices."""
    spec, kind = SETTINGS[name], widget_kind(SETTINGS[name], TYPES[name])
    kw = {"label": t(f"setting.f.{name}"), "info": t(f"setting.h.{name}"), "value": value, **kw}
    if kind == "radio":
        return gr.Radio(choices=list(spec.choices), **kw)
    if kind == "checkboxes":
        return gr.CheckboxGroup(choices=list(spec.choices), **kw)
    if kind == "dropdown":  # a list field picks several; open choices are suggestions (a Hub id may be typed)
        # wide enough for a Hub id ("embedded/all-MiniLM-L6-v2"), which a narrow column cuts to "embedded/all-▾M"
        return gr.Dropdown(choices=list(spec.choices), allow_custom_value=spec.open_choices,
                           multiselect=TYPES[name] == "list", **{"min_width": DROPDOWN_MIN_WIDTH, **kw})
    if kind == "checkbox":
        return gr.Checkbox(**kw)
    if kind == "slider":
        return gr.Slider(spec.low, top(spec), step=spec.step, **kw)
    if kind == "number":  # bounds left to core: its refusal names the setting and its range in the visitor's
        # language, where Gradio's own would say only "Value 0 is less than minimum value 1", on every keystroke
        return gr.Number(precision=0 if TYPES[name] == "int" else None, **kw)
    if kind == "prompts":
        return gr.Textbox(**{**kw, "value": prompts_text(value)})
    return gr.Textbox(**kw)


def prompts_text(prompts) -> str:
    """sample_prompts in one textbox: "The hotel | The food" (TrainConfig splits it again)."""
    return " | ".join(prompts) if isinstance(prompts, (list, tuple)) else str(prompts or "")
