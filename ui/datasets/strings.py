"""The Datasets tab's words in English and Chinese: its title, labels, help lines, messages and teacher notes.

Each key holds its text in every language side by side: ui/i18n.py gathers the strings modules of ui and refuses a
key that lacks a language. Run-time messages name their `{fields}`, which `msg(key, **fields)` fills.
"""

from __future__ import annotations

STRINGS = {
    "tab.datasets": {"en": "{number} · Datasets", "zh": "{number} · 数据集"},
    "ds.intro": {
        "en": "### {number}. Look at the data\nPick a dataset, then read a few random rows before you train on it: what is "
              "the text, what are the labels, how long are the texts?",
        "zh": "### {number}. 看数据\n先选一个数据集，训练前读几行随机样本：文本是什么，标签有哪些，文本有多长？",
    },
    "ds.source": {"en": "Source", "zh": "来源"},
    "ds.source.info": {
        "en": "Where the data comes from: the sample shipped with the app (works offline), a dataset on the Hugging "
              "Face Hub, or your own file.",
        "zh": "数据从哪里来：应用自带的样例（可离线）、Hugging Face Hub 上的数据集，或你自己的文件。",
    },
    "ds.src.sample": {"en": "Embedded sample (offline)", "zh": "内置样例（离线）"},
    "ds.src.prefs": {"en": "Embedded preference pairs (offline, for DPO)", "zh": "内置偏好对（离线，用于 DPO）"},
    "ds.src.hub": {"en": "Hugging Face Hub", "zh": "Hugging Face Hub"},
    "ds.src.file": {"en": "Upload a file", "zh": "上传文件"},
    "ds.hub_id": {"en": "Hub dataset id", "zh": "Hub 数据集 id"},
    "ds.hub_id.info": {
        "en": "The name passed to load_dataset(), e.g. imdb or glue.",
        "zh": "传给 load_dataset() 的名字，例如 imdb 或 glue。",
    },
    "ds.config": {"en": "Config", "zh": "配置 (config)"},
    "ds.config.info": {
        "en": "Some datasets have several configs: glue needs one, e.g. mrpc.",
        "zh": "有些数据集有多个 config：glue 需要指定一个，例如 mrpc。",
    },
    "ds.split": {"en": "Split to load", "zh": "要加载的 split"},
    "ds.split.info": {
        "en": "Empty loads every split (train, test, ...).",
        "zh": "留空则加载所有 split（train、test……）。",
    },
    "ds.file": {"en": "File", "zh": "文件"},
    "ds.file.info": {
        "en": "csv, tsv, json, jsonl or parquet, UTF-8, with a header row.",
        "zh": "csv、tsv、json、jsonl 或 parquet，UTF-8 编码，带表头。",
    },
    "ds.load": {"en": "Load dataset", "zh": "加载数据集"},
    "ds.view_split": {"en": "Split", "zh": "数据划分 (split)"},
    "ds.view_split.info": {"en": "Which split the table and charts show.", "zh": "表格和图表显示哪个 split。"},
    "ds.text_cols": {"en": "Text column(s)", "zh": "文本列"},
    "ds.text_cols.info": {
        "en": "What the model reads; two columns make a sentence pair, as in glue/mrpc.",
        "zh": "模型读取的内容；选两列就是句子对，如 glue/mrpc。",
    },
    "ds.label_col": {"en": "Label column", "zh": "标签列"},
    "ds.label_col.info": {"en": "What the model learns to predict.", "zh": "模型要学会预测的内容。"},
    "ds.n_rows": {"en": "Rows", "zh": "行数"},
    "ds.n_rows.info": {"en": "How many random rows to show (1-50).", "zh": "显示多少条随机样本（1-50）。"},
    "ds.seed": {"en": "Seed", "zh": "随机种子"},
    "ds.seed.info": {
        "en": "Same seed, same rows: change it to see others.",
        "zh": "种子相同，抽到的行相同；换一个看看别的行。",
    },
    "ds.resample": {"en": "Re-sample", "zh": "重新抽样"},
    "ds.sample": {"en": "Random rows (labels shown as their names)", "zh": "随机样本（标签显示为名称）"},
    "ds.schema": {"en": "Features (schema)", "zh": "特征 (features)"},
    "ds.summary": {"en": "Summary", "zh": "概要"},
    "ds.labels_plot": {"en": "Label distribution", "zh": "标签分布"},
    "ds.lengths_plot": {"en": "Text length (words)", "zh": "文本长度（词数）"},
    "ds.offline": {
        "en": "Offline ({reason}): only Hub datasets cached earlier (python app.py --prefetch NAME) load; use the "
              "sample or upload a file.",
        "zh": "离线（{reason}）：只能加载之前缓存过的 Hub 数据集（python app.py --prefetch NAME）；请用内置样例或上传"
              "文件。",
    },
    "ds.loaded": {"en": "Loaded **{name}**: {splits}.", "zh": "已加载 **{name}**：{splits}。"},
    "ds.no_text": {
        "en": "No text column was found: pick the column that holds the text.",
        "zh": "没有找到文本列：请选择存放文本的列。",
    },
    "ds.split_rows": {"en": "{name} {rows} rows", "zh": "{name} {rows} 行"},
    "ds.axis.label": {"en": "label", "zh": "标签 (label)"},
    "ds.axis.rows": {"en": "rows", "zh": "行数"},
    "ds.axis.words": {"en": "words per text", "zh": "每条文本的词数"},
    "ds.presets": {"en": "Tutorial presets: {names}", "zh": "教程预设：{names}"},
    "ds.cached": {"en": ", cached", "zh": "，已缓存"},
    "cls.notes.datasets": {  # the teacher notes under the tab (ui.classroom.teacher_notes)
        "en": "Before any training, look at the data. `load_dataset(name, config)` returns a `DatasetDict` of "
              "splits; each split has `features` that say the type of every column. A `ClassLabel` column stores "
              "integers and knows their names, which is why the table shows `positive (1)`. Check the label balance "
              "(a 90/10 split makes 90% accuracy worthless) and the text lengths (they decide `max_length` on the "
              "next tab). Exported script: the `# 1. Data` section.",
        "zh": "训练之前先看数据。`load_dataset(name, config)` 返回由多个 split 组成的 `DatasetDict`；每个 split 的 "
              "`features` 说明每一列的类型。`ClassLabel` 列存的是整数，同时知道它们的名字，所以表格里显示 `positive "
              "(1)`。检查标签是否均衡（90/10 的数据上 90% 的准确率毫无意义），再看文本长度（它决定下一页的 "
              "`max_length`）。导出脚本：`# 1. Data` 一节。",
    },
    # chatbench: conversational datasets shown as chats (ui/datasets/chat_views.py)
    "ds.chats": {"en": "Sample rows as chats", "zh": "样本行显示为对话"},
    "ds.src.chat": {"en": "Embedded conversations (offline, for SFT)", "zh": "内置对话（离线，用于 SFT）"},
    "dsc.format": {
        "en": "Conversations ({format}); {checked} of {rows} rows checked:",
        "zh": "对话数据（{format}）；已检查 {rows} 行中的 {checked} 行：",
    },
    "dsc.fmt.messages": {"en": "a messages column of role / content turns", "zh": "messages 列，由 role / content 轮次组成"},
    "dsc.fmt.prompt_completion": {"en": "prompt and completion", "zh": "prompt 和 completion"},
    "dsc.fmt.alpaca": {"en": "instruction, input and output (Alpaca)", "zh": "instruction、input 和 output（Alpaca 格式）"},
    "dsc.all_ok": {"en": "every one is a conversation SFT can train on.", "zh": "每一行都是 SFT 可以训练的对话。"},
    "dsc.bad": {
        "en": "fix these rows before training (SFT refuses the data until then): {problems}",
        "zh": "训练前请先修正这些行（修正之前 SFT 会拒绝这份数据）：{problems}",
    },
    "dsc.row": {"en": "row {row}", "zh": "第 {row} 行"},
    # prefs: preference pairs shown as a prompt with its two answers side by side (ui/datasets/pair_views.py)
    "dsp.format": {
        "en": "Preference pairs ({format}); {checked} of {rows} rows checked:",
        "zh": "偏好对数据（{format}）；已检查 {rows} 行中的 {checked} 行：",
    },
    "dsp.fmt.explicit": {"en": "prompt, chosen and rejected", "zh": "prompt、chosen 和 rejected"},
    "dsp.fmt.implicit": {"en": "chosen and rejected that start with their shared prompt",
                         "zh": "chosen 和 rejected，以它们共同的提示开头"},
    "dsp.all_ok": {"en": "every one is a pair DPO can train on.", "zh": "每一行都是 DPO 可以训练的偏好对。"},
    "dsp.bad": {
        "en": "fix these rows before training (DPO refuses the data until then): {problems}",
        "zh": "训练前请先修正这些行（修正之前 DPO 会拒绝这份数据）：{problems}",
    },
    "ds.pairs": {"en": "Sample rows as pairs: the prompt, then the chosen and the rejected answer",
                 "zh": "样本行显示为偏好对：提示，然后是 chosen 和 rejected 两个回答"},
    "dsp.row": {"en": "row {row}", "zh": "第 {row} 行"},
    "dsp.prompt": {"en": "prompt", "zh": "提示（prompt）"},
    "dsp.chosen": {"en": "✓ chosen: the answer to prefer", "zh": "✓ chosen：应当偏好的回答"},
    "dsp.rejected": {"en": "✗ rejected: the answer to avoid", "zh": "✗ rejected：应当避免的回答"},
    "dsp.size": {"en": "{chars} characters", "zh": "{chars} 个字符"},
}
