"""Runs tab: past runs from disk, their curves overlaid, Try it (fine-tuned vs base), Export, Delete."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core.results.generate import MAX_NEW_TOKENS
from ui import charts, lessons
from ui.binding import bind
from ui.classes.panel import ClassPanel, build_class_panel, restore_after
from ui.chart_view import X_AXES
from ui.errors import toasts_errors
from ui.i18n import t
from ui.page import Page, TabSpec
from ui.runs.chat import RunChat, build_run_chat
from ui.runs.handlers import (FORMS, clear_answers, compare_view, delete_run, download_model, download_script,
                              export_code, generate_from_ui, generate_text, list_runs, page_words, predict,
                              predict_from_ui, push_run, refresh_runs, show_code, show_examples_now, show_run_lessons,
                              sign_in_admin)


@dataclass
class WriteBlock:
    """Try it for a causal LM run: the prompt continued by the fine-tuned model and by the model it started from."""

    prompt_tb: gr.Textbox
    tokens_sl: gr.Slider
    temp_sl: gr.Slider
    topk_sl: gr.Slider
    topp_sl: gr.Slider
    greedy_cb: gr.Checkbox
    write_btn: gr.Button
    tuned_text: gr.Textbox
    base_text: gr.Textbox
    box: gr.Accordion  # shown for a run of a task that writes text (or no run picked)

    @property
    def inputs(self) -> list:
        """The prompt and the decoding settings, in generate_from_ui's order after the run."""
        return [self.prompt_tb, self.tokens_sl, self.temp_sl, self.topk_sl, self.topp_sl, self.greedy_cb]


def _build_write() -> WriteBlock:
    with gr.Accordion(t("runs.write_h"), open=False) as box:
        prompt_tb = gr.Textbox(label=t("runs.prompt"), placeholder="The hotel", lines=2)
        with gr.Row():
            tokens_sl = gr.Slider(1, MAX_NEW_TOKENS, value=40, step=1, label="max_new_tokens",
                                  info=t("runs.tokens.info"))
            temp_sl = gr.Slider(0.05, 2.0, value=0.8, step=0.05, label="temperature", info=t("runs.temp.info"))
            topk_sl = gr.Slider(0, 200, value=50, step=1, label="top_k", info=t("runs.topk.info"))
            topp_sl = gr.Slider(0.05, 1.0, value=0.95, step=0.05, label="top_p", info=t("runs.topp.info"))
            greedy_cb = gr.Checkbox(False, label=t("runs.greedy"), info=t("runs.greedy.info"))
        write_btn = gr.Button(t("runs.write"), variant="primary")
        with gr.Row():
            tuned_text = gr.Textbox(label=t("runs.tuned"), lines=4, interactive=False)
            base_text = gr.Textbox(label=t("runs.write_base"), lines=4, interactive=False)
    return WriteBlock(prompt_tb=prompt_tb, tokens_sl=tokens_sl, temp_sl=temp_sl, topk_sl=topk_sl, topp_sl=topp_sl,
                      greedy_cb=greedy_cb, write_btn=write_btn, tuned_text=tuned_text, base_text=base_text, box=box)


@dataclass
class Compare:
    """The list of runs and their curves overlaid."""

    refresh_btn: gr.Button
    runs_df: gr.Dataframe
    compare_dd: gr.Dropdown
    xaxis_radio: gr.Radio
    acc_plot: gr.Plot
    loss_plot: gr.Plot
    diff_df: gr.Dataframe


# run_id, name, model, dataset, state, best_metric, created, yours, train_mode
RUNS_TABLE_WIDTHS = ["18%", "13%", "14%", "12%", "7%", "12%", "10%", "5%", "9%"]


