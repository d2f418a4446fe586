"""The Tokenizer tab's words in English and Chinese: its title, labels, help lines, messages and teacher notes.

Each key holds its text in every language side by side: ui/i18n.py gathers the strings modules of ui and refuses a
key that lacks a language. Run-time messages name their `{fields}`, which `msg(key, **fields)` fills.
"""

from __future__ import annotations

from core.tokenizer.call_settings import EncodeSettings

_HELP = EncodeSettings.field_help()  # a tokenizer(...) setting's English help is EncodeSettings' own
# setting -> its Chinese help; a setting's label is its own name in both languages
SETTINGS_ZH = {
    "padding": "False：不补齐 · 'longest'（= True）：补齐到这个 batch 里最长的序列 · 'max_length'：每一行都补齐到 max_length",
    "truncation": "False：保留所有 token · True（'longest_first'）：先截断句子对中较长的那句 · 'only_first' / "
                  "'only_second'：只截断句子对中的那一句",
    "max_length": "截断到、以及 padding='max_length' 补齐到的长度（含特殊 token）；None：模型的最大长度",
    "add_special_tokens": "加上模型的标记，例如开头的 [CLS] 和结尾的 [SEP]（BERT）",
    "return_attention_mask": "同时返回 attention mask：真实 token 为 1，模型应忽略的 padding 为 0",
    "return_token_type_ids": "同时返回句子编号：第一句为 0，第二句为 1（BERT 类模型）",
    "padding_side": "padding 放在哪边：右边（BERT、分类）或左边（生成文本的解码器模型）；默认：tokenizer 自己的设置",
    "return_tensors": "'pt'（PyTorch）或 'np'（NumPy）张量，显示其形状；none：普通 Python 列表",
}

