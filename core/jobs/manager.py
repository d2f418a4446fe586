"""The job manager: a pool of worker threads (core.jobs.pool: how many, and each run's torch threads) takes training
jobs from a queue that gives turns by share (core.jobs.fair_queue); each trains in a child process
(core.jobs.child_process) unless TRAINING_PROCESS=0, or inline in a ZeroGPU request.

Callers never block: start/stop/cancel/resume only change state under a lock; snapshot() reads memory only
(no disk) for a live job, so many browsers can poll it every second.

Beside it: who may queue or change a run (core.jobs.admission), the ZeroGPU path's runs in the calling request
(core.jobs.inline_runs), and runs read back from their folders (core.jobs.stored).
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from core.jobs import zerogpu
from core.jobs.admission import check_owner, check_room, check_share_room, check_visitor_room
from core.jobs.fair_queue import FairQueue
from core.jobs.inline_runs import InlineRuns
from core.jobs.job import TERMINAL_STATES, Job, execute_job, load_resume, status_of
from core.jobs.pool import PoolPlan, gpu_need, plan_pool, single
from core.jobs.stored import stored_seconds, stored_snapshot, stored_state
from core.messages import N_, UserError
from core.ownership import may_change
from core.runs import visibility
from core.runs.store import RunStore, get_store
from core.settings import get_settings
from core.training.config import TrainConfig
from core.training.recorder import MetricsRecorder, kept_step

log = logging.getLogger(__name__)

KEEP_FINISHED = 32  # finished jobs kept in memory; older ones are read back from their run folder
STATUS_EVERY_S = 2.0


class JobManager(InlineRuns):
    """The queue of training jobs (turns by share) and the worker threads that run them (pool.workers at once)."""

    def __init__(self, store: RunStore, max_queue: int | None = None, inline: bool | None = None,
                 isolate: bool | None = None, pool: PoolPlan | None = None):
        self.store = store
        self.max_queue = get_settings().max_queue if max_queue is None else max_queue
        # inline: no worker thread; each job runs in the request that calls run_inline (ZeroGPU Spaces)
        self.inline = zerogpu.enabled() if inline is None else inline
        # isolate: each job trains in a child process (TRAINING_PROCESS); a ZeroGPU job must stay in the
        # @spaces.GPU call that holds the GPU, so inline jobs never are
        self.isolate = (get_settings().training_process if isolate is None else isolate) and not self.inline
        self._cond = threading.Condition()
        self._queue = FairQueue()
        self._jobs: dict[str, Job] = {}
        # one run at a time unless given a pool (get_manager() plans one from the machine: core.jobs.pool)
        self.pool = pool if pool is not None else single()
        self._active: set[str] = set()
        self._workers: list[threading.Thread] = []
        store.mark_interrupted()

    def prewarm(self) -> None:
        """Keep a training process ready (app start-up), so Start trains without 2-4 s of imports."""
        if self.isolate and get_settings().training_enabled:
            from core.jobs import child_process  # imported here: it pulls in multiprocessing machinery

            child_process.prewarm()

    # ------------------------------------------------------------- commands

    def start(self, config: TrainConfig, owner: str = "", share: str = "", reserved: bool = False) -> str:
        """Queue a new run owned by owner, counted against share (fair turns and limits); returns its job id (==
        run id). ValueError when refused.

        reserved: a class's run (core.classes), which has its place already: the class's size bounds it instead of
        MAX_QUEUE and MAX_JOBS_PER_ADDRESS (a class often sits behind one school address); the per-visitor limit
        still holds."""
        config.check_access(owner)
        config.check_limits()
        need = gpu_need(config) if self.pool.device == "cuda" else None
        with self._cond:
            if not reserved:
                check_room(len(self._queue), self.max_queue)
                check_share_room(self._jobs.values(), share)
            check_visitor_room(self._jobs.values(), owner)
            run_id = self.store.new_run(config.to_dict(), owner)
            self._enqueue(Job(run_id, config, owner, share=share, gpu_bytes=need))
        return run_id

    def resume(self, run_id: str, owner: str = "", admin: bool = False, share: str = "") -> str:
        """Queue a stopped/failed/interrupted run to continue from its last checkpoint (its owner only)."""
        self.store.path(run_id)  # a run id, or a message naming the fix (a raw client may send anything)
        with self._cond:
            job = self._jobs.get(run_id)
            if job is not None and job.state not in TERMINAL_STATES:
                raise UserError("Run {run!r} is already {state}", run=run_id, state=job.state)
            run_owner = job.owner if job is not None else self.owner_of(run_id)
            check_owner(run_owner, owner, admin, N_("resume"))
            check_room(len(self._queue), self.max_queue)
            check_visitor_room(self._jobs.values(), run_owner)
            check_share_room(self._jobs.values(), share)
            config, points = load_resume(self.store, run_id, job.state if job is not None else None)
            config.check_access(run_owner)
            config.check_limits()
            need = job.gpu_bytes if job is not None else None
            self._enqueue(Job(run_id, config, run_owner, resume=True, share=share, gpu_bytes=need), points)
        return run_id

    def stop(self, job_id: str, owner: str = "", admin: bool = False) -> str:
        """Stop a running job after its current step (a checkpoint is saved); a queued one is cancelled."""
        self.store.path(job_id)
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None:
                return stored_state(self.store, job_id)
            if not get_settings().allow_any_stop:
                check_owner(job.owner, owner, admin, N_("stop"))
            if job.state == "queued":
                return self._cancel(job)
            if job.state == "running":
                job.state = "stopping"
                job.stop_event.set()
        self._write_status(job, force=True)
        return job.state

    def cancel(self, job_id: str, owner: str = "", admin: bool = False) -> str:
        """Take a queued job out of the queue (it ends 'stopped' without having trained)."""
        self.store.path(job_id)
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None or job.state != "queued":
                state = job.state if job else stored_state(self.store, job_id)
                raise UserError("Job {job!r} is {state}, not queued: use stop for a running job", job=job_id, state=state)
            if not get_settings().allow_any_stop:
                check_owner(job.owner, owner, admin, N_("stop"))
            return self._cancel(job)

    def delete(self, run_id: str, owner: str = "", admin: bool = False) -> None:
        """Remove a finished run's folder (its owner only; a queued or running one must be stopped first)."""
        self.store.path(run_id)
        with self._cond:
            job = self._jobs.get(run_id)
            check_owner(job.owner if job is not None else self.owner_of(run_id), owner, admin, N_("delete"))
            if job is not None and job.state not in TERMINAL_STATES:
                raise UserError("Run {run!r} is {state}: stop it before deleting it", run=run_id, state=job.state)
            self.store.delete(run_id)
            self._jobs.pop(run_id, None)

    def owner_of(self, run_id: str) -> str:
        """The owner key a run records (status.json), "" when it has none."""
        job = self._jobs.get(run_id)
        if job is not None:
            return job.owner
        if not self.store.exists(run_id):
            raise UserError("Run {run!r} was not found: pick one from the runs list", run=run_id)
        return str(self.store.read_status(run_id).get("owner") or "")

    def may_change(self, run_id: str, owner: str, admin: bool = False) -> bool:
        """Whether this caller may stop, resume, delete or push the run (core.ownership)."""
        return may_change(self.owner_of(run_id), owner, admin)

    # ------------------------------------------------------------- queries

    def active_job_id(self) -> str | None:
        """The job that started training last of those training now (running or stopping), or None."""
        active = self.active_job_ids()
        return active[-1] if active else None

    def active_job_ids(self) -> list[str]:
        """The jobs training now (running or stopping), oldest start first."""
        with self._cond:
            jobs = [self._jobs[j] for j in self._active if j in self._jobs]
            return [j.job_id for j in sorted(jobs, key=lambda j: j.started or 0) if j.state in ("running", "stopping")]

    def live_job_of(self, owner: str) -> str | None:
        """The newest queued, running or stopping job of this owner (a reloaded page finds it again)."""
        if not owner:
            return None
        with self._cond:
            live = [j for j in self._jobs.values() if j.owner == owner and j.state not in TERMINAL_STATES]
            return max(live, key=lambda j: j.created).job_id if live else None

    def live_snapshot(self, job_id: str) -> dict | None:
        """snapshot() without curve points for a job this process holds in memory; None for others (no disk read)."""
        with self._cond:
            known = job_id in self._jobs
        return self.snapshot(job_id, 1 << 62) if known else None

    def live_state(self, job_id: str) -> str:
        """A run's state: from memory, else its status.json."""
        with self._cond:
            job = self._jobs.get(job_id)
            if job is not None:
                return job.state
        return stored_state(self.store, job_id)

    def run_seconds(self, job_id: str, less_shared: bool = False) -> float | None:
        """How long a finished ("done") run took from start to end, its process start-up included; else None.
        less_shared: less the shared untrained work it computed, which the runs after it read back."""
        with self._cond:
            job = self._jobs.get(job_id)
        if job is None:
            return stored_seconds(self.store, job_id, less_shared)
        if job.state != "done" or not job.started or not job.finished:
            return None
        return job.finished - job.started - (sum(job.recorder.shared_s.values()) if less_shared else 0.0)

    def queue(self) -> list[str]:
        """Job ids waiting, next first."""
        with self._cond:
            return list(self._queue)

    def wait(self, job_id: str, timeout: float | None = None) -> str:
        """Block until the job ends or timeout seconds pass; returns its state then."""
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None:
                return stored_state(self.store, job_id)
            self._cond.wait_for(lambda: job.state in TERMINAL_STATES, timeout)
            return job.state

    def snapshot(self, job_id: str, since_step: int = -1, hold: bool = True) -> dict:
        """Progress and the metric records with step > since_step; memory only for a job this process runs.

        hold: keep back the records of the step in progress, for a reader that asks only for steps after the last it
        saw (a later record of that step would be missed); one that reads every record each time (the class board)
        passes False and sees an evaluation as soon as it is made."""
        with self._cond:
            job = self._jobs.get(job_id) if isinstance(job_id, str) else None
            # a job just taken by the worker is still "queued" for a moment but no longer in the deque
            position = self._queue.index(job_id) + 1 if job is not None and job_id in self._queue else 0
        if job is None:  # the store checks the id (a job in memory has a checked one: no path resolved per tick)
            return stored_snapshot(self.store, job_id, since_step)
        progress = job.recorder.progress()
        live = job.state in ("running", "stopping")
        # Records of the step in progress may still grow (its eval follows its train log): hold them back.
        points = job.recorder.points(since_step, before_step=progress["step"] if live and hold else None)
        end = job.finished or time.time()
        return {"job_id": job.job_id, "run_name": job.config.run_name or job.job_id, "state": job.state,
                **progress, "elapsed_s": round(end - job.started, 1) if job.started else 0.0,
                "eta_s": progress["eta_s"] if live else None, "queue_position": position,
                "device": job.recorder.device, "error": job.error, "baseline": dict(job.recorder.baseline),
                "final": dict(job.recorder.final), "points": points, "samples": job.recorder.samples(),
                "best_step": kept_step(job.config, job.recorder.evaluations())}

    def view(self, job_id: str, since_step: int = -1, caller: str = "", admin: bool = False) -> dict:
        """snapshot() as this caller may see it (core.runs.visibility): what another visitor's run learned from
        their own data, and why it failed, stay theirs; the counts and curves are everyone's."""
        snap = self.snapshot(job_id, since_step)
        return visibility.shown_snapshot(snap, visibility.may_see_data(self.store, job_id, caller, admin),
                                         self.may_change(job_id, caller, admin))

    # ------------------------------------------------------------- internals

    def _enqueue(self, job: Job, points=()) -> None:
        job.created = self.store.read_status(job.job_id).get("created") or job.created  # a resume keeps it
        # metrics.jsonl has one writer: the training child process when jobs are isolated, else this recorder
        write = None if self.isolate else functools.partial(self.store.append_metric, job.job_id)
        job.recorder = MetricsRecorder(write, points, on_record=lambda record: self._on_record(job, record))
        self._jobs[job.job_id] = job
        self._queue.append(job.job_id, job.share)
        job.hold_data()
        self._forget_old_jobs()
        self._write_status(job, force=True)
        self._workers = [w for w in self._workers if w.is_alive()]
        if not self.inline and len(self._workers) < self.pool.workers:
            worker = threading.Thread(target=self._work, name=f"training-worker-{len(self._workers)}", daemon=True)
            self._workers.append(worker)
            worker.start()
        self._cond.notify_all()

    def _cancel(self, job: Job) -> str:
        self._queue.remove(job.job_id)
        job.release_data()
        job.state, job.error, job.finished = "stopped", "Cancelled before it started", time.time()
        self._write_status(job, force=True)
        self._cond.notify_all()
        return job.state

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(self._next_fits)
                job = self._jobs[self._queue.popleft()]
                self._active.add(job.job_id)
            self._execute(job)

    def _next_fits(self) -> bool:
        """Whether the next job may start now: one is waiting and, on a GPU, it fits beside the running ones."""
        first = self._queue.peek()
        if first is None:
            return False
        running = [self._jobs[j].gpu_bytes for j in self._active if j in self._jobs]
        return self.pool.admits(self._jobs[first].gpu_bytes, running)

    def _execute(self, job: Job) -> None:
        try:
            execute_job(self.store, job, self._cond, isolate=self.isolate, threads=self.pool.threads)
        except Exception:  # noqa: BLE001 - a bug here must not kill the worker and strand the queue
            log.exception("job %s could not be finished cleanly", job.job_id)
            with self._cond:
                job.state, job.error = "failed", job.error or "Internal error: see the server log"
                job.finished = job.finished or time.time()  # its elapsed time stops (the class board keys on it)
        finally:
            job.release_data()
            with self._cond:
                self._active.discard(job.job_id)
                self._cond.notify_all()

    def _on_record(self, job: Job, record: dict) -> None:
        self._write_status(job, force=record.get("kind") != "train")

    def _write_status(self, job: Job, force: bool = False) -> None:
        now = time.time()
        if force or now - job.last_status >= STATUS_EVERY_S:
            job.last_status = now
            self.store.write_status(job.job_id, status_of(job))

    def _forget_old_jobs(self) -> None:
        finished = [j for j in self._jobs.values() if j.state in TERMINAL_STATES]
        for job in sorted(finished, key=lambda j: j.finished or 0)[:-KEEP_FINISHED or None]:
            del self._jobs[job.job_id]


# ----------------------------------------------------------------- process singleton

_manager: JobManager | None = None
_manager_lock = threading.Lock()


def get_manager() -> JobManager:
    """The job manager of this process, on the runs folder and queue size of core.settings."""
    global _manager
    with _manager_lock:
        if _manager is None:
            settings = get_settings()
            inline = zerogpu.enabled()
            pool = plan_pool(settings.training_process and not inline, inline)
            log.info("worker pool: %s", pool.reason)
            _manager = JobManager(get_store(), settings.max_queue, pool=pool)
        return _manager