def _build_compare() -> Compare:
    refresh_btn = gr.Button(t("runs.refresh"), size="sm")
    # widths fixed by column (handlers.RUN_COLUMNS): sized by its cells, a run id pushed best_metric past the page
    runs_df = gr.Dataframe(label=t("runs.table"), interactive=False, wrap=True, column_widths=RUNS_TABLE_WIDTHS)
    compare_dd = gr.Dropdown([], multiselect=True, label=t("runs.compare"), info=t("runs.compare.info"))
    xaxis_radio = gr.Radio(list(X_AXES), value="step", label=t("runs.xaxis"), info=t("runs.xaxis.info"))
    with gr.Row():
        acc_plot = gr.Plot(charts.empty_figure("eval accuracy"), label=t("runs.acc_plot"))
        loss_plot = gr.Plot(charts.empty_figure("train loss"), label=t("runs.loss_plot"))
    diff_df = gr.Dataframe(label=t("runs.diff"), interactive=False, elem_id="config-diff")
    return Compare(refresh_btn=refresh_btn, runs_df=runs_df, compare_dd=compare_dd, xaxis_radio=xaxis_radio,
                   acc_plot=acc_plot, loss_plot=loss_plot, diff_df=diff_df)


@dataclass
class TryIt:
    """A run's model on the visitor's text, next to its base model with a random head."""

    run_dd: gr.Dropdown
    text_tb: gr.Textbox
    pair_tb: gr.Textbox
    predict_btn: gr.Button
    tuned_label: gr.Label
    base_label: gr.Label
    predict_md: gr.Markdown
    classify_col: gr.Column  # shown for a run of a task with classes (or no run picked)


def _build_try() -> TryIt:
    gr.Markdown(t("runs.try_h"))
    run_dd = gr.Dropdown([], label=t("runs.run"), info=t("runs.run.info"))
    with gr.Column() as classify_col:
        with gr.Row():
            text_tb = gr.Textbox(label=t("runs.text"), placeholder=t("runs.text.ph"), lines=2, scale=3)
            pair_tb = gr.Textbox(label=t("runs.pair"), info=t("runs.pair.info"), lines=2, scale=2)
        predict_btn = gr.Button(t("runs.predict"), variant="primary")
        with gr.Row():
            tuned_label, base_label = gr.Label(label=t("runs.tuned")), gr.Label(label=t("runs.base"))
        predict_md = gr.Markdown()
        gr.Markdown(t("runs.base_note"))
    return TryIt(run_dd=run_dd, text_tb=text_tb, pair_tb=pair_tb, predict_btn=predict_btn, tuned_label=tuned_label,
                 base_label=base_label, predict_md=predict_md, classify_col=classify_col)


@dataclass
class Export:
    """The run as code (three forms), a script zip and a model zip."""

    form_radio: gr.Radio
    gpus_sl: gr.Slider
    code_btn: gr.Button
    script_zip_btn: gr.Button
    zip_btn: gr.Button
    script_code: gr.Code
    commands_code: gr.Code
    script_file: gr.File
    zip_file: gr.File


def _build_export() -> Export:
    gr.Markdown(t("runs.export_h"))
    form_radio = gr.Radio([(t(f"runs.form.{form}"), form) for form in FORMS], value="trainer", label=t("runs.form"),
                          info=t("runs.form.info"))
    with gr.Row():
        gpus_sl = gr.Slider(1, 8, value=2, step=1, label=t("runs.gpus"), info=t("runs.gpus.info"))
        code_btn = gr.Button(t("runs.show_code"))
        script_zip_btn = gr.Button(t("runs.script_zip"))
        zip_btn = gr.Button(t("runs.zip"))
    script_code = gr.Code(language="python", label=t("runs.script"), interactive=False)
    commands_code = gr.Code(language="shell", label=t("runs.commands"), interactive=False)
    with gr.Row():
        script_file = gr.File(label=t("runs.script_file"), interactive=False)
        zip_file = gr.File(label=t("runs.zip_file"), interactive=False)
    return Export(form_radio=form_radio, gpus_sl=gpus_sl, code_btn=code_btn, script_zip_btn=script_zip_btn,
                  zip_btn=zip_btn, script_code=script_code, commands_code=commands_code, script_file=script_file,
                  zip_file=zip_file)


