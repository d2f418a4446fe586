"""How many runs train at once (the job manager's worker pool), and why: the admin sees the reason.

- CPU: each run is a child process with its own torch thread pool. Runs that together ask for more threads than
  the machine has cores slow each other down (every thread waits for a core, caches thrash), so each run gets
  cores // workers threads and the total stays within the cores. Memory bounds the count too: a MiniLM-class run's
  process takes about RUN_MEMORY_MB.
- GPU: as many runs as fit in its memory: a run starts when its Before Start estimate (core.model.estimate) plus a
  margin fits in what the running ones leave. A run the estimate cannot size (a causal LM) trains alone.
- Runs in the web server's own process (TRAINING_PROCESS=0) or inside a ZeroGPU call: one at a time, as before.

TRAINING_WORKERS sets the count by hand (0: decide from the machine).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import psutil

from core.messages import say
from core.settings import get_settings

log = logging.getLogger(__name__)

RUN_MEMORY_MB = 1500  # a quick-demo run's training process (bench/RESULTS.md, section 5: about 1.1 GB)
MAX_CPU_WORKERS = 4  # past this a class gains nothing: each run would get less than a core on most machines
MAX_GPU_WORKERS = 8
GPU_MARGIN = 0.15  # of the GPU's memory, kept free beyond the estimates (CUDA context, allocator fragments)


@dataclass(frozen=True)
class PoolPlan:
    """The pool: workers (runs at once), torch threads per run (0: torch's default), the device, and why."""

    workers: int = 1
    threads: int = 0
    device: str = "cpu"
    gpu_bytes: int = 0  # the GPU's memory (cuda only): what admits() shares out
    reason: str = ""

    def admits(self, need: int | None, running: list[int | None]) -> bool:
        """Whether a run needing `need` bytes of GPU memory may start beside the running ones (always on a CPU,
        where the worker count is the bound). None: a run the estimate cannot size, which trains alone."""
        if self.device != "cuda" or not running:
            return True
        if need is None or None in running:
            return False
        return need + sum(running) <= self.gpu_bytes * (1 - GPU_MARGIN)


def cores() -> int:
    """The CPU cores this process may use (a container's affinity, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


def single(reason: str = "") -> PoolPlan:
    """One run at a time (tests, the command line, and paths where runs cannot share)."""
    return PoolPlan(1, 0, "cpu", 0, reason or say("1 run at a time"))


def plan_pool(isolate: bool, inline: bool = False) -> PoolPlan:
    """The pool this machine and these settings give (see the module docstring)."""
    if inline:
        return single(say("1 run at a time: on ZeroGPU each run trains inside its own GPU call"))
    if not isolate:
        return single(say("1 run at a time: runs train inside the web server's process (TRAINING_PROCESS=0), "
                          "where they would share one torch thread pool"))
    cuda = _gpu()
    if cuda is not None:
        return _gpu_plan(*cuda)
    return cpu_plan(cores(), psutil.virtual_memory().available >> 20, get_settings().training_workers)


def cpu_plan(n_cores: int, free_mb: int, requested: int = 0) -> PoolPlan:
    """Runs at once on a CPU: as asked (TRAINING_WORKERS), else one per core within memory; threads share the cores."""
    if requested > 0:
        workers = requested
        reason = say("{workers} runs at once (TRAINING_WORKERS), {threads} torch threads each on {cores} CPU cores",
                     workers=workers, threads=max(1, n_cores // workers), cores=n_cores)
        return PoolPlan(workers, max(1, n_cores // workers), "cpu", 0, reason)
    by_memory = max(1, free_mb // RUN_MEMORY_MB)
    workers = max(1, min(n_cores, MAX_CPU_WORKERS, by_memory))
    threads = max(1, n_cores // workers)
    reason = say("{workers} runs at once: {cores} CPU cores, {threads} torch threads per run so runs never share a "
                 "core, and {free} MB of memory free for about {per_run} MB per run", workers=workers, cores=n_cores,
                 threads=threads, free=free_mb, per_run=RUN_MEMORY_MB)
    return PoolPlan(workers, threads, "cpu", 0, reason)


def _gpu() -> tuple[str, int] | None:
    """(name, bytes of memory) of the GPU runs train on, or None without one."""
    import torch  # slow import, deferred to first use (the server has it loaded by then)

    if not torch.cuda.is_available():
        return None
    props = torch.cuda.get_device_properties(0)
    return props.name, int(props.total_memory)


def _gpu_plan(name: str, total: int) -> PoolPlan:
    requested = get_settings().training_workers
    workers = requested if requested > 0 else MAX_GPU_WORKERS
    reason = say("up to {workers} runs at once on {gpu} ({memory} GB): a run starts when its Before Start estimate "
                 "plus a {margin}% margin fits in the memory the running ones leave", workers=workers, gpu=name,
                 memory=round(total / 2**30, 1), margin=round(GPU_MARGIN * 100))
    return PoolPlan(workers, 0, "cuda", total, reason)


def gpu_need(config) -> int | None:
    """Bytes of GPU memory a run needs by the Before Start estimate; None when the estimate cannot size it."""
    from core.model.estimate import estimate  # loads a model skeleton on the meta device: deferred

    try:
        return int(estimate(config)["bytes"]["total"])
    except (ValueError, OSError) as err:  # a causal LM, or a model the estimate cannot read: it trains alone
        log.info("no memory estimate for %s (%s): it trains alone on the GPU", config.model, err)
        return None
