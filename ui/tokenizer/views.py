"""How the Tokenizer tab shows things: coloured tokens (HTML, every string escaped), the tokenizer
summary (Markdown) and the token length histogram (plotly). No Gradio here: plain strings and figures."""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go

from core.tokenizer.result import EncodeResult
from ui.i18n import local, msg


# scoped to the gr.HTML component through css_template
TOKENS_CSS = """
.fts-seq { margin: 0 0 12px 0; }
.fts-head { font-size: 0.85em; opacity: 0.75; margin-bottom: 4px; }
.fts-tok { display: inline-block; margin: 2px 1px; padding: 1px 4px; border-radius: 4px; color: #111;
           font-family: ui-monospace, monospace; white-space: pre; }
.fts-c0 { background: #fde68a; } .fts-c1 { background: #bbf7d0; } .fts-c2 { background: #bfdbfe; }
.fts-c3 { background: #fbcfe8; } .fts-c4 { background: #ddd6fe; } .fts-c5 { background: #fed7aa; }
.fts-special { background: #1e3a8a; color: #fff; font-weight: bold; }
.fts-pad { background: #e5e7eb; color: #6b7280; border: 1px dashed #9ca3af; }
.fts-legend span { margin-right: 8px; }
.fts-cols { display: flex; gap: 16px; } .fts-cols > div { flex: 1; min-width: 0; }
"""
_COLOURS = 6


def _span(token: str, title: str, css: str) -> str:
    return f'<span class="fts-tok {css}" title="{escape(title)}">{escape(token)}</span>'


def _token_spans(tokens: list[str], ids: list[int] | None, special: list[bool], pad: list[bool] | None,
                 masks: list[int] | None = None, types: list[int] | None = None) -> str:
    spans = []
    for pos, token in enumerate(tokens):
        is_pad = bool(pad and pad[pos])
        css = "fts-pad" if is_pad else "fts-special" if special[pos] else f"fts-c{pos % _COLOURS}"
        title = f"position {pos}" + (f" · id {ids[pos]}" if ids else "")
        title += f" · mask {masks[pos]}" if masks else ""
        title += f" · type {types[pos]}" if types else ""
        spans.append(_span(token, title + (" · padding" if is_pad else " · special" if special[pos] else ""), css))
    return "".join(spans)


def legend_html() -> str:
    return ('<div class="fts-legend fts-head">' + _span("token", msg("tokv.legend.token"), "fts-c0")
            + _span(msg("tokv.chip.special"), msg("tokv.legend.special"), "fts-special")
            + _span(msg("tokv.chip.pad"), msg("tokv.legend.pad"), "fts-pad") + " " + escape(msg("tokv.legend.hover"))
            + "</div>")


def tokens_html(result: EncodeResult) -> str:
    """Every shown sequence as a line of coloured tokens: special and pad tokens styled apart."""
    blocks = [legend_html()]
    for seq in result.sequences:
        more = msg("tokv.first", shown=seq["shown"]) if seq["shown"] < seq["n_tokens"] else ""
        row = msg("tokv.row", row=seq["row"]) if "row" in seq else ""
        head = msg("tokv.seq", index=seq["index"], row=row, count=f"{seq['n_tokens']:,}", more=more)
        spans = _token_spans(seq["tokens"], seq["input_ids"], seq["special"], seq["pad"],
                             seq["attention_mask"], seq["token_type_ids"])
        blocks.append(f'<div class="fts-seq"><div class="fts-head">{escape(head)}</div>{spans}</div>')
    return "".join(blocks)


def _side(side: str) -> str:
    """A tokenizer's padding or truncation side in words ('right' / 'left' as the attribute holds it)."""
    return msg(f"tokv.side.{side}") if side in ("right", "left") else escape(str(side))


def decoded_markdown(result: EncodeResult) -> str:
    """The round trip: decode(ids) with and without special tokens, and whether it gives the text back."""
    lines = []
    for seq in result.sequences[:8]:
        exact = {True: msg("tokv.exact.yes"), False: msg("tokv.exact.no"),
                 None: msg("tokv.exact.unchecked", shown=seq["shown"])}[seq["round_trip_exact"]]
        lines.append(f"**{msg('col.sequence')} {seq['index']}** · `decode(ids)`: {_code(seq['decoded'])}  \n"
                     f"`decode(ids, skip_special_tokens=True)`: {_code(seq['decoded_without_special'])}  \n"
                     + msg("tokv.exact", exact=exact))
    if len(result.sequences) > 8:
        lines.append(msg("tokv.more", count=len(result.sequences) - 8))
    return "\n\n".join(lines)


