"""The training form: one widget per TrainConfig field, its labels in two languages, and the
conversions form values <-> config dict. The help line (info=) of every field is TrainConfig's own."""

from __future__ import annotations

import gradio as gr

from core import sources
from core.model.trainable import TRAIN_MODES
from core.training.config import (BEST_MODEL_METRICS, EVAL_STRATEGIES, PADDINGS, PRECISIONS, TASKS, TRACKERS,
                                  TrainConfig)
from core.training.metrics import METRICS
from ui.i18n import register, t
from ui.state import Selection

MODEL_CHOICES = [sources.EMBEDDED_MODEL, "bert-base-cased", "distilbert-base-uncased", "roberta-base", sources.TINY_GPT,
                 "distilgpt2", "HuggingFaceTB/SmolLM2-135M"]

# field -> (English label, Chinese label, Chinese help); the English help comes from TrainConfig.field_help()
FIELDS: dict[str, tuple[str, str, str]] = {
    "run_name": ("Run name", "运行名称", "这次训练的名字，显示在运行列表里；留空则自动生成。"),
    "model": ("Model", "模型", "要微调的预训练模型：内置的 MiniLM（离线可用）、Hub id 或本地文件夹。"),
    "text_column": ("Text column", "文本列", "模型读取的文本所在的列。"),
    "text_pair_column": ("Second text column", "第二文本列", "句子对任务的第二句（如 glue/mrpc）；留空表示单句。"),
    "label_column": ("Label column", "标签列", "模型要学会预测的标签所在的列。"),
    "train_split": ("Train split", "训练 split", "用来训练的 split。"),
    "eval_split": ("Eval split", "评估 split", "用来评估的 split；留空则从训练集中按比例分层划出一部分。"),
    "eval_fraction": ("Eval fraction", "评估比例", "没有评估 split 时，从训练集中留出的比例。"),
    "num_labels": ("Number of labels", "类别数", "类别个数；0 表示从数据中读取（ClassLabel、标签名或最大 id + 1）。"),
    "max_train_samples": ("Max train samples", "最多训练样本", "最多用多少条训练样本（0 = 全部）：小一点训练更快。"),
    "max_eval_samples": ("Max eval samples", "最多评估样本", "最多用多少条评估样本（0 = 全部）。"),
    "max_length": ("max_length", "max_length", "每条文本最多保留多少个 token，更长的会被截断 (truncation)。"),
    "padding": ("padding", "padding", "dynamic：每个 batch 补齐到其中最长的文本；max_length：都补齐到 max_length。"),
    "group_by_length": ("group_by_length", "group_by_length", "把长度相近的文本放进同一个 batch，减少 padding（CPU 上约快 2 倍）。"),
    "num_train_epochs": ("Epochs", "训练轮数 (epochs)", "把整个训练集完整看几遍。"),
    "max_steps": ("max_steps", "max_steps", "大于 0 时，训练到这么多步就停止，覆盖 epochs。"),
    "learning_rate": ("Learning rate", "学习率", "每一步更新权重的幅度：微调常用 2e-5 到 5e-5。"),
    "batch_size": ("Batch size", "Batch 大小", "每一步训练同时处理多少条样本（每个设备）。"),
    "eval_batch_size": ("Eval batch size", "评估 batch 大小", "评估时每个 batch 的样本数。"),
    "gradient_accumulation_steps": ("Gradient accumulation", "梯度累积步数",
                                    "累积几个 batch 的梯度再更新一次：显存不够时模拟更大的 batch。"),
    "weight_decay": ("Weight decay", "权重衰减", "对大权重的惩罚，防止过拟合；0 表示不用。"),
    "warmup_ratio": ("Warm-up ratio", "预热比例", "训练开始时学习率从 0 逐渐升高所占的步数比例。"),
    "eval_strategy": ("eval_strategy", "eval_strategy", "什么时候评估：每个 epoch 结束时、每隔 eval_steps 步，或 no（只在最后）。"),
    "eval_steps": ("eval_steps", "eval_steps", "eval_strategy 为 steps 时，每隔多少步评估一次。"),
    "logging_steps": ("logging_steps", "logging_steps", "每隔多少步记录一次训练 loss 和学习率。"),
    "seed": ("Seed", "随机种子", "相同的种子，相同的数据划分和初始化：结果可复现。"),
    "metrics": ("Metrics", "评估指标", "每次评估计算哪些指标（evaluate 库）。"),
    "precision": ("Precision (number format)", "数值精度",
                  "auto：GPU 上用混合精度 (fp16/bf16)，CPU 上用 fp32。"),
    "evaluate_before": ("Evaluate before training", "训练前先评估", "训练前先评估一次，得到微调前的基线。"),
    "save_model": ("Save the model", "保存模型", "训练结束后保存模型和 tokenizer，供试用和导出。"),
    "trust_remote_code": ("trust_remote_code", "trust_remote_code",
                          "运行模型仓库里的代码：只对你信任的模型打开。"),
    "early_stopping_patience": ("Early stopping patience", "早停耐心值 (early_stopping_patience)",
                                "metric_for_best_model 连续这么多次评估都没有变好，就停止训练（0 = 关闭）。"),
    "load_best_model_at_end": ("Keep the best checkpoint", "保留最佳检查点 (load_best_model_at_end)",
                               "训练结束时用 metric_for_best_model 最好的检查点作为这次运行的模型，而不是最后一个。"),
    "metric_for_best_model": ("metric_for_best_model", "metric_for_best_model",
                              "“最好”的含义：验证 loss 最低，或 accuracy、f1、precision、recall 最高。"),
    "report_to": ("report_to", "report_to",
                  "同时把日志发送到 trackio 或 TensorBoard（需已安装），写在运行文件夹里；none：只用应用自己的图表。"),
    "train_mode": ("What to train", "训练哪些参数", "full：全部权重 · head：只训练新的分类头（主体冻结） · "
                   "last_n_layers：最上面几层 + 分类头 · lora：小的低秩适配器 + 分类头（peft）。"),
    "train_last_layers": ("train_last_layers", "train_last_layers", "last_n_layers 时：和分类头一起训练最上面的几个 transformer 块。"),
    "lora_r": ("lora_r (rank)", "lora_r（秩）", "LoRA 的秩：每层低秩更新的宽度（常用 4-16；越大学得越多）。"),
    "lora_alpha": ("lora_alpha", "lora_alpha", "LoRA 的缩放：更新乘以 lora_alpha / lora_r（常取 lora_r 的两倍）。"),
    "lora_dropout": ("lora_dropout", "lora_dropout", "LoRA 的 dropout：训练时丢弃适配器输入的比例（0 到 0.5）。"),
    "lora_target_modules": ("lora_target_modules", "lora_target_modules",
                            "LoRA 适配哪些层，按名字（如 query、value）；留空：模型的默认值。"),
    "task": ("Task", "任务", "classification：把文本分到类别里；causal_lm：学会续写文本（GPT 式），用困惑度衡量。"),
    "block_size": ("block_size", "block_size", "causal_lm：每个训练样本的 token 数（模型学习时看到的上下文）。"),
    "packing": ("packing", "packing", "causal_lm：把文本拼接后切成满的 block_size 块（无 padding）；关闭：每行一条文本，需要补齐。"),
    "only_column": ("Only rows where column", "只保留列", "只保留 only_column 等于 only_value 的行（例如 domain = hotels）；留空：全部。"),
    "only_value": ("... equals", "……等于", "一行被保留时 only_column 必须取的值。"),
    "sample_prompts": ("Sample prompts (separated by |)", "示例提示（用 | 分隔）",
                       "causal_lm：每次评估时模型从这些提示开始写（留空：几条默认提示）。"),
}
LORA_LAYER_CHOICES = ["query", "key", "value", "dense", "q_proj", "k_proj", "v_proj", "o_proj", "q_lin", "v_lin",
                      "c_attn", "c_proj", "q", "v"]

