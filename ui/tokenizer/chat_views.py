"""How the chat-template lesson shows a conversation: its tokens coloured by turn, trained ones marked, masked ones
faded (labels -100); the template's special tokens; the warnings. No Gradio here: plain strings, every text escaped."""

from __future__ import annotations

from html import escape

from ui.i18n import local, msg

# scoped to the gr.HTML component through css_template
CHAT_CSS = """
.fts-chat-tok { display: inline-block; margin: 2px 1px; padding: 1px 4px; border-radius: 4px; color: #111;
                font-family: ui-monospace, monospace; white-space: pre; border: 2px solid transparent; }
.fts-r-system { background: #ddd6fe; } .fts-r-user { background: #bfdbfe; } .fts-r-assistant { background: #bbf7d0; }
.fts-r-template { background: #e5e7eb; }
.fts-trained { border-color: #15803d; font-weight: bold; }
.fts-masked { opacity: 0.45; }
.fts-cut { text-decoration: line-through; opacity: 0.3; }
.fts-legend span { margin-right: 8px; }
"""
ROLES = ("system", "user", "assistant", "template")


def _visible(token: str) -> str:
    """A byte-level BPE's markers as what they stand for (Ġ a space, Ċ a newline), so the text reads as typed."""
    return token.replace("Ġ", " ").replace("Ċ", "\\n").replace("▁", " ")


def tokens_html(shown: dict) -> str:
    """Each token in its turn's colour; bold and outlined where SFT trains on it, faded where masked, struck
    through past max_length. The title names position, id, turn and label."""
    spans = []
    for pos, (token, token_id, role, trained) in enumerate(zip(shown["tokens"], shown["ids"], shown["roles"],
                                                                shown["trained"])):
        cut = pos >= shown["kept"]
        state = "fts-cut" if cut else "fts-trained" if trained else "fts-masked"
        label = msg("chatv.cut") if cut else str(token_id) if trained else "-100"
        title = msg("chatv.title", pos=pos, id=token_id, role=role, label=label)
        spans.append(f'<span class="fts-chat-tok fts-r-{escape(role)} {state}" title="{escape(title)}">'
                     f'{escape(_visible(token))}</span>')
    trained = sum(shown["trained"])
    head = msg("chatv.count", trained=trained, total=len(shown["ids"]), kept=shown["kept"])
    return legend_html() + f'<div class="fts-head">{escape(head)}</div><div>{"".join(spans)}</div>'


def legend_html() -> str:
    roles = "".join(f'<span class="fts-chat-tok fts-r-{role}">{escape(msg(f"chatv.role.{role}"))}</span>'
                    for role in ROLES)
    marks = (f'<span class="fts-chat-tok fts-r-assistant fts-trained">{escape(msg("chatv.trained"))}</span>'
             f'<span class="fts-chat-tok fts-r-user fts-masked">{escape(msg("chatv.masked"))}</span>')
    return f'<div class="fts-legend fts-head">{roles} {marks}</div>'


def special_markdown(shown: dict) -> str:
    """The template's special tokens, with what the tokenizer calls them (bos, eos, pad, end of turn)."""
    if not shown["special_tokens"]:
        return msg("chatv.nospecial")
    lines = [f"- `{entry['token']}` (id {entry['id']})" + (f": {', '.join(entry['roles'])}" if entry["roles"] else "")
             for entry in shown["special_tokens"]]
    return msg("chatv.special") + "\n" + "\n".join(lines)


def notes_markdown(notes: list[str]) -> str:
    """The warnings, each naming its fix, in the visitor's language; a line saying all is well when none."""
    if not notes:
        return msg("chatv.ok")
    return "\n".join(f"- ⚠️ {local(note)}" for note in notes)