STRINGS = {
    "tab.tokenizer": {"en": "{number} · Tokenizer", "zh": "{number} · 分词器"},
    "tok.intro": {
        "en": "### {number}. See what the tokenizer does\nType a text (and a pair), change padding, truncation and special "
              "tokens, and watch the tokens, ids and masks the model will get.",
        "zh": "### {number}. 看看分词器做了什么\n输入一段文本（和第二句），改变 padding、truncation 和特殊 token，看模型将得"
              "到的 token、id 和 mask。",
    },
    "tok.name": {"en": "Tokenizer", "zh": "分词器"},
    "tok.name.info": {
        "en": "The embedded MiniLM (offline), a Hub id (bert-base-cased, gpt2, distilbert-base-uncased; online "
              "only), a local folder, or one trained below (trained/NAME).",
        "zh": "内置的 MiniLM（离线可用）、Hub id（bert-base-cased、gpt2、distilbert-base-uncased；需联网）、本地文件"
              "夹，或下面训练的（`trained/名字`）。",
    },
    "tok.fix": {
        "en": "Apply the fix: tokenizer.pad_token = tokenizer.eos_token",
        "zh": "应用修复：tokenizer.pad_token = tokenizer.eos_token",
    },
    "tok.text": {"en": "Text", "zh": "文本"},
    "tok.default_text": {"en": "Hello world! Tokenizers split text into pieces.",
                         "zh": "你好，世界！分词器把文本切成一个个小块。"},
    "tok.text.info": {
        "en": "What to tokenize; in batch mode one text per line.",
        "zh": "要分词的内容；批量模式下每行一条。",
    },
    "tok.pair": {"en": "Text pair", "zh": "第二句"},
    "tok.pair.info": {
        "en": "Optional second text (like sentence2 in glue/mrpc); in batch mode one per line, as many lines as the "
              "text.",
        "zh": "可选的第二句（如 glue/mrpc 的 sentence2）；批量模式下每行一条，行数与文本相同。",
    },
    "tok.batch": {"en": "Batch mode", "zh": "批量模式"},
    "tok.batch.info": {
        "en": "One text per line, tokenized together as a batch (padding 'longest' needs a batch).",
        "zh": "每行一条文本，作为一个 batch 一起分词（padding 'longest' 需要 batch）。",
    },
    "tok.settings": {"en": "tokenizer(...) settings", "zh": "tokenizer(...) 参数"},
    "tok.run": {"en": "Tokenize", "zh": "分词"},
    "tok.notes": {"en": "What happened", "zh": "发生了什么"},
    "tok.table": {"en": "Tokens", "zh": "token 表"},
    "tok.decoded": {"en": "Round trip: decode(input_ids)", "zh": "还原：decode(input_ids)"},
    "tok.code": {"en": "The same in Python", "zh": "对应的 Python 代码"},
    "tok.dataset": {"en": "On the dataset", "zh": "在数据集上"},
    "tok.n_rows": {"en": "Rows", "zh": "行数"},
    "tok.n_rows.info": {
        "en": "How many random rows of the loaded split to tokenize with the settings above (1-50).",
        "zh": "用上面的参数对已加载 split 的多少条随机样本分词（1-50）。",
    },
    "tok.rows": {"en": "Tokenize random rows", "zh": "对随机样本分词"},
    "tok.stats": {"en": "Token length statistics", "zh": "token 长度统计"},
    "tok.use_rec": {"en": "Use the recommended max_length here", "zh": "在这里使用推荐的 max_length"},
    "tok.bpe": {
        "en": "Train your own tokenizer (byte-level BPE, like GPT-2)",
        "zh": "训练你自己的分词器（字节级 BPE，和 GPT-2 一样）",
    },
    "tok.bpe_name": {"en": "Name", "zh": "名字"},
    "tok.bpe_name.info": {
        "en": "Letters, digits, - and _; saved as a normal tokenizer folder.",
        "zh": "字母、数字、- 和 _；保存为普通的 tokenizer 文件夹。",
    },
    "tok.bpe_vocab": {"en": "Vocabulary size", "zh": "词表大小"},
    "tok.bpe_vocab.info": {
        "en": "How many tokens it learns: more means longer pieces and shorter sequences.",
        "zh": "学多少个 token：越多，片段越长，序列越短。",
    },
    "tok.train": {"en": "Train on the dataset's text", "zh": "在数据集文本上训练"},
    "tok.compare": {"en": "Compare two tokenizers on the text above", "zh": "用上面的文本比较两个分词器"},
    "tok.cmp_a": {"en": "Tokenizer A", "zh": "分词器 A"},
    "tok.cmp_b": {"en": "Tokenizer B", "zh": "分词器 B"},
    "tok.cmp_run": {"en": "Compare", "zh": "比较"},
    "tokh.shape": {"en": "**Shape:** {shape}", "zh": "**形状：** {shape}"},
    "tokh.pad_failed": {"en": "**Padding failed.** {error}", "zh": "**填充失败。** {error}"},
    "tokh.no_eos": {
        "en": " This tokenizer has no eos token either: turn padding off.",
        "zh": " 这个分词器也没有 eos token：请关闭 padding。",
    },
    "tokh.no_recommendation": {
        "en": "No recommendation yet: compute the token length statistics first",
        "zh": "还没有推荐值：请先计算 token 长度统计",
    },
    "tokh.smaller": {
        "en": " (asked {asked}: this text has fewer merges to learn)",
        "zh": "（请求的是 {asked}：这些文本可学习的合并更少）",
    },
    "tokh.trained": {
        "en": "Trained **{name}** in {seconds} s on {texts} texts: vocab size {vocab}{smaller}. Pick it as `{name}` "
              "anywhere a tokenizer is asked for. Like GPT-2 it has no pad token: try padding='longest' in batch "
              "mode to see why that fails, then apply the fix.",
        "zh": "已训练 **{name}**，用时 {seconds} 秒，{texts} 段文本：词表大小 {vocab}{smaller}。在需要分词器的地方选 "
              "`{name}` 即可使用。和 GPT-2 一样，它没有 pad token：在批量模式下试试 padding='longest'，看看为什么会失"
              "败，然后应用修复。",
    },
    "tokh.training_off": {
        "en": "Training is switched off on this server (TRAINING_ENABLED=0), tokenizers included",
        "zh": "这台服务器关闭了训练（TRAINING_ENABLED=0），包括训练分词器",
    },
    "tokh.too_many": {
        "en": "{count} tokenizers are saved already: retrain one of yours by name",
        "zh": "已经保存了 {count} 个分词器：请按名称重新训练你自己的某一个",
    },
    "tokh.vocab_whole": {
        "en": "vocab_size={value!r} must be a whole number, e.g. 4000",
        "zh": "vocab_size={value!r} 必须是整数，例如 4000",
    },
    "tokv.no_notes": {
        "en": "No warnings: these settings do what they say.",
        "zh": "没有警告：这些设置的效果与字面意思一致。",
    },
    "tokv.legend.token": {"en": "an ordinary token", "zh": "普通 token"},
    "tokv.chip.special": {"en": "[special]", "zh": "[特殊]"},
    "tokv.chip.pad": {"en": "[pad]", "zh": "[填充]"},
    "tokv.legend.special": {"en": "added by the tokenizer", "zh": "分词器添加的"},
    "tokv.legend.pad": {"en": "padding: attention mask 0", "zh": "填充：attention mask 为 0"},
    "tokv.legend.hover": {"en": "hover a token for its id", "zh": "鼠标悬停在 token 上可查看 id"},
    "tokv.seq": {
        "en": "sequence {index}{row} · {count} tokens{more}",
        "zh": "序列 {index}{row} · {count} 个 token{more}",
    },
    "tokv.row": {"en": " · dataset row {row}", "zh": " · 数据集第 {row} 行"},
    "tokv.first": {"en": " (first {shown} shown)", "zh": "（显示前 {shown} 个）"},
    "tokv.fast": {"en": "fast (Rust `tokenizers`)", "zh": "fast（Rust `tokenizers`）"},
    "tokv.slow": {"en": "slow (Python)", "zh": "slow（Python）"},
    "tokv.not_set": {"en": "not set", "zh": "未设置"},
    "tokv.summary": {
        "en": "**{cls}** · {kind} · vocab size **{vocab}** · model_max_length **{limit}** · padding side "
              "**{padding_side}** · truncation side **{truncation_side}**",
        "zh": "**{cls}** · {kind} · 词表大小 **{vocab}** · model_max_length **{limit}** · padding 方向 "
              "**{padding_side}** · truncation 方向 **{truncation_side}**",
    },
    "tokv.side.right": {"en": "right", "zh": "右侧"},
    "tokv.side.left": {"en": "left", "zh": "左侧"},
    "tokv.axis.tokens": {"en": "tokens per row (special tokens included)", "zh": "每行的 token 数（含特殊 token）"},
    "tokv.axis.rows": {"en": "rows", "zh": "行数"},
    "tokv.compare": {
        "en": "{name}: {count} tokens for {words} words{more}",
        "zh": "{name}：{count} 个 token，对应 {words} 个词{more}",
    },
    "tokv.unknown": {"en": " · {count} unknown", "zh": " · {count} 个未知"},
    "tokv.exact.yes": {"en": "yes", "zh": "是"},
    "tokv.exact.no": {
        "en": "no (the tokenizer normalises case, accents or spaces, or truncation cut it)",
        "zh": "否（分词器规范化了大小写、重音或空格，或者 truncation 截掉了一部分）",
    },
    "tokv.exact.unchecked": {
        "en": "not checked (only the first {shown} tokens are decoded here)",
        "zh": "未检查（这里只解码前 {shown} 个 token）",
    },
    "tokv.exact": {"en": "gives the input back exactly: {exact}", "zh": "能否完全还原输入：{exact}"},
    "tokv.more": {
        "en": "... and {count} more sequences (see the table).",
        "zh": "……还有 {count} 个序列（见表格）。",
    },
    "tokv.no_pad": {
        "en": "**No pad token.** Like GPT-2, this tokenizer cannot pad a batch until it has one: try padding to see "
              "the error, then apply the fix.",
        "zh": "**没有 pad token。** 和 GPT-2 一样，这个分词器在有 pad token 之前无法填充一个批次：先试试 padding 看看"
              "报错，再应用修复。",
    },
    "tokv.sample": {
        "en": "a random sample of {measured} of {rows} rows",
        "zh": "随机抽取的 {measured} 行（共 {rows} 行）",
    },
    "tokv.all": {"en": "all {rows} rows", "zh": "全部 {rows} 行"},
    "tokv.stats": {
        "en": "Over {measured} of `{columns}`: mean {mean}, median {p50}, 95th percentile {p95}, longest {longest} "
              "tokens.\n\nmax_length **{m}** would truncate **{share}** of rows ({truncated}).\n\nRecommended "
              "max_length: **{recommended}** (covers 95% of rows, a multiple of 8, at most the model's maximum); the "
              "Train tab can use it.",
        "zh": "在 `{columns}` 的{measured}上：平均 {mean}，中位数 {p50}，95 分位 {p95}，最长 {longest} 个 token。\n\n"
              "max_length **{m}** 会截断 **{share}** 的行（{truncated} 行）。\n\n推荐的 max_length："
              "**{recommended}**（覆盖 95% 的行，取 8 的倍数，不超过模型最大长度）；“训练”标签页可以直接使用。",
    },
    # the chat-template lesson (ui/tokenizer/chat.py, chat_views.py)
    "chat.title": {"en": "Chat template: which tokens does SFT train on?", "zh": "聊天模板：SFT 训练哪些 token？"},
    "chat.intro": {
        "en": "A chat model reads a conversation as one text laid out by its **chat template** (turn markers, role "
              "names, an end-of-turn token). Edit the turns, choose the loss, and see each token coloured by its "
              "turn: **bold and outlined** tokens are trained, faded ones are masked (labels -100), exactly as TRL's "
              "`SFTTrainer` trains them.",
        "zh": "聊天模型把一段对话当作一个文本来读，由它的**聊天模板**排布（轮次标记、角色名、轮次结束 token）。编辑各轮对"
              "话、选择损失，看每个 token 按所属轮次着色：**加粗带框**的 token 参与训练，变淡的被屏蔽（labels -100），"
              "与 TRL 的 `SFTTrainer` 完全一致。",
    },
    "chat.tokenizer": {"en": "Chat model or tokenizer", "zh": "聊天模型或分词器"},
    "chat.tokenizer.info": {
        "en": "embedded/tiny-gpt (ChatML, offline), packaged/SmolLM2-135M-Instruct (after --prefetch, or online), "
              "a Hub id, or any tokenizer of the tab (one without a template is shown with ChatML).",
        "zh": "embedded/tiny-gpt（ChatML，离线可用）、packaged/SmolLM2-135M-Instruct（--prefetch 之后，或联网）、"
              "Hub id，或本页的任何分词器（没有模板的用 ChatML 显示）。",
    },
    "chat.loss": {"en": "Loss on", "zh": "损失计算范围"},
    "chat.loss.info": {
        "en": "all: every token · completion_only: the last answer (prompt / completion data) · assistant_only: "
              "every assistant turn (needs {% generation %} markers in the template)",
        "zh": "`all`：所有 token · completion_only：最后一个回答（prompt / completion 数据）· assistant_only：每个 "
              "assistant 轮次（模板中需要 {% generation %} 标记）",
    },
    "chat.max_length": {"en": "max_length", "zh": "max_length"},
    "chat.max_length.info": {
        "en": "Tokens kept per conversation (the start); a row left with no trained token is dropped.",
        "zh": "每段对话保留的 token 数（从开头算）；没有任何训练 token 的行会被丢弃。",
    },
    "chat.turns": {"en": "Conversation (role: system, user or assistant)", "zh": "对话（role：system、user 或 assistant）"},
    "chat.generation": {"en": "add_generation_prompt", "zh": "add_generation_prompt"},
    "chat.generation.info": {
        "en": "Show the text with the header that asks for the assistant's next turn (what generation starts from).",
        "zh": "显示加上请求助手下一轮回答的开头后的文本（生成从这里开始）。",
    },
    "chat.show": {"en": "Show the tokens", "zh": "显示 token"},
    "chat.text": {"en": "The text the model reads", "zh": "模型读到的文本"},
    "chatv.cut": {"en": "cut by max_length", "zh": "被 max_length 截掉"},
    "chatv.title": {"en": "position {pos} · id {id} · {role} · label {label}",
                    "zh": "位置 {pos} · id {id} · {role} · label {label}"},
    "chatv.count": {"en": "{trained} of {total} tokens trained ({kept} kept by max_length)",
                    "zh": "{total} 个 token 中训练 {trained} 个（max_length 保留 {kept} 个）"},
    "chatv.role.system": {"en": "system", "zh": "system"},
    "chatv.role.user": {"en": "user", "zh": "user"},
    "chatv.role.assistant": {"en": "assistant", "zh": "assistant"},
    "chatv.role.template": {"en": "template markup", "zh": "模板标记"},
    "chatv.trained": {"en": "trained", "zh": "训练"},
    "chatv.masked": {"en": "masked (-100)", "zh": "屏蔽（-100）"},
    "chatv.special": {"en": "**Special tokens of the template**", "zh": "**模板中的特殊 token**"},
    "chatv.nospecial": {"en": "This template adds no special tokens.", "zh": "这个模板没有加入特殊 token。"},
    "chatv.ok": {"en": "✅ Nothing to fix: the answers and their end-of-turn token are trained.",
                 "zh": "✅ 无需修复：回答及其轮次结束 token 都会被训练。"},
    **{f"tok.s.{name}": {"en": name, "zh": name} for name in SETTINGS_ZH},
    **{f"tok.h.{name}": {"en": _HELP[name], "zh": zh} for name, zh in SETTINGS_ZH.items()},
    "cls.notes.tokenizer": {  # the teacher notes under the tab (ui.classroom.teacher_notes)
        "en": "A model reads numbers, not words. `AutoTokenizer.from_pretrained` loads the tokenizer that was "
              "trained with the model; it splits text into tokens, maps them to ids, adds special tokens ([CLS] ... "
              "[SEP] for BERT) and returns an `attention_mask` (1 = real token, 0 = padding). Batches need equal "
              "lengths: `padding` adds [PAD], `truncation` cuts at `max_length`. GPT-2 has no pad token, so we set "
              "`pad_token = eos_token`. Exported script: the `# 2. Tokenize` section (`dataset.map(tokenize, "
              "batched=True)`).",
        "zh": "模型读的是数字，不是文字。`AutoTokenizer.from_pretrained` 加载与模型一起训练的分词器：把文本切成 "
              "token，映射成 id，加上特殊 token（BERT 的 [CLS] ... [SEP]），并返回 `attention_mask`（1 = 真实 token，"
              "0 = 填充）。一个 batch 需要等长：`padding` 补 [PAD]，`truncation` 在 `max_length` 处截断。GPT-2 没有 "
              "pad token，所以要设置 `pad_token = eos_token`。导出脚本：`# 2. Tokenize` 一节（`dataset.map(tokenize, "
              "batched=True)`）。",
    },
}
