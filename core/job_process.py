"""Run one training job in a child process, the job manager's default (bench/RESULTS.md, section 5).

A training thread inside the web server shares the GIL with it: every torch op gives the GIL up and waits
to get it back behind the server's Python threads, so 20 busy browser sessions cut training to a fraction
of its speed and the pages still wait on the CPU. A child process has its own interpreter. It also means an
out-of-memory kill or a crash in native code ends the run, not the app serving everyone else.

The child runs core.training.run as the thread path does. Its recorder forwards every change (records,
progress, phase, device, baseline and final metrics) over a multiprocessing queue; the parent applies them
to the job's own MetricsRecorder, which writes metrics.jsonl and answers the live charts, so readers see
no difference. Stop goes over a multiprocessing Event and takes effect at the next step, with a checkpoint.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue as queue_mod
import signal
import threading
import time
from pathlib import Path

from core.metrics import MetricsRecorder

log = logging.getLogger(__name__)

FORWARDED_ATTRS = ("phase", "device", "baseline", "final", "last_eval")
POLL_S = 0.2


class TrainingProcessError(ValueError):
    """The child ended the run with a reason meant for people (already worded by describe_error)."""

    worded = True


class ForwardingRecorder(MetricsRecorder):
    """The child's recorder: keeps what training reads back, and sends every change to the parent."""

    def __init__(self, channel):
        object.__setattr__(self, "_channel", channel)
        object.__setattr__(self, "_forwarding", False)
        super().__init__(None)  # the parent's recorder writes metrics.jsonl: one writer per file
        self._forwarding = True

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if name in FORWARDED_ATTRS and self._forwarding:
            self._channel.put(("attr", name, value))

    def add(self, record: dict) -> None:
        super().add(record)
        self._channel.put(("add", record))

    def begin_training(self, step: int, max_steps: int, samples_per_step: int) -> None:
        super().begin_training(step, max_steps, samples_per_step)
        self._channel.put(("call", "begin_training", (step, max_steps, samples_per_step)))

    def set_progress(self, step: int, max_steps: int, epoch: float | None) -> None:
        super().set_progress(step, max_steps, epoch)
        self._channel.put(("call", "set_progress", (step, max_steps, epoch)))


def _child(config_dict: dict, run_dir: str, resume: bool, settings, stop, channel, parent_pid: int) -> None:
    """The child process: train, then send ("result", state) or ("error", reason)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is the parent's to handle
    from core.jobs import describe_error
    from core.settings import set_settings
    from core.train_config import TrainConfig
    from core.training import run

    set_settings(settings)
    if settings.training_nice > 0 and hasattr(os, "nice"):
        os.nice(settings.training_nice)  # pages first: a busy server takes the CPU back at once
    config = TrainConfig.from_dict(config_dict)

    orphaned = threading.Event()

    def orphan_watch():  # the app went away without stopping us: stop cleanly (checkpoint) and exit
        while not stop.wait(2.0):
            if os.getppid() != parent_pid:
                orphaned.set()
                stop.set()

    threading.Thread(target=orphan_watch, daemon=True).start()
    try:
        result = run(config, Path(run_dir), stop_event=stop, resume=resume, recorder=ForwardingRecorder(channel))
        channel.put(("result", result["state"]))
    except BaseException as err:  # noqa: BLE001 - whatever ends the run is reported to the parent
        logging.getLogger("core.training").exception("training failed")
        channel.put(("error", describe_error(err, config)))
    finally:
        channel.close()
        if orphaned.is_set() or os.getppid() != parent_pid:
            channel.cancel_join_thread()  # nobody reads the pipe any more: do not wait for it to drain
        else:
            channel.join_thread()  # everything sent has reached the pipe before the process exits


def _apply(recorder: MetricsRecorder, message: tuple) -> None:
    kind = message[0]
    if kind == "add":
        recorder.add(message[1])
    elif kind == "attr":
        setattr(recorder, message[1], message[2])
    elif kind == "call" and message[1] in ("begin_training", "set_progress"):
        getattr(recorder, message[1])(*message[2])


def exit_reason(code: int | None) -> str:
    """Why a child that never reported back ended, in words that name the fix."""
    if code is not None and code < 0 and -code == getattr(signal, "SIGKILL", 9):
        return ("The training process was killed (exit signal SIGKILL), most likely out of memory: lower "
                "batch_size or max_length, or train on fewer rows")
    return (f"The training process ended without a result (exit code {code}): see the server log; the run can "
            "be resumed from its last checkpoint")


def run_in_process(config, run_dir, stop_event: threading.Event, resume: bool, recorder: MetricsRecorder) -> dict:
    """Train in a spawned child while this thread relays its messages; returns {"state": ...} like run().

    Raises TrainingProcessError with the child's reason when the run fails or the child dies.
    """
    from core.settings import get_settings

    ctx = multiprocessing.get_context("spawn")  # never fork a web server with live threads
    channel, stop = ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=_child, name="training", daemon=True,
                       args=(config.to_dict(), str(run_dir), resume, get_settings(), stop, channel, os.getpid()))
    proc.start()
    outcome: tuple | None = None
    try:
        while outcome is None:
            if stop_event.is_set() and not stop.is_set():
                stop.set()
            try:
                message = channel.get(timeout=POLL_S)
            except queue_mod.Empty:
                if not proc.is_alive():
                    outcome = _drain(channel, recorder)
                    break
                continue
            if message[0] in ("result", "error"):
                outcome = message
            else:
                _apply(recorder, message)
    finally:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=10)
        channel.close()
    if outcome is None:
        raise TrainingProcessError(exit_reason(proc.exitcode))
    if outcome[0] == "error":
        raise TrainingProcessError(outcome[1])
    return {"state": outcome[1], "baseline": recorder.baseline, "final": recorder.final, "run_dir": str(run_dir)}


def _drain(channel, recorder: MetricsRecorder) -> tuple | None:
    """Messages the child sent just before it exited; its result if one was among them."""
    deadline, outcome = time.time() + 2.0, None
    while time.time() < deadline:
        try:
            message = channel.get(timeout=0.1)
        except queue_mod.Empty:
            break
        if message[0] in ("result", "error"):
            outcome = message
        else:
            _apply(recorder, message)
    return outcome
