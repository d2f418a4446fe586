"""Step through one batch: what the Trainer does in one training step, stage by stage.

The model, the tokenizer and the data are prepared as a run prepares them (core.training.prepare,
core.model.checkpoints); one batch is drawn the way the Trainer draws it (shuffled, grouped by length when
group_by_length is on) and collated by the run's own collator; the optimizer and schedule are the Trainer's (AdamW,
linear, clipping at 1.0). Then each stage (core.training.step_stages) runs once, in order, and returns plain data
plus the lines of PyTorch that did it. Always on the CPU: it never competes with a training job for the GPU.

A prepared walk-through is kept in a small cache per caller and config, so each button runs only its own stage.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import threading
from dataclasses import dataclass, field

from cachetools import TTLCache

from core import sources
from core.messages import UserError, say
from core.model.checkpoints import check_max_length, load_classifier, load_model_tokenizer, model_location
from core.model.trainable import apply_train_mode
from core.settings import get_settings
from core.task_registry import task_of
from core.training.config import TrainConfig
from core.training.prepare import prepare_data

log = logging.getLogger(__name__)

MAX_ROWS = 2000  # the batch is drawn from at most this many training rows: tokenizing more would only cost time
PUBLIC_LIMITS = {"batch_size": 32, "max_length": 256}  # a visitor's walk-through stays within a second or two
PUBLIC_MAX_PARAMETERS = 150_000_000  # bert-base (110 M) and roberta-base (125 M) fit; bert-large does not
STAGES = ("batch", "forward", "loss", "backward", "step", "after")  # in order; step_stages.RUNNERS runs each
_cache: TTLCache = TTLCache(maxsize=3, ttl=900)  # a MiniLM walk-through holds about 400 MB (weights, grads, AdamW)
_cache_lock = threading.Lock()


@dataclass
class Walk:
    """One walk-through: the prepared pieces, and each stage's result once it has run."""

    config: TrainConfig
    tokenizer: object
    model: object
    batch: dict
    label_names: list[str]
    optimizer: object
    scheduler: object
    rows: int
    notes: list[str] = field(default_factory=list)
    results: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)  # tensors passed from one stage to the next (outputs, weights)
    lock: threading.Lock = field(default_factory=threading.Lock)


def bounded(config: TrainConfig, public: bool) -> tuple[TrainConfig, list[str]]:
    """The config the walk-through uses, and a note for each value it lowered: fewer rows always, and on a public
    server a bounded batch and length."""
    changes = {"max_eval_samples": 1}  # the evaluation set is not used
    notes = []
    if not 0 < config.max_train_samples <= MAX_ROWS:
        changes["max_train_samples"] = MAX_ROWS
        notes.append(say("The batch is drawn from {rows} of the training rows", rows=MAX_ROWS))
    for name, limit in (PUBLIC_LIMITS.items() if public else ()):
        if getattr(config, name) > limit:
            changes[name] = limit
            notes.append(say("{name} {value} lowered to {limit} on this public server", name=name,
                             value=getattr(config, name), limit=limit))
    return dataclasses.replace(config, **changes), notes


