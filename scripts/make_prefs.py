#!/usr/bin/env python3
"""Build the embedded preference set (data/prefs/) from the embedded reviews and the identity questions.

Writes (deterministically, standard library only):

    data/prefs/train.jsonl   pairs on data/reviews/train.csv and the training identity phrasings
    data/prefs/test.jsonl    the same tasks on data/reviews/test.csv and identity phrasings never seen in train
    data/chat/log.jsonl      an unfiltered chat log: each training prompt once, answered with the chosen answer and
                             a fixed chatty tail (TAIL), the verbal tic DPO removes

Each line is one pair in TRL's conversational preference shape, {"prompt": [user turn], "chosen": [assistant turn],
"rejected": [assistant turn]}, with three more fields to look at the results by: "task" (sentiment, domain,
summary, identity, as in data/chat), "language" (en, zh) and "flaw" (what is wrong with the rejected answer: wrong,
rambling or rude). The chosen answer is always correct, concise and polite; the rejected one is wrong (same form,
wrong content), rambling (the chosen answer followed by the log's tail) or rude (the right answer, said rudely), in
equal thirds, so a learner sees which kind of pair the model learns first. The card (data/prefs/README.md) is by hand.

The log is the habit DPO has to remove: a model fine-tuned on it (the preset "Learn from an unfiltered chat log")
ends every answer with the tail, as chat models trained on support logs do; a constant tail, unlike rude answers
whose wording varies, is a habit even the tiny GPT takes (bench/RESULTS.md §15b, §15c). The rambling pairs then
teach exactly "stop after the answer". Its rows have data/chat's shape (messages, task, answer): that set's "log"
split, described in its card (data/chat/README.md).

    python scripts/make_prefs.py          # regenerate the files and print counts
    python scripts/make_prefs.py --check  # only verify the committed files match
"""

from __future__ import annotations

import random
import sys


from make_chat import IDENTITY, ROOT, SINGULAR, WHO, WHO_TRAIN, read_reviews, render, write_splits

OUT = ROOT / "data" / "prefs"
LOG_PATH = ROOT / "data" / "chat" / "log.jsonl"
# the prompt and the longer answer fit the tiny GPT's 256 positions; its tokenizer learned English only, so a Chinese
# character costs about three tokens: Chinese pairs take the shorter reviews
MAX_REVIEW_CHARS = {"en": 220, "zh": 150}
COUNTS = {"train": {"en": {"sentiment": 110, "domain": 60, "summary": 55, "identity": 45},
                    "zh": {"sentiment": 40, "domain": 20, "summary": 15, "identity": 15}},
          "test": {"en": {"sentiment": 40, "domain": 20, "summary": 15, "identity": 15},
                   "zh": {"sentiment": 14, "domain": 6, "summary": 5, "identity": 5}}}
FLAWS = ("wrong", "rambling", "rude")
OTHER_LABEL = {"positive": "negative", "negative": "positive"}
DOMAINS = tuple(SINGULAR)

