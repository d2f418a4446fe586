"""How the Train tab shows one stage of a training step: its words in two languages, a table, a chart, its code."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from ui.i18n import local, msg, register

register(
    en={"step.title": "Step through one batch: what one training step does",
        "step.intro": "Take one batch of the current settings and walk it through a training step, one button per "
                      "stage. The model, tokenizer and data are prepared as a run prepares them; it runs on the CPU "
                      "in a second or two. Each stage shows the lines of PyTorch that did it (the *Show code* export "
                      "on the Runs tab has the whole loop).",
        "step.batch": "1 · Batch", "step.forward": "2 · Forward", "step.loss": "3 · Loss",
        "step.backward": "4 · Backward", "step.step": "5 · Optimizer step", "step.after": "6 · Loss after the step",
        "step.again": "Start again", "step.table": "Numbers", "step.chart": "Chart", "step.code": "The PyTorch lines",
        "step.h.batch": "**Batch**: {rows} rows × {length} tokens ({share:.0%} padding), drawn from {train} training "
                        "rows. `input_ids` are the token ids, `attention_mask` is 1 for a real token and 0 for "
                        "padding, `labels` the classes ({counts}). With group_by_length the Trainer's first batch is "
                        "its longest, so running out of memory shows at once.",
        "step.h.forward": "**Forward**: the model turns each row into one logit per class: logits of shape {shape}. "
                          "Softmax makes them chances that sum to 1. The new head is random, so the guesses are "
                          "near {chance:.0%} each.",
        "step.h.loss": "**Loss** = {loss:.4f}: cross-entropy, the mean over the rows of −log(chance the model gave "
                       "the row's true class); by hand {by_hand:.4f}. Guessing evenly gives ln({classes}) = "
                       "{guessing:.4f}.",
        "step.h.accumulate": " With gradient_accumulation_steps = {n} the Trainer divides it by {n} and adds up {n} "
                             "batches' gradients before one step.",
        "step.h.backward": "**Backward**: `loss.backward()` gives every weight a gradient: which way, and how much, "
                           "it should move to lower the loss. Total norm {total:.4f}{clip}; the chart shows it per "
                           "layer (the new head and the layers next to it get the largest).",
        "step.h.clipped": ", above {max_norm}, so the Trainer scales all gradients down to norm {max_norm}",
        "step.h.unclipped": ", below the Trainer's clipping threshold of {max_norm}",
        "step.h.step": "**Optimizer step** with learning rate {lr:.2e} (the next step uses {next_lr:.2e}). AdamW moves "
                       "each weight by about the learning rate in its first step, whatever the gradient's size: the "
                       "chart shows each layer's change relative to its weights. Embeddings move least: only the "
                       "rows of tokens in this batch got a gradient.",
        "step.h.warmup": " The warm-up starts at a learning rate of 0: this first step moves nothing.",
        "step.h.after": "**The same batch after one step**, with the same dropout: loss {before:.4f} → {after:.4f} "
                        "({change:+.4f}). {verdict}",
        "step.h.lower": "One step on this batch already fits it better.",
        "step.h.higher": "Not lower: a learning rate that is too high (or 0 during warm-up) does this.",
        "step.notes": "Limits: {notes}."},
    zh={"step.title": "逐步演示一个 batch：一次训练步骤做了什么",
        "step.intro": "用当前设置取一个 batch，按阶段走完一次训练步骤，每个阶段一个按钮。模型、分词器和数据的准备方式与真正的"
                      "训练完全相同；在 CPU 上运行，一两秒即可。每个阶段都显示完成这一步的 PyTorch 代码"
                      "（“运行记录”标签页的“显示代码”可导出完整的训练循环）。",
        "step.batch": "1 · Batch", "step.forward": "2 · 前向传播", "step.loss": "3 · Loss",
        "step.backward": "4 · 反向传播", "step.step": "5 · 优化器更新", "step.after": "6 · 更新后的 loss",
        "step.again": "重新开始", "step.table": "数值", "step.chart": "图表", "step.code": "PyTorch 代码",
        "step.h.batch": "**Batch**：{rows} 行 × {length} 个 token（{share:.0%} 是 padding），取自 {train} 行训练数据。"
                        "`input_ids` 是 token id，`attention_mask` 对真实 token 为 1、对 padding 为 0，`labels` 是类别"
                        "（{counts}）。开启 group_by_length 时，Trainer 的第一个 batch 是最长的，这样显存不够会立刻暴露。",
        "step.h.forward": "**前向传播**：模型把每一行变成每个类别一个 logit：logits 的形状是 {shape}。softmax 把它们变成"
                          "加起来为 1 的概率。新的分类头是随机的，所以每个类别的概率都接近 {chance:.0%}。",
        "step.h.loss": "**Loss** = {loss:.4f}：交叉熵，即对每一行取 −log(模型给真实类别的概率) 再求平均；手算结果 {by_hand:.4f}。"
                       "平均乱猜的 loss 是 ln({classes}) = {guessing:.4f}。",
        "step.h.accumulate": " 当 gradient_accumulation_steps = {n} 时，Trainer 把它除以 {n}，并累加 {n} 个 batch 的梯度后"
                             "才更新一次。",
        "step.h.backward": "**反向传播**：`loss.backward()` 给每个权重一个梯度：它该往哪个方向、移动多少才能降低 loss。"
                           "总范数 {total:.4f}{clip}；图表按层显示（新的分类头和靠近它的层梯度最大）。",
        "step.h.clipped": "，超过 {max_norm}，所以 Trainer 把所有梯度按比例缩小到范数 {max_norm}",
        "step.h.unclipped": "，低于 Trainer 的裁剪阈值 {max_norm}",
        "step.h.step": "**优化器更新**，学习率 {lr:.2e}（下一步用 {next_lr:.2e}）。AdamW 的第一步让每个权重移动大约一个学习率，"
                       "与梯度大小无关：图表显示每层的变化相对于其权重的大小。Embedding 变化最小：只有这个 batch 中出现的"
                       "token 那几行有梯度。",
        "step.h.warmup": " 预热 (warm-up) 从学习率 0 开始：这第一步什么也没有改变。",
        "step.h.after": "**更新一步之后的同一个 batch**（相同的 dropout）：loss {before:.4f} → {after:.4f}（{change:+.4f}）。"
                        "{verdict}",
        "step.h.lower": "只更新一步，模型就已经更贴合这个 batch 了。",
        "step.h.higher": "没有降低：学习率太高（或预热期间为 0）就会这样。",
        "step.notes": "限制：{notes}。"},
)


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
