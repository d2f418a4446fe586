"""Run one training job in a child process, the job manager's default (bench/RESULTS.md, section 5).

A training thread inside the web server shares the GIL with it: every torch op gives the GIL up and waits
to get it back behind the server's Python threads, so 20 busy browser sessions cut training to a fraction
of its speed and the pages still wait on the CPU. A child process has its own interpreter. It also means an
out-of-memory kill or a crash in native code ends the run, not the app serving everyone else.

The child runs core.training.trainer.run as the thread path does. Its recorder writes metrics.jsonl and sends
every change (records, samples, progress, phase, device, baseline and final metrics) as a (name, payload) message
over a multiprocessing queue; the parent replays each by name on the job's own MetricsRecorder (the recorder's
@message methods are the protocol), which answers the live charts from memory, so readers see no difference. Stop goes over a multiprocessing Event and takes effect at the next step, with a checkpoint.

Starting a Python with torch, transformers and datasets takes 2-4 s, so the app keeps one spare process warm
(prewarm(), called by app.main()): it has done its imports and waits for a job. Each job gets a fresh
process (nothing leaks from run to run); the next spare starts when a job takes this one, so it has the whole run
to do its imports: started when a job ended, it was still importing when the next queued job took it (a class's
runs after the first started 12-18 s cold under load, bench/RESULTS.md §14b, and the first one's time then
misjudged theirs).
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import queue as queue_mod
import signal
import threading
import time
from pathlib import Path

import psutil

from core.jobs.failures import describe_error, exit_reason
from core.runs.store import get_store
from core.settings import get_settings, set_settings
from core.training.recorder import MetricsRecorder, dispatch
from core.training.trainer import is_main_process, run

log = logging.getLogger(__name__)

POLL_S = 0.2
# The messages that end a run (the relay loop stops at one): ("result", {"state"}) and ("error", {"reason"}). Every
# other message is a recorder change, replayed by name on the parent's recorder (core.training.recorder.dispatch).
OUTCOMES = ("result", "error")


class TrainingProcessError(ValueError):
    """The child ended the run with a reason meant for people (already worded by describe_error)."""

    worded = True


def forwarder(channel):
    """The child's one forwarder: sends each (name, payload) the recorder gives it to the parent over channel."""
    def send(name: str, payload: dict) -> None:
        channel.put((name, payload))

    return send


def _child(nice: int, inbox, ready, stop, channel, parent_pid: int) -> None:
    """The child process: import, wait for one job, train, then send ("result", {"state"}) or ("error", {"reason"}).

    Its recorder writes metrics.jsonl (the run's one writer of it: the parent keeps its copy in memory only) and
    forwards every change to the parent. The child writes the file, not the parent, so a record is on disk even
    when the app dies mid-run: the child then stops with a checkpoint, and the step it stopped at keeps its loss
    for a resume.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is the parent's to handle
    if nice > 0 and hasattr(os, "nice"):
        os.nice(nice)  # pages first: a busy server takes the CPU back at once (the imports below included)
    import datasets  # noqa: F401  - the slow imports, done before a job arrives
    import evaluate  # noqa: F401
    import torch  # the slow imports, done before a job arrives (torch also sets the pool's threads below)
    from transformers import (AutoModelForSequenceClassification, AutoTokenizer,  # noqa: F401
                              DataCollatorWithPadding, Trainer, TrainingArguments)

    ready.set()
    while True:  # a spare: wait for the job, or leave when the app has gone or no longer needs us
        try:
            job = inbox.get(timeout=2.0)
            break
        except queue_mod.Empty:
            if os.getppid() != parent_pid:
                return
    if job is None:
        return
    config, run_dir, resume, settings, threads = job  # the parent's checked TrainConfig, pickled: no second parse
    set_settings(settings)
    if threads > 0:  # the worker pool's share of the cores (core.jobs.pool): runs at once never oversubscribe them
        torch.set_num_threads(threads)

    orphaned = threading.Event()

    def orphan_watch():  # the app went away without stopping us: stop cleanly (checkpoint) and exit
        while not stop.wait(2.0):
            if os.getppid() != parent_pid:
                orphaned.set()
                stop.set()

    threading.Thread(target=orphan_watch, daemon=True).start()
    try:
        recorder = MetricsRecorder(_metrics_writer(Path(run_dir)), send=forwarder(channel))
        result = run(config, Path(run_dir), stop_event=stop, resume=resume, recorder=recorder)
        channel.put(("result", {"state": result["state"]}))
    except BaseException as err:  # noqa: BLE001 - whatever ends the run is reported to the parent
        logging.getLogger("core.training").exception("training failed")
        channel.put(("error", {"reason": describe_error(err, config)}))
    finally:
        channel.close()
        if orphaned.is_set() or os.getppid() != parent_pid:
            channel.cancel_join_thread()  # nobody reads the pipe any more: do not wait for it to drain
        else:
            channel.join_thread()  # everything sent has reached the pipe before the process exits


def _metrics_writer(run_dir: Path):
    """Appends to the run's metrics.jsonl through the run store (on the main process of a distributed run only)."""
    if not is_main_process():
        return None
    return functools.partial(get_store(run_dir.parent).append_metric, run_dir.name)


