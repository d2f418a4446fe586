"""How the Train tab shows one stage of a training step: its words in two languages, a table, a chart, its code."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from ui.i18n import local, msg



def _bar(labels: list[str], values: list[float], title: str, y_title: str) -> go.Figure:
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color="#4f46e5"))
    fig.update_layout(title=title, yaxis_title=y_title, height=320, margin=dict(l=60, r=10, t=40, b=80))
    return fig


def _mask_figure(result: dict) -> go.Figure:
    masks = [row["attention_mask"] for row in result["rows"]]
    fig = go.Figure(go.Heatmap(z=masks, colorscale=[[0, "#e5e7eb"], [1, "#4f46e5"]], showscale=False,
                               y=[f"row {i} ({row['label']})" for i, row in enumerate(result["rows"])],
                               hovertemplate="position %{x}: %{z}<extra></extra>"))
    fig.update_layout(title="attention_mask (1 = token, 0 = padding)", xaxis_title="position", height=260,
                      yaxis_autorange="reversed", margin=dict(l=110, r=10, t=40, b=40))
    return fig


def _batch(result: dict, request) -> tuple[str, pd.DataFrame, go.Figure | None]:
    rows, length = result["shapes"]["input_ids"]
    counts = ", ".join(f"{html.escape(name)} {n}" for name, n in result["label_counts"].items())
    text = msg("step.h.batch", request, rows=rows, length=length, share=result["padding_share"],
               train=result["training_rows"], counts=counts)
    table = pd.DataFrame([{"label": r["label"], "tokens": r["tokens_used"], "padding": r["padding"],
                           "first tokens": " ".join(r["tokens"]), "first ids": str(r["ids"])} for r in result["rows"]])
    return text, table, _mask_figure(result)


def _forward(result: dict, request):
    names = result["label_names"]
    text = msg("step.h.forward", request, shape=result["logits_shape"], chance=1 / max(len(names), 1))
    table = pd.DataFrame([{"label": r["label"], "predicted": r["predicted"], "logits": str(r["logits"]),
                           **{f"p({name})": r["probabilities"][name] for name in names}} for r in result["rows"]])
    return text, table, None


def _loss(result: dict, request):
    text = msg("step.h.loss", request, loss=result["loss"], by_hand=result["by_hand"], guessing=result["guessing"],
               classes=result["classes"])
    if result["gradient_accumulation_steps"] > 1:
        text += msg("step.h.accumulate", request, n=result["gradient_accumulation_steps"])
    table = pd.DataFrame([{"label": r["label"], "chance of label": r["chance_of_label"], "−log(chance)": r["loss"]}
                          for r in result["rows"]])
    return text, table, None


def _backward(result: dict, request):
    clip = msg("step.h.clipped" if result["clipped"] else "step.h.unclipped", request, max_norm=result["max_norm"])
    text = msg("step.h.backward", request, total=result["total_norm"], clip=clip)
    layers = result["layers"]
    table = pd.DataFrame([{"layer": r["layer"], "gradient norm": round(r["grad_norm"], 6),
                           "weights": r["parameters"]} for r in layers])
    return text, table, _bar([r["layer"] for r in layers], [r["grad_norm"] for r in layers],
                             "gradient norm per layer (before clipping)", "‖gradient‖")


def _step(result: dict, request):
    text = msg("step.h.step", request, lr=result["learning_rate"], next_lr=result["next_learning_rate"])
    if result["learning_rate"] == 0:
        text += msg("step.h.warmup", request)
    layers = result["layers"]
    table = pd.DataFrame([{"layer": r["layer"], "‖change‖": r["change_norm"], "change / ‖weights‖":
                           r["relative_change"], "mean |change| per weight": r["mean_abs_change"]} for r in layers])
    return text, table, _bar([r["layer"] for r in layers], [r["relative_change"] for r in layers],
                             "how much each layer moved (‖change‖ / ‖weights‖)", "relative change")


def _after(result: dict, request):
    verdict = msg("step.h.lower" if result["change"] < 0 else "step.h.higher", request)
    text = msg("step.h.after", request, before=result["loss_before"], after=result["loss_after"],
               change=result["change"], verdict=verdict)
    table = pd.DataFrame([{"label": r["label"], "chance before": r["chance_of_label"], "chance after": r["chance_after"]}
                          for r in result["rows"]])
    return text, table, _bar(["before", "after"], [result["loss_before"], result["loss_after"]],
                             "loss on this batch", "loss")


VIEWS = {"batch": _batch, "forward": _forward, "loss": _loss, "backward": _backward, "step": _step, "after": _after}


def stage_view(stage: str, result: dict, notes: list[str], request=None) -> tuple[str, pd.DataFrame, object, str]:
    """Words, table, chart (or None) and code of one stage's result."""
    text, table, figure = VIEWS[stage](result, request)
    if notes:
        text += "\n\n" + msg("step.notes", request, notes="; ".join(local(n, request) for n in notes))
    return text, table.round(6), figure, "\n".join(result["code"])
