"""The untrained model's evaluation, shared by the runs that evaluate the same untrained model on the same rows.

Every run of a class evaluates the same untrained model (the pretrained body with a new head drawn from the same
seed) on the same eval rows: before training (its baseline) and after it (the "before" column of its per-example
results). A class of thirty would do that work thirty times on the cores its runs share; the first run stores it
in the runs folder (RunStore.write_shared) under a key of everything that decides it, and the others read it back.

The baseline's key is the whole config less the settings that only change how the model trains (TRAINING_ONLY:
a setting not on that list, a new one included, keeps runs apart), with the model's files, the precision, the
device and the library versions. The per-example pass is keyed by its own inputs (the rows' texts themselves).
Only a task whose evaluation only scores shares it (Task.shares_untrained_eval: no samples written, no answers
generated during it), and only a run in one process (several processes must all evaluate or none) that sends its
logs to no tracker (trackio or TensorBoard record the evaluation at step 0 when it runs).

Each run notes on its recorder how long the shared work took it (0.0: read back; note_shared), so a class's estimates
leave out of a run's time the work the runs after it will read back (core.classes.places).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Callable

from core.model.checkpoints import model_location
from core.task_registry import task_of

log = logging.getLogger(__name__)

# settings that change how the model trains but neither the untrained model (its head is drawn before training, from
# the seed) nor the rows it is evaluated on
TRAINING_ONLY = frozenset({"learning_rate", "num_train_epochs", "max_steps", "weight_decay", "warmup_ratio",
                           "gradient_accumulation_steps", "logging_steps", "eval_steps", "save_model", "run_name",
                           "report_to", "early_stopping_patience", "load_best_model_at_end", "metric_for_best_model"})

# where the per-example pass (core.results.examples, which knows no recorder) notes its shared work: the training
# process sets it around the results it computes (noting); a page computing results on demand notes nowhere
_note: contextvars.ContextVar[Callable[[str, float], None] | None] = contextvars.ContextVar("shared_note", default=None)


@contextlib.contextmanager
def noting(note: Callable[[str, float], None]):
    """Within this block, note(kind, seconds) receives the shared work done or read back (0.0)."""
    token = _note.set(note)
    try:
        yield
    finally:
        _note.reset(token)


def note(kind: str, seconds: float) -> None:
    found = _note.get()
    if found is not None:
        found(kind, seconds)


def work_key(kind: str, model: str, *parts) -> str:
    """A shared result's name: kind and the sha256 of its inputs, the model's files and the libraries' versions."""
    import torch  # slow imports, loaded already by whoever evaluates
    import transformers

    location = model_location(model)
    config_file = Path(location) / "config.json"
    stamp = config_file.stat().st_mtime if config_file.is_file() else None  # a model saved again is new work
    blob = json.dumps([model, location, stamp, torch.__version__, transformers.__version__, *parts], sort_keys=True,
                      default=str)
    return f"{kind}-{hashlib.sha256(blob.encode()).hexdigest()}"


def rows_digest(dataset) -> str | None:
    """sha256 of a datasets.Dataset's rows as evaluated (its Arrow buffers and its index mapping): a file edited in
    place, a Hub dataset without a pinned revision, or the embedded sample after an upgrade is new work, whatever the
    config says. None when there are no rows (nothing to share)."""
    if dataset is None or not hasattr(dataset, "data"):
        return None
    digest = hashlib.sha256()
    tables = [dataset.data.table] + ([dataset._indices.table] if getattr(dataset, "_indices", None) is not None else [])
    for table in tables:
        digest.update(json.dumps([str(table.schema), table.num_rows]).encode())
        for column in table.columns:
            for chunk in column.chunks:
                digest.update(f"{chunk.offset}:{len(chunk)}".encode())
                for buffer in chunk.buffers():
                    if buffer is not None:
                        digest.update(buffer)
    return digest.hexdigest()


def shared_baseline(config, store, recorder, args, evaluate, rows=None) -> dict:
    """The untrained model's evaluation (its metrics; its record on the recorder, as evaluate() leaves it): read
    back when a run of the same untrained model and rows stored it, else evaluate() and store it for the next.
    rows: the evaluated dataset, whose content is part of the key (rows_digest)."""
    if not task_of(config).shares_untrained_eval or args.world_size > 1 or config.report_to != "none":
        return evaluate()  # (a tracker logs the evaluation at step 0 itself: a read-back would leave it out)
    settings = {name: value for name, value in config.to_dict().items() if name not in TRAINING_ONLY}
    key = work_key("baseline", config.model, settings, args.bf16, args.fp16, str(args.device), rows_digest(rows))
    found = store.read_shared(key)
    if isinstance(found.get("metrics"), dict) and isinstance(found.get("record"), dict):
        recorder.add({**found["record"], "time": round(time.time(), 3)})  # the curves' "before" point, as evaluated
        recorder.note_shared("baseline", 0.0)
        log.info("baseline of %s read back from an earlier run of the same untrained model and rows", config.model)
        return dict(found["metrics"])
    began = time.monotonic()
    metrics = evaluate()
    recorder.note_shared("baseline", time.monotonic() - began)
    record = next((p for p in reversed(recorder.points()) if p.get("kind") == "baseline"), None)
    if record is not None:
        store.write_shared(key, {"metrics": metrics, "record": {k: v for k, v in record.items() if k != "time"}})
    return metrics
