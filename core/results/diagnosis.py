"""A run's curves read in plain words: what happened, the evidence (numbers and steps), and one change to try.

`diagnose(records, config, report)` reads a run's metrics records (metrics.jsonl), its config and, when there is one,
its evaluation report (the confusion matrix), and returns findings as data. Each finding names one setting to change
(`change`: {field: value}), so "try again with it" is the same run with exactly that setting changed. The words are
`say()` templates with their Chinese in core/messages_zh.py.

What it looks for, most telling first:
- a learning rate too high: a NaN loss, a loss spike, or a loss that ends higher than it began;
- overfitting: eval loss rising again (from which step) while the train loss keeps falling;
- the majority-class trap: one class predicted for (almost) everything, accuracy equal to the largest class's share;
- underfitting: a train loss that stays flat;
- too few steps (or logged points) to judge any of it.
A healthy run gets no finding. `live=True` checks only what can be judged mid-run (learning rate, overfitting).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, field

from core.messages import say
from core.task_registry import task_of
from core.training.config import TrainConfig
from core.training.setting import settings_of

KINDS = ("lr_too_high", "overfitting", "majority_class", "underfitting", "too_few_steps",
         "rewards_fall", "margin_saturates", "heldout_lags")  # the last three: a DPO run's (core.results.dpo_report)
MIN_STEPS = 20  # fewer optimizer steps than this say little about a curve's shape
MIN_TRAIN_POINTS = 6  # logged train losses needed to see a trend
SPIKE = 3.0  # a loss this many times the median of the points before it is a spike
DIVERGED = 1.3  # the last losses this many times the first ones: the run went the wrong way
OVERFIT_RISE = 1.05  # eval loss 5% above its lowest point, at the last two evaluations
FLAT = 0.05  # a train loss that fell by less than 5% from start to end is flat
WINDOW = 3  # points averaged (median) at the start and the end of a curve
ONE_CLASS = 0.95  # predictions: this share or more in one class means one class for everything
SAME_AS_SHARE = 0.01  # accuracy within one point of the largest class's share


@dataclass(frozen=True)
class Finding:
    """One diagnosis: its kind, the sentence with the evidence, why the change helps, the numbers, the change."""

    kind: str
    text: str
    advice: str
    evidence: dict = field(default_factory=dict)
    change: dict = field(default_factory=dict)  # {TrainConfig field: new value}: exactly one setting

    def to_dict(self) -> dict:
        return asdict(self)


def diagnose(records: list[dict], config, report: dict | None = None, live: bool = False) -> list[Finding]:
    """Findings for a run (none for a healthy one) from its metrics records; config: a TrainConfig or its dict."""
    train = sorted(((r["step"], r.get("loss")) for r in records if r.get("kind") == "train" and "loss" in r),
                   key=lambda p: p[0])
    evals = sorted(((r["step"], r.get("eval_loss"), r.get("epoch")) for r in records
                    if r.get("kind") == "eval" and isinstance(r.get("eval_loss"), (int, float))), key=lambda p: p[0])
    report = task_of(config).diagnosis_report(records, report)  # e.g. a DPO run's reward curves
    return diagnose_curves(train, evals, config, report, live)


def diagnose_curves(train: list[tuple], evals: list[tuple], config, report: dict | None = None,
                    live: bool = False) -> list[Finding]:
    """The same from the curves themselves: train [(step, loss or None for NaN)], evaluations during training
    [(step, eval_loss, epoch)], both by step (the live charts hold them so)."""
    config = config if isinstance(config, TrainConfig) else TrainConfig.from_stored(dict(config))
    findings = [_learning_rate(train, config)]
    last_step = max([s for s, _ in train] + [s for s, _, _ in evals] + [0])
    too_few = None if live else _too_few(train, last_step, config)
    if too_few is None and not findings[0]:
        findings.append(_overfitting(train, evals, config))
        if not live:
            findings.append(_underfitting(train, config))
    findings.extend(task_of(config).findings(train, evals, config, report, live))  # a classifier's majority trap
    findings.append(too_few)
    return [f for f in findings if f]


# ------------------------------------------------------------------ the diagnoses

def _learning_rate(train, config: TrainConfig) -> Finding | None:
    nan = next((step for step, loss in train if loss is None), None)
    lower = {"learning_rate": _lower(config.learning_rate)}
    advice = say("A smaller learning rate takes smaller steps: try {value:g}.", value=lower["learning_rate"])
    if nan is not None:
        return Finding("lr_too_high", say("The loss became NaN at step {step}: the weights blew up, a sign of a "
                                          "learning rate too high ({lr:g}).", step=nan, lr=config.learning_rate),
                       advice, {"nan_step": nan, "learning_rate": config.learning_rate}, lower)
    losses = [(s, v) for s, v in train if _finite(v)]
    for i in range(WINDOW, len(losses)):
        before = statistics.median(v for _, v in losses[max(0, i - 5):i])
        step, value = losses[i]
        if value > SPIKE * before and value > losses[0][1]:
            return Finding("lr_too_high", say("The loss jumped to {loss:.3f} at step {step}, {times:.1f} times what it "
                                              "was just before ({before:.3f}): the learning rate ({lr:g}) may be too "
                                              "high.", loss=value, step=step, times=value / before, before=before,
                                              lr=config.learning_rate),
                           advice, {"spike_step": step, "loss": value, "before": before}, lower)
    if len(losses) >= 2 * WINDOW:
        first, last = _median_start(losses), _median_end(losses)
        if last > DIVERGED * first:
            return Finding("lr_too_high", say("The loss went up, from {first:.3f} at the start to {last:.3f} by step "
                                              "{step}: training diverged; the learning rate ({lr:g}) is likely too "
                                              "high.", first=first, last=last, step=losses[-1][0],
                                              lr=config.learning_rate),
                           advice, {"first": first, "last": last, "step": losses[-1][0]}, lower)
    return None


def _overfitting(train, evals, config: TrainConfig) -> Finding | None:
    if len(evals) < 3:
        return None
    best = min(range(len(evals)), key=lambda i: evals[i][1])
    best_step, best_loss, best_epoch = evals[best]
    after = evals[best + 1:]
    if len(after) < 2 or not all(loss > OVERFIT_RISE * best_loss for _, loss, _ in after[-2:]):
        return None
    then = [v for s, v in train if _finite(v) and s <= best_step][-WINDOW:]
    now = [v for s, v in train if _finite(v) and s > best_step][-WINDOW:]
    if not then or not now or statistics.median(now) >= statistics.median(then):
        return None  # both losses rose: not overfitting (see the learning rate)
    last_step, last_loss, _ = evals[-1]
    change = {"max_steps": best_step} if config.max_steps > 0 else \
        {"num_train_epochs": _round_up(best_epoch or best_step / max(last_step, 1) * config.num_train_epochs)}
    (name, value), = change.items()
    return Finding("overfitting",
                   say("Overfitting from step {step}: eval loss was lowest there ({best:.3f}) and rose to {last:.3f} by "
                       "step {last_step}, while train loss kept falling ({then:.3f} -> {now:.3f}). The model is "
                       "memorising its training rows.", step=best_step, best=best_loss, last=last_loss,
                       last_step=last_step, then=statistics.median(then), now=statistics.median(now)),
                   say("Stop where eval loss was lowest: {name} = {value:g} (early stopping and keeping the best "
                       "checkpoint do this for you).", name=name, value=value),
                   {"best_step": best_step, "best_eval_loss": best_loss, "last_step": last_step,
                    "last_eval_loss": last_loss}, change)


def _underfitting(train, config: TrainConfig) -> Finding | None:
    losses = [(s, v) for s, v in train if _finite(v)]
    if len(losses) < 2 * WINDOW:
        return None
    first, last = _median_start(losses), _median_end(losses)
    if first <= 0 or (first - last) / first >= FLAT:
        return None
    change = {"learning_rate": _raise(config.learning_rate)} if config.learning_rate < _advised_lr()[1] \
        else _longer(config)
    (name, value), = change.items()
    return Finding("underfitting",
                   say("The train loss stayed flat, {first:.3f} at the start and {last:.3f} at step {step}: the model "
                       "is barely learning (underfitting).", first=first, last=last, step=losses[-1][0]),
                   say("Let it learn more: {name} = {value:g}.", name=name, value=value),
                   {"first": first, "last": last, "step": losses[-1][0]}, change)


def majority_class(report: dict, config: TrainConfig) -> Finding | None:
    """The majority-class trap: one class predicted for (almost) everything, scoring the largest class's share."""
    matrix, labels = report.get("confusion") or [], report.get("labels") or []
    total = sum(sum(row) for row in matrix)
    if not total or len(labels) < 2:
        return None
    true_share = [sum(row) / total for row in matrix]
    predicted_share = [sum(row[j] for row in matrix) / total for j in range(len(labels))]
    top, top_pred = max(range(len(labels)), key=true_share.__getitem__), \
        max(range(len(labels)), key=predicted_share.__getitem__)
    accuracy = sum(matrix[i][i] for i in range(len(labels))) / total
    if predicted_share[top_pred] < ONE_CLASS and abs(accuracy - true_share[top]) > SAME_AS_SHARE:
        return None
    change = {"learning_rate": _lower(config.learning_rate)} if config.learning_rate >= _advised_lr()[1] \
        else _longer(config)
    (name, value), = change.items()
    return Finding("majority_class",
                   say("The majority-class trap: accuracy {accuracy:.1%} is the share of the largest class ({label}, "
                       "{share:.1%}); the model predicts {predicted} for {predicted_share:.1%} of the rows. It learned "
                       "the class balance, not the texts.", accuracy=accuracy, label=labels[top],
                       share=true_share[top], predicted=labels[top_pred], predicted_share=predicted_share[top_pred]),
                   say("Look at the per-class recall, then try {name} = {value:g}.", name=name, value=value),
                   {"accuracy": accuracy, "largest_class": labels[top], "largest_share": true_share[top],
                    "predicted_class": labels[top_pred], "predicted_share": predicted_share[top_pred]}, change)


