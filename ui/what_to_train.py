"""What to train, in words: the "Before Start" estimate the Train and Model tabs both show (trainable parameters,
their share, memory for weights, gradients, AdamW state and activations, with the arithmetic), and the timing of
one measured step. core.model.estimate computes it; this module only writes it down, in the visitor's language.
"""

from __future__ import annotations

import html

from ui.i18n import local, msg



def estimate_markdown(est: dict, request=None) -> str:
    """The estimate as Markdown: a title, the share that trains, each memory line with its arithmetic."""
    lines = [msg("wtt.title", request, mode=est["train_mode"], precision=est["precision"]), "",
             html.escape(local(est["summary"], request)), ""]
    lines += [f"- {html.escape(local(line, request))}" for line in est["arithmetic"]]
    return "\n".join(lines + ["", msg("wtt.peak", request)])


def step_markdown(step: dict, request=None) -> str:
    """One measured training step and what it means for the whole run."""
    return html.escape(local(step["summary"], request))


def failed_markdown(err: Exception, request=None) -> str:
    """An estimate that could not be made (a half-typed setting): said in the panel, not as a pop-up."""
    return msg("wtt.failed", request, error=html.escape(local(err, request)))


def measured_markdown(measured: dict, request=None) -> str:
    """How long runs of the same work took on this machine (core.training.durations), or that none has yet."""
    if not measured["runs"]:
        return msg("wtt.unmeasured", request)
    return msg("wtt.measured", request, median=clock(measured["median_s"]), runs=measured["runs"],
               last=clock(measured["last_s"]))


def clock(seconds: float) -> str:
    """m:ss, or h:mm:ss from an hour."""
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"
