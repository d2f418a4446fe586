"""What a DPO run teaches: each held-out pair before and after, and its curves read in plain words.

Per pair (the held-out pairs the run measured at each evaluation, core.training.dpo_callbacks): the log-probability
margin log p(chosen) - log p(rejected) before training (the reference) and after, and the implicit reward margin
beta * (after - before), which is what DPO maximises. Sorted so the learner meets first the pairs that flipped
(rejected preferred before, chosen after), then those still wrong, those it broke, those right all along.

The diagnosis reads TRL's logged rewards (rewards/chosen, rewards/rejected, rewards/margins, rewards/accuracies) and
says when both rewards fall together, when the margin saturates, and when held-out accuracy lags train accuracy,
each with one change of beta to try.
"""

from __future__ import annotations

import statistics

from core.messages import say
from core.results.diagnosis import Finding

STATUSES = ("flipped", "still_wrong", "broken", "still_right")  # the per-example view's order
REWARD_KEYS = ("rewards/chosen", "rewards/rejected", "rewards/margins", "rewards/accuracies")
WINDOW = 3  # logged points whose median is "the end of the run"
SATURATED_ACCURACY = 0.95  # chosen wins on (almost) every training pair...
SATURATED_MARGIN = 3.0  # ...by a margin where the sigmoid loss is below 0.05: nothing left to push
LAG = 0.15  # held-out accuracy this far below train accuracy
BETA_STEP = 3  # the change a finding suggests: beta three times higher (closer to the reference)
# mid-run, a finding waits for this many logged steps and rewards this far from 0: the first steps' rewards are noise
LIVE_MIN_POINTS, LIVE_MIN_REWARD = 2 * WINDOW, 0.1


def reward_curves(records: list[dict]) -> dict:
    """TRL's reward logs of a run by step: {"train": [(step, {key: value})], "eval": [...]} (baseline excluded)."""
    curves = {"train": [], "eval": []}
    for record in sorted(records, key=lambda r: r.get("step", 0)):
        prefix = "eval_" if record.get("kind") == "eval" else "" if record.get("kind") == "train" else None
        if prefix is None or not isinstance(record.get(prefix + REWARD_KEYS[0]), (int, float)):
            continue
        values = {key: record.get(prefix + key) for key in REWARD_KEYS}
        curves["eval" if prefix else "train"].append((record["step"], values))
    return curves


def _end(points: list, key: str) -> float | None:
    values = [v[key] for _, v in points[-WINDOW:] if isinstance(v.get(key), (int, float))]
    return statistics.median(values) if values else None


def _beta_change(config) -> dict:
    return {"beta": min(round(config.beta * BETA_STEP, 4), 10.0)}


def dpo_findings(curves: dict, config, live: bool = False) -> list:
    """The findings of a DPO run (none for a healthy one); live: mid-run, once the rewards are past their noise."""
    train, evals = curves.get("train") or [], curves.get("eval") or []
    if not train or (live and (len(train) < LIVE_MIN_POINTS or max(
            abs(_end(train, "rewards/chosen") or 0), abs(_end(train, "rewards/rejected") or 0)) < LIVE_MIN_REWARD)):
        return []
    step, change = train[-1][0], _beta_change(config)
    advice = say("A higher beta holds the model closer to its reference: try beta = {value:g}.", value=change["beta"])
    chosen, rejected = _end(train, "rewards/chosen"), _end(train, "rewards/rejected")
    margin, accuracy = _end(train, "rewards/margins"), _end(train, "rewards/accuracies")
    found = []
    if chosen is not None and rejected is not None and chosen < 0 and rejected < 0 \
            and -chosen >= 0.25 * max(chosen - rejected, 1e-9):
        found.append(Finding("rewards_fall", say(
            "Both rewards fell together (chosen {chosen:.3f}, rejected {rejected:.3f} at step {step}): the model "
            "makes both answers less likely and wins the margin by pushing the rejected one down faster, so the good "
            "answers drift too.", chosen=chosen, rejected=rejected, step=step), advice,
            {"chosen": chosen, "rejected": rejected, "step": step}, change))
    if accuracy is not None and margin is not None and accuracy >= SATURATED_ACCURACY and margin >= SATURATED_MARGIN:
        found.append(Finding("margin_saturates", say(
            "The margin saturated: chosen wins on {accuracy:.0%} of the training pairs by {margin:.2f} at step "
            "{step}, where the loss has almost nothing left to push; more steps only move the model further from "
            "its reference.", accuracy=accuracy, margin=margin, step=step), advice,
            {"accuracy": accuracy, "margin": margin, "step": step}, change))
    held_out = _end(evals, "rewards/accuracies")
    if held_out is not None and accuracy is not None and accuracy - held_out >= LAG:
        found.append(Finding("heldout_lags", say(
            "Held-out pairs lag: chosen wins on {train:.0%} of the training pairs but {held:.0%} of the held-out "
            "ones - the model learns these pairs' wording more than the preference.", train=accuracy,
            held=held_out), advice, {"train_accuracy": accuracy, "eval_accuracy": held_out}, change))
    return found


