"""Before Start: how many parameters a run trains, the memory they need (weights, gradients, AdamW state,
activations) with the arithmetic written out, and a time estimate from one measured training step.

The counts come from the real model class with the real train mode applied (core.model.trainable), built on
the meta device, so they are exact and cost no memory. The activation figure is a rule of thumb (Korthikanti et
al. 2022, "Reducing Activation Recomputation in Large Transformer Models": 34·b·s·h + 5·a·b·s² bytes per block
at 16 bits); only the blocks gradients flow through keep theirs, which is why a frozen body saves memory.
"""

from __future__ import annotations

import copy
import logging
import threading
import time

from core.messages import N_, UserError, say
from core.model.checkpoints import RUN_PREFIX, fit_pad_token, model_location
from core.model.describe import config_value, load_config, skeleton
from core.model.heads import check_size, require_head
from core.model.trainable import apply_train_mode, body_blocks, count_parameters, default_lora_targets
from core.settings import get_settings
from core.sources import TINY_GPT
from core.task_registry import task_of

log = logging.getLogger(__name__)

FP32_BYTES = 4      # the Trainer keeps master weights, gradients and AdamW state in fp32, even under fp16/bf16
ADAMW_STATES = 2    # exp_avg and exp_avg_sq: two fp32 numbers per trained weight
ESTIMATE_LABELS = 2  # classes assumed when the config reads them from the data (the head is tiny either way)
FREE_SHARE = 0.8    # one request's model work takes at most this share of the memory free when it starts (the rest: headroom)
INFERENCE_ACTIVATIONS = 64 * 2**20  # one text of a few hundred tokens through a model: tens of MB at most
CACHED_MODELS_BYTES = 2 * 2**30     # weights each Try-it cache (classify, generate) keeps loaded between clicks
_measure_lock = threading.Lock()


def model_kind(config) -> str:
    """The head a run of this config trains: a classifier for a task with classes, else a causal LM's (the tasks
    that write text: causal LM, SFT, DPO)."""
    return "classifier" if task_of(config).has_classes else "lm"


def run_length(config) -> int:
    """Tokens per example of this run: its task's length setting (max_length, or a causal LM's block_size)."""
    return int(getattr(config, task_of(config).length_setting))


def run_model_config(name: str):
    """The config of a model a run may train: load_config, and also the tiny GPT (built on first use) and a run's
    saved model ("run:<id>"), which a run finds through model_location."""
    if name == TINY_GPT or name.startswith(RUN_PREFIX):
        from transformers import AutoConfig  # slow import, deferred to first use

        return AutoConfig.from_pretrained(model_location(name), trust_remote_code=False)
    return load_config(name)


def trained_skeleton(config):
    """(meta model as the config trains it, the model's config); refuses what the mode cannot do to this model."""
    model_config = run_model_config(config.model)
    net = copy.deepcopy(skeleton(model_config, model_kind(config), config.num_labels or ESTIMATE_LABELS))
    return apply_train_mode(net, config), model_config


def lora_target_names(model: str) -> list[str]:
    """The layers LoRA adapts in this model by default (bert: query, value; distilbert: q_lin, v_lin)."""
    return default_lora_targets(skeleton(load_config(model), "classifier", ESTIMATE_LABELS))


def check_train_mode(config) -> dict:
    """Refuse a train mode this model cannot take (too many layers, unknown LoRA layers, no classifier head)."""
    require_head(load_config(config.model), "sequence_classification", config.model)
    return count_parameters(trained_skeleton(config)[0])


def blocks_with_gradients(net, config) -> int:
    """Blocks whose activations are kept for the backward pass: none below the lowest trained weight."""
    base = net.get_base_model() if hasattr(net, "get_base_model") else net
    try:
        blocks = body_blocks(base, config.model)
    except UserError:  # an encoder-decoder: count every layer, an upper bound
        return config_value(base.config, "layers") or 0
    for index, block in enumerate(blocks):
        if any(p.requires_grad for p in block.parameters()):
            return len(blocks) - index
    return 0


