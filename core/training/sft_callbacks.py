"""Callbacks of an SFT run: at each evaluation (the baseline too) the model answers held-out conversations.

Two things come of those answers. Scores beside the eval loss: the share of answers that end their turn with the
end-of-turn token (eval_stop_rate) and the share that are exactly the known answer (eval_answer_accuracy), so the
before/after table and the curves show whether the model learned to stop and to answer. And "Watch it answer": the
first few answers (or the answers to the run's sample_prompts, asked as questions), recorded like a causal LM's
samples (core.training.lm_callbacks), the base model's at the baseline, so the Train tab shows them side by side.
"""

from __future__ import annotations

import logging
import re
import time

from transformers import TrainerCallback

from core.model.checkpoints import model_max_length
from core.training.chat_answers import answer_turns, prompts_and_answers, score_answers

log = logging.getLogger(__name__)

ANSWERED = 20  # held-out conversations answered at each evaluation: a bounded cost (about 20 x 48 tokens)
WATCHED = 3  # of those, shown in Watch it answer: one of each kind first (data/chat's sentiment, domain, ...)
MAX_KINDS = 6  # kinds of question scored apart (eval_answer_accuracy_<kind>); data/chat has four


class AnswersCallback(TrainerCallback):
    """Adds eval_stop_rate and eval_answer_accuracy (and, for each kind of question, eval_answer_accuracy_<kind>) to
    each evaluation's logs (before the metrics recorder sees them: it comes first) and records the watched answers
    through the recorder (and `write`, the run's samples)."""

    def __init__(self, recorder, conversations, questions=(), write=None, kinds=()):
        self.recorder, self.write, self.limit = recorder, write, None
        self.prompts, self.expected = prompts_and_answers(conversations)
        self.kinds = [_key(kind) for kind in kinds] or [""] * len(self.prompts)
        self.questions = [[{"role": "user", "content": q}] for q in questions]  # the run's sample_prompts

    def on_log(self, args, state, control, logs=None, model=None, processing_class=None, **kwargs):
        if not logs or "eval_loss" not in logs or model is None or processing_class is None:
            return
        if not state.is_world_process_zero:
            return
        start = time.perf_counter()
        if self.limit is None:  # the model's positions bound a prompt and its answer together
            self.limit = model_max_length("", processing_class, model.config)
        results = answer_turns(model, processing_class, self.prompts, limit=self.limit)
        for result, known in zip(results, self.expected):
            result.update(expected=known, correct=result["answer"] == known)
        added = self._scores(results)
        logs.update(added)
        # the Trainer copied these logs into its history before calling us: the final scores are read from there
        if state.log_history and state.log_history[-1].get("step") == state.global_step:
            state.log_history[-1].update(added)
        self._record(state, model, processing_class, results)
        log.info("answered %d held-out conversations at step %d in %.1f s", len(results), state.global_step,
                 time.perf_counter() - start)

    def _scores(self, results: list[dict]) -> dict:
        if not results:
            return {}
        scores = score_answers(results)
        added = {"eval_stop_rate": scores["stop_rate"], "eval_answer_accuracy": scores["accuracy"]}
        for kind in [k for k in dict.fromkeys(self.kinds) if k][:MAX_KINDS]:
            picked = [r for r, k in zip(results, self.kinds) if k == kind]
            added[f"eval_answer_accuracy_{kind}"] = score_answers(picked)["accuracy"]
        return added

    def _record(self, state, model, tok, results: list[dict]) -> None:
        """Watch it answer: the run's questions, else WATCHED held-out conversations, one of each kind first."""
        if self.questions:
            asked = self.questions
            results = answer_turns(model, tok, asked, limit=self.limit)
        else:
            first = {kind: index for index, kind in reversed(list(enumerate(self.kinds)))}  # each kind's first
            chosen = sorted(first.values())[:WATCHED]
            chosen += [i for i in range(len(results)) if i not in chosen][:WATCHED - len(chosen)]
            asked, results = [self.prompts[i] for i in chosen], [results[i] for i in chosen]
        rows = [{"prompt": turns[-1]["content"], **result} for turns, result in zip(asked, results)]
        kind = "baseline" if self.recorder.phase == "baseline" else "eval"
        record = {"step": int(state.global_step), "kind": kind, "time": round(time.time(), 3), "samples": rows}
        if self.write is not None:
            self.write(record)
        self.recorder.add_samples(record)


def _key(kind: str) -> str:
    """A kind of question as part of a metric's name: letters, digits and _ (at most 24)."""
    return re.sub(r"\W+", "_", str(kind).strip().lower())[:24].strip("_")