def _status(before: float, after: float) -> str:
    if after > 0:
        return "flipped" if before <= 0 else "still_right"
    return "broken" if before > 0 else "still_wrong"


def pair_report(samples: list[dict], beta: float, texts: list[dict] | None = None) -> dict:
    """The held-out pairs before (the first measurement: the reference) and after (the last), sorted by status then
    by how far the implicit reward margin moved; counts per status; the model's answers before and after.
    texts: the pairs themselves ({prompt, chosen, rejected}, core.training.dpo.pair_texts)."""
    measured = [r for r in samples if isinstance(r.get("pairs"), list)]
    if len(measured) < 2:
        return {"rows": [], "counts": {s: 0 for s in STATUSES}, "answers": [], "before_step": None,
                "after_step": None}
    first, last = measured[0], measured[-1]
    rows = []
    for index, ((c0, r0), (c1, r1)) in enumerate(zip(first["pairs"], last["pairs"])):
        before, after = c0 - r0, c1 - r1
        row = {"index": index, "before": round(before, 4), "after": round(after, 4),
               "reward_margin": round(beta * (after - before), 4), "status": _status(before, after)}
        if texts is not None and index < len(texts):
            row.update({side: str(texts[index].get(side, "")) for side in ("prompt", "chosen", "rejected")})
        rows.append(row)
    rows.sort(key=lambda r: (STATUSES.index(r["status"]), -r["reward_margin"]))
    answers = [{"prompt": b.get("prompt"), "before": b.get("answer"), "after": a.get("answer")}
               for b, a in zip(first.get("samples") or [], last.get("samples") or [])]
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    return {"rows": rows, "counts": counts, "answers": answers, "before_step": first["step"],
            "after_step": last["step"],
            "prefers_chosen": {"before": _share(first["pairs"]), "after": _share(last["pairs"])}}


def _share(pairs: list) -> float | None:
    return sum(c > r for c, r in pairs) / len(pairs) if pairs else None


FILTERS = {"all": STATUSES, "fixed": ("flipped",), "broken": ("broken",), "still_wrong": ("still_wrong",),
           "confident_mistakes": ("still_wrong", "broken")}  # the per-example view's filters, as a classifier's


def run_pairs(store, run_id: str, which: str = "all", limit: int = 200, with_texts: bool = True) -> dict:
    """A finished DPO run's held-out pairs for one filter of the per-example view (confident_mistakes: the pairs
    the model gets most wrong after training first); with_texts False keeps only the counts and margins."""
    samples = store.read_samples(run_id)
    beta = float(store.read_config(run_id).get("beta") or 0.1)
    texts = next((r["texts"] for r in samples if isinstance(r.get("texts"), list)), None)
    report = pair_report(samples, beta, texts if with_texts else None)
    rows = [r for r in report["rows"] if r["status"] in FILTERS.get(which, STATUSES)]
    if which == "confident_mistakes":
        rows.sort(key=lambda r: r["after"])
    return {**report, "rows": rows[:limit], "matched": len(rows),
            "answers": report["answers"] if with_texts else []}
