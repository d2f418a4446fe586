"""Classroom helpers: a presentation mode for projectors and a teacher-notes panel per tab."""

from __future__ import annotations

import gradio as gr

from ui.i18n import register, t

TOGGLE_JS = "() => { document.body.classList.toggle('ft-present'); }"

NOTES_EN = {
    "datasets": "Before any training, look at the data. `load_dataset(name, config)` returns a `DatasetDict` of "
                "splits; each split has `features` that say the type of every column. A `ClassLabel` column "
                "stores integers and knows their names, which is why the table shows `positive (1)`. Check the "
                "label balance (a 90/10 split makes 90% accuracy worthless) and the text lengths (they decide "
                "`max_length` on the next tab). Exported script: the `# 1. Data` section.",
    "tokenizer": "A model reads numbers, not words. `AutoTokenizer.from_pretrained` loads the tokenizer that "
                 "was trained with the model; it splits text into tokens, maps them to ids, adds special tokens "
                 "([CLS] ... [SEP] for BERT) and returns an `attention_mask` (1 = real token, 0 = padding). "
                 "Batches need equal lengths: `padding` adds [PAD], `truncation` cuts at `max_length`. GPT-2 has no "
                 "pad token, so we set `pad_token = eos_token`. Exported script: the `# 2. Tokenize` section "
                 "(`dataset.map(tokenize, batched=True)`).",
    "train": "`AutoModelForSequenceClassification` puts a fresh, random classification head on a pretrained "
             "body, so before training its accuracy is chance. `TrainingArguments` holds the recipe (learning "
             "rate, batch size, epochs, `eval_strategy`), `Trainer` runs the loop, and `compute_metrics` turns "
             "predictions into accuracy/F1 with the `evaluate` library. Watch the train loss fall and the eval "
             "loss: if eval loss rises while train loss falls, the model is overfitting. Exported script: "
             "sections `# 3. Model`, `# 4. Metrics` and `# 5. Train`. *Step through one batch* opens the "
             "`Trainer`: one batch through forward, loss, backward and the AdamW step, with the lines of PyTorch.",
    "runs": "Compare runs to learn what each setting does: change one thing (learning rate, max_length, "
            "epochs) and overlay the curves. Try the fine-tuned model next to the base model with its random "
            "head to see what training changed. The exported script is plain Python that runs on its own; "
            "`accelerate launch` runs the same script on several GPUs. *Show code* also gives the loop the "
            "`Trainer` runs, as plain PyTorch and with Accelerate.",
    "model": "A checkpoint is a body (embeddings and a stack of transformer blocks) that `AutoModel` loads on its "
             "own; each `AutoModelFor...` class puts a task head on top. The table is computed on your text: "
             "`last_hidden_state` is one vector per token, a sequence classifier gives `logits` of shape [1, "
             "classes], a token classifier one row per token. A head the checkpoint lacks is *newly initialized*: "
             "random, hence the near-uniform softmax and the warning at `from_pretrained`. What to train: `full` "
             "updates every weight; `head` freezes the body (`requires_grad_(False)`), fast but it learns less; "
             "`last_n_layers` trains the top blocks too; `lora` (peft) adds small low-rank adapters, so a run "
             "saves megabytes instead of the whole model. Exported script: the `# 3. Model` section.",
}
NOTES_ZH = {
    "datasets": "训练之前先看数据。`load_dataset(name, config)` 返回由多个 split 组成的 `DatasetDict`；每个 split 的 "
                "`features` 说明每一列的类型。`ClassLabel` 列存的是整数，同时知道它们的名字，所以表格里显示 "
                "`positive (1)`。检查标签是否均衡（90/10 的数据上 90% 的准确率毫无意义），再看文本长度（它决定下一页的 "
                "`max_length`）。导出脚本：`# 1. Data` 一节。",
    "tokenizer": "模型读的是数字，不是文字。`AutoTokenizer.from_pretrained` 加载与模型一起训练的分词器：把文本切成 token，"
                 "映射成 id，加上特殊 token（BERT 的 [CLS] ... [SEP]），并返回 `attention_mask`（1 = 真实 token，"
                 "0 = 填充）。一个 batch 需要等长：`padding` 补 [PAD]，`truncation` 在 `max_length` 处截断。GPT-2 没有 "
                 "pad token，所以要设置 `pad_token = eos_token`。导出脚本：`# 2. Tokenize` 一节"
                 "（`dataset.map(tokenize, batched=True)`）。",
    "train": "`AutoModelForSequenceClassification` 在预训练模型上接一个新的、随机初始化的分类头，所以训练前的准确率"
             "接近随机。`TrainingArguments` 保存训练配方（学习率、batch size、epoch、`eval_strategy`），`Trainer` "
             "执行训练循环，`compute_metrics` 借助 `evaluate` 库把预测变成 accuracy/F1。观察训练 loss 下降和验证 "
             "loss：如果验证 loss 上升而训练 loss 下降，就是过拟合。导出脚本：`# 3. Model`、`# 4. Metrics` 和 "
             "`# 5. Train` 几节。“逐步演示一个 batch”打开 `Trainer`：一个 batch 依次经过前向传播、loss、反向传播和 "
             "AdamW 更新，并附上对应的 PyTorch 代码。",
    "runs": "对比多次运行来理解每个设置的作用：一次只改一项（学习率、max_length、epoch），再叠加曲线。把微调后的模型"
            "和带随机分类头的基础模型放在一起试，看训练改变了什么。导出的脚本是可以独立运行的 Python；"
            "`accelerate launch` 可以在多块 GPU 上运行同一个脚本。“显示代码”还能给出 `Trainer` 内部的训练循环："
            "普通 PyTorch 版和 Accelerate 版。",
    "model": "检查点是一个主体（嵌入层和一叠 transformer 块），`AutoModel` 单独加载它；每个 `AutoModelFor...` 类在上面"
             "接一个任务头。表格是用你的文本现场算出来的：`last_hidden_state` 是每个 token 一个向量，序列分类器给出形状为 "
             "[1, 类别数] 的 `logits`，token 分类器每个 token 一行。检查点里没有的头是 *新初始化的*：随机的，所以 softmax "
             "接近均匀，`from_pretrained` 也会发出警告。训练哪些参数：`full` 更新所有权重；`head` 冻结主体"
             "（`requires_grad_(False)`），快，但学到的少；`last_n_layers` 同时训练最上面的几层；`lora`（peft）加上小的"
             "低秩适配器，所以一次运行只保存几 MB，而不是整个模型。导出脚本：`# 3. Model` 一节。",
}

register(
    en={"cls.present": "🖥 Presentation mode", "cls.notes": "👩‍🏫 Teacher notes",
        **{f"cls.notes.{k}": v for k, v in NOTES_EN.items()}},
    zh={"cls.present": "🖥 演示模式", "cls.notes": "👩‍🏫 教师笔记",
        **{f"cls.notes.{k}": v for k, v in NOTES_ZH.items()}},
)


def present_button() -> gr.Button:
    """A button that toggles large fonts and charts for a projector (pure browser side, no server call)."""
    btn = gr.Button(t("cls.present"), size="sm", scale=0, min_width=200)
    btn.click(None, js=TOGGLE_JS, api_visibility="private")
    return btn


def teacher_notes(tab: str) -> gr.Accordion:
    """A closed panel explaining a tab's step in a paragraph, pointing at the exported script."""
    with gr.Accordion(t("cls.notes"), open=False) as panel:
        gr.Markdown(t(f"cls.notes.{tab}"))
    return panel
