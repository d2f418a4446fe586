"""The evaluation report of a saved model: confusion matrix and per-class scores on the run's own eval rows,
computed once and kept in the run folder."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np

from core.messages import UserError
from core.results.saved import no_model_error
from core.runs.store import RunStore
from core.training.config import TrainConfig

log = logging.getLogger(__name__)


def eval_rows(config, tokenizer):
    """The tokenized evaluation rows of a run, chosen exactly as training chose them (core.training.prepare)."""
    from core.training.prepare import prepare_data  # imported here: it pulls in datasets and transformers

    # Eval rows are carved and capped before train is subsampled, so a tiny train cap leaves them
    # unchanged while sparing the tokenization of the whole train split.
    return prepare_data(dataclasses.replace(config, max_train_samples=2), tokenizer)


def predict_ids(model, dataset, collator, batch_size: int = 32, progress=None) -> np.ndarray:
    """Predicted class ids for a tokenized dataset (plain batched forward passes); progress(done, total) after each
    batch when given."""
    import torch  # slow import, deferred to first use

    columns = [c for c in dataset.column_names if c != "labels"]
    rows = dataset.remove_columns([c for c in dataset.column_names if c not in columns])
    preds = []
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(rows), batch_size):
            batch = collator([rows[i] for i in range(start, min(start + batch_size, len(rows)))])
            batch = {k: v.to(model.device) for k, v in batch.items() if k in columns}
            preds.append(model(**batch).logits.argmax(-1).cpu().numpy())
            if progress is not None:
                progress(len(preds), -(-len(rows) // batch_size))
    return np.concatenate(preds) if preds else np.zeros(0, dtype=int)


def build_report(model_dir: Path, config, progress=None) -> dict:
    """Confusion matrix, per-class precision/recall/f1 and accuracy of a saved model on its eval rows."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support  # slow import, deferred to first use

    from core.model.saved import load_run_model  # imports transformers (and peft for a LoRA run)

    model, tokenizer = load_run_model(model_dir)  # a whole model, or a LoRA adapter merged into its base
    data = eval_rows(config, tokenizer)
    names = [str(model.config.id2label[i]) for i in range(model.config.num_labels)]
    y_pred = predict_ids(model, data.eval, data.collator, config.eval_batch_size, progress)
    y_true = np.asarray(data.eval["labels"], dtype=int)
    labels = list(range(len(names)))
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    prec, rec, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_class = [{"label": names[i], "precision": float(prec[i]), "recall": float(rec[i]),
                  "f1": float(f1[i]), "support": int(support[i])} for i in labels]
    return {"labels": names, "confusion": matrix.tolist(), "per_class": per_class,
            "accuracy": float((y_true == y_pred).mean()) if len(y_true) else 0.0, "rows": int(len(y_true))}


def eval_report(store: RunStore, run_id: str, refresh: bool = False, progress=None) -> dict:
    """The run's eval report, computed once from the saved model and kept in the run folder (progress(done, total)
    per batch while it is computed)."""
    report = {} if refresh else store.read_eval(run_id, "report")
    if report:
        return report
    if not store.has_model(run_id):
        raise no_model_error(store, run_id)
    report = build_report(store.model_dir(run_id), TrainConfig.from_stored(store.read_config(run_id)), progress)
    store.write_eval(run_id, "report", report)
    log.info("eval report for %s: accuracy %.3f on %d rows", run_id, report["accuracy"], report["rows"])
    return report
