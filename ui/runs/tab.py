"""Runs tab: past runs from disk, their curves overlaid, Try it (fine-tuned vs base), Export, Delete."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from core.results.generate import MAX_NEW_TOKENS
from ui import charts, lessons
from ui.binding import bind
from ui.chart_view import X_AXES
from ui.i18n import register, t
from ui.runs.handlers import (FORM_CHOICES, compare_view, delete_run, download_model, download_script, export_code,
                              generate_from_ui, generate_text, list_runs, page_words, predict, predict_from_ui, push_run, refresh_runs, show_code,
                              show_examples_now, show_run_lessons, sign_in_admin)

register(
    en={"runs.intro": "### 5. Runs, try, export\nEvery run is kept on disk. Compare curves, try a model on "
                      "your own text next to the untrained base model, and take the code or the model with you.",
        "runs.refresh": "Refresh", "runs.table": "Runs (newest first)",
        "runs.compare": "Compare runs", "runs.compare.info": "Pick several runs to overlay their curves.",
        "runs.acc_plot": "Eval accuracy", "runs.loss_plot": "Train loss",
        "runs.try_h": "#### Try it", "runs.run": "Run",
        "runs.run.info": "The run whose model you try, export or delete.",
        "runs.text": "Text", "runs.text.ph": "Type a sentence to classify",
        "runs.pair": "Second text", "runs.pair.info": "Only for sentence-pair runs (e.g. glue/mrpc); else leave empty.",
        "runs.predict": "Predict", "runs.tuned": "Fine-tuned model", "runs.base": "Base model (random head)",
        "runs.write_h": "Try it: make a causal LM run write", "runs.prompt": "Prompt",
        "runs.tokens.info": "How many tokens to add (at most 200).",
        "runs.temp.info": "Below 1: safer, more repetitive; above 1: more surprising, less coherent.",
        "runs.topk.info": "Draw only among the k likeliest next tokens (0: no limit).",
        "runs.topp.info": "Draw among the fewest tokens that together cover this probability (nucleus sampling).",
        "runs.greedy": "Greedy", "runs.greedy.info": "Always take the likeliest token (ignores the three above).",
        "runs.write": "Write", "runs.write_base": "The model it started from",
        "runs.export_h": "#### Export", "runs.gpus": "GPUs", "runs.gpus.info": "Processes for accelerate launch "
                                                                                "(one per GPU).",
        "runs.show_code": "Show code", "runs.script": "Standalone Python script (runs as is)",
        "runs.commands": "accelerate launch (several GPUs)", "runs.zip": "Download model (zip)",
        "runs.zip_file": "Model zip", "runs.repo": "Hub repo", "runs.repo.ph": "user/model-name",
        "runs.repo.info": "Where to push the model on the Hugging Face Hub (a private repo is created if needed).",
        "runs.token": "Hugging Face token", "runs.token.info": "Your write token; leave it empty to use your "
                      "Hugging Face sign-in (on a Space), or this machine's HF_TOKEN when the server is private. "
                      "Used for this upload only, never stored or shown.",
        "runs.script_zip": "Download the script (zip, with the data and metrics it reads)",
        "runs.script_file": "Script zip",
        "runs.admin_h": "Server owner", "runs.admin_key": "Admin key",
        "runs.admin_key.info": "The server's ADMIN_KEY: this session may then stop, resume, delete and push every run.",
        "runs.admin_btn": "Sign in as admin",
        "runs.push": "Push to Hub", "runs.delete_h": "#### Delete", "runs.confirm_cb": "Yes, delete it",
        "runs.confirm_cb.info": "Deleting removes the run folder (model, checkpoints, metrics) for good.",
        "runs.delete": "Delete run", "runs.xaxis": "x axis",
        "runs.xaxis.info": "By step, or by epoch: runs of different sizes line up.",
        "runs.diff": "Settings that differ between the compared runs",
        "runs.lessons_h": "#### The picked run: what it teaches",
        "runs.examples_btn": "Show its examples (before and after fine-tuning)",
        "runs.form": "Code form", "runs.form.info": "Trainer: the script as the app trains. PyTorch loop: what the "
                     "Trainer does, written out. Accelerate loop: that loop on one or several GPUs (or CPU processes)."},
    zh={"runs.intro": "### 5. 运行记录、试用、导出\n每次运行都保存在磁盘上。比较曲线，用你自己的文本试用模型"
                      "（与未训练的基础模型并排），并把代码或模型带走。",
        "runs.refresh": "刷新", "runs.table": "运行记录（最新在前）",
        "runs.compare": "比较运行", "runs.compare.info": "选几个运行，叠加显示它们的曲线。",
        "runs.acc_plot": "评估准确率", "runs.loss_plot": "训练 loss",
        "runs.try_h": "#### 试用", "runs.run": "运行", "runs.run.info": "要试用、导出或删除的运行。",
        "runs.text": "文本", "runs.text.ph": "输入一句要分类的话",
        "runs.pair": "第二段文本", "runs.pair.info": "仅用于句子对任务（如 glue/mrpc）；否则留空。",
        "runs.predict": "预测", "runs.tuned": "微调后的模型", "runs.base": "基础模型（随机分类头）",
        "runs.write_h": "试用：让因果语言模型运行写字", "runs.prompt": "提示 (prompt)",
        "runs.tokens.info": "要续写多少个 token（最多 200）。",
        "runs.temp.info": "小于 1：更稳妥、更重复；大于 1：更出人意料、更不连贯。",
        "runs.topk.info": "只在最可能的 k 个 token 中抽取（0：不限制）。",
        "runs.topp.info": "在累计概率达到这个值的最少 token 中抽取（nucleus 采样）。",
        "runs.greedy": "贪心", "runs.greedy.info": "每次都取最可能的 token（忽略上面三项）。",
        "runs.write": "写", "runs.write_base": "它开始时的模型",
        "runs.export_h": "#### 导出", "runs.gpus": "GPU 数", "runs.gpus.info": "accelerate launch 的进程数（每个 GPU 一个）。",
        "runs.show_code": "显示代码", "runs.script": "独立的 Python 脚本（可直接运行）",
        "runs.commands": "accelerate launch（多 GPU）", "runs.zip": "下载模型（zip）",
        "runs.zip_file": "模型 zip", "runs.repo": "Hub 仓库", "runs.repo.ph": "用户名/模型名",
        "runs.repo.info": "把模型上传到 Hugging Face Hub 的位置（需要时会创建私有仓库）。",
        "runs.token": "Hugging Face token", "runs.token.info": "你自己的写权限 token；留空则使用你的 Hugging Face "
                      "登录（在 Space 上），或在私有服务器上使用本机的 HF_TOKEN。只用于这次上传，不会保存或显示。",
        "runs.script_zip": "下载脚本（zip，包含它读取的数据和指标）",
        "runs.script_file": "脚本 zip",
        "runs.admin_h": "服务器管理员", "runs.admin_key": "管理员密钥",
        "runs.admin_key.info": "服务器的 ADMIN_KEY：之后这个会话可以停止、继续、删除和上传任何运行。",
        "runs.admin_btn": "以管理员身份登录",
        "runs.push": "上传到 Hub", "runs.delete_h": "#### 删除", "runs.confirm_cb": "是的，删除",
        "runs.confirm_cb.info": "删除会永久移除运行文件夹（模型、检查点、指标）。",
        "runs.delete": "删除运行", "runs.xaxis": "横轴",
        "runs.xaxis.info": "按步数 (step) 或按轮次 (epoch)：不同长度的运行可以对齐。",
        "runs.diff": "所比较的运行之间不同的设置",
        "runs.lessons_h": "#### 选中的运行：它教会了什么",
        "runs.examples_btn": "逐条查看它的样本（微调前后）",
        "runs.form": "代码形式", "runs.form.info": "Trainer：与应用训练时相同的脚本。PyTorch 循环：把 Trainer 做的事逐行写出来。"
                     "Accelerate 循环：同一个循环，可在一个或多个 GPU（或多个 CPU 进程）上运行。"},

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
    gr.Markdown(t("runs.intro"))
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