@dataclass
class OwnerActions:
    """Push and delete (the run's owner only), and the server owner's key."""

    repo_tb: gr.Textbox
    token_tb: gr.Textbox
    push_btn: gr.Button
    push_md: gr.Markdown
    confirm_cb: gr.Checkbox
    delete_btn: gr.Button
    admin_tb: gr.Textbox
    admin_btn: gr.Button
    admin_md: gr.Markdown


def _build_owner_actions() -> OwnerActions:
    with gr.Row():
        repo_tb = gr.Textbox(label=t("runs.repo"), placeholder=t("runs.repo.ph"), info=t("runs.repo.info"))
        token_tb = gr.Textbox(label=t("runs.token"), type="password", info=t("runs.token.info"))
    push_btn, push_md = gr.Button(t("runs.push")), gr.Markdown()
    gr.Markdown(t("runs.delete_h"))
    with gr.Row():
        confirm_cb = gr.Checkbox(False, label=t("runs.confirm_cb"), info=t("runs.confirm_cb.info"))
        delete_btn = gr.Button(t("runs.delete"), variant="stop")
    with gr.Accordion(t("runs.admin_h"), open=False):
        with gr.Row():
            admin_tb = gr.Textbox(label=t("runs.admin_key"), info=t("runs.admin_key.info"), type="password")
            admin_btn = gr.Button(t("runs.admin_btn"))
        admin_md = gr.Markdown()
    return OwnerActions(repo_tb=repo_tb, token_tb=token_tb, push_btn=push_btn, push_md=push_md, confirm_cb=confirm_cb,
                        delete_btn=delete_btn, admin_tb=admin_tb, admin_btn=admin_btn, admin_md=admin_md)


@dataclass
class RunsTab(Compare, TryIt, Export, OwnerActions):
    """The Runs tab: its panels' components (the blocks above) and the lessons and write panels."""

    diagnosis: lessons.DiagnosisBlock
    examples: lessons.ExamplesBlock
    examples_btn: gr.Button
    write: WriteBlock  # Try it for a causal LM run: prompt, decoding settings, the two continuations
    chat: RunChat  # Chat with a run beside its base (ui.runs.chat)
    classes: ClassPanel | None = None  # a class: open (teacher), join and start (student), the board (ui.classes)

    @property
    def tuned_text(self) -> gr.Textbox:
        return self.write.tuned_text

    @property
    def base_text(self) -> gr.Textbox:
        return self.write.base_text

    @property
    def retry_state(self) -> gr.State:
        """Set by a "try again with" button: the Train tab fills its form from it (Page.retry)."""
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
        restore_after(self.classes, visitor_known)  # a reloaded page finds its class again

    def refresh_on(self, component) -> None:
        """Re-read the list when component changes (e.g. TrainTab.finished_state when a run ends)."""
        component.change(bind(refresh_runs, self), None, self.refresh_outputs, api_visibility="private",
                         show_progress="hidden")


def build_runs_tab() -> RunsTab:
    """Lay out the Runs tab inside an open gr.Tab and wire its events (runs carry their own config)."""
    cmp, tryit = _build_compare(), _build_try()
    write, chat = _build_write(), build_run_chat(tryit.run_dd)
    gr.Markdown(t("runs.lessons_h"))
    diagnosis = lessons.build_diagnosis()
    examples_btn = gr.Button(t("runs.examples_btn"), size="sm")
    examples = lessons.build_examples()
    export, owner = _build_export(), _build_owner_actions()
    class_panel = build_class_panel()
    tab = RunsTab(
        refresh_btn=cmp.refresh_btn, runs_df=cmp.runs_df, compare_dd=cmp.compare_dd, xaxis_radio=cmp.xaxis_radio,
        acc_plot=cmp.acc_plot, loss_plot=cmp.loss_plot, diff_df=cmp.diff_df,
        run_dd=tryit.run_dd, text_tb=tryit.text_tb, pair_tb=tryit.pair_tb, predict_btn=tryit.predict_btn,
        tuned_label=tryit.tuned_label, base_label=tryit.base_label, predict_md=tryit.predict_md,
        classify_col=tryit.classify_col,
        write=write, chat=chat, diagnosis=diagnosis, examples_btn=examples_btn, examples=examples,
        form_radio=export.form_radio, gpus_sl=export.gpus_sl, code_btn=export.code_btn,
        script_zip_btn=export.script_zip_btn, zip_btn=export.zip_btn, script_code=export.script_code,
        commands_code=export.commands_code, script_file=export.script_file, zip_file=export.zip_file,
        repo_tb=owner.repo_tb, token_tb=owner.token_tb, push_btn=owner.push_btn, push_md=owner.push_md,
        confirm_cb=owner.confirm_cb, delete_btn=owner.delete_btn, admin_tb=owner.admin_tb,
        admin_btn=owner.admin_btn, admin_md=owner.admin_md, classes=class_panel)
    _wire(tab)
    return tab


