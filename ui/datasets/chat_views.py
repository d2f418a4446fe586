"""How the Datasets tab shows a conversational dataset: each sampled row as a chat, turns coloured by role.

core.data.conversations recognises the format (messages, prompt / completion, instruction / input / output) and
turns a row into checked chat messages; a row it refuses is shown as its message (the row and the fix) in the
visitor's language, where the chat would be. A bounded scan of the split names the first malformed rows, so a
learner finds them before a run refuses the data. No Gradio here: plain strings, every text escaped.
"""

from __future__ import annotations

import json
from html import escape

from core.data.conversations import detect_format, row_to_messages
from ui.i18n import local, msg

# scoped to the gr.HTML component through css_template; the role colours are the Tokenizer tab's chat lesson's
CHAT_CSS = """
.fts-conv { border: 1px solid #e5e7eb; border-radius: 8px; padding: 6px 8px; margin: 6px 0; }
.fts-conv-head { font-size: 0.85em; opacity: 0.7; margin-bottom: 4px; }
.fts-turn { border-radius: 6px; padding: 4px 8px; margin: 3px 0; color: #111; white-space: pre-wrap; }
.fts-r-system { background: #ddd6fe; } .fts-r-user { background: #bfdbfe; margin-right: 15%; }
.fts-r-assistant { background: #bbf7d0; margin-left: 15%; }
.fts-role { font-weight: bold; font-size: 0.8em; display: block; }
.fts-bad { background: #fee2e2; color: #7f1d1d; border-radius: 6px; padding: 4px 8px; }
"""
MAX_ROWS = 50             # sampled rows drawn, as the table's own limit
MAX_SCAN = 2_000          # rows checked for malformed ones per view: bounded work whatever the split's size
MAX_NAMED = 3             # malformed rows named in the summary line
MAX_SHOWN_CHARS = 600     # of one turn on the page (a turn may hold 20,000): the rest is elided
MAX_CELL_CHARS = 300      # of a list-valued cell in the sample table


def conversation_format(columns) -> str | None:
    """The conversational format of a split's columns (core.data.conversations), None when not conversational."""
    return detect_format(columns)


def chats_html(split, rows: list[int]) -> str:
    """The split's rows (0-based indices, as the sample table's `row` column) rendered as chats, after a line
    naming the format and the first malformed rows of the split; '' when the split is not conversational."""
    fmt = conversation_format(split.column_names)
    if fmt is None:
        return ""
    rows = [row for row in rows[:MAX_ROWS] if 0 <= row < len(split)]  # the table's rows: at most 50, in range
    chats = [_chat_html(index, fmt, row) for index, row in zip(rows, split.select(rows))]
    return f'<div class="fts-conv-head">{escape(scan_line(split, fmt))}</div>' + "".join(chats)


def scan_line(split, fmt: str) -> str:
    """The format and what a check of the first MAX_SCAN rows found: all well formed, or the first bad rows."""
    checked = min(len(split), MAX_SCAN)
    bad = []
    for index, row in enumerate(split.select(range(checked))):
        problem = row_problem(row, fmt, index)
        if problem:
            bad.append(problem)
            if len(bad) == MAX_NAMED:
                break
    head = msg("dsc.format", format=msg(f"dsc.fmt.{fmt}"), checked=f"{checked:,}", rows=f"{len(split):,}")
    return head + " " + (msg("dsc.bad", problems=" · ".join(bad)) if bad else msg("dsc.all_ok"))


def row_problem(row: dict, fmt: str, index: int) -> str:
    """Why row `index` is not a conversation SFT can train on, in the visitor's language ('' when it is)."""
    try:
        row_to_messages(row, fmt, index)
    except ValueError as err:  # UserError: the row and the fix
        return local(err)
    return ""


def _chat_html(index: int, fmt: str, row: dict) -> str:
    head = f'<div class="fts-conv-head">{escape(msg("dsc.row", row=index))}</div>'
    try:
        messages = row_to_messages(row, fmt, index)
    except ValueError as err:
        return f'<div class="fts-conv">{head}<div class="fts-bad">⚠️ {escape(local(err))}</div></div>'
    return f'<div class="fts-conv">{head}{"".join(_turn_html(turn) for turn in messages)}</div>'


def _turn_html(turn: dict) -> str:
    role, text = turn["role"], turn["content"]
    shown = text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + " …"
    return (f'<div class="fts-turn fts-r-{escape(role)}"><span class="fts-role">{escape(msg(f"chatv.role.{role}"))}'
            f'</span>{escape(shown)}</div>')


def flat_cells(frame):
    """The sample table with list-valued cells (a messages column's turns) as short JSON text: the table shows
    text, and the chats above it show the turns."""
    for column in frame.columns:
        if frame[column].dtype == object and any(_is_nested(value) for value in frame[column]):
            frame[column] = [_cell_text(value) for value in frame[column]]
    return frame


def _is_nested(value) -> bool:
    return isinstance(value, (list, tuple, dict)) or hasattr(value, "tolist")


def _cell_text(value) -> str:
    plain = value.tolist() if hasattr(value, "tolist") else value
    text = json.dumps(plain, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS] + " …"
