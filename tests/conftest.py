"""Test set-up: everything offline, on the CPU, with run folders in tmp paths."""

import os

# Before any Hugging Face import: tests never touch the network.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import pytest  # noqa: E402

from core import sources  # noqa: E402

sources.detect_online()


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A tiny BERT (a few thousand weights) with the embedded tokenizer, saved as a model folder."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    path = tmp_path_factory.mktemp("tiny-bert")
    tok = AutoTokenizer.from_pretrained(str(sources.embedded_model_path()))
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=16, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=32, max_position_embeddings=512,
                        num_labels=2)
    BertForSequenceClassification(config).save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture()
def isolated_settings(tmp_path, monkeypatch):
    """Settings whose runs and uploads folders live in tmp_path."""
    from core import settings

    fresh = settings.Settings(runs_dir=tmp_path / "runs", uploads_dir=tmp_path / "uploads")
    monkeypatch.setattr(settings, "_current", fresh)
    return fresh
