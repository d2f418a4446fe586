"""Train tab: a form built from TrainConfig, Start/Stop/Resume, live charts, results after training.

The job belongs to the browser session that started it (gr.Request.session_hash); only its id sits
in a gr.State. The same handlers serve the buttons and the JSON API endpoints (gr.api).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import gradio as gr

from core import jobs, sources, zerogpu
from core.settings import get_settings
from core.training import TrainConfig, quick_demo_config, tutorial_config
from ui import charts, train_form
from ui.i18n import local, msg, register, t
from ui.train_live import public_status, refresh_live, status_html

PRESET_QUICK, PRESET_TUTORIAL, PRESET_SELECTION = "quick", "tutorial", "selection"

register(
    en={"train.intro": "### 3. Fine-tune\nPick a preset or adjust the settings (each says what it does), then "
                       "press Start and watch the curves. Every run is saved and can be exported as plain Python.",
        "train.limits": "Device: {device} · limits in force: {limits}",
        "train.preset": "Preset", "train.preset.info": "Quick demo: the embedded MiniLM on the sample, about a "
                        "minute on a laptop CPU. Tutorial recipe: bert-base-cased on yelp_review_full (needs the Hub).",
        "train.preset.offline": "The tutorial recipe needs the Hugging Face Hub, but the app is offline ({reason}).",
        "train.dataset": "Dataset: **{name}** (change it in the Datasets tab)",
        "train.config": "Config (JSON): exactly what is saved with the run",
        "train.start": "Start", "train.stop": "Stop", "train.resume": "Resume",
        "train.started": "Started {job_id}.", "train.stopping": "Stopping {job_id} after the current step.",
        "train.nojob": "No job to act on: start one first.", "train.unknown_job": "Unknown job {job_id!r}: {error}",
        "train.badjson": "The config is not valid JSON ({error}): fix it or pick a preset.",
        "train.loss": "Loss", "train.lr": "Learning rate", "train.metrics": "Eval metrics",
        "train.speed": "Throughput", "train.compare": "Before vs after fine-tuning (eval set)",
        "train.confusion": "Confusion matrix", "train.per_class": "Per-class precision and recall"},
    zh={"train.intro": "### 3. 微调\n选一个预设或调整设置（每项都说明了作用），然后点“开始”，观察曲线。"
                       "每次运行都会保存，并可导出为普通 Python 脚本。",
        "train.limits": "设备：{device} · 当前限制：{limits}",
        "train.preset": "预设", "train.preset.info": "快速演示：内置 MiniLM + 样例数据，笔记本 CPU 上约一分钟。"
                        "教程配方：bert-base-cased + yelp_review_full（需要 Hub）。",
        "train.preset.offline": "教程配方需要 Hugging Face Hub，但应用处于离线状态（{reason}）。",
        "train.dataset": "数据集：**{name}**（在“数据集”标签页中更换）",
        "train.config": "配置 (JSON)：与运行一起保存的内容",
        "train.start": "开始", "train.stop": "停止", "train.resume": "继续",
        "train.started": "已开始 {job_id}。", "train.stopping": "{job_id} 将在当前步结束后停止。",
        "train.nojob": "没有可操作的任务：请先开始一个。", "train.unknown_job": "未知的任务 {job_id!r}：{error}",
        "train.badjson": "配置不是有效的 JSON（{error}）：请修改或选择一个预设。",
        "train.loss": "Loss", "train.lr": "学习率", "train.metrics": "评估指标",
        "train.speed": "吞吐量", "train.compare": "微调前后对比（评估集）",
        "train.confusion": "混淆矩阵", "train.per_class": "每类的 precision 和 recall"},
)


def _owner(request: gr.Request | None) -> str:
    return getattr(request, "session_hash", None) or ""


def _device() -> str:
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU"


# ------------------------------------------------------------ API handlers (JSON in, JSON out)

def start_training(config_json: str, request: gr.Request = None) -> dict:
    """Start (or queue) a training job from a TrainConfig as JSON; returns the job id and its status."""
    try:
        data = json.loads(config_json) if isinstance(config_json, str) else dict(config_json or {})
    except json.JSONDecodeError as err:
        raise gr.Error(msg("train.badjson", request, error=err)) from err
    try:
        job_id = jobs.get_manager().start(TrainConfig.from_dict(data), owner=_owner(request))
    except ValueError as err:
        raise gr.Error(local(err)) from err
    charts.forget(job_id)
    return public_status(jobs.get_manager().snapshot(job_id, since_step=1 << 62))


def training_status(job_id: str) -> dict:
    """The state, progress and metrics of a job (no curve points)."""
    try:
        return public_status(jobs.get_manager().snapshot(job_id, since_step=1 << 62))
    except (KeyError, ValueError) as err:
        raise gr.Error(msg("train.unknown_job", job_id=job_id, error=local(err))) from err


def stop_training(job_id: str, request: gr.Request = None) -> dict:
    """Ask a job to stop after its current step (only its owner may, unless ALLOW_ANY_STOP is set)."""
    job_id = job_id or jobs.get_manager().active_job_id()
    if not job_id:
        raise gr.Error(msg("train.nojob", request))
    try:
        jobs.get_manager().stop(job_id, owner=_owner(request))
    except (ValueError, PermissionError, KeyError) as err:
        raise gr.Error(local(err)) from err
    return training_status(job_id)


def resume_training(run_id: str, request: gr.Request = None) -> dict:
    """Continue a stopped or interrupted run from its last checkpoint."""
    if not run_id:
        raise gr.Error(msg("train.nojob", request))
    try:
        job_id = jobs.get_manager().resume(run_id, owner=_owner(request))
    except (ValueError, PermissionError, KeyError) as err:
        raise gr.Error(local(err)) from err
    charts.forget(job_id)
    return training_status(job_id)


def run_on_zero_gpu(job_id: str | None) -> None:
    """On a ZeroGPU Space, run the queued job inside this request's GPU slot; elsewhere the worker thread has it."""
    manager = jobs.get_manager()
    if job_id and manager.inline:
        try:
            zerogpu.run_in_gpu_slot(manager, job_id)
        except ValueError as err:
            raise gr.Error(local(err)) from err


