"""Runs tab: past runs from disk, their curves overlaid, Try it (fine-tuned vs base), Export, Delete."""

from __future__ import annotations

import os
from dataclasses import dataclass

import gradio as gr

from ui import charts
from ui.i18n import register, t
from ui.runs.handlers import (compare_runs, delete_run, download_model, export_code, list_runs, predict,
                             predict_from_ui, push_run, refresh_runs, show_code)

register(
    en={"runs.intro": "### 4. Runs, try, export\nEvery run is kept on disk. Compare curves, try a model on "
                      "your own text next to the untrained base model, and take the code or the model with you.",
        "runs.refresh": "Refresh", "runs.table": "Runs (newest first)",
        "runs.compare": "Compare runs", "runs.compare.info": "Pick several runs to overlay their curves.",
        "runs.acc_plot": "Eval accuracy", "runs.loss_plot": "Train loss",
        "runs.try_h": "#### Try it", "runs.run": "Run",
        "runs.run.info": "The run whose model you try, export or delete.",
        "runs.text": "Text", "runs.text.ph": "Type a sentence to classify",
        "runs.pair": "Second text", "runs.pair.info": "Only for sentence-pair runs (e.g. glue/mrpc); else leave empty.",
        "runs.predict": "Predict", "runs.tuned": "Fine-tuned model", "runs.base": "Base model (random head)",
        "runs.export_h": "#### Export", "runs.gpus": "GPUs", "runs.gpus.info": "Processes for accelerate launch "
                                                                                "(one per GPU).",
        "runs.show_code": "Show code", "runs.script": "Standalone Python script (runs as is)",
        "runs.commands": "accelerate launch (several GPUs)", "runs.zip": "Download model (zip)",
        "runs.zip_file": "Model zip", "runs.repo": "Hub repo", "runs.repo.ph": "user/model-name",
        "runs.repo.info": "Where to push the model on the Hugging Face Hub (a private repo is created if needed).",
        "runs.token": "Hugging Face token", "runs.token.info": "A write token; leave empty to use HF_TOKEN. "
                                                             "Used for this upload only, never stored or shown.",
        "runs.push": "Push to Hub", "runs.delete_h": "#### Delete", "runs.confirm_cb": "Yes, delete it",
        "runs.confirm_cb.info": "Deleting removes the run folder (model, checkpoints, metrics) for good.",
        "runs.delete": "Delete run"},
    zh={"runs.intro": "### 4. 运行记录、试用、导出\n每次运行都保存在磁盘上。比较曲线，用你自己的文本试用模型"
                      "（与未训练的基础模型并排），并把代码或模型带走。",
        "runs.refresh": "刷新", "runs.table": "运行记录（最新在前）",
        "runs.compare": "比较运行", "runs.compare.info": "选几个运行，叠加显示它们的曲线。",
        "runs.acc_plot": "评估准确率", "runs.loss_plot": "训练 loss",
        "runs.try_h": "#### 试用", "runs.run": "运行", "runs.run.info": "要试用、导出或删除的运行。",
        "runs.text": "文本", "runs.text.ph": "输入一句要分类的话",
        "runs.pair": "第二段文本", "runs.pair.info": "仅用于句子对任务（如 glue/mrpc）；否则留空。",
        "runs.predict": "预测", "runs.tuned": "微调后的模型", "runs.base": "基础模型（随机分类头）",
        "runs.export_h": "#### 导出", "runs.gpus": "GPU 数", "runs.gpus.info": "accelerate launch 的进程数（每个 GPU 一个）。",
        "runs.show_code": "显示代码", "runs.script": "独立的 Python 脚本（可直接运行）",
        "runs.commands": "accelerate launch（多 GPU）", "runs.zip": "下载模型（zip）",
        "runs.zip_file": "模型 zip", "runs.repo": "Hub 仓库", "runs.repo.ph": "用户名/模型名",
        "runs.repo.info": "把模型上传到 Hugging Face Hub 的位置（需要时会创建私有仓库）。",
        "runs.token": "Hugging Face token", "runs.token.info": "一个有写权限的 token；留空则使用 HF_TOKEN。"
                                                             "只用于这次上传，不会保存或显示。",
        "runs.push": "上传到 Hub", "runs.delete_h": "#### 删除", "runs.confirm_cb": "是的，删除",
        "runs.confirm_cb.info": "删除会永久移除运行文件夹（模型、检查点、指标）。",
        "runs.delete": "删除运行"},
)


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
    gpus_sl: gr.Slider
    code_btn: gr.Button
    script_code: gr.Code
    commands_code: gr.Code
    zip_btn: gr.Button
    zip_file: gr.File
    repo_tb: gr.Textbox
    token_tb: gr.Textbox
    push_btn: gr.Button
    push_md: gr.Markdown
    confirm_cb: gr.Checkbox
    delete_btn: gr.Button

    @property
    def refresh_outputs(self) -> list:
        return [self.runs_df, self.compare_dd, self.run_dd]

    def attach_on_load(self, demo: gr.Blocks) -> None:
        """Call inside `with demo:` so the list is read from disk when a page opens."""
        demo.load(refresh_runs, None, self.refresh_outputs, api_visibility="private", show_progress="hidden")

    def refresh_on(self, component) -> None:
        """Re-read the list when component changes (e.g. TrainTab.finished_state when a run ends)."""
        component.change(refresh_runs, None, self.refresh_outputs, api_visibility="private",
                         show_progress="hidden")


