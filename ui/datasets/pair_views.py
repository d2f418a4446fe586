"""How the Datasets tab shows preference data: each sampled row as its prompt, with the chosen and the rejected
answer side by side.

core.data.preferences recognises the format (prompt / chosen / rejected, or chosen / rejected sharing their
prompt) and turns a row into a checked pair; a row it refuses is shown as its message (the row and the fix) in the
visitor's language, where the pair would be. A bounded scan of the split names the first malformed rows, so a
learner finds them before a DPO run refuses the data. No Gradio here: plain strings, every text escaped.
"""

from __future__ import annotations

from html import escape

from core.data.preferences import SIDES, detect_format, malformed_pairs, row_to_pair
from ui.i18n import local, msg

# scoped to the sampled rows' gr.HTML through css_template; user / chosen / rejected in the chat lesson's colours
PAIR_CSS = """
.fts-pair { border: 1px solid #e5e7eb; border-radius: 8px; padding: 6px 8px; margin: 6px 0; }
.fts-pair-head { font-size: 0.85em; opacity: 0.7; margin-bottom: 4px; }
.fts-pair-prompt { background: #bfdbfe; border-radius: 6px; padding: 4px 8px; margin: 3px 0; color: #111;
  white-space: pre-wrap; }
.fts-pair-sides { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; margin-top: 4px; }
.fts-pair-side { border-radius: 6px; padding: 4px 8px; color: #111; white-space: pre-wrap; }
.fts-pair-chosen { background: #bbf7d0; } .fts-pair-rejected { background: #fecaca; }
.fts-pair-label { font-weight: bold; font-size: 0.8em; display: block; }
.fts-pair-size { font-size: 0.75em; opacity: 0.7; display: block; margin-top: 2px; }
.fts-pair-bad { background: #fee2e2; color: #7f1d1d; border-radius: 6px; padding: 4px 8px; }
"""
MAX_ROWS = 50             # sampled rows drawn, as the table's own limit
MAX_SCAN = 2_000          # rows checked for malformed ones per view: bounded work whatever the split's size
MAX_SHOWN_CHARS = 600     # of one turn on the page (a turn may hold 20,000): the rest is elided
MAX_EXTRA_CHARS = 40      # a row's other fields (task, language, flaw) are named in its head when short


def preference_format(columns) -> str | None:
    """The preference format of a split's columns (core.data.preferences), None when it holds no pairs."""
    return detect_format(columns)


def pairs_html(split, rows: list[int]) -> str:
    """The split's rows (0-based indices, as the sample table's `row` column) as prompts with their two answers
    side by side, after a line naming the format and the first malformed rows; '' when the split holds no pairs."""
    fmt = preference_format(split.column_names)
    if fmt is None:
        return ""
    rows = [row for row in rows[:MAX_ROWS] if 0 <= row < len(split)]  # the table's rows: at most 50, in range
    pairs = [_pair_html(index, fmt, row) for index, row in zip(rows, split.select(rows))]
    return f'<div class="fts-pair-head">{escape(scan_line(split, fmt))}</div>' + "".join(pairs)


def scan_line(split, fmt: str) -> str:
    """The format and what a check of the first MAX_SCAN rows found: all well formed, or the first bad rows."""
    checked, bad = malformed_pairs(split, limit=MAX_SCAN)
    head = msg("dsp.format", format=msg(f"dsp.fmt.{fmt}"), checked=f"{checked:,}", rows=f"{len(split):,}")
    return head + " " + (msg("dsp.bad", problems=" · ".join(local(err) for err in bad)) if bad
                         else msg("dsp.all_ok"))


def _pair_html(index: int, fmt: str, row: dict) -> str:
    extra = [f"{key}: {value}" for key, value in row.items()
             if key not in ("prompt", *SIDES) and isinstance(value, (str, int, float))
             and len(str(value)) <= MAX_EXTRA_CHARS]
    head = f'<div class="fts-pair-head">{escape(" · ".join([msg("dsp.row", row=index), *extra]))}</div>'
    try:
        pair = row_to_pair(row, fmt, index)
    except ValueError as err:  # UserError: the row and the fix
        return f'<div class="fts-pair">{head}<div class="fts-pair-bad">⚠️ {escape(local(err))}</div></div>'
    sides = "".join(_side_html(side, pair[side]) for side in SIDES)
    return (f'<div class="fts-pair">{head}<div class="fts-pair-prompt"><span class="fts-pair-label">'
            f'{escape(msg("dsp.prompt"))}</span>{_text_html(pair["prompt"])}</div>'
            f'<div class="fts-pair-sides">{sides}</div></div>')


def _side_html(side: str, answer) -> str:
    words = answer if isinstance(answer, str) else "\n".join(turn["content"] for turn in answer)
    return (f'<div class="fts-pair-side fts-pair-{side}"><span class="fts-pair-label">{escape(msg(f"dsp.{side}"))}'
            f'</span>{_text_html(answer)}<span class="fts-pair-size">'
            f'{escape(msg("dsp.size", chars=f"{len(words):,}"))}</span></div>')


def _text_html(part) -> str:
    """Plain text as it is; turns each on a line of their own, led by their role when there are several (a
    system turn, earlier turns of the conversation)."""
    if isinstance(part, str):
        return escape(_shown(part))
    if len(part) == 1:
        return escape(_shown(part[0]["content"]))
    return "<br>".join(f"<b>{escape(msg('chatv.role.' + turn['role']))}</b>: {escape(_shown(turn['content']))}"
                       for turn in part)


def _shown(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + " …"
