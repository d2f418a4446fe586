"""The Tokenizer tab's chat-template lesson (issue 23): the panel's handler called directly, and its API function
with hostile input (a raw client sends anything)."""

import re

import gradio as gr
import pandas as pd
import pytest

from core.messages import UserError
from ui.tokenizer import chat


@pytest.fixture(scope="module")
def panel():
    with gr.Blocks():
        return chat.build_chat_panel()


@pytest.fixture(scope="module")
def tiny_folder(tiny_chat_gpt):
    """A one-block tiny GPT (a 500-token BPE) with the app's chat template, built once (tests/conftest.py)."""
    return tiny_chat_gpt


@pytest.fixture()
def tiny(tiny_folder, monkeypatch):
    """The chat models' tokenizer comes from that tiny GPT."""
    monkeypatch.setattr("core.model.checkpoints.model_location", lambda name: str(tiny_folder))
    return tiny_folder


def test_the_lesson_colours_turns_marks_trained_tokens_and_shows_the_generation_prompt(panel, tiny):
    turns = pd.DataFrame(chat.EXAMPLE + [("", "")], columns=chat.COLUMNS)  # a blank row left by the editor
    out = chat.show_chat(panel, "embedded/tiny-gpt", turns, "assistant_only", 256, True)
    html = out[panel.tokens_html]
    assert "fts-r-assistant fts-trained" in html and "fts-r-user fts-masked" in html
    assert "fts-r-user fts-trained" not in html  # the question is never trained under assistant-only loss
    assert out[panel.text_code].endswith("<|im_start|>assistant\n")
    assert "`<|im_end|>`" in out[panel.special_md] and "end_of_turn" in out[panel.special_md]
    assert out[panel.notes_md].startswith("✅")
    everything = chat.show_chat(panel, "embedded/tiny-gpt", turns, "all", 256, False)
    assert re.search(r"(\d+) of \1 tokens trained", everything[panel.tokens_html])
    assert everything[panel.text_code].endswith("positive<|im_end|>\n")  # no generation prompt


def test_warnings_reach_the_page_and_bad_input_is_a_message(panel, tiny):
    turns = pd.DataFrame(chat.EXAMPLE, columns=chat.COLUMNS)
    short = chat.show_chat(panel, "embedded/tiny-gpt", turns, "assistant_only", 8, False)
    assert "No assistant token is trained" in short[panel.notes_md] and "fts-cut" in short[panel.tokens_html]
    with pytest.raises(gr.Error, match="role 'bot' is unknown"):
        chat.show_chat(panel, "embedded/tiny-gpt", pd.DataFrame([("bot", "hi")], columns=chat.COLUMNS), "all", 64,
                       False)


@pytest.mark.parametrize("messages, loss, max_length, fix", [
    ("<script>", "all", 64, "has no turns"),
    ([{"role": "user", "content": "x" * 30_000}, {"role": "assistant", "content": "y"}], "all", 64,
     "more than 20000: shorten it"),
    ([{"role": "user", "content": "hi"}] * 100, "all", 64, "more than 64: split it"),
    ([{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}], "everything", 64, "use one of"),
    ([{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}], "all", "9" * 30, "use 1.."),
])
def test_the_api_refuses_hostile_conversations_and_settings(tiny, messages, loss, max_length, fix):
    with pytest.raises(gr.Error, match=fix):  # an endpoint: the refusal reaches the client as its message
        chat.chat_tokens("embedded/tiny-gpt", messages, loss, max_length)


def test_a_visitor_cannot_name_a_server_folder_as_tokenizer(isolated_settings, monkeypatch):
    from dataclasses import replace

    from core import settings

    monkeypatch.setattr(settings, "_current", replace(isolated_settings, public=True))
    with pytest.raises(ValueError):
        chat.chat_tokens("/etc", [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}])
