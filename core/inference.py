"""Predictions with a trained run: a transformers pipeline, the untrained base model, an eval report.

Pipelines are cached (a small LRU) because loading a model takes seconds and the Try-it box is
used many times in a row; the eval report is cached on disk in the run folder.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from core import sources
from core.messages import N_, UserError

log = logging.getLogger(__name__)

REPORT_FILE = "eval_report.json"
_CACHE_SIZE = 4
_pipelines: "OrderedDict[tuple, object]" = OrderedDict()
_lock = threading.Lock()


def _device() -> int:
    import torch

    return 0 if torch.cuda.is_available() else -1


def _cached(key: tuple, build):
    with _lock:
        if key in _pipelines:
            _pipelines.move_to_end(key)
            return _pipelines[key]
    pipe = build()
    with _lock:
        _pipelines[key] = pipe
        while len(_pipelines) > _CACHE_SIZE:
            _pipelines.popitem(last=False)
    return pipe


def clear_cache() -> None:
    """Forget loaded pipelines (after a run is deleted or retrained)."""
    with _lock:
        _pipelines.clear()


def load_classifier(model_dir: str | Path):
    """A text-classification pipeline over a saved model folder (model + tokenizer)."""
    from transformers import pipeline

    path = Path(model_dir)
    if not (path / "config.json").exists():
        raise UserError("No trained model in {path}: train with 'save model' on, or pick another run", path=path)
    stamp = (path / "config.json").stat().st_mtime  # a retrained run in the same folder is reloaded
    return _cached(("run", str(path), stamp), lambda: pipeline(
        "text-classification", model=str(path), tokenizer=str(path), top_k=None, device=_device()))


def load_base_classifier(model: str, label_names: list[str], seed: int = 0, trust_remote_code: bool = False):
    """The pretrained model before fine-tuning, with a fresh (random) head over the same labels."""
    import torch
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
    """Every label with its probability, highest first: [{"label": name, "score": p}, ...]."""
    if not (text or "").strip():
        raise UserError("Type a text to classify first")
    inputs = {"text": text, "text_pair": text_pair} if text_pair else text
    out = pipe(inputs)
    if out and isinstance(out[0], list):  # some versions wrap a single input in a list
        out = out[0]
    return sorted(({"label": str(r["label"]), "score": float(r["score"])} for r in out),
                  key=lambda r: -r["score"])


def predict_run(store, run_id: str, text: str, text_pair: str = "") -> dict:
    """The fine-tuned model's answer next to the base model's (same body, untrained head)."""
    config = store.read_config(run_id)
    tuned = load_classifier(store.model_dir(run_id))
    names = [tuned.model.config.id2label[i] for i in range(tuned.model.config.num_labels)]
    base = load_base_classifier(config.model, names, seed=config.seed,
                                trust_remote_code=config.trust_remote_code)
    return {"fine_tuned": classify(tuned, text, text_pair), "base": classify(base, text, text_pair)}


def eval_rows(config, tokenizer):
    """The tokenized evaluation rows of a run, chosen exactly as training chose them (core.train_data)."""
    import dataclasses

    from core.train_data import prepare_data

    # Eval rows are carved and capped before train is subsampled, so a tiny train cap leaves them
    # unchanged while sparing the tokenization of the whole train split.
    return prepare_data(dataclasses.replace(config, max_train_samples=2), tokenizer)


def predict_ids(model, dataset, collator, batch_size: int = 32) -> np.ndarray:
    """Predicted class ids for a tokenized dataset (plain batched forward passes)."""
    import torch

    columns = [c for c in dataset.column_names if c != "labels"]
    rows = dataset.remove_columns([c for c in dataset.column_names if c not in columns])
    preds = []
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(rows), batch_size):
            batch = collator([rows[i] for i in range(start, min(start + batch_size, len(rows)))])
            batch = {k: v.to(model.device) for k, v in batch.items() if k in columns}
            preds.append(model(**batch).logits.argmax(-1).cpu().numpy())
    return np.concatenate(preds) if preds else np.zeros(0, dtype=int)


def build_report(model_dir: Path, config) -> dict:
    """Confusion matrix, per-class precision/recall/f1 and accuracy of a saved model on its eval rows."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModelForSequenceClassification.from_pretrained(str(model_dir))
    data = eval_rows(config, tokenizer)
    names = [str(model.config.id2label[i]) for i in range(model.config.num_labels)]
    y_pred = predict_ids(model, data.eval, data.collator, config.eval_batch_size)
    y_true = np.asarray(data.eval["labels"], dtype=int)
    labels = list(range(len(names)))
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    prec, rec, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_class = [{"label": names[i], "precision": float(prec[i]), "recall": float(rec[i]),
                  "f1": float(f1[i]), "support": int(support[i])} for i in labels]
    return {"labels": names, "confusion": matrix.tolist(), "per_class": per_class,
            "accuracy": float((y_true == y_pred).mean()) if len(y_true) else 0.0, "rows": int(len(y_true))}


def eval_report(store, run_id: str, refresh: bool = False) -> dict:
    """The run's eval report, computed once from the saved model and cached as eval_report.json."""
    path = store.path(run_id) / REPORT_FILE
    if path.exists() and not refresh:
        return json.loads(path.read_text())
    model_dir = store.model_dir(run_id)
    if not (Path(model_dir) / "config.json").exists():
        raise UserError("Run {run} has no saved model: train it with 'save model' on to see the report", run=run_id)
    report = build_report(Path(model_dir), store.read_config(run_id))
    path.write_text(json.dumps(report, indent=1))
    log.info("eval report for %s: accuracy %.3f on %d rows", run_id, report["accuracy"], report["rows"])
    return report


# ---------------------------------------------------------------- taking the model elsewhere

def zip_model(model_dir: str | Path, dest_dir: str | Path, name: str) -> Path:
    """The model folder (weights, config, tokenizer) as one zip file in dest_dir."""
    import shutil

    model_dir = Path(model_dir)
    if not (model_dir / "config.json").exists():
        raise UserError("No trained model in {path}: train with 'save model' on first", path=model_dir)
    return Path(shutil.make_archive(str(Path(dest_dir) / name), "zip", root_dir=model_dir))


def push_model(model_dir: str | Path, repo_id: str, token: str, private: bool = True) -> str:
    """Upload a saved model folder to a Hub repo (created if missing); returns the repo URL.

    The token is used for this call only: never logged, stored or put in an error message.
    """
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    repo_id = (repo_id or "").strip()
    if "/" not in repo_id:
        raise UserError("Type the repo as user/name, e.g. alice/minilm-reviews")
    if not token:
        raise UserError("A Hugging Face write token is needed: set HF_TOKEN or paste one")
    sources.require_online(N_("Pushing to the Hub"))
    if not (Path(model_dir) / "config.json").exists():
        raise UserError("No trained model in {path}: train with 'save model' on first", path=model_dir)
    api = HfApi(token=token)
    try:
        url = api.create_repo(repo_id, private=private, exist_ok=True)
        api.upload_folder(folder_path=str(model_dir), repo_id=repo_id, commit_message="Fine-tune Studio upload")
    except (HfHubHTTPError, OSError) as err:
        reason = str(err).replace(token, "***").splitlines()[0][:200]
        raise UserError("The upload to {repo} failed ({reason}): check the token has write access", repo=repo_id,
                        reason=reason) from err
    log.info("pushed %s to %s", model_dir, repo_id)
    return str(url)