def _too_few(train, last_step: int, config: TrainConfig) -> Finding | None:
    if last_step >= MIN_STEPS and len(train) >= MIN_TRAIN_POINTS:
        return None
    if last_step >= MIN_STEPS:
        change = {"logging_steps": max(1, last_step // (2 * MIN_TRAIN_POINTS))}
        text = say("Only {points} train losses were logged over {steps} steps: too few points to read the curve.",
                   points=len(train), steps=last_step)
    else:
        change = _longer(config, at_least=MIN_STEPS, done=last_step)
        text = say("Only {steps} training steps: too few to judge the curves (at least {need} tell more).",
                   steps=last_step, need=MIN_STEPS)
    (name, value), = change.items()
    return Finding("too_few_steps", text, say("Train longer or log more often: {name} = {value:g}.", name=name,
                                              value=value),
                   {"steps": last_step, "train_points": len(train)}, change)


# ------------------------------------------------------------------ helpers

def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _median_start(points) -> float:
    return statistics.median(v for _, v in points[:WINDOW])


def _median_end(points) -> float:
    return statistics.median(v for _, v in points[-WINDOW:])


def _one_digit(value: float) -> float:
    """5e-05 / 10 -> 5e-06; 1.5e-4 -> 2e-4: a learning rate a person would type."""
    return float(f"{value:.0e}")


def _advised_lr() -> tuple[float, float]:
    """The learning rates the form advises (its help, declared on the field in core/training/fields.py)."""
    return settings_of(TrainConfig)["learning_rate"].advised


def _lower(lr: float) -> float:
    """A tenth, landing inside the advised range: 0.05 / 10 is still 50x too high, so far above it the suggestion is
    the range's middle (3e-5). Only a rate already at the range's bottom goes below it."""
    low, high = _advised_lr()
    value = _one_digit(lr / 10)
    inside = _one_digit(math.sqrt(low * high)) if value > high else max(value, low)
    return inside if inside < lr else max(value, 1e-7)


def _raise(lr: float) -> float:
    low, high = _advised_lr()
    return min(max(_one_digit(lr * 3), low), high)


def _round_up(epochs: float) -> float:
    return max(0.5, math.ceil(epochs * 2) / 2)  # to half an epoch: a setting a person would type


def _longer(config: TrainConfig, at_least: int = 0, done: int = 0) -> dict:
    """Three times the training (by max_steps when it sets the length, else by epochs)."""
    if config.max_steps > 0:
        return {"max_steps": max(config.max_steps * 3, at_least)}
    factor = 3 if not at_least or not done else max(3, math.ceil(at_least / done))
    return {"num_train_epochs": min(float(config.num_train_epochs * factor), 1000.0)}
