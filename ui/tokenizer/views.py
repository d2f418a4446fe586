"""How the Tokenizer tab shows things: coloured tokens (HTML, every string escaped), the tokenizer
summary (Markdown) and the token length histogram (plotly). No Gradio here: plain strings and figures."""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go

from core.tokenizer.result import EncodeResult
from ui.i18n import local, msg, register

register(
    en={"tokv.no_notes": "No warnings: these settings do what they say.",
        "tokv.legend.token": "an ordinary token", "tokv.legend.special": "added by the tokenizer",
        "tokv.legend.pad": "padding: attention mask 0", "tokv.legend.hover": "hover a token for its id",
        "tokv.seq": "sequence {index}{row} · {count} tokens{more}", "tokv.row": " · dataset row {row}",
        "tokv.first": " (first {shown} shown)", "tokv.fast": "fast (Rust `tokenizers`)", "tokv.slow": "slow (Python)",
        "tokv.not_set": "not set",
        "tokv.summary": "**{cls}** · {kind} · vocab size **{vocab}** · model_max_length **{limit}** · padding side "
                        "**{padding_side}** · truncation side **{truncation_side}**",
        "tokv.compare": "{name}: {count} tokens for {words} words{more}", "tokv.unknown": " · {count} unknown",
        "tokv.exact.yes": "yes", "tokv.exact.no": "no (the tokenizer normalises case, accents or spaces, or truncation cut it)",
        "tokv.exact.unchecked": "not checked (only the first {shown} tokens are decoded here)",
        "tokv.exact": "gives the input back exactly: {exact}",
        "tokv.more": "... and {count} more sequences (see the table).",
        "tokv.no_pad": "**No pad token.** Like GPT-2, this tokenizer cannot pad a batch until it has one: "
                       "try padding to see the error, then apply the fix.",
        "tokv.sample": "a random sample of {measured} of {rows} rows", "tokv.all": "all {rows} rows",
        "tokv.stats": "Over {measured} of `{columns}`: mean {mean}, median {p50}, 95th percentile {p95}, longest "
                      "{longest} tokens.\n\nmax_length **{m}** would truncate **{share}** of rows ({truncated}).\n\n"
                      "Recommended max_length: **{recommended}** (covers 95% of rows, a multiple of 8, at most the "
                      "model's maximum); the Train tab can use it."},
    zh={"tokv.no_notes": "没有警告：这些设置的效果与字面意思一致。",
        "tokv.legend.token": "普通 token", "tokv.legend.special": "分词器添加的", "tokv.legend.pad": "填充：attention mask 为 0",
        "tokv.legend.hover": "鼠标悬停在 token 上可查看 id",
        "tokv.seq": "序列 {index}{row} · {count} 个 token{more}", "tokv.row": " · 数据集第 {row} 行",
        "tokv.first": "（显示前 {shown} 个）", "tokv.fast": "fast（Rust `tokenizers`）", "tokv.slow": "slow（Python）",
        "tokv.not_set": "未设置",
        "tokv.summary": "**{cls}** · {kind} · 词表大小 **{vocab}** · model_max_length **{limit}** · padding side "
                        "**{padding_side}** · truncation side **{truncation_side}**",
        "tokv.compare": "{name}：{count} 个 token，对应 {words} 个词{more}", "tokv.unknown": " · {count} 个未知",
        "tokv.exact.yes": "是", "tokv.exact.no": "否（分词器规范化了大小写、重音或空格，或者 truncation 截掉了一部分）",
        "tokv.exact.unchecked": "未检查（这里只解码前 {shown} 个 token）",
        "tokv.exact": "能否完全还原输入：{exact}",
        "tokv.more": "……还有 {count} 个序列（见表格）。",
        "tokv.no_pad": "**没有 pad token。** 和 GPT-2 一样，这个分词器在有 pad token 之前无法填充一个批次："
                       "先试试 padding 看看报错，再应用修复。",
        "tokv.sample": "随机抽取的 {measured} 行（共 {rows} 行）", "tokv.all": "全部 {rows} 行",
        "tokv.stats": "在 `{columns}` 的{measured}上：平均 {mean}，中位数 {p50}，95 分位 {p95}，最长 {longest} 个 token。"
                      "\n\nmax_length **{m}** 会截断 **{share}** 的行（{truncated} 行）。\n\n"
                      "推荐的 max_length：**{recommended}**（覆盖 95% 的行，取 8 的倍数，不超过模型最大长度）；"
                      "“训练”标签页可以直接使用。"},
)

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
            + _span("[special]", msg("tokv.legend.special"), "fts-special")
            + _span("[pad]", msg("tokv.legend.pad"), "fts-pad") + " " + escape(msg("tokv.legend.hover")) + "</div>")


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


def decoded_markdown(result: EncodeResult) -> str:
    """The round trip: decode(ids) with and without special tokens, and whether it gives the text back."""
    lines = []
    for seq in result.sequences[:8]:
        exact = {True: msg("tokv.exact.yes"), False: msg("tokv.exact.no"),
                 None: msg("tokv.exact.unchecked", shown=seq["shown"])}[seq["round_trip_exact"]]
        lines.append(f"**sequence {seq['index']}** · `decode(ids)`: {_code(seq['decoded'])}  \n"
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
                limit=limit, padding_side=info["padding_side"], truncation_side=info["truncation_side"])
            + f"\n\n| role | attribute | token | id |\n|---|---|---|---|\n{rows}")
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
                      xaxis_title="tokens per row (special tokens included)", yaxis_title="rows")
    return fig


def stats_markdown(stats: dict) -> str:
    measured = (msg("tokv.sample", measured=f"{stats['measured']:,}", rows=f"{stats['rows']:,}") if stats["sampled"]
                else msg("tokv.all", rows=f"{stats['rows']:,}"))
    return msg("tokv.stats", measured=measured, columns=" + ".join(stats["columns"]), mean=f"{stats['mean']:.0f}",
               p50=f"{stats['p50']:.0f}", p95=f"{stats['p95']:.0f}", longest=f"{stats['max']:,}",
               m=stats["max_length"], share=f"{stats['truncated_share']:.1%}",
               truncated=f"{stats['truncated_rows']:,}", recommended=stats["recommended_max_length"])