def receive(recorder: MetricsRecorder, message: tuple) -> tuple | None:
    """The parent's one dispatcher: an outcome message is returned (the run has ended), any other is replayed on
    the parent's recorder by name."""
    name, payload = message
    if name in OUTCOMES:
        return message
    if not dispatch(recorder, name, payload):
        log.warning("ignored an unknown message from the training process: %r", name)
    return None


class _Worker:
    """A spawned training process and its pipes: inbox (the job), ready (imports done), stop, channel."""

    def __init__(self):
        ctx = multiprocessing.get_context("spawn")  # never fork a web server with live threads
        self.inbox, self.ready, self.stop, self.channel = ctx.Queue(), ctx.Event(), ctx.Event(), ctx.Queue()
        self.proc = ctx.Process(target=_child, name="training", daemon=True,
                                args=(get_settings().training_nice, self.inbox, self.ready, self.stop,
                                      self.channel, os.getpid()))
        self.proc.start()

    def dismiss(self) -> None:
        self.inbox.put(None)
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.kill()


_spare_lock = threading.Lock()
_spare: _Worker | None = None
_keep_warm = False


def prewarm(keep: bool = True) -> None:
    """Start a spare training process now (if none is alive), and one after every job when keep."""
    global _spare, _keep_warm
    with _spare_lock:
        _keep_warm = _keep_warm or keep
        if _spare is None or not _spare.proc.is_alive():
            _spare = _Worker()


def wait_warm(timeout: float = 60.0) -> bool:
    """Block until the spare has done its imports (benchmarks use it to start timing on equal terms)."""
    with _spare_lock:
        spare = _spare
    return spare is not None and spare.ready.wait(timeout)


def shutdown() -> None:
    """Dismiss the spare and stop keeping one (tests; the app's spare leaves with the app)."""
    global _spare, _keep_warm
    with _spare_lock:
        spare, _spare, _keep_warm = _spare, None, False
    if spare is not None:
        spare.dismiss()


def _take() -> _Worker:
    """The warm spare if there is a live one, else a new process."""
    global _spare
    with _spare_lock:
        worker, _spare = _spare, None
    if worker is None or not worker.proc.is_alive():
        worker = _Worker()
    return worker


def run_in_process(config, run_dir, stop_event: threading.Event, resume: bool, recorder: MetricsRecorder,
                   threads: int = 0) -> dict:
    """Train in a child process (with `threads` torch threads; 0: torch's default) while this thread relays its
    messages; returns {"state": ...} like run().

    Raises TrainingProcessError with the child's reason when the run fails or the child dies.
    """
    worker = _take()
    if _keep_warm:
        prewarm()  # the next job's process imports while this one trains (a queue's next job starts warm)
    proc, channel, stop = worker.proc, worker.channel, worker.stop
    worker.inbox.put((config, str(run_dir), resume, get_settings(), threads))
    outcome: tuple | None = None
    memory = MemoryWatch(proc.pid)
    recorder.cpu_clock = memory.cpu_seconds  # each stage's share of a core (the class's estimates)
    try:
        while outcome is None:
            memory.sample()
            if stop_event.is_set() and not stop.is_set():
                stop.set()
            try:
                message = channel.get(timeout=POLL_S)
            except queue_mod.Empty:
                if not proc.is_alive():
                    outcome = _drain(channel, recorder)
                    break
                continue
            outcome = receive(recorder, message)
    finally:
        recorder.cpu_clock = None
        proc.join(timeout=30)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=10)
        channel.close()
        worker.inbox.close()
        if _keep_warm:
            prewarm()  # the spare died or was dismissed: a new one (else a no-op)
    if outcome is None:
        raise TrainingProcessError(exit_reason(proc.exitcode, memory.peak_rss, memory.total, memory.least_available))
    if outcome[0] == "error":
        raise TrainingProcessError(outcome[1]["reason"])
    return {"state": outcome[1]["state"], "baseline": recorder.baseline, "final": recorder.final, "run_dir": str(run_dir)}


class MemoryWatch:
    """The child's memory as the relay loop sees it, so a kill can be explained (failures.exit_reason), and its CPU
    time."""

    def __init__(self, pid: int):
        self.total = psutil.virtual_memory().total
        self.peak_rss, self.least_available = 0, self.total
        try:
            self._proc = psutil.Process(pid)
        except psutil.Error:
            self._proc = None

    def sample(self) -> None:
        if self._proc is None:
            return
        try:
            self.peak_rss = max(self.peak_rss, self._proc.memory_info().rss)
        except psutil.Error:  # it has just exited: keep what was seen
            return
        self.least_available = min(self.least_available, psutil.virtual_memory().available)

    def cpu_seconds(self) -> float | None:
        """The child's CPU seconds so far (user and system), or None once it has gone."""
        try:
            times = self._proc.cpu_times() if self._proc is not None else None
        except psutil.Error:
            return None
        return times.user + times.system if times is not None else None


def _drain(channel, recorder: MetricsRecorder) -> tuple | None:
    """Messages the child sent just before it exited; its result if one was among them."""
    deadline, outcome = time.time() + 2.0, None
    while time.time() < deadline:
        try:
            message = channel.get(timeout=0.1)
        except queue_mod.Empty:
            break
        outcome = receive(recorder, message) or outcome
    return outcome
