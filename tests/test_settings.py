"""One definition per setting: every TrainConfig field is declared once (core/training/fields.py), the checks hold
it to its declared bounds and choices, and the Train form, the Model tab and the API docs offer exactly those."""

from __future__ import annotations

import json
import re
import time
from dataclasses import fields
from pathlib import Path

import gradio as gr
import pytest

from core.messages import UserError
from core.training.config import TrainConfig
from core.training.config_json import MAX_CONFIG_DEPTH
from core.training.setting import GROUP_KEYS, settings_markdown, settings_of
from ui.setting_widgets import top

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings_of(TrainConfig)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_field_is_declared_with_its_words_in_both_languages():
    assert set(SETTINGS) == {f.name for f in fields(TrainConfig)}
    for name, spec in SETTINGS.items():
        assert spec.group in GROUP_KEYS or (name == "dataset" and spec.group == ""), name
        assert spec.label and spec.label_zh and spec.help and spec.help_zh, name
        assert CHINESE.search(spec.help_zh), f"{name}: help_zh is not Chinese"
        assert spec.bounded or spec.low is None and spec.high is None, f"{name}: give both bounds or neither"
    assert TrainConfig.field_help() == {name: spec.help for name, spec in SETTINGS.items()}


def _config(name, value) -> TrainConfig:
    """A config with one setting changed (max_steps 1, so 0 epochs is allowed)."""
    return TrainConfig(**{"max_steps": 1, name: value}) if name != "max_steps" else TrainConfig(max_steps=value)


def _outside(spec):
    """A value just below and just above the bounds (the bound itself where it is refused)."""
    whole = isinstance(spec.low, int) and isinstance(spec.high, int) and not isinstance(spec.low, bool)
    nudge = 1 if whole else 1e-6
    below = spec.low if spec.low_open else spec.low - nudge
    above = spec.high if spec.high_open else spec.high + nudge
    return below, above


@pytest.mark.parametrize("name", [n for n, s in SETTINGS.items() if s.bounded])
def test_the_checks_hold_each_number_to_its_declared_bounds(name):
    spec = SETTINGS[name]
    for inside in (spec.low + (1e-6 if spec.low_open else 0), spec.high - (spec.step or 1e-6) * spec.high_open):
        _config(name, inside)  # the bounds the form offers are accepted
    for value in _outside(spec):
        with pytest.raises(UserError, match=f"^{name}: "):
            _config(name, value)


@pytest.mark.parametrize("name", [n for n, s in SETTINGS.items() if s.choices and not s.open_choices])
def test_the_checks_accept_exactly_the_declared_choices(name):
    spec = SETTINGS[name]
    many = TrainConfig.__dataclass_fields__[name].type == "list"
    for choice in spec.choices:
        _config(name, [choice] if many else choice)
    with pytest.raises(UserError, match=name):
        _config(name, ["nonsense"] if many else "nonsense")


@pytest.fixture(scope="module")
def form():
    from ui.train import form as train_form

    with gr.Blocks():
        return train_form.build_form(TrainConfig().to_dict())


def test_the_form_offers_exactly_cores_bounds_and_choices(form):
    from ui.train.form import FIELD_ORDER

    assert set(FIELD_ORDER) == set(SETTINGS) - {"dataset"} and list(form) == list(FIELD_ORDER)
    for name, widget in form.items():
        spec = SETTINGS[name]
        if isinstance(widget, gr.Slider):
            assert spec.bounded and (widget.minimum, widget.maximum) == (spec.low, top(spec)), name
        elif isinstance(widget, gr.Number):  # no bounds of its own: core's refusal names the setting and its range
            assert (widget.minimum, widget.maximum) == (None, None), name
        elif spec.bounded:
            pytest.fail(f"{name}: bounded in core but the form offers {type(widget).__name__}")
        if spec.choices:
            offered = [value for _, value in widget.choices]
            assert offered == list(spec.choices), name
            assert getattr(widget, "allow_custom_value", False) == spec.open_choices, name
        elif hasattr(widget, "choices"):
            pytest.fail(f"{name}: the form offers choices core does not declare")


def test_the_forms_old_disagreements_with_core_are_gone(form):
    assert (form["max_length"].minimum, form["max_length"].maximum) == (8, SETTINGS["max_length"].high) == (8, 8192)
    assert form["lora_dropout"].maximum == 0.9 and form["eval_fraction"].minimum == 0.01


