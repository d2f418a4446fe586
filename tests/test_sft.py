"""Supervised fine-tuning (issue 23), the standalone core the sft task will plug in: TRL's SFTTrainer on the tiny
chat model for a few steps, the settings it refuses, and how answers are scored (stop at the end of turn, right)."""

import re

import pytest

from core.messages import UserError
from core.training.sft import SFTSettings, chat_answers, run_sft, score_answers, sft_dataset

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
    assert all(a["stopped"] + a["ended_text"] == 1 or len(tok(a["answer"])["input_ids"]) >= 5 for a in answers)


def test_scores_are_the_shares_of_answers_that_stop_and_are_right(templateless_gpt, tmp_path):
    results = [{"stopped": True, "correct": True}, {"stopped": True, "correct": False},
               {"stopped": False, "ended_text": True, "correct": False}, {"stopped": True, "correct": False}]
    assert score_answers(results) == {"stop_rate": 0.75, "end_of_text_rate": 0.25, "accuracy": 0.25, "answers": 4}
    with pytest.raises(UserError, match="has no chat template, so SFT cannot lay out its conversations"):
        run_sft(templateless_gpt, None, tmp_path / "never")


def test_the_sft_task_runs_through_the_engine_with_the_loss_its_template_allows(tiny_chat_gpt, isolated_settings):
    """A TrainConfig of task sft trains with SFTTrainer on the embedded conversations, assistant-only (ChatML has
    generation markers), and its loss falls."""
    from core.data.conversations import CHAT_SAMPLE_DIR
    from core.data.source import DatasetSource
    from core.runs.store import RunStore
    from core.training.config import TrainConfig
    from core.training.trainer import run, training_arguments

    config = TrainConfig(task="sft", model=str(tiny_chat_gpt), text_column="messages", label_column="",
                         dataset=DatasetSource(kind="file", path=str(CHAT_SAMPLE_DIR / "train.jsonl")),
                         train_split="train", eval_split="", max_train_samples=64, max_length=128, packing=False,
                         max_steps=6, batch_size=8, learning_rate=3e-3, eval_strategy="no", logging_steps=2)
    arguments = training_arguments(config, isolated_settings.runs_dir / "args", "fp32")
    assert type(arguments).__name__ == "SFTConfig" and arguments.assistant_only_loss
    assert not arguments.completion_only_loss and arguments.max_length == 128
    store = RunStore(isolated_settings.runs_dir)
    run_id = store.new_run(config.to_dict())
    result = run(config, store.path(run_id))
    assert result["state"] == "done" and result["global_step"] == 6
    losses = [p["loss"] for p in store.read_metrics(run_id) if "loss" in p]
    assert losses and losses[-1] < losses[0]
    assert all(0 <= p["mean_token_accuracy"] <= 1 for p in store.read_metrics(run_id) if "loss" in p)  # TRL's, live
    for phase in ("baseline", "final"):  # the held-out answers scored before and after, beside the loss
        scores = store.read_eval(run_id, phase)
        assert {"eval_stop_rate", "eval_answer_accuracy", "eval_perplexity", "eval_mean_token_accuracy"} <= set(scores)
        assert "eval_num_tokens" not in scores  # TRL's count of tokens trained on: no score of the model
        assert 0 <= scores["eval_stop_rate"] <= 1 and 0 <= scores["eval_answer_accuracy"] <= 1
        kinds = {key.removeprefix("eval_answer_accuracy_") for key in scores if key.startswith("eval_answer_accuracy_")}
        assert kinds and kinds <= {"sentiment", "domain", "summary", "identity"}  # data/chat's task column
    watched = store.read_samples(run_id)  # Watch it answer: the base model's answers, then the trained one's
    assert [r["kind"] for r in watched] == ["baseline", "eval"] and watched[-1]["step"] == 6
    assert [row["prompt"] for row in watched[0]["samples"]] == [row["prompt"] for row in watched[-1]["samples"]]
    assert len(watched[0]["samples"]) == 3 and {"answer", "stopped", "expected"} <= set(watched[0]["samples"][0])


# ------------------------------------------------------------------ the registered task: settings and checks

def sft_config(model, **overrides):
    from core.data.source import CHAT
    from core.training.config import TrainConfig

    values = dict(task="sft", model=str(model), dataset=CHAT, text_column="messages", label_column="",
                  eval_split="test", max_train_samples=32, max_eval_samples=8, max_length=128, packing=False,
                  max_steps=2, batch_size=8, eval_strategy="no", logging_steps=1)
    return TrainConfig(**{**values, **overrides})


