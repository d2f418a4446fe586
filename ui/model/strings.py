"""The Model tab's words in English and Chinese: its title, labels, help lines, messages and teacher notes.

Each key holds its text in every language side by side: ui/i18n.py gathers the strings modules of ui and refuses a
key that lacks a language. Run-time messages name their `{fields}`, which `msg(key, **fields)` fills.
"""

from __future__ import annotations

STRINGS = {
    "tab.model": {"en": "{number} · Model", "zh": "{number} · 模型"},
    "model.intro": {
        "en": "### {number}. Look inside the model\nThe same checkpoint can be loaded under many `AutoModel*` classes: one "
              "body, a different head on top. Load a model, run a text through every head and see what each one "
              "outputs, which weights it had to make up, and what trains in each mode.",
        "zh": "### {number}. 看看模型内部\n同一个检查点可以用许多 `AutoModel*` 类加载：主体相同，顶上的“头”不同。加载一个模"
              "型，把一段文本送进每一个头，看看它们各输出什么、哪些权重是新造的，以及每种训练方式训练哪些参数。",
    },
    "model.name": {"en": "Model", "zh": "模型"},
    "model.name.info": {
        "en": "The embedded MiniLM (offline), a Hub id (bert-base-uncased, gpt2, t5-small; online only) or, on your "
              "own machine, a local folder.",
        "zh": "内置的 MiniLM（离线可用）、Hub id（bert-base-uncased、gpt2、t5-small；需联网），或在你自己的电脑上使用"
              "本地文件夹。",
    },
    "model.load": {"en": "Load", "zh": "加载"},
    "model.tree": {"en": "Module tree (parameters per block)", "zh": "模块树（每一块的参数量）"},
    "model.text": {"en": "Text", "zh": "文本"},
    "model.text.info": {
        "en": "What every head reads (the Tokenizer tab's text follows here).",
        "zh": "每个头读取的文本（“分词器”标签页的文本会同步到这里）。",
    },
    "model.mask": {"en": "Text with a [MASK]", "zh": "带 [MASK] 的文本"},
    "model.mask.info": {
        "en": "For the masked-LM head: which word fits the gap?",
        "zh": "给掩码语言模型头：哪个词适合填这个空？",
    },
    "model.run": {"en": "Run through every head", "zh": "送进每一个头"},
    "model.heads": {
        "en": "Every head on this text (computed, not copied)",
        "zh": "这段文本经过每一个头（现场计算，不是抄来的）",
    },
    "model.probs": {
        "en": "Untrained classification head: softmax(logits)",
        "zh": "未训练的分类头：softmax(logits)",
    },
    "model.guesses": {
        "en": "Masked-LM head: top guesses for [MASK]",
        "zh": "掩码语言模型头：对 [MASK] 的前几个猜测",
    },
    "model.wtt": {"en": "What to train", "zh": "训练哪些参数"},
    "modv.config": {
        "en": "**{summary}**\n\n| setting | value |\n|---|---|\n| architecture | `{architecture}` ({kind}) |\n| layers "
              "(transformer blocks) | {layers} |\n| hidden size | {hidden} |\n| attention heads per layer | {heads} "
              "|\n| feed-forward size | {ffn} |\n| vocabulary | {vocab} |\n| maximum positions | {positions} |\n| "
              "parameters | {params} |",
        "zh": "**{summary}**\n\n| 设置 | 值 |\n|---|---|\n| 架构 | `{architecture}`（{kind}） |\n| 层数（transformer 块） | "
              "{layers} |\n| 隐藏层大小 | {hidden} |\n| 每层注意力头数 | {heads} |\n| 前馈层大小 | {ffn} |\n| 词表大"
              "小 | {vocab} |\n| 最大位置数 | {positions} |\n| 参数量 | {params} |",
    },
    "modv.tree_total": {"en": "{cls}: {params} parameters in total", "zh": "{cls}：共 {params} 个参数"},
    "modv.none_new": {"en": "none: every weight comes from the checkpoint", "zh": "没有：所有权重都来自检查点"},
    "modv.new": {"en": "{names} ({count} weights)", "zh": "{names}（{count} 个权重）"},
    "modv.new_note": {
        "en": "**Newly initialized** means the checkpoint has no weights for that part, so `from_pretrained` made "
              "them up at random and warned: *Some weights of {cls} were not initialized from the model checkpoint "
              "... You should probably TRAIN this model on a down-stream task*. A new head knows nothing until it is "
              "trained; the body it sits on keeps what pretraining taught it.",
        "zh": "**新初始化** 的意思是：检查点里没有这部分的权重，所以 `from_pretrained` 随机生成"
              "了它们，并给出警告：`Some weights of {cls} were not initialized from the model checkpoint ... You "
              "should probably TRAIN this model on a down-stream task`。新的头在训练之前什么都不知道；它下面的主体保"
              "留了预训练学到的东西。",
    },
    "modv.probs": {
        "en": "An untrained classification head on {tokens} tokens: softmax(logits) is close to uniform (1/{classes} "
              "= {uniform:.2f} each). It knows nothing yet: that is what fine-tuning changes.",
        "zh": "一个未训练的分类头（输入 {tokens} 个 token）：softmax(logits) 接近均匀分布（每类约 1/{classes} = "
              "{uniform:.2f}）。它还什么都不知道：微调改变的正是这一点。",
    },
    "modv.unsupported": {"en": "—", "zh": "—"},
    "cls.notes.model": {  # the teacher notes under the tab (ui.classroom.teacher_notes)
        "en": "A checkpoint is a body (embeddings and a stack of transformer blocks) that `AutoModel` loads on its "
              "own; each `AutoModelFor...` class puts a task head on top. The table is computed on your text: "
              "`last_hidden_state` is one vector per token, a sequence classifier gives `logits` of shape [1, "
              "classes], a token classifier one row per token. A head the checkpoint lacks is *newly initialized*: "
              "random, hence the near-uniform softmax and the warning at `from_pretrained`. What to train: `full` "
              "updates every weight; `head` freezes the body (`requires_grad_(False)`), fast but it learns less; "
              "`last_n_layers` trains the top blocks too; `lora` (peft) adds small low-rank adapters, so a run saves "
              "megabytes instead of the whole model. Exported script: the `# 3. Model` section.",
        "zh": "检查点是一个主体（嵌入层和一叠 transformer 块），`AutoModel` 单独加载它；每个 `AutoModelFor...` 类在上"
              "面接一个任务头。表格是用你的文本现场算出来的：`last_hidden_state` 是每个 token 一个向量，序列分类器给"
              "出形状为 [1, 类别数] 的 `logits`，token 分类器每个 token 一行。检查点里没有的头是 *新初始化的*：随机"
              "的，所以 softmax 接近均匀，`from_pretrained` 也会发出警告。训练哪些参数：`full` 更新所有权重；`head` "
              "冻结主体（`requires_grad_(False)`），快，但学到的少；`last_n_layers` 同时训练最上面的几层；`lora`（"
              "peft）加上小的低秩适配器，所以一次运行只保存几 MB，而不是整个模型。导出脚本：`# 3. Model` 一节。",
    },
}