def test_the_model_tabs_what_to_train_controls_are_the_forms():
    from ui.model.handlers import ESTIMATE_DEFAULTS, ESTIMATE_SETTINGS
    from ui.model.tab import _build_what_to_train

    with gr.Blocks():
        widgets = _build_what_to_train()
    for key, name in ESTIMATE_SETTINGS.items():
        spec, widget = SETTINGS[name], widgets[key]
        assert f"setting.f.{name}" in str(widget.label) and widget.value == getattr(ESTIMATE_DEFAULTS, name)
        if isinstance(widget, gr.Slider):
            assert (widget.minimum, widget.maximum) == (spec.low, top(spec)), name


def test_the_api_docs_list_every_setting_as_declared():
    docs = (ROOT / "docs" / "engine-api.md").read_text(encoding="utf-8")
    assert settings_markdown(TrainConfig) in docs, "run python -m core.training.fields and paste its table there"


# ------------------------------------------------------------------ one parser of a config's JSON

def test_one_message_for_bad_json_and_for_what_is_not_an_object():
    with pytest.raises(UserError, match="not valid JSON .* fix it"):
        TrainConfig.from_json("{not json")
    with pytest.raises(UserError, match="JSON object of TrainConfig fields"):
        TrainConfig.from_json("[1, 2]")
    assert TrainConfig.from_json(json.dumps(TrainConfig().to_dict())) == TrainConfig()
    assert TrainConfig.from_json({"seed": 7}).seed == 7


@pytest.mark.parametrize("text", ['{"a": ' * 20000 + "1" + "}" * 20000, "[" * 100_000 + "]" * 100_000,
                                  '{"dataset": ' * (MAX_CONFIG_DEPTH + 1) + "{}" + "}" * (MAX_CONFIG_DEPTH + 1)])
def test_deeply_nested_json_is_refused_before_it_is_parsed(text):
    started = time.perf_counter()
    with pytest.raises(UserError, match="levels deep: a config is one object"):
        TrainConfig.from_json(text)
    assert time.perf_counter() - started < 2


def test_brackets_inside_strings_are_text_not_nesting_and_a_parsed_object_is_bounded_too():
    config = TrainConfig.from_json(json.dumps({"run_name": "", "sample_prompts": ["[[[[[[[[[[{{{{{{{{{{"]}))
    assert config.sample_prompts == ["[[[[[[[[[[{{{{{{{{{{"]
    deep: list = []
    for _ in range(50):
        deep = [deep]
    with pytest.raises(UserError, match="levels deep"):
        TrainConfig.from_json({"metrics": deep})


def test_a_huge_config_is_refused_with_its_size():
    with pytest.raises(UserError, match="characters long"):
        TrainConfig.from_json(json.dumps({"run_name": "x" * 300_000}))


# ------------------------------------------------------------------ presets: one registry

def test_every_preset_is_named_in_both_languages_and_builds_its_tasks_config():
    from core.training.presets import PRESETS
    from ui.train import handlers
    from ui.train.views import preset_choices

    for preset in PRESETS:
        assert preset.name and CHINESE.search(preset.name_zh), preset.key
        config = preset.factory("0123456789abcdef") if preset.needs in ("pretraining", "chat_run") \
            else preset.factory()
        assert config.task == preset.task, preset.key
    keys = [key for _, key in preset_choices(online=False)]
    assert keys == [preset.key for preset in PRESETS]  # the form lists the registry, in its order
    assert {handlers.PRESET_QUICK, handlers.PRESET_TUTORIAL, handlers.PRESET_SELECTION, handlers.PRESET_PRETRAIN_GPT,
            handlers.PRESET_DOMAIN_GPT} <= set(keys)
    offline = dict((key, name) for name, key in preset_choices(online=False))
    assert offline["tutorial"].endswith("unavailable offline") and not offline["quick"].endswith("offline")


def test_model_dropdown_is_wide_enough_for_a_hub_id():
    # a narrow column showed the embedded model as "embedded/all-▾M"
    import gradio as gr

    from ui.setting_widgets import DROPDOWN_MIN_WIDTH, widget

    with gr.Blocks():
        field = widget("model", "embedded/all-MiniLM-L6-v2")
    assert isinstance(field, gr.Dropdown) and field.min_width == DROPDOWN_MIN_WIDTH >= 280


def test_wide_tables_scroll_and_headers_break_between_words():
    import app

    assert ".table-container {overflow-x: auto" in app.CSS and "th * {word-break: normal" in app.CSS