def _conversations_file(folder, column="conversations"):
    import json

    turns = [{"role": "user", "content": "Who are you?"}, {"role": "assistant", "content": "Studio Tiny."}]
    path = folder / "chats.jsonl"
    path.write_text("\n".join(json.dumps({column: turns, "id": n}) for n in range(4)), encoding="utf-8")
    return path


@pytest.mark.parametrize("values, fix", [
    ({"sft_loss": "answers"}, "sft_loss: 'answers' is not one of all, completion_only, assistant_only"),
    ({"chat_template": "llama"}, "chat_template: 'llama' is not one of model, chatml"),
    ({"train_mode": "head"}, "trains a new classifier head"),
])
def test_the_sft_settings_refuse_what_they_do_not_know(tiny_chat_gpt, values, fix):
    with pytest.raises(UserError, match=re.escape(fix)):
        sft_config(tiny_chat_gpt, **values)


def test_the_embedded_chat_set_is_a_dataset_source_and_the_preset_trains_on_it():
    from core.data.loading import load_source
    from core.data.source import CHAT, DatasetSource
    from core.training.presets import PRESETS_BY_KEY

    assert CHAT.label == "embedded/chat" and load_source(CHAT)["test"].num_rows == 140
    with pytest.raises(UserError, match="'reviews' is not an embedded sample"):
        DatasetSource("sample", name="reviews")
    preset = PRESETS_BY_KEY["chat_gpt"]
    scratch, continued = preset.factory(), preset.factory("run-1")
    assert scratch.task == preset.task == "sft" and scratch.dataset == CHAT and scratch.sft_loss == "assistant_only"
    assert continued.model == "run:run-1" and scratch.model != continued.model


def test_bad_sft_input_is_refused_before_the_run_queues(tiny_chat_gpt, tiny_model_dir, isolated_settings, tmp_path):
    from core.data.source import SAMPLE, DatasetSource

    with pytest.raises(UserError, match="was not trained to write text, so sft cannot fine-tune it"):
        sft_config(tiny_model_dir).check_access("")
    with pytest.raises(UserError, match="text_column: 'text' is not a conversation.*e.g. the embedded chat set"):
        sft_config(tiny_chat_gpt, dataset=SAMPLE, text_column="text").check_access("")
    with pytest.raises(UserError, match="max_length: 16 cuts every answer of the first 32 conversations.*raise "
                                        "max_length to [0-9]+ or more"):
        sft_config(tiny_chat_gpt, max_length=16).check_access("")
    sft_config(tiny_chat_gpt).check_access("")  # the embedded chat set on a ChatML model: accepted
    other = DatasetSource(kind="file", path=str(_conversations_file(tmp_path)))  # turns under another name
    sft_config(tiny_chat_gpt, dataset=other, text_column="conversations", eval_split="").check_access("")


def test_a_template_is_required_and_assistant_only_loss_needs_its_markers(tiny_chat_gpt, templateless_gpt,
                                                                         isolated_settings, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(tiny_chat_gpt))
    with pytest.raises(UserError, match="has no chat template, so SFT cannot lay out its conversations - set "
                                        "chat_template to chatml"):
        sft_config(templateless_gpt).check_access("")
    sft_config(templateless_gpt, chat_template="chatml").check_access("")  # ChatML given: accepted
    tok.chat_template = "{% for m in messages %}{{ m['role'] + ': ' + m['content'] + eos_token }}{% endfor %}"
    tok.save_pretrained(str(tmp_path / "plain"))
    AutoModelForCausalLM.from_pretrained(str(tiny_chat_gpt)).save_pretrained(str(tmp_path / "plain"))
    with pytest.raises(UserError, match=r"sft_loss: assistant_only needs \{% generation %\} markers.*choose sft_loss "
                                        "completion_only, or set chat_template to chatml"):
        sft_config(tmp_path / "plain").check_access("")
    sft_config(tmp_path / "plain", sft_loss="completion_only").check_access("")


