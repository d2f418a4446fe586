"""Metrics: the offline `evaluate` modules and compute_metrics for the Trainer."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from core.messages import UserError

log = logging.getLogger(__name__)

METRIC_MODULES_DIR = Path(__file__).resolve().parent / "metric_modules"
METRICS = ("accuracy", "f1", "precision", "recall")  # one evaluate module each, in METRIC_MODULES_DIR
SCORE_KEYS = tuple(f"eval_{name}" for name in METRICS)  # their keys in evaluation logs, records and eval_*.json

_modules: dict[str, object] = {}
_modules_lock = threading.Lock()


def check_metric_names(names) -> list[str]:
    """The names, de-duplicated in order; ValueError naming the choices for an unknown one."""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    names = list(dict.fromkeys(names or []))
    unknown = [n for n in names if n not in METRICS]
    if unknown or not names:
        raise UserError("metrics: {unknown} - choose one or more of {choices}",
                        unknown=", ".join(map(repr, unknown)) or "none chosen", choices=", ".join(METRICS))
    return names


def load_metric_modules(names) -> dict:
    """name -> a fresh `evaluate` metric, loaded from METRIC_MODULES_DIR/<name> with evaluate.load (offline)."""
    import evaluate  # slow import, deferred to first use

    names = check_metric_names(names)
    with _modules_lock:  # evaluate.load copies the script into the modules cache: do it once per process
        for name in names:
            if name not in _modules:
                _modules[name] = evaluate.load(str(METRIC_MODULES_DIR / name), keep_in_memory=True)
    # A metric instance buffers what it is given, so each caller gets its own instance of the class.
    return {n: type(_modules[n])(keep_in_memory=True, config_name=_modules[n].config_name) for n in names}


def make_compute_metrics(names, num_labels: int):
    """compute_metrics for the Trainer: argmax of the logits scored by each metric (binary or macro average)."""
    modules = load_metric_modules(names)
    average = "binary" if num_labels <= 2 else "macro"
    lock = threading.Lock()

    def compute_metrics(eval_pred) -> dict[str, float]:
        logits, labels = eval_pred.predictions, eval_pred.label_ids
        if isinstance(logits, (tuple, list)):  # some models also return hidden states
            logits = logits[0]
        predictions = np.argmax(np.asarray(logits), axis=-1)
        scores: dict[str, float] = {}
        with lock:
            for name, module in modules.items():
                extra = {} if name == "accuracy" else {"average": average, "zero_division": 0}
                scores.update(module.compute(predictions=predictions, references=labels, **extra))
        return {k: float(v) for k, v in scores.items()}

    return compute_metrics
