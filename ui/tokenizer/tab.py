"""Tokenizer tab: a playground for padding, truncation and special tokens, on typed text and on the dataset.

Layout and wiring only; the handlers (which tests call directly) live in ui.tokenizer.handlers, the
coloured tokens and charts in ui.tokenizer.views.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core import sources
from core.tokenizer import loading as tkn
from core.tokenizer.bpe import VOCAB_MAX, VOCAB_MIN
from core.tokenizer.call_settings import EncodeSettings
from ui.binding import bind
from ui.i18n import t
from ui.page import Page, TabSpec
from ui.tokenizer import views as view
from ui.tokenizer.chat import ChatPanel, build_chat_panel
from ui.tokenizer.handlers import (API_ENDPOINTS, DEFAULT_TEXT, SETTING_NAMES, UI_DEFAULTS, apply_pad_fix,
                                   choose_tokenizer, compare_tokenizers, initial_load, length_stats, tokenize_rows,
                                   tokenize_text, train_tokenizer, use_recommended)

PADDING_CHOICES = [("False (no padding)", "false"), ("'longest' (= True)", "longest"), ("'max_length'", "max_length")]
TRUNCATION_CHOICES = [("False", "false"), ("True (= 'longest_first')", "longest_first"),
                      ("'only_first'", "only_first"), ("'only_second'", "only_second")]
SIDE_CHOICES = [("tokenizer default", ""), ("right", "right"), ("left", "left")]
TENSOR_CHOICES = [("'pt' (PyTorch)", "pt"), ("'np' (NumPy)", "np"), ("none (Python lists)", "")]


@dataclass
class TokenizerTab:
    selection: gr.State  # the session's Selection (ui.state): the dataset rows and statistics read from it
    tokenizer_dd: gr.Dropdown
    info_md: gr.Markdown
    pad_fix: gr.State
    fix_btn: gr.Button
    text_tb: gr.Textbox
    pair_tb: gr.Textbox
    batch_cb: gr.Checkbox
    setting_inputs: list
    tokenize_btn: gr.Button
    notes_md: gr.Markdown
    shape_md: gr.Markdown
    tokens_html: gr.HTML
    table_df: gr.Dataframe
    decoded_md: gr.Markdown
    code_box: gr.Code
    n_rows_sl: gr.Slider
    rows_btn: gr.Button
    stats_btn: gr.Button
    stats_md: gr.Markdown
    stats_plot: gr.Plot
    use_rec_btn: gr.Button
    bpe_name_tb: gr.Textbox
    bpe_vocab_sl: gr.Slider
    train_btn: gr.Button
    bpe_md: gr.Markdown
    compare_a_dd: gr.Dropdown
    compare_b_dd: gr.Dropdown
    compare_btn: gr.Button
    compare_html: gr.HTML
    chat_panel: ChatPanel | None = None  # the chat-template lesson (ui.tokenizer.chat)

    @property
    def play_outputs(self) -> list:
        """What every tokenize action fills (tokenize_text's return order)."""
        return [self.notes_md, self.fix_btn, self.shape_md, self.tokens_html, self.table_df, self.decoded_md,
                self.code_box]


def _setting_widget(name: str):
    value = UI_DEFAULTS.get(name, getattr(EncodeSettings(), name))
    kw = {"label": t(f"tok.s.{name}"), "info": t(f"tok.h.{name}"), "value": value}
    if name in ("add_special_tokens", "return_attention_mask", "return_token_type_ids"):
        return gr.Checkbox(**kw)
    if name == "max_length":
        return gr.Number(precision=0, **kw)  # Gradio shows and sends 0 for an empty Number, so no None here
    choices = {"padding": PADDING_CHOICES, "truncation": TRUNCATION_CHOICES, "padding_side": SIDE_CHOICES,
               "return_tensors": TENSOR_CHOICES}[name]
    return gr.Dropdown(choices=choices, **kw)


def _build_playground() -> dict:
    choices = tkn.tokenizer_choices()
    w = {}
    with gr.Row():
        w["tokenizer_dd"] = gr.Dropdown(choices, value=sources.EMBEDDED_MODEL, allow_custom_value=True,
                                        label=t("tok.name"), info=t("tok.name.info"), scale=2)
        w["fix_btn"] = gr.Button(t("tok.fix"), visible=False, variant="primary", scale=1)
    w["info_md"], w["pad_fix"] = gr.Markdown(), gr.State(False)
    with gr.Row():
        w["text_tb"] = gr.Textbox(DEFAULT_TEXT, lines=3, max_lines=12, label=t("tok.text"), info=t("tok.text.info"))
        w["pair_tb"] = gr.Textbox(lines=3, max_lines=12, label=t("tok.pair"), info=t("tok.pair.info"))
    with gr.Accordion(t("tok.settings"), open=True):
        w["batch_cb"] = gr.Checkbox(False, label=t("tok.batch"), info=t("tok.batch.info"))
        with gr.Row():
            w["setting_inputs"] = [_setting_widget(name) for name in SETTING_NAMES[:4]]
        with gr.Row():
            w["setting_inputs"] += [_setting_widget(name) for name in SETTING_NAMES[4:]]
    w["tokenize_btn"] = gr.Button(t("tok.run"), variant="primary")
    w["notes_md"], w["shape_md"] = gr.Markdown(label=t("tok.notes")), gr.Markdown()
    w["tokens_html"] = gr.HTML(css_template=view.TOKENS_CSS, padding=True)
    w["table_df"] = gr.Dataframe(label=t("tok.table"), interactive=False, max_height=360)
    w["decoded_md"] = gr.Markdown(label=t("tok.decoded"))
    with gr.Accordion(t("tok.code"), open=False):
        w["code_box"] = gr.Code(language="python", interactive=False)
    return w


def _build_extras() -> dict:
    choices = tkn.tokenizer_choices()
    w = {}
    with gr.Accordion(t("tok.dataset"), open=True):
        with gr.Row():
            w["n_rows_sl"] = gr.Slider(1, 50, value=5, step=1, label=t("tok.n_rows"), info=t("tok.n_rows.info"))
            w["rows_btn"], w["stats_btn"] = gr.Button(t("tok.rows")), gr.Button(t("tok.stats"))
            w["use_rec_btn"] = gr.Button(t("tok.use_rec"))
        w["stats_md"], w["stats_plot"] = gr.Markdown(), gr.Plot(show_label=False)
    with gr.Accordion(t("tok.bpe"), open=False):
        with gr.Row():
            w["bpe_name_tb"] = gr.Textbox("my-bpe", max_lines=1, label=t("tok.bpe_name"), info=t("tok.bpe_name.info"))
            w["bpe_vocab_sl"] = gr.Slider(max(VOCAB_MIN, 500), min(VOCAB_MAX, 16_000), value=4000, step=100,
                                          label=t("tok.bpe_vocab"), info=t("tok.bpe_vocab.info"))
            w["train_btn"] = gr.Button(t("tok.train"), variant="primary")
        w["bpe_md"] = gr.Markdown()
    with gr.Accordion(t("tok.compare"), open=False):
        with gr.Row():
            w["compare_a_dd"] = gr.Dropdown(choices, value=sources.EMBEDDED_MODEL, allow_custom_value=True,
                                            label=t("tok.cmp_a"))
            # offline, gpt2 cannot load: default to a tokenizer trained here, if any
            offline_b = next((c for c in choices if c.startswith("trained/")), sources.EMBEDDED_MODEL)
            w["compare_b_dd"] = gr.Dropdown(choices, value="gpt2" if sources.is_online() else offline_b,
                                            allow_custom_value=True, label=t("tok.cmp_b"))
            w["compare_btn"] = gr.Button(t("tok.cmp_run"))
        w["compare_html"] = gr.HTML(css_template=view.TOKENS_CSS, padding=True)
    return w


def build_tokenizer_tab(selection: gr.State) -> TokenizerTab:
    """Build the Tokenizer tab inside an open gr.Tab, wire its events and add its API endpoints."""
    tab = TokenizerTab(selection, **_build_playground(), **_build_extras())
    tab.chat_panel = build_chat_panel()
    for api_name, fn in API_ENDPOINTS.items():  # before the private events, which take names from their fns
        gr.api(fn, api_name=api_name)
    _wire(tab)
    return tab


def _wire(tab: TokenizerTab) -> None:
    private = {"api_visibility": "private"}

    play = bind(tokenize_text, tab)
    play_inputs = [tab.tokenizer_dd, tab.pad_fix, tab.text_tb, tab.pair_tb, tab.batch_cb, *tab.setting_inputs]
    tab.tokenizer_dd.change(bind(choose_tokenizer, tab), tab.tokenizer_dd, [tab.info_md, tab.fix_btn, tab.pad_fix],
                            **private).success(play, play_inputs, tab.play_outputs, **private)
    for trigger in (tab.tokenize_btn.click, tab.text_tb.submit, tab.pair_tb.submit, tab.batch_cb.input,
                    *(widget.input for widget in tab.setting_inputs)):
        trigger(play, play_inputs, tab.play_outputs, trigger_mode="always_last", **private)
    tab.fix_btn.click(bind(apply_pad_fix, tab), tab.tokenizer_dd, [tab.pad_fix, tab.info_md], **private).success(
        play, play_inputs, tab.play_outputs, **private)
    tab.rows_btn.click(bind(tokenize_rows, tab),
                       [tab.tokenizer_dd, tab.pad_fix, tab.selection, tab.n_rows_sl, *tab.setting_inputs],
                       tab.play_outputs, **private)
    max_length_nb = tab.setting_inputs[SETTING_NAMES.index("max_length")]
    tab.stats_btn.click(bind(length_stats, tab), [tab.tokenizer_dd, tab.pad_fix, tab.selection, max_length_nb],
                        [tab.stats_plot, tab.stats_md, tab.selection], **private)
    tab.use_rec_btn.click(use_recommended, tab.selection, max_length_nb, **private)
    tab.train_btn.click(bind(train_tokenizer, tab), [tab.bpe_name_tb, tab.bpe_vocab_sl, tab.selection],
                        [tab.bpe_md, tab.tokenizer_dd, tab.compare_a_dd, tab.compare_b_dd], **private)
    tab.compare_btn.click(compare_tokenizers, [tab.compare_a_dd, tab.compare_b_dd, tab.text_tb],
                          tab.compare_html, **private)


def wire_page_load(demo: gr.Blocks, tab: TokenizerTab) -> None:
    """Fill the tab when the page opens (the embedded tokenizer on the default text)."""
    demo.load(bind(initial_load, tab), None, [tab.info_md, *tab.play_outputs], api_visibility="private")


def _build(page: Page) -> TokenizerTab:
    tab = build_tokenizer_tab(page.selection)
    page.text = tab.text_tb  # the Model tab follows it
    return tab


def _link(tab: TokenizerTab, page: Page, _panel: gr.Tab) -> None:
    wire_page_load(page.demo, tab)


TAB = TabSpec(intro="tok.intro", build=_build, link=_link)