def test_chatml_chosen_for_a_model_without_a_template_grows_it_and_packs_its_conversations(isolated_settings,
                                                                                          tmp_path):
    """chat_template chatml on a GPT-2 tokenizer without a template or turn tokens: they are added, the embeddings
    grow by as many, packed rows train (assistant-only), and the saved model keeps the template."""
    import copy

    from transformers import AutoModelForCausalLM, AutoTokenizer, GPT2Config, GPT2LMHeadModel

    from core.data.loading import load_source
    from core.data.source import SAMPLE
    from core.runs.store import RunStore
    from core.tokenizer.bpe import train_bpe
    from core.tokenizer.chat_template import CHATML_TEMPLATE
    from core.tokenizer.loading import load_tokenizer
    from core.training.trainer import run

    info = train_bpe(list(load_source(SAMPLE)["train"]["text"]), "plain-bpe", vocab_size=300)
    tok, bare = copy.deepcopy(load_tokenizer(info["name"])), tmp_path / "bare"
    assert not tok.chat_template and "<|im_end|>" not in tok.get_vocab()
    shape = GPT2Config(vocab_size=len(tok), n_layer=1, n_embd=32, n_head=2, n_positions=256,
                       bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    GPT2LMHeadModel(shape).save_pretrained(bare)
    tok.save_pretrained(str(bare))
    config = sft_config(bare, chat_template="chatml", packing=True, max_steps=2)
    store = RunStore(isolated_settings.runs_dir)
    run_id = store.new_run(config.to_dict())
    assert run(config, store.path(run_id))["state"] == "done"
    saved = AutoTokenizer.from_pretrained(str(store.model_dir(run_id)))
    model = AutoModelForCausalLM.from_pretrained(str(store.model_dir(run_id)))
    assert saved.chat_template == CHATML_TEMPLATE and "<|im_end|>" in saved.get_vocab()
    assert model.get_input_embeddings().num_embeddings == len(saved) > len(tok)


@pytest.mark.parametrize("loss, change", [("assistant_only", {"num_train_epochs": 6.0}),
                                          ("all", {"sft_loss": "assistant_only"})])
def test_answers_that_do_not_stop_after_training_are_diagnosed_with_one_change(loss, change):
    from core.results.diagnosis import diagnose

    config = sft_config("embedded/tiny-gpt", sft_loss=loss, max_steps=-1, num_train_epochs=2.0)
    records = [{"step": 0, "kind": "baseline", "eval_loss": 6.0, "eval_stop_rate": 0.0},
               *({"step": s, "kind": "train", "loss": 5.0 - s / 100} for s in range(5, 125, 5)),
               {"step": 60, "kind": "eval", "eval_loss": 4.0, "eval_stop_rate": 0.2},
               {"step": 120, "kind": "eval", "eval_loss": 3.5, "eval_stop_rate": 0.3}]
    found = [f for f in diagnose(records, config) if f.kind == "never_stops"]
    assert len(found) == 1 and found[0].change == change and found[0].evidence == {"stop_rate": 0.3,
                                                                                   "stop_rate_before": 0.0}
    assert "Only 30% of the held-out answers end their turn" in found[0].text and "before training: 0%" in found[0].text
    assert not [f for f in diagnose(records, config, live=True) if f.kind == "never_stops"]
    records[-1]["eval_stop_rate"] = 0.9
    assert not [f for f in diagnose(records, config) if f.kind == "never_stops"]


def test_the_answers_are_scored_per_kind_and_watched_one_kind_first():
    from core.training.sft_callbacks import AnswersCallback

    def chat(question, answer):
        return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]

    conversations = [chat("s1", "negative"), chat("s2", "positive"), chat("d1", "hotels"), chat("s3", "positive"),
                     chat("i1", "Studio Tiny.")]
    callback = AnswersCallback(None, conversations, kinds=["sentiment", "sentiment", "Domain", "sentiment", ""])
    answers = ["negative", "negative", "hotels", "positive", "Studio"]
    results = [{"answer": a, "stopped": True, "correct": a == e} for a, e in zip(answers, callback.expected)]
    assert callback._scores(results) == {"eval_stop_rate": 1.0, "eval_answer_accuracy": 0.6,
                                         "eval_answer_accuracy_sentiment": 2 / 3, "eval_answer_accuracy_domain": 1.0}

    class Recorder:
        phase, records = "baseline", []

        def add_samples(self, record):
            self.records.append(record)

    class State:
        global_step = 0

    callback.recorder = Recorder()
    callback._record(State(), None, None, results)
    assert [row["prompt"] for row in callback.recorder.records[0]["samples"]] == ["s1", "d1", "i1"]
