"""How the Train tab shows a job: its words in two languages, the status line with a progress bar, and the
before/after table."""

from __future__ import annotations

import html

import gradio as gr
import pandas as pd

from core.settings import Settings
from ui.i18n import local, msg, msg_in, register

ACTIVE_STATES = {"queued", "running", "stopping"}
PRESETS = ("quick", "tutorial", "selection", "pretrain_gpt", "domain_gpt")  # ui.train.handlers.PRESET_*
COMPARE_COLUMNS = ("metric", "before", "after", "change")
PER_CLASS_COLUMNS = ("label", "precision", "recall", "f1", "support")

register(
    en={"train.intro": "### 4. Fine-tune\nPick a preset or adjust the settings (each says what it does), then "
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
    zh={"train.intro": "### 4. 微调\n选一个预设或调整设置（每项都说明了作用），然后点“开始”，观察曲线。"
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


register(
    en={"train.st.line": "<b>{state}</b> · {device} · step {step}/{total} · epoch {epoch:.2f} · "
                         "elapsed {elapsed} · ETA {eta} · {sps:.1f} samples/s",
        "train.st.queue": " · position {pos} in the queue",
        "train.st.error": "Training failed: {error}",
        "train.st.none": "No training yet: choose a preset or adjust the settings, then press Start.",
        "train.st.gone": "Job {job_id} is not known any more (the app restarted?): see the Runs tab.",
        "train.res.noreport": "No confusion matrix: {reason}"},
    zh={"train.st.line": "<b>{state}</b> · {device} · 第 {step}/{total} 步 · epoch {epoch:.2f} · "
                         "已用 {elapsed} · 剩余 {eta} · 每秒 {sps:.1f} 条",
        "train.st.queue": " · 排队第 {pos} 位",
        "train.st.error": "训练失败：{error}",
        "train.st.none": "还没有训练：选一个预设或调整设置，然后点“开始”。",
        "train.st.gone": "任务 {job_id} 已不存在（应用重启过？）：请看“运行记录”标签页。",
        "train.res.noreport": "没有混淆矩阵：{reason}"},
)


def _clock(seconds) -> str:
    if seconds is None or seconds < 0:
        return "–"
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


def status_html(snap: dict | None, request: gr.Request | None = None) -> str:
    """One status line and a progress bar for a snapshot."""
    if not snap:
        return f"<div>{msg('train.st.none', request)}</div>"
    total = int(snap.get("max_steps") or 0)
    line = msg("train.st.line", request, state=html.escape(str(snap["state"])),
               device=html.escape(str(snap.get("device") or "")), step=snap.get("step", 0), total=total or "?",
               epoch=float(snap.get("epoch") or 0), elapsed=_clock(snap.get("elapsed_s")),
               eta=_clock(snap.get("eta_s")), sps=float(snap.get("samples_per_second") or 0))
    if snap["state"] == "queued" and snap.get("queue_position"):
        line += msg("train.st.queue", request, pos=snap["queue_position"])
    if snap.get("error"):
        line += "<br><span style='color:#b91c1c'>" + html.escape(
            msg("train.st.error", request, error=local(snap["error"], request))) + "</span>"
    bar = f"<progress value='{snap.get('step', 0)}' max='{max(total, 1)}' style='width:100%'></progress>"
    return f"<div class='fts-status'>{line}{bar}</div>"


def public_status(snap: dict) -> dict:
    """A snapshot as the caller may see it (JobManager.view) without its points: what training_status returns."""
    return {k: v for k, v in snap.items() if k != "points"}


MAX_SHOWN_EVALUATIONS = 12  # the samples view: the baseline and the latest evaluations


def samples_view(samples: list[dict], request: gr.Request | None = None) -> str:
    """Watch it write: for each prompt, what the model wrote at each evaluation (greedy and sampled), oldest first."""
    shown = samples[:1] + samples[1:][-(MAX_SHOWN_EVALUATIONS - 1):] if samples else []
    prompts = [row.get("prompt", "") for row in (shown[-1].get("samples") or [])] if shown else []
    head = (f"<tr><th>{msg('train.samples.step', request)}</th><th>{msg('train.samples.greedy', request)}</th>"
            f"<th>{msg('train.samples.sampled', request)}</th></tr>")
    parts = [f"<h4>{msg('train.samples', request)}</h4><p>{msg('train.samples.info', request)}</p>"]
    for prompt in prompts:
        rows = []
        for record in shown:
            row = next((r for r in record.get("samples") or [] if r.get("prompt") == prompt), None)
            if row is not None:
                step = msg("train.samples.before", request) if record.get("kind") == "baseline" else record.get("step")
                rows.append(f"<tr><td>{html.escape(str(step))}</td><td>{_sample_cell(prompt, row.get('greedy'))}</td>"
                            f"<td>{_sample_cell(prompt, row.get('sampled'))}</td></tr>")
        parts.append(f"<table class='lm-samples'>{head}{''.join(rows)}</table>")
    return "".join(parts)


def _sample_cell(prompt: str, text) -> str:
    return f"<b>{html.escape(prompt)}</b>{html.escape(str(text or ''))}"


def compare_table(baseline: dict, final: dict) -> pd.DataFrame:
    """Before/after fine-tuning, one row per metric."""
    rows = []
    for key in sorted(set(baseline or {}) | set(final or {})):
        before, after = (baseline or {}).get(key), (final or {}).get(key)
        if not key.startswith("eval_") or key.endswith(("_runtime", "_per_second", "_time")):
            continue
        change = after - before if isinstance(before, (int, float)) and isinstance(after, (int, float)) else None
        rows.append({"metric": key.removeprefix("eval_"), "before": before, "after": after, "change": change})
    return pd.DataFrame(rows, columns=["metric", "before", "after", "change"]).round(4)


register(
    en={"train.smooth": "Smoothing", "train.smooth.info": "Average the train loss and gradient norm over recent "
                                                           "steps (TensorBoard's slider); 0 shows the raw points.",
        "train.log": "Log-scale loss", "train.log.info": "A logarithmic y axis: small changes of a low loss show.",
        "train.xaxis": "x axis", "train.xaxis.info": "By optimizer step, or by epoch (runs of different sizes line up).",
        "train.p.quick": "Quick demo (embedded MiniLM + sample)",
        "train.p.tutorial": "Tutorial recipe (bert-base-cased, yelp_review_full)",
        "train.p.tutorial_off": "Tutorial recipe (bert-base-cased, yelp_review_full) - unavailable offline",
        "train.p.selection": "From the Datasets tab",
        "train.samples": "Watch it write", "train.samples.step": "step", "train.samples.greedy": "greedy",
        "train.samples.sampled": "sampled (top-k 50)", "train.samples.before": "before",
        "train.samples.info": "At each evaluation the model continues the same prompts: greedy picks the likeliest "
                              "token every time, sampled draws one (the same seed each time, so only the model changes).",
        "train.lora_default": "{model} has over 100 M weights: What to train is now lora (adapters on its attention "
                              "layers), which needs far less memory. Choose full to train every weight.",
        "train.res.lm": "A causal LM has no classes: see its perplexity above and what it writes.",
        "train.p.pretrain_gpt": "Pretrain a tiny GPT (offline, a few minutes)",
        "train.p.domain_gpt": "Fine-tune it on one domain (hotel reviews)",
        "train.p.need_pretrain": "Pretrain a tiny GPT first (the preset above): this preset continues from your "
                                 "latest finished pretraining run.",
        "train.limits.parts": "training {on} · max train samples {samples} · max steps {steps} · queue {queue} · "
                              "upload {upload} MB",
        "train.limits.on": "on", "train.limits.off": "off", "train.limits.none": "no limit",
        "train.c.metric": "metric", "train.c.before": "before", "train.c.after": "after", "train.c.change": "change",
        "train.c.label": "label", "train.c.precision": "precision", "train.c.recall": "recall", "train.c.f1": "f1",
        "train.c.support": "support"},
    zh={"train.smooth": "平滑", "train.smooth.info": "对训练 loss 和梯度范数做滑动平均（和 TensorBoard 的滑块一样）；0 显示原始数据点。",
        "train.log": "对数刻度的 loss", "train.log.info": "y 轴取对数：loss 很小时的变化也看得清。",
        "train.xaxis": "横轴", "train.xaxis.info": "按优化步数 (step) 或按轮次 (epoch)：不同长度的运行可以对齐比较。",
        "train.p.quick": "快速演示（内置 MiniLM + 样例数据）",
        "train.p.tutorial": "教程配方（bert-base-cased，yelp_review_full）",
        "train.p.tutorial_off": "教程配方（bert-base-cased，yelp_review_full）——离线时不可用",
        "train.p.selection": "来自“数据集”标签页",
        "train.samples": "看它写字", "train.samples.step": "步", "train.samples.greedy": "贪心 (greedy)",
        "train.samples.sampled": "采样（top-k 50）", "train.samples.before": "训练前",
        "train.samples.info": "每次评估时模型续写同样的提示：贪心每次选最可能的 token，采样则随机抽一个（每次用同一个种子，"
                              "所以变化的只有模型）。",
        "train.lora_default": "{model} 的权重超过 1 亿：“训练哪些参数”已改为 lora（在注意力层上加适配器），所需内存少得多。"
                              "要训练全部权重请选 full。",
        "train.res.lm": "因果语言模型没有类别：请看上面的困惑度和它写出的文字。",
        "train.p.pretrain_gpt": "预训练一个小 GPT（离线，几分钟）",
        "train.p.domain_gpt": "在一个领域上微调它（酒店评论）",
        "train.p.need_pretrain": "请先预训练一个小 GPT（上面的预设）：这个预设从你最近一次完成的预训练运行继续。",
        "train.limits.parts": "训练{on} · 最多训练样本 {samples} · 最多步数 {steps} · 队列 {queue} · 上传 {upload} MB",
        "train.limits.on": "开启", "train.limits.off": "关闭", "train.limits.none": "不限",
        "train.c.metric": "指标", "train.c.before": "微调前", "train.c.after": "微调后", "train.c.change": "变化",
        "train.c.label": "标签", "train.c.precision": "precision", "train.c.recall": "recall", "train.c.f1": "f1",
        "train.c.support": "样本数"},
)


def limits_line(device: str, settings: Settings, lang: str) -> str:
    """The device and the server's limits, in one language (known when the app is built)."""
    def cap(value: int) -> str:
        return msg_in(lang, "train.limits.none") if value <= 0 else str(value)

    limits = msg_in(lang, "train.limits.parts", on=msg_in(lang, "train.limits.on" if settings.training_enabled
                                                                 else "train.limits.off"),
                    samples=cap(settings.max_train_samples), steps=cap(settings.max_steps), queue=settings.max_queue,
                    upload=settings.max_upload_mb)
    return msg_in(lang, "train.limits", device=device, limits=limits)


def preset_choices(request: gr.Request | None = None, online: bool = True) -> list[tuple[str, str]]:
    """The preset dropdown's choices in the visitor's language (the tutorial needs the Hub)."""
    names = {"quick": "train.p.quick", "tutorial": "train.p.tutorial" if online else "train.p.tutorial_off",
             "selection": "train.p.selection", "pretrain_gpt": "train.p.pretrain_gpt", "domain_gpt": "train.p.domain_gpt"}
    return [(msg(names[key], request), key) for key in PRESETS]


def localized_columns(table: pd.DataFrame, request: gr.Request | None = None) -> pd.DataFrame:
    """A results table with its column names in the visitor's language (the data keeps its technical names)."""
    return table.rename(columns={c: msg(f"train.c.{c}", request) for c in table.columns
                                 if f"train.c.{c}" in _COLUMN_KEYS})


_COLUMN_KEYS = {f"train.c.{c}" for c in COMPARE_COLUMNS + PER_CLASS_COLUMNS}


def empty_table(columns, request: gr.Request | None = None) -> pd.DataFrame:
    return localized_columns(pd.DataFrame(columns=list(columns)), request)
