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
from ui.errors import keeps_outputs, toasts_errors
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


@dataclass
class Playground:
    """The text, its settings and what the tokenizer made of it."""

    tokenizer_dd: gr.Dropdown
    fix_btn: gr.Button
    info_md: gr.Markdown
    pad_fix: gr.State
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


def _build_playground() -> Playground:
    choices = tkn.tokenizer_choices()
    with gr.Row():
        tokenizer_dd = gr.Dropdown(choices, value=sources.EMBEDDED_MODEL, allow_custom_value=True,
                                   label=t("tok.name"), info=t("tok.name.info"), scale=2)
        fix_btn = gr.Button(t("tok.fix"), visible=False, variant="primary", scale=1)
    info_md, pad_fix = gr.Markdown(), gr.State(False)
    with gr.Row():
        text_tb = gr.Textbox(DEFAULT_TEXT, lines=3, max_lines=12, label=t("tok.text"), info=t("tok.text.info"))
        pair_tb = gr.Textbox(lines=3, max_lines=12, label=t("tok.pair"), info=t("tok.pair.info"))
    with gr.Accordion(t("tok.settings"), open=True):
        batch_cb = gr.Checkbox(False, label=t("tok.batch"), info=t("tok.batch.info"))
        with gr.Row():
            setting_inputs = [_setting_widget(name) for name in SETTING_NAMES[:4]]
        with gr.Row():
            setting_inputs += [_setting_widget(name) for name in SETTING_NAMES[4:]]
    tokenize_btn = gr.Button(t("tok.run"), variant="primary")
    notes_md, shape_md = gr.Markdown(label=t("tok.notes")), gr.Markdown()
    tokens_html = gr.HTML(css_template=view.TOKENS_CSS, padding=True)
    table_df = gr.Dataframe(label=t("tok.table"), interactive=False, max_height=360)
    decoded_md = gr.Markdown(label=t("tok.decoded"))
    with gr.Accordion(t("tok.code"), open=False):
        code_box = gr.Code(language="python", interactive=False)
    return Playground(tokenizer_dd=tokenizer_dd, fix_btn=fix_btn, info_md=info_md, pad_fix=pad_fix,
                      text_tb=text_tb, pair_tb=pair_tb, batch_cb=batch_cb, setting_inputs=setting_inputs,
                      tokenize_btn=tokenize_btn, notes_md=notes_md, shape_md=shape_md, tokens_html=tokens_html,
                      table_df=table_df, decoded_md=decoded_md, code_box=code_box)


@dataclass
class Extras:
    """The dataset's rows and lengths, a BPE tokenizer trained here, two tokenizers compared."""

    n_rows_sl: gr.Slider
    rows_btn: gr.Button
    stats_btn: gr.Button
    use_rec_btn: gr.Button
    stats_md: gr.Markdown
    stats_plot: gr.Plot
    bpe_name_tb: gr.Textbox
    bpe_vocab_sl: gr.Slider
    train_btn: gr.Button
    bpe_md: gr.Markdown
    compare_a_dd: gr.Dropdown
    compare_b_dd: gr.Dropdown
    compare_btn: gr.Button
    compare_html: gr.HTML


def _build_extras() -> Extras:
    choices = tkn.tokenizer_choices()
    with gr.Accordion(t("tok.dataset"), open=True):
        with gr.Row():
            n_rows_sl = gr.Slider(1, 50, value=5, step=1, label=t("tok.n_rows"), info=t("tok.n_rows.info"))
            rows_btn, stats_btn = gr.Button(t("tok.rows")), gr.Button(t("tok.stats"))
            use_rec_btn = gr.Button(t("tok.use_rec"))
        stats_md, stats_plot = gr.Markdown(), gr.Plot(show_label=False)
    with gr.Accordion(t("tok.bpe"), open=False):
        with gr.Row():
            bpe_name_tb = gr.Textbox("my-bpe", max_lines=1, label=t("tok.bpe_name"), info=t("tok.bpe_name.info"))
            bpe_vocab_sl = gr.Slider(max(VOCAB_MIN, 500), min(VOCAB_MAX, 16_000), value=4000, step=100,
                                     label=t("tok.bpe_vocab"), info=t("tok.bpe_vocab.info"))
            train_btn = gr.Button(t("tok.train"), variant="primary")
        bpe_md = gr.Markdown()
    with gr.Accordion(t("tok.compare"), open=False):
        with gr.Row():
            compare_a_dd = gr.Dropdown(choices, value=sources.EMBEDDED_MODEL, allow_custom_value=True,
                                       label=t("tok.cmp_a"))
            # offline, gpt2 cannot load: default to a tokenizer trained here, if any
            offline_b = next((c for c in choices if c.startswith("trained/")), sources.EMBEDDED_MODEL)
            compare_b_dd = gr.Dropdown(choices, value="gpt2" if sources.is_online() else offline_b,
                                       allow_custom_value=True, label=t("tok.cmp_b"))
            compare_btn = gr.Button(t("tok.cmp_run"))
        compare_html = gr.HTML(css_template=view.TOKENS_CSS, padding=True)
    return Extras(n_rows_sl=n_rows_sl, rows_btn=rows_btn, stats_btn=stats_btn, use_rec_btn=use_rec_btn,
                  stats_md=stats_md, stats_plot=stats_plot, bpe_name_tb=bpe_name_tb, bpe_vocab_sl=bpe_vocab_sl,
                  train_btn=train_btn, bpe_md=bpe_md, compare_a_dd=compare_a_dd, compare_b_dd=compare_b_dd,
                  compare_btn=compare_btn, compare_html=compare_html)


