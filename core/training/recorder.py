"""The live metrics recorder: every Trainer log as a record, kept in memory for the live charts and appended to
the run's metrics.jsonl, plus the progress (step, epoch, speed, ETA) of the run."""

from __future__ import annotations

import functools
import inspect
import math
import threading
import time
from typing import Callable

import numpy as np

from core.training import rules

SKIPPED_LOG_KEYS = {"epoch", "step", "total_flos"}
# What a run does besides its training steps, each shown with its own progress (done of total; 0 total: unknown):
# loading the model and preparing the data, evaluating the untrained model, an evaluation during training, the final
# one after the last step, saving the model, and the results a task keeps for the page (a classifier's eval report and
# per-example results, Task.finish_results).
STAGES = ("loading", "baseline", "evaluating", "final_eval", "saving", "results")
# name -> the recorder method a message of the training process replays on the parent's recorder (@message fills it)
MESSAGES: dict[str, Callable] = {}


def message(method):
    """Mark a MetricsRecorder method as a message of the training process: training changes the recorder only
    through such methods; each call is applied here and, when the recorder has a `send`, sent as (name, payload)
    with payload the call's arguments by name. A new kind of message is one decorated method."""
    names = list(inspect.signature(method).parameters)[1:]  # after self: what the payload's keys are
    MESSAGES[method.__name__] = method

    @functools.wraps(method)
    def apply_and_send(self, *args, **kwargs):
        method(self, *args, **kwargs)  # a bad call fails here, in the child, before anything is sent
        if self.send is not None:
            self.send(method.__name__, {**dict(zip(names, args)), **kwargs})

    return apply_and_send


def dispatch(recorder: "MetricsRecorder", name: str, payload: dict) -> bool:
    """Replay one message on the parent's recorder, found by name (as transformers' CallbackHandler.call_event
    finds a callback's event); False for a name that is no message."""
    method = MESSAGES.get(name)
    if method is None:
        return False
    method(recorder, **payload)
    return True


def make_record(logs: dict, step: int, epoch: float | None, kind: str) -> dict:
    """One metrics.jsonl line: step, epoch, kind, time, and every number the Trainer logged."""
    record = {"step": int(step), "epoch": round(float(epoch or 0.0), 4), "kind": kind, "time": round(time.time(), 3)}
    for key, value in logs.items():
        if key in SKIPPED_LOG_KEYS or isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            continue
        value = float(value)
        record[key] = value if math.isfinite(value) else None  # NaN is not JSON
    return record


def best_value(points, key: str, lowest: bool = False) -> float | None:
    """The highest value of key over eval records (baseline excluded; lowest: the lowest, e.g. perplexity), or None."""
    values = [p[key] for p in points if p.get("kind") == "eval" and isinstance(p.get(key), (int, float))]
    return (min(values) if lowest else max(values)) if values else None


