"""What a finished run teaches, shown on the Train tab (the run that just ended) and the Runs tab (a picked run):
the diagnosis in plain words with a "try again with ..." button per finding, and the per-example results.

Shared by both tabs, so it sits between them and the shared helpers (.importlinter). A button fills a request
(`retry_state`: the run and one change); the Train tab turns it into its form (ui.train.tab.TrainTab.fill_from).
The functions without a block are also API endpoints (gr.api in ui/runs/tab.py).
"""

from __future__ import annotations

import html
import logging
import time
from dataclasses import dataclass

import gradio as gr
import pandas as pd

from core.jobs.manager import get_manager
from core.messages import UserError
from core.results import diagnosis, dpo_report, examples
from core.runs import visibility
from core.task_registry import task_of
from ui.binding import bind
from ui.errors import shows_errors
from ui.i18n import local, msg, t
from ui.identity import visitor
from ui.tables import fitted

log = logging.getLogger(__name__)

MAX_FIXES = 3  # "try again with" buttons: one per distinct change, at most this many findings
RETRY_NAMES = {"learning_rate": "lr", "num_train_epochs": "epochs", "max_steps": "steps",
               "logging_steps": "log-every"}  # a retried run's name: what changed, short
MAX_TEXT_SHOWN = 300  # characters of a text in the table



def _store():
    return get_manager().store


def reads_texts(run_id: str, request: gr.Request | None) -> bool:
    """Whether this visitor may see what the run learned from its data (core.runs.visibility)."""
    who = visitor(request)
    return visibility.may_see_data(_store(), run_id, who.owner, who.admin)


# ------------------------------------------------------------------ API (JSON in, JSON out)

@shows_errors
def diagnose_run(run_id: str, request: gr.Request = None) -> list[dict]:
    """What a run's curves say, in plain words, each finding with its evidence and one setting to change:
    [{"kind", "text", "advice", "evidence", "change": {field: value}}]."""
    return [f.to_dict() for f in run_findings(run_id, request)]


def run_findings(run_id: str, request: gr.Request | None = None, live: bool = False) -> list:
    store = _store()
    config = store.read_config(run_id)
    # the confusion matrix names the classes: another visitor's upload keeps them (no majority-class check then)
    report = store.read_eval(run_id, "report") if reads_texts(run_id, request) else {}
    return diagnosis.diagnose(store.read_metrics(run_id), config, report or None, live=live)


@shows_errors
def run_examples(run_id: str, which: str = "all", cell: str = "", limit: int = 50,
                 request: gr.Request = None) -> dict:
    """A finished run's eval rows, before and after fine-tuning: counts (fixed, broken, still_wrong, still_right,
    total), and the rows of a filter (all, fixed, broken, still_wrong, confident_mistakes) and optionally one
    confusion-matrix cell ("true label -> predicted label"), at most `limit` (200). Texts of a run that learned from
    another visitor's upload are withheld: then only the counts come back."""
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not 0 <= limit <= examples.MAX_ROWS_SHOWN:
        raise UserError("limit: {value!r} - use a whole number from 0 to {top}", value=limit,
                        top=examples.MAX_ROWS_SHOWN)
    if not isinstance(which, str):
        raise UserError("{name}: {value!r} is not one of {choices} - choose one of those", name="filter",
                        value=str(which)[:40], choices=", ".join(examples.FILTERS))
    if task_of(_store().read_config(run_id)).compares_pairs:  # a DPO run: its held-out pairs
        sees = reads_texts(run_id, request)
        found = dpo_report.run_pairs(_store(), run_id, which, int(limit), with_texts=sees)
        return {**found, "rows": found["rows"] if sees else [], "texts_withheld": not sees, "pairs": True}
    found = examples.run_examples(_store(), run_id)
    counts = found["counts"]
    if not reads_texts(run_id, request):
        return {"counts": counts, "labels": [], "rows": [], "matched": 0, "texts_withheld": True}
    rows, matched = examples.select(found, which, examples.parse_cell(cell, found["labels"]), int(limit))
    return {"counts": counts, "labels": found["labels"], "rows": rows, "matched": matched, "texts_withheld": False,
            "cells": [list(c) for c in examples.cells(found)]}


