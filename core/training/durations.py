"""How long a run takes on this machine, from the runs that already did the same work here.

A preset's "about a minute on a laptop" does not hold on a busy classroom server; the finished runs of this server do:
from start to end (loading, the baseline, training, the final evaluation, saving, the per-example results), on this
machine under its usual load. Two runs do the same work when their settings agree except those that change what a
run learns but not how long it takes (TIME_NEUTRAL): a "try again with learning_rate ..." run counts.
"""

from __future__ import annotations

import logging
import statistics

from core.model.checkpoints import RUN_PREFIX
from core.runs.store import RunStore

log = logging.getLogger(__name__)

# settings that change what a run learns, or what it is called, but not how long it takes
TIME_NEUTRAL = frozenset({"run_name", "seed", "learning_rate", "weight_decay", "warmup_ratio", "lora_alpha",
                          "lora_dropout", "metric_for_best_model", "report_to", "logging_steps"})
MAX_RUNS_READ = 300  # the newest runs compared: a large runs folder costs a form change no more than this


def work_of(config: dict) -> dict:
    """The settings of a config that decide how long its run takes; a model continued from any earlier run
    ("run:<id>", the same architecture) counts as one model."""
    work = {name: value for name, value in config.items() if name not in TIME_NEUTRAL}
    if isinstance(work.get("model"), str) and work["model"].startswith(RUN_PREFIX):
        work["model"] = RUN_PREFIX
    return work


def durations(store: RunStore, config: dict) -> list[float]:
    """Seconds each finished ("done") run of the same work took on this machine, newest first."""
    wanted, found = work_of(config), []
    for row in store.list_runs()[:MAX_RUNS_READ]:
        if row["state"] != "done" or work_of(row["config"]) != wanted:
            continue
        status = store.read_status(row["run_id"])
        started, finished = status.get("started"), status.get("finished")
        if isinstance(started, (int, float)) and isinstance(finished, (int, float)) and finished > started:
            found.append(float(finished - started))
    return found


def measured(store: RunStore, config: dict) -> dict:
    """{"runs": how many finished runs did this work here, "median_s", "last_s"} (the times None when none)."""
    found = durations(store, config)
    return {"runs": len(found), "median_s": statistics.median(found) if found else None,
            "last_s": found[0] if found else None}