def build_runs_tab(selection: gr.State) -> RunsTab:
    """Lay out the Runs tab inside an open gr.Tab and wire its events (selection is unused: runs carry
    their own config)."""
    gr.Markdown(t("runs.intro"))
    refresh_btn = gr.Button(t("runs.refresh"), size="sm")
    runs_df = gr.Dataframe(label=t("runs.table"), interactive=False)
    compare_dd = gr.Dropdown([], multiselect=True, label=t("runs.compare"), info=t("runs.compare.info"))
    with gr.Row():
        acc_plot = gr.Plot(charts.empty_figure("eval accuracy"), label=t("runs.acc_plot"))
        loss_plot = gr.Plot(charts.empty_figure("train loss"), label=t("runs.loss_plot"))
    gr.Markdown(t("runs.try_h"))
    run_dd = gr.Dropdown([], label=t("runs.run"), info=t("runs.run.info"))
    with gr.Row():
        text_tb = gr.Textbox(label=t("runs.text"), placeholder=t("runs.text.ph"), lines=2, scale=3)
        pair_tb = gr.Textbox(label=t("runs.pair"), info=t("runs.pair.info"), lines=2, scale=2)
    predict_btn = gr.Button(t("runs.predict"), variant="primary")
    with gr.Row():
        tuned_label = gr.Label(label=t("runs.tuned"))
        base_label = gr.Label(label=t("runs.base"))
    gr.Markdown(t("runs.base_note"))
    gr.Markdown(t("runs.export_h"))
    with gr.Row():
        gpus_sl = gr.Slider(1, 8, value=2, step=1, label=t("runs.gpus"), info=t("runs.gpus.info"))
        code_btn = gr.Button(t("runs.show_code"))
        zip_btn = gr.Button(t("runs.zip"))
    script_code = gr.Code(language="python", label=t("runs.script"), interactive=False)
    commands_code = gr.Code(language="shell", label=t("runs.commands"), interactive=False)
    zip_file = gr.File(label=t("runs.zip_file"), interactive=False)
    with gr.Row():
        repo_tb = gr.Textbox(label=t("runs.repo"), placeholder=t("runs.repo.ph"), info=t("runs.repo.info"))
        token_tb = gr.Textbox(label=t("runs.token"), type="password", info=t("runs.token.info"),
                              placeholder="HF_TOKEN" if os.environ.get("HF_TOKEN") else "")
    push_btn = gr.Button(t("runs.push"))
    push_md = gr.Markdown()
    gr.Markdown(t("runs.delete_h"))
    with gr.Row():
        confirm_cb = gr.Checkbox(False, label=t("runs.confirm_cb"), info=t("runs.confirm_cb.info"))
        delete_btn = gr.Button(t("runs.delete"), variant="stop")
    tab = RunsTab(refresh_btn, runs_df, compare_dd, acc_plot, loss_plot, run_dd, text_tb, pair_tb, predict_btn,
                  tuned_label, base_label, gpus_sl, code_btn, script_code, commands_code, zip_btn, zip_file,
                  repo_tb, token_tb, push_btn, push_md, confirm_cb, delete_btn)
    _wire(tab)
    return tab


def _wire(tab: RunsTab) -> None:
    private = {"api_visibility": "private"}
    tab.refresh_btn.click(refresh_runs, None, tab.refresh_outputs, **private)
    tab.compare_dd.change(compare_runs, tab.compare_dd, [tab.acc_plot, tab.loss_plot], **private)
    tab.predict_btn.click(predict_from_ui, [tab.run_dd, tab.text_tb, tab.pair_tb],
                          [tab.tuned_label, tab.base_label], **private)
    tab.text_tb.submit(predict_from_ui, [tab.run_dd, tab.text_tb, tab.pair_tb],
                       [tab.tuned_label, tab.base_label], **private)
    tab.code_btn.click(show_code, [tab.run_dd, tab.gpus_sl], [tab.script_code, tab.commands_code], **private)
    tab.zip_btn.click(download_model, tab.run_dd, tab.zip_file, **private)
    tab.push_btn.click(push_run, [tab.run_dd, tab.repo_tb, tab.token_tb], [tab.push_md, tab.token_tb], **private)
    tab.delete_btn.click(delete_run, [tab.run_dd, tab.confirm_cb], [*tab.refresh_outputs, tab.confirm_cb],
                         **private)
    for fn, name in ((list_runs, "list_runs"), (predict, "predict"), (export_code, "export_code")):
        gr.api(fn, api_name=name)
