"""How the Model tab shows things: the config in words, the module tree (nested HTML, every name escaped), the
heads table and the notes beside it. No Gradio here: plain strings and tables."""

from __future__ import annotations

from html import escape

import pandas as pd

from core.model.describe import human_count
from ui.i18n import headers, local, msg

HEAD_COLUMNS = ["variant", "class", "outputs (shape)", "typical task", "newly initialized"]



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
    return headers(pd.DataFrame(rows, columns=HEAD_COLUMNS), request)


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