# ------------------------------------------------------------------ the diagnosis block

@dataclass
class DiagnosisBlock:
    findings_md: gr.Markdown
    fix_btns: list
    changes_state: gr.State  # [{"run_id", "change"}], one per button
    retry_state: gr.State  # the button pressed: {"run_id", "change", "nonce"}; the Train tab fills its form


def build_diagnosis() -> DiagnosisBlock:
    gr.Markdown(t("lessons.h"))
    findings_md = gr.Markdown(t("lessons.empty"))
    with gr.Row():
        fix_btns = [gr.Button(visible=False, size="sm", elem_classes="fts-fix") for _ in range(MAX_FIXES)]
    block = DiagnosisBlock(findings_md, fix_btns, gr.State([]), gr.State(None))
    for index, button in enumerate(fix_btns):
        button.click(pick_fix, [block.changes_state, gr.State(index)], block.retry_state, api_visibility="private",
                     show_progress="hidden")
    return block


def show_findings(block: DiagnosisBlock, run_id: str | None, findings: list, request: gr.Request | None = None,
                  live: bool = False) -> dict:
    """The findings as text (with their evidence) and one button per finding."""
    if not run_id:  # the heading never stands over an empty body
        return {block.findings_md: msg("lessons.empty", request), block.changes_state: [],
                **{b: gr.Button(visible=False) for b in block.fix_btns}}
    lines = [f"- {html.escape(local(f.text, request))} *{html.escape(local(f.advice, request))}*"
             for f in findings[:MAX_FIXES]]
    head = msg("lessons.live", request) + "\n" if live and lines else ""
    text = head + "\n".join(lines) if lines else msg("lessons.live_none" if live else "lessons.none", request)
    changes = _distinct([f.change for f in findings[:MAX_FIXES]])  # two findings may advise the same change
    shown = {block.findings_md: text, block.changes_state: [{"run_id": run_id, "change": c} for c in changes]}
    for i, button in enumerate(block.fix_btns):
        if i < len(changes):
            (name, value), = changes[i].items()
            shown[button] = gr.Button(msg("lessons.fix", request, name=name, value=_value(value)), visible=True)
        else:
            shown[button] = gr.Button(visible=False)
    return shown


def _distinct(changes: list[dict]) -> list[dict]:
    return [c for i, c in enumerate(changes) if c and c not in changes[:i]]


def pick_fix(changes: list, index: int) -> dict | None:
    """A "try again with" button: the run and its change, with a nonce so pressing it twice fills the form twice."""
    if not isinstance(changes, list) or not isinstance(index, int) or not 0 <= index < len(changes):
        return None
    return {**changes[index], "nonce": time.time()}