def _check_size(config: TrainConfig) -> None:
    """On a public server, refuse a model too big to step through in a few seconds (counted without its weights)."""
    if not get_settings().public or config.model in ("", sources.EMBEDDED_MODEL):
        return
    import torch  # slow imports, only for a Hub model on a public server
    from transformers import AutoConfig, AutoModelForSequenceClassification

    with torch.device("meta"):  # per thread (accelerate's init_empty_weights patches every thread's modules)
        empty = AutoModelForSequenceClassification.from_config(AutoConfig.from_pretrained(model_location(config.model)))
    count = sum(p.numel() for p in empty.parameters())
    if count > PUBLIC_MAX_PARAMETERS:
        raise UserError("Step through: {model} has {count} M parameters, more than this server steps through "
                        "({limit} M) - choose a smaller model, e.g. distilbert-base-uncased", model=config.model,
                        count=round(count / 1e6), limit=PUBLIC_MAX_PARAMETERS // 1_000_000)


def _draw_batch(config: TrainConfig, data) -> dict:
    """The first batch of a shuffled pass (length-grouped when group_by_length is on), collated by the run's
    collator, as a dict of CPU tensors."""
    import torch  # slow import, deferred to first use
    from torch.utils.data import RandomSampler
    from transformers.trainer_pt_utils import LengthGroupedSampler

    generator = torch.Generator().manual_seed(config.seed)
    size = min(config.batch_size, len(data.train))
    if config.group_by_length:
        lengths = [len(ids) for ids in data.train["input_ids"]]
        sampler = LengthGroupedSampler(size * config.gradient_accumulation_steps, lengths=lengths, generator=generator)
    else:
        sampler = RandomSampler(data.train, generator=generator)
    indices = list(sampler)[:size]
    return dict(data.collator([data.train[i] for i in indices]))


def _optimizer(config: TrainConfig, model, total_steps: int):
    """AdamW and the linear schedule as the Trainer makes them (no weight decay on biases and norms)."""
    import torch  # slow import, deferred to first use
    from transformers import get_scheduler

    named = list(model.named_parameters())
    plain = [p for n, p in named if n.endswith("bias") or "norm" in n.lower()]
    decayed = [p for n, p in named if not (n.endswith("bias") or "norm" in n.lower())]
    optimizer = torch.optim.AdamW([{"params": decayed, "weight_decay": config.weight_decay},
                                   {"params": plain, "weight_decay": 0.0}], lr=config.learning_rate)
    scheduler = get_scheduler("linear", optimizer=optimizer, num_training_steps=total_steps,
                              num_warmup_steps=math.ceil(config.warmup_ratio * total_steps))
    return optimizer, scheduler


def prepare(config: TrainConfig) -> Walk:
    """Tokenizer, data, one batch, model and optimizer for config, on the CPU."""
    from transformers import AutoConfig, set_seed  # slow import, deferred to first use

    if not get_settings().training_enabled:
        raise UserError("Training is turned off on this server (TRAINING_ENABLED=0): "
                        "run the app on your own machine to train")
    config, notes = bounded(config, get_settings().public)
    _check_size(config)
    set_seed(config.seed)
    tokenizer = load_model_tokenizer(config.model, config.trust_remote_code)
    model_config = AutoConfig.from_pretrained(model_location(config.model), trust_remote_code=config.trust_remote_code)
    check_max_length(config.model, config.max_length, model_config, tokenizer)
    data = prepare_data(config, tokenizer)
    batch = _draw_batch(config, data)
    model = apply_train_mode(load_classifier(config.model, data.label_names, tokenizer, config.trust_remote_code),
                             config).to("cpu")  # what the run trains: frozen weights show no gradient and do not move
    optimizer, scheduler = _optimizer(config, model, config.planned_steps(len(data.train)) or 1)
    return Walk(config, tokenizer, model, batch, data.label_names, optimizer, scheduler, len(data.train), notes)


def check_walkable(config) -> None:
    """Step through walks a classifier's batch (labels, a classification head); another task is told so."""
    if not task_of(config).has_classes:
        raise UserError("task: Step through walks a classification run's batch so far - start the {task} run to "
                        "see its loss and samples", task=task_of(config).name)


def walk_for(config: TrainConfig, key: str = "") -> Walk:
    """The cached walk-through of this caller (key: their session or visitor) for this config, prepared on first use."""
    check_walkable(config)
    cache_key = (key, json.dumps(config.to_dict(), sort_keys=True))
    with _cache_lock:
        walk = _cache.get(cache_key)
    if walk is None:
        walk = prepare(config)
        with _cache_lock:
            _cache[cache_key] = walk
    return walk


def forget(key: str = "") -> None:
    """Drop a caller's walk-throughs (start again from the untouched model)."""
    with _cache_lock:
        for cache_key in [k for k in _cache if k[0] == key]:
            _cache.pop(cache_key, None)


def run_stage(walk: Walk, stage: str) -> dict:
    """One stage's result, running the stages before it first (each runs once per walk-through)."""
    from core.training import step_stages  # torch-heavy stage code, loaded with the first stage

    if stage not in STAGES:
        raise UserError("{name}: {value!r} is not one of {choices} - choose one of those", name="stage",
                        value=str(stage)[:40], choices=", ".join(STAGES))
    with walk.lock:
        for name in STAGES[:STAGES.index(stage) + 1]:
            if name not in walk.results:
                walk.results[name] = {"stage": name, **step_stages.RUNNERS[name](walk)}
        return walk.results[stage]


def step_through(config: TrainConfig, key: str = "") -> dict:
    """Every stage at once (the API): {"notes": [...], "stages": {stage: result}}; a new walk-through each call."""
    forget(key)
    walk = walk_for(config, key)
    return {"notes": walk.notes, "rows": walk.rows,
            "stages": {name: run_stage(walk, name) for name in STAGES}}
