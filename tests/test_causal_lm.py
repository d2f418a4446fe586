"""Causal language models (issue 14): data prepared by packing or per row, the tiny GPT pretrained from a config,
perplexity and samples while it trains, generation from a saved run after a restart, and clear refusals."""

import logging

import pytest

from core.messages import UserError
from core.training.config import TrainConfig

@pytest.fixture(scope="module")
def tiny_gpt(tiny_gpts):
    """A one-block GPT-2 (a few thousand weights) of 128 positions with a 500-token BPE trained on the embedded reviews
    (tests/conftest.py)."""
    return tiny_gpts(128, 500)


def lm_config(model, **overrides) -> TrainConfig:
    values = dict(task="causal_lm", model=str(model), block_size=32, max_train_samples=200, max_eval_samples=40,
                  max_steps=16, learning_rate=3e-3, batch_size=8, eval_strategy="steps", eval_steps=8,
                  logging_steps=4, sample_prompts=["The hotel"])
    return TrainConfig(**{**values, **overrides})


def tokenizer_of(model):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model))


# ------------------------------------------------------------------ settings

@pytest.mark.parametrize("overrides, fix", [
    ({"block_size": 0}, "block_size: 0 is outside [8, "),
    ({"task": "generation"}, "task: 'generation' is not one of classification, causal_lm"),
    ({"train_mode": "head"}, "choose full or lora"),
    ({"metric_for_best_model": "accuracy"}, "choose loss"),
    ({"only_column": "domain"}, "only_column and only_value go together"),
    ({"sample_prompts": ["x" * 201]}, "sample_prompts:"),
    ({"sample_prompts": "a|b|c|d|e"}, "at most 4 prompts"),
])
def test_bad_causal_lm_settings_are_refused_naming_the_fix(overrides, fix):
    with pytest.raises(UserError) as caught:
        TrainConfig(**{"task": "causal_lm", **overrides})
    assert fix in str(caught.value)


def test_a_causal_lm_needs_no_label_column_and_prompts_come_from_a_textbox():
    config = TrainConfig(task="causal_lm", label_column="", sample_prompts="The hotel | The food")
    assert config.sample_prompts == ["The hotel", "The food"]
    with pytest.raises(UserError, match="label_column: must not be empty"):
        TrainConfig(task="classification", label_column="")


# ------------------------------------------------------------------ data

def test_packing_yields_full_blocks_without_padding_whose_labels_are_the_inputs(tiny_gpt):
    import torch

    from core.training.prepare_lm import prepare_lm_data

    tok = tokenizer_of(tiny_gpt)
    assert tok.pad_token is None  # like GPT-2: packing does not need one
    data = prepare_lm_data(lm_config(tiny_gpt, block_size=24), tok)
    blocks = data.train["input_ids"]
    assert len(blocks) > 10 and {len(b) for b in blocks} == {24}
    assert all(all(m == 1 for m in mask) for mask in data.train["attention_mask"])
    batch = data.collator([data.train[i] for i in range(4)])
    assert torch.equal(batch["labels"], batch["input_ids"]) and (batch["labels"] != -100).all()
    joined = [t for b in blocks for t in b]
    assert joined.count(tok.eos_token_id) >= 200 - 2  # each of the 200 texts ends with end-of-text (the tail is cut)


def test_per_row_padding_needs_a_pad_token_and_masks_it_out_of_the_loss(tiny_gpt, caplog):
    from core.tokenizer.loading import ensure_pad_token
    from core.training.prepare_lm import prepare_lm_data
    from core.model.checkpoints import load_model_tokenizer

    config = lm_config(tiny_gpt, packing=False)
    with pytest.raises(UserError, match="tokenizer.pad_token = tokenizer.eos_token, or turn packing on"):
        prepare_lm_data(config, tokenizer_of(tiny_gpt))
    with caplog.at_level(logging.INFO, logger="core.model.checkpoints"):
        tok = load_model_tokenizer(config.model)  # what a run does: the pad-token fix, said in the log
    assert tok.pad_token == tok.eos_token and "pad_token = eos_token" in caplog.text
    assert ensure_pad_token(tok) == ""
    data = prepare_lm_data(config, tok)
    lengths = [len(ids) for ids in data.train["input_ids"]]
    assert max(lengths) <= 32 and len(set(lengths)) > 1  # one text per row, truncated, not packed
    rows = sorted(range(len(lengths)), key=lengths.__getitem__)[:1] + [lengths.index(max(lengths))]
    batch = data.collator([data.train[i] for i in rows])
    assert batch["input_ids"].shape[1] == max(lengths)
    assert (batch["labels"][0] == -100).sum() == max(lengths) - min(lengths)  # the pads count for nothing


