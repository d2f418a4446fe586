"""What an SFT run's answers teach, read by the diagnosis: a chat model that does not end its turns.

The run's evaluations carry eval_stop_rate, the share of held-out answers that end with the end-of-turn token
(core.training.sft_callbacks). A run that leaves most answers rambling past their turn has not learned the one token
a chat model needs; the finding names one change to try: train on the answers (assistant_only) when the loss was
spread over every token, else train longer.
"""

from __future__ import annotations

from core.messages import say
from core.results.diagnosis import Finding, _longer

STOP_TARGET = 0.5  # below this share of answers ending their turn, the run has not learned to stop


def stop_rates(records: list[dict]) -> dict:
    """The stop rate of the held-out answers before training and at the last evaluation (None when not measured)."""
    measured = [r for r in sorted(records, key=lambda r: r.get("step", 0))
                if r.get("kind") in ("baseline", "eval") and isinstance(r.get("eval_stop_rate"), (int, float))]
    before = next((r["eval_stop_rate"] for r in measured if r["kind"] == "baseline"), None)
    after = [r for r in measured if r["kind"] == "eval"]
    return {"before": before, "after": after[-1]["eval_stop_rate"] if after else None,
            "step": after[-1]["step"] if after else None}


def sft_findings(rates: dict, config, live: bool) -> list:
    """A finished run whose answers mostly do not end their turn: one Finding, else none."""
    after = rates.get("after")
    if live or after is None or after >= STOP_TARGET:
        return []
    before = rates.get("before")
    text = say("Only {after:.0%} of the held-out answers end their turn with the end-of-turn token at step {step} "
               "(before training: {before}): the model does not know where its answer stops.", after=after,
               step=rates.get("step"), before=f"{before:.0%}" if before is not None else "-")
    if config.sft_loss == "all":
        change = {"sft_loss": "assistant_only"}
        advice = say("With every token trained, the budget goes to the questions too: train on the answers and their "
                     "end-of-turn token, sft_loss = assistant_only.")
    else:
        change = _longer(config)
        (name, value), = change.items()
        advice = say("The end-of-turn token is trained but not learned yet: train longer, {name} = {value:g}.",
                     name=name, value=value)
    return [Finding("never_stops", text, advice, {"stop_rate": after, "stop_rate_before": before}, change)]
