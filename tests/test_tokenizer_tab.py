"""Tokenizer tab handlers called directly (no server), the JSON API functions, and the tab's wiring."""

import json

import gradio as gr
import pytest

from core import sources
from core.data.source import DatasetSource
from core.tokenizer.result import DISPLAY_TOKENS
from ui.state import Selection
from ui.tokenizer import handlers as h

EMB = sources.EMBEDDED_MODEL


@pytest.fixture(scope="module")
def tab():
    """The tab's components (built once), the keys of every handler's answer."""
    from ui.tokenizer.tab import build_tokenizer_tab

    with gr.Blocks():
        return build_tokenizer_tab(gr.State(Selection()))


class Played:
    """A tokenize answer read by role: out.notes, out.fix, out.shape, out.html, out.table, out.decoded, out.code."""

    def __init__(self, tab, out):
        self.tab, self.out = tab, out
        roles = {"notes": tab.notes_md, "fix": tab.fix_btn, "shape": tab.shape_md, "html": tab.tokens_html,
                 "table": tab.table_df, "decoded": tab.decoded_md, "code": tab.code_box}
        for role, component in roles.items():
            setattr(self, role, out[component])


@pytest.fixture()
def play(tab):
    def run(text="Hello world", pair="", batch=False, name=EMB, pad_fix=False, **settings):
        return Played(tab, h.tokenize_text(tab, None, name, pad_fix, text, pair, batch, *h.settings_values(**settings)))
    return run


@pytest.fixture()
def pair_selection(tmp_path):
    """A glue/mrpc-like dataset saved to disk, as the Datasets tab would select it."""
    import datasets

    words = ["the film was great", "a dull and long story", "actors did fine", "music carried it"]
    rows = {"sentence1": [f"{w} {i}" for i, w in enumerate(words * 10)],
            "sentence2": [f"{w.upper()} again" for w in words * 10], "label": [0, 1] * 20}
    datasets.DatasetDict({"train": datasets.Dataset.from_dict(rows)}).save_to_disk(str(tmp_path / "mrpc"))
    return Selection(DatasetSource("disk", path=str(tmp_path / "mrpc")), "train", ("sentence1", "sentence2"), "label")


def test_playground_outputs(play):
    out = play(padding="max_length", max_length=8)
    assert out.shape == "**Shape:** pt: torch.Size([1, 8])"
    assert list(out.table["id"]) == [101, 7592, 2088, 102, 0, 0, 0, 0]
    assert out.html.count("fts-pad") == 4 + 1 and out.html.count("fts-special") == 2 + 1  # + legend
    assert out.fix.visible is False and "no warnings" in out.notes.lower()
    assert "[CLS] hello world [SEP] [PAD]" in out.decoded
    assert "padding='max_length'" in out.code


def test_html_is_escaped(play):
    out = play("<script>alert(1)</script> & <b>")
    assert "<script>" not in out.html and "&lt;" in out.html and "&amp;" in out.html


def test_pairs_batches_and_notes(play):
    out = play("Hello world\nHow are you today", "first\nsecond", batch=True, padding=True)
    assert out.shape.endswith("torch.Size([2, 8])") and set(out.table["sequence"]) == {0, 1}
    assert 1 in list(out.table["token_type_id"])
    assert "does nothing here" in play(max_length=4).notes
    assert "cannot make a tensor" in play("a\nb c d", batch=True).shape


@pytest.mark.parametrize("kwargs, words", [
    ({"text": "   "}, "empty"),
    ({"max_length": 0}, "no room"),
    ({"max_length": -3}, "no room"),
    ({"max_length": 200_000}, "8,192"),
    ({"truncation": "only_second", "max_length": 4}, "no pair"),
    ({"text": "a\nb", "pair": "c", "batch": True}, "pairs"),
    ({"name": "definitely.not.a.folder"}, "neither a folder"),
])
def test_bad_input_is_a_clear_error(play, kwargs, words):
    with pytest.raises(gr.Error, match=words):
        play(**kwargs)


def test_offline_hub_id(tab, monkeypatch):
    monkeypatch.setattr(sources, "_online", False)
    with pytest.raises(gr.Error, match="offline"):
        h.choose_tokenizer(tab, "gpt2")


def test_megabyte_text_stays_responsive(play):
    out = play("one more sentence to read. " * 40_000, return_tensors="")
    assert len(out.table) == DISPLAY_TOKENS and f"first {DISPLAY_TOKENS} tokens" in out.notes


def test_choose_tokenizer_describes_it(tab):
    out = h.choose_tokenizer(tab, EMB)
    info = out[tab.info_md]
    assert "vocab size **30,522**" in info and "`[CLS]`" in info and "| 101 |" in info
    assert out[tab.pad_fix] is False and out[tab.fix_btn].visible is False


