"""Tokenizer tab handlers called directly (no server), the JSON API functions, and the tab's wiring."""

import json

import gradio as gr
import pytest

from core import sources
from core.tokenizer.result import DISPLAY_TOKENS
from ui.tokenizer import handlers as h
from ui.state import default_selection

EMB = sources.EMBEDDED_MODEL
# tokenize_text's outputs: notes, fix button, shape, tokens html, table, decoded, code
NOTES, FIX, SHAPE, HTML, TABLE, DECODED, CODE = range(7)


def play(text="Hello world", pair="", batch=False, name=EMB, pad_fix=False, **settings):
    return h.tokenize_text(name, pad_fix, text, pair, batch, *h.settings_values(**settings))


@pytest.fixture()
def pair_selection(tmp_path):
    """A glue/mrpc-like dataset saved to disk, as the Datasets tab would select it."""
    import datasets

    words = ["the film was great", "a dull and long story", "actors did fine", "music carried it"]
    rows = {"sentence1": [f"{w} {i}" for i, w in enumerate(words * 10)],
            "sentence2": [f"{w.upper()} again" for w in words * 10], "label": [0, 1] * 20}
    datasets.DatasetDict({"train": datasets.Dataset.from_dict(rows)}).save_to_disk(str(tmp_path / "mrpc"))
    return {**default_selection(), "source": {"kind": "disk", "path": str(tmp_path / "mrpc")},
            "text_columns": ["sentence1", "sentence2"], "label_column": "label"}


def test_playground_outputs():
    out = play(padding="max_length", max_length=8)
    assert out[SHAPE] == "**Shape:** pt: torch.Size([1, 8])"
    assert list(out[TABLE]["id"]) == [101, 7592, 2088, 102, 0, 0, 0, 0]
    assert out[HTML].count("fts-pad") == 4 + 1 and out[HTML].count("fts-special") == 2 + 1  # + legend
    assert out[FIX]["visible"] is False and "no warnings" in out[NOTES].lower()
    assert "[CLS] hello world [SEP] [PAD]" in out[DECODED]
    assert "padding='max_length'" in out[CODE]


def test_html_is_escaped():
    out = play("<script>alert(1)</script> & <b>")
    assert "<script>" not in out[HTML] and "&lt;" in out[HTML] and "&amp;" in out[HTML]


def test_pairs_batches_and_notes():
    out = play("Hello world\nHow are you today", "first\nsecond", batch=True, padding=True)
    assert out[SHAPE].endswith("torch.Size([2, 8])") and set(out[TABLE]["sequence"]) == {0, 1}
    assert 1 in list(out[TABLE]["token_type_id"])
    assert "does nothing here" in play(max_length=4)[NOTES]
    assert "cannot make a tensor" in play("a\nb c d", batch=True)[SHAPE]


@pytest.mark.parametrize("kwargs, words", [
    ({"text": "   "}, "empty"),
    ({"max_length": 0}, "no room"),
    ({"max_length": -3}, "no room"),
    ({"max_length": 200_000}, "8,192"),
    ({"truncation": "only_second", "max_length": 4}, "no pair"),
    ({"text": "a\nb", "pair": "c", "batch": True}, "pairs"),
    ({"name": "definitely.not.a.folder"}, "neither a folder"),
])
def test_bad_input_is_a_clear_error(kwargs, words):
    with pytest.raises(gr.Error, match=words):
        play(**kwargs)


def test_offline_hub_id(monkeypatch):
    monkeypatch.setattr(sources, "_online", False)
    with pytest.raises(gr.Error, match="offline"):
        h.choose_tokenizer("gpt2", default_selection())


def test_megabyte_text_stays_responsive():
    out = play("one more sentence to read. " * 40_000, return_tensors="")
    assert len(out[TABLE]) == DISPLAY_TOKENS and f"first {DISPLAY_TOKENS} tokens" in out[NOTES]


def test_choose_tokenizer_remembers_it():
    info, fix, pad_fix, selection = h.choose_tokenizer(EMB, default_selection())
    assert "vocab size **30,522**" in info and "`[CLS]`" in info and "| 101 |" in info
    assert selection["tokenizer"] == EMB and pad_fix is False


