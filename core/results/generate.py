"""Try it for a causal LM: continue a prompt with a run's saved model, beside the model it started from.

The decoding settings are the ones the course teaches: temperature (how flat the next-token distribution is),
top-k (sample among the k likeliest), top-p (among the fewest tokens covering p of the probability) and the number
of new tokens. Loaded models are cached (an LRU sized by their weights), as the classification pipelines are.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from cachetools import LRUCache

from core.messages import N_, UserError
from core.model import estimate
from core.model.causal_lm import load_causal_lm
from core.model.checkpoints import model_location
from core.model.saved import load_run_lm
from core.results.saved import no_model_error
from core.runs.store import RunStore, has_saved_model, model_stamp
from core.settings import get_settings
from core.task_registry import task_of
from core.training.config import TrainConfig

log = logging.getLogger(__name__)

MAX_NEW_TOKENS = 200       # a paragraph; more would hold a CPU for long
MAX_GENERATE_PROMPT_CHARS = 1000
_models: LRUCache = LRUCache(maxsize=estimate.CACHED_MODELS_BYTES, getsizeof=estimate.cache_weight)
_lock = threading.Lock()


@dataclass
class Decoding:
    """How to pick each next token; checked so a raw API client cannot ask for hours of generation."""

    max_new_tokens: int = 40
    temperature: float = 0.8
    top_k: int = 50
    top_p: float = 0.95
    greedy: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        for name, low, high in (("max_new_tokens", 1, MAX_NEW_TOKENS), ("top_k", 0, 1000), ("seed", 0, 2**31 - 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) \
                    or not low <= value <= high:
                raise UserError("{name}: {value!r} must be between {low} and {high} - e.g. {example}", name=name,
                                value=value, low=low, high=high, example=Decoding.__dataclass_fields__[name].default)
            setattr(self, name, int(value))
        for name, low, high in (("temperature", 0.05, 5.0), ("top_p", 0.01, 1.0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                raise UserError("{name}: {value!r} must be between {low} and {high} - e.g. {example}", name=name,
                                value=value, low=low, high=high, example=Decoding.__dataclass_fields__[name].default)
        if self.greedy not in (True, False):  # 0 and 1 too; a list or a word is no answer to "greedy?"
            raise UserError("greedy: {value!r} must be true or false - e.g. false", value=str(self.greedy)[:40])
        self.greedy = bool(self.greedy)

    def options(self) -> dict:
        if self.greedy:
            return {"do_sample": False, "max_new_tokens": self.max_new_tokens}
        return {"do_sample": True, "max_new_tokens": self.max_new_tokens, "temperature": float(self.temperature),
                "top_k": self.top_k, "top_p": float(self.top_p)}


def _cached(key: tuple, build):
    with _lock:
        found = _models.get(key)
    if found is None:
        found = build()  # outside the lock: loading takes seconds
        with _lock:
            _models[key] = found
    return found


def run_model(model_dir: Path):
    """(model, tokenizer) of a causal LM run's saved model, reloaded when the run is retrained."""
    if not has_saved_model(model_dir):
        raise UserError("Run {run} has no saved model: train it with 'save model' on, or pick another run",
                        run=model_dir.parent.name)
    return _cached(("run", str(model_dir), model_stamp(model_dir)), lambda: load_run_lm(model_dir))


def base_model(config: TrainConfig):
    """(model, tokenizer) the run started from: the tiny GPT's random start, a Hub model, or an earlier run's model."""
    from transformers import AutoTokenizer  # slow import, deferred to first use

    from core.tokenizer.loading import ensure_pad_token  # the pad-token fix, as training applied it

    def build():
        tok = AutoTokenizer.from_pretrained(model_location(config.model), trust_remote_code=config.trust_remote_code)
        ensure_pad_token(tok, add=True)
        return load_causal_lm(config.model, tok, config.trust_remote_code).eval(), tok

    return _cached(("base", config.model), build)


def continue_text(model, tokenizer, prompt: str, decoding: Decoding) -> str:
    """The prompt's continuation (new tokens only), seeded so the same click gives the same text."""
    import torch  # slow import, deferred to first use

    ids = tokenizer(prompt, return_tensors="pt", truncation=True,
                    max_length=max(model_positions(model) - decoding.max_new_tokens, 1)).to(model.device)
    torch.manual_seed(decoding.seed)
    with torch.no_grad():
        out = model.generate(**ids, pad_token_id=tokenizer.pad_token_id, max_time=time_limit(),
                             **decoding.options())
    return tokenizer.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True)


def model_positions(model) -> int:
    """How many tokens the model reads (its position embeddings); 2048 when its config does not say."""
    config = model.config
    return next((v for k in ("n_positions", "max_position_embeddings") if isinstance(v := getattr(config, k, None), int)),
                2048)


def time_limit() -> float:
    """Seconds one answer may decode: the run and its base share one request's time (REQUEST_TIMEOUT_S)."""
    return get_settings().request_timeout_s / 2


def generate(store: RunStore, run_id: str, prompt: str, decoding: Decoding | None = None,
             with_base: bool = True) -> dict:
    """{"prompt", "fine_tuned", "base"} for a causal LM run (base: "" unless with_base)."""
    decoding = decoding or Decoding()
    if not isinstance(prompt, str) or not prompt.strip():
        raise UserError("Type a prompt for the model to continue, e.g. The hotel")
    if len(prompt) > MAX_GENERATE_PROMPT_CHARS:
        raise UserError("The prompt has {count} characters - keep it under {limit}", count=len(prompt),
                        limit=MAX_GENERATE_PROMPT_CHARS)
    config = TrainConfig.from_stored(store.read_config(run_id))
    if not task_of(config).writes_text:
        raise UserError("Run {run} is a classifier, which does not write text - pick a causal_lm run", run=run_id)
    if not store.has_model(run_id):  # why, truly: save model off, stopped before its end, still training
        raise no_model_error(store, run_id)
    # the run's model and (with_base) the one it started from: refused before loading when they would not fit
    estimate.check_inference_fits(config.model, 2 if with_base else 1, N_("Making this run write"))
    model, tok = run_model(store.model_dir(run_id))
    result = {"prompt": prompt, "fine_tuned": continue_text(model, tok, prompt, decoding), "base": ""}
    if with_base:
        base, base_tok = base_model(config)
        result["base"] = continue_text(base, base_tok, prompt, decoding)
    return result