def percent(share: float) -> str:
    """0.000034 -> '0.0034%' (two significant digits when small), 0.1628 -> '16.28%'."""
    return f"{share:.2%}" if share >= 0.01 or share == 0 else f"{share * 100:.2g}%"


def size_text(n_bytes: float) -> str:
    """Bytes in binary units: 86.6 MiB."""
    for size, unit in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if n_bytes >= size:
            return f"{n_bytes / size:.1f} {unit}"
    return f"{int(n_bytes)} B"


def memory(counts: dict, model_config, blocks: int, batch_size: int, max_length: int, precision: str,
           vocab_logits: bool = False) -> dict:
    """Bytes for weights, gradients, AdamW state and activations, and the arithmetic behind each. vocab_logits: the
    model scores every token of its vocabulary at every position (a causal LM), a large part of its activations."""
    total, trainable = counts["total"], counts["trainable"]
    hidden, heads = config_value(model_config, "hidden_size") or 0, config_value(model_config, "heads") or 0
    factor = 2 if precision == "fp32" else 1  # the rule of thumb counts 16-bit activations
    per_block = 34 * batch_size * max_length * hidden + 5 * heads * batch_size * max_length ** 2
    parts = {"weights": total * FP32_BYTES, "gradients": trainable * FP32_BYTES,
             "optimizer": trainable * FP32_BYTES * ADAMW_STATES, "activations": blocks * per_block * factor}
    logits = _logits_line(parts, model_config, batch_size, max_length) if vocab_logits else []
    parts["total"] = sum(parts.values())
    lines = [
        say("weights: {total} parameters × 4 bytes (fp32) = {size}", total=f"{total:,}", size=size_text(parts["weights"])),
        say("gradients: {trainable} trained parameters × 4 bytes = {size}", trainable=f"{trainable:,}",
            size=size_text(parts["gradients"])),
        say("AdamW state: {trainable} × 2 running averages × 4 bytes = {size}", trainable=f"{trainable:,}",
            size=size_text(parts["optimizer"])),
        say("activations (rule of thumb): {blocks} blocks with gradients × (34 × batch {batch} × length {length} × "
            "hidden {hidden} + 5 × {heads} heads × batch × length²) bytes × {factor} ({precision}) = {size}",
            blocks=blocks, batch=batch_size, length=max_length, hidden=hidden, heads=heads, factor=factor,
            precision=precision, size=size_text(parts["activations"])),
        *logits,
        say("total: about {size}, before the framework's own overhead", size=size_text(parts["total"])),
    ]
    return {"bytes": parts, "arithmetic": lines}


def _logits_line(parts: dict, model_config, batch_size: int, length: int) -> list[str]:
    """A causal LM's logits (every vocabulary token scored at every position) and their gradient, in fp32: the rule
    of thumb above leaves them out, and with a large vocabulary they outweigh a small model's blocks."""
    vocab = int(getattr(model_config, "vocab_size", 0) or 0)
    parts["logits"] = batch_size * length * vocab * FP32_BYTES * 2
    return [say("logits: batch {batch} × length {length} × vocabulary {vocab} × 4 bytes × 2 (and their gradient) = "
                "{size}", batch=batch_size, length=length, vocab=f"{vocab:,}", size=size_text(parts["logits"]))]


def check_classification(config) -> None:
    """The estimate and the timed step cover the tasks that say so (Task.estimates); another is told so."""
    if not task_of(config).estimates:
        raise UserError("task: the Before Start estimate and the timed step do not cover {task} runs yet - start the "
                        "run to see its speed and loss", task=task_of(config).name)


def estimate(config, precision: str = "fp32") -> dict:
    """Trainable parameters, their share, and the memory a run of config needs (precision: fp32, fp16 or bf16)."""
    check_classification(config)
    net, model_config = trained_skeleton(config)
    counts = count_parameters(net)
    blocks = blocks_with_gradients(net, config)
    share = say("{trainable} of {total} parameters train ({share}); {frozen} are frozen",
                trainable=f"{counts['trainable']:,}", total=f"{counts['total']:,}", share=percent(counts["share"]),
                frozen=f"{counts['total'] - counts['trainable']:,}")
    return {"model": config.model, "train_mode": config.train_mode, "precision": precision,
            "total_params": counts["total"], "trainable_params": counts["trainable"], "share": counts["share"],
            "blocks_with_gradients": blocks, "summary": share,
            **memory(counts, model_config, blocks, config.batch_size, run_length(config), precision,
                     vocab_logits=model_kind(config) == "lm")}


