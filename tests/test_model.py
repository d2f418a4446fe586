"""The Model tab's core: a checkpoint described without loading weights, every AutoModel* head run on a text
(output shapes on tiny BERT, GPT-2 and T5 models built from configs), newly initialized weights, untrained
answers, the Before Start estimate, and clear messages for what cannot be done."""

import json

import pytest

from core import settings as settings_mod
from core import sources
from core.model import describe, estimate, heads
from core.training.config import TrainConfig

TEXT = "hello world"


def _save(model, tokenizer, path):
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return str(path)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Tiny checkpoints of three families, each with the embedded (BERT) tokenizer: a BERT with its masked-LM head
    (pretrained-like), a GPT-2 language model, a T5 encoder-decoder."""
    from transformers import (AutoTokenizer, BertConfig, BertForMaskedLM, GPT2Config, GPT2LMHeadModel, T5Config,
                              T5ForConditionalGeneration)

    tok = AutoTokenizer.from_pretrained(str(sources.embedded_model_path()))
    root, vocab = tmp_path_factory.mktemp("tiny-families"), tok.vocab_size
    bert = BertConfig(vocab_size=vocab, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                      intermediate_size=32, max_position_embeddings=64)
    gpt2 = GPT2Config(vocab_size=vocab, n_embd=16, n_layer=2, n_head=2, n_positions=64)
    t5 = T5Config(vocab_size=vocab, d_model=16, d_kv=8, d_ff=32, num_layers=1, num_heads=2,
                  decoder_start_token_id=0, pad_token_id=0, eos_token_id=tok.sep_token_id)  # [SEP] ends a text
    return {"vocab": vocab,
            "bert": _save(BertForMaskedLM(bert), tok, root / "bert"),
            "gpt2": _save(GPT2LMHeadModel(gpt2), tok, root / "gpt2"),
            "t5": _save(T5ForConditionalGeneration(t5), tok, root / "t5")}


def _rows(result) -> dict:
    return {row["variant"]: row for row in result["variants"]}


# ------------------------------------------------------------------ heads: shapes per family

def test_every_bert_head_has_the_tutorials_shapes(tiny):
    result = heads.model_outputs(tiny["bert"], TEXT, "paris is the [MASK] of france.")
    rows, n, vocab = _rows(result), result["tokens"], tiny["vocab"]
    assert n == 4  # [CLS] hello world [SEP]
    assert rows["base"]["outputs"] == {"last_hidden_state": [1, n, 16], "pooler_output": [1, 16]}
    assert rows["sequence_classification"]["outputs"] == {"logits": [1, 2]}
    assert rows["token_classification"]["outputs"] == {"logits": [1, n, 3]}
    assert rows["question_answering"]["outputs"] == {"start_logits": [1, n], "end_logits": [1, n]}
    assert rows["masked_lm"]["outputs"] == {"logits": [1, n, vocab]}
    assert rows["causal_lm"]["outputs"] == {"logits": [1, n, vocab]}
    assert not rows["seq2seq_lm"]["supported"] and "encoder-decoders" in rows["seq2seq_lm"]["reason"]


def test_gpt2_has_no_masked_lm_head_and_t5_no_causal_one(tiny):
    gpt2 = _rows(heads.model_outputs(tiny["gpt2"], TEXT))
    assert gpt2["causal_lm"]["outputs"]["logits"][-1] == tiny["vocab"]
    assert gpt2["sequence_classification"]["outputs"] == {"logits": [1, 2]}
    assert not gpt2["masked_lm"]["supported"] and "[MASK]" in gpt2["masked_lm"]["reason"]
    t5 = heads.model_outputs(tiny["t5"], TEXT)
    rows = _rows(t5)
    assert rows["seq2seq_lm"]["outputs"]["logits"] == [1, 1, tiny["vocab"]]  # the decoder got its start token
    assert rows["seq2seq_lm"]["outputs"]["encoder_last_hidden_state"] == [1, t5["tokens"], 16]
    assert not rows["masked_lm"]["supported"] and not rows["causal_lm"]["supported"]


def test_new_weights_are_the_heads_the_checkpoint_lacked(tiny):
    rows = _rows(heads.model_outputs(tiny["bert"], TEXT, "paris is the [MASK] of france."))
    assert rows["masked_lm"]["new_weights"] == []
    assert rows["base"]["new_weights"] == ["pooler.dense.bias", "pooler.dense.weight"]  # BertForMaskedLM has no pooler
    pooler = ["bert.pooler.dense.bias", "bert.pooler.dense.weight"]
    assert rows["sequence_classification"]["new_weights"] == pooler + ["classifier.bias", "classifier.weight"]
    assert rows["sequence_classification"]["new_params"] == (16 * 16 + 16) + (16 * 2 + 2)
    assert rows["token_classification"]["new_weights"] == ["classifier.bias", "classifier.weight"]  # no pooler
    assert rows["token_classification"]["new_params"] == 16 * 3 + 3


def test_a_pretrained_masked_lm_head_guesses_and_a_new_one_is_called_random(tiny):
    result = heads.model_outputs(tiny["bert"], TEXT, "paris is the [MASK] of france.")
    guesses = _rows(result)["masked_lm"]["guesses"]
    assert len(guesses["top"]) == heads.TOP_K and "real guesses" in result["mask_head"]
    assert guesses["top"][0]["score"] >= guesses["top"][-1]["score"]
    no_mask = _rows(heads.model_outputs(tiny["bert"], TEXT, "no gap here"))["masked_lm"]["guesses"]
    assert no_mask["top"] == [] and "[MASK]" in no_mask["note"]
    assert "no masked-LM head" in heads.model_outputs(tiny["gpt2"], TEXT)["mask_head"]


def test_the_embedded_minilm_untrained_head_is_near_uniform_and_its_mask_head_new():
    """The real model, end to end: 22.7 M parameters, the classifier and masked-LM heads both made up."""
    result = heads.model_outputs(sources.EMBEDDED_MODEL, "The food was lovely.", "The food was [MASK].",
                                 ["negative", "neutral", "positive"])
    rows = _rows(result)
    probs = rows["sequence_classification"]["probabilities"]
    assert set(probs) == {"negative", "neutral", "positive"} and sum(probs.values()) == pytest.approx(1, abs=1e-5)
    assert max(probs.values()) - min(probs.values()) < 0.1  # a new head knows nothing yet
    assert rows["sequence_classification"]["outputs"] == {"logits": [1, 3]}
    assert "newly initialized" in result["mask_head"] and "random" in result["mask_head"]
    assert result["total_params"] > 20_000_000
    assert heads.model_outputs(sources.EMBEDDED_MODEL, "The food was lovely.", "The food was [MASK].",
                               ["negative", "neutral", "positive"]) is result  # cached


@pytest.mark.parametrize("args, words", [
    (("",), ["Type a text"]), (("x" * 3000,), ["3,000 characters"]), ((123,), ["must be text"]),
    ((TEXT, "", ["only one"]), ["2 to 100 different class names"]),
    ((TEXT, "", ["same", "same"]), ["different class names"]), ((TEXT, "", "ab"), ["class names"]),
])
def test_bad_head_inputs_are_named(tiny, args, words):
    with pytest.raises(ValueError) as err:
        heads.model_outputs(tiny["bert"], *args)
    for word in words:
        assert word in str(err.value)


def test_an_architecture_without_a_head_is_refused_naming_why(tiny):
    config = describe.load_config(tiny["gpt2"])
    with pytest.raises(ValueError, match="has no AutoModelForMaskedLM class: only encoders such as BERT"):
        heads.require_head(config, "masked_lm", "tiny-gpt2")
    with pytest.raises(ValueError, match="Unknown head 'magic'"):
        heads.require_head(config, "magic", "tiny-gpt2")


def test_a_model_over_the_servers_size_limit_is_refused_before_loading(tiny, monkeypatch):
    from dataclasses import replace

    monkeypatch.setattr(settings_mod, "_current", replace(settings_mod.get_settings(), max_inspect_params=1000))
    with pytest.raises(ValueError, match="MAX_INSPECT_PARAMS"):
        heads.model_outputs(tiny["t5"], "a text only this test uses")
    assert describe.describe_model(tiny["t5"])["total_params"] > 1000  # describing loads no weights: still fine


# ------------------------------------------------------------------ describe

def test_describe_counts_blocks_without_loading_weights(tiny_model_dir):
    described = describe.describe_model(str(tiny_model_dir))
    cfg = described["config"]
    assert (cfg["architecture"], cfg["kind"], cfg["layers"], cfg["hidden_size"], cfg["heads"]) == \
        ("BertForSequenceClassification", "encoder", 1, 16, 2)
    assert cfg["max_positions"] == 512 and "1 layers, hidden size 16" in cfg["summary"]
    children = {node["name"]: node for node in described["tree"]}
    assert set(children) == {"bert", "dropout", "classifier"} and children["classifier"]["params"] == 16 * 2 + 2
    assert sum(node["params"] for node in described["tree"]) == described["total_params"]
    bert = {node["name"]: node for node in children["bert"]["children"]}
    assert bert["encoder"]["children"][0]["name"] == "layer"
    net = describe.skeleton(describe.load_config(str(tiny_model_dir)))
    assert {p.device.type for p in net.parameters()} == {"meta"}
    json.dumps(described)  # the API returns it as is


def test_unloadable_models_are_named(tmp_path):
    with pytest.raises(ValueError, match="could not be loaded"):
        describe.describe_model(str(tmp_path))  # a folder without a config
    with pytest.raises(ValueError, match="not a Hub id"):
        describe.describe_model("../no-such-folder/x")


# ------------------------------------------------------------------ the Before Start estimate

def test_estimate_counts_what_each_mode_trains_with_the_arithmetic():
    full = estimate.estimate(TrainConfig(), "fp32")
    head = estimate.estimate(TrainConfig(train_mode="head"), "fp32")
    top2 = estimate.estimate(TrainConfig(train_mode="last_n_layers", train_last_layers=2), "fp32")
    lora = estimate.estimate(TrainConfig(train_mode="lora", lora_r=8), "fp32")
    total = full["total_params"]
    assert full["trainable_params"] == total and head["trainable_params"] == 384 * 2 + 2
    assert head["bytes"]["weights"] == total * 4 and head["bytes"]["optimizer"] == (384 * 2 + 2) * 8
    assert head["blocks_with_gradients"] == 0 and head["bytes"]["activations"] == 0
    assert top2["blocks_with_gradients"] == 2 and head["trainable_params"] < top2["trainable_params"] < total
    # LoRA on query and value of 6 blocks: r x (384 + 384) per matrix, plus the head
    assert lora["trainable_params"] == 6 * 2 * 8 * (384 + 384) + 384 * 2 + 2
    assert lora["blocks_with_gradients"] == 6 and lora["share"] < 0.01
    assert full["bytes"]["total"] == sum(v for k, v in full["bytes"].items() if k != "total")
    assert full["arithmetic"][0].startswith(f"weights: {total:,} parameters × 4 bytes (fp32)")
    half = estimate.estimate(TrainConfig(), "bf16")
    assert half["bytes"]["activations"] * 2 == full["bytes"]["activations"]


def test_one_measured_step_gives_a_time_estimate(tiny_model_dir):
    step = estimate.measure_step(TrainConfig(model=str(tiny_model_dir), train_mode="head", batch_size=4,
                                             max_length=16, max_steps=10), "fp32")
    assert step["step_s"] > 0 and step["planned_steps"] == 10
    assert step["train_s"] == pytest.approx(step["step_s"] * 10)
    assert "10 steps take about" in step["summary"]


def test_the_model_side_of_the_pad_fix_without_a_tokenizer_pads_with_end_of_text():
    from transformers import GPT2Config, GPT2ForSequenceClassification

    from core.model.checkpoints import fit_pad_token

    net = GPT2ForSequenceClassification(GPT2Config(vocab_size=50, n_layer=1, n_embd=8, n_head=2, eos_token_id=7))
    assert net.config.pad_token_id is None  # GPT-2 has none: a batch of several rows could not find each last token
    fit_pad_token(net)
    assert net.config.pad_token_id == 7
