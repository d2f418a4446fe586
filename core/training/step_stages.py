"""The stages of one training step, on a prepared walk-through (core.training.step_through.Walk).

Each stage takes the walk, does what the Trainer does at that point, and returns plain data (numbers, names,
lists) plus `code`: the lines of PyTorch that did it. Stages run once each, in the order of
core.training.step_through.STAGES (RUNNERS below has one runner for each).
"""

from __future__ import annotations

import math
import re
import time

import torch

from core.messages import N_
from core.training.rules import MAX_GRAD_NORM

SHOWN_ROWS = 4  # rows of the batch shown in tables
SHOWN_IDS = 12  # token ids shown per row


def layer_of(name: str, prefix: str = "") -> str:
    """The layer a parameter belongs to: 'bert.encoder.layer.3.attention.self.query.weight' -> 'encoder.layer.3',
    'bert.embeddings.word_embeddings.weight' -> 'embeddings', 'classifier.weight' -> 'classifier'."""
    if prefix and name.startswith(prefix + "."):
        name = name[len(prefix) + 1:]
    numbered = re.match(r"^(.*?\.\d+)\.", name)
    return numbered.group(1) if numbered else name.split(".")[0]


def _layers(model) -> dict[str, list]:
    """The trainable parameters grouped by layer, in the model's order: {layer: [(name, parameter), ...]}."""
    groups: dict[str, list] = {}
    prefix = getattr(model, "base_model_prefix", "")
    for name, parameter in model.named_parameters():
        if parameter.requires_grad:
            groups.setdefault(layer_of(name, prefix), []).append((name, parameter))
    return groups


def _timed(fn):
    def stage(walk) -> dict:
        start = time.perf_counter()
        result = fn(walk)
        return {**result, "seconds": round(time.perf_counter() - start, 3)}
    stage.__name__, stage.__doc__ = fn.__name__, fn.__doc__
    return stage


@_timed
def batch_stage(walk) -> dict:
    """The tensors of one batch: shapes, the first ids of a few rows, their attention masks, the labels."""
    cfg, batch, tokenizer = walk.config, walk.batch, walk.tokenizer
    ids, mask, labels = batch["input_ids"], batch["attention_mask"], batch["labels"]
    rows = []
    for i in range(min(SHOWN_ROWS, len(ids))):
        real = int(mask[i].sum())
        rows.append({"label": walk.label_names[int(labels[i])], "tokens_used": real, "padding": len(ids[i]) - real,
                     "ids": ids[i, :SHOWN_IDS].tolist(),
                     "tokens": tokenizer.convert_ids_to_tokens(ids[i, :SHOWN_IDS].tolist()),
                     "attention_mask": mask[i].tolist()})
    counts = {name: int((labels == i).sum()) for i, name in enumerate(walk.label_names)}
    sampler = (f"LengthGroupedSampler({cfg.batch_size}, lengths=[len(ids) for ids in train_ds['input_ids']])"
               if cfg.group_by_length else "RandomSampler(train_ds)")
    collator = "DataCollatorWithPadding(tokenizer)" if cfg.padding == "dynamic" else "default_data_collator"
    return {"shapes": {name: list(tensor.shape) for name, tensor in batch.items()}, "rows": rows,
            "label_counts": counts, "padding_share": round(1 - float(mask.sum()) / mask.numel(), 4),
            "training_rows": walk.rows,
            "code": [f"train_dataloader = DataLoader(train_ds, batch_size={cfg.batch_size}, sampler={sampler},",
                     f"                              collate_fn={collator})",
                     "batch = next(iter(train_dataloader))",
                     "{name: tensor.shape for name, tensor in batch.items()}"]}


@_timed
def forward_stage(walk) -> dict:
    """The model reads the batch: one row of logits per text, one logit per class; softmax makes them chances."""
    model, batch = walk.model, walk.batch
    model.train()  # dropout on, as in training
    with torch.random.fork_rng(devices=[]):  # a seeded dropout, the same again in the last stage; others' RNG kept
        torch.manual_seed(walk.config.seed)
        outputs = model(**batch)
    walk.state["outputs"] = outputs
    probabilities = outputs.logits.detach().softmax(dim=-1)
    rows = [{"label": walk.label_names[int(batch["labels"][i])],
             "predicted": walk.label_names[int(probabilities[i].argmax())],
             "logits": [round(float(v), 4) for v in outputs.logits[i].detach()],
             "probabilities": {name: round(float(p), 4) for name, p in zip(walk.label_names, probabilities[i])}}
            for i in range(min(SHOWN_ROWS, len(probabilities)))]
    return {"logits_shape": list(outputs.logits.shape), "label_names": walk.label_names, "rows": rows,
            "parameters": sum(p.numel() for p in model.parameters()),
            "code": ["model.train()  # " + N_("dropout on, as in training"), "outputs = model(**batch)",
                     "outputs.logits.shape  # " + N_("(rows, classes)"), "outputs.logits.softmax(dim=-1)"]}