@dataclass
class TokenizerTab(Playground, Extras):
    selection: gr.State  # the session's Selection (ui.state): the dataset rows and statistics read from it
    chat_panel: ChatPanel | None = None  # the chat-template lesson (ui.tokenizer.chat)

    @property
    def play_outputs(self) -> list:
        """What every tokenize action fills (tokenize_text's return order)."""
        return [self.notes_md, self.fix_btn, self.shape_md, self.tokens_html, self.table_df, self.decoded_md,
                self.code_box]


def build_tokenizer_tab(selection: gr.State) -> TokenizerTab:
    """Build the Tokenizer tab inside an open gr.Tab, wire its events and add its API endpoints."""
    play, more = _build_playground(), _build_extras()
    tab = TokenizerTab(
        selection=selection, tokenizer_dd=play.tokenizer_dd, info_md=play.info_md, pad_fix=play.pad_fix,
        fix_btn=play.fix_btn, text_tb=play.text_tb, pair_tb=play.pair_tb, batch_cb=play.batch_cb,
        setting_inputs=play.setting_inputs, tokenize_btn=play.tokenize_btn, notes_md=play.notes_md,
        shape_md=play.shape_md, tokens_html=play.tokens_html, table_df=play.table_df, decoded_md=play.decoded_md,
        code_box=play.code_box, n_rows_sl=more.n_rows_sl, rows_btn=more.rows_btn, stats_btn=more.stats_btn,
        stats_md=more.stats_md, stats_plot=more.stats_plot, use_rec_btn=more.use_rec_btn,
        bpe_name_tb=more.bpe_name_tb, bpe_vocab_sl=more.bpe_vocab_sl, train_btn=more.train_btn, bpe_md=more.bpe_md,
        compare_a_dd=more.compare_a_dd, compare_b_dd=more.compare_b_dd, compare_btn=more.compare_btn,
        compare_html=more.compare_html, chat_panel=build_chat_panel())
    for api_name, fn in API_ENDPOINTS.items():  # before the private events, which take names from their fns
        gr.api(fn, api_name=api_name)
    _wire(tab)
    return tab


def _wire(tab: TokenizerTab) -> None:
    private = {"api_visibility": "private"}

    play = bind(toasts_errors(tokenize_text), tab)  # a refusal: one toast, the outputs kept
    play_inputs = [tab.tokenizer_dd, tab.pad_fix, tab.text_tb, tab.pair_tb, tab.batch_cb, *tab.setting_inputs]
    # a tokenizer that cannot load: one toast, the one shown before stays (ui.errors.keeps_outputs)
    keeps_outputs(tab.tokenizer_dd.change, bind(choose_tokenizer, tab), tab.tokenizer_dd,
                  [tab.info_md, tab.fix_btn, tab.pad_fix], **private).success(play, play_inputs, tab.play_outputs,
                                                                               **private)
    for trigger in (tab.tokenize_btn.click, tab.text_tb.submit, tab.pair_tb.submit, tab.batch_cb.input,
                    *(widget.input for widget in tab.setting_inputs)):
        trigger(play, play_inputs, tab.play_outputs, trigger_mode="always_last", **private)
    keeps_outputs(tab.fix_btn.click, bind(apply_pad_fix, tab), tab.tokenizer_dd, [tab.pad_fix, tab.info_md],
                  **private).success(play, play_inputs, tab.play_outputs, **private)
    tab.rows_btn.click(bind(toasts_errors(tokenize_rows), tab),
                       [tab.tokenizer_dd, tab.pad_fix, tab.selection, tab.n_rows_sl, *tab.setting_inputs],
                       tab.play_outputs, **private)
    max_length_nb = tab.setting_inputs[SETTING_NAMES.index("max_length")]
    tab.stats_btn.click(bind(toasts_errors(length_stats), tab),
                        [tab.tokenizer_dd, tab.pad_fix, tab.selection, max_length_nb],
                        [tab.stats_plot, tab.stats_md, tab.selection], **private)
    tab.use_rec_btn.click(toasts_errors(use_recommended), tab.selection, max_length_nb, **private)
    tab.train_btn.click(bind(toasts_errors(train_tokenizer), tab), [tab.bpe_name_tb, tab.bpe_vocab_sl, tab.selection],
                        [tab.bpe_md, tab.tokenizer_dd, tab.compare_a_dd, tab.compare_b_dd], **private)
    tab.compare_btn.click(toasts_errors(compare_tokenizers), [tab.compare_a_dd, tab.compare_b_dd, tab.text_tb],
                          tab.compare_html, **private)


def wire_page_load(demo: gr.Blocks, tab: TokenizerTab) -> None:
    """Fill the tab when the page opens (the embedded tokenizer on the default text)."""
    demo.load(bind(initial_load, tab), None, [tab.info_md, tab.text_tb, *tab.play_outputs], api_visibility="private")


def _build(page: Page) -> TokenizerTab:
    tab = build_tokenizer_tab(page.selection)
    page.text = tab.text_tb  # the Model tab follows it
    return tab


def _link(tab: TokenizerTab, page: Page, _panel: gr.Tab) -> None:
    wire_page_load(page.demo, tab)


TAB = TabSpec(intro="tok.intro", build=_build, link=_link)
