"""One model load at a time in a process.

transformers' `from_pretrained` swaps module globals (its weight-init and weight-tying functions) for no-ops while it
loads, then puts back what it found. Two threads loading at once put back each other's no-ops, and from then on every
model the process loads has its output layer untied and left on the meta device ("Cannot copy out of meta tensor").
Four threads loading a tiny GPT reproduce it (tests/test_load_lock.py). The server loads models in request threads
(try it, chat with a run, the Model tab's heads) beside the in-process job manager, so every load goes through one
lock. Loads are seconds at most and bounded per stranger (core.guard), so queueing them costs little.
"""

from __future__ import annotations

import functools
import threading

LOCK = threading.RLock()  # re-entrant: a load may load another model inside it (a composite model, a PEFT base)


def install() -> None:
    """Serialise PreTrainedModel.from_pretrained process-wide (idempotent)."""
    from transformers.modeling_utils import PreTrainedModel  # slow import: only where models are loaded

    if getattr(PreTrainedModel.from_pretrained, "serialised", False):
        return
    original = PreTrainedModel.from_pretrained.__func__

    @functools.wraps(original)
    def from_pretrained(cls, *args, **kwargs):
        with LOCK:
            return original(cls, *args, **kwargs)

    from_pretrained.serialised = True
    PreTrainedModel.from_pretrained = classmethod(from_pretrained)