def test_pad_lesson_in_the_tab(isolated_settings):
    selection = default_selection()
    msg, dd, *_ = h.train_tokenizer("lesson bpe", 1000, selection)
    assert dd["value"] == "trained/lesson-bpe" and "no pad token" in msg
    info, _, _, selection = h.choose_tokenizer("trained/lesson-bpe", selection)
    assert "No pad token" in info and selection["tokenizer"].endswith("tokenizers/lesson-bpe")
    failed = play("the film\nwas great fun", batch=True, padding="longest", name="trained/lesson-bpe")
    assert "Padding failed" in failed[NOTES] and failed[FIX]["visible"] is True
    assert failed[TABLE].empty and "special?" in failed[TABLE].columns
    pad_fix, info = h.apply_pad_fix("trained/lesson-bpe")
    assert pad_fix is True and "| PAD |" in info and "No pad token" not in info
    fixed = play("the film\nwas great fun", batch=True, padding="longest", name="trained/lesson-bpe", pad_fix=True)
    assert "pad" in set(fixed[TABLE]["special?"]) and "tokenizer.pad_token = tokenizer.eos_token" in fixed[CODE]


def test_training_switched_off(isolated_settings, monkeypatch):
    from core import settings

    monkeypatch.setattr(settings, "_current", settings.Settings(runs_dir=isolated_settings.runs_dir,
                                                                training_enabled=False))
    with pytest.raises(gr.Error, match="switched off"):
        h.train_tokenizer("x", 1000, default_selection())


def test_rows_and_stats_on_a_pair_dataset(pair_selection):
    out = h.tokenize_rows(EMB, False, pair_selection, 4, *h.settings_values(padding=True))
    assert set(out[TABLE]["sequence"]) == {0, 1, 2, 3} and "dataset row" in out[HTML]
    fig, md, selection = h.length_stats(EMB, False, pair_selection, 12)
    assert selection["recommended_max_length"] % 8 == 0 and selection["tokenizer"] == EMB
    assert "would truncate" in md and "all 40 rows" in md
    assert fig.layout.shapes[0].x0 == 12  # the chosen max_length is marked
    assert h.use_recommended(selection) == selection["recommended_max_length"]
    with pytest.raises(gr.Error, match="No recommendation"):
        h.use_recommended(default_selection())


def test_dataset_not_loaded():
    broken = {**default_selection(), "source": {"kind": "disk", "path": "/no/such/folder"}}
    with pytest.raises(gr.Error, match="Datasets tab"):
        h.length_stats(EMB, False, broken, 128)


def test_compare_side_by_side():
    html = h.compare_tokenizers(EMB, EMB, "Unbelievable <tokens>")
    assert html.count("7 tokens for 2 words") == 2 and "&lt;</span>" in html and "<tokens>" not in html


def test_api_functions_return_json(pair_selection, isolated_settings):
    out = h.api_tokenize("Hello world", settings={"padding": "max_length", "max_length": 8})
    json.dumps(out)
    assert out["sequences"][0]["input_ids"] == [101, 7592, 2088, 102, 0, 0, 0, 0]
    assert out["shape"] == "pt: torch.Size([1, 8])"
    assert h.api_describe_tokenizer()["model_max_length"] == 512
    stats = h.api_token_length_stats(EMB, 16, pair_selection["source"], "train")
    assert "lengths" not in stats and stats["columns"] == ["sentence1", "sentence2"]
    trained = h.api_train_bpe_tokenizer("api-bpe", 600, pair_selection["source"])
    assert trained["name"] == "trained/api-bpe"
    assert h.api_compare_tokenizers("a film", EMB, "trained/api-bpe")["b"]["count"] >= 2
    with pytest.raises(gr.Error, match="Unknown setting"):
        h.api_tokenize("x", settings={"bogus": 1})


def test_tab_builds_with_public_api_and_private_events():
    from ui.tokenizer.tab import build_tokenizer_tab, wire_page_load

    with gr.Blocks() as demo:
        selection = gr.State(default_selection())
        tab = build_tokenizer_tab(selection)
        wire_page_load(demo, tab)
    names = set(demo.get_api_info()["named_endpoints"])
    assert names == {"/tokenize", "/describe_tokenizer", "/token_length_stats", "/train_bpe_tokenizer",
                     "/compare_tokenizers"}
    first = h.initial_load()
    assert len(first) == 1 + len(tab.play_outputs) and "Shape" in first[1 + SHAPE]
