"""One model load at a time in a process.

transformers' `from_pretrained` swaps module globals (its weight-init and weight-tying functions) for no-ops while it
loads, then puts back what it found. Two threads loading at once put back each other's no-ops, and from then on every
model the process loads has its output layer untied and left on the meta device ("Cannot copy out of meta tensor").
Four threads loading a tiny GPT reproduce it (tests/test_load_lock.py). The server loads models in request threads
(try it, chat with a run, the Model tab's heads) beside the in-process job manager, so every load goes through one
lock. Loads are seconds at most and bounded per stranger (core.guard), so queueing them costs little.

Building a model from a config reads the same globals (and `_from_config` sets torch's default dtype, a process
global), so `from_config` takes the lock too, and so does code that builds a model or its adapters directly
(`loading()`: the tiny GPT, peft's LoRA layers, whose init functions from_pretrained turns into no-ops meanwhile).
Counting a model's weights without memory uses `torch.device("meta")` (per thread), not accelerate's
`init_empty_weights` (it patches `nn.Module.register_parameter` for every thread).
"""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager

LOCK = threading.RLock()  # re-entrant: a load may load another model inside it (a composite model, a PEFT base)


@contextmanager
def loading():
    """Hold the lock while building a model or its adapters outside from_pretrained / from_config."""
    with LOCK:
        yield


def install() -> None:
    """Serialise PreTrainedModel.from_pretrained and _from_config process-wide (idempotent)."""
    from transformers.modeling_utils import PreTrainedModel  # slow import: only where models are loaded

    for name in ("from_pretrained", "_from_config"):
        if not getattr(getattr(PreTrainedModel, name), "serialised", False):
            setattr(PreTrainedModel, name, classmethod(_serialised(getattr(PreTrainedModel, name).__func__)))


def _serialised(original):
    @functools.wraps(original)
    def call(cls, *args, **kwargs):
        with LOCK:
            return original(cls, *args, **kwargs)

    call.serialised = True
    return call
