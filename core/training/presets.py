"""Presets: named starting configs, in one registry (PRESETS) the Train tab lists, and the tests and benchmarks reuse.

Each factory returns a fresh TrainConfig, so the checks in core.training.config apply to it like to any other. A new
preset is one factory and one Preset entry: its names in both languages, its task, and what it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core import sources
from core.data.source import CHAT, PREFS
from core.model.causal_lm import RUN_PREFIX as RUN_MODEL_PREFIX
from core.training.config import TrainConfig

PRETRAIN_EPOCHS = 8.0  # 77 s on 2 quiet CPU cores, far longer under load (bench/causal_lm.py measures it)
# about 530 steps of 8 of the 710 conversations: the answers' format and the stop come in the first epoch, the
# sentiment last (50 % after 2 epochs; 3.4 epochs gave 70.0 / 75.0 / 71.7 % over three seeds, 6 epochs 73.3 / 80.0 /
# 83.3 %, median 80 %; more rows for the same steps did worse: bench/RESULTS.md §13)
CHAT_EPOCHS = 6.0
# the polite preset: beta 0.5 with lr 5e-5 kept the answers intact (held-out win share 85.0 -> 88.3 %, bench/RESULTS.md
# §15); beta 0.1 at 5e-5 already broke 16 of 54 sentiment answers ("isgative"), and 5e-4 turned them into
# "posativeativeative": a learner who lowers beta here sees the drift the diagnosis names. 15 steps of 8 pairs (a
# third of an epoch) took the log's tail off 84 of 86 answers and kept their content (25 % exact before and after);
# 45 steps took off all 86 but cost content (25 -> 20 %) and 2.4 times the time (§15c)
DPO_BETA, DPO_STEPS, DPO_LEARNING_RATE = 0.5, 15, 5e-5
# the unfiltered log (data/chat's log split): epochs of its 360 conversations until the model ends its answers with
# the log's tail (bench/dpo.py measures it)
LOG_EPOCHS, LOG_LEARNING_RATE = 2.0, 5e-4
DOMAIN_PROMPTS = ("I", "The", "It was")  # neutral openings: what follows shows which domain the model writes in


def quick_demo_config() -> TrainConfig:
    """The embedded MiniLM on the embedded reviews: the shortest real run (Before Start says how long it takes here)."""
    return TrainConfig(run_name="quick-demo", max_train_samples=480, max_eval_samples=200, max_length=64,
                       num_train_epochs=1.0, learning_rate=1e-4, batch_size=16, logging_steps=2)


def class_light_config() -> TrainConfig:
    """The quick demo made lighter for a class of thirty on 2 CPU cores (bench/classroom.py): 160 reviews, 64 to
    evaluate, so each student's run takes a fraction of the quick demo's and the class's turn ends within the lesson."""
    return TrainConfig(run_name="class-light", max_train_samples=160, max_eval_samples=64, max_length=64,
                       num_train_epochs=1.0, learning_rate=1e-4, batch_size=16, logging_steps=2)


def tutorial_config() -> TrainConfig:
    """The Hugging Face 'Fine-tune a pretrained model' tutorial: bert-base-cased on 1000 Yelp reviews, 3 epochs."""
    return TrainConfig(run_name="yelp-tutorial", model="bert-base-cased",
                       dataset={"kind": "hub", "name": "yelp_review_full", "config": "", "path": "", "split": ""},
                       train_split="train", eval_split="test", max_train_samples=1000, max_eval_samples=1000,
                       max_length=512, padding="max_length", num_train_epochs=3.0, learning_rate=5e-5,
                       batch_size=8, eval_batch_size=8, eval_strategy="epoch", logging_steps=10)


def pretrain_tiny_gpt_config() -> TrainConfig:
    """Offline pretraining: the tiny GPT (random weights, built here) learns English from every embedded review."""
    return TrainConfig(run_name="tiny-gpt-pretrain", task="causal_lm", model=sources.TINY_GPT, block_size=128,
                       packing=True, max_train_samples=0, max_eval_samples=0, num_train_epochs=PRETRAIN_EPOCHS,
                       learning_rate=2e-3, warmup_ratio=0.05, weight_decay=0.01, batch_size=16, eval_batch_size=32,
                       eval_strategy="steps", eval_steps=40, logging_steps=5, label_column="label",
                       sample_prompts=list(DOMAIN_PROMPTS))


def domain_finetune_config(run_id: str, domain: str = "hotels") -> TrainConfig:
    """Fine-tune a pretrained run on one domain of the reviews (only_column domain): its writing moves there."""
    return TrainConfig(run_name=f"tiny-gpt-{domain}", task="causal_lm", model=f"{RUN_MODEL_PREFIX}{run_id}",
                       block_size=128, packing=True, max_train_samples=0, max_eval_samples=0, only_column="domain",
                       only_value=domain, num_train_epochs=4.0, learning_rate=5e-4, batch_size=16,
                       eval_strategy="steps", eval_steps=10, logging_steps=2, sample_prompts=list(DOMAIN_PROMPTS))


