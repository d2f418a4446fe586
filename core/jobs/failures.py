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


def exit_reason(code: int | None, peak_rss: int = 0, total: int = 0, least_available: int = 0) -> str:
    """Why a child that never reported back ended, with what is known: the signal and its memory use.

    peak_rss: the most memory the child was seen using (bytes); total: the machine's memory; least_available: the
    least memory the machine had free while it ran. A SIGKILL with memory nearly full is the kernel's out-of-memory
    killer; one with memory to spare came from outside (a person, a supervisor, a container limit).
    """
    if code is None or code >= 0:
        return say("The training process ended without a result (exit code {code}): see the server log; the "
                   "run can be resumed from its last checkpoint", code=code)
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    used = say("it used {used} of this machine's {total}", used=_gb(peak_rss), total=_gb(total)) if total else \
        N_("its memory use is unknown")
    if name == "SIGKILL" and total and (peak_rss > 0.8 * total or least_available < 0.05 * total):
        return say("The training process was killed ({signal}) when memory ran out ({used}): lower batch_size or "
                   "max_length, or train on fewer rows; the run can be resumed from its last checkpoint",
                   signal=name, used=used)
    return say("The training process was killed ({signal}; {used}, so not for lack of memory): something outside the "
               "app ended it; the run can be resumed from its last checkpoint", signal=name, used=used)


def _gb(size: int) -> str:
    return f"{size / 2**30:.1f} GB"