@_timed
def loss_stage(walk) -> dict:
    """Cross-entropy: for each row, minus the log of the chance the model gave its true class; their mean."""
    outputs, labels = walk.state["outputs"], walk.batch["labels"]
    per_row = -outputs.logits.detach().log_softmax(dim=-1)[torch.arange(len(labels)), labels]
    rows = [{"label": walk.label_names[int(labels[i])], "chance_of_label": round(math.exp(-float(per_row[i])), 4),
             "loss": round(float(per_row[i]), 4)} for i in range(min(SHOWN_ROWS, len(labels)))]
    return {"loss": float(outputs.loss.detach()), "by_hand": float(per_row.mean()), "rows": rows,
            "guessing": round(math.log(len(walk.label_names)), 4), "classes": len(walk.label_names),
            "gradient_accumulation_steps": walk.config.gradient_accumulation_steps,
            "code": ["loss = outputs.loss",
                     "# " + N_("the same by hand: minus the log-probability of each row's label, averaged"),
                     "log_probs = outputs.logits.log_softmax(dim=-1)",
                     "-log_probs[torch.arange(len(batch['labels'])), batch['labels']].mean()"]}


def _norm(tensors) -> float:
    """The norm of several tensors taken as one vector (as clip_grad_norm_ measures it)."""
    norms = [torch.linalg.vector_norm(t.detach()) for t in tensors]
    return float(torch.linalg.vector_norm(torch.stack(norms))) if norms else 0.0


@_timed
def backward_stage(walk) -> dict:
    """Backpropagation: a gradient for every weight; their size per layer; clipping to a total norm of 1.0."""
    outputs = walk.state.pop("outputs")
    outputs.loss.backward()
    layers = [{"layer": layer, "grad_norm": _norm(p.grad for _, p in params if p.grad is not None),
               "parameters": sum(p.numel() for _, p in params)} for layer, params in _layers(walk.model).items()]
    total = float(torch.nn.utils.clip_grad_norm_(walk.model.parameters(), MAX_GRAD_NORM))
    return {"layers": layers, "total_norm": total, "max_norm": MAX_GRAD_NORM, "clipped": total > MAX_GRAD_NORM,
            "code": ["loss.backward()  # " + N_("fills parameter.grad for every weight"),
                     f"torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm={MAX_GRAD_NORM})  # "
                     + N_("as the Trainer"),
                     "{name: p.grad.norm() for name, p in model.named_parameters()}"]}


@_timed
def step_stage(walk) -> dict:
    """AdamW moves every weight; the schedule sets the next learning rate; the gradients are zeroed."""
    layers = _layers(walk.model)
    before = {name: p.detach().clone() for params in layers.values() for name, p in params}
    rate = walk.scheduler.get_last_lr()[0]
    walk.optimizer.step()
    walk.scheduler.step()
    walk.optimizer.zero_grad()
    moved = []
    with torch.no_grad():
        for layer, params in layers.items():
            deltas = [p - before.pop(name) for name, p in params]
            change, size = _norm(deltas), _norm(p for _, p in params)
            count = sum(d.numel() for d in deltas)
            mean_abs = float(sum(d.abs().sum() for d in deltas)) / max(count, 1)
            moved.append({"layer": layer, "change_norm": change, "relative_change": change / size if size else 0.0,
                          "mean_abs_change": mean_abs})
    return {"learning_rate": rate, "next_learning_rate": walk.scheduler.get_last_lr()[0], "layers": moved,
            "weight_decay": walk.config.weight_decay, "warmup_ratio": walk.config.warmup_ratio,
            "code": ["optimizer.step()  # " + N_("AdamW: each weight moves by about lr x m / sqrt(v)"),
                     "lr_scheduler.step()  # " + N_("the learning rate of the next step"),
                     "optimizer.zero_grad()  # " + N_("else the next gradients would add to these")]}


@_timed
def after_stage(walk) -> dict:
    """The same batch again, with the same dropout: is the loss lower after one step?"""
    model, batch = walk.model, walk.batch
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(walk.config.seed)  # the dropout of the forward stage
        outputs = model(**batch)
    labels = batch["labels"]
    now = outputs.logits.log_softmax(dim=-1)[torch.arange(len(labels)), labels].exp()
    before = walk.results["loss"]
    rows = [{**row, "chance_after": round(float(now[i]), 4)} for i, row in enumerate(before["rows"])]
    return {"loss_before": before["loss"], "loss_after": float(outputs.loss),
            "change": float(outputs.loss) - before["loss"], "rows": rows,
            "code": ["torch.manual_seed(seed)  # " + N_("the same dropout mask as the first forward"),
                     "with torch.no_grad():", "    outputs = model(**batch)",
                     "outputs.loss  # " + N_("after one step")]}


RUNNERS = {"batch": batch_stage, "forward": forward_stage, "loss": loss_stage, "backward": backward_stage,
           "step": step_stage, "after": after_stage}
