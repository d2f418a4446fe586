"""The timed training step of a request (the Before Start panel, the estimate_training endpoint), bounded.

Before anything runs: the server's limits (check_limits), a public server's lower batch and length (the same
bounds as Step through), and the step's memory estimate against what one request may take (core.model.estimate).
Then the step runs in a child process with a memory and a time limit (core.jobs.bounded), so a step that still
does not fit costs that child, not the web server. A step timed smaller than asked is scaled to the asked size.
"""

from __future__ import annotations

import dataclasses

from core.jobs.bounded import run_bounded
from core.messages import N_, say
from core.model import estimate
from core.settings import get_settings
from core.training import step_through
from core.task_registry import task_of
from core.training.step_through import PUBLIC_LIMITS


def lowered(config, public: bool) -> tuple[object, list[str]]:
    """The config the step is timed at, and a note for each value a public server lowered (batch, length)."""
    # the length limit applies to the task's own length setting (a causal LM's block_size)
    limits = {task_of(config).length_setting if name == "max_length" else name: limit
              for name, limit in PUBLIC_LIMITS.items()}
    changes = {name: limit for name, limit in limits.items() if public and getattr(config, name) > limit}
    notes = [say("{name} {value} lowered to {limit} on this public server", name=name, value=getattr(config, name),
                 limit=limit) for name, limit in changes.items()]
    return (dataclasses.replace(config, **changes) if changes else config), notes


def timed_step(config, precision: str = "fp32", train_rows: int = 0) -> dict:
    """One training step of config timed in a bounded child, and what it means for the whole run."""
    estimate.check_classification(config)
    config.check_limits()  # a run this server would refuse (training off, too many steps) is not timed either
    stepped, notes = lowered(config, get_settings().public)
    estimated = estimate.check_step_fits(stepped, precision, N_("One timed training step"))
    timing = run_bounded(estimate.time_one_step, (stepped, precision), work_bytes=estimated["bytes"]["total"],
                         fix=say("lower batch_size (now {batch}) or max_length (now {length}), or try again when the "
                                 "server is less busy", batch=stepped.batch_size, length=stepped.max_length))
    return estimate.step_summary(config, timing, train_rows, notes)


def check_walk_fits(config) -> None:
    """Step through keeps a model, its gradients and AdamW state in the server: refuse one that would not fit, at
    the batch and length it would really use (a public server's lower ones)."""
    walked, _ = step_through.bounded(config, get_settings().public)
    estimate.check_step_fits(walked, "fp32", N_("Stepping through one batch"))