def test_only_one_domain_is_kept_and_an_unknown_value_lists_the_choices(tiny_gpt):
    from core.training.prepare_lm import select_text_rows
    from core.training.prepare import select_rows

    hotels = TrainConfig(task="causal_lm", only_column="domain", only_value="hotels", max_train_samples=0)
    train, eval_set = select_text_rows(hotels)
    assert 50 < len(train) < 400 and train.column_names == ["text"]
    everything, _ = select_text_rows(TrainConfig(task="causal_lm", max_train_samples=0))
    assert len(train) < len(everything) / 3
    assert len(select_rows(TrainConfig(only_column="domain", only_value="hotels", max_train_samples=0))[0]) == len(train)
    with pytest.raises(UserError, match="only_value: no row .* choose one of apps, films, hotels"):
        select_text_rows(TrainConfig(task="causal_lm", only_column="domain", only_value="castles"))


def test_an_empty_text_column_is_refused_with_the_fix():
    import datasets

    from core.training.prepare_lm import _text_split

    dsd = datasets.DatasetDict({"train": datasets.Dataset.from_dict({"text": ["", "  ", None], "body": ["a", "b", "c"]})})
    with pytest.raises(UserError, match="text_column: 'text' has no text in split 'train' - choose a column of texts"):
        _text_split(dsd, "train", TrainConfig(task="causal_lm"), "train_split")
    with pytest.raises(UserError, match="choose one of text, body"):
        _text_split(dsd, "train", TrainConfig(task="causal_lm", text_column="review"), "train_split")


def test_a_block_larger_than_the_texts_is_refused(tiny_gpt):
    from core.training.prepare_lm import prepare_lm_data

    with pytest.raises(UserError, match="less than one block of 120 - lower block_size"):
        prepare_lm_data(lm_config(tiny_gpt, block_size=120, max_train_samples=2, max_eval_samples=2),
                        tokenizer_of(tiny_gpt))


# ------------------------------------------------------------------ models

def test_a_classifier_or_a_too_long_block_is_refused_before_a_run_queues(tiny_gpt, tiny_model_dir, isolated_settings):
    from core.model.causal_lm import check_model_writes
    from core.task_registry import get_task

    with pytest.raises(UserError, match="was not trained to write text, so causal_lm cannot fine-tune it"):
        lm_config(tiny_model_dir).check_access("")
    with pytest.raises(UserError, match="block_size: 256 is beyond what .* takes \\(128 tokens\\) - set block_size "
                                        "to 128 or less"):
        check_model_writes(str(tiny_gpt), 256, get_task("causal_lm"))
    check_model_writes(str(tiny_gpt), 128, get_task("causal_lm"))


def test_a_run_model_is_only_continued_by_its_owner(tiny_gpt, isolated_settings, monkeypatch):
    from core.runs.store import RunStore

    store = RunStore(isolated_settings.runs_dir)
    run_id = store.new_run(lm_config(tiny_gpt).to_dict(), owner="alice")
    config = lm_config(f"run:{run_id}")
    with pytest.raises(UserError, match="not found among your runs"):
        config.check_access("mallory")
    with pytest.raises(UserError, match="has no saved model to continue from"):
        config.check_access("alice")  # hers, but it saved nothing yet


# ------------------------------------------------------------------ training end to end

