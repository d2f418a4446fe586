"""Both languages cover every key, and every translatable label the app shows has a translation."""

import json
import re

import pytest


@pytest.fixture(scope="module")
def app_config():
    import app

    demo = app.build_app()
    return json.dumps(demo.get_config_file(), default=str)


def test_every_key_exists_in_both_languages(app_config):
    from ui import i18n

    assert set(i18n.EN) == set(i18n.ZH)
    assert all(i18n.ZH[key].strip() for key in i18n.ZH), "empty Chinese string"
    used = set(re.findall(r'__i18n__\{\\"__type__\\": \\"translation_metadata\\", \\"key\\": \\"([^"\\]+)', app_config))
    assert len(used) > 20
    assert used <= set(i18n.EN)
    assert (i18n.EN["tab.datasets"], i18n.ZH["tab.runs"]) == ("1 · Datasets", "5 · 运行记录")
    assert i18n.EN["tok.intro"].startswith("### 2. See what the tokenizer does")


def test_chinese_keeps_technical_names():
    from ui import i18n

    for key, text in i18n.EN.items():
        for name in ("padding", "truncation", "max_length", "Trainer", "eval_strategy", "load_dataset"):
            if f"`{name}`" in text or re.search(rf"\b{name}\(", text):
                assert name in i18n.ZH[key], f"{key}: keep {name} as it is in Chinese"


def test_run_time_messages_follow_the_browser_language():
    from ui.i18n import msg

    class Request:
        headers = {"accept-language": "zh-CN,zh;q=0.9,en;q=0.8"}

    assert msg("ds.no_text", Request()) != msg("ds.no_text", None)
    assert "text column" in msg("ds.no_text", None)


def test_register_refuses_a_key_missing_in_one_language():
    from ui.i18n import register

    with pytest.raises(KeyError, match="only.en"):
        register({"only.en": "x"}, {})


def test_every_strings_module_gives_each_key_every_language_once():
    """One strings module per tab folder (and ui/strings.py): each key has every language, no key is in two."""
    import importlib

    from ui import i18n

    modules = i18n.strings_modules()
    assert {"ui.strings", "ui.datasets.strings", "ui.runs.strings"} <= set(modules)
    seen = {}
    for name in modules:
        for key, texts in importlib.import_module(name).STRINGS.items():
            assert set(texts) == set(i18n.LANGS), f"{name}: {key} has {sorted(texts)}"
            assert all(text.strip() for text in texts.values()), f"{name}: {key} has an empty text"
            assert key not in seen, f"{key} is in both {seen[key]} and {name}"
            seen[key] = name
            assert i18n.EN[key] == texts["en"] or "{" in texts["en"], f"{key} was not gathered"


def test_add_refuses_a_missing_or_an_unknown_language():
    from ui.i18n import EN, add

    with pytest.raises(KeyError, match="half.done"):
        add({"half.done": {"en": "Done", "zh": " "}})
    with pytest.raises(KeyError, match="too.many"):
        add({"too.many": {"en": "Done", "zh": "完成", "fr": "Fini"}})
    assert "half.done" not in EN and "too.many" not in EN


def test_tabs_are_numbered_by_their_place_in_the_list():
    import gradio as gr

    import app
    from ui import i18n
    from ui.page import Page, build_tabs, number_tabs
    from ui.state import Selection

    try:
        with gr.Blocks() as demo:
            with gr.Tabs() as tabs:
                built = build_tabs(("runs", "datasets"), Page(demo, tabs, gr.State(Selection())))
        assert [spec.intro for spec, _tab, _panel in built] == ["runs.intro", "ds.intro"]
        assert (i18n.EN["tab.runs"], i18n.ZH["tab.datasets"]) == ("1 · Runs", "2 · 数据集")
        assert i18n.EN["ds.intro"].startswith("### 2. Look at the data\n")
    finally:
        number_tabs(app.TABS)
    assert i18n.EN["tab.runs"] == f"{len(app.TABS)} · Runs"
