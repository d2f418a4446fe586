"""The Train tab's words in English and Chinese: its title, labels, help lines, messages and teacher notes
(each setting's label and help are declared on its TrainConfig field, core/training/fields.py; each preset's
name in its registry, core/training/presets.py).

Each key holds its text in every language side by side: ui/i18n.py gathers the strings modules of ui and refuses a
key that lacks a language. Run-time messages name their `{fields}`, which `msg(key, **fields)` fills.
"""

from __future__ import annotations

from core.training.presets import PRESETS

STRINGS = {
    "tab.train": {"en": "{number} · Train", "zh": "{number} · 训练"},
    "train.intro": {
        "en": "### {number}. Fine-tune\nPick a preset or adjust the settings (each says what it does), then press Start and "
              "watch the curves. Every run is saved and can be exported as plain Python.",
        "zh": "### {number}. 微调\n选一个预设或调整设置（每项都说明了作用），然后点“开始”，观察曲线。每次运行都会保存，并可"
              "导出为普通 Python 脚本。",
    },
    "train.limits": {
        "en": "Device: {device} · limits in force: {limits}",
        "zh": "设备：{device} · 当前限制：{limits}",
    },
    "train.preset": {"en": "Preset", "zh": "预设"},
    "train.preset.info": {
        "en": "Quick demo: the embedded MiniLM on the sample, the shortest real run. Tutorial recipe: bert-base-cased "
              "on yelp_review_full (needs the Hub). How long each takes on this machine: Before Start, below the form.",
        "zh": "快速演示：内置 MiniLM + 样例数据，最短的一次真实训练。教程配方：bert-base-cased + yelp_review_full（需要 "
              "Hub）。各自在这台机器上要多久：见表单下方的“开始之前”。",
    },
    "train.preset.offline": {
        "en": "The tutorial recipe needs the Hugging Face Hub, but the app is offline ({reason}).",
        "zh": "教程配方需要 Hugging Face Hub，但应用处于离线状态（{reason}）。",
    },
    "train.preset.max_length": {
        "en": "max_length is {value} (the Tokenizer tab's recommendation from the token statistics), not the "
              "preset's {preset}.",
        "zh": "max_length 为 {value}（来自“分词器”标签页根据 token 统计给出的建议），而不是预设的 {preset}。",
    },
    "train.dataset": {
        "en": "Dataset: **{name}** (change it in the Datasets tab)",
        "zh": "数据集：**{name}**（在“数据集”标签页中更换）",
    },
    "train.config": {
        "en": "Config (JSON): exactly what is saved with the run",
        "zh": "配置 (JSON)：与运行一起保存的内容",
    },
    "train.start": {"en": "Start", "zh": "开始"},
    "train.stop": {"en": "Stop", "zh": "停止"},
    "train.resume": {"en": "Resume", "zh": "继续"},
    "train.started": {"en": "Started {job_id}.", "zh": "已开始 {job_id}。"},
    "train.stopping": {
        "en": "Stopping {job_id} after the current step.",
        "zh": "{job_id} 将在当前步结束后停止。",
    },
    "train.nojob": {"en": "No job to act on: start one first.", "zh": "没有可操作的任务：请先开始一个。"},
    "train.unknown_job": {"en": "Unknown job {job_id!r}: {error}", "zh": "未知的任务 {job_id!r}：{error}"},
    "train.loss": {"en": "Loss", "zh": "损失 (loss)"},
    "train.lr": {"en": "Learning rate", "zh": "学习率"},
    "train.metrics": {"en": "Eval metrics", "zh": "评估指标"},
    "train.speed": {"en": "Throughput", "zh": "吞吐量"},
    "train.compare": {"en": "Before vs after fine-tuning (eval set)", "zh": "微调前后对比（评估集）"},
    "train.confusion": {"en": "Confusion matrix", "zh": "混淆矩阵"},
    "train.per_class": {"en": "Per-class precision and recall", "zh": "每类的 precision 和 recall"},
    "train.st.line": {
        "en": "<b>{state}</b> · {device} · step {step}/{total} · epoch {epoch:.2f} · elapsed {elapsed} · ETA {eta} · "
              "{sps:.1f} samples/s",
        "zh": "<b>{state}</b> · {device} · 第 {step}/{total} 步 · epoch {epoch:.2f} · 已用 {elapsed} · 剩余 {eta} · "
              "每秒 {sps:.1f} 条",
    },
    "train.stage.loading": {
        "en": "Loading the model and preparing the data",
        "zh": "正在加载模型、准备数据",
    },
    "train.stage.baseline": {
        "en": "Evaluating the untrained model (the 'before' point)",
        "zh": "正在评估未训练的模型（“微调前”的那个点）",
    },
    "train.stage.evaluating": {"en": "Evaluating on the eval set", "zh": "正在评估集上评估"},
    "train.stage.final_eval": {
        "en": "Training steps done: final evaluation",
        "zh": "训练步骤已完成：正在做最后一次评估",
    },
    "train.stage.saving": {"en": "Saving the model", "zh": "正在保存模型"},
    "train.stage.results": {
        "en": "Per-example results and the confusion matrix (the fine-tuned and the untrained model read every eval "
              "row)",
        "zh": "正在计算逐条结果和混淆矩阵（微调后的模型和未训练的模型各读一遍评估集）",
    },
    "train.stage.count": {"en": "batch {done}/{total}", "zh": "第 {done}/{total} 批"},
    "train.st.queue": {"en": " · position {pos} in the queue", "zh": " · 排队第 {pos} 位"},
    "train.st.error": {"en": "Training failed: {error}", "zh": "训练失败：{error}"},
    "train.st.none": {
        "en": "No training yet: choose a preset or adjust the settings, then press Start.",
        "zh": "还没有训练：选一个预设或调整设置，然后点“开始”。",
    },
    "train.st.gone": {
        "en": "Job {job_id} is not known any more (the app restarted?): see the Runs tab.",
        "zh": "任务 {job_id} 已不存在（应用重启过？）：请看“运行记录”标签页。",
    },
    "train.res.pending": {
        "en": "shown once this run has finished its final evaluation",
        "zh": "这次运行完成最后一次评估后显示",
    },
    "train.res.noreport": {"en": "No confusion matrix: {reason}", "zh": "没有混淆矩阵：{reason}"},
    "train.smooth": {"en": "Smoothing", "zh": "平滑"},
    "train.smooth.info": {
        "en": "Average the train loss and gradient norm over recent steps (TensorBoard's slider); 0 shows the raw "
              "points.",
        "zh": "对训练 loss 和梯度范数做滑动平均（和 TensorBoard 的滑块一样）；0 显示原始数据点。",
    },
    "train.log": {"en": "Log-scale loss", "zh": "对数刻度的 loss"},
    "train.log.info": {
        "en": "A logarithmic y axis: small changes of a low loss show.",
        "zh": "y 轴取对数：loss 很小时的变化也看得清。",
    },
    "train.xaxis": {"en": "x axis", "zh": "横轴"},
    "train.xaxis.info": {
        "en": "By optimizer step, or by epoch (runs of different sizes line up).",
        "zh": "按优化步数 (step) 或按轮次 (epoch)：不同长度的运行可以对齐比较。",
    },
    "train.p.offline": {"en": "{name} - unavailable offline", "zh": "{name}——离线时不可用"},
    # the presets' names come from their registry (core.training.presets), in both languages
    **{f"train.p.{preset.key}": {"en": preset.name, "zh": preset.name_zh} for preset in PRESETS},
    "train.samples": {"en": "Watch it write", "zh": "看它写字"},
    "train.samples.step": {"en": "step", "zh": "步"},
    "train.samples.greedy": {"en": "greedy", "zh": "贪心 (greedy)"},
    "train.samples.sampled": {"en": "sampled (top-k 50)", "zh": "采样（top-k 50）"},
    "train.samples.before": {"en": "before", "zh": "训练前"},
    "train.answers": {"en": "Watch it answer", "zh": "看它回答"},
    "train.answers.info": {
        "en": "At each evaluation the model answers the same held-out questions (greedy, at most 48 tokens); the "
              "first row is the base model, before training. A chat model must end its turn with the end-of-turn "
              "token, or it rambles on.",
        "zh": "每次评估时模型回答同样的留出问题（贪心解码，最多 48 个 token）；第一行是训练前的基础模型。聊天模型必须用"
              "回合结束 token 结束自己的回合，否则会一直说下去。",
    },
    "train.answers.answer": {"en": "answer", "zh": "回答"},
    "train.answers.stops": {"en": "how it ends", "zh": "怎样结束"},
    "train.answers.base": {"en": "base model", "zh": "基础模型"},
    "train.answers.expected": {"en": "expected: {answer}", "zh": "期望的回答：{answer}"},
    "train.answers.stopped": {"en": "ends its turn ✓", "zh": "结束了回合 ✓"},
    "train.answers.ended_text": {"en": "ends the text, not the turn", "zh": "结束了文本，而不是回合"},
    "train.answers.rambles": {"en": "does not stop (cut at 48 tokens)", "zh": "停不下来（在 48 个 token 处截断）"},
    "train.samples.info": {
        "en": "At each evaluation the model continues the same prompts: greedy picks the likeliest token every time, "
              "sampled draws one (the same seed each time, so only the model changes).",
        "zh": "每次评估时模型续写同样的提示：贪心每次选最可能的 token，采样则随机抽一个（每次用同一个种子，所以变化的"
              "只有模型）。",
    },
    "train.lora_default": {
        "en": "{model} has over 100 M weights: What to train is now lora (adapters on its attention layers), which "
              "needs far less memory. Choose full to train every weight.",
        "zh": "{model} 的权重超过 1 亿：“训练哪些参数”已改为 lora（在注意力层上加适配器），所需内存少得多。要训练全部"
              "权重请选 full。",
    },
    "train.res.lm": {
        "en": "A causal LM has no classes: see its perplexity above and what it writes.",
        "zh": "因果语言模型没有类别：请看上面的困惑度和它写出的文字。",
    },
    "train.p.need_pretrain": {
        "en": "Pretrain a tiny GPT first (the preset above): this preset continues from your latest finished "
              "pretraining run.",
        "zh": "请先预训练一个小 GPT（上面的预设）：这个预设从你最近一次完成的预训练运行继续。",
    },
    "train.p.from_run": {
        "en": "Teach the tiny GPT to chat: SFT (TRL's SFTTrainer) on the embedded conversations, starting from your "
              "pretraining run {run}; it learns to answer in the format and stop at <|im_end|>.",
        "zh": "教小 GPT 聊天：在内置对话上做 SFT（TRL 的 SFTTrainer），从你的预训练运行 {run} 开始；它会学会按格式回答，"
              "并在 <|im_end|> 处停下。",
    },
    "train.p.need_chat": {
        "en": "Teach the tiny GPT to chat first (the preset above): DPO refines a model that already answers, and "
              "this preset starts from your latest finished chat run.",
        "zh": "请先教小 GPT 聊天（上面的预设）：DPO 改进一个已经会回答的模型，这个预设从你最近一次完成的聊天运行开始。",
    },
    "train.p.from_chat": {
        "en": "Prefer polite answers: DPO (TRL's DPOTrainer) on the embedded preference pairs, starting from your chat "
              "run {run} (your latest: the chat log run, if you ran it); each pair's chosen answer is correct, concise "
              "and polite, the rejected one wrong, rambling (the log's \"I hope this helps!\" tail) or rude.",
        "zh": "偏好有礼貌的回答：在内置偏好对上做 DPO（TRL 的 DPOTrainer），从你最近的聊天运行 {run} 开始（如果你跑过聊天记录"
              "运行，就是它）；每对中 chosen 回答正确、简洁、有礼貌，rejected 回答错误、啰嗦（聊天记录里那句“希望这对你有帮助！”"
              "结尾）或粗鲁。",
    },
    "train.p.from_chat_log": {
        "en": "Learn from an unfiltered chat log: SFT on a support log whose every answer ends with the same tail "
              "(\"I hope this helps! Let me know if you have any other questions.\"), starting from your chat run "
              "{run}. Watch it answer: the model picks up the tail. The DPO preset below then removes it.",
        "zh": "从未经筛选的聊天记录学习：在一份客服记录上做 SFT，其中每个回答都以同一句结尾（“希望这对你有帮助！如果还有其他问题，"
              "请随时告诉我。”），从你的聊天运行 {run} 开始。看它回答：模型会学会这句结尾；下面的 DPO 预设再把它去掉。",
    },
    "train.p.from_scratch": {
        "en": "Teach the tiny GPT to chat: SFT on the embedded conversations, starting from the tiny GPT built from a "
              "config (random weights); pretrain it first (the preset above) for answers that read better.",
        "zh": "教小 GPT 聊天：在内置对话上做 SFT，从按配置新建的小 GPT（随机权重）开始；先预训练它（上面的预设），"
              "回答会更通顺。",
    },
    "train.limits.parts": {
        "en": "training {on} · max train samples {samples} · max steps {steps} · queue {queue} · upload {upload} MB",
        "zh": "训练{on} · 最多训练样本 {samples} · 最多步数 {steps} · 队列 {queue} · 上传 {upload} MB",
    },
    "train.limits.on": {"en": "on", "zh": "开启"},
    "train.limits.off": {"en": "off", "zh": "关闭"},
    "train.limits.none": {"en": "no limit", "zh": "不限"},
    "train.c.metric": {"en": "metric", "zh": "指标"},
    "train.c.before": {"en": "before", "zh": "微调前"},
    "train.c.after": {"en": "after", "zh": "微调后"},
    "train.c.change": {"en": "change", "zh": "变化"},
    "train.c.label": {"en": "label", "zh": "标签"},
    "train.c.precision": {"en": "precision", "zh": "precision"},
    "train.c.recall": {"en": "recall", "zh": "recall"},
    "train.c.f1": {"en": "f1", "zh": "f1"},
    "train.c.support": {"en": "support", "zh": "样本数"},
    "step.title": {
        "en": "Step through one batch: what one training step does",
        "zh": "逐步演示一个 batch：一次训练步骤做了什么",
    },
    "step.intro": {
        "en": "Take one batch of the current settings and walk it through a training step, one button per stage. The "
              "model, tokenizer and data are prepared as a run prepares them; it runs on the CPU in a second or two. "
              "Each stage shows the lines of PyTorch that did it (the *Show code* export on the Runs tab has the "
              "whole loop).",
        "zh": "用当前设置取一个 batch，按阶段走完一次训练步骤，每个阶段一个按钮。模型、分词器和数据的准备方式与真正的"
              "训练完全相同；在 CPU 上运行，一两秒即可。每个阶段都显示完成这一步的 PyTorch 代码（“运行记录”标签页的"
              "“显示代码”可导出完整的训练循环）。",
    },
    "step.batch": {"en": "1 · Batch", "zh": "1 · 批次 (batch)"},
    "step.forward": {"en": "2 · Forward", "zh": "2 · 前向传播"},
    "step.loss": {"en": "3 · Loss", "zh": "3 · 损失 (loss)"},
    "step.backward": {"en": "4 · Backward", "zh": "4 · 反向传播"},
    "step.step": {"en": "5 · Optimizer step", "zh": "5 · 优化器更新"},
    "step.after": {"en": "6 · Loss after the step", "zh": "6 · 更新后的 loss"},
    "step.again": {"en": "Start again", "zh": "重新开始"},
    "step.table": {"en": "Numbers", "zh": "数值"},
    "step.chart": {"en": "Chart", "zh": "图表"},
    "step.code": {"en": "The PyTorch lines", "zh": "PyTorch 代码"},
    "step.h.batch": {
        "en": "**Batch**: {rows} rows × {length} tokens ({share:.0%} padding), drawn from {train} training rows. "
              "`input_ids` are the token ids, `attention_mask` is 1 for a real token and 0 for padding, `labels` the "
              "classes ({counts}). With group_by_length the Trainer's first batch is its longest, so running out of "
              "memory shows at once.",
        "zh": "**批次 (batch)**：{rows} 行 × {length} 个 token（{share:.0%} 是 padding），取自 {train} 行训练数据。"
              "`input_ids` 是 token id，`attention_mask` 对真实 token 为 1、对 padding 为 0，`labels` 是类别（"
              "{counts}）。开启 group_by_length 时，Trainer 的第一个 batch 是最长的，这样显存不够会立刻暴露。",
    },
    "step.h.forward": {
        "en": "**Forward**: the model turns each row into one logit per class: logits of shape {shape}. Softmax "
              "makes them chances that sum to 1. The new head is random, so the guesses are near {chance:.0%} each.",
        "zh": "**前向传播**：模型把每一行变成每个类别一个 logit：logits 的形状是 {shape}。softmax 把它们变成加起来为 "
              "1 的概率。新的分类头是随机的，所以每个类别的概率都接近 {chance:.0%}。",
    },
    "step.h.loss": {
        "en": "**Loss** = {loss:.4f}: cross-entropy, the mean over the rows of −log(chance the model gave the row's "
              "true class); by hand {by_hand:.4f}. Guessing evenly gives ln({classes}) = {guessing:.4f}.",
        "zh": "**损失 (loss)** = {loss:.4f}：交叉熵，即对每一行取 −log(模型给真实类别的概率) 再求平均；手算结果 "
              "{by_hand:.4f}。平均乱猜的 loss 是 ln({classes}) = {guessing:.4f}。",
    },
    "step.h.accumulate": {
        "en": " With gradient_accumulation_steps = {n} the Trainer divides it by {n} and adds up {n} batches' "
              "gradients before one step.",
        "zh": " 当 gradient_accumulation_steps = {n} 时，Trainer 把它除以 {n}，并累加 {n} 个 batch 的梯度后才更新一"
              "次。",
    },
    "step.h.backward": {
        "en": "**Backward**: `loss.backward()` gives every weight a gradient: which way, and how much, it should "
              "move to lower the loss. Total norm {total:.4f}{clip}; the chart shows it per layer (the new head and "
              "the layers next to it get the largest).",
        "zh": "**反向传播**：`loss.backward()` 给每个权重一个梯度：它该往哪个方向、移动多少才能降低 loss。总范数 "
              "{total:.4f}{clip}；图表按层显示（新的分类头和靠近它的层梯度最大）。",
    },
    "step.h.clipped": {
        "en": ", above {max_norm}, so the Trainer scales all gradients down to norm {max_norm}",
        "zh": "，超过 {max_norm}，所以 Trainer 把所有梯度按比例缩小到范数 {max_norm}",
    },
    "step.h.unclipped": {
        "en": ", below the Trainer's clipping threshold of {max_norm}",
        "zh": "，低于 Trainer 的裁剪阈值 {max_norm}",
    },
    "step.h.step": {
        "en": "**Optimizer step** with learning rate {lr:.2e} (the next step uses {next_lr:.2e}). AdamW moves each "
              "weight by about the learning rate in its first step, whatever the gradient's size: the chart shows "
              "each layer's change relative to its weights. Embeddings move least: only the rows of tokens in this "
              "batch got a gradient.",
        "zh": "**优化器更新**，学习率 {lr:.2e}（下一步用 {next_lr:.2e}）。AdamW 的第一步让每个权重移动大约一个学习"
              "率，与梯度大小无关：图表显示每层的变化相对于其权重的大小。Embedding 变化最小：只有这个 batch 中出现的"
              "token 那几行有梯度。",
    },
    "step.h.warmup": {
        "en": " The warm-up starts at a learning rate of 0: this first step moves nothing.",
        "zh": " 预热 (warm-up) 从学习率 0 开始：这第一步什么也没有改变。",
    },
    "step.h.after": {
        "en": "**The same batch after one step**, with the same dropout: loss {before:.4f} → {after:.4f} "
              "({change:+.4f}). {verdict}",
        "zh": "**更新一步之后的同一个 batch**（相同的 dropout）：loss {before:.4f} → {after:.4f}（{change:+.4f}）。"
              "{verdict}",
    },
    "step.h.lower": {
        "en": "One step on this batch already fits it better.",
        "zh": "只更新一步，模型就已经更贴合这个 batch 了。",
    },
    "step.h.higher": {
        "en": "Not lower: a learning rate that is too high (or 0 during warm-up) does this.",
        "zh": "没有降低：学习率太高（或预热期间为 0）就会这样。",
    },
    "step.notes": {"en": "Limits: {notes}.", "zh": "限制：{notes}。"},
    "train.step": {"en": "Measure one training step", "zh": "测量一个训练步"},
    "train.step.info": {
        "en": "Times one real step (forward, backward, AdamW) at this batch size and length on random tokens, then "
              "multiplies by the planned steps.",
        "zh": "用随机 token、按这个 batch 大小和长度实际跑一步（前向、反向、AdamW）计时，再乘以计划的步数。",
    },
    "cls.notes.train": {  # the teacher notes under the tab (ui.classroom.teacher_notes)
        "en": "`AutoModelForSequenceClassification` puts a fresh, random classification head on a pretrained body, "
              "so before training its accuracy is chance. `TrainingArguments` holds the recipe (learning rate, batch "
              "size, epochs, `eval_strategy`), `Trainer` runs the loop, and `compute_metrics` turns predictions into "
              "accuracy/F1 with the `evaluate` library. Watch the train loss fall and the eval loss: if eval loss "
              "rises while train loss falls, the model is overfitting. Exported script: sections `# 3. Model`, `# 4. "
              "Metrics` and `# 5. Train`. *Step through one batch* opens the `Trainer`: one batch through forward, "
              "loss, backward and the AdamW step, with the lines of PyTorch.",
        "zh": "`AutoModelForSequenceClassification` 在预训练模型上接一个新的、随机初始化的分类头，所以训练前的准确率"
              "接近随机。`TrainingArguments` 保存训练配方（学习率、batch 大小、epoch、`eval_strategy`），`Trainer` 执"
              "行训练循环，`compute_metrics` 借助 `evaluate` 库把预测变成 accuracy/F1。观察训练 loss 下降和验证 "
              "loss：如果验证 loss 上升而训练 loss 下降，就是过拟合。导出脚本：`# 3. Model`、`# 4. Metrics` 和 `# 5. "
              "Train` 几节。“逐步演示一个 batch”打开 `Trainer`：一个 batch 依次经过前向传播、loss、反向传播和 AdamW "
              "更新，并附上对应的 PyTorch 代码。",
    },
    # zh (issue 26, item 8): Step through's tables, charts and code comments in the visitor's language (step_views)
    "stepv.c.label": {"en": "label", "zh": "标签"},
    "stepv.c.tokens": {"en": "tokens", "zh": "token 数"},
    "stepv.c.padding": {"en": "padding", "zh": "padding 数"},
    "stepv.c.first tokens": {"en": "first tokens", "zh": "前几个 token"},
    "stepv.c.first ids": {"en": "first ids", "zh": "前几个 id"},
    "stepv.c.predicted": {"en": "predicted", "zh": "预测"},
    "stepv.c.chance of label": {"en": "chance of label", "zh": "真实标签的概率"},
    "stepv.c.−log(chance)": {"en": "−log(chance)", "zh": "−log(概率)"},
    "stepv.c.layer": {"en": "layer", "zh": "层"},
    "stepv.c.gradient norm": {"en": "gradient norm", "zh": "梯度范数"},
    "stepv.c.weights": {"en": "weights", "zh": "权重数"},
    "stepv.c.‖change‖": {"en": "‖change‖", "zh": "‖变化‖"},
    "stepv.c.change / ‖weights‖": {"en": "change / ‖weights‖", "zh": "变化 / ‖权重‖"},
    "stepv.c.mean |change| per weight": {"en": "mean |change| per weight", "zh": "每个权重的平均 |变化|"},
    "stepv.c.chance before": {"en": "chance before", "zh": "更新前的概率"},
    "stepv.c.chance after": {"en": "chance after", "zh": "更新后的概率"},
    "stepv.row": {"en": "row {i} ({label})", "zh": "第 {i} 行（{label}）"},
    "stepv.mask": {"en": "attention_mask (1 = token, 0 = padding)", "zh": "attention_mask（1 = token，0 = padding）"},
    "stepv.grad_title": {"en": "gradient norm per layer (before clipping)", "zh": "每层的梯度范数（裁剪前）"},
    "stepv.grad_axis": {"en": "‖gradient‖", "zh": "‖梯度‖"},
    "stepv.moved_title": {"en": "how much each layer moved (‖change‖ / ‖weights‖)",
                          "zh": "每层移动了多少（‖变化‖ / ‖权重‖）"},
    "stepv.moved_axis": {"en": "relative change", "zh": "相对变化"},
    "stepv.before": {"en": "before", "zh": "更新前"},
    "stepv.after": {"en": "after", "zh": "更新后"},
    "stepv.loss_title": {"en": "loss on this batch", "zh": "这个 batch 上的 loss"},
}