class MetricsRecorder:
    """Lock-protected buffer of metric records and the run's live progress; every record also goes to `write`
    (the run store's metrics.jsonl) as it arrives.

    Readers poll `points(since_step)`; snapshot readers must not touch the disk, so everything a live view
    needs is kept here. Training changes it only through its @message methods; send(name, payload), when given,
    receives each of them (the training child process sends them to the parent: core.jobs.child_process).
    """

    def __init__(self, write=None, points=(), on_record=None, send: Callable[[str, dict], None] | None = None):
        self._lock = threading.Lock()
        self._points: list[dict] = list(points)
        self.write = write
        self.on_record = on_record
        self.send = send
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
        self._samples: list[dict] = []
        self._stage: dict = {}
        # seconds spent in each stage ("train": between stages), timed where the messages arrive: the class's
        # estimates project a run's stages after its last step from the ones it has been through
        self._stage_seconds: dict[str, float] = {}
        self._stage_since: float | None = None
        # seconds of the work a class's runs share (core.training.untrained) this run did itself, by kind; 0.0: read
        # back from an earlier run. A later run of the class does none of it: its estimate leaves it out
        self.shared_s: dict[str, float] = {}
        # the training process's CPU seconds so far (its relay sets it: core.jobs.child_process), timed per stage as
        # the wall time is: a stage's share of a core against the steps' tells how much the machine was contended then
        self.cpu_clock: Callable[[], float | None] | None = None
        self._stage_cpu: dict[str, float] = {}
        self._cpu_since: float | None = None

    @message
    def add(self, record: dict) -> None:
        with self._lock:
            self._points.append(record)
            if record.get("kind") == "eval":
                self.last_eval = (record["step"], {k: v for k, v in record.items() if k.startswith("eval_")})
            if self.write is not None:
                self.write(record)
        if self.on_record is not None:
            self.on_record(record)

    @message
    def add_samples(self, record: dict) -> None:
        """A causal LM's writing at one evaluation: {"step", "kind", "time", "samples": [{prompt, greedy, sampled}]}."""
        with self._lock:
            self._samples.append(record)

    def samples(self) -> list[dict]:
        with self._lock:
            return [dict(r) for r in self._samples]

    @message
    def set_phase(self, phase: str) -> None:
        """'baseline' while the untrained model is evaluated (its records are the 'before' point), else 'train'."""
        self.phase = phase

    @message
    def set_stage(self, stage: str, done: int = 0, total: int = 0) -> None:
        """The stage of the run now (STAGES; "" while it trains), done of total of its units (batches, rows), so the
        status says what the run does after its last step instead of sitting at "ETA 0:00"."""
        if stage and stage not in STAGES:
            raise TypeError(f"unknown stage {stage!r}: one of {STAGES}")
        with self._lock:
            self._time_stage(stage or "train")
            self._stage = {"name": stage, "done": int(done), "total": int(total)} if stage else {}

    def _time_stage(self, name: str) -> None:
        """Add the time since the last stage change to the stage left (called under the lock)."""
        now, left = time.time(), self._stage.get("name") or "train"
        if name != left or self._stage_since is None:
            if self._stage_since is not None:
                self._stage_seconds[left] = self._stage_seconds.get(left, 0.0) + now - self._stage_since
            self._stage_since = now
            cpu = self.cpu_clock() if self.cpu_clock is not None else None
            if cpu is not None and self._cpu_since is not None:
                self._stage_cpu[left] = self._stage_cpu.get(left, 0.0) + cpu - self._cpu_since
            self._cpu_since = cpu

    def _seconds_by_stage(self) -> dict[str, float]:
        """{stage: seconds spent in it so far} ("train" for the steps), the stage in progress included (under the
        lock)."""
        spent = dict(self._stage_seconds)
        if self._stage_since is not None:
            name = self._stage.get("name") or "train"
            spent[name] = spent.get(name, 0.0) + time.time() - self._stage_since
        return {name: round(seconds, 2) for name, seconds in spent.items()}

    def _cpu_by_stage(self) -> dict[str, float]:
        """{stage: CPU seconds the training process spent in it so far}, the stage in progress included; {} where
        nothing measures it (a run in the server's own process) (under the lock)."""
        spent = dict(self._stage_cpu)
        cpu = self.cpu_clock() if self.cpu_clock is not None and self._cpu_since is not None else None
        if cpu is not None:
            name = self._stage.get("name") or "train"
            spent[name] = spent.get(name, 0.0) + cpu - self._cpu_since
        return {name: round(seconds, 2) for name, seconds in spent.items()}

    @message
    def note_shared(self, kind: str, seconds: float) -> None:
        """The shared untrained work of this kind ("baseline", "untrained") took this run `seconds` (0.0: read back)."""
        with self._lock:
            self.shared_s[str(kind)] = round(float(seconds), 2)

    @message
    def set_device(self, device: str) -> None:
        self.device = device

    @message
    def set_baseline(self, metrics: dict) -> None:
        self.baseline = dict(metrics)

    @message
    def set_final(self, metrics: dict) -> None:
        self.final = dict(metrics)

    def points(self, since_step: int = -1, before_step: int | None = None) -> list[dict]:
        """Copies of the records with since_step < step (< before_step when given)."""
        with self._lock:
            return [dict(p) for p in self._points
                    if p["step"] > since_step and (before_step is None or p["step"] < before_step)]

    def evaluations(self) -> list[dict]:
        """Copies of the evaluation records during training (few: one per eval_steps or epoch)."""
        with self._lock:
            return [dict(p) for p in self._points if p.get("kind") == "eval"]

    @message
    def begin_training(self, step: int, max_steps: int, samples_per_step: int) -> None:
        with self._lock:
            self.step, self.start_step, self.max_steps = step, step, max_steps
            self.samples_per_step, self.train_started = samples_per_step, time.time()

    @message
    def set_progress(self, step: int, max_steps: int, epoch: float | None) -> None:
        with self._lock:
            self.step, self.max_steps, self.epoch = int(step), int(max_steps), float(epoch or 0.0)

    def progress(self) -> dict:
        """step, max_steps, epoch, samples_per_second and eta_s, from the steps done since training began, the
        stage ({"name", "done", "total"}, or {} while it trains), stage_s (seconds spent in each so far), stage_cpu_s
        (the training process's CPU seconds in each) and shared_s (the shared untrained work this run computed, in
        seconds, or read back: 0.0)."""
        with self._lock:
            done = self.step - self.start_step
            spent = time.time() - self.train_started if self.train_started else 0.0
            rate = done / spent if done > 0 and spent > 0 else 0.0
            eta = (self.max_steps - self.step) / rate if rate > 0 and self.max_steps >= self.step else None
            return {"step": self.step, "max_steps": self.max_steps, "epoch": round(self.epoch, 4),
                    "samples_per_second": round(rate * self.samples_per_step, 2),
                    "eta_s": round(eta, 1) if eta is not None else None, "stage": dict(self._stage),
                    "stage_s": self._seconds_by_stage(), "stage_cpu_s": self._cpu_by_stage(),
                    "shared_s": dict(self.shared_s)}


def best_step(points, metric: str, greater_is_better: bool) -> int | None:
    """The step of the best evaluation during training, as the Trainer picks it (load_best_model_at_end): the first
    strict improvement of `eval_<metric>` wins; None when no evaluation has it."""
    key = metric if metric.startswith("eval_") else f"eval_{metric}"
    best, step = None, None
    for point in sorted((p for p in points if p.get("kind") == "eval"), key=lambda p: p.get("step", 0)):
        value = point.get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            continue
        if best is None or (value > best if greater_is_better else value < best):
            best, step = value, int(point["step"])
    return step


def kept_step(config, points) -> int | None:
    """The step whose checkpoint is the run's model when the config keeps the best one (else None)."""
    if not getattr(config, "load_best_model_at_end", False):
        return None
    metric = config.metric_for_best_model
    return best_step(points, metric, rules.greater_is_better(metric))
