"""Model tab: a checkpoint's config and module tree, every AutoModel* head on a text (output fields and shapes,
newly initialized weights, what untrained heads say), and what to train (full, head, top layers, LoRA).

Layout and wiring only; the handlers (which tests call directly) live in ui.model.handlers, the words, tree
and tables in ui.model.views.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import gradio as gr

from core import sources
from ui.binding import bind
from ui.errors import keeps_outputs
from ui.i18n import t
from ui.model import views as view
from ui.model.handlers import (API_ENDPOINTS, DEFAULT_MASK_TEXT, ESTIMATE_DEFAULTS, ESTIMATE_SETTINGS, MODEL_CHOICES,
                               initial_load, run_heads, show_estimate, show_model)
from ui.page import Page, TabSpec
from ui.setting_widgets import widget



@dataclass
class Heads:
    """Every AutoModel* head on a text: the texts, the table and the two untrained heads' answers."""

    text_tb: gr.Textbox
    mask_tb: gr.Textbox
    run_btn: gr.Button
    heads_df: gr.Dataframe
    new_md: gr.Markdown
    probs_label: gr.Label
    probs_md: gr.Markdown
    guesses_label: gr.Label
    guesses_md: gr.Markdown


def _build_heads(text: str) -> Heads:
    with gr.Row():
        text_tb = gr.Textbox(text, lines=2, max_lines=6, label=t("model.text"), info=t("model.text.info"))
        mask_tb = gr.Textbox(DEFAULT_MASK_TEXT, lines=2, max_lines=6, label=t("model.mask"), info=t("model.mask.info"))
    run_btn = gr.Button(t("model.run"), variant="primary")
    heads_df = gr.Dataframe(headers=view.HEAD_COLUMNS, label=t("model.heads"), interactive=False, wrap=True,
                            column_widths=["19%", "17%", "26%", "19%", "19%"])
    new_md = gr.Markdown()
    with gr.Row():
        with gr.Column():
            probs_label, probs_md = gr.Label(label=t("model.probs")), gr.Markdown()
        with gr.Column():
            guesses_label, guesses_md = gr.Label(label=t("model.guesses")), gr.Markdown()
    return Heads(text_tb=text_tb, mask_tb=mask_tb, run_btn=run_btn, heads_df=heads_df, new_md=new_md,
                 probs_label=probs_label, probs_md=probs_md, guesses_label=guesses_label, guesses_md=guesses_md)


@dataclass
class ModelTab(Heads):
    selection: gr.State  # the session's Selection (ui.state): its class names label the untrained head
    model_dd: gr.Dropdown
    load_btn: gr.Button
    config_md: gr.Markdown
    tree_html: gr.HTML
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
    with gr.Row():
        model_dd = gr.Dropdown(MODEL_CHOICES, value=sources.EMBEDDED_MODEL, allow_custom_value=True,
                               label=t("model.name"), info=t("model.name.info"), scale=3, min_width=300)
        load_btn = gr.Button(t("model.load"), scale=1)
    config_md = gr.Markdown()
    with gr.Accordion(t("model.tree"), open=False):
        tree = gr.HTML(css_template=view.TREE_CSS, padding=True)
    heads, estimate_widgets = _build_heads(text), _build_what_to_train()  # by ModelTab's field names
    tab = ModelTab(selection=selection, model_dd=model_dd, load_btn=load_btn, config_md=config_md, tree_html=tree,
                   text_tb=heads.text_tb, mask_tb=heads.mask_tb, run_btn=heads.run_btn, heads_df=heads.heads_df,
                   new_md=heads.new_md, probs_label=heads.probs_label, probs_md=heads.probs_md,
                   guesses_label=heads.guesses_label, guesses_md=heads.guesses_md, filled=gr.State(False),
                   **estimate_widgets)
    for api_name, fn in API_ENDPOINTS.items():  # before the private events, which take names from their fns
        gr.api(fn, api_name=api_name)
    _wire(tab)
    return tab


def _wire(tab: ModelTab) -> None:
    private = {"api_visibility": "private"}
    heads_inputs = [tab.model_dd, tab.text_tb, tab.mask_tb, tab.selection]
    heads_outputs = [tab.heads_df, tab.new_md, tab.probs_label, tab.probs_md, tab.guesses_label, tab.guesses_md]
    estimate = bind(show_estimate, tab)
    # One event for both triggers, ignoring a second while the first runs: a name typed, then Load clicked, fires
    # the dropdown's input (on blur) and the click together, which was one error shown twice ("Error (2)").
    triggers = functools.partial(gr.on, [tab.load_btn.click, tab.model_dd.input], trigger_mode="once")
    # a model that cannot load: one toast, the model shown before stays (ui.errors.keeps_outputs)
    loaded = keeps_outputs(triggers, bind(show_model, tab), tab.model_dd, [tab.config_md, tab.tree_html], **private)
    keeps_outputs(loaded.success, bind(run_heads, tab), heads_inputs, heads_outputs, **private).success(
        estimate, tab.estimate_inputs, tab.estimate_md, show_progress="hidden", **private)
    for trigger in (tab.run_btn.click, tab.text_tb.submit, tab.mask_tb.submit):
        trigger(bind(run_heads, tab), heads_inputs, heads_outputs, trigger_mode="always_last", **private)
    for control in tab.estimate_inputs[1:]:
        control.change(estimate, tab.estimate_inputs, tab.estimate_md, show_progress="hidden",
                       trigger_mode="always_last", **private)


def fill_when_opened(panel: gr.Tab, tab: ModelTab) -> None:
    """Fill the tab the first time the visitor opens it (the embedded model, its heads' answers cached after the
    first visitor): a page load then loads no model, and visitors who never look inside pay nothing."""
    outputs = [tab.filled, tab.config_md, tab.tree_html, tab.estimate_md, tab.heads_df, tab.new_md, tab.probs_label,
               tab.probs_md, tab.guesses_label, tab.guesses_md]
    panel.select(bind(initial_load, tab), [tab.filled, tab.selection], outputs, api_visibility="private")


def _build(page: Page) -> ModelTab:
    return build_model_tab(page.selection, text=page.text.value if page.text is not None else "")


def _link(tab: ModelTab, page: Page, panel: gr.Tab) -> None:
    fill_when_opened(panel, tab)
    if page.text is not None:
        tab.follow_text(page.text)


TAB = TabSpec(intro="model.intro", build=_build, link=_link)
