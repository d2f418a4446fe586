"""What to train: every weight (full), only the new head, the top blocks and the head, or LoRA adapters (peft).

`apply_train_mode(model, config)` turns a freshly loaded classifier into what a run trains: it sets
`requires_grad` (head, last_n_layers) or wraps the model in a peft LoRA model (lora). The same rules are written
into exported scripts (core.results.export_train_mode.train_mode_lines), so both must stay in step:

- head: every parameter of `model.base_model` (the pretrained body) is frozen; what sits beside it (the head)
  trains.
- last_n_layers: the body's blocks are its longest `nn.ModuleList`; the parameters registered before the first
  of the last n blocks (embeddings, the lower blocks) are frozen, everything from there on trains (the top
  blocks, a pooler or final norm, the head).
- lora: low-rank adapters on the named linear layers of the body, the head trains in full (peft's
  modules_to_save).

Free of torch at import: TrainConfig reads TRAIN_MODES from here.
"""

from __future__ import annotations

import logging

from core.messages import UserError
from core.model import load_lock
from core.task_registry import task_of

log = logging.getLogger(__name__)

TRAIN_MODES = ("full", "head", "last_n_layers", "lora")
# Used when peft has no default for an architecture: attention query/value projections under their usual names.
FALLBACK_LORA_TARGETS = (("query", "value"), ("q_proj", "v_proj"), ("q_lin", "v_lin"), ("c_attn",),
                         ("query_key_value",), ("Wqkv",), ("q", "v"))
MAX_LISTED = 12  # layer names quoted in a message
PEFT_HEADS = ("classifier", "score")  # heads peft's SEQ_CLS task trains and saves by itself (modules_to_save)


def head_module_names(model) -> list[str]:
    """The model's children outside its pretrained body that hold weights: the task head (classifier, score...)."""
    body = getattr(model, "base_model_prefix", "")
    return [name for name, child in model.named_children()
            if name != body and any(True for _ in child.parameters())]


def body_blocks(model, name: str = ""):
    """The transformer blocks of the body: its longest nn.ModuleList (bert.encoder.layer, transformer.h, ...)."""
    import torch  # slow import, deferred to first use

    lists = [m for m in model.base_model.modules() if isinstance(m, torch.nn.ModuleList) and len(m)]
    longest = max((len(m) for m in lists), default=0)
    found = [m for m in lists if len(m) == longest]
    if len(found) != 1:
        raise UserError("train_mode last_n_layers: {model} has no single stack of blocks to count from (an "
                        "encoder-decoder has two) - use head, lora or full", model=name or type(model).__name__)
    return found[0]


def adaptable_layer_names(model) -> list[str]:
    """Names of the body's linear layers, the ones LoRA can adapt (query, value, dense, c_attn...)."""
    from transformers.pytorch_utils import Conv1D  # slow import, deferred to first use
    import torch

    return sorted({name.rsplit(".", 1)[-1] for name, module in model.base_model.named_modules()
                   if isinstance(module, (torch.nn.Linear, Conv1D))})


def default_lora_targets(model) -> list[str]:
    """peft's default for the architecture (bert: query, value), else the usual attention projections."""
    from peft.utils.constants import TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING  # slow import (peft)

    known = TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING.get(getattr(model.config, "model_type", ""))
    available = set(adaptable_layer_names(model))
    if isinstance(known, list) and set(known) <= available:
        return list(known)
    for names in FALLBACK_LORA_TARGETS:
        if set(names) <= available:
            return list(names)
    raise UserError("lora_target_modules: no default for {model} - name its layers to adapt, some of: {choices}",
                    model=type(model).__name__, choices=", ".join(sorted(available)[:MAX_LISTED]))


def lora_targets(model, config) -> list[str]:
    """The layers LoRA adapts: the config's names (each must exist in the body) or the architecture's default."""
    wanted = list(config.lora_target_modules or [])
    if not wanted:
        return default_lora_targets(model)
    available = adaptable_layer_names(model)
    missing = [name for name in wanted if name not in available]
    if missing:
        raise UserError("lora_target_modules: {missing} is not a linear layer of {model} - use some of: {choices} "
                        "(or leave it empty for the default)", missing=", ".join(missing), model=config.model,
                        choices=", ".join(available[:MAX_LISTED]))
    return wanted


def apply_train_mode(model, config):
    """The model as the config trains it (a peft model for lora); logs what trains."""
    mode = config.train_mode
    if mode == "head":
        freeze_body(model)
    elif mode == "last_n_layers":
        train_last_blocks(model, config.train_last_layers, config.model)
    elif mode == "lora":
        model = add_lora(model, config)
    elif mode != "full":
        raise UserError("{name}: {value!r} is not one of {choices} - choose one of those", name="train_mode",
                        value=mode, choices=", ".join(TRAIN_MODES))
    counts = count_parameters(model)
    log.info("train_mode %s: %s of %s parameters train", mode, f"{counts['trainable']:,}", f"{counts['total']:,}")
    return model


def freeze_body(model) -> None:
    """head: the pretrained body is frozen; only the head beside it trains."""
    for param in model.base_model.parameters():
        param.requires_grad_(False)


def train_last_blocks(model, n: int, name: str = "") -> None:
    """last_n_layers: freeze what is registered before the first of the last n blocks; the rest trains."""
    blocks = body_blocks(model, name)
    if not 1 <= n <= len(blocks):
        raise UserError("train_last_layers: {n} is more than the {count} blocks {model} has - use 1 to {count}, or "
                        "train_mode full to train them all", n=n, count=len(blocks), model=name or "the model")
    first_trained = next(blocks[len(blocks) - n].parameters())
    trainable = False
    for param in model.parameters():
        trainable = trainable or param is first_trained
        param.requires_grad_(trainable)


def add_lora(model, config):
    """lora: a peft model with adapters on the target layers; the head trains in full and is saved with them."""
    from peft import LoraConfig, get_peft_model  # slow import (peft), deferred to first use

    task = task_of(config)
    if not task.trains_new_head:  # a pretrained head (a causal LM's) stays frozen: only the adapters train
        with load_lock.loading():  # LoRA's init functions are no-ops while another thread is in from_pretrained
                return get_peft_model(model, LoraConfig(task_type=task.lora_task_type, r=config.lora_r,
                                                    lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
                                                    target_modules=lora_targets(model, config)))
    extra_heads = [name for name in head_module_names(model) if name not in PEFT_HEADS]  # DistilBERT's pre_classifier
    lora = LoraConfig(task_type=task.lora_task_type, r=config.lora_r, lora_alpha=config.lora_alpha,
                      lora_dropout=config.lora_dropout, target_modules=lora_targets(model, config),
                      modules_to_save=extra_heads or None)
    with load_lock.loading():
        return get_peft_model(model, lora)


def count_parameters(model) -> dict:
    """Total and trainable parameters (tied weights once; a peft model counts its base, adapters and head copy)."""
    total = trainable = 0
    for param in model.parameters():
        total += param.numel()
        trainable += param.numel() if param.requires_grad else 0
    return {"total": total, "trainable": trainable, "share": trainable / total if total else 0.0}


def is_peft_model(model) -> bool:
    """True for a model wrapped by peft (what a lora run trains)."""
    return hasattr(model, "peft_config") and hasattr(model, "get_base_model")