def request_budget() -> tuple[int, str]:
    """(bytes, why) one request's model work may take now: most of what the machine has free (FREE_SHARE; the
    server keeps some headroom), and no more than MAX_REQUEST_MB where it is set (a public server's default: 4096)."""
    import psutil  # cheap, but only the checks need it

    free = int(psutil.virtual_memory().available * FREE_SHARE)
    cap = get_settings().max_request_mb * 2**20
    if 0 < cap <= free:
        return cap, "MAX_REQUEST_MB"
    return free, N_("80% of the memory free now")


def check_fits(need: int, what: str, fix: str) -> None:
    """Refuse work whose memory estimate (need, bytes) is over what one request may take now, naming the fix."""
    budget, why = request_budget()
    if need > budget:
        raise UserError("{what} needs about {need} of memory, more than this server gives one request now ({budget}, "
                        "{why}): {fix}", what=what, need=size_text(need), budget=size_text(budget), why=why, fix=fix)


def step_fix(estimated: dict, batch_size: int, max_length: int) -> str:
    """What to lower so one training step fits: the largest batch_size that does at this length (activations grow
    with the batch, the rest does not), or a smaller model or train mode when even one row is too many."""
    parts, budget = estimated["bytes"], request_budget()[0]
    growing = parts["activations"] + parts.get("logits", 0)  # what a longer batch makes larger
    fixed = parts["total"] - growing
    per_row = growing / max(batch_size, 1)
    fits = int((budget - fixed) // per_row) if per_row and budget > fixed else 0
    if fits >= 1:
        return say("lower batch_size to {fits} or less (or shorten max_length from {length})", fits=min(fits, batch_size),
                   length=max_length)
    return say("even one row of {length} tokens does not fit: pick a smaller model, or train_mode head or lora",
               length=max_length)


def check_step_fits(config, precision: str, what: str) -> dict:
    """The estimate of one training step of config, refused (with the batch size that would fit) when over budget."""
    estimated = estimate(config, precision)
    check_fits(estimated["bytes"]["total"], what, step_fix(estimated, config.batch_size, run_length(config)))
    return estimated


def inference_bytes(params: int, models: int = 1) -> int:
    """Memory to load `models` models of `params` fp32 weights and run a text through them: each in memory, one more
    copy while the next loads (the state dict beside the model), and a little for the activations of one text."""
    return params * FP32_BYTES * (models + 1) + INFERENCE_ACTIVATIONS


def check_inference_fits(name: str, models: int, what: str) -> int:
    """Refuse loading `models` models the size of `name` (a Hub id, the embedded model, the tiny GPT, a run's model)
    when they would not fit, or are over MAX_INSPECT_PARAMS; returns its parameter count. No weights are loaded."""
    from transformers import AutoConfig  # slow import, deferred to first use


    params = check_size(AutoConfig.from_pretrained(model_location(name), trust_remote_code=False), name)
    check_fits(inference_bytes(params, models), what, N_("pick a smaller model, or run the app on your own machine"))
    return params


def cache_weight(item) -> int:
    """A loaded model's weight in a Try-it cache of CACHED_MODELS_BYTES (item: a pipeline, or (model, tokenizer)):
    its weights' bytes, at least a quarter of the cache (no more than 4 models stay loaded, as before) and at most
    all of it (a large model stays alone). A stranger trying many runs keeps the server's memory bounded so."""
    model = item[0] if isinstance(item, tuple) else getattr(item, "model", item)
    size = sum(p.numel() * p.element_size() for p in model.parameters())
    return min(max(size, CACHED_MODELS_BYTES // 4), CACHED_MODELS_BYTES)


def measure_step(config, precision: str = "fp32", train_rows: int = 0) -> dict:
    """Time one real training step (forward, backward, AdamW) at the config's batch and length, on random ids;
    with the planned steps, a time estimate. One measurement at a time per process. In this process: the server
    runs it through core.jobs.request_work, in a bounded child."""
    check_classification(config)
    config.check_limits()  # a run this server would refuse (training off, too many steps) is not timed either
    return step_summary(config, time_one_step(config, precision), train_rows)


def time_one_step(config, precision: str = "fp32") -> dict:
    """{"step_s", "device", "length"}: one step at the config's batch and length (the part a child runs)."""
    if not _measure_lock.acquire(blocking=False):
        raise UserError("Another step is being timed right now: try again in a few seconds")
    try:
        return _measure(config, precision)
    finally:
        _measure_lock.release()


def _loaded(config):
    """The model a run of config trains, loaded from its checkpoint: a classifier, or a causal LM (model_kind)."""
    from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification  # slow import

    if model_kind(config) == "lm":
        return AutoModelForCausalLM.from_pretrained(model_location(config.model), trust_remote_code=False)
    return AutoModelForSequenceClassification.from_pretrained(model_location(config.model), trust_remote_code=False,
                                                              num_labels=config.num_labels or ESTIMATE_LABELS)


def _measure(config, precision: str) -> dict:
    import torch  # slow import, deferred to first use

    model_config = run_model_config(config.model)
    check_size(model_config, config.model)
    net = _loaded(config)
    fit_pad_token(net)  # GPT-2: a batch of several rows needs a pad id to find each last token
    device = "cuda" if torch.cuda.is_available() else "cpu"
    net = apply_train_mode(net, config).to(device).train()
    optimizer = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=config.learning_rate)
    positions = config_value(model_config, "max_positions") or run_length(config)
    length = min(run_length(config), positions)
    ids = torch.randint(0, min(model_config.vocab_size, 1000), (config.batch_size, length), device=device)
    # a causal LM learns to predict its own next tokens (the model shifts them); a classifier one class per row
    labels = ids if model_kind(config) == "lm" else \
        torch.randint(0, net.config.num_labels, (config.batch_size,), device=device)
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision)
    seconds = []
    for _ in range(2):  # the first step pays for allocations and kernel choices: time the second
        start = time.perf_counter()
        with torch.autocast(device, dtype=dtype, enabled=dtype is not None and device == "cuda"):
            loss = net(input_ids=ids, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if device == "cuda":
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
    return {"step_s": seconds[-1], "device": device, "batch_size": config.batch_size, "length": length,
            "positions": positions}


def step_summary(config, timing: dict, train_rows: int = 0, notes: list[str] | None = None) -> dict:
    """The time estimate for config from a step timed at timing's batch and length; a step timed smaller (a public
    server's bounds) is scaled in proportion to batch × length, and notes say so."""
    length = min(run_length(config), timing["positions"])
    scale = (config.batch_size * length) / (timing["batch_size"] * timing["length"])
    step_s = timing["step_s"] * scale
    steps = config.planned_steps(train_rows or config.max_train_samples)
    shape = {"batch": timing["batch_size"], "length": timing["length"], "seconds": timing["step_s"],
             "device": timing["device"]}
    summary = say("one step (batch {batch}, length {length}) took {seconds:.2f} s on {device}; {steps} steps take "
                  "about {total}", steps=steps, total=f"{step_s * steps / 60:.1f} min", **shape) if steps else \
        say("one step (batch {batch}, length {length}) took {seconds:.2f} s on {device}; how many steps is known once "
            "the data is read (every row, or a causal LM's blocks): the status line counts them", **shape)
    summary = "; ".join([*(notes or []), summary])
    if scale != 1:
        summary += " " + say("(your batch {batch} and length {length} scaled in proportion: about {seconds:.2f} s a "
                             "step, a rough figure)", batch=config.batch_size, length=length, seconds=step_s)
    return {"step_s": step_s, "measured_s": timing["step_s"], "device": timing["device"],
            "batch_size": timing["batch_size"], "max_length": timing["length"], "planned_steps": steps,
            "train_s": step_s * steps if steps else None, "notes": list(notes or []), "summary": summary}