def _wire(tab: RunsTab) -> None:
    private = {"api_visibility": "private"}

    tab.refresh_btn.click(bind(refresh_runs, tab), None, tab.refresh_outputs, **private)
    for control in (tab.compare_dd, tab.xaxis_radio):
        control.change(bind(toasts_errors(compare_view), tab), [tab.compare_dd, tab.xaxis_radio],
                       [tab.acc_plot, tab.loss_plot, tab.diff_df], **private)
    block, ex = tab.diagnosis, tab.examples
    lesson_out = [block.findings_md, *block.fix_btns, block.changes_state, ex.counts_md, ex.filter_radio, ex.cell_dd,
                  ex.table, ex.run_state]
    tab.run_dd.change(bind(show_run_lessons, tab), tab.run_dd, lesson_out, **private)
    tab.run_dd.change(bind(clear_answers, tab), tab.run_dd,
                      [tab.tuned_label, tab.base_label, tab.predict_md, tab.tuned_text, tab.base_text,
                       tab.classify_col, tab.write.box, tab.examples_btn], **private)
    # a refused page action is one toast and leaves the panels as they were (ui.errors.toasts_errors)
    tab.examples_btn.click(bind(toasts_errors(show_examples_now), tab), tab.run_dd,
                           lesson_out[len(block.fix_btns) + 2:], **private)
    write_in = [tab.run_dd, *tab.write.inputs]
    for trigger in (tab.write.write_btn.click, tab.write.prompt_tb.submit):
        trigger(bind(toasts_errors(generate_from_ui), tab), write_in, [tab.tuned_text, tab.base_text], **private)
    try_outputs = [tab.tuned_label, tab.base_label, tab.predict_md]
    for trigger in (tab.predict_btn.click, tab.text_tb.submit):
        trigger(bind(toasts_errors(predict_from_ui), tab), [tab.run_dd, tab.text_tb, tab.pair_tb], try_outputs,
                **private)
    tab.code_btn.click(bind(toasts_errors(show_code), tab), [tab.run_dd, tab.gpus_sl, tab.form_radio],
                       [tab.script_code, tab.commands_code], **private)
    tab.script_zip_btn.click(download_script, [tab.run_dd, tab.form_radio], tab.script_file, **private)
    tab.zip_btn.click(download_model, tab.run_dd, tab.zip_file, **private)
    tab.push_btn.click(bind(toasts_errors(push_run), tab), [tab.run_dd, tab.repo_tb, tab.token_tb],
                       [tab.push_md, tab.token_tb], **private)
    tab.delete_btn.click(bind(delete_run, tab), [tab.run_dd, tab.confirm_cb], [*tab.refresh_outputs, tab.confirm_cb],
                         **private)
    signed_in = tab.admin_btn.click(bind(sign_in_admin, tab), tab.admin_tb, [tab.admin_md, tab.admin_tb], **private)
    restore_after(tab.classes, signed_in)  # the teacher's class, after a reload and signing in again
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
