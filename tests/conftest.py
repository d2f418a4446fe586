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
from core.model import load_lock  # noqa: E402

sources.detect_online()
# tests load models from several threads (the in-process job manager, served apps), as the server does (app.py)
load_lock.install()


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


@pytest.fixture(scope="session")
def tiny_gpts(tmp_path_factory):
    """Tiny GPTs as the app builds them (ChatML template, <|im_end|>), one block of width 32, built once per shape for
    the whole session: each build trains a BPE on the embedded reviews. build(n_positions, vocab_size) -> its folder,
    which tests read and never write into."""
    from core import settings
    from core.model.tiny_gpt import build_tiny_gpt

    built: dict[tuple[int, int], object] = {}

    def build(n_positions: int = 256, vocab_size: int = 500):
        if (n_positions, vocab_size) not in built:
            root = tmp_path_factory.mktemp(f"tiny-gpt-{n_positions}-{vocab_size}")
            saved = settings._current  # its BPE is saved in a tokenizers folder of its own, not the server's
            settings._current = settings.Settings(runs_dir=root / "runs", uploads_dir=root / "uploads")
            try:
                built[n_positions, vocab_size] = build_tiny_gpt(
                    root / "tiny-gpt", shape={"n_layer": 1, "n_embd": 32, "n_head": 2, "n_positions": n_positions},
                    vocab_size=vocab_size)
            finally:
                settings._current = saved
        return built[n_positions, vocab_size]

    return build


@pytest.fixture(scope="session")
def tiny_chat_gpt(tiny_gpts):
    """The tiny chat model of the sft, dpo and chat template tests: 256 positions, a 500-token BPE."""
    return tiny_gpts(256, 500)


@pytest.fixture(scope="session")
def templateless_gpt(tiny_chat_gpt, tmp_path_factory):
    """The tiny chat model with its chat template taken away: a model that was never taught turns."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    bare = tmp_path_factory.mktemp("templateless") / "gpt"
    tok = AutoTokenizer.from_pretrained(str(tiny_chat_gpt))
    tok.chat_template = None
    tok.save_pretrained(str(bare))
    AutoModelForCausalLM.from_pretrained(str(tiny_chat_gpt)).save_pretrained(str(bare))
    (bare / "chat_template.jinja").unlink(missing_ok=True)
    return bare


@pytest.fixture()
def isolated_settings(tmp_path, monkeypatch):
    """Settings whose runs and uploads folders live in tmp_path."""
    from core import settings

    fresh = settings.Settings(runs_dir=tmp_path / "runs", uploads_dir=tmp_path / "uploads")
    monkeypatch.setattr(settings, "_current", fresh)
    return fresh


@pytest.fixture()
def manager(isolated_settings, monkeypatch):
    """The app's job manager (what get_manager() returns) for one test: runs in tmp_path, trained by a thread of this
    process (no child), at most 4 waiting. A module that needs another kind defines its own `manager`."""
    from core.jobs import manager as jobs
    from core.runs.store import RunStore

    mgr = jobs.JobManager(RunStore(isolated_settings.runs_dir), max_queue=4, isolate=False)
    monkeypatch.setattr(jobs, "_manager", mgr)
    return mgr