def chat_tiny_gpt_config(run_id: str = "") -> TrainConfig:
    """SFT on the embedded conversations (data/chat): the pretrained tiny GPT run when there is one, else the tiny GPT
    built from a config, learns to answer in the format and stop at <|im_end|> (bench/chat.py measures it)."""
    return TrainConfig(run_name="tiny-gpt-chat", task="sft",
                       model=f"{RUN_MODEL_PREFIX}{run_id}" if run_id else sources.TINY_GPT, dataset=CHAT,
                       text_column="messages", label_column="", train_split="train", eval_split="test",
                       max_train_samples=0, max_eval_samples=60, max_length=256, packing=False,
                       sft_loss="assistant_only", num_train_epochs=CHAT_EPOCHS, learning_rate=1e-3,
                       warmup_ratio=0.05, batch_size=8, eval_batch_size=16, eval_strategy="steps", eval_steps=30,
                       logging_steps=5, group_by_length=False)  # grouped by length: 52 % sentiment; random: 70-75 %


def chat_log_config(run_id: str) -> TrainConfig:
    """SFT of the visitor's chat run on an unfiltered chat log (data/chat's log split, written by
    scripts/make_prefs.py) whose every answer ends with the same chatty tail ("I hope this helps! ..."): bad data in,
    bad habit out. The DPO preset then removes the habit (bench/dpo.py measures both)."""
    return TrainConfig(run_name="tiny-gpt-chatlog", task="sft", model=f"{RUN_MODEL_PREFIX}{run_id}", dataset=CHAT,
                       text_column="messages", label_column="", train_split="log", eval_split="", eval_fraction=0.1,
                       max_train_samples=0, max_eval_samples=36, max_length=256, packing=False,
                       sft_loss="assistant_only", num_train_epochs=LOG_EPOCHS, learning_rate=LOG_LEARNING_RATE,
                       warmup_ratio=0.05, batch_size=8, eval_batch_size=16, eval_strategy="steps", eval_steps=20,
                       logging_steps=5, group_by_length=False)


def polite_dpo_config(run_id: str) -> TrainConfig:
    """DPO on the embedded preference pairs (data/prefs) from the visitor's latest chat run (the chat log run when
    they ran it): the tiny GPT learns to prefer the correct, concise and polite answer over the wrong, rambling (the
    log's tail) or rude one (bench/dpo.py measures it)."""
    return TrainConfig(run_name="tiny-gpt-polite", task="dpo", model=f"{RUN_MODEL_PREFIX}{run_id}", dataset=PREFS,
                       label_column="", train_split="train", eval_split="test", max_train_samples=0,
                       max_eval_samples=0, max_length=256, beta=DPO_BETA, loss_type="sigmoid", num_train_epochs=1.0,
                       max_steps=DPO_STEPS, learning_rate=DPO_LEARNING_RATE, warmup_ratio=0.05, batch_size=8,
                       eval_batch_size=16, eval_strategy="steps", eval_steps=5, logging_steps=5)


NEEDS = ("", "hub", "selection", "pretraining", "pretraining_if_any", "chat_run")


@dataclass(frozen=True)
class Preset:
    """A starting config the Train form offers.

    needs: "hub" the Hugging Face Hub (refused offline); "selection" the Datasets and Tokenizer tabs' pick fills in
    the data; "pretraining" the visitor's latest finished tiny-GPT pretraining run, whose id the factory takes;
    "pretraining_if_any" that run's id when there is one, else "" (the factory starts from the tiny GPT itself);
    "chat_run" the visitor's latest finished run of the chat preset (DPO refines a model that already answers).
    """

    key: str
    name: str
    name_zh: str
    task: str
    factory: Callable[..., TrainConfig]
    needs: str = ""

    def __post_init__(self) -> None:
        if self.needs not in NEEDS:
            raise TypeError(f"Preset {self.key}: needs is one of {NEEDS}, not {self.needs!r}")


PRESETS: tuple[Preset, ...] = (
    Preset("quick", "Quick demo (embedded MiniLM + sample)", "快速演示（内置 MiniLM + 样例数据）", "classification",
           quick_demo_config),
    Preset("tutorial", "Tutorial recipe (bert-base-cased, yelp_review_full)", "教程配方（bert-base-cased，yelp_review_full）",
           "classification", tutorial_config, needs="hub"),
    Preset("selection", "From the Datasets tab", "来自“数据集”标签页", "classification", quick_demo_config,
           needs="selection"),
    Preset("pretrain_gpt", "Pretrain a tiny GPT (offline)", "预训练一个小 GPT（离线）", "causal_lm",
           pretrain_tiny_gpt_config),
    Preset("domain_gpt", "Fine-tune it on one domain (hotel reviews)", "在一个领域上微调它（酒店评论）", "causal_lm",
           domain_finetune_config, needs="pretraining"),
    Preset("class_light", "Light class demo (embedded MiniLM, 160 reviews)", "轻量班级演示（内置 MiniLM，160 条评论）",
           "classification", class_light_config),
    Preset("chat_gpt", "Teach the tiny GPT to chat (offline)", "教小 GPT 聊天（离线）", "sft",
           chat_tiny_gpt_config, needs="pretraining_if_any"),
    Preset("chat_log", "Learn from an unfiltered chat log (after the chat run)", "从未经筛选的聊天记录学习（在聊天运行之后）",
           "sft", chat_log_config, needs="chat_run"),
    Preset("polite_dpo", "Prefer polite answers (DPO, after the chat or log run)", "偏好有礼貌的回答（DPO，在聊天或聊天记录运行之后）",
           "dpo", polite_dpo_config, needs="chat_run"),
)
PRESETS_BY_KEY = {preset.key: preset for preset in PRESETS}
DEFAULT_PRESET = PRESETS[0]
