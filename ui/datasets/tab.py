"""Datasets tab: load a Hub dataset, an uploaded file or the embedded sample; look at it.

Layout and wiring only: the handlers live in ui.datasets.handlers, the charts in ui.datasets.views.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core.data.source import FILE_BUILDERS, HUB_PRESETS
from ui.binding import bind
from ui.datasets.chat_views import CHAT_CSS
from ui.datasets.handlers import (SOURCE_CHAT, SOURCE_FILE, SOURCE_HUB, SOURCE_PREFS, SOURCE_SAMPLE, change_view,
                                  initial_load, load_dataset, sample_rows, sampled_chats)
from ui.datasets.pair_views import PAIR_CSS
from ui.datasets.views import hub_note
from ui.errors import toasts_errors
from ui.i18n import LANGS, register, t
from ui.page import Page, TabSpec

@dataclass
class DatasetsTab:
    selection: gr.State  # the session's Selection (ui.state), read by the other tabs
    source_radio: gr.Radio
    hub_id_dd: gr.Dropdown
    config_tb: gr.Textbox
    split_tb: gr.Textbox
    file_up: gr.File
    load_btn: gr.Button
    summary_md: gr.Markdown
    split_dd: gr.Dropdown
    text_cols_dd: gr.Dropdown
    label_col_dd: gr.Dropdown
    n_rows_sl: gr.Slider
    seed_nb: gr.Number
    resample_btn: gr.Button
    sample_df: gr.Dataframe
    chat_html: gr.HTML  # the sampled rows as chats (a conversational split) or as pairs (preference data), else hidden
    schema_df: gr.Dataframe
    labels_plot: gr.Plot
    lengths_plot: gr.Plot
    source_json: gr.JSON  # hidden: the loaded source as a dict, so an API client can train on its own upload
    api_load_btn: gr.Button  # hidden: carries the load_dataset endpoint, so the page's own Load may refuse by toast


def build_datasets_tab(selection: gr.State) -> DatasetsTab:
    """Build the Datasets tab inside an open gr.Tab and wire its events."""
    presets = [p.name for p in HUB_PRESETS]
    with gr.Row():
        with gr.Column(scale=1):
            source_radio = gr.Radio([(t("ds.src.sample"), SOURCE_SAMPLE), (t("ds.src.chat"), SOURCE_CHAT),
                                     (t("ds.src.prefs"), SOURCE_PREFS), (t("ds.src.hub"), SOURCE_HUB),
                                     (t("ds.src.file"), SOURCE_FILE)],
                                    value=SOURCE_SAMPLE, label=t("ds.source"), info=t("ds.source.info"))
            with gr.Group(visible=False) as hub_group:
                hub_id_dd = gr.Dropdown(presets, value="imdb", allow_custom_value=True, label=t("ds.hub_id"),
                                        info=t("ds.hub_id.info"))
                with gr.Row():
                    config_tb = gr.Textbox(label=t("ds.config"), info=t("ds.config.info"), max_lines=1)
                    split_tb = gr.Textbox(label=t("ds.split"), info=t("ds.split.info"), max_lines=1)
                register(**{lang: {"ds.hub_note.now": hub_note(lang)} for lang in LANGS})
                gr.Markdown(t("ds.hub_note.now"))
            file_up = gr.File(label=t("ds.file"), file_types=list(FILE_BUILDERS), type="filepath",
                              visible=False)
            load_btn = gr.Button(t("ds.load"), variant="primary")
        with gr.Column(scale=2):
            summary_md = gr.Markdown()
            schema_df = gr.Dataframe(label=t("ds.schema"), interactive=False, max_height=220)
            with gr.Row():
                split_dd = gr.Dropdown(label=t("ds.view_split"), info=t("ds.view_split.info"))
                text_cols_dd = gr.Dropdown(multiselect=True, label=t("ds.text_cols"), info=t("ds.text_cols.info"))
                label_col_dd = gr.Dropdown(label=t("ds.label_col"), info=t("ds.label_col.info"))
    with gr.Row():
        n_rows_sl = gr.Slider(1, 50, value=10, step=1, label=t("ds.n_rows"), info=t("ds.n_rows.info"))
        seed_nb = gr.Number(value=0, precision=0, label=t("ds.seed"), info=t("ds.seed.info"))
        resample_btn = gr.Button(t("ds.resample"))
    chat_html = gr.HTML(label=t("ds.chats"), css_template=CHAT_CSS + PAIR_CSS, padding=True, visible=False, max_height=520)
    sample_df = gr.Dataframe(label=t("ds.sample"), interactive=False, wrap=True, max_height=420)
    with gr.Row():
        labels_plot = gr.Plot(label=t("ds.labels_plot"))
        lengths_plot = gr.Plot(label=t("ds.lengths_plot"))

    tab = DatasetsTab(selection=selection, source_radio=source_radio, hub_id_dd=hub_id_dd, config_tb=config_tb,
                      split_tb=split_tb, file_up=file_up, load_btn=load_btn, summary_md=summary_md, split_dd=split_dd,
                      text_cols_dd=text_cols_dd, label_col_dd=label_col_dd, n_rows_sl=n_rows_sl, seed_nb=seed_nb,
                      resample_btn=resample_btn, sample_df=sample_df, chat_html=chat_html, schema_df=schema_df,
                      labels_plot=labels_plot, lengths_plot=lengths_plot, source_json=gr.JSON(visible=False),
                      api_load_btn=gr.Button(visible=False))
    _wire(tab)
    source_radio.change(lambda kind: (gr.update(visible=kind == SOURCE_HUB), gr.update(visible=kind == SOURCE_FILE)),
                        source_radio, [hub_group, file_up], api_visibility="private", queue=False)
    return tab


def _wire(tab: DatasetsTab) -> None:
    # a new output goes last: an API client reads the results by position
    load_outputs = [tab.selection, tab.summary_md, tab.schema_df, tab.split_dd, tab.text_cols_dd, tab.label_col_dd,
                    tab.sample_df, tab.labels_plot, tab.lengths_plot, tab.source_json, tab.chat_html]
    load_inputs = [tab.source_radio, tab.hub_id_dd, tab.config_tb, tab.split_tb, tab.file_up, tab.n_rows_sl,
                   tab.seed_nb]
    # A refused load (offline Hub, a bad file) is a toast and the dataset already loaded stays on screen: a
    # gr.Error would badge all ten outputs. An API client still receives the error, from the hidden button's event.
    tab.load_btn.click(bind(toasts_errors(load_dataset), tab), load_inputs, load_outputs,
                       api_name="page_load_dataset", api_visibility="private")
    tab.api_load_btn.click(bind(load_dataset, tab), load_inputs, load_outputs, api_name="load_dataset")
    resampled = tab.resample_btn.click(sample_rows, [tab.selection, tab.n_rows_sl, tab.seed_nb], tab.sample_df,
                                       api_name="sample_rows")
    # the endpoint keeps returning the table alone; the page then draws the new rows as chats
    resampled.success(toasts_errors(sampled_chats), [tab.selection, tab.sample_df], tab.chat_html,
                      api_visibility="private")
    view_inputs = [tab.selection, tab.split_dd, tab.text_cols_dd, tab.label_col_dd, tab.n_rows_sl, tab.seed_nb]
    view_outputs = [tab.selection, tab.sample_df, tab.labels_plot, tab.lengths_plot, tab.chat_html]
    for dd in (tab.split_dd, tab.text_cols_dd, tab.label_col_dd):
        dd.input(bind(toasts_errors(change_view), tab), view_inputs, view_outputs, api_visibility="private")


def wire_page_load(demo: gr.Blocks, tab: DatasetsTab) -> None:
    """Fill the tab with the embedded sample when the page opens."""
    demo.load(bind(initial_load, tab), None,
              [tab.selection, tab.summary_md, tab.schema_df, tab.split_dd, tab.text_cols_dd, tab.label_col_dd,
               tab.sample_df, tab.labels_plot, tab.lengths_plot, tab.source_json, tab.chat_html],
              api_visibility="private")


def _link(tab: DatasetsTab, page: Page, _panel: gr.Tab) -> None:
    wire_page_load(page.demo, tab)


TAB = TabSpec(intro="ds.intro", build=lambda page: build_datasets_tab(page.selection), link=_link)
