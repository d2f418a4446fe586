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
from ui.i18n import register, t
from ui.tokenizer import views as view
from ui.tokenizer.handlers import (API_ENDPOINTS, DEFAULT_TEXT, SETTING_NAMES, UI_DEFAULTS, apply_pad_fix,
                                   choose_tokenizer, compare_tokenizers, initial_load, length_stats, tokenize_rows,
                                   tokenize_text, train_tokenizer, use_recommended)

_HELP = EncodeSettings.field_help()
# setting -> (English label, Chinese label, Chinese help); the English help is EncodeSettings' own
SETTINGS_TEXT = {
    "padding": ("padding", "padding", "False：不补齐 · 'longest'（= True）：补齐到这个 batch 里最长的序列 · "
                "'max_length'：每一行都补齐到 max_length"),
    "truncation": ("truncation", "truncation", "False：保留所有 token · True（'longest_first'）：先截断句子对中较长的"
                   "那句 · 'only_first' / 'only_second'：只截断句子对中的那一句"),
    "max_length": ("max_length", "max_length", "截断到、以及 padding='max_length' 补齐到的长度（含特殊 token）；"
                   "None：模型的最大长度"),
    "add_special_tokens": ("add_special_tokens", "add_special_tokens", "加上模型的标记，例如开头的 [CLS] 和结尾的 [SEP]（BERT）"),
    "return_attention_mask": ("return_attention_mask", "return_attention_mask", "同时返回 attention mask：真实 token 为 1，"
                              "模型应忽略的 padding 为 0"),
    "return_token_type_ids": ("return_token_type_ids", "return_token_type_ids", "同时返回句子编号：第一句为 0，"
                              "第二句为 1（BERT 类模型）"),
    "padding_side": ("padding_side", "padding_side", "padding 放在哪边：右边（BERT、分类）或左边（生成文本的解码器模型）；"
                     "默认：tokenizer 自己的设置"),
    "return_tensors": ("return_tensors", "return_tensors", "'pt'（PyTorch）或 'np'（NumPy）张量，显示其形状；"
                       "none：普通 Python 列表"),
}
EN = {
    "tok.intro": "### 2. See what the tokenizer does\nType a text (and a pair), change padding, truncation and "
                 "special tokens, and watch the tokens, ids and masks the model will get.",
    "tok.name": "Tokenizer", "tok.name.info": "The embedded MiniLM (offline), a Hub id (bert-base-cased, gpt2, "
    "distilbert-base-uncased; online only), a local folder, or one trained below (trained/NAME).",
    "tok.fix": "Apply the fix: tokenizer.pad_token = tokenizer.eos_token",
    "tok.text": "Text", "tok.text.info": "What to tokenize; in batch mode one text per line.",
    "tok.pair": "Text pair", "tok.pair.info": "Optional second text (like sentence2 in glue/mrpc); in batch "
    "mode one per line, as many lines as the text.",
    "tok.batch": "Batch mode", "tok.batch.info": "One text per line, tokenized together as a batch (padding "
    "'longest' needs a batch).",
    "tok.settings": "tokenizer(...) settings", "tok.run": "Tokenize", "tok.notes": "What happened",
    "tok.table": "Tokens", "tok.decoded": "Round trip: decode(input_ids)", "tok.code": "The same in Python",
    "tok.dataset": "On the dataset", "tok.n_rows": "Rows", "tok.n_rows.info": "How many random rows of the "
    "loaded split to tokenize with the settings above (1-50).",
    "tok.rows": "Tokenize random rows", "tok.stats": "Token length statistics",
    "tok.use_rec": "Use the recommended max_length here",
    "tok.bpe": "Train your own tokenizer (byte-level BPE, like GPT-2)",
    "tok.bpe_name": "Name", "tok.bpe_name.info": "Letters, digits, - and _; saved as a normal tokenizer folder.",
    "tok.bpe_vocab": "Vocabulary size", "tok.bpe_vocab.info": "How many tokens it learns: more means longer "
    "pieces and shorter sequences.",
    "tok.train": "Train on the dataset's text", "tok.compare": "Compare two tokenizers on the text above",
    "tok.cmp_a": "Tokenizer A", "tok.cmp_b": "Tokenizer B", "tok.cmp_run": "Compare",
    **{f"tok.s.{k}": v[0] for k, v in SETTINGS_TEXT.items()},
    **{f"tok.h.{k}": _HELP[k] for k in SETTINGS_TEXT},
}
ZH = {
    "tok.intro": "### 2. 看看分词器做了什么\n输入一段文本（和第二句），改变 padding、truncation 和特殊 token，"
                 "看模型将得到的 token、id 和 mask。",
    "tok.name": "分词器", "tok.name.info": "内置的 MiniLM（离线可用）、Hub id（bert-base-cased、gpt2、"
    "distilbert-base-uncased；需联网）、本地文件夹，或下面训练的（trained/名字）。",
    "tok.fix": "应用修复：tokenizer.pad_token = tokenizer.eos_token",
    "tok.text": "文本", "tok.text.info": "要分词的内容；批量模式下每行一条。",
    "tok.pair": "第二句", "tok.pair.info": "可选的第二句（如 glue/mrpc 的 sentence2）；批量模式下每行一条，行数与文本相同。",
    "tok.batch": "批量模式", "tok.batch.info": "每行一条文本，作为一个 batch 一起分词（padding 'longest' 需要 batch）。",
    "tok.settings": "tokenizer(...) 参数", "tok.run": "分词", "tok.notes": "发生了什么",
    "tok.table": "Token 表", "tok.decoded": "还原：decode(input_ids)", "tok.code": "对应的 Python 代码",
    "tok.dataset": "在数据集上", "tok.n_rows": "行数", "tok.n_rows.info": "用上面的参数对已加载 split 的多少条随机样本分词（1-50）。",
    "tok.rows": "对随机样本分词", "tok.stats": "Token 长度统计",
    "tok.use_rec": "在这里使用推荐的 max_length",
    "tok.bpe": "训练你自己的分词器（字节级 BPE，和 GPT-2 一样）",
    "tok.bpe_name": "名字", "tok.bpe_name.info": "字母、数字、- 和 _；保存为普通的 tokenizer 文件夹。",
    "tok.bpe_vocab": "词表大小", "tok.bpe_vocab.info": "学多少个 token：越多，片段越长，序列越短。",
    "tok.train": "在数据集文本上训练", "tok.compare": "用上面的文本比较两个分词器",
    "tok.cmp_a": "分词器 A", "tok.cmp_b": "分词器 B", "tok.cmp_run": "比较",
    **{f"tok.s.{k}": v[1] for k, v in SETTINGS_TEXT.items()},
    **{f"tok.h.{k}": v[2] for k, v in SETTINGS_TEXT.items()},
}
register(EN, ZH)

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
    gr.Markdown(t("tok.intro"))
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
