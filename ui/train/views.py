"""How the Train tab shows a job: its words in two languages, the status line with a progress bar, and the
before/after table."""

from __future__ import annotations

import html

import gradio as gr
import pandas as pd

from core.settings import Settings
from core.training.presets import PRESETS
from ui.i18n import local, msg, msg_in
from ui.train.answers_view import answers_view, is_answers

ACTIVE_STATES = {"queued", "running", "stopping"}
COMPARE_COLUMNS = ("metric", "before", "after", "change")
PER_CLASS_COLUMNS = ("label", "precision", "recall", "f1", "support")





def _clock(seconds) -> str:
    if seconds is None or seconds < 0:
        return "–"
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


def status_html(snap: dict | None, request: gr.Request | None = None) -> str:
    """One status line and a progress bar for a snapshot."""
    if not snap:
        return f"<div>{msg('train.st.none', request)}</div>"
    total = int(snap.get("max_steps") or 0)
    line = msg("train.st.line", request, state=html.escape(msg(f"cell.{snap['state']}", request)),
               device=html.escape(str(snap.get("device") or "")), step=snap.get("step", 0), total=total or "?",
               epoch=float(snap.get("epoch") or 0), elapsed=_clock(snap.get("elapsed_s")),
               eta=_clock(snap.get("eta_s")), sps=float(snap.get("samples_per_second") or 0))
    if snap["state"] == "queued" and snap.get("queue_position"):
        line += msg("train.st.queue", request, pos=snap["queue_position"])
    if snap.get("error"):
        line += "<br><span style='color:#b91c1c'>" + html.escape(
            msg("train.st.error", request, error=local(snap["error"], request))) + "</span>"
    bar = f"<progress value='{snap.get('step', 0)}' max='{max(total, 1)}' style='width:100%'></progress>"
    stage = stage_html(snap.get("stage"), request) if snap["state"] in ACTIVE_STATES else ""
    return f"<div class='fts-status'>{line}{bar}{stage}</div>"


def stage_html(stage: dict | None, request: gr.Request | None = None) -> str:
    """What the run does besides training steps (core.training.recorder.STAGES), with its own progress bar: the
    final evaluation, saving, the per-example results after the last step."""
    if not stage or not stage.get("name"):
        return ""
    done, total = int(stage.get("done") or 0), int(stage.get("total") or 0)
    text = msg(f"train.stage.{stage['name']}", request)
    if total:
        text += " · " + msg("train.stage.count", request, done=done, total=total)
    # an unknown total: an indeterminate bar (no value) says it is busy without claiming how far
    bar = f"<progress value='{done}' max='{total}'" if total else "<progress"
    return f"<div class='fts-stage'>{html.escape(text)}</div>{bar} style='width:100%'></progress>"


def public_status(snap: dict) -> dict:
    """A snapshot as the caller may see it (JobManager.view) without its points: what training_status returns."""
    return {k: v for k, v in snap.items() if k != "points"}


MAX_SHOWN_EVALUATIONS = 12  # the samples view: the baseline and the latest evaluations


def samples_view(samples: list[dict], request: gr.Request | None = None) -> str:
    """Watch it write: for each prompt, what the model wrote at each evaluation (greedy and sampled), oldest first;
    a chat run's answers: Watch it answer (ui.train.answers_view)."""
    if is_answers(samples):
        return answers_view(samples, request)
    shown = samples[:1] + samples[1:][-(MAX_SHOWN_EVALUATIONS - 1):] if samples else []
    prompts = [row.get("prompt", "") for row in (shown[-1].get("samples") or [])] if shown else []
    head = (f"<tr><th>{msg('train.samples.step', request)}</th><th>{msg('train.samples.greedy', request)}</th>"
            f"<th>{msg('train.samples.sampled', request)}</th></tr>")
    parts = [f"<h4>{msg('train.samples', request)}</h4><p>{msg('train.samples.info', request)}</p>"]
    for prompt in prompts:
        rows = []
        for record in shown:
            row = next((r for r in record.get("samples") or [] if r.get("prompt") == prompt), None)
            if row is not None:
                step = msg("train.samples.before", request) if record.get("kind") == "baseline" else record.get("step")
                rows.append(f"<tr><td>{html.escape(str(step))}</td><td>{_sample_cell(prompt, row.get('greedy'))}</td>"
                            f"<td>{_sample_cell(prompt, row.get('sampled'))}</td></tr>")
        parts.append(f"<table class='lm-samples'>{head}{''.join(rows)}</table>")
    return "".join(parts)


def _sample_cell(prompt: str, text) -> str:
    return f"<b>{html.escape(prompt)}</b>{html.escape(str(text or ''))}"


def compare_table(baseline: dict, final: dict) -> pd.DataFrame:
    """Before/after fine-tuning, one row per metric."""
    rows = []
    for key in sorted(set(baseline or {}) | set(final or {})):
        before, after = (baseline or {}).get(key), (final or {}).get(key)
        if not key.startswith("eval_") or key.endswith(("_runtime", "_per_second", "_time")):
            continue
        change = after - before if isinstance(before, (int, float)) and isinstance(after, (int, float)) else None
        rows.append({"metric": key.removeprefix("eval_"), "before": before, "after": after, "change": change})
    return pd.DataFrame(rows, columns=["metric", "before", "after", "change"]).round(4)




def limits_line(device: str, settings: Settings, lang: str) -> str:
    """The device and the server's limits, in one language (known when the app is built)."""
    def cap(value: int) -> str:
        return msg_in(lang, "train.limits.none") if value <= 0 else str(value)

    limits = msg_in(lang, "train.limits.parts", on=msg_in(lang, "train.limits.on" if settings.training_enabled
                                                                 else "train.limits.off"),
                    samples=cap(settings.max_train_samples), steps=cap(settings.max_steps), queue=settings.max_queue,
                    upload=settings.max_upload_mb)
    return msg_in(lang, "train.limits", device=device, limits=limits)


def preset_choices(request: gr.Request | None = None, online: bool = True) -> list[tuple[str, str]]:
    """The preset registry's names in the visitor's language (one that needs the Hub says so when offline)."""
    def name(preset) -> str:
        text = msg(f"train.p.{preset.key}", request)
        return msg("train.p.offline", request, name=text) if preset.needs == "hub" and not online else text
    return [(name(preset), preset.key) for preset in PRESETS]


def localized_columns(table: pd.DataFrame, request: gr.Request | None = None) -> pd.DataFrame:
    """A results table with its column names in the visitor's language (the data keeps its technical names)."""
    return table.rename(columns={c: msg(f"train.c.{c}", request) for c in table.columns
                                 if f"train.c.{c}" in _COLUMN_KEYS})


_COLUMN_KEYS = {f"train.c.{c}" for c in COMPARE_COLUMNS + PER_CLASS_COLUMNS}


def empty_table(columns, request: gr.Request | None = None) -> pd.DataFrame:
    return localized_columns(pd.DataFrame(columns=list(columns)), request)
