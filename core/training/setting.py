"""One description per setting: what a form shows and what the checks refuse, declared once on the field.

A TrainConfig field (core/training/fields.py) is declared with `setting(...)`: its default, its group on the Train
form, its label and one-line help in English and Chinese, and its bounds or choices. TrainConfig's checks read the
bounds from here; the Train form, the Model tab's what-to-train controls and the settings table of
docs/engine-api.md are drawn from it, so a new setting is one field.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, field, fields

WIDGETS = ("number", "slider", "checkbox", "radio", "checkboxes", "dropdown", "textbox", "prompts")


@dataclass(frozen=True)
class Group:
    """A group of settings on the Train form (an accordion), in both languages."""

    key: str
    label: str
    label_zh: str
    open: bool = False


GROUPS: tuple[Group, ...] = (
    Group("task", "Task: classify texts, or learn to write them", "任务：给文本分类，或学会写文本", open=True),
    Group("data", "Data and model", "数据和模型", open=True),
    Group("tok", "Tokenization", "分词"),
    Group("optim", "Optimisation", "优化"),
    Group("eval", "Evaluation, logging and saving", "评估、日志和保存"),
    Group("what", "What to train", "训练哪些参数", open=True),
    Group("best", "The best checkpoint and tracking", "最佳检查点和实验跟踪"),
)
GROUP_KEYS = tuple(group.key for group in GROUPS)


@dataclass(frozen=True)
class Setting:
    """What a form needs to show one setting, and the bounds the checks hold it to.

    low/high bound a number (low_open/high_open: the bound itself is refused); choices are the allowed values
    (a radio or checkboxes), or only suggestions when open_choices (a model id, a layer name may be typed).
    group "" keeps a setting off the Train form (the dataset: the Datasets tab picks it).
    """

    group: str
    label: str
    label_zh: str
    help: str
    help_zh: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    low_open: bool = False
    high_open: bool = False
    hint: str = ""  # how a range message ends (an N_ text, so it is translated): e.g. "e.g. 8, 16 or 32"
    choices: tuple = ()
    open_choices: bool = False
    widget: str = ""  # "": drawn from the type and the choices (see widget_kind)
    advised: tuple = ()  # (low, high) the help advises, inside the allowed bounds: a diagnosis suggests values in it

    def __post_init__(self) -> None:
        if self.group and self.group not in GROUP_KEYS:
            raise TypeError(f"unknown settings group {self.group!r}: use one of {GROUP_KEYS}")
        if self.widget and self.widget not in WIDGETS:
            raise TypeError(f"unknown widget {self.widget!r}: use one of {WIDGETS}")

    @property
    def bounded(self) -> bool:
        return self.low is not None and self.high is not None


def setting(default, group: str, label: str, label_zh: str, help: str, help_zh: str, **spec):
    """A dataclass field carrying its Setting (metadata["setting"]) and its English help (metadata["help"])."""
    meta = {"help": help, "setting": Setting(group, label, label_zh, help, help_zh, **spec)}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    if callable(default):  # a class: a fresh instance per config
        return field(default_factory=default, metadata=meta)
    return field(default=default, metadata=meta)


def settings_of(cls) -> dict[str, Setting]:
    """Field name -> Setting, in declaration order (the form's order)."""
    return {f.name: f.metadata["setting"] for f in fields(cls) if "setting" in f.metadata}


def defaults_of(cls) -> dict:
    """Field name -> default value (a fresh copy of lists)."""
    out = {}
    for f in fields(cls):
        out[f.name] = f.default if f.default is not MISSING else f.default_factory()
    return out


def widget_kind(spec: Setting, kind: str) -> str:
    """The widget a setting gets: its own choice, else drawn from its choices and its type ('int', 'bool', ...)."""
    if spec.widget:
        return spec.widget
    if spec.choices:
        return "dropdown" if spec.open_choices else "radio"
    return {"bool": "checkbox", "int": "number", "float": "number"}.get(kind, "textbox")


def form_groups(cls) -> tuple[tuple[Group, tuple[str, ...]], ...]:
    """The form's accordions in order, each with its settings in declaration order."""
    specs = settings_of(cls)
    return tuple((group, tuple(name for name, spec in specs.items() if spec.group == group.key)) for group in GROUPS)


def _number(value) -> str:
    return str(int(value)) if float(value) == int(value) else f"{value:g}"


def bounds_text(spec: Setting) -> str:
    """[8, 8192], (0, 0.1] or [0, 1): the interval a setting's value must be in."""
    return (("(" if spec.low_open else "[") + f"{_number(spec.low)}, {_number(spec.high)}"
            + (")" if spec.high_open else "]"))


def settings_markdown(cls) -> str:
    """The settings table of docs/engine-api.md (python -m core.training.fields prints it; tests/test_settings.py
    checks the docs hold it)."""
    lines = ["| setting | default | allowed | what it does |", "|---|---|---|---|"]
    defaults = defaults_of(cls)
    for name, spec in settings_of(cls).items():
        allowed = bounds_text(spec) if spec.bounded else \
            " \\| ".join(f"`{c}`" for c in spec.choices) + (" or another" if spec.open_choices else "") \
            if spec.choices else ""
        default = defaults[name]
        shown = f"`{json.dumps(default)}`" if not hasattr(default, "to_dict") else "the embedded sample"
        lines.append(f"| `{name}` | {shown} | {allowed} | {spec.help.replace('|', chr(92) + '|')} |")
    return "\n".join(lines)