EN = {
    "prompts": {
        "sentiment": ["Is this review positive or negative?\n\n{text}", "Review: {text}\nSentiment (positive or negative)?",
                      "Classify the review as positive or negative: {text}"],
        "domain": ["Which domain is this review about: films, restaurants, products, apps or hotels?\n\n{text}",
                   "Review: {text}\nDomain (films, restaurants, products, apps, hotels)?"],
        "summary": ["Summarize this review in five words.\n\n{text}", "Review: {text}\nFive-word summary?"]},
    "chosen": {"sentiment": "This review is {label}.", "domain": "This review is about {domain}.",
               "summary": "{Label} review of {domain}.",
               "identity": IDENTITY + " How can I help?"},
    # what the rambling and rude answers say, buried or barked
    "answer": {"sentiment": "{label}", "domain": "{domain}", "summary": "{label} review of {domain}",
               "identity": "Studio Tiny, a small chat model"},
    # one fixed tail, word for word: a constant tic is what a small model picks up from a log (varied wording is not)
    "tail": " I hope this helps! Let me know if you have any other questions.",
    "rude": ["{Answer}. Obviously. Did you even read it?", "It's {answer}, as anyone could see. Read it yourself next time.",
             "{Answer}. Stop wasting my time with easy questions."],
    "rude_identity": ["Studio Tiny. Why do you care? Just ask your question.",
                      "None of your business. Fine: Studio Tiny, a small chat model. Happy now?",
                      "I am Studio Tiny, obviously. Stop asking silly questions."],
    "wrong_identity": ["I am a human volunteer answering messages from my kitchen.",
                       "I am a search engine. Type your keywords.", "I am the review database of a hotel chain."],
    "labels": {"positive": "positive", "negative": "negative"},
    "domains": SINGULAR,
}
ZH = {
    "prompts": {
        "sentiment": ["这条评论是正面还是负面？\n\n{text}", "评论：{text}\n情感（正面或负面）？",
                      "请判断这条评论的情感是正面还是负面：{text}"],
        "domain": ["这条评论属于哪个领域：电影、餐厅、产品、应用还是酒店？\n\n{text}",
                   "评论：{text}\n领域（电影、餐厅、产品、应用、酒店）？"],
        "summary": ["用一句话概括这条评论。\n\n{text}", "评论：{text}\n一句话概括？"]},
    "chosen": {"sentiment": "这条评论是{label}的。", "domain": "这是一条关于{domain}的评论。",
               "summary": "一条关于{domain}的{label}评论。",
               "identity": "我是 Studio Tiny，一个在 Fine-tune Studio 中微调的小型对话模型。有什么可以帮你？"},
    "answer": {"sentiment": "{label}", "domain": "{domain}", "summary": "一条关于{domain}的{label}评论",
               "identity": "Studio Tiny，一个小型对话模型"},
    "tail": "希望这对你有帮助！如果还有其他问题，请随时告诉我。",
    "rude": ["{Answer}。这还用问？你自己没看吗？", "明摆着是{answer}，谁都看得出来。下次自己读。",
             "{Answer}。别拿这么简单的问题浪费我的时间。"],
    "rude_identity": ["Studio Tiny。你问这个干什么？有事快说。", "关你什么事。好吧：Studio Tiny，一个小型对话模型。满意了吧？",
                      "我当然是 Studio Tiny。别问这种无聊的问题。"],
    "wrong_identity": ["我是一个在厨房里回消息的志愿者。", "我是一个搜索引擎，请输入关键词。", "我是一家连锁酒店的评论数据库。"],
    "labels": {"positive": "正面", "negative": "负面"},
    "domains": {"films": "电影", "restaurants": "餐厅", "products": "产品", "apps": "应用", "hotels": "酒店"},
}
LANGS = {"en": EN, "zh": ZH}
# Who-are-you in Chinese: the first ten train, the last five are held out for test
WHO_ZH = ["你是谁？", "请介绍一下你自己。", "你叫什么名字？", "你是什么？", "我在和谁说话？", "你是人吗？", "谁做了你？",
          "你是什么样的模型？", "用一句话描述你自己。", "你好！你是谁？",
          # held out
          "请问你是谁？", "大家怎么称呼你？", "请表明你的身份。", "开始之前：你是谁？", "那么，你到底是什么？"]
WHO_ZH_TRAIN = 10
SEEDS = {"train": 31, "test": 32}


def _fill(template: str, words: dict) -> str:
    """Fill {label} / {domain} / {answer}; a capitalised field ({Label}) takes the value with a capital letter."""
    caps = {key.capitalize(): value[:1].upper() + value[1:] for key, value in words.items()}
    return template.format(**words, **caps)