def _code(text: str) -> str:
    """Inline Markdown code that survives backticks and HTML-looking text."""
    text = text.replace("\n", " ")
    if not text:
        return "(empty)"
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def notes_markdown(notes: list[str]) -> str:
    if not notes:
        return msg("tokv.no_notes")
    return "\n".join(f"- {escape(local(n), quote=False)}" for n in notes)


def tokenizer_markdown(info: dict) -> str:
    """Special tokens with ids, vocab size, max length, fast/slow and sides, as a Markdown table."""
    rows = "\n".join(f"| {s['role']} | `{s['attribute']}` | {_code(s['token']).replace('|', chr(92) + '|')} | "
                     f"{s['id']} |" for s in info["special_tokens"])  # a | would end the table cell
    limit = info["model_max_length"] or msg("tokv.not_set")
    kind = msg("tokv.fast") if info["fast"] else msg("tokv.slow")
    text = (msg("tokv.summary", cls=escape(str(info["class"])), kind=kind, vocab=f"{info['vocab_size']:,}",
                limit=limit, padding_side=_side(info["padding_side"]),
                truncation_side=_side(info["truncation_side"]))
            + f"\n\n| {msg('col.role')} | {msg('col.attribute')} | token | id |\n|---|---|---|---|\n{rows}")
    if not info["has_pad_token"]:
        text += "\n\n" + msg("tokv.no_pad")
    return text


def compare_html(result: dict) -> str:
    """Two tokenizers' tokens side by side, with counts."""
    columns = []
    for side in (result["a"], result["b"]):
        more = msg("tokv.first", shown=side["shown"]) if side["shown"] < side["count"] else ""
        head = (msg("tokv.compare", name=side["name"], count=f"{side['count']:,}", words=f"{side['words']:,}",
                    more=more) + (msg("tokv.unknown", count=side["unk"]) if side["unk"] else ""))
        spans = _token_spans(side["tokens"], None, side["special"], None)
        columns.append(f'<div><div class="fts-head"><b>{escape(head)}</b></div>{spans}</div>')
    return f'<div class="fts-cols">{"".join(columns)}</div>'


def lengths_figure(stats: dict) -> go.Figure:
    """Histogram of tokens per row, the chosen max_length and the recommendation as vertical lines."""
    fig = go.Figure(go.Histogram(x=stats["lengths"], nbinsx=50, marker_color="#6366f1", name="rows"))
    fig.add_vline(x=stats["max_length"], line_color="#dc2626", line_dash="dash",
                  annotation_text=f"max_length {stats['max_length']}", annotation_position="top right")
    if stats["recommended_max_length"] != stats["max_length"]:
        fig.add_vline(x=stats["recommended_max_length"], line_color="#16a34a", line_dash="dot",
                      annotation_text=f"95%: {stats['recommended_max_length']}", annotation_position="top left")
    fig.update_layout(height=320, margin=dict(l=40, r=10, t=40, b=40), bargap=0.05, showlegend=False,
                      xaxis_title=msg("tokv.axis.tokens"), yaxis_title=msg("tokv.axis.rows"))
    return fig


def stats_markdown(stats: dict) -> str:
    measured = (msg("tokv.sample", measured=f"{stats['measured']:,}", rows=f"{stats['rows']:,}") if stats["sampled"]
                else msg("tokv.all", rows=f"{stats['rows']:,}"))
    return msg("tokv.stats", measured=measured, columns=" + ".join(stats["columns"]), mean=f"{stats['mean']:.0f}",
               p50=f"{stats['p50']:.0f}", p95=f"{stats['p95']:.0f}", longest=f"{stats['max']:,}",
               m=stats["max_length"], share=f"{stats['truncated_share']:.1%}",
               truncated=f"{stats['truncated_rows']:,}", recommended=stats["recommended_max_length"])
