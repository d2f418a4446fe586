"""What to train, in words: the "Before Start" estimate the Train and Model tabs both show (trainable parameters,
their share, memory for weights, gradients, AdamW state and activations, with the arithmetic), and the timing of
one measured step. core.model.estimate computes it; this module only writes it down, in the visitor's language.
"""

from __future__ import annotations

import html

from ui.i18n import local, msg, register

register(
    en={"wtt.title": "**Before Start: what trains, and the memory it needs** ({mode}, {precision})",
        "wtt.modes": "full: every weight learns · head: only the new classifier (the body is frozen) · last_n_layers: "
                     "the top blocks and the head · lora: small low-rank adapters and the head (peft)",
        "wtt.peak": "Memory for training ≈ weights + gradients + optimizer state + activations. Freezing saves the "
                    "gradients and AdamW state of frozen weights, and the activations below the lowest trained "
                    "block; LoRA keeps every block's activations (gradients flow down to its lowest adapter).",
        "wtt.failed": "No estimate: {error}"},
    zh={"wtt.title": "**开始之前：训练哪些参数，需要多少内存**（{mode}，{precision}）",
        "wtt.modes": "full：所有权重都学习 · head：只训练新的分类头（主体冻结） · last_n_layers：最上面几层和分类头 · "
                     "lora：小的低秩适配器和分类头（peft）",
        "wtt.peak": "训练所需内存 ≈ 权重 + 梯度 + 优化器状态 + 激活值。冻结可以省下被冻结权重的梯度和 AdamW 状态，"
                    "以及最低一个被训练层以下的激活值；LoRA 要保留每一层的激活值（梯度要一直传到最低的适配器）。",
        "wtt.failed": "无法估算：{error}"},
)


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
