"""Model tab: a checkpoint's config and module tree, every AutoModel* head on a text (output fields and shapes,
newly initialized weights, what untrained heads say), and what to train (full, head, top layers, LoRA).

Layout and wiring only; the handlers (which tests call directly) live in ui.model.handlers, the words, tree
and tables in ui.model.views.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core import sources
from ui.binding import bind
from ui.i18n import register, t
from ui.model import views as view
from ui.model.handlers import (API_ENDPOINTS, DEFAULT_MASK_TEXT, ESTIMATE_DEFAULTS, ESTIMATE_SETTINGS, MODEL_CHOICES,
                               initial_load, run_heads, show_estimate, show_model)
from ui.setting_widgets import widget

register(
    en={"model.intro": "### 3. Look inside the model\nThe same checkpoint can be loaded under many `AutoModel*` "
                       "classes: one body, a different head on top. Load a model, run a text through every head and "
                       "see what each one outputs, which weights it had to make up, and what trains in each mode.",
        "model.name": "Model", "model.name.info": "The embedded MiniLM (offline), a Hub id (bert-base-uncased, gpt2, "
        "t5-small; online only) or, on your own machine, a local folder.",
        "model.load": "Load", "model.tree": "Module tree (parameters per block)",
        "model.text": "Text", "model.text.info": "What every head reads (the Tokenizer tab's text follows here).",
        "model.mask": "Text with a [MASK]", "model.mask.info": "For the masked-LM head: which word fits the gap?",
        "model.run": "Run through every head", "model.heads": "Every head on this text (computed, not copied)",
        "model.probs": "Untrained classification head: softmax(logits)",
        "model.guesses": "Masked-LM head: top guesses for [MASK]",
        "model.wtt": "What to train"},
    zh={"model.intro": "### 3. 看看模型内部\n同一个检查点可以用许多 `AutoModel*` 类加载：主体相同，顶上的“头”不同。"
                       "加载一个模型，把一段文本送进每一个头，看看它们各输出什么、哪些权重是新造的，以及每种训练方式训练哪些参数。",
        "model.name": "模型", "model.name.info": "内置的 MiniLM（离线可用）、Hub id（bert-base-uncased、gpt2、t5-small；"
        "需联网），或在你自己的电脑上使用本地文件夹。",
        "model.load": "加载", "model.tree": "模块树（每一块的参数量）",
        "model.text": "文本", "model.text.info": "每个头读取的文本（“分词器”标签页的文本会同步到这里）。",
        "model.mask": "带 [MASK] 的文本", "model.mask.info": "给掩码语言模型头：哪个词适合填这个空？",
        "model.run": "送进每一个头", "model.heads": "这段文本经过每一个头（现场计算，不是抄来的）",
        "model.probs": "未训练的分类头：softmax(logits)",
        "model.guesses": "掩码语言模型头：对 [MASK] 的前几个猜测",
        "model.wtt": "训练哪些参数"},
)


@dataclass
class ModelTab:
    selection: gr.State  # the session's Selection (ui.state): its class names label the untrained head
    model_dd: gr.Dropdown
    load_btn: gr.Button
    config_md: gr.Markdown
    tree_html: gr.HTML
    text_tb: gr.Textbox
    mask_tb: gr.Textbox
    run_btn: gr.Button
    heads_df: gr.Dataframe
    new_md: gr.Markdown
    probs_label: gr.Label
    probs_md: gr.Markdown
    guesses_label: gr.Label
    guesses_md: gr.Markdown
    mode_radio: gr.Radio
    last_nb: gr.Number
    lora_r_nb: gr.Number
    batch_nb: gr.Number
    length_nb: gr.Number
    estimate_md: gr.Markdown
    filled: gr.State  # whether this session's tab was filled once (opening it again keeps the visitor's choices)

    @property
    def estimate_inputs(self) -> list:
        return [self.model_dd, self.mode_radio, self.last_nb, self.lora_r_nb, self.batch_nb, self.length_nb]

    def follow_text(self, component) -> None:
        """Copy another tab's text box into this one as it changes (the Tokenizer tab's text)."""
        component.change(lambda text: text, component, self.text_tb, api_visibility="private",
                         show_progress="hidden")


def _build_heads(text: str) -> dict:
    w = {}
    with gr.Row():
        w["text_tb"] = gr.Textbox(text, lines=2, max_lines=6, label=t("model.text"), info=t("model.text.info"))
        w["mask_tb"] = gr.Textbox(DEFAULT_MASK_TEXT, lines=2, max_lines=6, label=t("model.mask"),
                                  info=t("model.mask.info"))
    w["run_btn"] = gr.Button(t("model.run"), variant="primary")
    w["heads_df"] = gr.Dataframe(headers=view.HEAD_COLUMNS, label=t("model.heads"), interactive=False, wrap=True,
                                 column_widths=["19%", "17%", "26%", "19%", "19%"])
    w["new_md"] = gr.Markdown()
    with gr.Row():
        with gr.Column():
            w["probs_label"] = gr.Label(label=t("model.probs"))
            w["probs_md"] = gr.Markdown()
        with gr.Column():
            w["guesses_label"] = gr.Label(label=t("model.guesses"))
            w["guesses_md"] = gr.Markdown()
    return w


def _build_what_to_train() -> dict:
    """The Train form's own widgets for the settings an estimate needs (ESTIMATE_SETTINGS), at their defaults."""
    w = {}
    with gr.Accordion(t("model.wtt"), open=True):
        with gr.Row():
            for key, name in ESTIMATE_SETTINGS.items():
                w[key] = widget(name, getattr(ESTIMATE_DEFAULTS, name))
        w["estimate_md"] = gr.Markdown()
    return w


