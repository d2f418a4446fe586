"""Supervised fine-tuning (issue 23), the standalone core the sft task will plug in: TRL's SFTTrainer on the tiny
chat model for a few steps, the settings it refuses, and how answers are scored (stop at the end of turn, right)."""

import pytest

from core.messages import UserError
from core.training.sft import SFTSettings, chat_answers, run_sft, score_answers, sft_dataset

TINY_SHAPE = {"n_layer": 1, "n_embd": 32, "n_head": 2, "n_positions": 256}


@pytest.fixture(scope="module")
def tiny_chat_gpt(tmp_path_factory):
    from core import settings
    from core.model.tiny_gpt import build_tiny_gpt

    root = tmp_path_factory.mktemp("sft-gpt")
    saved = settings._current
    settings._current = settings.Settings(runs_dir=root / "runs", uploads_dir=root / "uploads")
    try:
        return build_tiny_gpt(root / "tiny-gpt", shape=TINY_SHAPE, vocab_size=500)
    finally:
        settings._current = saved


@pytest.mark.parametrize("values, fix", [
    ({"loss": "answers"}, "use one of all, completion_only, assistant_only"),
    ({"max_length": 8}, "max_length: 8 is out of range - use 16..4096"),
    ({"batch_size": True}, "batch_size: True is out of range"),
    ({"learning_rate": 0.5}, r"learning_rate: 0.5 is out of range - use a number in \(0, 0.1\]"),
])
def test_bad_sft_settings_are_refused_naming_the_fix(values, fix):
    with pytest.raises(UserError, match=fix):
        SFTSettings(**values)


def test_completion_only_splits_each_conversation_before_its_last_answer():
    from datasets import Dataset

    turns = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"},
             {"role": "user", "content": "Who are you?"}, {"role": "assistant", "content": "Studio Tiny."}]
    data = Dataset.from_dict({"messages": [turns]})
    split = sft_dataset(data, "completion_only")[0]
    assert split == {"prompt": turns[:3], "completion": turns[3:]}
    assert sft_dataset(data, "assistant_only")[0] == {"messages": turns}


def test_sft_trains_the_tiny_chat_model_saves_it_and_its_answers_are_scored(tiny_chat_gpt, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from core.data.conversations import load_chat_sample, to_messages

    sample = load_chat_sample()
    train, test = to_messages(sample["train"], limit=48), to_messages(sample["test"], limit=4)
    result = run_sft(tiny_chat_gpt, train, tmp_path / "out", SFTSettings(max_steps=4, batch_size=4))
    assert result["steps"] == 4 and 0 < result["train_loss"] < 20
    assert result["settings"]["loss"] == "assistant_only" and result["mean_token_accuracy"] is not None
    model = AutoModelForCausalLM.from_pretrained(str(tmp_path / "out"))
    tok = AutoTokenizer.from_pretrained(str(tmp_path / "out"))
    assert tok.chat_template and "<|im_end|>" in tok.get_vocab()  # the saved model keeps its template
    answers = chat_answers(model, tok, test, max_new_tokens=6)
    assert [a["expected"] for a in answers] == [m[-1]["content"] for m in test["messages"]]
    assert all(a["stopped"] or len(tok(a["answer"])["input_ids"]) >= 5 for a in answers)


def test_scores_are_the_shares_of_answers_that_stop_and_are_right(tiny_chat_gpt, tmp_path):
    results = [{"stopped": True, "correct": True}, {"stopped": True, "correct": False},
               {"stopped": False, "correct": False}, {"stopped": True, "correct": False}]
    assert score_answers(results) == {"stop_rate": 0.75, "accuracy": 0.25, "answers": 4}
    bare = tmp_path / "bare"
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(tiny_chat_gpt))
    tok.chat_template = None
    tok.save_pretrained(str(bare))
    AutoModelForCausalLM.from_pretrained(str(tiny_chat_gpt)).save_pretrained(str(bare))
    (bare / "chat_template.jinja").unlink(missing_ok=True)
    with pytest.raises(UserError, match="has no chat template, so SFT cannot lay out its conversations"):
        run_sft(bare, None, tmp_path / "never")
