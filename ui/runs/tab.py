"""Runs tab: past runs from disk, their curves overlaid, Try it (fine-tuned vs base), Export, Delete."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core.results.generate import MAX_NEW_TOKENS
from ui import charts, lessons
from ui.binding import bind
from ui.chart_view import X_AXES
from ui.i18n import t
from ui.page import Page, TabSpec
from ui.runs.handlers import (FORM_CHOICES, compare_view, delete_run, download_model, download_script, export_code,
                              generate_from_ui, generate_text, list_runs, page_words, predict, predict_from_ui, push_run, refresh_runs, show_code,
                              show_examples_now, show_run_lessons, sign_in_admin)



@dataclass
class RunsTab:
    refresh_btn: gr.Button
    runs_df: gr.Dataframe
    compare_dd: gr.Dropdown
    acc_plot: gr.Plot
    loss_plot: gr.Plot
    run_dd: gr.Dropdown
    text_tb: gr.Textbox
    pair_tb: gr.Textbox
    predict_btn: gr.Button
    tuned_label: gr.Label
    base_label: gr.Label
    predict_md: gr.Markdown
    gpus_sl: gr.Slider
    code_btn: gr.Button
    script_zip_btn: gr.Button
    zip_btn: gr.Button
    script_code: gr.Code
    commands_code: gr.Code
    script_file: gr.File
    zip_file: gr.File
    repo_tb: gr.Textbox
    token_tb: gr.Textbox
    push_btn: gr.Button
    push_md: gr.Markdown
    confirm_cb: gr.Checkbox
    delete_btn: gr.Button
    admin_tb: gr.Textbox
    admin_btn: gr.Button
    admin_md: gr.Markdown
    xaxis_radio: gr.Radio
    diff_df: gr.Dataframe
    diagnosis: lessons.DiagnosisBlock
    examples: lessons.ExamplesBlock
    examples_btn: gr.Button
    form_radio: gr.Radio | None = None  # which exported form Show code and the script zip give
    write: dict | None = None  # Try it for a causal LM run: prompt, decoding settings, the two continuations

    @property
    def tuned_text(self) -> gr.Textbox:
        return self.write["tuned_text"]

    @property
    def base_text(self) -> gr.Textbox:
        return self.write["base_text"]

    @property
    def retry_state(self) -> gr.State:
        """Set by a "try again with" button: the Train tab fills its form from it (app.py wires it)."""
        return self.diagnosis.retry_state

    @property
    def refresh_outputs(self) -> list:
        return [self.runs_df, self.compare_dd, self.run_dd]

    def attach_after(self, visitor_known) -> None:
        """Read the list from disk once the page knows the visitor (which runs are theirs)."""
        visitor_known.then(bind(refresh_runs, self), None, self.refresh_outputs, api_visibility="private",
                           show_progress="hidden")
        visitor_known.then(bind(page_words, self), None, [self.acc_plot, self.loss_plot, self.diff_df],
                           api_visibility="private", show_progress="hidden")

    def refresh_on(self, component) -> None:
        """Re-read the list when component changes (e.g. TrainTab.finished_state when a run ends)."""
        component.change(bind(refresh_runs, self), None, self.refresh_outputs, api_visibility="private",
                         show_progress="hidden")


def _build_write() -> dict:
    """Try it for a causal LM run: the prompt continued by the fine-tuned model and by the model it started from."""
    w = {}
    with gr.Accordion(t("runs.write_h"), open=False):
        w["prompt_tb"] = gr.Textbox(label=t("runs.prompt"), placeholder="The hotel", lines=2)
        with gr.Row():
            w["tokens_sl"] = gr.Slider(1, MAX_NEW_TOKENS, value=40, step=1, label="max_new_tokens",
                                       info=t("runs.tokens.info"))
            w["temp_sl"] = gr.Slider(0.05, 2.0, value=0.8, step=0.05, label="temperature", info=t("runs.temp.info"))
            w["topk_sl"] = gr.Slider(0, 200, value=50, step=1, label="top_k", info=t("runs.topk.info"))
            w["topp_sl"] = gr.Slider(0.05, 1.0, value=0.95, step=0.05, label="top_p", info=t("runs.topp.info"))
            w["greedy_cb"] = gr.Checkbox(False, label=t("runs.greedy"), info=t("runs.greedy.info"))
        w["write_btn"] = gr.Button(t("runs.write"), variant="primary")
        with gr.Row():
            w["tuned_text"] = gr.Textbox(label=t("runs.tuned"), lines=4, interactive=False)
            w["base_text"] = gr.Textbox(label=t("runs.write_base"), lines=4, interactive=False)
    return w


def build_runs_tab() -> RunsTab:
    """Lay out the Runs tab inside an open gr.Tab and wire its events (runs carry their own config)."""
    w = {"refresh_btn": gr.Button(t("runs.refresh"), size="sm"),
         "runs_df": gr.Dataframe(label=t("runs.table"), interactive=False),
         "compare_dd": gr.Dropdown([], multiselect=True, label=t("runs.compare"), info=t("runs.compare.info"))}
    w["xaxis_radio"] = gr.Radio(list(X_AXES), value="step", label=t("runs.xaxis"), info=t("runs.xaxis.info"))
    with gr.Row():
        w["acc_plot"] = gr.Plot(charts.empty_figure("eval accuracy"), label=t("runs.acc_plot"))
        w["loss_plot"] = gr.Plot(charts.empty_figure("train loss"), label=t("runs.loss_plot"))
    w["diff_df"] = gr.Dataframe(label=t("runs.diff"), interactive=False, elem_id="config-diff")
    gr.Markdown(t("runs.try_h"))
    w["run_dd"] = gr.Dropdown([], label=t("runs.run"), info=t("runs.run.info"))
    with gr.Row():
        w["text_tb"] = gr.Textbox(label=t("runs.text"), placeholder=t("runs.text.ph"), lines=2, scale=3)
        w["pair_tb"] = gr.Textbox(label=t("runs.pair"), info=t("runs.pair.info"), lines=2, scale=2)
    w["predict_btn"] = gr.Button(t("runs.predict"), variant="primary")
    with gr.Row():
        w["tuned_label"], w["base_label"] = gr.Label(label=t("runs.tuned")), gr.Label(label=t("runs.base"))
    w["predict_md"] = gr.Markdown()
    gr.Markdown(t("runs.base_note"))
    w["write"] = _build_write()
    gr.Markdown(t("runs.lessons_h"))
    w["diagnosis"] = lessons.build_diagnosis()
    w["examples_btn"] = gr.Button(t("runs.examples_btn"), size="sm")
    w["examples"] = lessons.build_examples()
    w.update(_build_export())
    w.update(_build_owner_actions())
    tab = RunsTab(**w)
    _wire(tab)
    return tab


def _build_export() -> dict:
    gr.Markdown(t("runs.export_h"))
    w = {"form_radio": gr.Radio(FORM_CHOICES, value="trainer", label=t("runs.form"), info=t("runs.form.info"))}
    with gr.Row():
        w["gpus_sl"] = gr.Slider(1, 8, value=2, step=1, label=t("runs.gpus"), info=t("runs.gpus.info"))
        w["code_btn"] = gr.Button(t("runs.show_code"))
        w["script_zip_btn"] = gr.Button(t("runs.script_zip"))
        w["zip_btn"] = gr.Button(t("runs.zip"))
    w["script_code"] = gr.Code(language="python", label=t("runs.script"), interactive=False)
    w["commands_code"] = gr.Code(language="shell", label=t("runs.commands"), interactive=False)
    with gr.Row():
        w["script_file"] = gr.File(label=t("runs.script_file"), interactive=False)
        w["zip_file"] = gr.File(label=t("runs.zip_file"), interactive=False)
    return w


def _build_owner_actions() -> dict:
    """Push and delete (the run's owner only), and the server owner's key."""
    w = {}
    with gr.Row():
        w["repo_tb"] = gr.Textbox(label=t("runs.repo"), placeholder=t("runs.repo.ph"), info=t("runs.repo.info"))
        w["token_tb"] = gr.Textbox(label=t("runs.token"), type="password", info=t("runs.token.info"))
    w["push_btn"], w["push_md"] = gr.Button(t("runs.push")), gr.Markdown()
    gr.Markdown(t("runs.delete_h"))
    with gr.Row():
        w["confirm_cb"] = gr.Checkbox(False, label=t("runs.confirm_cb"), info=t("runs.confirm_cb.info"))
        w["delete_btn"] = gr.Button(t("runs.delete"), variant="stop")
    with gr.Accordion(t("runs.admin_h"), open=False):
        with gr.Row():
            w["admin_tb"] = gr.Textbox(label=t("runs.admin_key"), info=t("runs.admin_key.info"), type="password")
            w["admin_btn"] = gr.Button(t("runs.admin_btn"))
        w["admin_md"] = gr.Markdown()
    return w


def _wire(tab: RunsTab) -> None:
    private = {"api_visibility": "private"}

    tab.refresh_btn.click(bind(refresh_runs, tab), None, tab.refresh_outputs, **private)
    for control in (tab.compare_dd, tab.xaxis_radio):
        control.change(bind(compare_view, tab), [tab.compare_dd, tab.xaxis_radio],
                       [tab.acc_plot, tab.loss_plot, tab.diff_df], **private)
    block, ex = tab.diagnosis, tab.examples
    lesson_out = [block.findings_md, *block.fix_btns, block.changes_state, ex.counts_md, ex.filter_radio, ex.cell_dd,
                  ex.table, ex.run_state]
    tab.run_dd.change(bind(show_run_lessons, tab), tab.run_dd, lesson_out, **private)
    tab.examples_btn.click(bind(show_examples_now, tab), tab.run_dd, lesson_out[len(block.fix_btns) + 2:], **private)
    wr = tab.write
    write_in = [tab.run_dd, wr["prompt_tb"], wr["tokens_sl"], wr["temp_sl"], wr["topk_sl"], wr["topp_sl"],
                wr["greedy_cb"]]
    for trigger in (wr["write_btn"].click, wr["prompt_tb"].submit):
        trigger(bind(generate_from_ui, tab), write_in, [tab.tuned_text, tab.base_text], **private)
    try_outputs = [tab.tuned_label, tab.base_label, tab.predict_md]
    for trigger in (tab.predict_btn.click, tab.text_tb.submit):
        trigger(bind(predict_from_ui, tab), [tab.run_dd, tab.text_tb, tab.pair_tb], try_outputs, **private)
    tab.code_btn.click(bind(show_code, tab), [tab.run_dd, tab.gpus_sl, tab.form_radio],
                       [tab.script_code, tab.commands_code], **private)
    tab.script_zip_btn.click(download_script, [tab.run_dd, tab.form_radio], tab.script_file, **private)
    tab.zip_btn.click(download_model, tab.run_dd, tab.zip_file, **private)
    tab.push_btn.click(bind(push_run, tab), [tab.run_dd, tab.repo_tb, tab.token_tb], [tab.push_md, tab.token_tb],
                       **private)
    tab.delete_btn.click(bind(delete_run, tab), [tab.run_dd, tab.confirm_cb], [*tab.refresh_outputs, tab.confirm_cb],
                         **private)
    tab.admin_btn.click(bind(sign_in_admin, tab), tab.admin_tb, [tab.admin_md, tab.admin_tb], **private)
    for fn, name in ((list_runs, "list_runs"), (predict, "predict"), (generate_text, "generate_text"),
                     (export_code, "export_code"),
                     (lessons.diagnose_run, "diagnose_run"), (lessons.run_examples, "run_examples")):
        gr.api(fn, api_name=name)


def _build(page: Page) -> RunsTab:
    tab = build_runs_tab()
    page.retry = tab.retry_state  # the Train tab fills its form from it
    return tab


def _link(tab: RunsTab, page: Page, _panel: gr.Tab) -> None:
    tab.attach_after(page.visitor_known)
    if page.finished is not None:
        tab.refresh_on(page.finished)


TAB = TabSpec(intro="runs.intro", build=_build, link=_link)
