"""Every training setting, declared once: default, form group, label and help in English and Chinese, bounds or
choices (core.training.setting). TrainConfig (core.training.config) adds the checks; the declaration order is the
Train form's order. Free of torch and transformers.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import sources
from core.data.source import DatasetSource
from core.messages import N_
from core.model.trainable import TRAIN_MODES
from core.task_registry import DEFAULT_TASK, TASK_NAMES
from core.tokenizer.call_settings import MAX_LENGTH_LIMIT
from core.tokenizer.chat_masks import LOSSES
from core.training.metrics import METRICS
from core.training.setting import setting

PADDINGS = ("dynamic", "max_length")
EVAL_STRATEGIES = ("epoch", "steps", "no")
PRECISIONS = ("auto", "fp32", "fp16", "bf16")
BEST_MODEL_METRICS = ("loss", *METRICS)  # what "best" may mean: the lowest eval loss or the highest score
TRACKERS = ("none", "trackio", "tensorboard")  # report_to: where the Trainer also sends its logs
DPO_LOSS_TYPES = ("sigmoid", "ipo", "hinge")  # TRL's DPOConfig.loss_type values offered: DPO, IPO, SLiC
TASKS = TASK_NAMES  # sort texts into classes, or learn to continue a text (GPT-style): core.task_registry
MODEL_SUGGESTIONS = (sources.EMBEDDED_MODEL, "bert-base-cased", "distilbert-base-uncased", "roberta-base",
                     sources.TINY_GPT, "distilgpt2", "HuggingFaceTB/SmolLM2-135M")
LORA_LAYER_SUGGESTIONS = ("query", "key", "value", "dense", "q_proj", "k_proj", "v_proj", "o_proj", "q_lin", "v_lin",
                          "c_attn", "c_proj", "q", "v")
LORA_ALPHA_PER_RANK = 2  # lora_alpha's usual value is twice lora_r (the default 16 for r 8; the Model tab's rule)
CHAT_TEMPLATES = ("model", "chatml")  # sft: the model's own template, or ChatML (core.tokenizer.chat_template)
MAX_SAMPLE_PROMPTS, MAX_PROMPT_CHARS = 4, 200  # the fixed prompts a causal LM run writes from at each evaluation


@dataclass
class TrainFields:
    """The settings of one fine-tuning run, without their checks (TrainConfig adds those)."""

    # ----------------------------------------------------------------- the task
    task: str = setting(
        DEFAULT_TASK, "task", "Task", "任务", choices=TASKS,
        help="classification: sort texts into classes; causal_lm: continue texts; sft: chat; dpo: prefer chosen "
             "answers.",
        help_zh="classification：把文本分到类别里；causal_lm：学会续写文本（GPT 式），用困惑度衡量；"
                "sft：用对话教一个因果语言模型聊天（TRL 的 SFTTrainer）；dpo：让对话模型偏好每一对中的 chosen 回答。")
    block_size: int = setting(
        128, "task", "block_size", "block_size", low=8, high=MAX_LENGTH_LIMIT, step=8, widget="slider",
        hint=N_("e.g. 128 (at most the model's positions)"),
        help="causal_lm: tokens per training example (the context the model learns from).",
        help_zh="causal_lm：每个训练样本的 token 数（模型学习时看到的上下文）。")
    packing: bool = setting(
        True, "task", "packing", "packing",
        help="Rows filled without padding: causal_lm texts cut into block_size chunks, sft conversations joined. "
             "Off: padded.",
        help_zh="causal_lm：把文本拼接后切成满的 block_size 块；sft：每个 max_length 行放几段对话；都不需要补齐。"
                "关闭：每行一条文本，需要补齐。")
    sft_loss: str = setting(
        "assistant_only", "task", "sft: which tokens train", "sft：训练哪些 token", choices=LOSSES,
        help="sft: assistant_only (every answer + its end of turn), completion_only (the last answer) or all "
             "(every token).",
        help_zh="sft：assistant_only（每个回答及其回合结束 token）、completion_only（最后一个回答）或 all"
                "（所有 token，连问题一起）。")
    chat_template: str = setting(
        "model", "task", "sft: chat template", "sft：对话模板", choices=CHAT_TEMPLATES,
        help="sft: the model's own chat template, or ChatML (<|im_start|> ... <|im_end|>, added when missing).",
        help_zh="sft：模型自带的对话模板，或 ChatML（<|im_start|> ... <|im_end|>，带 generation 标记；"
                "缺少这两个 token 时会添加）。")
    only_column: str = setting(
        "", "task", "Only rows where column", "只保留列",
        help="Keep only rows whose only_column equals only_value (e.g. domain = hotels); empty: all.",
        help_zh="只保留 only_column 等于 only_value 的行（例如 'domain' = 'hotels'）；留空：全部。")
    only_value: str = setting(
        "", "task", "... equals", "……等于", help="The value only_column must have for a row to be kept.",
        help_zh="一行被保留时 only_column 必须取的值。")
    sample_prompts: list = setting(
        [], "task", "Sample prompts (separated by |)", "示例提示（用 | 分隔）", widget="prompts",
        help="What the model writes from (causal_lm) or answers (sft) at each evaluation; empty: a few defaults.",
        help_zh="causal_lm：每次评估时模型从这些提示开始写（留空：几条默认提示）；sft：它要回答的问题"
                "（留空：几段留出的对话）。")

    beta: float = setting(
        0.1, "task", "beta (DPO)", "beta（DPO）", low=0.0, high=10.0, low_open=True, step=0.01,
        hint=N_("e.g. 0.1, TRL's default (0.01 to 0.5 is usual)"),
        help="dpo: how far the model may drift from its reference; low lets answers change more (TRL's beta).",
        help_zh="dpo：模型可以偏离参考模型多远；小则回答变化更大，大则保持接近（TRL 的 beta）。")
    loss_type: str = setting(
        "sigmoid", "task", "loss_type (DPO)", "loss_type（DPO）", choices=DPO_LOSS_TYPES,
        help="dpo: sigmoid is DPO's own loss; ipo squares the margin's distance to a target (less overfitting); "
             "hinge is SLiC's.",
        help_zh="dpo：sigmoid 是 DPO 本身的损失；ipo 让间隔接近一个目标值（不易过拟合）；hinge 是 SLiC 的损失。")

    # ----------------------------------------------------------------- data and model
    model: str = setting(
        sources.EMBEDDED_MODEL, "data", "Model", "模型", choices=MODEL_SUGGESTIONS, open_choices=True,
        help="Model to fine-tune: the embedded MiniLM, a Hub id or a local folder.",
        help_zh="要微调的预训练模型：内置的 MiniLM（离线可用）、Hub id 或本地文件夹。")
    dataset: DatasetSource = setting(
        DatasetSource, "", "Dataset", "数据集", help="Where the data comes from (a core.data.DatasetSource).",
        help_zh="数据从哪里来（core.data.DatasetSource）。")
    text_column: str = setting(
        "text", "data", "Text column", "文本列", help="Column holding the text to classify.",
        help_zh="模型读取的文本所在的列。")
    text_pair_column: str = setting(
        "", "data", "Second text column", "第二文本列",
        help="Second text column for sentence-pair tasks (empty: single text).",
        help_zh="句子对任务的第二句（如 glue/mrpc）；留空表示单句。")
    label_column: str = setting(
        "label", "data", "Label column", "标签列", help="Column holding the class (names or ids).",
        help_zh="模型要学会预测的标签所在的列。")
    num_labels: int = setting(
        0, "data", "Number of labels", "类别数", low=0, high=100_000, hint=N_("use 0 to read it from the data"),
        help="Number of classes; 0 reads it from the data (ClassLabel, names or largest id + 1).",
        help_zh="类别个数；0 表示从数据中读取（ClassLabel、标签名或最大 id + 1）。")
    train_split: str = setting(
        "train", "data", "Train split", "训练 split", help="Split the model learns from.", help_zh="用来训练的 split。")
    eval_split: str = setting(
        "test", "data", "Eval split", "评估 split",
        help="Split used to measure the model; empty: carve eval_fraction out of train.",
        help_zh="用来评估的 split；留空则从训练集中按比例分层划出一部分。")
    eval_fraction: float = setting(
        0.2, "data", "Eval fraction", "评估比例", low=0.01, high=0.5, step=0.01, widget="slider",
        hint=N_("e.g. 0.2 keeps a fifth of train for evaluation"),
        help="Share of train held out for evaluation when eval_split is empty.",
        help_zh="没有评估 split 时，从训练集中留出的比例。")
    max_train_samples: int = setting(
        1000, "data", "Max train samples", "最多训练样本", low=0, high=100_000_000,
        hint=N_("use 0 for all rows, e.g. 1000"), help="Train on a random subset of this many rows (0 = all rows).",
        help_zh="最多用多少条训练样本（0 = 全部）：小一点训练更快。")
    max_eval_samples: int = setting(
        500, "data", "Max eval samples", "最多评估样本", low=0, high=100_000_000,
        hint=N_("use 0 for all rows, e.g. 500"), help="Evaluate on a random subset of this many rows (0 = all rows).",
        help_zh="最多用多少条评估样本（0 = 全部）。")

    # ----------------------------------------------------------------- tokenization
    max_length: int = setting(
        128, "tok", "max_length", "max_length", low=8, high=MAX_LENGTH_LIMIT, step=8, widget="slider",
        hint=N_("e.g. 128 (most models take at most 512)"),
        help="Longest input in tokens; longer texts are truncated.",
        help_zh="每条文本最多保留多少个 token，更长的会被截断 (truncation)。")
    padding: str = setting(
        "dynamic", "tok", "padding", "padding", choices=PADDINGS,
        help="dynamic: pad each batch to its longest text; max_length: pad all to max_length.",
        help_zh="dynamic：每个 batch 补齐到其中最长的文本；max_length：都补齐到 max_length。")
    group_by_length: bool = setting(
        True, "tok", "group_by_length", "group_by_length",
        help="Batch texts of similar length together: less padding, about 2x faster on CPU.",
        help_zh="把长度相近的文本放进同一个 batch，减少 padding（CPU 上约快 2 倍）。")

    # ----------------------------------------------------------------- optimisation
    num_train_epochs: float = setting(
        1.0, "optim", "Epochs", "训练轮数 (epochs)", low=0, high=1000, hint=N_("e.g. 1 to 5"),
        help="Passes over the training rows.", help_zh="把整个训练集完整看几遍。")
    max_steps: int = setting(
        -1, "optim", "max_steps", "max_steps", low=-1, high=10_000_000, hint=N_("use -1 to train by epochs"),
        help="Stop after this many optimizer steps; -1 trains for num_train_epochs.",
        help_zh="大于 0 时，训练到这么多步就停止，覆盖 epochs。")
    learning_rate: float = setting(
        5e-5, "optim", "Learning rate", "学习率", low=0, high=0.1, low_open=True, advised=(1e-5, 1e-4),
        help="Step size of AdamW; fine-tuning uses about 1e-5 to 1e-4.",
        help_zh="每一步更新权重的幅度：微调常用 1e-5 到 1e-4。")
    batch_size: int = setting(
        16, "optim", "Batch size", "batch 大小", low=1, high=4096,
        hint=N_("e.g. 8, 16 or 32; lower it if memory runs out"), help="Training rows per device per step.",
        help_zh="每一步训练同时处理多少条样本（每个设备）。")
    eval_batch_size: int = setting(
        32, "optim", "Eval batch size", "评估 batch 大小", low=1, high=8192, hint=N_("e.g. 32"),
        help="Evaluation rows per device per step.", help_zh="评估时每个 batch 的样本数。")
    gradient_accumulation_steps: int = setting(
        1, "optim", "Gradient accumulation", "梯度累积步数", low=1, high=1024, hint=N_("e.g. 1, 2 or 4"),
        help="Sum gradients of this many batches per step (bigger batch, same memory).",
        help_zh="累积几个 batch 的梯度再更新一次：显存不够时模拟更大的 batch。")
    weight_decay: float = setting(
        0.0, "optim", "Weight decay", "权重衰减", low=0.0, high=1.0, hint=N_("e.g. 0.0 or 0.01"),
        help="AdamW weight decay, a mild regulariser (e.g. 0.01).", help_zh="对大权重的惩罚，防止过拟合；0 表示不用。")
    warmup_ratio: float = setting(
        0.0, "optim", "Warm-up ratio", "预热比例", low=0.0, high=1.0, high_open=True, step=0.05, widget="slider",
        help="Share of the steps over which the learning rate ramps up from 0.",
        help_zh="训练开始时学习率从 0 逐渐升高所占的步数比例。")
    precision: str = setting(
        "auto", "optim", "Precision (number format)", "数值精度", choices=PRECISIONS,
        help="Number format: auto (bf16/fp16 on a GPU, fp32 on CPU), fp32, fp16 or bf16.",
        help_zh="auto：GPU 上用混合精度 (fp16/bf16)，CPU 上用 fp32。")
    seed: int = setting(
        42, "optim", "Seed", "随机种子", low=0, high=2**32 - 1, hint=N_("e.g. 42"),
        help="Random seed for shuffling, subsets and the new classifier head.",
        help_zh="相同的种子，相同的数据划分和初始化：结果可复现。")

    # ----------------------------------------------------------------- evaluation, logging and saving
    eval_strategy: str = setting(
        "epoch", "eval", "eval_strategy", "eval_strategy", choices=EVAL_STRATEGIES,
        help="Evaluate while training: every epoch, every eval_steps, or no (end only).",
        help_zh="什么时候评估：每个 epoch 结束时、每隔 eval_steps 步，或 no（只在最后）。")
    eval_steps: int = setting(
        50, "eval", "eval_steps", "eval_steps", low=1, high=1_000_000, hint=N_("e.g. 50"),
        help="Steps between evaluations (and checkpoints) when eval_strategy is steps.",
        help_zh="eval_strategy 为 steps 时，每隔多少步评估一次。")
    logging_steps: int = setting(
        5, "eval", "logging_steps", "logging_steps", low=1, high=100_000,
        hint=N_("e.g. 5 or 10 for a smooth live curve"), help="Steps between two logged points of the loss curve.",
        help_zh="每隔多少步记录一次训练 loss 和学习率。")
    metrics: list = setting(
        list(METRICS), "eval", "Metrics", "评估指标", choices=METRICS, widget="checkboxes",
        help="Scores computed at each evaluation: accuracy, f1, precision, recall.",
        help_zh="每次评估计算哪些指标（evaluate 库）。")
    evaluate_before: bool = setting(
        True, "eval", "Evaluate before training", "训练前先评估",
        help="Evaluate the untrained model first, for a before/after comparison.",
        help_zh="训练前先评估一次，得到微调前的基线。")
    save_model: bool = setting(
        True, "eval", "Save the model", "保存模型", help="Save the final model and tokenizer into the run folder's model/.",
        help_zh="训练结束后保存模型和 tokenizer，供试用和导出。")
    trust_remote_code: bool = setting(
        False, "eval", "trust_remote_code", "trust_remote_code",
        help="Run code shipped with a Hub model; only for models you trust.",
        help_zh="运行模型仓库里的代码：只对你信任的模型打开。")
    run_name: str = setting(
        "", "eval", "Run name", "运行名称", help="A name for the run; it starts the run folder's name (empty: 'run').",
        help_zh="这次训练的名字，显示在运行列表里；留空则自动生成。")

    # ----------------------------------------------------------------- what to train
    train_mode: str = setting(
        "full", "what", "What to train", "训练哪些参数", choices=TRAIN_MODES,
        help="What trains: full (all weights), head (new classifier only), last_n_layers (top blocks + head), lora "
             "(peft).",
        help_zh="full：全部权重 · head：只训练新的分类头（主体冻结） · last_n_layers：最上面几层 + 分类头 · "
                "lora：小的低秩适配器 + 分类头（peft）。")
    train_last_layers: int = setting(
        2, "what", "train_last_layers", "train_last_layers", low=1, high=1000,
        hint=N_("e.g. 2: the top two blocks train"),
        help="With last_n_layers: how many of the top transformer blocks train with the head.",
        help_zh="last_n_layers 时：和分类头一起训练最上面的几个 transformer 块。")
    lora_r: int = setting(
        8, "what", "lora_r (rank)", "lora_r（秩）", low=1, high=1024, hint=N_("e.g. 8"),
        help="LoRA rank: width of the low-rank update per layer (4-16 is typical; more learns more).",
        help_zh="LoRA 的秩：每层低秩更新的宽度（常用 4-16；越大学得越多）。")
    lora_alpha: int = setting(
        8 * LORA_ALPHA_PER_RANK, "what", "lora_alpha", "lora_alpha", low=1, high=100_000,
        hint=N_("e.g. 16, twice lora_r"),
        help="LoRA scale: the update is multiplied by lora_alpha / lora_r (often twice lora_r).",
        help_zh="LoRA 的缩放：更新乘以 lora_alpha / lora_r（常取 lora_r 的两倍）。")
    lora_dropout: float = setting(
        0.1, "what", "lora_dropout", "lora_dropout", low=0.0, high=0.9, step=0.05, widget="slider", hint=N_("e.g. 0.1"),
        help="LoRA dropout: share of the adapter's inputs dropped while training (0 to 0.9).",
        help_zh="LoRA 的 dropout：训练时丢弃适配器输入的比例（0 到 0.9）。")
    lora_target_modules: list = setting(
        [], "what", "lora_target_modules", "lora_target_modules", choices=LORA_LAYER_SUGGESTIONS, open_choices=True,
        help="Layers LoRA adapts, by name (e.g. query, value); empty: the model's default.",
        help_zh="LoRA 适配哪些层，按名字（如 query、value）；留空：模型的默认值。")

    # ----------------------------------------------------------------- the best checkpoint and tracking
    early_stopping_patience: int = setting(
        0, "best", "Early stopping patience", "早停耐心值 (early_stopping_patience)", low=0, high=1000,
        hint=N_("e.g. 2; 0 turns it off"),
        help="Stop when metric_for_best_model has not improved for this many evaluations (0 = off).",
        help_zh="metric_for_best_model 连续这么多次评估都没有变好，就停止训练（0 = 关闭）。")
    load_best_model_at_end: bool = setting(
        False, "best", "Keep the best checkpoint", "保留最佳检查点 (load_best_model_at_end)",
        help="Keep the checkpoint with the best metric_for_best_model as the run's model, not the last one.",
        help_zh="训练结束时用 metric_for_best_model 最好的检查点作为这次运行的模型，而不是最后一个。")
    metric_for_best_model: str = setting(
        "loss", "best", "metric_for_best_model", "metric_for_best_model", choices=BEST_MODEL_METRICS,
        help="What 'best' means: the lowest eval loss, or the highest accuracy, f1, precision or recall.",
        help_zh="“最好”的含义：验证 loss 最低，或 accuracy、f1、precision、recall 最高。")
    report_to: str = setting(
        "none", "best", "report_to", "report_to", choices=TRACKERS,
        help="Also log to trackio or TensorBoard (when installed), into the run folder; none: the app's charts only.",
        help_zh="同时把日志发送到 trackio 或 TensorBoard（需已安装），写在运行文件夹里；none：只用应用自己的图表。")


def lora_alpha_for(rank: int) -> int:
    """The usual LoRA scale for a rank (twice it), as the defaults pair lora_r 8 with lora_alpha 16."""
    return LORA_ALPHA_PER_RANK * int(rank)


if __name__ == "__main__":  # the settings table of docs/engine-api.md, to paste there after a change
    from core.training.setting import settings_markdown

    print(settings_markdown(TrainFields))
