"""Metrics: the offline `evaluate` modules, compute_metrics for the Trainer, and the live metrics recorder."""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from pathlib import Path

import numpy as np
from transformers import TrainerCallback

from core.messages import UserError

log = logging.getLogger(__name__)

METRIC_MODULES_DIR = Path(__file__).resolve().parent / "metric_modules"
AVAILABLE_METRICS = ("accuracy", "f1", "precision", "recall")
SKIPPED_LOG_KEYS = {"epoch", "step", "total_flos"}

_modules: dict[str, object] = {}
_modules_lock = threading.Lock()


def check_metric_names(names) -> list[str]:
    """The names, de-duplicated in order; ValueError naming the choices for an unknown one."""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    names = list(dict.fromkeys(names or []))
    unknown = [n for n in names if n not in AVAILABLE_METRICS]
    if unknown or not names:
        raise UserError("metrics: {unknown} - choose one or more of {choices}",
                        unknown=", ".join(map(repr, unknown)) or "none chosen", choices=", ".join(AVAILABLE_METRICS))
    return names


def load_metric_modules(names) -> dict:
    """name -> a fresh `evaluate` metric, loaded from core/metric_modules/<name> with evaluate.load (offline)."""
    import evaluate

    names = check_metric_names(names)
    with _modules_lock:  # evaluate.load copies the script into the modules cache: do it once per process
        for name in names:
            if name not in _modules:
                _modules[name] = evaluate.load(str(METRIC_MODULES_DIR / name), keep_in_memory=True)
    # A metric instance buffers what it is given, so each caller gets its own instance of the class.
    return {n: type(_modules[n])(keep_in_memory=True, config_name=_modules[n].config_name) for n in names}


def make_compute_metrics(names, num_labels: int):
    """compute_metrics for the Trainer: argmax of the logits scored by each metric (binary or macro average)."""
    modules = load_metric_modules(names)
    average = "binary" if num_labels <= 2 else "macro"
    lock = threading.Lock()

    def compute_metrics(eval_pred) -> dict[str, float]:
        logits, labels = eval_pred.predictions, eval_pred.label_ids
        if isinstance(logits, (tuple, list)):  # some models also return hidden states
            logits = logits[0]
        predictions = np.argmax(np.asarray(logits), axis=-1)
        scores: dict[str, float] = {}
        with lock:
            for name, module in modules.items():
                extra = {} if name == "accuracy" else {"average": average, "zero_division": 0}
                scores.update(module.compute(predictions=predictions, references=labels, **extra))
        return {k: float(v) for k, v in scores.items()}

    return compute_metrics


def make_record(logs: dict, step: int, epoch: float | None, kind: str) -> dict:
    """One metrics.jsonl line: step, epoch, kind, time, and every number the Trainer logged."""
    record = {"step": int(step), "epoch": round(float(epoch or 0.0), 4), "kind": kind, "time": round(time.time(), 3)}
    for key, value in logs.items():
        if key in SKIPPED_LOG_KEYS or isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            continue
        value = float(value)
        record[key] = value if math.isfinite(value) else None  # NaN is not JSON
    return record


def best_value(points, key: str) -> float | None:
    """The highest value of key over eval records (baseline excluded), or None."""
    values = [p[key] for p in points if p.get("kind") == "eval" and isinstance(p.get(key), (int, float))]
    return max(values) if values else None


class MetricsRecorder:
    """Lock-protected buffer of metric records (also appended to metrics.jsonl as they arrive) and live progress.

    Readers poll `points(since_step)`; snapshot readers must not touch the disk, so everything a live view
    needs is kept here.
    """

    def __init__(self, path: Path | None = None, points=(), on_record=None):
        self._lock = threading.Lock()
        self._points: list[dict] = list(points)
        self.path = Path(path) if path else None
        self.on_record = on_record
        self.phase = "train"
        self.step = max((int(p.get("step", 0)) for p in self._points), default=0)
        self.max_steps = 0
        self.epoch = max((float(p.get("epoch", 0.0)) for p in self._points), default=0.0)
        self.train_started: float | None = None
        self.start_step = self.step
        self.samples_per_step = 0
        self.device = ""
        self.baseline: dict = {}
        self.final: dict = {}
        self.last_eval: tuple[int, dict] | None = None

    def add(self, record: dict) -> None:
        with self._lock:
            self._points.append(record)
            if self.path is not None:  # appended line by line so a crash loses at most one record
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(record) + "\n")
        if self.on_record is not None:
            self.on_record(record)

    def points(self, since_step: int = -1, before_step: int | None = None) -> list[dict]:
        """Copies of the records with since_step < step (< before_step when given)."""
        with self._lock:
            return [dict(p) for p in self._points
                    if p["step"] > since_step and (before_step is None or p["step"] < before_step)]

    def begin_training(self, step: int, max_steps: int, samples_per_step: int) -> None:
        with self._lock:
            self.step, self.start_step, self.max_steps = step, step, max_steps
            self.samples_per_step, self.train_started = samples_per_step, time.time()

    def set_progress(self, step: int, max_steps: int, epoch: float | None) -> None:
        with self._lock:
            self.step, self.max_steps, self.epoch = int(step), int(max_steps), float(epoch or 0.0)

    def progress(self) -> dict:
        """step, max_steps, epoch, samples_per_second and eta_s, from the steps done since training began."""
        with self._lock:
            done = self.step - self.start_step
            spent = time.time() - self.train_started if self.train_started else 0.0
            rate = done / spent if done > 0 and spent > 0 else 0.0
            eta = (self.max_steps - self.step) / rate if rate > 0 and self.max_steps >= self.step else None
            return {"step": self.step, "max_steps": self.max_steps, "epoch": round(self.epoch, 4),
                    "samples_per_second": round(rate * self.samples_per_step, 2),
                    "eta_s": round(eta, 1) if eta is not None else None}


class MetricsCallback(TrainerCallback):
    """Records every Trainer log (loss, learning_rate, grad_norm, eval metrics...) into a MetricsRecorder."""

    def __init__(self, recorder: MetricsRecorder):
        self.recorder = recorder
        self._last_logged: dict | None = None

    def on_train_begin(self, args, state, control, **kwargs):
        per_step = args.train_batch_size * args.gradient_accumulation_steps * max(args.world_size, 1)
        self.recorder.begin_training(state.global_step, state.max_steps, per_step)

    def on_step_end(self, args, state, control, **kwargs):
        self.recorder.set_progress(state.global_step, state.max_steps, state.epoch)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and state.is_world_process_zero:
            self._last_logged = logs
            self._record(logs, state)

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        # Trainer.evaluate logs the same dict before calling on_evaluate: record it only if on_log did not.
        if metrics and metrics is not self._last_logged and state.is_world_process_zero:
            self._record(metrics, state)

    def _record(self, logs: dict, state) -> None:
        is_eval = any(k.startswith("eval_") for k in logs)
        kind = "baseline" if self.recorder.phase == "baseline" else "eval" if is_eval else "train"
        record = make_record(logs, state.global_step, state.epoch, kind)
        if kind == "eval":
            self.recorder.last_eval = (state.global_step, {k: v for k, v in record.items() if k.startswith("eval_")})
        self.recorder.add(record)
