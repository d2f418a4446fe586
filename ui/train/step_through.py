"""Step through one batch: the Train tab's panel that walks one batch of the form's settings through a training
step, one button per stage, and its API endpoint (`step_through`, every stage as JSON).

core.training.step_through does the work; views are in ui.train.step_views. One walk-through runs at a time on the
server (concurrency_id "step_through"); on a public server the model follows the usual rules (check_access) and the
batch and length are bounded by core.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core.jobs import request_work
from core.training import step_through
from core.training.step_through import STAGES
from core.training.config import TrainConfig
from ui.binding import bind
from ui.errors import shows_errors
from ui.i18n import t
from ui.identity import visitor
from ui.train import form as train_form
from ui.train.step_views import stage_view

ONE_AT_A_TIME = {"concurrency_limit": 1, "concurrency_id": "step_through"}


@dataclass
class StepPanel:
    buttons: dict  # stage -> gr.Button
    again_btn: gr.Button
    text_md: gr.Markdown
    table_df: gr.Dataframe
    chart_plot: gr.Plot
    code: gr.Code

    @property
    def outputs(self) -> list:
        return [self.text_md, self.table_df, self.chart_plot, self.code]


def _key(request: gr.Request | None) -> str:
    """Whose walk-through: one per browser session (a visitor's two tabs walk separately)."""
    return getattr(request, "session_hash", None) or visitor(request).owner


def _walk(config: TrainConfig, request: gr.Request | None):
    config.check_access(visitor(request).owner)  # their own uploads, a model they may name, no remote code
    request_work.check_walk_fits(config)  # its memory estimate against what one request may take (issue 22)
    return step_through.walk_for(config, _key(request))


@shows_errors
def show_stage(panel: StepPanel, request: gr.Request, stage: str, dataset: dict, *values) -> dict:
    """A stage button: run the stages up to this one (once each) on the form's settings and show this one."""
    walk = _walk(TrainConfig.from_dict(train_form.values_to_config(dataset, values)), request)
    text, table, figure, code = stage_view(stage, step_through.run_stage(walk, stage), walk.notes, request)
    return {panel.text_md: text, panel.table_df: table, panel.code: code,
            panel.chart_plot: gr.Plot(value=figure, visible=figure is not None)}


def start_again(panel: StepPanel, request: gr.Request = None) -> dict:
    """Forget this session's walk-through: the next button starts from the untouched model."""
    step_through.forget(_key(request))
    return {panel.text_md: "", panel.table_df: None, panel.code: "", panel.chart_plot: gr.Plot(visible=False)}


@shows_errors
def step_through_api(config_json: str, request: gr.Request = None) -> dict:
    """Walk one batch of a TrainConfig (JSON) through one training step: every stage's numbers and PyTorch lines
    (batch, forward, loss, backward, step, after), and the limits a public server applied."""
    config = TrainConfig.from_json(config_json)
    config.check_access(visitor(request).owner)
    request_work.check_walk_fits(config)
    return step_through.step_through(config, _key(request))


def build_step_panel(form_inputs: list) -> StepPanel:
    """The panel, inside the open Train tab: an accordion with a button per stage; form_inputs are the dataset
    state and the form's fields (in train_form.FIELD_ORDER)."""
    with gr.Accordion(t("step.title"), open=False):
        gr.Markdown(t("step.intro"))
        with gr.Row():
            buttons = {stage: gr.Button(t(f"step.{stage}"), size="sm") for stage in STAGES}
            again = gr.Button(t("step.again"), size="sm", variant="secondary")
        text = gr.Markdown()
        with gr.Row():
            table = gr.Dataframe(label=t("step.table"), interactive=False, wrap=True, scale=3)
            chart = gr.Plot(label=t("step.chart"), visible=False, scale=2)
        code = gr.Code(language="python", label=t("step.code"), interactive=False)
    panel = StepPanel(buttons, again, text, table, chart, code)
    for stage, button in buttons.items():
        button.click(bind(show_stage, panel), [gr.State(stage), *form_inputs], panel.outputs,
                     api_visibility="private", **ONE_AT_A_TIME)
    again.click(bind(start_again, panel), None, panel.outputs, api_visibility="private")
    gr.api(step_through_api, api_name="step_through", **ONE_AT_A_TIME)
    return panel
