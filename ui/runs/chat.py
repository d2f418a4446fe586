"""Chat with a run: the Runs tab's panel where a run's model and the model it started from answer the same messages
side by side, turn after turn, and its API endpoint (`chat_with_run`, the same as JSON).

core.results.chat does the work (the run's chat template with the generation prompt, bounded decoding, the stop at
the end-of-turn token); views are in ui.runs.chat_views. Each side keeps its own history (its own earlier answers),
held in a gr.State, so the base model is never fed the run's answers. A run that learned from another visitor's own
data answers only them (core.runs.visibility), as Make it write does.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core.jobs.manager import get_manager
from core.messages import UserError
from core.results import chat as core_chat
from core.results.generate import MAX_NEW_TOKENS, Decoding
from core.runs import visibility
from ui.binding import bind
from ui.errors import shows_errors, toasts_errors
from ui.i18n import t
from ui.identity import model_call, visitor
from ui.runs import chat_views as view

DEFAULT_NEW_TOKENS = 48  # an answer of a sentence or two; the embedded chat set's answers are shorter


@dataclass
class RunChat:
    system_tb: gr.Textbox
    run_bot: gr.Chatbot
    base_bot: gr.Chatbot
    message_tb: gr.Textbox
    tokens_sl: gr.Slider
    temp_sl: gr.Slider
    greedy_cb: gr.Checkbox
    send_btn: gr.Button
    clear_btn: gr.Button
    note_md: gr.Markdown
    run_state: gr.State  # the conversation each side reads: its own earlier answers
    base_state: gr.State

    @property
    def outputs(self) -> list:
        return [self.run_bot, self.base_bot, self.run_state, self.base_state, self.message_tb, self.note_md]


@shows_errors
def chat_with_run(run_id: str, messages: list, base_messages: list | None = None, max_new_tokens: int = 48,
                  temperature: float = 0.8, top_k: int = 50, top_p: float = 0.95, greedy: bool = True,
                  request: gr.Request = None) -> dict:
    """A run's model answers a conversation (a list of {role, content} turns ending with the user's), beside the
    model it started from (answering base_messages when given, else the same turns): {"fine_tuned", "base",
    "stop": {side: end_of_turn | end_of_text | length | time}, "dropped_turns": {side: count}}. Bounded as
    generate_text (max_new_tokens at most 200, a time limit, a memory check, the stranger's calls at once and per
    minute). A model trained on another visitor's own data may repeat it, so only they may chat with it."""
    if not run_id:
        raise UserError("Choose a run first")
    who, store = visitor(request), get_manager().store
    if not visibility.may_see_data(store, run_id, who.owner, who.admin):
        raise UserError("This run learned from another visitor's own data, so only they may chat with it")
    decoding = Decoding(max_new_tokens=max_new_tokens, temperature=temperature, top_k=top_k, top_p=top_p,
                        greedy=greedy)
    with model_call(request):  # per stranger, not per session (ui.identity)
        return core_chat.chat(store, run_id, messages, decoding, base_messages)


@toasts_errors
def send_chat(panel: RunChat, run_id: str | None, message: str, run_history: list | None, base_history: list | None,
              run_shown: list | None, base_shown: list | None, system: str, max_new_tokens: float,
              temperature: float, greedy: bool, request: gr.Request = None) -> dict:
    """The message goes to both models, each with its own history; both chats and the note are updated."""
    message = message if isinstance(message, str) else ""
    result = chat_with_run(run_id or "", view.conversation(system, run_history, message),
                           view.conversation(system, base_history, message), int(max_new_tokens or 1),
                           temperature, 50, 0.95, bool(greedy), request)
    return {panel.run_bot: view.shown_turns(run_shown, message, result["fine_tuned"], request),
            panel.base_bot: view.shown_turns(base_shown, message, result["base"], request),
            panel.run_state: view.next_history(run_history, message, result["fine_tuned"]),
            panel.base_state: view.next_history(base_history, message, result["base"]),
            panel.message_tb: "", panel.note_md: view.stop_note(result, request)}


def clear_chat(panel: RunChat, *_ignored) -> dict:
    """A new conversation (also when another run is picked: it must not continue the last run's)."""
    return {panel.run_bot: [], panel.base_bot: [], panel.run_state: [], panel.base_state: [], panel.message_tb: "",
            panel.note_md: ""}


def build_run_chat(run_dd: gr.Dropdown) -> RunChat:
    """The panel's accordion, inside the open Runs tab, chatting with the run picked in run_dd; wires its events and
    adds the API endpoint."""
    with gr.Accordion(t("rchat.title"), open=False):
        gr.Markdown(t("rchat.intro"))
        system_tb = gr.Textbox(label=t("rchat.system"), info=t("rchat.system.info"), lines=1)
        with gr.Row():
            # no share button (it would publish a conversation to the Hub) and no thumbs (nothing collects them)
            run_bot = gr.Chatbot(label=t("rchat.run"), height=320, feedback_options=None, buttons=["copy_all"])
            base_bot = gr.Chatbot(label=t("rchat.base"), height=320, feedback_options=None, buttons=["copy_all"])
        message_tb = gr.Textbox(label=t("rchat.message"), placeholder=t("rchat.message.ph"), lines=2)
        with gr.Row():
            tokens_sl = gr.Slider(1, MAX_NEW_TOKENS, value=DEFAULT_NEW_TOKENS, step=1, label="max_new_tokens",
                                  info=t("rchat.tokens.info"))
            temp_sl = gr.Slider(0.05, 2.0, value=0.8, step=0.05, label="temperature", info=t("runs.temp.info"))
            greedy_cb = gr.Checkbox(True, label=t("runs.greedy"), info=t("rchat.greedy.info"))
        with gr.Row():
            send_btn = gr.Button(t("rchat.send"), variant="primary")
            clear_btn = gr.Button(t("rchat.clear"))
        note_md = gr.Markdown()
    panel = RunChat(system_tb=system_tb, run_bot=run_bot, base_bot=base_bot, message_tb=message_tb,
                    tokens_sl=tokens_sl, temp_sl=temp_sl, greedy_cb=greedy_cb, send_btn=send_btn,
                    clear_btn=clear_btn, note_md=note_md, run_state=gr.State([]), base_state=gr.State([]))
    _wire(panel, run_dd)
    return panel


def _wire(panel: RunChat, run_dd: gr.Dropdown) -> None:
    private = {"api_visibility": "private"}
    inputs = [run_dd, panel.message_tb, panel.run_state, panel.base_state, panel.run_bot, panel.base_bot,
              panel.system_tb, panel.tokens_sl, panel.temp_sl, panel.greedy_cb]
    for trigger in (panel.send_btn.click, panel.message_tb.submit):
        trigger(bind(send_chat, panel), inputs, panel.outputs, **private)
    # a chatbot's own clear button starts a new conversation on both sides (the states must not outlive the view)
    for trigger in (panel.clear_btn.click, run_dd.change, panel.run_bot.clear, panel.base_bot.clear):
        trigger(bind(clear_chat, panel), None, panel.outputs, show_progress="hidden", **private)
    gr.api(chat_with_run, api_name="chat_with_run")