def test_the_tiny_gpt_trains_its_perplexity_falls_and_it_writes_after_a_restart(tiny_gpt, isolated_settings):
    from core.results import generate as gen
    from core.runs.store import RunStore
    from core.training.trainer import run

    store = RunStore(isolated_settings.runs_dir)
    config = lm_config(tiny_gpt)
    run_id = store.new_run(config.to_dict())
    result = run(config, store.path(run_id))
    assert result["state"] == "done"
    before, after = result["baseline"]["eval_perplexity"], result["final"]["eval_perplexity"]
    assert after < before * 0.8, (before, after)
    evals = [p for p in store.read_metrics(run_id) if p["kind"] == "eval"]
    assert [p["step"] for p in evals] == [8, 16] and all(p["eval_perplexity"] > 1 for p in evals)
    samples = store.read_samples(run_id)
    assert [(s["kind"], s["step"]) for s in samples] == [("baseline", 0), ("eval", 8), ("eval", 16)]
    assert all(set(row) == {"prompt", "greedy", "sampled"} for s in samples for row in s["samples"])

    gen._models.clear()  # a restart: nothing loaded, everything read back from the run folder
    fresh = RunStore(isolated_settings.runs_dir)
    out = gen.generate(fresh, run_id, "The hotel", gen.Decoding(max_new_tokens=8, seed=1))
    assert out["fine_tuned"] and out["base"] and out["fine_tuned"] != out["base"]
    again = gen.generate(fresh, run_id, "The hotel", gen.Decoding(max_new_tokens=8, seed=1), with_base=False)
    assert again["fine_tuned"] == out["fine_tuned"] and again["base"] == ""  # seeded: the same click, the same text

    from core.results.examples import run_examples
    from core.results.model_card import card_for_run

    card = card_for_run(fresh, run_id, "me/tiny-gpt")
    assert "pipeline_tag: text-generation" in card and "| perplexity |" in card and "classifier" not in card
    with pytest.raises(UserError, match="is a causal LM: it has no classes"):
        run_examples(fresh, run_id)

    follow_up = lm_config(f"run:{run_id}", only_column="domain", only_value="hotels", max_steps=4, eval_strategy="no")
    follow_up.check_access("")  # continue from the saved run: the "fine-tune it on one domain" preset's model
    second = store.new_run(follow_up.to_dict())
    assert run(follow_up, store.path(second))["state"] == "done"


@pytest.mark.parametrize("decoding, fix", [
    ({"max_new_tokens": 100_000}, "max_new_tokens: 100000 must be between 1 and 200"),
    ({"temperature": 0}, "temperature: 0 must be between 0.05 and 5.0"),
    ({"top_p": 2}, "top_p: 2 must be between 0.01 and 1.0"),
    ({"top_k": "all"}, "top_k: 'all' must be between 0 and 1000"),
])
def test_decoding_settings_are_bounded(decoding, fix):
    from core.results.generate import Decoding

    with pytest.raises(UserError) as caught:
        Decoding(**decoding)
    assert fix in str(caught.value)


def test_generation_refuses_an_empty_or_huge_prompt_and_a_classifier_run(tiny_model_dir, isolated_settings):
    from core.results.generate import generate
    from core.runs.store import RunStore

    store = RunStore(isolated_settings.runs_dir)
    run_id = store.new_run(TrainConfig(model=str(tiny_model_dir)).to_dict())
    with pytest.raises(UserError, match="Type a prompt"):
        generate(store, run_id, "  ")
    with pytest.raises(UserError, match="keep it under 1000"):
        generate(store, run_id, "x" * 5000)
    with pytest.raises(UserError, match="is a classifier, which does not write text"):
        generate(store, run_id, "The hotel")


# ------------------------------------------------------------------ export

def test_a_causal_lm_run_exports_a_trainer_script_and_no_loop():
    import ast

    from core.results import export_forms
    from core.training.presets import domain_finetune_config, pretrain_tiny_gpt_config

    packed = export_forms.generate(pretrain_tiny_gpt_config())
    ast.parse(packed)
    assert "def group_texts(batch)" in packed and "GPT2LMHeadModel(GPT2Config(" in packed
    assert "bpe.train_from_iterator" in packed and "default_data_collator" in packed
    per_row = export_forms.generate(TrainConfig(task="causal_lm", model="distilgpt2", packing=False))
    assert "DataCollatorForLanguageModeling(tokenizer, mlm=False)" in per_row
    assert "tokenizer.pad_token = tokenizer.eos_token" in per_row and "group_texts" not in per_row
    domain = export_forms.generate(domain_finetune_config("tiny-gpt-20260101-abcd"))
    assert "HERE / 'base-model'" in domain and "== 'hotels'" in domain
    with pytest.raises(UserError, match="choose trainer"):
        export_forms.generate(pretrain_tiny_gpt_config(), "loop")


