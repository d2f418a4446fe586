"""The callback of a DPO run: at each evaluation (the baseline too) the held-out pairs are measured under the model
(core.training.dpo.measure_pairs): the share where it prefers the chosen answer joins the evaluation's logs, and
each pair's log-probabilities and the model's answers go to the run's samples, for the live and per-example views
(samples are data-derived: core.runs.visibility withholds them from other visitors of a run on private data)."""

from __future__ import annotations

import logging
import time

from transformers import TrainerCallback

from core.training.dpo import measure_pairs, pair_texts

log = logging.getLogger(__name__)

PREFERS_KEY = "eval_prefers_chosen"  # share of held-out pairs where log p(chosen) > log p(rejected)


class PairsCallback(TrainerCallback):
    """Measures the tracked held-out pairs whenever an evaluation is logged (before the recorder sees the logs)."""

    def __init__(self, recorder, pairs: list[dict], max_length: int, write=None):
        self.recorder, self.pairs, self.max_length, self.write = recorder, pairs, max_length, write
        self.texts_sent = False  # the pairs' texts go with the first measurement only (the per-example view's rows)

    def on_log(self, args, state, control, logs=None, model=None, processing_class=None, **kwargs):
        if not logs or "eval_loss" not in logs or model is None or processing_class is None or not self.pairs:
            return
        if not state.is_world_process_zero:
            return
        start = time.perf_counter()
        measured = measure_pairs(model, processing_class, self.pairs, self.max_length)
        logs[PREFERS_KEY] = measured["prefers_chosen"]
        if state.log_history and state.log_history[-1].get("eval_loss") == logs["eval_loss"]:
            state.log_history[-1][PREFERS_KEY] = logs[PREFERS_KEY]  # the Trainer's copy: the run's final reads it
        kind = "baseline" if self.recorder.phase == "baseline" else "eval"
        record = {"step": int(state.global_step), "kind": kind, "time": round(time.time(), 3),
                  "samples": measured["samples"], "pairs": measured["pairs"]}
        if not self.texts_sent:
            record["texts"], self.texts_sent = [pair_texts(p) for p in self.pairs], True
        if self.write is not None:
            self.write(record)
        self.recorder.add_samples(record)
        log.info("measured %d pairs at step %d in %.1f s", len(self.pairs), state.global_step,
                 time.perf_counter() - start)
