"""How the Train tab shows one stage of a training step: its words in two languages, a table, a chart, its code."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from ui.i18n import local, local_comments, msg
from ui.train.strings import STRINGS

HEADERS = {key for key in STRINGS if key.startswith("stepv.c.")}



def _table(rows: list[dict], request) -> pd.DataFrame:
    """A stage's table with its headers in the visitor's language (stepv.c.<name>; p(label) and logits stay code)."""
    frame = pd.DataFrame(rows)
    return frame.rename(columns={c: msg(f"stepv.c.{c}", request) for c in frame.columns if f"stepv.c.{c}" in HEADERS})


def _bar(labels: list[str], values: list[float], title: str, y_title: str) -> go.Figure:
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color="#4f46e5"))
    fig.update_layout(title=title, yaxis_title=y_title, height=320, margin=dict(l=60, r=10, t=40, b=80))
    return fig


def _mask_figure(result: dict, request) -> go.Figure:
    masks = [row["attention_mask"] for row in result["rows"]]
    position = msg("col.position", request)
    fig = go.Figure(go.Heatmap(z=masks, colorscale=[[0, "#e5e7eb"], [1, "#4f46e5"]], showscale=False,
                               y=[msg("stepv.row", request, i=i, label=row["label"])
                                  for i, row in enumerate(result["rows"])],
                               hovertemplate=position + " %{x}: %{z}<extra></extra>"))
    fig.update_layout(title=msg("stepv.mask", request), xaxis_title=position, height=260,
                      yaxis_autorange="reversed", margin=dict(l=110, r=10, t=40, b=40))
    return fig


def _batch(result: dict, request) -> tuple[str, pd.DataFrame, go.Figure | None]:
    rows, length = result["shapes"]["input_ids"]
    counts = ", ".join(f"{html.escape(name)} {n}" for name, n in result["label_counts"].items())
    text = msg("step.h.batch", request, rows=rows, length=length, share=result["padding_share"],
               train=result["training_rows"], counts=counts)
    table = _table([{"label": r["label"], "tokens": r["tokens_used"], "padding": r["padding"],
                     "first tokens": " ".join(r["tokens"]), "first ids": str(r["ids"])} for r in result["rows"]],
                   request)
    return text, table, _mask_figure(result, request)


def _forward(result: dict, request):
    names = result["label_names"]
    text = msg("step.h.forward", request, shape=result["logits_shape"], chance=1 / max(len(names), 1))
    table = _table([{"label": r["label"], "predicted": r["predicted"], "logits": str(r["logits"]),
                     **{f"p({name})": r["probabilities"][name] for name in names}} for r in result["rows"]], request)
    return text, table, None


def _loss(result: dict, request):
    text = msg("step.h.loss", request, loss=result["loss"], by_hand=result["by_hand"], guessing=result["guessing"],
               classes=result["classes"])
    if result["gradient_accumulation_steps"] > 1:
        text += msg("step.h.accumulate", request, n=result["gradient_accumulation_steps"])
    table = _table([{"label": r["label"], "chance of label": r["chance_of_label"], "−log(chance)": r["loss"]}
                    for r in result["rows"]], request)
    return text, table, None


def _backward(result: dict, request):
    clip = msg("step.h.clipped" if result["clipped"] else "step.h.unclipped", request, max_norm=result["max_norm"])
    text = msg("step.h.backward", request, total=result["total_norm"], clip=clip)
    layers = result["layers"]
    table = _table([{"layer": r["layer"], "gradient norm": round(r["grad_norm"], 6),
                     "weights": r["parameters"]} for r in layers], request)
    return text, table, _bar([r["layer"] for r in layers], [r["grad_norm"] for r in layers],
                             msg("stepv.grad_title", request), msg("stepv.grad_axis", request))


def _step(result: dict, request):
    text = msg("step.h.step", request, lr=result["learning_rate"], next_lr=result["next_learning_rate"])
    if result["learning_rate"] == 0:
        text += msg("step.h.warmup", request)
    layers = result["layers"]
    table = _table([{"layer": r["layer"], "‖change‖": r["change_norm"], "change / ‖weights‖":
                     r["relative_change"], "mean |change| per weight": r["mean_abs_change"]} for r in layers], request)
    return text, table, _bar([r["layer"] for r in layers], [r["relative_change"] for r in layers],
                             msg("stepv.moved_title", request), msg("stepv.moved_axis", request))


def _after(result: dict, request):
    verdict = msg("step.h.lower" if result["change"] < 0 else "step.h.higher", request)
    text = msg("step.h.after", request, before=result["loss_before"], after=result["loss_after"],
               change=result["change"], verdict=verdict)
    table = _table([{"label": r["label"], "chance before": r["chance_of_label"], "chance after": r["chance_after"]}
                    for r in result["rows"]], request)
    return text, table, _bar([msg("stepv.before", request), msg("stepv.after", request)],
                             [result["loss_before"], result["loss_after"]], msg("stepv.loss_title", request), "loss")


VIEWS = {"batch": _batch, "forward": _forward, "loss": _loss, "backward": _backward, "step": _step, "after": _after}


def stage_view(stage: str, result: dict, notes: list[str], request=None) -> tuple[str, pd.DataFrame, object, str]:
    """Words, table, chart (or None) and code of one stage's result."""
    text, table, figure = VIEWS[stage](result, request)
    if notes:
        text += "\n\n" + msg("step.notes", request, notes="; ".join(local(n, request) for n in notes))
    return text, table.round(6), figure, local_comments("\n".join(result["code"]), request)
