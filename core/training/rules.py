"""Rules of the Trainer that the app applies, shows and writes as code in several places, defined once here.

The training run passes them to TrainingArguments; the step-through shows them on one batch; the exported
scripts write them as literals; the live charts and status.json pick the best checkpoint with them.
"""

from __future__ import annotations

MAX_GRAD_NORM = 1.0  # gradient clipping: the Trainer's default (TrainingArguments.max_grad_norm), the loops' clip


def greater_is_better(metric: str) -> bool:
    """Which way metric_for_best_model improves: the eval loss down, a score (accuracy, f1, ...) up."""
    name = metric[len("eval_"):] if metric.startswith("eval_") else metric
    return name != "loss"
