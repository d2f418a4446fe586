"""The Runs tab's words in English and Chinese: its title, labels, help lines, messages and teacher notes.

Each key holds its text in every language side by side: ui/i18n.py gathers the strings modules of ui and refuses a
key that lacks a language. Run-time messages name their `{fields}`, which `msg(key, **fields)` fills.
"""

from __future__ import annotations

STRINGS = {
    "tab.runs": {"en": "{number} · Runs", "zh": "{number} · 运行记录"},
    "runs.intro": {
        "en": "### {number}. Runs, try, export\nEvery run is kept on disk. Compare curves, try a model on your own text "
              "next to the untrained base model, and take the code or the model with you.",
        "zh": "### {number}. 运行记录、试用、导出\n每次运行都保存在磁盘上。比较曲线，用你自己的文本试用模型（与未训练的基础"
              "模型并排），并把代码或模型带走。",
    },
    "runs.refresh": {"en": "Refresh", "zh": "刷新"},
    "runs.table": {"en": "Runs (newest first)", "zh": "运行记录（最新在前）"},
    "runs.compare": {"en": "Compare runs", "zh": "比较运行"},
    "runs.compare.info": {
        "en": "Pick several runs to overlay their curves.",
        "zh": "选几个运行，叠加显示它们的曲线。",
    },
    "runs.acc_plot": {"en": "Eval accuracy", "zh": "评估准确率"},
    "runs.loss_plot": {"en": "Train loss", "zh": "训练 loss"},
    "runs.try_h": {"en": "#### Try it", "zh": "#### 试用"},
    "runs.run": {"en": "Run", "zh": "运行"},
    "runs.run.info": {
        "en": "The run whose model you try, export or delete.",
        "zh": "要试用、导出或删除的运行。",
    },
    "runs.text": {"en": "Text", "zh": "文本"},
    "runs.text.ph": {"en": "Type a sentence to classify", "zh": "输入一句要分类的话"},
    "runs.pair": {"en": "Second text", "zh": "第二段文本"},
    "runs.pair.info": {
        "en": "Only for sentence-pair runs (e.g. glue/mrpc); else leave empty.",
        "zh": "仅用于句子对任务（如 glue/mrpc）；否则留空。",
    },
    "runs.predict": {"en": "Predict", "zh": "预测"},
    "runs.tuned": {"en": "Fine-tuned model", "zh": "微调后的模型"},
    "runs.base": {"en": "Base model (random head)", "zh": "基础模型（随机分类头）"},
    "runs.write_h": {"en": "Try it: make a causal LM run write", "zh": "试用：让因果语言模型运行写字"},
    "runs.prompt": {"en": "Prompt", "zh": "提示 (prompt)"},
    "runs.tokens.info": {
        "en": "How many tokens to add (at most 200).",
        "zh": "要续写多少个 token（最多 200）。",
    },
    "runs.temp.info": {
        "en": "Below 1: safer, more repetitive; above 1: more surprising, less coherent.",
        "zh": "小于 1：更稳妥、更重复；大于 1：更出人意料、更不连贯。",
    },
    "runs.topk.info": {
        "en": "Draw only among the k likeliest next tokens (0: no limit).",
        "zh": "只在最可能的 k 个 token 中抽取（0：不限制）。",
    },
    "runs.topp.info": {
        "en": "Draw among the fewest tokens that together cover this probability (nucleus sampling).",
        "zh": "在累计概率达到这个值的最少 token 中抽取（nucleus 采样）。",
    },
    "runs.greedy": {"en": "Greedy", "zh": "贪心"},
    "runs.greedy.info": {
        "en": "Always take the likeliest token (ignores the three above).",
        "zh": "每次都取最可能的 token（忽略上面三项）。",
    },
    "runs.write": {"en": "Write", "zh": "写"},
    "runs.write_base": {"en": "The model it started from", "zh": "它开始时的模型"},
    "runs.export_h": {"en": "#### Export", "zh": "#### 导出"},
    "runs.gpus": {"en": "GPUs", "zh": "GPU 数"},
    "runs.gpus.info": {
        "en": "Processes for accelerate launch (one per GPU).",
        "zh": "accelerate launch 的进程数（每个 GPU 一个）。",
    },
    "runs.show_code": {"en": "Show code", "zh": "显示代码"},
    "runs.script": {"en": "Standalone Python script (runs as is)", "zh": "独立的 Python 脚本（可直接运行）"},
    "runs.commands": {"en": "accelerate launch (several GPUs)", "zh": "accelerate launch（多 GPU）"},
    "runs.zip": {"en": "Download model (zip)", "zh": "下载模型（zip）"},
    "runs.zip_file": {"en": "Model zip", "zh": "模型 zip"},
    "runs.repo": {"en": "Hub repo", "zh": "Hub 仓库"},
    "runs.repo.ph": {"en": "user/model-name", "zh": "用户名/模型名"},
    "runs.repo.info": {
        "en": "Where to push the model on the Hugging Face Hub (a private repo is created if needed).",
        "zh": "把模型上传到 Hugging Face Hub 的位置（需要时会创建私有仓库）。",
    },
    "runs.token": {"en": "Hugging Face token", "zh": "Hugging Face 访问令牌 (token)"},
    "runs.token.info": {
        "en": "Your write token; leave it empty to use your Hugging Face sign-in (on a Space), or this machine's "
              "HF_TOKEN when the server is private. Used for this upload only, never stored or shown.",
        "zh": "你自己的写权限 token；留空则使用你的 Hugging Face 登录（在 Space 上），或在私有服务器上使用本机的 "
              "HF_TOKEN。只用于这次上传，不会保存或显示。",
    },
    "runs.script_zip": {
        "en": "Download the script (zip, with the data and metrics it reads)",
        "zh": "下载脚本（zip，包含它读取的数据和指标）",
    },
    "runs.script_file": {"en": "Script zip", "zh": "脚本 zip"},
    "runs.admin_h": {"en": "Server owner", "zh": "服务器管理员"},
    "runs.admin_key": {"en": "Admin key", "zh": "管理员密钥"},
    "runs.admin_key.info": {
        "en": "The server's ADMIN_KEY: this session may then stop, resume, delete and push every run.",
        "zh": "服务器的 ADMIN_KEY：之后这个会话可以停止、继续、删除和上传任何运行。",
    },
    "runs.admin_btn": {"en": "Sign in as admin", "zh": "以管理员身份登录"},
    "runs.push": {"en": "Push to Hub", "zh": "上传到 Hub"},
    "runs.delete_h": {"en": "#### Delete", "zh": "#### 删除"},
    "runs.confirm_cb": {"en": "Yes, delete it", "zh": "是的，删除"},
    "runs.confirm_cb.info": {
        "en": "Deleting removes the run folder (model, checkpoints, metrics) for good.",
        "zh": "删除会永久移除运行文件夹（模型、检查点、指标）。",
    },
    "runs.delete": {"en": "Delete run", "zh": "删除运行"},
    "runs.xaxis": {"en": "x axis", "zh": "横轴"},
    "runs.xaxis.info": {
        "en": "By step, or by epoch: runs of different sizes line up.",
        "zh": "按步数 (step) 或按轮次 (epoch)：不同长度的运行可以对齐。",
    },
    "runs.diff": {"en": "Settings that differ between the compared runs", "zh": "所比较的运行之间不同的设置"},
    "runs.lessons_h": {"en": "#### The picked run: what it teaches", "zh": "#### 选中的运行：它教会了什么"},
    "runs.examples_press": {
        "en": "Press the button above to see this run's examples: both models read every eval row once (kept for "
              "next time).",
        "zh": "点上面的按钮查看这个运行的样本：两个模型各把评估集读一遍（结果会保存，下次直接显示）。",
    },
    "runs.examples_btn": {
        "en": "Show its examples (before and after fine-tuning)",
        "zh": "逐条查看它的样本（微调前后）",
    },
    "runs.form": {"en": "Code form", "zh": "代码形式"},
    "runs.form.trainer": {"en": "Trainer", "zh": "Trainer 脚本"},
    "runs.form.loop": {"en": "PyTorch loop", "zh": "PyTorch 循环"},
    "runs.form.accelerate": {"en": "Accelerate loop", "zh": "Accelerate 循环"},
    "runs.form.info": {
        "en": "Trainer: the script as the app trains. PyTorch loop: what the Trainer does, written out. Accelerate "
              "loop: that loop on one or several GPUs (or CPU processes).",
        "zh": "Trainer：与应用训练时相同的脚本。PyTorch 循环：把 Trainer 做的事逐行写出来。Accelerate 循环：同一个循"
              "环，可在一个或多个 GPU（或多个 CPU 进程）上运行。",
    },
    "runs.pushed": {"en": "Pushed to {url}", "zh": "已上传到 {url}"},
    "runs.deleted": {"en": "Deleted run {run_id}.", "zh": "已删除运行 {run_id}。"},
    "runs.confirm": {
        "en": "Tick 'Yes, delete it' first: deleting a run cannot be undone.",
        "zh": "请先勾选“是的，删除”：删除后无法恢复。",
    },
    "runs.pick": {"en": "Choose a run first.", "zh": "请先选择一个运行。"},
    "runs.base_note": {
        "en": "The base model has the same pretrained body but a new, randomly initialised head: its answers are "
              "noise. That difference is what fine-tuning learned.",
        "zh": "基础模型的预训练主体相同，但分类头是新的、随机初始化的：它的回答只是噪声。两者的差别就是微调学到的东"
              "西。",
    },
    "runs.c.setting": {"en": "setting", "zh": "设置"},
    "cls.notes.runs": {  # the teacher notes under the tab (ui.classroom.teacher_notes)
        "en": "Compare runs to learn what each setting does: change one thing (learning rate, max_length, epochs) "
              "and overlay the curves. Try the fine-tuned model next to the base model with its random head to see "
              "what training changed. The exported script is plain Python that runs on its own; `accelerate launch` "
              "runs the same script on several GPUs. *Show code* also gives the loop the `Trainer` runs, as plain "
              "PyTorch and with Accelerate.",
        "zh": "对比多次运行来理解每个设置的作用：一次只改一项（学习率、max_length、epoch），再叠加曲线。把微调后的模"
              "型和带随机分类头的基础模型放在一起试，看训练改变了什么。导出的脚本是可以独立运行的 Python；"
              "`accelerate launch` 可以在多块 GPU 上运行同一个脚本。“显示代码”还能给出 `Trainer` 内部的训练循环：普通"
              " PyTorch 版和 Accelerate 版。",
    },
    # ---- chatrun: Chat with a run (ui/runs/chat.py, chat_views.py)
    "rchat.title": {"en": "Chat with this run, beside its base model", "zh": "和这个运行聊天（与基础模型并排）"},
    "rchat.intro": {
        "en": "Both models read the conversation through the run's chat template, with the generation prompt that asks "
              "for the assistant's turn, and each keeps its own earlier answers. A model taught to chat (an sft run) "
              "answers and stops at its end-of-turn token; its base often rambles on until max_new_tokens.",
        "zh": "两个模型都通过该运行的聊天模板读取对话，并带上请求助手回合的生成提示；各自保留自己之前的回答。学会聊天的"
              "模型（sft 运行）会作答并在回合结束 token 处停下；它的基础模型常常一直写到 max_new_tokens。",
    },
    "rchat.system": {"en": "System turn (optional)", "zh": "系统回合（可选）"},
    "rchat.system.info": {
        "en": "Read first by both models, e.g. 'You are a helpful assistant.'; empty: none.",
        "zh": "两个模型最先读到的内容，例如 'You are a helpful assistant.'；留空则没有。",
    },
    "rchat.run": {"en": "This run", "zh": "这个运行"},
    "rchat.base": {"en": "Its base model", "zh": "它的基础模型"},
    "rchat.message": {"en": "Your message", "zh": "你的消息"},
    "rchat.message.ph": {"en": "Who are you?", "zh": "例如 'Who are you?'（模型读英文）"},
    "rchat.tokens.info": {
        "en": "Most tokens of one answer (at most 200); a chat model stops earlier at its end-of-turn token.",
        "zh": "一次回答最多的 token 数（最多 200）；聊天模型会更早在回合结束 token 处停下。",
    },
    "rchat.greedy.info": {
        "en": "Always take the likeliest token: the same message, the same answer (off: sampled with temperature).",
        "zh": "每次都取最可能的 token：同样的消息得到同样的回答（关闭：按 temperature 采样）。",
    },
    "rchat.send": {"en": "Send", "zh": "发送"},
    "rchat.clear": {"en": "New conversation", "zh": "新对话"},
    "rchat.empty": {"en": "(no words: it ended its turn at once)", "zh": "（没有内容：它立刻结束了回合）"},
    "rchat.side.fine_tuned": {"en": "This run", "zh": "这个运行"},
    "rchat.side.base": {"en": "Its base", "zh": "基础模型"},
    "rchat.stop.end_of_turn": {
        "en": "ended its turn with the end-of-turn token, as a chat model should.",
        "zh": "用回合结束 token 结束了回合，聊天模型就该这样。",
    },
    "rchat.stop.end_of_text": {
        "en": "wrote the end-of-text token instead of the end-of-turn one (a pretrained model's stop).",
        "zh": "写出的是文本结束 token，而不是回合结束 token（预训练模型的停法）。",
    },
    "rchat.stop.length": {
        "en": "was cut at max_new_tokens: it did not end its turn.",
        "zh": "在 max_new_tokens 处被截断：它没有结束回合。",
    },
    "rchat.stop.time": {
        "en": "was stopped by the server's time limit.",
        "zh": "被服务器的时间限制停止。",
    },
    "rchat.dropped": {
        "en": "({count} of the oldest turns were left out to fit what the model reads.)",
        "zh": "（为了放进模型能读的长度，省略了最早的 {count} 个回合。）",
    },
}