def _value(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def retry_name(name: str, value) -> str:
    """The new run is named after what changed ("lr-3e-05"), not after the run it retries ("lr-too-high")."""
    return f"{RETRY_NAMES.get(name, name)}-{_value(value)}".replace("+", "")[:64]  # 1e+06: '+' is no name


def retry_config(retry, request: gr.Request | None = None) -> tuple[dict, str]:
    """The config a "try again with" request asks for: the run's own, with exactly its one change (validated)."""
    from core.training.config import TrainConfig  # the form's type: only when a button is pressed

    if not isinstance(retry, dict) or not isinstance(retry.get("change"), dict) or len(retry["change"]) != 1:
        raise UserError("config: {value!r} is not one change of a run's settings", value=str(retry)[:80])
    run_id, ((name, value),) = retry.get("run_id"), retry["change"].items()
    base = TrainConfig.from_stored(_store().read_config(run_id)).to_dict()
    if not reads_texts(run_id, request):
        raise UserError("This run learned from another visitor's own file: only they may train it again (you may "
                        "still follow its curves)")
    config = TrainConfig.from_dict({**base, name: value, "run_name": retry_name(name, value)}).to_dict()
    return config, msg("lessons.filled", request, run_id=run_id, name=name, value=_value(value),
                       run_name=config["run_name"])


# ------------------------------------------------------------------ the per-example block

@dataclass
class ExamplesBlock:
    counts_md: gr.Markdown
    filter_radio: gr.Radio
    cell_dd: gr.Dropdown
    table: gr.Dataframe
    run_state: gr.State


def _filter_choices(request=None) -> list[tuple[str, str]]:
    return [(msg(f"ex.f.{key}", request), key) for key in examples.FILTERS]


def build_examples() -> ExamplesBlock:
    gr.Markdown(t("ex.h"))
    counts_md = gr.Markdown(t("ex.none"))
    with gr.Row():
        filter_radio = gr.Radio([(t(f"ex.f.{key}"), key) for key in examples.FILTERS], value="all",
                                label=t("ex.filter"), info=t("ex.filter.info"), scale=3)
        cell_dd = gr.Dropdown([("-", "")], value="", label=t("ex.cell"), info=t("ex.cell.info"), scale=1)
    # hidden while it has no rows: an empty Dataframe is headed "1 2 3"
    table = gr.Dataframe(interactive=False, wrap=True, max_height=420, visible=False)
    block = ExamplesBlock(counts_md, filter_radio, cell_dd, table, gr.State(None))
    for trigger in (filter_radio.input, cell_dd.input):
        trigger(bind(show_examples, block), [block.run_state, filter_radio, cell_dd],
                [counts_md, filter_radio, cell_dd, table, block.run_state], api_visibility="private",
                show_progress="minimal")
    return block


@shows_errors
def show_examples(block: ExamplesBlock, run_id: str | None, which: str = "all", cell: str = "",
                  request: gr.Request = None) -> dict:
    """The filter or cell picker changed: the table of that filter and cell."""
    return examples_view(block, run_id, which, cell, request, quiet=False)


def examples_view(block: ExamplesBlock, run_id: str | None, which: str = "all", cell: str = "",
                  request: gr.Request | None = None, quiet: bool = True) -> dict:
    """Counts, the filter and cell pickers and the table of one run's per-example results. quiet: a run without a
    saved model shows why in place of the counts (after a run), instead of an error. A run of a task without classes
    (a causal LM) says once that it has none, and the pickers hide."""
    radio = gr.Radio(choices=_filter_choices(request), value=which or "all", visible=True)
    empty = {block.filter_radio: radio, block.cell_dd: gr.Dropdown(choices=[("-", "")], value="", visible=True),
             block.table: gr.Dataframe(value=pd.DataFrame(), visible=False), block.run_state: run_id}
    if not run_id:
        return {**empty, block.counts_md: msg("ex.none", request)}
    if not has_classes(run_id) and not compares_pairs(run_id):
        return {**empty, block.filter_radio: gr.Radio(visible=False), block.cell_dd: gr.Dropdown(visible=False),
                block.counts_md: msg("ex.notask", request)}
    try:
        found = run_examples(run_id, which or "all", cell or "", examples.MAX_ROWS_SHOWN, request)
    except gr.Error as err:
        if not quiet:
            raise
        return {**empty, block.counts_md: str(err.message)}  # why this run has none, naming the fix
    if found.get("pairs"):  # a DPO run: its held-out pairs one by one (no confusion-matrix cells)
        return {**empty, block.cell_dd: gr.Dropdown(visible=False), block.counts_md: pairs_summary(found, request),
                block.table: fitted(pairs_table(found, request), visible=bool(found["rows"]))}
    counts = msg("ex.counts", request, **found["counts"])
    if found["texts_withheld"]:
        return {**empty, block.counts_md: counts + "\n\n" + msg("ex.withheld", request)}
    cells = [("-", "")] + [(f"{name} ({count})", name) for name, count in found["cells"]]
    return {**empty, block.counts_md: counts + msg("ex.shown", request, shown=len(found["rows"]),
                                                   matched=found["matched"]),
            block.cell_dd: gr.Dropdown(choices=cells, value=cell or "", visible=True),
            block.table: fitted(examples_table(found, request), visible=True)}


def has_classes(run_id: str) -> bool:
    """Whether the run's task has classes (task_of(config).has_classes); a run folder gone: True, so the examples'
    own refusal says why."""
    try:
        return task_of(_store().read_config(run_id)).has_classes
    except (ValueError, OSError):
        return True


def compares_pairs(run_id: str) -> bool:
    """Whether the run's task is shown pair by pair (a DPO run: task_of(config).compares_pairs)."""
    try:
        return task_of(_store().read_config(run_id)).compares_pairs
    except (ValueError, OSError):
        return False



def examples_table(found: dict, request: gr.Request | None = None) -> pd.DataFrame:
    labels = found["labels"]
    rows = [{"row": r["row"], "text": r["text"][:MAX_TEXT_SHOWN], **({"pair": r["pair"][:MAX_TEXT_SHOWN]}
                                                                     if "pair" in r else {}),
             "label": labels[r["label"]], "before": labels[r["before"]], "before_p": r["before_p"],
             "after": labels[r["after"]], "after_p": r["after_p"]} for r in found["rows"]]
    # the short columns first, so the predictions show beside the row number and the text takes the rest
    columns = ["row", "label", "before", "before_p", "after", "after_p", "text",
               *(["pair"] if rows and "pair" in rows[0] else [])]
    return pd.DataFrame(rows, columns=columns).rename(columns={c: msg(f"ex.c.{c}", request) for c in columns})


def pairs_summary(found: dict, request: gr.Request | None = None) -> str:
    """A DPO run's held-out pairs in words: how many flipped, stayed wrong, broke; its answers before and after."""
    if found["before_step"] is None:
        return msg("ex.none", request)
    shares = {k: f"{v:.0%}" if isinstance(v, (int, float)) else "-" for k, v in found["prefers_chosen"].items()}
    text = msg("ex.pairs.counts", request, before_step=found["before_step"], after_step=found["after_step"],
               share_before=shares["before"], share_after=shares["after"], **found["counts"])
    if found["texts_withheld"]:
        return text + "\n\n" + msg("ex.withheld", request)
    # HTML, not Markdown: a model's answer may hold * or _ (read as emphasis); cut before escaping, never inside an
    # entity; the list's class marks it as the learner's text (the translation walk reads past it)
    answers = "".join(f"<li><em>{_clip(a['prompt'])}</em>: {_clip(a['before'])} → <strong>{_clip(a['after'])}</strong>"
                      "</li>" for a in found["answers"])
    return "\n\n".join([text, msg("ex.pairs.answers", request), f'<ul class="fts-answers">{answers}</ul>']) \
        if answers else text


def _clip(text) -> str:
    return html.escape(str(text)[:MAX_TEXT_SHOWN])


def pairs_table(found: dict, request: gr.Request | None = None) -> pd.DataFrame:
    columns = ["status", "margin_before", "margin_after", "reward_margin", "prompt", "chosen", "rejected"]
    rows = [{"status": msg(f"ex.s.{r['status']}", request), "margin_before": r["before"], "margin_after": r["after"],
             "reward_margin": r["reward_margin"], "prompt": r.get("prompt", ""), "chosen": r.get("chosen", ""),
             "rejected": r.get("rejected", "")} for r in found["rows"]]
    return pd.DataFrame(rows, columns=columns).rename(columns={c: msg(f"ex.c.{c}", request) for c in columns})
