"""Per-example results: every eval row's text, true label, and the prediction and confidence of the model before
fine-tuning (the pretrained body with the run's new head, as core.results.predict builds it) and after.

They teach what a score hides: which rows fine-tuning fixed (wrong -> right), which it broke (right -> wrong),
which stay wrong, and the mistakes the model makes with most confidence. Computed once, on first request, and
kept in the run folder (RunStore.write_examples). A run that learned from a visitor's upload shows its texts to
that visitor only (core.runs.visibility); everyone else gets the counts.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time

import numpy as np

from core.messages import UserError
from core.results.predict import load_base_pipeline, load_pipeline
from core.results.saved import no_model_error
from core.runs.store import RunStore
from core.task_registry import task_of
from core.training import untrained
from core.training.config import TrainConfig

log = logging.getLogger(__name__)

VERSION = 1
FILTERS = ("all", "fixed", "broken", "still_wrong", "confident_mistakes")
STORED_TEXT_CHARS = 1000  # kept per text in examples.json: enough to read a row, bounded for a 25,000-row eval set
MAX_ROWS_SHOWN = 200  # rows one answer lists at most
_lock = threading.Lock()  # two viewers of a just-finished run compute its examples once


def probabilities(model, tokenizer, texts, pairs, max_length: int, batch_size: int = 32, progress=None) -> np.ndarray:
    """Class probabilities (rows x classes) of texts (and their pairs), tokenized as training did; progress(done,
    total) after each batch when given."""
    import torch  # slow import, deferred to first use

    out = []
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            args = [texts[start:start + batch_size]] + ([pairs[start:start + batch_size]] if pairs else [])
            batch = tokenizer(*args, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
            logits = model(**{k: v.to(model.device) for k, v in batch.items()}).logits
            out.append(torch.softmax(logits.float(), dim=-1).cpu().numpy())
            if progress is not None:
                progress(len(out), -(-len(texts) // batch_size))
    return np.concatenate(out) if out else np.zeros((0, model.config.num_labels))


def build_examples(store: RunStore, run_id: str, progress=None) -> dict:
    """Predict every eval row with the base model and the run's model; returns what examples.json holds."""
    from core.training.prepare import select_rows  # pulls in datasets: only when examples are computed

    config = TrainConfig.from_stored(store.read_config(run_id))
    tuned = load_pipeline(store.model_dir(run_id))
    # the eval rows are carved and capped before train is subsampled: a tiny train cap leaves them as training saw them
    _, rows, names = select_rows(dataclasses.replace(config, max_train_samples=2))
    texts = [str(t) for t in rows[config.text_column]]
    pairs = [str(t) for t in rows[config.text_pair_column]] if config.text_pair_column else None
    labels = np.asarray(rows[config.label_column], dtype=int)
    after = probabilities(tuned.model, tuned.tokenizer, texts, pairs, config.max_length, config.eval_batch_size,
                          progress)
    before = _untrained_probabilities(store, config, names, tuned.tokenizer, texts, pairs, progress)
    table = [{"text": texts[i][:STORED_TEXT_CHARS], **({"pair": pairs[i][:STORED_TEXT_CHARS]} if pairs else {}),
              "label": int(labels[i]), "before": int(before[i].argmax()), "before_p": round(float(before[i].max()), 4),
              "after": int(after[i].argmax()), "after_p": round(float(after[i].max()), 4)} for i in range(len(texts))]
    return {"version": VERSION, "labels": [str(n) for n in names], "rows": table, "counts": count(table)}


def _untrained_probabilities(store: RunStore, config, names, tokenizer, texts, pairs, progress) -> np.ndarray:
    """The base model's probabilities over the rows: read back when a run of the same untrained model did this
    pass on the same rows (a class: core.training.untrained), else computed and stored for the next one."""
    key = untrained.work_key("untrained", config.model, [str(n) for n in names], config.seed, config.max_length,
                             config.eval_batch_size, config.trust_remote_code, texts, pairs)
    found = store.read_shared(key).get("probabilities")
    if isinstance(found, list) and len(found) == len(texts):
        untrained.note("untrained", 0.0)
        return np.asarray(found, dtype=np.float32)  # float32 -> JSON -> float32 is exact: the same answers
    began = time.monotonic()
    base = load_base_pipeline(config.model, names, seed=config.seed, trust_remote_code=config.trust_remote_code)
    before = probabilities(base.model, tokenizer, texts, pairs, config.max_length, config.eval_batch_size, progress)
    store.write_shared(key, {"probabilities": before.tolist()})
    untrained.note("untrained", time.monotonic() - began)  # the base model's load and its pass: what later runs skip
    return before