def test_pad_lesson_in_the_tab(tab, play, isolated_settings):
    out = h.train_tokenizer(tab, "lesson bpe", 1000, Selection())
    assert out[tab.tokenizer_dd].value == "trained/lesson-bpe" and "no pad token" in out[tab.bpe_md]
    assert str(isolated_settings.runs_dir.parent) not in out[tab.bpe_md]  # no server path on the page
    info = h.choose_tokenizer(tab, "trained/lesson-bpe")[tab.info_md]
    assert "No pad token" in info
    failed = play("the film\nwas great fun", batch=True, padding="longest", name="trained/lesson-bpe")
    assert "Padding failed" in failed.notes and failed.fix.visible is True
    assert failed.table.empty and "special?" in failed.table.columns
    fixed_info = h.apply_pad_fix(tab, "trained/lesson-bpe")
    assert fixed_info[tab.pad_fix] is True and "| PAD |" in fixed_info[tab.info_md]
    assert "No pad token" not in fixed_info[tab.info_md]
    fixed = play("the film\nwas great fun", batch=True, padding="longest", name="trained/lesson-bpe", pad_fix=True)
    assert "pad" in set(fixed.table["special?"]) and "tokenizer.pad_token = tokenizer.eos_token" in fixed.code


def test_training_switched_off(tab, isolated_settings, monkeypatch):
    from core import settings

    monkeypatch.setattr(settings, "_current", settings.Settings(runs_dir=isolated_settings.runs_dir,
                                                                training_enabled=False))
    with pytest.raises(gr.Error, match="switched off"):
        h.train_tokenizer(tab, "x", 1000, Selection())


def test_rows_and_stats_on_a_pair_dataset(tab, pair_selection):
    out = Played(tab, h.tokenize_rows(tab, None, EMB, False, pair_selection, 4, *h.settings_values(padding=True)))
    assert set(out.table["sequence"]) == {0, 1, 2, 3} and "dataset row" in out.html
    stats = h.length_stats(tab, EMB, False, pair_selection, 12)
    selection = stats[tab.selection]
    assert selection.recommended_max_length % 8 == 0
    assert "would truncate" in stats[tab.stats_md] and "all 40 rows" in stats[tab.stats_md]
    assert stats[tab.stats_plot].layout.shapes[0].x0 == 12  # the chosen max_length is marked
    assert h.use_recommended(selection) == selection.recommended_max_length
    with pytest.raises(gr.Error, match="No recommendation"):
        h.use_recommended(Selection())


def test_dataset_not_loaded(tab):
    broken = Selection(DatasetSource("disk", path="/no/such/folder"))
    with pytest.raises(gr.Error, match="Datasets tab"):
        h.length_stats(tab, EMB, False, broken, 128)


def test_compare_side_by_side():
    html = h.compare_tokenizers(EMB, EMB, "Unbelievable <tokens>")
    assert html.count("7 tokens for 2 words") == 2 and "&lt;</span>" in html and "<tokens>" not in html


def test_api_functions_return_json(pair_selection, isolated_settings):
    out = h.api_tokenize("Hello world", settings={"padding": "max_length", "max_length": 8})
    json.dumps(out)
    assert out["sequences"][0]["input_ids"] == [101, 7592, 2088, 102, 0, 0, 0, 0]
    assert out["shape"] == "pt: torch.Size([1, 8])"
    assert h.api_describe_tokenizer()["model_max_length"] == 512
    stats = h.api_token_length_stats(EMB, 16, pair_selection.source.to_dict(), "train")
    assert "lengths" not in stats and stats["columns"] == ["sentence1", "sentence2"]
    trained = h.api_train_bpe_tokenizer("api-bpe", 600, pair_selection.source.to_dict())
    assert trained["name"] == "trained/api-bpe" and "path" not in trained  # nothing a client would download
    assert h.api_compare_tokenizers("a film", EMB, "trained/api-bpe")["b"]["count"] >= 2
    with pytest.raises(gr.Error, match="(?i)unknown setting"):
        h.api_tokenize("x", settings={"bogus": 1})


def test_tab_builds_with_public_api_and_private_events():
    from ui.tokenizer.tab import build_tokenizer_tab, wire_page_load

    with gr.Blocks() as demo:
        built = build_tokenizer_tab(gr.State(Selection()))
        wire_page_load(demo, built)
    names = set(demo.get_api_info()["named_endpoints"])
    assert names == {"/tokenize", "/describe_tokenizer", "/token_length_stats", "/train_bpe_tokenizer",
                     "/compare_tokenizers", "/chat_tokens"}
    first = h.initial_load(built)
    assert set(first) == {built.info_md, built.text_tb, *built.play_outputs} and "Shape" in first[built.shape_md]
    assert first[built.text_tb] == h.DEFAULT_TEXT  # an English visitor; a Chinese one gets a Chinese text
