"""Watch it answer: an SFT run's answers to the same held-out questions at each evaluation, the base model's first.

The records come from core.training.sft_callbacks (through the job's samples, as a causal LM's Watch it write):
{"step", "kind", "samples": [{prompt, answer, stopped, ended_text, expected}]}. A learner reads two things in each
row: what the model says, and whether it ends its turn (the end-of-turn token) or rambles on.
"""

from __future__ import annotations

import html

import gradio as gr

from ui.i18n import msg

MAX_SHOWN_EVALUATIONS = 12  # the base model's answers and the latest evaluations'
MAX_PROMPT_CHARS = 300  # a review in a question is shown cut: the answers are the point


def is_answers(samples: list[dict]) -> bool:
    """Whether these sample records are a chat run's answers (not a causal LM's continuations)."""
    return any("answer" in row for record in samples for row in record.get("samples") or [])


def answers_view(samples: list[dict], request: gr.Request | None = None) -> str:
    shown = samples[:1] + samples[1:][-(MAX_SHOWN_EVALUATIONS - 1):] if samples else []
    latest = shown[-1].get("samples") or [] if shown else []
    head = (f"<tr><th>{msg('train.samples.step', request)}</th><th>{msg('train.answers.answer', request)}</th>"
            f"<th>{msg('train.answers.stops', request)}</th></tr>")
    parts = [f"<h4>{msg('train.answers', request)}</h4><p>{msg('train.answers.info', request)}</p>"]
    for index, asked in enumerate(latest):
        prompt = str(asked.get("prompt", ""))
        prompt = prompt if len(prompt) <= MAX_PROMPT_CHARS else prompt[:MAX_PROMPT_CHARS] + " …"
        parts.append(f"<p><b>{html.escape(prompt)}</b>" + (
            f"<br>{html.escape(msg('train.answers.expected', request, answer=asked['expected']))}"
            if asked.get("expected") else "") + "</p>")
        rows = [_row(record, record["samples"][index], request) for record in shown
                if len(record.get("samples") or []) > index]
        parts.append(f"<table class='lm-samples'>{head}{''.join(rows)}</table>")
    return "".join(parts)


def _row(record: dict, row: dict, request: gr.Request | None) -> str:
    step = msg("train.answers.base", request) if record.get("kind") == "baseline" else record.get("step")
    ending = "train.answers.stopped" if row.get("stopped") else \
        "train.answers.ended_text" if row.get("ended_text") else "train.answers.rambles"
    return (f"<tr><td>{html.escape(str(step))}</td><td>{html.escape(str(row.get('answer') or ''))}</td>"
            f"<td>{msg(ending, request)}</td></tr>")
