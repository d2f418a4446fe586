"""The words of ui's shared helpers in English and Chinese: the page title, presentation mode and teacher
notes, lessons, charts, errors, the visitor's identity, the Before Start estimate.

Each key holds its text in every language side by side: ui/i18n.py gathers the strings modules of ui and refuses a
key that lacks a language. Run-time messages name their `{fields}`, which `msg(key, **fields)` fills.
"""

from __future__ import annotations

TITLE = "Fine-tune Studio"

STRINGS = {
    "app.title": {
        "en": f"# 🎓 {TITLE}\nLook at the data, see what the tokenizer does, look inside the model, fine-tune, "
              "watch the curves, try the model, export the code.",
        "zh": f"# 🎓 {TITLE}（微调工作室）\n看数据，看分词器做了什么，看模型内部，微调，看曲线，试模型，导出代码。",
    },
    "cls.present": {"en": "🖥 Presentation mode", "zh": "🖥 演示模式"},
    "cls.notes": {"en": "👩‍🏫 Teacher notes", "zh": "👩‍🏫 教师笔记"},
    "lessons.h": {"en": "#### What this run teaches", "zh": "#### 这次运行教会了什么"},
    "lessons.none": {"en": "No problem found in the curves.", "zh": "曲线里没有发现问题。"},
    "lessons.live": {"en": "While it trains:", "zh": "训练进行中："},
    "lessons.live_none": {
        "en": "While it trains: nothing to flag in the curves so far.",
        "zh": "训练进行中：到目前为止曲线里没有需要注意的问题。",
    },
    "lessons.empty": {
        "en": "What a run teaches (its curves in plain words) appears here once it trains.",
        "zh": "运行开始训练后，这里会用平实的话说明它的曲线教会了什么。",
    },
    "lessons.fix": {"en": "Try again with {name} = {value}", "zh": "改成 {name} = {value} 再试一次"},
    "lessons.fix.info": {
        "en": "Each button fills the Train form with this run's settings and exactly that one change.",
        "zh": "每个按钮都会把这次运行的设置填进“训练”表单，只改这一项。",
    },
    "lessons.filled": {
        "en": "The form now holds run {run_id} with {name} = {value} (one setting changed, the run named {run_name}): "
              "press Start and compare the two runs on the Runs tab.",
        "zh": "表单里现在是运行 {run_id} 的设置，只改了 {name} = {value}（新运行名为 {run_name}）：点“开始”，然后在“运行记录”"
              "标签页比较两次运行。",
    },
    "lessons.theirs": {
        "en": "This run learned from another visitor's own file: its settings stay theirs.",
        "zh": "这个运行是用另一位访客自己的文件训练的：它的设置只属于他们。",
    },
    "ex.h": {"en": "#### Example by example (eval set)", "zh": "#### 逐条查看（评估集）"},
    "ex.filter": {"en": "Show", "zh": "显示"},
    "ex.filter.info": {
        "en": "Fixed: wrong before fine-tuning, right after. Broken: right before, wrong after.",
        "zh": "修正：微调前错、微调后对。弄错：微调前对、微调后错。",
    },
    "ex.f.all": {"en": "all rows", "zh": "全部样本"},
    "ex.f.fixed": {"en": "fixed by fine-tuning", "zh": "被微调修正的"},
    "ex.f.broken": {"en": "broken by it", "zh": "被微调弄错的"},
    "ex.f.still_wrong": {"en": "still wrong", "zh": "仍然错误的"},
    "ex.f.confident_mistakes": {"en": "most confident mistakes", "zh": "最有把握的错误"},
    "ex.cell": {"en": "Confusion-matrix cell", "zh": "混淆矩阵的格子"},
    "ex.cell.info": {
        "en": "true -> predicted: the rows of one cell of the matrix.",
        "zh": "真实 -> 预测：矩阵中一个格子里的样本。",
    },
    "ex.counts": {
        "en": "Of {total} eval rows, fine-tuning **fixed {fixed}** (wrong -> right) and **broke {broken}** (right -> "
              "wrong); {still_wrong} are still wrong and {still_right} still right.",
        "zh": "在 {total} 条评估样本中，微调**修正了 {fixed} 条**（错 -> 对），**弄错了 {broken} 条**（对 -> 错）；"
              "{still_wrong} 条仍然错误，{still_right} 条一直正确。",
    },
    "ex.shown": {"en": " Showing {shown} of {matched}.", "zh": " 显示 {matched} 条中的 {shown} 条。"},
    "ex.withheld": {
        "en": "The texts stay with the visitor who uploaded this run's data; here are the counts.",
        "zh": "这些文本属于上传这份数据的访客；这里只显示数量。",
    },
    "ex.none": {
        "en": "Per-example results appear when a run with a saved model has finished.",
        "zh": "带保存模型的运行结束后，这里会显示逐条结果。",
    },
    "ex.notask": {
        "en": "This run's task has no classes, so there is nothing to get right or wrong example by example: read "
              "what it writes instead (Watch it write, Try it).",
        "zh": "这个运行的任务没有类别，所以没有逐条的对错可看：请看它写出的文字（看它写字、试一试）。",
    },
    "ex.c.row": {"en": "row", "zh": "行"},
    # dpo: a DPO run's held-out pairs, before and after (core.results.dpo_report)
    "ex.pairs.counts": {
        "en": "Held-out pairs, margin = log p(chosen) - log p(rejected) before training (step {before_step}) and "
              "after (step {after_step}): **{flipped}** flipped to the chosen answer, **{still_wrong}** still prefer "
              "the rejected one, **{broken}** broken, **{still_right}** right before and after. The model prefers the "
              "chosen answer in {share_before} of them before, {share_after} after; the reward margin is beta times "
              "how far the margin moved.",
        "zh": "留出的偏好对，间隔 = log p(chosen) - log p(rejected)，训练前（第 {before_step} 步）和训练后"
              "（第 {after_step} 步）：**{flipped}** 对翻转为偏好 chosen，**{still_wrong}** 对仍偏好 rejected，"
              "**{broken}** 对被弄反，**{still_right}** 对前后都对。模型偏好 chosen 的比例：训练前 {share_before}，"
              "训练后 {share_after}；奖励间隔是 beta 乘以间隔移动的距离。"},
    "ex.pairs.answers": {"en": "**Its own answers** to held-out prompts, before → after:",
                         "zh": "**模型自己的回答**（留出的提示），训练前 → 训练后："},
    "ex.s.flipped": {"en": "flipped", "zh": "翻转"},
    "ex.s.still_wrong": {"en": "still wrong", "zh": "仍然错误"},
    "ex.s.broken": {"en": "broken", "zh": "被弄反"},
    "ex.s.still_right": {"en": "right before and after", "zh": "前后都对"},
    "ex.c.status": {"en": "pair", "zh": "偏好对"},
    "ex.c.margin_before": {"en": "margin before", "zh": "训练前间隔"},
    "ex.c.margin_after": {"en": "margin after", "zh": "训练后间隔"},
    "ex.c.reward_margin": {"en": "reward margin", "zh": "奖励间隔"},
    "ex.c.prompt": {"en": "prompt", "zh": "提示"},
    "ex.c.chosen": {"en": "chosen", "zh": "chosen 回答"},
    "ex.c.rejected": {"en": "rejected", "zh": "rejected 回答"},
    "ex.c.text": {"en": "text", "zh": "文本"},
    "ex.c.pair": {"en": "second text", "zh": "第二段文本"},
    "ex.c.label": {"en": "true label", "zh": "真实标签"},
    "ex.c.before": {"en": "before", "zh": "微调前"},
    "ex.c.before_p": {"en": "confidence before", "zh": "微调前置信度"},
    "ex.c.after": {"en": "after", "zh": "微调后"},
    "ex.c.after_p": {"en": "confidence after", "zh": "微调后置信度"},
    "err.title": {"en": "Not done", "zh": "未完成"},
    "err.internal": {
        "en": "Something went wrong on the server ({kind}); the app keeps running. Try again, or tell the server "
              "owner what you did.",
        "zh": "服务器出错了（{kind}）；应用仍在运行。请重试，或把你的操作告诉服务器管理员。",
    },
    "chart.loss": {"en": "loss", "zh": "损失 (loss)"},
    "chart.lr": {"en": "learning rate and gradient norm", "zh": "学习率和梯度范数"},
    "chart.evaluation": {"en": "evaluation", "zh": "评估"},
    "chart.throughput": {"en": "throughput", "zh": "吞吐量"},
    "chart.step": {"en": "step", "zh": "步数 (step)"},
    "chart.epoch": {"en": "epoch", "zh": "轮次 (epoch)"},
    "chart.score": {"en": "score", "zh": "分数"},
    "chart.no_run": {"en": "no run yet: press Start", "zh": "还没有运行：点“开始”"},
    "chart.waiting": {"en": "no points yet", "zh": "还没有数据点"},
    "chart.pick_runs": {"en": "no run picked yet", "zh": "还没有选择运行"},
    "chart.best": {"en": "best (step {step})", "zh": "最佳（第 {step} 步）"},
    "chart.raw": {"en": "{name} (raw)", "zh": "{name}（原始）"},
    "chart.confusion": {"en": "confusion matrix ({rows} eval rows)", "zh": "混淆矩阵（{rows} 条评估样本）"},
    "chart.predicted": {"en": "predicted", "zh": "预测"},
    "chart.true": {"en": "true", "zh": "真实"},
    "chart.s.train loss": {"en": "train loss", "zh": "训练 loss"},
    "chart.s.eval loss": {"en": "eval loss", "zh": "验证 loss"},
    "chart.s.learning rate": {"en": "learning rate", "zh": "学习率"},
    "chart.s.grad norm": {"en": "gradient norm", "zh": "梯度范数"},
    "chart.s.train steps/s": {"en": "train steps/s", "zh": "训练 步/秒"},
    "chart.s.eval samples/s": {"en": "eval samples/s", "zh": "评估 样本/秒"},
    "chart.s.accuracy": {"en": "accuracy", "zh": "accuracy"},
    "chart.s.f1": {"en": "f1", "zh": "f1"},
    "chart.s.precision": {"en": "precision", "zh": "precision"},
    "chart.s.recall": {"en": "recall", "zh": "recall"},
    "chart.s.perplexity": {"en": "perplexity", "zh": "困惑度 (perplexity)"},
    # dpo: a DPO run's rewards (TRL's logs) and the share of held-out pairs whose chosen answer the model prefers
    "chart.reward": {"en": "reward (beta x log-ratio)", "zh": "奖励（beta × 对数比）"},
    "chart.s.chosen wins (train)": {"en": "chosen wins (train)", "zh": "chosen 胜出（训练）"},
    "chart.s.chosen wins (held-out)": {"en": "chosen wins (held-out)", "zh": "chosen 胜出（留出）"},
    "chart.s.prefers chosen": {"en": "prefers chosen (held-out)", "zh": "偏好 chosen（留出）"},
    "chart.s.margin (train)": {"en": "margin (train)", "zh": "间隔（训练）"},
    "chart.s.margin (held-out)": {"en": "margin (held-out)", "zh": "间隔（留出）"},
    "chart.s.reward chosen (train)": {"en": "reward of chosen (train)", "zh": "chosen 的奖励（训练）"},
    "chart.s.reward chosen (held-out)": {"en": "reward of chosen (held-out)", "zh": "chosen 的奖励（留出）"},
    "chart.s.reward rejected (train)": {"en": "reward of rejected (train)", "zh": "rejected 的奖励（训练）"},
    "chart.s.reward rejected (held-out)": {"en": "reward of rejected (held-out)", "zh": "rejected 的奖励（留出）"},
    # sft: TRL's token accuracy beside the loss, the held-out answers' scores on the evaluation chart
    "chart.s.token accuracy": {"en": "token accuracy", "zh": "token 准确率"},
    "chart.s.eval token accuracy": {"en": "eval token accuracy", "zh": "验证 token 准确率"},
    "chart.s.stop_rate": {"en": "answers that stop (end of turn)", "zh": "在回合结束处停下的回答"},
    "chart.s.answer_accuracy": {"en": "exact answers", "zh": "完全正确的回答"},
    "chart.eval_accuracy": {"en": "eval accuracy", "zh": "评估 accuracy"},
    "chart.train_loss": {"en": "train loss", "zh": "训练 loss"},
    "chart.eval_loss": {"en": "eval loss", "zh": "验证 loss"},
    "chart.eval_perplexity": {"en": "eval perplexity", "zh": "评估困惑度 (perplexity)"},
    "id.hf": {
        "en": "Signed in as **{name}**: the runs you start are yours.",
        "zh": "已登录为 **{name}**：你开始的运行归你所有。",
    },
    "id.browser": {
        "en": "This browser is one visitor: the runs you start here are yours (and stay yours after a reload).",
        "zh": "这个浏览器是一位访客：你在这里开始的运行归你所有（刷新页面后依然如此）。",
    },
    "id.public": {
        "en": "Public server: models, tokenizers and data come from the Hub, the embedded defaults or your own "
              "uploads; anyone may look at runs, only their owner changes them.",
        "zh": "公开服务器：模型、分词器和数据只能来自 Hub、内置默认项或你自己上传的文件；谁都可以查看运行，只有所有者"
              "能更改。",
    },
    "id.private": {
        "en": "Private server: this machine's own user, who may also use local files and folders.",
        "zh": "私有服务器：这台机器自己的用户，也可以使用本地文件和文件夹。",
    },
    "id.admin_ok": {
        "en": "Admin: you may stop, resume, delete and push every run in this session.",
        "zh": "管理员：在这个会话中你可以停止、继续、删除和上传任何运行。",
    },
    "id.admin_bad": {"en": "That is not the admin key.", "zh": "管理员密钥不对。"},
    "id.admin_wait": {
        "en": "Too many wrong admin keys from here: wait {seconds} s before the next try.",
        "zh": "来自这里的错误管理员密钥太多：请等待 {seconds} 秒再试。",
    },
    "id.admin_off": {
        "en": "This server has no admin key (ADMIN_KEY).",
        "zh": "这台服务器没有设置管理员密钥（ADMIN_KEY）。",
    },
    "wtt.title": {
        "en": "**Before Start: what trains, and the memory it needs** ({mode}, {precision})",
        "zh": "**开始之前：训练哪些参数，需要多少内存**（{mode}，{precision}）",
    },
    "wtt.modes": {
        "en": "full: every weight learns · head: only the new classifier (the body is frozen) · last_n_layers: the "
              "top blocks and the head · lora: small low-rank adapters and the head (peft)",
        "zh": "full：所有权重都学习 · head：只训练新的分类头（主体冻结） · last_n_layers：最上面几层和分类头 · lora："
              "小的低秩适配器和分类头（peft）",
    },
    "wtt.peak": {
        "en": "Memory for training ≈ weights + gradients + optimizer state + activations. Freezing saves the "
              "gradients and AdamW state of frozen weights, and the activations below the lowest trained block; LoRA "
              "keeps every block's activations (gradients flow down to its lowest adapter).",
        "zh": "训练所需内存 ≈ 权重 + 梯度 + 优化器状态 + 激活值。冻结可以省下被冻结权重的梯度和 AdamW 状态，以及最低"
              "一个被训练层以下的激活值；LoRA 要保留每一层的激活值（梯度要一直传到最低的适配器）。",
    },
    "wtt.failed": {"en": "No estimate: {error}", "zh": "无法估算：{error}"},
    # zh (issue 26, item 8): the headers and the word cells of the tables core returns (ui.i18n.headers), and the
    # status words of Gradio's own live region, which no Gradio locale has (the screen reader said `common.complete`)
    "col.row": {"en": "row", "zh": "行"},
    "col.column": {"en": "column", "zh": "列"},
    "col.type": {"en": "type", "zh": "类型"},
    "col.role": {"en": "role", "zh": "角色"},
    "col.attribute": {"en": "attribute", "zh": "属性"},
    "col.sequence": {"en": "sequence", "zh": "序列"},
    "col.position": {"en": "position", "zh": "位置"},
    "col.special?": {"en": "special?", "zh": "特殊？"},
    "col.variant": {"en": "variant", "zh": "变体"},
    "col.class": {"en": "class", "zh": "类"},
    "col.outputs (shape)": {"en": "outputs (shape)", "zh": "输出（形状）"},
    "col.typical task": {"en": "typical task", "zh": "典型任务"},
    "col.newly initialized": {"en": "newly initialized", "zh": "新初始化的权重"},
    "col.run_id": {"en": "run_id", "zh": "运行 id"},
    "col.name": {"en": "name", "zh": "名称"},
    "col.model": {"en": "model", "zh": "模型"},
    "col.dataset": {"en": "dataset", "zh": "数据集"},
    "col.state": {"en": "state", "zh": "状态"},
    "col.best_metric": {"en": "best_metric", "zh": "最佳指标"},
    "col.created": {"en": "created", "zh": "创建时间"},
    "col.yours": {"en": "yours", "zh": "你的"},
    "col.train_mode": {"en": "train_mode", "zh": "训练方式"},
    "cell.yes": {"en": "yes", "zh": "是"},
    "cell.pad": {"en": "pad", "zh": "填充"},
    "cell.queued": {"en": "queued", "zh": "排队中"},
    "cell.running": {"en": "running", "zh": "训练中"},
    "cell.stopping": {"en": "stopping", "zh": "正在停止"},
    "cell.done": {"en": "done", "zh": "已完成"},
    "cell.stopped": {"en": "stopped", "zh": "已停止"},
    "cell.failed": {"en": "failed", "zh": "失败"},
    "cell.interrupted": {"en": "interrupted", "zh": "已中断"},
    "common.complete": {"en": "Complete", "zh": "完成"},
    "toast.error": {"en": "Error", "zh": "错误"},  # Gradio's own toast titles (ui.i18n.page_js)
    "toast.warning": {"en": "Warning", "zh": "注意"},
    "toast.info": {"en": "Info", "zh": "提示"},
    "progress.queue": {"en": "queue:", "zh": "排队："},  # Gradio's own words over a busy widget (page_js)
    "progress.processing": {"en": "processing", "zh": "处理中"},
    "status.queue_position": {"en": "In queue: {position} of {size}", "zh": "排队中：第 {position} 位，共 {size} 位"},
    "wtt.measured": {
        "en": "**On this machine:** runs like this one (the same model, data, length and steps) took {median} from "
              "Start to the end (median of {runs} finished runs; the latest {last}).",
        "zh": "**在这台机器上：**和这次一样的运行（相同的模型、数据、长度和步数）从点“开始”到结束用了 {median}（{runs} 次已完成"
              "运行的中位数；最近一次 {last}）。",
    },
    "wtt.unmeasured": {
        "en": "**On this machine:** no run like this one has finished here yet. \"Measure one training step\" times "
              "one real step here; once this run has finished, its time shows here for the next one.",
        "zh": "**在这台机器上：**这里还没有完成过和这次一样的运行。“测一个训练步”会在这里实际计时一步；这次运行完成后，"
              "它用的时间会显示在这里供下一次参考。",
    },
}
