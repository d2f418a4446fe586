"""How the Model tab shows things: the config in words, the module tree (nested HTML, every name escaped), the
heads table and the notes beside it. No Gradio here: plain strings and tables."""

from __future__ import annotations

from html import escape

import pandas as pd

from core.model.describe import human_count
from ui.i18n import local, msg, register

HEAD_COLUMNS = ["variant", "class", "outputs (shape)", "typical task", "newly initialized"]

register(
    en={"modv.config": "**{summary}**\n\n| | |\n|---|---|\n| architecture | `{architecture}` ({kind}) |\n"
                       "| layers (transformer blocks) | {layers} |\n| hidden size | {hidden} |\n"
                       "| attention heads per layer | {heads} |\n| feed-forward size | {ffn} |\n"
                       "| vocabulary | {vocab} |\n| maximum positions | {positions} |\n| parameters | {params} |",
        "modv.tree_total": "{cls}: {params} parameters in total",
        "modv.none_new": "none: every weight comes from the checkpoint",
        "modv.new": "{names} ({count} weights)",
        "modv.new_note": "**Newly initialized** means the checkpoint has no weights for that part, so "
                         "`from_pretrained` made them up at random and warned: *Some weights of {cls} were not "
                         "initialized from the model checkpoint ... You should probably TRAIN this model on a "
                         "down-stream task*. A new head knows nothing until it is trained; the body it sits on "
                         "keeps what pretraining taught it.",
        "modv.probs": "An untrained classification head on {tokens} tokens: softmax(logits) is close to uniform "
                      "(1/{classes} = {uniform:.2f} each). It knows nothing yet: that is what fine-tuning changes.",
        "modv.unsupported": "—"},
    zh={"modv.config": "**{summary}**\n\n| | |\n|---|---|\n| 架构 | `{architecture}`（{kind}） |\n"
                       "| 层数（transformer 块） | {layers} |\n| 隐藏层大小 | {hidden} |\n"
                       "| 每层注意力头数 | {heads} |\n| 前馈层大小 | {ffn} |\n"
                       "| 词表大小 | {vocab} |\n| 最大位置数 | {positions} |\n| 参数量 | {params} |",
        "modv.tree_total": "{cls}：共 {params} 个参数",
        "modv.none_new": "没有：所有权重都来自检查点",
        "modv.new": "{names}（{count} 个权重）",
        "modv.new_note": "**新初始化（newly initialized）** 的意思是：检查点里没有这部分的权重，所以 `from_pretrained` "
                         "随机生成了它们，并给出警告：*Some weights of {cls} were not initialized from the model "
                         "checkpoint ... You should probably TRAIN this model on a down-stream task*。新的头在训练之前"
                         "什么都不知道；它下面的主体保留了预训练学到的东西。",
        "modv.probs": "一个未训练的分类头（输入 {tokens} 个 token）：softmax(logits) 接近均匀分布（每类约 1/{classes} = "
                      "{uniform:.2f}）。它还什么都不知道：微调改变的正是这一点。",
        "modv.unsupported": "—"},
)


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else "?"


def config_markdown(described: dict, request=None) -> str:
    """The config as a sentence and a table of its main numbers."""
    cfg = described["config"]
    return msg("modv.config", request, summary=escape(local(cfg["summary"], request)),
               architecture=escape(cfg["architecture"]), kind=cfg["kind"], layers=_number(cfg["layers"]),
               hidden=_number(cfg["hidden_size"]), heads=_number(cfg["heads"]),
               ffn=_number(cfg["intermediate_size"]), vocab=_number(cfg["vocab_size"]),
               positions=_number(cfg["max_positions"]), params=f"{described['total_params']:,}")


def _node_html(node: dict) -> str:
    label = (f"<code>{escape(node['name'])}</code> <span class='fts-type'>{escape(node['type'])}</span> "
             f"<b>{human_count(node['params'])}</b>")
    if not node["children"]:
        return f"<div class='fts-leaf'>{label}</div>"
    inner = "".join(_node_html(child) for child in node["children"])
    return f"<details><summary>{label}</summary><div class='fts-kids'>{inner}</div></details>"


TREE_CSS = """
.fts-tree details { margin-left: 0.6em; }
.fts-tree .fts-kids { margin-left: 1.2em; border-left: 1px solid #ccc; padding-left: 0.4em; }
.fts-tree .fts-leaf { margin-left: 1.8em; }
.fts-tree .fts-type { opacity: 0.6; font-size: 0.85em; }
"""


def tree_html(described: dict, request=None) -> str:
    """The module tree as nested <details>, each block with its parameter count (tied weights once)."""
    total = msg("modv.tree_total", request, cls=escape(described["class"]), params=f"{described['total_params']:,}")
    return f"<div class='fts-tree'><p>{total}</p>{''.join(_node_html(n) for n in described['tree'])}</div>"


def _outputs_text(outputs: dict) -> str:
    return " · ".join(f"{name} {shape}" for name, shape in outputs.items())


def _new_text(row: dict, request) -> str:
    if not row["new_weights"]:
        return msg("modv.none_new", request)
    names = sorted({name.rsplit(".", 1)[0] for name in row["new_weights"]})
    shown = ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")
    return msg("modv.new", request, names=shown, count=f"{row['new_params']:,}")


def heads_table(result: dict, request=None) -> pd.DataFrame:
    """The tutorial's table, computed: variant, class, output fields with shapes, typical task, new weights."""
    rows = []
    for row in result["variants"]:
        if row["supported"]:
            rows.append([row["auto_class"], row["class"], _outputs_text(row["outputs"]), local(row["task"], request),
                         _new_text(row, request)])
        else:
            rows.append([row["auto_class"], msg("modv.unsupported", request), local(row["reason"], request),
                         local(row["task"], request), ""])
    return pd.DataFrame(rows, columns=HEAD_COLUMNS)


def new_weights_note(result: dict, request=None) -> str:
    """What 'newly initialized' means, quoting the warning for the classification head's class."""
    row = next((r for r in result["variants"] if r["variant"] == "sequence_classification" and r["supported"]), None)
    return msg("modv.new_note", request, cls=escape(row["class"] if row else "..."))


def probabilities(result: dict) -> dict[str, float]:
    """The untrained classification head's softmax, for a gr.Label ({} when the architecture has no such head)."""
    row = next((r for r in result["variants"] if r["variant"] == "sequence_classification"), {})
    return row.get("probabilities") or {}


def probabilities_note(result: dict, request=None) -> str:
    classes = len(probabilities(result)) or 2
    return msg("modv.probs", request, tokens=result["tokens"], classes=classes, uniform=1 / classes)


def guesses(result: dict) -> dict[str, float]:
    """The masked-LM head's top guesses, for a gr.Label ({} without a masked-LM head or a [MASK])."""
    row = next((r for r in result["variants"] if r["variant"] == "masked_lm"), {})
    return {g["token"]: g["score"] for g in (row.get("guesses") or {}).get("top", [])}


def guesses_note(result: dict, request=None) -> str:
    row = next((r for r in result["variants"] if r["variant"] == "masked_lm"), {})
    note = (row.get("guesses") or {}).get("note", "")
    return " ".join(escape(local(text, request)) for text in (result["mask_head"], note) if text)