_help = TrainConfig.field_help()
register(
    en={"train.g.task": "Task: classify texts, or learn to write them", "train.g.data": "Data and model", "train.g.tok": "Tokenization", "train.g.optim": "Optimisation",
        "train.g.eval": "Evaluation, logging and saving", "train.g.best": "The best checkpoint and tracking",
        "train.g.what": "What to train",
        **{f"train.f.{k}": v[0] for k, v in FIELDS.items()},
        **{f"train.h.{k}": _help.get(k, v[0]) for k, v in FIELDS.items()}},
    zh={"train.g.task": "任务：给文本分类，或学会写文本", "train.g.data": "数据和模型", "train.g.tok": "分词 (Tokenization)", "train.g.optim": "优化",
        "train.g.eval": "评估、日志和保存", "train.g.best": "最佳检查点和实验跟踪", "train.g.what": "训练哪些参数",
        **{f"train.f.{k}": v[1] for k, v in FIELDS.items()},
        **{f"train.h.{k}": v[2] for k, v in FIELDS.items()}},
)


def _widget(name: str, value):
    kw = {"label": t(f"train.f.{name}"), "info": t(f"train.h.{name}"), "value": value}
    if name == "model":
        return gr.Dropdown(choices=MODEL_CHOICES, allow_custom_value=True, **kw)
    if name in ("padding", "eval_strategy", "precision", "metric_for_best_model", "report_to", "train_mode", "task"):
        choices = {"padding": PADDINGS, "eval_strategy": EVAL_STRATEGIES, "precision": PRECISIONS, "task": TASKS,
                   "metric_for_best_model": BEST_MODEL_METRICS, "report_to": TRACKERS, "train_mode": TRAIN_MODES}[name]
        return gr.Radio(choices=list(choices), **kw)
    if name == "lora_target_modules":  # empty: the model's default (shown in the estimate and the exported script)
        return gr.Dropdown(choices=LORA_LAYER_CHOICES, multiselect=True, allow_custom_value=True, **kw)
    if name == "metrics":
        return gr.CheckboxGroup(choices=list(METRICS), **kw)
    if isinstance(value, bool):
        return gr.Checkbox(**kw)
    if name in ("max_length", "block_size"):
        return gr.Slider(8, 512, step=8, **kw)
    if name == "sample_prompts":
        return gr.Textbox(**{**kw, "value": prompts_text(value)})
    if name == "lora_dropout":
        return gr.Slider(0.0, 0.5, step=0.05, **kw)
    if name in ("eval_fraction", "warmup_ratio"):
        return gr.Slider(0.0 if name == "warmup_ratio" else 0.05, 0.5, step=0.05, **kw)
    if isinstance(value, (int, float)):
        return gr.Number(precision=0 if isinstance(value, int) else None, **kw)
    return gr.Textbox(**kw)


