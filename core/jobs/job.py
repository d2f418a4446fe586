"""One training job: its in-memory state, how it runs to its end (done, stopped or failed) keeping status.json
current, and the reason a person reads when it fails. The job manager and the command line both use it."""

from __future__ import annotations

import functools
import gc
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field

from core.data import uploads
from core.jobs import child_process
from core.jobs.failures import describe_error
from core.messages import UserError
from core.runs.store import RESUMABLE_STATES, RunStore, checkpoint_step
from core.task_registry import task_of
from core.training import trainer
from core.training.config import TrainConfig
from core.training.recorder import MetricsRecorder, best_value, kept_step

log = logging.getLogger(__name__)

TERMINAL_STATES = ("stopped", "done", "failed", "interrupted")


@dataclass
class Job:
    """One training run on its way through the queue; job_id == run_id."""

    job_id: str
    config: TrainConfig
    owner: str = ""
    resume: bool = False
    share: str = ""  # whose fair share it counts against (core.jobs.fair_queue)
    gpu_bytes: int | None = None  # its Before Start estimate on a GPU (core.jobs.pool); None: unknown or a CPU
    paused: bool = False  # stopped by a ZeroGPU call's time limit, to go on in the next call (core.jobs.zerogpu)
    state: str = "queued"
    error: str = ""
    stop_event: threading.Event = field(default_factory=threading.Event)
    recorder: MetricsRecorder = field(default_factory=MetricsRecorder)
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S"))
    started: float | None = None
    finished: float | None = None
    last_status: float = 0.0

    def upload(self) -> str:
        """The upload id this job reads ("" for other data): a DatasetSource, or its dict in older configs."""
        dataset = self.config.dataset
        found = dataset if isinstance(dataset, dict) else vars(dataset) if hasattr(dataset, "__dict__") else {}
        return str(found.get("upload") or "") if found.get("kind") == "upload" else ""

    def hold_data(self) -> None:
        """A queued job's upload must outlive the uploads' total cap until the job ends (core.data.uploads)."""
        if self.upload():
            uploads.hold(self.upload())

    def release_data(self) -> None:
        if self.upload():
            uploads.release(self.upload())


def free_memory() -> None:
    """Give back what a finished job held, so the next one starts from a clean device."""
    gc.collect()
    import torch  # slow import, deferred to first use

    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def status_of(job: Job) -> dict:
    """The status.json of a job: what the runs list and a restarted app read back."""
    progress = job.recorder.progress()
    metric, lowest = task_of(job.config).best_metric(job.config)  # a causal LM's: its lowest eval perplexity
    return {"state": job.state, "run_name": job.config.run_name or job.job_id, "owner": job.owner,
            "created": job.created,
            "started": job.started, "finished": job.finished, "error": job.error,
            "step": progress["step"], "max_steps": progress["max_steps"], "epoch": progress["epoch"],
            "device": job.recorder.device, "best_metric": best_value(job.recorder.points(), metric, lowest=lowest),
            "best_metric_name": metric, "pid": os.getpid(), "host": socket.gethostname(),
            "best_step": kept_step(job.config, job.recorder.evaluations()),
            # the time each stage took and the shared untrained work it did: a class's estimates after a restart, and
            # the calibration of the stages after the last step (bench/classroom.py reads them)
            "stage_s": progress["stage_s"], "stage_cpu_s": progress["stage_cpu_s"], "shared_s": progress["shared_s"]}


def execute_job(store: RunStore, job: Job, cond: threading.Condition, write: bool = True,
                isolate: bool = False, threads: int = 0) -> None:
    """Run one job to its end (done, stopped or failed), keeping its state and status.json current.

    isolate: train in a child process (core.jobs.child_process) instead of the calling thread, with `threads` torch
    threads (0: torch's default; the worker pool sets it so runs at once stay within the cores).
    """
    with cond:
        job.state, job.started = "running", time.time()
    if write:
        store.write_status(job.job_id, status_of(job))
    try:
        run = functools.partial(child_process.run_in_process, threads=threads) if isolate else trainer.run
        result = run(job.config, store.path(job.job_id), stop_event=job.stop_event, resume=job.resume,
                     recorder=job.recorder)
        outcome, error = result["state"], ""
    except Exception as err:  # noqa: BLE001 - any failure ends this job only; the reason is stored and shown
        log.exception("job %s failed", job.job_id)
        outcome, error = "failed", describe_error(err, job.config)
    free_memory()
    finished = time.time()
    if write:  # on disk before waiters wake, so whoever wait()s reads the final status
        store.write_status(job.job_id, {**status_of(job), "state": outcome, "error": error, "finished": finished})
    with cond:
        job.state, job.error, job.finished = outcome, error, finished
        cond.notify_all()


def load_resume(store: RunStore, run_id: str, state: str | None = None) -> tuple[TrainConfig, list[dict]]:
    """Check a run can be resumed; drop its records past the last checkpoint (they will be logged again).

    state: the state this process holds for the run, which is newer than status.json right after a job ends.
    """
    config = TrainConfig.from_stored(store.read_config(run_id))
    state = state or store.read_status(run_id).get("state")
    if state not in RESUMABLE_STATES:
        raise UserError("Run {run!r} is {state}: only a stopped, failed or interrupted run can be resumed", run=run_id,
                        state=state)
    store.truncate_metrics(run_id, checkpoint_step(store.latest_checkpoint(run_id)))
    store.truncate_samples(run_id, checkpoint_step(store.latest_checkpoint(run_id)))
    return config, store.read_metrics(run_id)
