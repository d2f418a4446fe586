"""The class panel's words (Runs tab, "Teaching a class"), English and Chinese side by side (ui/i18n.py gathers them)."""

from __future__ import annotations

STRINGS = {
    "class.h": {"en": "Class: everyone trains, the teacher sees every run", "zh": "班级：每人都训练，老师看到每个运行"},
    "class.intro": {
        "en": "The teacher (signed in with ADMIN_KEY below) opens a class from a preset and says which settings "
              "students may change; students join with the code and a nickname, change a setting and press Start. "
              "Every class run gets a place in the queue; the board ranks them and says what the class learned.",
        "zh": "老师（在下方用 ADMIN_KEY 登录）从一个预设开设班级，并指定学生可以改哪些设置；学生用班级代码和昵称加入，"
              "改一个设置后按“开始”。每个班级运行都会在队列中有位置；看板给它们排名，并总结全班学到了什么。",
    },
    "class.teacher_h": {"en": "Teacher: open a class", "zh": "老师：开设班级"},
    "class.name": {"en": "Class name", "zh": "班级名称"},
    "class.preset": {"en": "Base preset", "zh": "基础预设"},
    "class.editable": {"en": "Settings students may change", "zh": "学生可以改的设置"},
    "class.size": {"en": "Class size (students)", "zh": "班级人数（学生）"},
    "class.open_btn": {"en": "Open the class", "zh": "开设班级"},
    "class.close_btn": {"en": "Close it", "zh": "关闭班级"},
    "class.reopen_btn": {"en": "Open it again", "zh": "重新开放"},
    "class.opened": {
        "en": "## Code: `{code}`\n**{name}** ({state}) · base preset {preset} · students may change: {editable} · "
              "{students} of {size} joined · {runs} runs",
        "zh": "## 班级代码：`{code}`\n**{name}**（{state}）· 基础预设 {preset} · 学生可以改：{editable} · "
              "已加入 {students}/{size} 人 · {runs} 个运行",
    },
    "class.per_network": {
        "en": "At most {count} students may join from one network or account, so one person cannot fill the class "
              "under many nicknames. A school lab behind one address counts as one network: set 'students from one "
              "network' to the class size and press Open it again. Remove a student below by their nickname.",
        "zh": "同一个网络或账号最多可以加入 {count} 名学生，这样一个人无法用许多昵称占满班级。学校机房共用一个地址时算作"
              "一个网络：把“同一网络的学生数”设为班级人数，再点“重新开放”。可以在下面按昵称移除学生。",
    },
    "class.per_network.any": {
        "en": "Any number of students may join from one network or account. Remove a student below by their nickname.",
        "zh": "同一个网络或账号可以加入任意数量的学生。可以在下面按昵称移除学生。",
    },
    "class.per_network_nb": {"en": "Students from one network", "zh": "同一网络的学生数"},
    "class.per_network_nb.info": {
        "en": "0: any. One person with many browser sessions counts as one network; a school lab behind one "
              "address does too. Applied by the buttons below (open, close, open again).",
        "zh": "0：不限。一个人开许多浏览器会话算一个网络；学校机房共用一个地址时也算一个。点下面的按钮（开设、关闭、重新开放）时生效。",
    },
    "class.remove": {"en": "Remove a student (nickname)", "zh": "移除学生（昵称）"},
    "class.remove_btn": {"en": "Remove", "zh": "移除"},
    "class.state.open": {"en": "open", "zh": "开放中"},
    "class.state.closed": {"en": "closed", "zh": "已关闭"},
    "class.pool": {"en": "**Training pool:** {reason}", "zh": "**训练池：**{reason}"},
    "class.student_h": {"en": "Student: join a class", "zh": "学生：加入班级"},
    "class.code": {"en": "Class code", "zh": "班级代码"},
    "class.code.ph": {"en": "as shown on the board, e.g. K7QX3M", "zh": "以黑板上显示的为准，例如 K7QX3M"},
    "class.nickname": {"en": "Nickname (the class sees it)", "zh": "昵称（全班可见）"},
    "class.join_btn": {"en": "Join", "zh": "加入"},
    "class.joined": {
        "en": "You are **{nickname}** in **{name}**. Change the settings in the last column of the table, then press "
              "Start. Everything else comes from the preset {preset}.",
        "zh": "你在 **{name}** 中的昵称是 **{nickname}**。在表格最后一列修改设置，然后按“开始”。其余设置都来自预设 {preset}。",
    },
    "class.changes": {"en": "Your settings (base preset → yours)", "zh": "你的设置（基础预设 → 你的）"},
    "class.col.setting": {"en": "setting", "zh": "设置"},
    "class.col.base": {"en": "base", "zh": "基础"},
    "class.col.yours": {"en": "yours", "zh": "你的"},
    "class.changed": {"en": "You changed: {changes}", "zh": "你改了：{changes}"},
    "class.unchanged": {"en": "You changed nothing yet: the run would train the base preset.",
                        "zh": "你还没有改任何设置：这次运行会训练基础预设。"},
    "class.start_btn": {"en": "Start my run", "zh": "开始我的运行"},
    "class.place.queued": {
        "en": "Your run waits: place {position} in the queue. It starts in about {start} and finishes in about "
              "{finish} ({basis}).",
        "zh": "你的运行在等待：队列中第 {position} 位。约 {start} 后开始，约 {finish} 后结束（{basis}）。",
    },
    "class.place.running": {"en": "Your run trains: it finishes in about {finish} ({basis}).",
                            "zh": "你的运行正在训练：约 {finish} 后结束（{basis}）。"},
    "class.place.unknown": {
        "en": "Your run is {state}, place {position}. No run of this class has trained yet, so there is no estimate: "
              "it appears when the first one has.",
        "zh": "你的运行状态：{state}，第 {position} 位。这个班级还没有运行训练过，所以还没有估计：第一个运行训练后就会出现。",
    },
    "class.place.ended": {"en": "Your run is {state}: see it on the board.", "zh": "你的运行已{state}：请在看板上查看。"},
    "class.basis.done": {"en": "from {count} finished runs of this class", "zh": "依据这个班级已完成的 {count} 个运行"},
    "class.basis.live": {"en": "from the runs of this class training now", "zh": "依据这个班级正在训练的运行"},
    "class.minutes": {"en": "{minutes} min", "zh": "{minutes} 分钟"},
    "class.seconds": {"en": "{seconds} s", "zh": "{seconds} 秒"},
    "class.board_h": {"en": "Class board", "zh": "班级看板"},
    "class.board_note": {
        "en": "Anyone in the class sees the board (read-only); put it on the projector with Presentation mode.",
        "zh": "班里每个人都能看到看板（只读）；用演示模式把它投到投影仪上。",
    },
    "class.board_table": {"en": "Runs ranked by the evaluation metric", "zh": "按评估指标排名的运行"},
    "class.col.rank": {"en": "rank", "zh": "名次"},
    "class.col.nickname": {"en": "nickname", "zh": "昵称"},
    "class.col.changed": {"en": "changed", "zh": "改动"},
    "class.col.state": {"en": "state", "zh": "状态"},
    "class.col.time": {"en": "time (s)", "zh": "时间（秒）"},
    "class.metric_plot": {"en": "Evaluation metric, every run", "zh": "评估指标，所有运行"},
    "class.loss_plot": {"en": "Training loss, every run", "zh": "训练损失，所有运行"},
    "class.csv_btn": {"en": "Download the board (CSV)", "zh": "下载看板（CSV）"},
    "class.csv_file": {"en": "Board CSV", "zh": "看板 CSV"},
    "class.none": {"en": "Open a class (teacher) or join one (student) first.",
                   "zh": "请先开设班级（老师）或加入班级（学生）。"},
    "class.not_member": {"en": "Only the class's students and the teacher see its board: join it with its code.",
                         "zh": "只有班级的学生和老师能看到它的看板：请用班级代码加入。"},
}