GROUPS = (
    ("train.g.task", ("task", "block_size", "packing", "only_column", "only_value", "sample_prompts")),
    ("train.g.data", ("model", "text_column", "text_pair_column", "label_column", "num_labels", "train_split",
                      "eval_split", "eval_fraction", "max_train_samples", "max_eval_samples")),
    ("train.g.tok", ("max_length", "padding", "group_by_length")),
    ("train.g.optim", ("num_train_epochs", "max_steps", "learning_rate", "batch_size", "eval_batch_size",
                       "gradient_accumulation_steps", "weight_decay", "warmup_ratio", "precision", "seed")),
    ("train.g.eval", ("eval_strategy", "eval_steps", "logging_steps", "metrics", "evaluate_before",
                      "save_model", "trust_remote_code", "run_name")),
    ("train.g.what", ("train_mode", "train_last_layers", "lora_r", "lora_alpha", "lora_dropout",
                      "lora_target_modules")),
    ("train.g.best", ("early_stopping_patience", "load_best_model_at_end", "metric_for_best_model", "report_to")),
)
FIELD_ORDER = tuple(name for _, names in GROUPS for name in names)


def build_form(config: dict) -> dict[str, gr.components.Component]:
    """Widgets for every field, grouped in accordions; returns field name -> component."""
    widgets = {}
    for group, names in GROUPS:
        with gr.Accordion(t(group), open=group in ("train.g.task", "train.g.data", "train.g.what")):
            with gr.Row(equal_height=False):
                for name in names:
                    widgets[name] = _widget(name, config[name])
    return widgets


def values_to_config(dataset: dict, values) -> dict:
    """The config dict a set of form values (in FIELD_ORDER) describes."""
    cfg = dict(zip(FIELD_ORDER, values))
    for name in ("num_labels", "max_train_samples", "max_eval_samples", "max_steps", "batch_size", "eval_batch_size",
                 "gradient_accumulation_steps", "eval_steps", "logging_steps", "seed", "max_length",
                 "early_stopping_patience", "train_last_layers", "lora_r", "lora_alpha", "block_size"):
        if cfg.get(name) is not None:
            cfg[name] = int(cfg[name])
    for name in ("text_pair_column", "eval_split", "run_name", "only_column", "only_value"):
        cfg[name] = (cfg.get(name) or "").strip()
    cfg["dataset"] = dataset
    return cfg


def config_to_values(cfg: dict) -> list:
    """Form values (in FIELD_ORDER) showing a config dict."""
    return [prompts_text(cfg[name]) if name == "sample_prompts" else cfg[name] for name in FIELD_ORDER]


def prompts_text(prompts) -> str:
    """sample_prompts in one textbox: "The hotel | The food" (TrainConfig splits it again)."""
    return " | ".join(prompts) if isinstance(prompts, (list, tuple)) else str(prompts or "")


def config_from_selection(selection: Selection | None, base: dict) -> dict:
    """Prefill from what the Datasets and Tokenizer tabs picked: dataset, columns, splits, max_length."""
    cfg = dict(base)
    if selection is None:
        return cfg
    cfg["dataset"] = selection.source.to_dict()
    texts = list(selection.text_columns)
    if texts:
        cfg["text_column"] = texts[0]
        cfg["text_pair_column"] = texts[1] if len(texts) > 1 else ""
    if selection.label_column:
        cfg["label_column"] = selection.label_column
    splits = [name for name, _ in selection.splits]
    if splits:
        cfg["train_split"] = "train" if "train" in splits else splits[0]
        cfg["eval_split"] = next((s for s in ("test", "validation", "valid", "dev") if s in splits), "")
    if selection.recommended_max_length:
        cfg["max_length"] = int(selection.recommended_max_length)
    return cfg