def build_model_tab(selection: gr.State, text: str) -> ModelTab:
    """Build the Model tab inside an open gr.Tab, wire its events and add its API endpoints."""
    gr.Markdown(t("model.intro"))
    with gr.Row():
        model_dd = gr.Dropdown(MODEL_CHOICES, value=sources.EMBEDDED_MODEL, allow_custom_value=True,
                               label=t("model.name"), info=t("model.name.info"), scale=3)
        load_btn = gr.Button(t("model.load"), scale=1)
    config_md = gr.Markdown()
    with gr.Accordion(t("model.tree"), open=False):
        tree = gr.HTML(css_template=view.TREE_CSS, padding=True)
    tab = ModelTab(selection, model_dd, load_btn, config_md, tree, **_build_heads(text), **_build_what_to_train(),
                   filled=gr.State(False))
    for api_name, fn in API_ENDPOINTS.items():  # before the private events, which take names from their fns
        gr.api(fn, api_name=api_name)
    _wire(tab)
    return tab


def _wire(tab: ModelTab) -> None:
    private = {"api_visibility": "private"}
    heads_inputs = [tab.model_dd, tab.text_tb, tab.mask_tb, tab.selection]
    heads_outputs = [tab.heads_df, tab.new_md, tab.probs_label, tab.probs_md, tab.guesses_label, tab.guesses_md]
    estimate = bind(show_estimate, tab)
    for trigger in (tab.load_btn.click, tab.model_dd.input):
        trigger(bind(show_model, tab), tab.model_dd, [tab.config_md, tab.tree_html], **private).success(
            bind(run_heads, tab), heads_inputs, heads_outputs, **private).success(
            estimate, tab.estimate_inputs, tab.estimate_md, show_progress="hidden", **private)
    for trigger in (tab.run_btn.click, tab.text_tb.submit, tab.mask_tb.submit):
        trigger(bind(run_heads, tab), heads_inputs, heads_outputs, trigger_mode="always_last", **private)
    for widget in tab.estimate_inputs[1:]:
        widget.change(estimate, tab.estimate_inputs, tab.estimate_md, show_progress="hidden",
                      trigger_mode="always_last", **private)


def fill_when_opened(panel: gr.Tab, tab: ModelTab) -> None:
    """Fill the tab the first time the visitor opens it (the embedded model, its heads' answers cached after the
    first visitor): a page load then loads no model, and visitors who never look inside pay nothing."""
    outputs = [tab.filled, tab.config_md, tab.tree_html, tab.estimate_md, tab.heads_df, tab.new_md, tab.probs_label,
               tab.probs_md, tab.guesses_label, tab.guesses_md]
    panel.select(bind(initial_load, tab), [tab.filled, tab.selection], outputs, api_visibility="private")