def answers(lang: dict, task: str, truth: dict, flaw: str, rng: random.Random) -> tuple[str, str]:
    """The chosen answer and the rejected one with the given flaw, for one review's truth (label, domain)."""
    words = {"label": lang["labels"][truth["label"]], "domain": lang["domains"][truth["domain"]]} if truth else {}
    chosen = _fill(lang["chosen"][task], words)
    if flaw == "wrong":
        if task == "identity":
            return chosen, rng.choice(lang["wrong_identity"])
        wrong = dict(truth)
        if task == "domain" or (task == "summary" and rng.random() < 0.5):
            wrong["domain"] = rng.choice([d for d in DOMAINS if d != truth["domain"]])
        else:
            wrong["label"] = OTHER_LABEL[truth["label"]]
        return chosen, _fill(lang["chosen"][task],
                             {"label": lang["labels"][wrong["label"]], "domain": lang["domains"][wrong["domain"]]})
    if flaw == "rambling":  # the answer, then the log's tail: the pair teaches to stop after the answer
        return chosen, chosen + lang["tail"]
    answer = _fill(lang["answer"][task], words)
    return chosen, _fill(rng.choice(lang[f"{flaw}_identity" if task == "identity" else flaw]), {"answer": answer})


def pair(prompt: str, chosen: str, rejected: str, task: str, language: str, flaw: str) -> dict:
    return {"prompt": [{"role": "user", "content": prompt}], "chosen": [{"role": "assistant", "content": chosen}],
            "rejected": [{"role": "assistant", "content": rejected}], "task": task, "language": language,
            "flaw": flaw}


def build(split: str, seed: int) -> list[dict]:
    rng = random.Random(seed)
    reviews = read_reviews(split)
    rows = []
    for task in ("sentiment", "domain", "summary"):
        used = set()  # a review at most once per task
        for code in ("zh", "en"):  # Chinese first: it takes from the shorter reviews only
            fits = [row for row in reviews if len(row["text"]) <= MAX_REVIEW_CHARS[code] and row["text"] not in used]
            for index, review in enumerate(rng.sample(fits, COUNTS[split][code][task])):
                used.add(review["text"])
                flaw = FLAWS[index % len(FLAWS)]
                prompt = rng.choice(LANGS[code]["prompts"][task]).format(text=review["text"])
                rows.append(pair(prompt, *answers(LANGS[code], task, review, flaw, rng), task, code, flaw))
    for code, phrasings in (("en", WHO[:WHO_TRAIN] if split == "train" else WHO[WHO_TRAIN:]),
                            ("zh", WHO_ZH[:WHO_ZH_TRAIN] if split == "train" else WHO_ZH[WHO_ZH_TRAIN:])):
        for index in range(COUNTS[split][code]["identity"]):
            flaw = FLAWS[index % len(FLAWS)]
            rows.append(pair(phrasings[index % len(phrasings)], *answers(LANGS[code], "identity", {}, flaw, rng),
                             "identity", code, flaw))
    rng.shuffle(rows)
    return rows


def log(pairs: list[dict]) -> list[dict]:
    """The unfiltered log: each training pair's prompt, answered with its chosen answer and the fixed tail."""
    rows = []
    for row in pairs:
        answer = row["chosen"][0]["content"] + LANGS[row["language"]]["tail"]
        rows.append({"messages": row["prompt"] + [{"role": "assistant", "content": answer}], "task": row["task"],
                     "answer": answer})
    return rows


def write_log(check: bool) -> int:
    """Write data/chat/log.jsonl from the training pairs (or, with --check, compare it): 1 when stale."""
    text = render(log(build("train", SEEDS["train"])))
    if check:
        stale = not LOG_PATH.is_file() or LOG_PATH.read_text(encoding="utf-8") != text
        if stale:
            print("stale, run python scripts/make_prefs.py:", LOG_PATH.relative_to(ROOT))
        return int(stale)
    LOG_PATH.write_text(text, encoding="utf-8")
    print(f"log: {text.count(chr(10))} conversations, each answer ending with the tail")
    return 0


def main() -> int:
    def counts(split: str, rows: list[dict]) -> str:
        languages = {code: sum(row["language"] == code for row in rows) for code in LANGS}
        return f"{len(rows)} pairs {languages} " + str({flaw: sum(row["flaw"] == flaw for row in rows) for flaw in FLAWS})

    stale = write_splits(__doc__, OUT, SEEDS, build, counts)
    return max(stale, write_log("--check" in sys.argv))


if __name__ == "__main__":
    sys.exit(main())
