"""Why a training run failed, in words a person can act on (stored in status.json, shown on the page)."""

from __future__ import annotations

import signal

from core.messages import N_, say
from core.training.config import TrainConfig


def describe_error(err: BaseException, config: TrainConfig) -> str:
    """A reason a person can act on; out-of-memory errors get the settings that shrink memory."""
    text = str(err)
    if getattr(err, "worded", False):  # already a reason for people (a training process's report)
        return text
    if isinstance(err, MemoryError) or "out of memory" in text.lower():
        where = N_("on the GPU") if "cuda" in (type(err).__name__ + text).lower() else N_("in RAM")
        return say("Out of memory {where}: lower batch_size (now {batch}), shorten max_length (now {length}), "
                   "or raise gradient_accumulation_steps (now {accumulation}) and lower batch_size to keep "
                   "the same effective batch", where=where, batch=config.batch_size,
                   length=config.max_length, accumulation=config.gradient_accumulation_steps)
    if isinstance(err, ValueError):
        return text
    return f"{type(err).__name__}: {text}"[:1000]


def exit_reason(code: int | None) -> str:
    """Why a child that never reported back ended, in words that name the fix."""
    if code is not None and code < 0 and -code == getattr(signal, "SIGKILL", 9):
        return say("The training process was killed (exit signal SIGKILL), most likely out of memory: "
                   "lower batch_size or max_length, or train on fewer rows")
    return say("The training process ended without a result (exit code {code}): see the server log; the "
               "run can be resumed from its last checkpoint", code=code)
