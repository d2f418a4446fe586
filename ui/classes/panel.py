"""The class panel on the Runs tab: the teacher opens a class, a student joins and starts a run from the class's
preset, everyone in the class follows the board (ui.classes.handlers does the work, core.classes the rules).

The board's timer starts only once this page has opened or joined a class, so visitors who never use a class cost
the server nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core.classes.roster import DEFAULT_EDITABLE, DEFAULT_PER_NETWORK, DEFAULT_SIZE, MAX_SIZE, PRESET_NEEDS
from core.training.presets import PRESETS
from ui import charts
from ui.binding import bind
from ui.classes.handlers import (class_board, class_close, class_join, class_open, class_place, class_remove,
                                 class_start, csv_from_page, join_from_page, open_from_page, remove_from_page,
                                 restore_from_page, set_open_from_page, start_from_page, table_changed, tick)
from ui.errors import toasts_errors
from ui.i18n import t

TICK_S = 2.0  # the board's refresh: the target is a new evaluation on the board within 2 s
# settings a class commonly lets students change (the API takes any setting but the shared data and model)
EDITABLE_CHOICES = (*DEFAULT_EDITABLE, "batch_size", "weight_decay", "warmup_ratio", "lr_scheduler_type", "seed",
                    "gradient_accumulation_steps", "lora_r")


@dataclass
class ClassPanel:
    class_state: gr.State
    run_state: gr.State
    base_state: gr.State
    board_state: gr.State  # the version of the curves this page's charts show (core.classes.board.version)
    timer: gr.Timer
    name_tb: gr.Textbox
    preset_dd: gr.Dropdown
    editable_cbg: gr.CheckboxGroup
    size_nb: gr.Number
    per_network_nb: gr.Number
    open_btn: gr.Button
    close_btn: gr.Button
    reopen_btn: gr.Button
    teacher_md: gr.Markdown
    remove_tb: gr.Textbox
    remove_btn: gr.Button
    pool_md: gr.Markdown
    code_tb: gr.Textbox
    nick_tb: gr.Textbox
    join_btn: gr.Button
    joined_md: gr.Markdown
    changes_df: gr.Dataframe
    changed_md: gr.Markdown
    start_btn: gr.Button
    place_md: gr.Markdown
    summary_md: gr.Markdown
    board_df: gr.Dataframe
    metric_plot: gr.Plot
    loss_plot: gr.Plot
    csv_btn: gr.Button
    csv_file: gr.File


def _teacher() -> dict:
    with gr.Accordion(t("class.teacher_h"), open=False):
        with gr.Row():
            name_tb = gr.Textbox(label=t("class.name"), value="Class", max_length=60)
            choices = [(p.name, p.key) for p in PRESETS if p.needs in PRESET_NEEDS]
            preset_dd = gr.Dropdown(choices, value=choices[0][1], label=t("class.preset"))
            size_nb = gr.Number(DEFAULT_SIZE, minimum=1, maximum=MAX_SIZE, precision=0, label=t("class.size"))
            per_network_nb = gr.Number(DEFAULT_PER_NETWORK, minimum=0, maximum=MAX_SIZE, precision=0,
                                       label=t("class.per_network_nb"), info=t("class.per_network_nb.info"))
        editable_cbg = gr.CheckboxGroup(list(EDITABLE_CHOICES), value=list(DEFAULT_EDITABLE), label=t("class.editable"))
        with gr.Row():
            open_btn = gr.Button(t("class.open_btn"), variant="primary")
            close_btn, reopen_btn = gr.Button(t("class.close_btn")), gr.Button(t("class.reopen_btn"))
        teacher_md = gr.Markdown()
        with gr.Row():
            remove_tb = gr.Textbox(label=t("class.remove"), max_length=24, scale=3)
            remove_btn = gr.Button(t("class.remove_btn"), size="sm", scale=1)
        pool_md = gr.Markdown()
    return dict(name_tb=name_tb, preset_dd=preset_dd, editable_cbg=editable_cbg, size_nb=size_nb,
                per_network_nb=per_network_nb, open_btn=open_btn, close_btn=close_btn, reopen_btn=reopen_btn,
                teacher_md=teacher_md, remove_tb=remove_tb, remove_btn=remove_btn, pool_md=pool_md)


def _student() -> dict:
    with gr.Row():
        code_tb = gr.Textbox(label=t("class.code"), placeholder=t("class.code.ph"), max_length=32)
        nick_tb = gr.Textbox(label=t("class.nickname"), max_length=24)
        join_btn = gr.Button(t("class.join_btn"), variant="primary", scale=0, min_width=120)
    joined_md = gr.Markdown()
    changes_df = gr.Dataframe(headers=["setting", "base", "yours"], type="array", interactive=True,
                              label=t("class.changes"), col_count=(3, "fixed"), static_columns=[0, 1])
    changed_md = gr.Markdown()
    start_btn = gr.Button(t("class.start_btn"), variant="primary")
    place_md = gr.Markdown()
    return dict(code_tb=code_tb, nick_tb=nick_tb, join_btn=join_btn, joined_md=joined_md, changes_df=changes_df,
                changed_md=changed_md, start_btn=start_btn, place_md=place_md)


def _board() -> dict:
    gr.Markdown(t("class.board_note"))
    summary_md = gr.Markdown()
    board_df = gr.Dataframe(label=t("class.board_table"), interactive=False)
    with gr.Row():
        metric_plot = gr.Plot(charts.empty_figure("eval"), label=t("class.metric_plot"))
        loss_plot = gr.Plot(charts.empty_figure("loss"), label=t("class.loss_plot"))
    with gr.Row():
        csv_btn, csv_file = gr.Button(t("class.csv_btn"), size="sm"), gr.File(label=t("class.csv_file"))
    return dict(summary_md=summary_md, board_df=board_df, metric_plot=metric_plot, loss_plot=loss_plot,
                csv_btn=csv_btn, csv_file=csv_file)


def build_class_panel() -> ClassPanel:
    """The panel, inside the open Runs tab, wired; its API endpoints are registered here too."""
    with gr.Accordion(t("class.h"), open=False):
        gr.Markdown(t("class.intro"))
        teacher = _teacher()
        with gr.Accordion(t("class.student_h"), open=True):
            student = _student()
        with gr.Accordion(t("class.board_h"), open=True):
            shown = _board()
    panel = ClassPanel(class_state=gr.State(""), run_state=gr.State(""), base_state=gr.State({}),
                       board_state=gr.State(""),
                       timer=gr.Timer(TICK_S, active=False), **teacher, **student, **shown)
    _wire(panel)
    return panel


def _wire(panel: ClassPanel) -> None:
    private = {"api_visibility": "private"}
    teacher_out = [panel.class_state, panel.teacher_md, panel.pool_md, panel.timer]
    panel.open_btn.click(bind(toasts_errors(open_from_page), panel),
                         [panel.name_tb, panel.preset_dd, panel.editable_cbg, panel.size_nb, panel.per_network_nb],
                         teacher_out, **private)
    for trigger in (panel.remove_btn.click, panel.remove_tb.submit):
        trigger(bind(toasts_errors(remove_from_page), panel), [panel.class_state, panel.remove_tb],
                [panel.teacher_md, panel.remove_tb], **private)
    for button, is_open in ((panel.close_btn, False), (panel.reopen_btn, True)):
        button.click(bind(toasts_errors(set_open_from_page), panel),
                     [panel.class_state, gr.State(is_open), panel.per_network_nb], panel.teacher_md, **private)
    joined_out = [panel.class_state, panel.base_state, panel.joined_md, panel.changes_df, panel.changed_md, panel.timer]
    for trigger in (panel.join_btn.click, panel.nick_tb.submit):
        trigger(bind(toasts_errors(join_from_page), panel), [panel.code_tb, panel.nick_tb], joined_out, **private)
    panel.changes_df.change(bind(table_changed, panel), [panel.changes_df, panel.base_state], panel.changed_md,
                            **private)
    panel.start_btn.click(bind(toasts_errors(start_from_page), panel), [panel.class_state, panel.changes_df],
                          [panel.run_state, panel.place_md], **private)
    board_out = [panel.place_md, panel.teacher_md, panel.board_df, panel.metric_plot, panel.loss_plot,
                 panel.summary_md, panel.board_state, panel.timer]
    panel.timer.tick(bind(toasts_errors(tick), panel), [panel.class_state, panel.run_state, panel.board_state],
                     board_out, show_progress="hidden", **private)
    panel.csv_btn.click(bind(toasts_errors(csv_from_page), panel), panel.class_state, panel.csv_file, **private)
    for fn, name in ((class_open, "class_open"), (class_close, "class_close"), (class_join, "class_join"),
                     (class_remove, "class_remove"), (class_start, "class_start")):
        gr.api(fn, api_name=name)
    for fn, name in ((class_place, "class_place"), (class_board, "class_board")):  # memory reads, polled by pages
        gr.api(fn, api_name=name, concurrency_limit=None)


def restore_after(panel: ClassPanel, event) -> None:
    """After event (the page knows its visitor, or the teacher signed in): a reloaded page finds its class again."""
    outputs = [panel.class_state, panel.base_state, panel.nick_tb, panel.joined_md, panel.changes_df, panel.changed_md,
               panel.timer, panel.run_state, panel.place_md, panel.teacher_md, panel.pool_md, panel.per_network_nb]
    event.then(bind(toasts_errors(restore_from_page), panel), None, outputs, api_visibility="private",
               show_progress="hidden")