def count(rows: list[dict]) -> dict:
    """fixed (wrong -> right), broken (right -> wrong), still_wrong, still_right: together, every eval row."""
    counts = {"fixed": 0, "broken": 0, "still_wrong": 0, "still_right": 0}
    for row in rows:
        was, now = row["before"] == row["label"], row["after"] == row["label"]
        counts["fixed" if now and not was else "broken" if was and not now else
               "still_right" if now else "still_wrong"] += 1
    return {**counts, "total": len(rows)}


def run_examples(store: RunStore, run_id: str, refresh: bool = False, progress=None) -> dict:
    """The run's per-example results, computed on first request (or after training, Task.finish_results) from its
    saved model and kept in its folder; progress(done, total) per batch of each model while they are computed."""
    if not task_of(store.read_config(run_id)).has_classes:
        raise UserError("Run {run} is a causal LM: it has no classes to get right or wrong - read what it writes "
                        "(Watch it write, Try it) instead", run=run_id)
    with _lock:
        stored = {} if refresh else store.read_examples(run_id)
        if stored.get("version") == VERSION:
            return stored
        if not store.has_model(run_id):
            raise no_model_error(store, run_id)
        examples = build_examples(store, run_id, progress)
        store.write_examples(run_id, examples)
    log.info("examples of %s: %s", run_id, examples["counts"])
    return examples


def select(examples: dict, which: str = "all", cell: tuple[int, int] | None = None,
           limit: int = MAX_ROWS_SHOWN) -> tuple[list[dict], int]:
    """The rows of a filter (FILTERS) and, optionally, of one confusion-matrix cell (true id, predicted id);
    returns (at most `limit` rows, how many matched). Each row keeps its index in the eval set as "row"."""
    if which not in FILTERS:
        raise UserError("{name}: {value!r} is not one of {choices} - choose one of those", name="filter", value=which,
                        choices=", ".join(FILTERS))
    rows = [{"row": i, **r} for i, r in enumerate(examples.get("rows") or [])]
    if cell is not None:
        rows = [r for r in rows if (r["label"], r["after"]) == tuple(cell)]
    was = {True: lambda r: r["before"] == r["label"], False: lambda r: r["before"] != r["label"]}
    keep = {"all": lambda r: True,
            "fixed": lambda r: was[False](r) and r["after"] == r["label"],
            "broken": lambda r: was[True](r) and r["after"] != r["label"],
            "still_wrong": lambda r: was[False](r) and r["after"] != r["label"],
            "confident_mistakes": lambda r: r["after"] != r["label"]}[which]
    rows = [r for r in rows if keep(r)]
    if which == "confident_mistakes":
        rows.sort(key=lambda r: -r["after_p"])
    return rows[:max(0, int(limit))], len(rows)


def parse_cell(cell, labels: list[str]) -> tuple[int, int] | None:
    """A confusion-matrix cell as (true id, predicted id), from "true -> predicted" label names or [i, j]."""
    if cell in (None, "", []):
        return None
    if isinstance(cell, str) and "->" in cell:
        names = [part.strip() for part in cell.split("->", 1)]
        if all(name in labels for name in names):
            return labels.index(names[0]), labels.index(names[1])
    elif isinstance(cell, (list, tuple)) and len(cell) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                                   and 0 <= v < len(labels) for v in cell):
        return int(cell[0]), int(cell[1])
    raise UserError("cell: {value!r} is not a cell of the confusion matrix - write it as 'true label -> predicted "
                    "label', e.g. {example!r}", value=str(cell)[:80], example=f"{labels[0]} -> {labels[-1]}")


def cells(examples: dict) -> list[tuple[str, int]]:
    """Every non-empty cell of the confusion matrix as ("true -> predicted", rows), mistakes first."""
    labels = examples.get("labels") or []
    found: dict[tuple[int, int], int] = {}
    for row in examples.get("rows") or []:
        found[(row["label"], row["after"])] = found.get((row["label"], row["after"]), 0) + 1
    order = sorted(found, key=lambda c: (c[0] == c[1], c))
    return [(f"{labels[i]} -> {labels[j]}", found[(i, j)]) for i, j in order]
