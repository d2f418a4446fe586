"""ZeroGPU Spaces: the GPU is lent per call of a @spaces.GPU function, never to a background thread.

So on ZeroGPU the job manager runs no worker thread; the request that starts a job calls
`run_in_gpu_slot`, which runs the queued job inside such a function. Metrics still flow through the
job's recorder and run folder, so the live charts and the runs list are the same as on the thread path.

Each call has a time limit (ZERO_GPU_MAX_SECONDS). A run longer than that stops CALL_MARGIN_S before the limit at its
next step, with a checkpoint, and goes on from it in the next call, automatically: the same run, so its curves are
one run (its records past the checkpoint are dropped and logged again, as for any resume).
The `spaces` package exists on Spaces only; it is imported when the path is taken.
"""

from __future__ import annotations

import logging
import os

from core.messages import UserError
from core.training.config import TrainConfig

log = logging.getLogger(__name__)

MIN_SECONDS = 60
CALL_MARGIN_S = 20  # left at the end of a call: the step in progress, the checkpoint, giving the GPU back
MAX_CALLS = 100  # a run longer than this many calls is stopped (its checkpoint stays for a resume)
SECONDS_PER_STEP = 1.0  # generous for a T4-class slice on the tutorial models; the cap below bounds it


def enabled() -> bool:
    """True on a ZeroGPU Space (the platform sets SPACES_ZERO_GPU)."""
    return os.environ.get("SPACES_ZERO_GPU", "").strip().lower() in {"1", "true", "yes", "on"}


def gpu_seconds(config, planned_steps: int | None = None) -> int:
    """How long to ask the GPU for: the run's steps at a conservative rate, within the Space's cap."""
    cap = int(os.environ.get("ZERO_GPU_MAX_SECONDS", "300"))
    steps = planned_steps if planned_steps is not None else (config.max_steps if config.max_steps > 0 else
                                                             _estimate_steps(config))
    return int(max(MIN_SECONDS, min(cap, MIN_SECONDS + steps * SECONDS_PER_STEP)))


def _estimate_steps(config) -> int:
    rows = config.max_train_samples or 10_000
    per_step = config.batch_size * config.gradient_accumulation_steps
    return int(config.num_train_epochs * -(-rows // per_step))


def run_in_gpu_slot(manager, job_id: str) -> str:
    """Run a queued job inside a @spaces.GPU call sized for it; returns the job's end state."""
    try:
        import spaces  # exists on Spaces only: imported when this path is taken
    except ImportError as err:
        raise UserError("SPACES_ZERO_GPU is set but the spaces package is missing: pip install spaces, "
                        "or unset SPACES_ZERO_GPU") from err
    config = TrainConfig.from_stored(manager.store.read_config(job_id))
    duration = gpu_seconds(config)
    log.info("job %s: asking ZeroGPU for %d s", job_id, duration)

    @spaces.GPU(duration=duration)
    def train_on_gpu() -> str:
        return manager.run_inline(job_id, limit_s=max(1.0, duration - CALL_MARGIN_S))

    state = train_on_gpu()
    for call in range(2, MAX_CALLS + 1):
        before = manager.snapshot(job_id, 1 << 62)["step"]
        if not manager.paused_at_limit(job_id):
            break
        log.info("job %s: paused at step %d by the call's limit; call %d continues it", job_id, before, call)
        manager.continue_run(job_id)
        state = train_on_gpu()
        if manager.snapshot(job_id, 1 << 62)["step"] <= before:  # a call that made no step: never loop forever
            break
    return state
