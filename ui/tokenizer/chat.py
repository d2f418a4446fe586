"""The chat-template lesson: the Tokenizer tab's panel that renders a conversation with a chat template and shows
which tokens supervised fine-tuning trains on, and its API endpoint (`chat_tokens`, the same as JSON).

core.tokenizer.chat_masks does the work (exactly TRL's SFTTrainer labels); views are in ui.tokenizer.chat_views.
A visitor names a tokenizer as on the rest of the tab (their own trained ones, the embedded ones, Hub ids), or the
chat models the app knows (the tiny GPT, SmolLM2-135M-Instruct); the conversation is bounded by core.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr
import pandas as pd

from core import sources
from core.tokenizer import loading as tkn
from core.tokenizer.chat_masks import DEFAULT_MAX_LENGTH, LOSSES, trained_tokens
from core.tokenizer.chat_template import render_chat, with_template
from ui.binding import bind
from ui.errors import shows_errors
from ui.i18n import t
from ui.identity import visitor
from ui.tokenizer import chat_views as view

CHAT_MODELS = (sources.TINY_GPT, sources.SMOLLM2)
EXAMPLE = [("system", "You are a helpful assistant."),
           ("user", "Is this review positive or negative? The room was spotless and the staff were lovely."),
           ("assistant", "positive")]
COLUMNS = ["role", "content"]


@dataclass
class ChatPanel:
    tokenizer_dd: gr.Dropdown
    turns_df: gr.Dataframe
    loss_radio: gr.Radio
    max_length_nb: gr.Number
    generation_cb: gr.Checkbox
    show_btn: gr.Button
    notes_md: gr.Markdown
    special_md: gr.Markdown
    tokens_html: gr.HTML
    text_code: gr.Code

    @property
    def outputs(self) -> list:
        return [self.notes_md, self.special_md, self.tokens_html, self.text_code]


def chat_tokenizer(name: str, owner: str = ""):
    """A chat model's tokenizer (the tiny GPT, SmolLM2: from their model folder) or any tokenizer this visitor may
    load (core.tokenizer.loading's rules: their own trained ones, the embedded ones, Hub ids)."""
    from transformers import AutoTokenizer  # slow import, deferred to first use

    from core.model.checkpoints import model_location  # builds the tiny GPT on first use

    if name in CHAT_MODELS:
        return AutoTokenizer.from_pretrained(model_location(name))
    return tkn.load_tokenizer(name, owner=owner)


def _messages(turns) -> list[dict]:
    """The edited table as messages (blank rows dropped); core checks roles, text and bounds."""
    frame = turns if isinstance(turns, pd.DataFrame) else pd.DataFrame(turns or [], columns=COLUMNS)
    rows = frame.fillna("").astype(str).to_dict("records") if len(frame.columns) >= 2 else []
    return [{"role": row.get("role", "").strip(), "content": row.get("content", "")} for row in rows
            if str(row.get("role", "")).strip() or str(row.get("content", "")).strip()]


@shows_errors  # an API endpoint: a refusal reaches the client as its message, not Gradio's bare "raised an exception"
def chat_tokens(tokenizer: str, messages: list, loss: str = "assistant_only", max_length: int = DEFAULT_MAX_LENGTH,
                request: gr.Request | None = None) -> dict:
    """API: a conversation's text under the chat template, its tokens, each token's turn and whether SFT trains on
    it (exactly TRL's SFTTrainer labels), the template's special tokens and the warnings that name a fix."""
    tok = chat_tokenizer(str(tokenizer or sources.TINY_GPT), visitor(request).owner)
    return trained_tokens(tok, messages, str(loss), _length(max_length))


def _length(value) -> int:
    """A number from the page or a raw API client; anything else becomes 0, which core refuses with the range."""
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


@shows_errors
def show_chat(panel: ChatPanel, tokenizer: str, turns, loss: str, max_length, generation: bool,
              request: gr.Request = None) -> dict:
    messages = _messages(turns)
    tok = chat_tokenizer(str(tokenizer or sources.TINY_GPT), visitor(request).owner)
    shown = trained_tokens(tok, messages, str(loss), _length(max_length))
    # the text with the generation prompt is what a model reads when asked to answer (the template it trains with
    # is shown above); a tokenizer without a template is shown with the default, on a copy
    text = render_chat(with_template(tok)[0], messages, add_generation_prompt=bool(generation))
    return {panel.notes_md: view.notes_markdown(shown["notes"]), panel.special_md: view.special_markdown(shown),
            panel.tokens_html: view.tokens_html(shown), panel.text_code: text}


def build_chat_panel() -> ChatPanel:
    """The lesson's accordion, inside the open Tokenizer tab; wires its events and adds the API endpoint."""
    with gr.Accordion(t("chat.title"), open=False):
        gr.Markdown(t("chat.intro"))
        with gr.Row():
            tokenizer_dd = gr.Dropdown(list(CHAT_MODELS) + tkn.tokenizer_choices(), value=sources.TINY_GPT,
                                       allow_custom_value=True, label=t("chat.tokenizer"),
                                       info=t("chat.tokenizer.info"), scale=2)
            loss_radio = gr.Radio(list(LOSSES), value="assistant_only", label=t("chat.loss"),
                                  info=t("chat.loss.info"), scale=2)
            max_length_nb = gr.Number(DEFAULT_MAX_LENGTH, precision=0, label=t("chat.max_length"),
                                      info=t("chat.max_length.info"), scale=1)
        turns_df = gr.Dataframe(pd.DataFrame(EXAMPLE, columns=COLUMNS), headers=COLUMNS, interactive=True,
                                column_count=(2, "fixed"), label=t("chat.turns"), wrap=True)
        with gr.Row():
            generation_cb = gr.Checkbox(False, label=t("chat.generation"), info=t("chat.generation.info"))
            show_btn = gr.Button(t("chat.show"), variant="primary")
        notes_md, special_md = gr.Markdown(), gr.Markdown()
        tokens_html = gr.HTML(css_template=view.CHAT_CSS, padding=True)
        text_code = gr.Code(label=t("chat.text"), interactive=False)
    panel = ChatPanel(tokenizer_dd, turns_df, loss_radio, max_length_nb, generation_cb, show_btn, notes_md,
                      special_md, tokens_html, text_code)
    gr.api(chat_tokens, api_name="chat_tokens")
    inputs = [tokenizer_dd, turns_df, loss_radio, max_length_nb, generation_cb]
    for trigger in (show_btn.click, loss_radio.input, generation_cb.input, tokenizer_dd.input):
        trigger(bind(show_chat, panel), inputs, panel.outputs, trigger_mode="always_last",
                api_visibility="private")
    return panel