def with_gpu_slot(fn):
    """API variant of start/resume: on ZeroGPU the call trains and returns the final status."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        status = fn(*args, **kwargs)
        if not jobs.get_manager().inline:
            return status
        run_on_zero_gpu(status["job_id"])
        return training_status(status["job_id"])
    return wrapper


# ------------------------------------------------------------ form handlers

def _form_outputs(cfg: dict, request: gr.Request | None):
    name = sources.SAMPLE_NAME if cfg["dataset"].get("kind", "sample") == "sample" else \
        cfg["dataset"].get("name") or cfg["dataset"].get("path", "")
    return (cfg["dataset"], msg("train.dataset", request, name=name), json.dumps(cfg, indent=1),
            *train_form.config_to_values(cfg))


def apply_preset(preset: str, selection: dict | None, request: gr.Request = None):
    """Fill the form from a preset, or from the Datasets/Tokenizer tabs' selection."""
    if preset == PRESET_TUTORIAL and not sources.is_online():
        gr.Warning(msg("train.preset.offline", request, reason=sources.offline_reason()))
        return (gr.skip(),) * (3 + len(train_form.FIELD_ORDER))
    if preset == PRESET_TUTORIAL:
        return _form_outputs(tutorial_config().to_dict(), request)
    base = quick_demo_config().to_dict()
    if preset == PRESET_SELECTION:
        base = train_form.config_from_selection(selection, base)
    return _form_outputs(base, request)


def show_config(dataset: dict, *values) -> str:
    """The JSON of the current form, so learners see exactly what is saved."""
    return json.dumps(train_form.values_to_config(dataset, values), indent=1)


def start_from_form(request: gr.Request, dataset: dict, *values):
    """Start button: validate the form as a TrainConfig, start the job, switch the timer on."""
    config = train_form.values_to_config(dataset, values)
    status = start_training(json.dumps(config), request)
    gr.Info(msg("train.started", request, job_id=status["job_id"]))
    return status["job_id"], status_html(status, request), gr.Timer(active=True)


def stop_from_button(job_id: str | None, request: gr.Request = None):
    status = stop_training(job_id or "", request)
    gr.Info(msg("train.stopping", request, job_id=status["job_id"]))
    return status_html(status, request)


def resume_from_button(job_id: str | None, request: gr.Request = None):
    status = resume_training(job_id or "", request)
    return status["job_id"], status_html(status, request), gr.Timer(active=True)


def attach(job_id: str | None, request: gr.Request = None):
    """Page load: follow the running job, whoever started it (or keep this session's own)."""
    active = jobs.get_manager().active_job_id() or job_id
    return active, gr.Timer(active=bool(active))


# ------------------------------------------------------------ layout

@dataclass
class TrainTab:
    preset_dd: gr.Dropdown
    dataset_state: gr.State
    dataset_md: gr.Markdown
    form: dict
    config_code: gr.Code
    start_btn: gr.Button
    stop_btn: gr.Button
    resume_btn: gr.Button
    status_html: gr.HTML
    loss_plot: gr.Plot
    lr_plot: gr.Plot
    metrics_plot: gr.Plot
    speed_plot: gr.Plot
    compare_df: gr.Dataframe
    confusion_plot: gr.Plot
    per_class_df: gr.Dataframe
    timer: gr.Timer
    job_state: gr.State
    finished_state: gr.State  # the id of the job that just ended: other tabs refresh on its change
    drawn_state: gr.State  # the chart version this browser last drew (see charts.JobCurves.version)

    def attach_on_load(self, demo: gr.Blocks) -> None:
        """Call inside `with demo:` so a (re)loaded page re-attaches to the running job."""
        demo.load(attach, [self.job_state], [self.job_state, self.timer], api_visibility="private",
                  show_progress="hidden")


