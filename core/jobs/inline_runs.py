"""Runs trained in the calling request, not by a worker thread: the ZeroGPU path (core.jobs.zerogpu), where the GPU
is lent per call. A call has a time limit: the run pauses at its next step with a checkpoint before it, and the next
call continues it (the same run, owner and share: one set of curves).

A mixin of the job manager (core.jobs.manager.JobManager): it uses the manager's lock (_cond), its jobs, queue and
active set, its store, and its _execute and _enqueue.
"""

from __future__ import annotations

import threading

from core.jobs.job import Job, load_resume
from core.jobs.stored import stored_state


class InlineRuns:
    """run_inline, paused_at_limit and continue_run of the job manager."""

    def run_inline(self, job_id: str, limit_s: float | None = None) -> str:
        """Run a queued job in the calling thread once it is first in line (the ZeroGPU path); returns its end state.

        limit_s: the time this call may train (a ZeroGPU call's limit less a margin); then the run stops at its next
        step with a checkpoint, paused (paused_at_limit), for continue_run to queue it for the next call."""
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None:
                return stored_state(self.store, job_id)
            self._cond.wait_for(lambda: job.state != "queued" or (self._queue.peek() == job_id and not self._active))
            if job.state != "queued":  # cancelled while it waited
                return job.state
            self._queue.popleft()
            self._active.add(job_id)
        timer = threading.Timer(limit_s, self._pause, (job,)) if limit_s else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            self._execute(job)
        finally:
            if timer is not None:
                timer.cancel()
        return job.state

    def _pause(self, job: Job) -> None:
        with self._cond:
            if job.state == "running":
                job.paused = True
                job.stop_event.set()

    def paused_at_limit(self, job_id: str) -> bool:
        """Whether run_inline's time limit (not a person) stopped this run."""
        with self._cond:
            job = self._jobs.get(job_id)
            return job is not None and job.paused and job.state == "stopped"

    def continue_run(self, run_id: str) -> None:
        """Queue a run its call's time limit paused to go on from its checkpoint: same run (one set of curves), same
        owner and share, no room checks (it had its place)."""
        with self._cond:
            job = self._jobs[run_id]
            config, points = load_resume(self.store, run_id, job.state)
            self._enqueue(Job(run_id, config, job.owner, resume=True, share=job.share, gpu_bytes=job.gpu_bytes),
                          points)
