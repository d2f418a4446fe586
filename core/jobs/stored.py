"""A run the job manager does not hold in memory (finished long ago, or run by an earlier server process), read back
from its run folder: its state, its snapshot (the same keys as a live one) and how long it took."""

from __future__ import annotations

import cachetools

from core.messages import UserError
from core.runs.store import RunStore
from core.training.config import TrainConfig


def stored_state(store: RunStore, job_id: str) -> str:
    if not store.exists(job_id):
        raise UserError("Job {job!r} was not found: pick a run from the runs list", job=job_id)
    return store.read_status(job_id).get("state", "interrupted")


def stored_snapshot(store: RunStore, job_id: str, since_step: int) -> dict:
    """A run this process is not running: read it back from its folder."""
    state = stored_state(store, job_id)
    status = store.read_status(job_id)
    config = TrainConfig.from_stored(store.read_config(job_id))
    return {"job_id": job_id, "run_name": config.run_name or job_id, "state": state,
            "step": status.get("step", 0), "max_steps": status.get("max_steps", 0),
            "epoch": status.get("epoch", 0.0), "elapsed_s": _elapsed(status), "eta_s": None,
            "samples_per_second": 0.0, "queue_position": 0, "device": status.get("device", ""),
            "error": status.get("error", ""), "baseline": store.read_eval(job_id, "baseline"),
            "final": store.read_eval(job_id, "final"),
            "points": store.read_metrics(job_id, since_step), "samples": store.read_samples(job_id),
            "best_step": _int_or_none(status.get("best_step"))}


def stored_seconds(store: RunStore, job_id: str, less_shared: bool = False) -> float | None:
    """A done run's time from its status.json (None for one that is not done); less_shared: less the shared untrained
    work it computed (status.json's shared_s)."""
    try:
        seconds, shared = _done_seconds(store, job_id)
    except LookupError:
        return None
    return seconds - shared if less_shared else seconds


@cachetools.cached(cachetools.LRUCache(maxsize=4096), key=lambda store, job_id: (store.root, job_id))
def _done_seconds(store: RunStore, job_id: str) -> tuple[float, float]:
    """(seconds, shared seconds), cached, since a done run is never resumed (RESUMABLE_STATES); raises LookupError
    (not cached) otherwise."""
    status = store.read_status(job_id) if store.exists(job_id) else {}
    seconds = _elapsed(status) if status.get("state") == "done" else 0.0
    if not seconds:
        raise LookupError(job_id)  # not cached: a run that is not done yet may be later
    shared = status.get("shared_s")
    numbers = [v for v in shared.values() if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0] \
        if isinstance(shared, dict) else []
    return seconds, min(sum(numbers), seconds)


def _int_or_none(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _elapsed(status: dict) -> float:
    started, finished = status.get("started"), status.get("finished")
    return round(finished - started, 1) if isinstance(started, (int, float)) and isinstance(finished, (int, float)) \
        else 0.0
