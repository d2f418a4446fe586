"""The translation check on the catalogue: every Chinese text the page can show (ui's strings modules, core's
messages) is Chinese, beyond the technical names of ui/technical_terms.py. The Playwright walk
(tests/test_browser_walk.py) applies the same check to the page's text as a Chinese visitor reads it."""

from __future__ import annotations

import pandas as pd

from core.messages_zh import ZH as CORE_ZH
from ui import i18n
from ui.technical_terms import catalogue_english, english_words


def test_every_chinese_string_of_ui_is_chinese_beyond_technical_names():
    found = {key: words for key, texts in i18n.SOURCE.items() if (words := catalogue_english(texts["zh"]))}
    assert not found, found


def test_every_chinese_message_of_core_is_chinese_beyond_technical_names():
    found = {english[:60]: words for english, chinese in CORE_ZH.items() if (words := catalogue_english(chinese))}
    assert not found, found


def test_the_check_catches_english_and_keeps_names_and_code():
    assert english_words("状态：running · 步数 3") == ["running"]
    assert english_words("Split") == ["Split"]  # a label left in English (issue 26) is caught
    assert english_words("padding side right") == ["side", "right"]
    assert not english_words("用 `decode(ids)` 还原，Trainer 训练 max_length=64 的 bert-base-cased")
    assert not english_words("见 glue/mrpc 和 trained/名字")
    assert not english_words("AutoModelForSequenceClassification 的 logits，CPU 上 --offline")
    assert english_words("标签 hotels", allowed={"hotels"}) == []  # the learner's data, named by the caller


def test_tables_read_in_the_visitors_language(monkeypatch):
    frame = pd.DataFrame({"run_id": ["a"], "state": ["running"], "special?": ["yes"], "text": ["Great food"]})
    monkeypatch.setattr(i18n, "lang_of", lambda request=None: "zh")
    shown = i18n.headers(frame, cells=("state", "special?"))
    assert list(shown.columns) == ["运行 id", "状态", "特殊？", "text"]  # a dataset's own column keeps its name
    assert shown.iloc[0].tolist() == ["a", "训练中", "是", "Great food"]
    monkeypatch.setattr(i18n, "lang_of", lambda request=None: "en")
    assert i18n.headers(frame, cells=("state",)).equals(frame)


def test_code_comments_read_in_chinese(monkeypatch):
    monkeypatch.setattr(i18n, "lang_of", lambda request=None: "zh")
    code = "model.train()  # dropout on, as in training\noutputs = model(**batch)"
    assert i18n.local_comments(code) == "model.train()  # 打开 dropout，和训练时一样\noutputs = model(**batch)"
