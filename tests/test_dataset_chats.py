"""The Datasets tab draws a conversational dataset as chats and names its malformed rows with the fix."""

from types import SimpleNamespace

import pandas as pd
import pytest
from datasets import Dataset
from gradio.context import LocalContext

from core.data.conversations import load_chat_sample
from ui.datasets.chat_views import MAX_NAMED, chats_html, scan_line

GOOD = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Is <b>this</b> good?"},
        {"role": "assistant", "content": "positive"}]


@pytest.fixture
def chinese():
    token = LocalContext.request.set(SimpleNamespace(headers={"accept-language": "zh-CN,zh;q=0.9"}))
    yield
    LocalContext.request.reset(token)


@pytest.mark.parametrize("columns, fmt_word", [
    ({"messages": [GOOD]}, "messages column"),
    ({"prompt": ["Is <b>this</b> good?"], "completion": ["positive"]}, "prompt and completion"),
    ({"instruction": ["Is <b>this</b> good?"], "input": [""], "output": ["positive"]}, "Alpaca"),
])
def test_each_format_is_drawn_as_role_coloured_turns(columns, fmt_word):
    html = chats_html(Dataset.from_dict(columns), [0])
    assert fmt_word in html and "every one is a conversation" in html
    assert html.index("fts-r-user") < html.index("fts-r-assistant")
    assert "Is &lt;b&gt;this&lt;/b&gt; good?" in html and "<b>this" not in html  # the visitor's text stays text


def test_alpaca_input_joins_the_instruction():
    html = chats_html(Dataset.from_dict({"instruction": ["Classify:"], "input": ["Great film."],
                                         "output": ["positive"]}), [0])
    assert "Classify:\n\nGreat film." in html


def test_a_split_that_is_not_conversational_draws_nothing():
    assert chats_html(Dataset.from_dict({"text": ["a"], "label": [0]}), [0]) == ""


BAD = {
    "missing role": [{"content": "hi"}, {"role": "assistant", "content": "hello"}],
    "empty content": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "  "}],
    "wrong order": [{"role": "assistant", "content": "hello"}, {"role": "user", "content": "hi"}],
}


def _with_bad_rows():
    return Dataset.from_dict({"messages": [GOOD, BAD["missing role"], GOOD, BAD["empty content"],
                                           BAD["wrong order"]]})


def test_malformed_rows_are_named_with_their_fix_where_the_chat_would_be():
    html = chats_html(_with_bad_rows(), [0, 1, 3, 4])
    assert "Row 1, turn 1: the role is missing - give each turn a role" in html
    assert "Row 3, turn 2 (assistant) has no text: write its content or remove the turn" in html
    assert "Row 4: turn 1 is assistant where user should come" in html
    assert html.count("fts-bad") == 3 and html.count("fts-r-assistant") == 1  # row 0 still drawn


def test_the_scan_names_the_first_bad_rows_of_the_whole_split_not_only_the_sample():
    line = scan_line(_with_bad_rows(), "messages")
    assert "5 of 5 rows checked" in line and "fix these rows before training" in line
    assert "Row 1" in line and "Row 3" in line and "Row 4" in line
    many = Dataset.from_dict({"messages": [BAD["wrong order"]] * 10})
    assert scan_line(many, "messages").count("Row ") == MAX_NAMED


def test_malformed_rows_are_named_in_chinese(chinese):
    html = chats_html(_with_bad_rows(), [1, 4])
    assert "第 1 行" in html and "第 4 行" in html and "训练前请先修正这些行" in html
    assert "the role is missing" not in html


def test_the_embedded_chat_set_is_all_well_formed():
    train = load_chat_sample()["train"]
    html = chats_html(train, [0, 1, 2])
    assert f"{len(train):,} of {len(train):,} rows checked" in html and "every one is a conversation" in html
    assert html.count('class="fts-conv"') == 3


def test_the_rows_come_from_the_table_and_stay_in_range():
    table = pd.DataFrame({"row": [0, 4, 99]})
    html = chats_html(_with_bad_rows(), [int(r) for r in table["row"]])
    assert html.count('class="fts-conv"') == 2


def test_loading_an_uploaded_conversation_file_shows_its_chats(isolated_settings, tmp_path):
    import json

    import gradio as gr

    from ui.datasets.handlers import load_dataset, sampled_chats
    from ui.datasets.tab import build_datasets_tab

    with gr.Blocks():
        tab = build_datasets_tab(gr.State())
    upload = tmp_path / "chats.jsonl"
    upload.write_text("\n".join(json.dumps({"messages": turns}) for turns in [GOOD, BAD["wrong order"], GOOD]))
    shown = load_dataset(tab, "file", "", "", "", str(upload), 3, 0)
    chats = shown[tab.chat_html]
    assert chats.visible and chats.value.count('class="fts-conv"') == 3 and "Row 1: turn 1 is assistant" in chats.value
    again = sampled_chats(shown[tab.selection], shown[tab.sample_df].iloc[:1])
    assert again.value.count('class="fts-conv"') == 1
    reviews = load_dataset(tab, "sample", "", "", "", None, 3, 0)
    assert reviews[tab.chat_html].visible is False  # the reviews are not conversations: no chat panel
    chat_set = load_dataset(tab, "chat", "", "", "", None, 3, 0)  # the source choice "Embedded conversations"
    assert "embedded/chat" in chat_set[tab.summary_md] and chat_set[tab.chat_html].value.count('class="fts-conv"') == 3


def test_the_sample_table_shows_turns_as_text():
    import gradio as gr
    import orjson

    from core.data.describe import sample_rows
    from ui.datasets.chat_views import flat_cells

    table = flat_cells(sample_rows(load_chat_sample()["train"], 2, 0))
    cell = table["messages"].iloc[0]
    assert isinstance(cell, str) and cell.startswith('[{"role": "user"')
    sent = gr.Dataframe().postprocess(table).model_dump()  # what the page and the API send: plain values (an
    orjson.dumps(sent, option=orjson.OPT_SERIALIZE_NUMPY)  # array of turns is not JSON: the page would break)
    assert flat_cells(pd.DataFrame({"text": ["a"]}))["text"].tolist() == ["a"]
