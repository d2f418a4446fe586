"""Predictions with a trained run: a transformers pipeline over its saved model, beside the untrained base model.

Pipelines are cached (an LRU sized by their weights, estimate.cache_weight) because loading a model takes seconds and the Try-it box is
used many times in a row.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from cachetools import LRUCache

from core import sources
from core.messages import N_, UserError, say
from core.model import estimate
from core.model.checkpoints import model_max_length
from core.model.saved import load_run_model
from core.results.saved import no_model_error
from core.runs.store import has_saved_model, model_stamp
from core.task_registry import task_of
from core.training.config import TrainConfig

log = logging.getLogger(__name__)

MAX_PREDICT_CHARS = 100_000  # a model reads at most a few thousand tokens of it; the rest would only cost CPU
_pipelines: LRUCache = LRUCache(maxsize=estimate.CACHED_MODELS_BYTES, getsizeof=estimate.cache_weight)
_lock = threading.Lock()


def _device() -> int:
    import torch  # slow import, deferred to first use

    return 0 if torch.cuda.is_available() else -1


def _cached(key: tuple, build):
    """The pipeline for key, built outside the lock (loading takes seconds) on first use."""
    with _lock:
        pipe = _pipelines.get(key)
    if pipe is None:
        pipe = build()
        with _lock:
            _pipelines[key] = pipe
    return pipe


def clear_cache() -> None:
    """Forget loaded pipelines (after a run is deleted or retrained)."""
    with _lock:
        _pipelines.clear()


def load_pipeline(model_dir: str | Path):
    """A text-classification pipeline over a saved model folder (model + tokenizer, or a LoRA adapter on its base)."""
    from transformers import pipeline  # slow import, deferred to first use

    path = Path(model_dir)
    if not has_saved_model(path):
        raise UserError("Run {run} has no saved model: train it with 'save model' on, or pick another run",
                        run=path.parent.name)
    stamp = model_stamp(path)  # a retrained run in the same folder is reloaded

    def build():
        model, tokenizer = load_run_model(path)
        return pipeline("text-classification", model=model, tokenizer=tokenizer, top_k=None, device=_device())

    return _cached(("run", str(path), stamp), build)


def load_base_pipeline(model: str, label_names: list[str], seed: int = 0, trust_remote_code: bool = False):
    """The pretrained model before fine-tuning, with a fresh (random) head over the same labels."""
    import torch  # slow import, deferred to first use
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    def build():
        path = sources.resolve_model(model)
        torch.manual_seed(seed)  # the head is random: a fixed seed keeps its answers stable between clicks
        net = AutoModelForSequenceClassification.from_pretrained(
            path, num_labels=len(label_names), id2label=dict(enumerate(label_names)),
            label2id={n: i for i, n in enumerate(label_names)}, trust_remote_code=trust_remote_code)
        tok = AutoTokenizer.from_pretrained(path, trust_remote_code=trust_remote_code)
        return pipeline("text-classification", model=net, tokenizer=tok, top_k=None, device=_device())

    return _cached(("base", model, tuple(label_names), seed), build)


def classify(pipe, text: str, text_pair: str = "") -> list[dict]:
    """Every label with its probability, highest first: [{"label": name, "score": p}, ...].

    A text longer than the model takes is cut to its maximum (truncation), as training did; `length_note`
    says so.
    """
    _check_text(text, text_pair)
    inputs = {"text": text, "text_pair": text_pair} if text_pair else text
    out = pipe(inputs, truncation=True, max_length=_limit(pipe))
    if out and isinstance(out[0], list):  # some versions wrap a single input in a list
        out = out[0]
    return sorted(({"label": str(r["label"]), "score": float(r["score"])} for r in out),
                  key=lambda r: -r["score"])


def length_note(pipe, text: str, text_pair: str = "") -> str:
    """A note when the text is longer than the model takes (it was truncated), else ""."""
    _check_text(text, text_pair)
    count = len(pipe.tokenizer(text, text_pair or None, truncation=False)["input_ids"])
    limit = _limit(pipe)
    if count <= limit:
        return ""
    return say("The text has {count:,} tokens and the model reads at most {limit}: it was cut to the first {limit} "
               "(truncation), as in training.", count=count, limit=limit)


def _check_text(text, text_pair) -> None:
    if not isinstance(text, str) or not text.strip():
        raise UserError("Type a text to classify first")
    if not isinstance(text_pair, str):
        raise UserError("The second text (text_pair) must be text, or empty for a single text")
    if len(text) + len(text_pair) > MAX_PREDICT_CHARS:
        raise UserError("The text is {count:,} characters, over the {limit:,} limit: paste a shorter excerpt",
                        count=len(text) + len(text_pair or ""), limit=MAX_PREDICT_CHARS)


def _limit(pipe) -> int:
    return model_max_length("", pipe.tokenizer, pipe.model.config)


def predict_run(store, run_id: str, text: str, text_pair: str = "") -> dict:
    """The fine-tuned model's answer next to the base model's (same body, untrained head), and a note when the
    text had to be cut."""
    config = TrainConfig.from_stored(store.read_config(run_id))
    if not task_of(config).has_classes:  # a chat model read as a classifier would answer with a random head
        raise UserError("Run {run} writes text and has no classes to predict - make it write (Try it) or chat with "
                        "it", run=run_id)
    if not store.has_model(run_id):  # why, truly: save model off, stopped before its end, still training
        raise no_model_error(store, run_id)
    # the fine-tuned model and the base beside it: refused before loading when they would not fit (issue 22)
    estimate.check_inference_fits(config.model, 2, N_("Trying this run"))
    tuned = load_pipeline(store.model_dir(run_id))
    names = [tuned.model.config.id2label[i] for i in range(tuned.model.config.num_labels)]
    base = load_base_pipeline(config.model, names, seed=config.seed,
                              trust_remote_code=config.trust_remote_code)
    return {"fine_tuned": classify(tuned, text, text_pair), "base": classify(base, text, text_pair),
            "note": length_note(tuned, text, text_pair)}