def _preset_choices() -> list[tuple[str, str]]:
    tutorial = "Tutorial recipe (bert-base-cased, yelp_review_full)"
    if not sources.is_online():
        tutorial += " - unavailable offline"
    return [("Quick demo (embedded MiniLM + sample)", PRESET_QUICK), (tutorial, PRESET_TUTORIAL),
            ("From the Datasets tab", PRESET_SELECTION)]


def build_train_tab(selection: gr.State) -> TrainTab:
    """Lay out the Train tab inside an open gr.Tab and wire its events."""
    cfg = quick_demo_config().to_dict()
    gr.Markdown(t("train.intro"))
    gr.Markdown(msg("train.limits", device=_device(), limits=get_settings().limits_text()))
    preset_dd = gr.Dropdown(_preset_choices(), value=PRESET_QUICK, label=t("train.preset"),
                            info=t("train.preset.info"))
    if not sources.is_online():
        gr.Markdown(msg("train.preset.offline", reason=sources.offline_reason()))
    dataset_state = gr.State(cfg["dataset"])
    dataset_md = gr.Markdown(msg("train.dataset", name=sources.SAMPLE_NAME))
    form = train_form.build_form(cfg)
    with gr.Accordion(t("train.config"), open=False):
        config_code = gr.Code(json.dumps(cfg, indent=1), language="json", interactive=False)
    with gr.Row():
        start_btn = gr.Button(t("train.start"), variant="primary")
        stop_btn = gr.Button(t("train.stop"), variant="stop")
        resume_btn = gr.Button(t("train.resume"))
    status = gr.HTML(status_html(None))
    with gr.Row():
        loss_plot = gr.Plot(charts.empty_figure("loss"), label=t("train.loss"), elem_id="loss-plot")
        lr_plot = gr.Plot(charts.empty_figure("learning rate"), label=t("train.lr"))
    with gr.Row():
        metrics_plot = gr.Plot(charts.empty_figure("evaluation"), label=t("train.metrics"))
        speed_plot = gr.Plot(charts.empty_figure("throughput"), label=t("train.speed"))
    compare_df = gr.Dataframe(headers=["metric", "before", "after", "change"], label=t("train.compare"),
                              interactive=False)
    with gr.Row():
        confusion_plot = gr.Plot(charts.empty_figure("confusion matrix"), label=t("train.confusion"))
        per_class_df = gr.Dataframe(headers=["label", "precision", "recall", "f1", "support"],
                                    label=t("train.per_class"), interactive=False)
    tab = TrainTab(preset_dd, dataset_state, dataset_md, form, config_code, start_btn, stop_btn, resume_btn,
                   status, loss_plot, lr_plot, metrics_plot, speed_plot, compare_df, confusion_plot,
                   per_class_df, gr.Timer(1.0, active=False), gr.State(None), gr.State(None), gr.State(0))
    _wire(tab, selection)
    return tab


def _wire(tab: TrainTab, selection: gr.State) -> None:
    fields = [tab.form[name] for name in train_form.FIELD_ORDER]
    form_out = [tab.dataset_state, tab.dataset_md, tab.config_code, *fields]
    private = {"api_visibility": "private"}
    tab.preset_dd.input(apply_preset, [tab.preset_dd, selection], form_out, **private)
    selection.change(apply_preset, [gr.State(PRESET_SELECTION), selection], form_out, **private)
    for field in fields:
        field.change(show_config, [tab.dataset_state, *fields], tab.config_code, show_progress="hidden",
                     trigger_mode="always_last", **private)
    timer_on = [tab.job_state, tab.status_html, tab.timer]
    in_gpu_slot = {"fn": run_on_zero_gpu, "inputs": [tab.job_state], "outputs": None, "concurrency_limit": None,
                   "show_progress": "hidden", **private}
    tab.start_btn.click(start_from_form, [tab.dataset_state, *fields], timer_on, concurrency_limit=None,
                        **private).success(**in_gpu_slot)
    tab.stop_btn.click(stop_from_button, [tab.job_state], tab.status_html, concurrency_limit=None, **private)
    tab.resume_btn.click(resume_from_button, [tab.job_state], timer_on, concurrency_limit=None,
                         **private).success(**in_gpu_slot)
    live_out = [tab.status_html, tab.loss_plot, tab.lr_plot, tab.metrics_plot, tab.speed_plot, tab.timer,
                tab.compare_df, tab.confusion_plot, tab.per_class_df, tab.finished_state, tab.drawn_state]
    tab.timer.tick(refresh_live, [tab.job_state, tab.drawn_state], live_out, concurrency_limit=None, show_progress="hidden",
                   trigger_mode="once", **private)
    tab.job_state.change(refresh_live, [tab.job_state, tab.drawn_state], live_out, show_progress="hidden", **private)
    for fn, name in ((with_gpu_slot(start_training), "start_training"), (training_status, "training_status"),
                     (stop_training, "stop_training"), (with_gpu_slot(resume_training), "resume_training")):
        gr.api(fn, api_name=name, concurrency_limit=None)
