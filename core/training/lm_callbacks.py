"""Callbacks of a causal LM run: perplexity beside every eval loss, and the model writing at each evaluation."""

from __future__ import annotations

import logging
import math
import time

from transformers import TrainerCallback

log = logging.getLogger(__name__)

DEFAULT_PROMPTS = ("The hotel", "The food was", "This app")
SAMPLE_TOKENS = 30  # new tokens per sample: a sentence or two, quick on a CPU
PERPLEXITY_CAP = 50.0  # exp(50) is already meaningless; past it the number would overflow a float


def perplexity(loss) -> float | None:
    """exp(mean cross-entropy): the number of equally likely next tokens the model hesitates between."""
    if not isinstance(loss, (int, float)) or not math.isfinite(loss):
        return None
    return math.exp(min(float(loss), PERPLEXITY_CAP))


def with_perplexity(metrics: dict) -> dict:
    """metrics plus eval_perplexity (from eval_loss) when it has a loss."""
    value = perplexity(metrics.get("eval_loss"))
    return {**metrics, "eval_perplexity": value} if value is not None else dict(metrics)


class PerplexityCallback(TrainerCallback):
    """Adds eval_perplexity to each evaluation's logs before the metrics recorder sees them (it comes first)."""

    def on_log(self, args, state, control, logs=None, **kwargs):
        value = perplexity((logs or {}).get("eval_loss"))
        if value is not None:
            logs["eval_perplexity"] = value


def write_samples(model, tokenizer, prompts, max_new_tokens: int = SAMPLE_TOKENS, seed: int = 0) -> list[dict]:
    """Each prompt continued twice: greedy (the most likely token each time) and sampled (temperature 1, top-k 50)."""
    import torch  # slow import, deferred to first use

    was_training = model.training
    model.eval()
    rows = []
    try:
        for prompt in prompts:
            ids = tokenizer(prompt, return_tensors="pt").to(model.device)
            row = {"prompt": prompt}
            for name, options in (("greedy", {"do_sample": False}), ("sampled", {"do_sample": True, "top_k": 50})):
                torch.manual_seed(seed)  # the same draw at every evaluation: only the model changes
                with torch.no_grad():
                    out = model.generate(**ids, max_new_tokens=max_new_tokens, pad_token_id=tokenizer.pad_token_id,
                                         **options)
                row[name] = tokenizer.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True)
            rows.append(row)
    finally:
        model.train(was_training)
    return rows


class SamplesCallback(TrainerCallback):
    """Watch it write: at each evaluation (the baseline too) the model continues a few fixed prompts.

    The main process appends them to the run's samples (write) and hands them to the recorder for the live view.
    """

    def __init__(self, recorder, prompts, write=None):
        self.recorder, self.prompts, self.write = recorder, list(prompts or DEFAULT_PROMPTS), write

    def on_evaluate(self, args, state, control, model=None, processing_class=None, **kwargs):
        if not state.is_world_process_zero or model is None or processing_class is None:
            return
        start = time.perf_counter()
        rows = write_samples(model, processing_class, self.prompts, seed=args.seed)
        kind = "baseline" if self.recorder.phase == "baseline" else "eval"
        record = {"step": int(state.global_step), "kind": kind, "time": round(time.time(), 3), "samples": rows}
        if self.write is not None:
            self.write(record)
        self.recorder.add_samples(record)
        log.info("wrote %d samples at step %d in %.1f s", len(rows), state.global_step, time.perf_counter() - start)