def test_hostile_prompts_and_values_stay_literals_in_the_exported_script():
    import ast

    from core.results import export_forms

    hostile = 'x"); import os; os.system("touch /tmp/pwned") #'
    script = export_forms.generate(TrainConfig(task="causal_lm", model="distilgpt2", sample_prompts=[hostile],
                                               only_column="domain", only_value=hostile))
    tree = ast.parse(script)
    calls = [node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute)]
    assert "system" not in calls


def test_samples_reach_the_parent_and_the_snapshot_of_a_stored_run(isolated_settings):
    import queue

    from core.jobs.child_process import forwarder, receive
    from core.jobs.manager import JobManager
    from core.runs.store import RunStore
    from core.training.recorder import MetricsRecorder

    channel = queue.Queue()
    child, parent = MetricsRecorder(send=forwarder(channel)), MetricsRecorder()
    record = {"step": 8, "kind": "eval", "time": 1.0, "samples": [{"prompt": "The", "greedy": " room", "sampled": " x"}]}
    child.add_samples(record)
    assert receive(parent, channel.get_nowait()) is None
    assert parent.samples() == [record]

    store = RunStore(isolated_settings.runs_dir)
    run_id = store.new_run(TrainConfig(task="causal_lm", label_column="").to_dict())
    store.append_samples(run_id, record)
    (store.path(run_id) / "samples.jsonl").open("a").write("not json\n")
    assert store.read_samples(run_id) == [record]
    assert JobManager(store, max_queue=2, isolate=False).snapshot(run_id)["samples"] == [record]


def test_a_lora_causal_lm_run_saves_an_adapter_that_writes_after_a_restart(tiny_gpt, isolated_settings):
    from core.results import generate as gen
    from core.runs.store import RunStore
    from core.training.trainer import run

    store = RunStore(isolated_settings.runs_dir)
    config = lm_config(tiny_gpt, train_mode="lora", max_steps=4, eval_strategy="no", learning_rate=1e-2)
    config.check_access("")
    run_id = store.new_run(config.to_dict())
    assert run(config, store.path(run_id))["state"] == "done"
    assert store.has_adapter(run_id) and not (store.model_dir(run_id) / "model.safetensors").exists()
    gen._models.clear()
    out = gen.generate(RunStore(isolated_settings.runs_dir), run_id, "The hotel", gen.Decoding(max_new_tokens=6))
    assert out["fine_tuned"] and out["base"]


def test_resume_drops_samples_past_the_checkpoint_and_the_runs_list_shows_the_lowest_perplexity(isolated_settings):
    from core.runs.store import RunStore

    store = RunStore(isolated_settings.runs_dir)
    run_id = store.new_run(TrainConfig(task="causal_lm").to_dict())
    for step, kind in ((0, "baseline"), (10, "eval"), (20, "eval")):
        store.append_samples(run_id, {"step": step, "kind": kind, "samples": []})
    store.truncate_samples(run_id, 10)
    assert [r["step"] for r in store.read_samples(run_id)] == [0, 10]
    store.update_status(run_id, best_metric=12.5, best_metric_name="eval_perplexity")
    row = next(r for r in store.list_runs() if r["run_id"] == run_id)
    assert (row["best_metric"], row["best_metric_name"]) == (12.5, "eval_perplexity")


def test_a_causal_lm_jobs_best_metric_is_its_lowest_perplexity():
    from core.training.recorder import best_value

    points = [{"kind": "eval", "eval_perplexity": 40.0}, {"kind": "eval", "eval_perplexity": 25.0},
              {"kind": "baseline", "eval_perplexity": 900.0}]
    assert best_value(points, "eval_perplexity", lowest=True) == 25.0 and best_value(points, "eval_perplexity") == 40.0
