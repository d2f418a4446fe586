"""The dpo task on the Train tab, handlers called directly: the polite preset starts from the visitor's latest chat
run, and without one it says to teach the tiny GPT to chat first."""

import json

from core.training.config import TrainConfig
from core.training.presets import PRESETS, PRESETS_BY_KEY
from ui.train import handlers as train_tab

from tests.test_train_ui import _request, tabs  # noqa: F401 - the Train/Runs tabs fixture, built once per module

POLITE_PRESET = "polite_dpo"


def test_the_polite_preset_starts_from_the_latest_chat_run_and_needs_one(tabs, manager, monkeypatch):
    said, warned = [], []
    monkeypatch.setattr(train_tab.gr, "Info", said.append)
    monkeypatch.setattr(train_tab.gr, "Warning", warned.append)
    tab = tabs.train
    assert train_tab.apply_preset(tab, POLITE_PRESET, None, _request()) == {}  # no chat run: the form stays
    assert "Teach the tiny GPT to chat first" in warned[-1]

    chat = PRESETS_BY_KEY[train_tab.PRESET_CHAT_GPT].factory("")
    run_id = manager.store.new_run(TrainConfig.from_dict(chat.to_dict()).to_dict(), owner="")
    manager.store.update_status(run_id, state="done")
    manager.store.model_dir(run_id).mkdir(parents=True)
    (manager.store.model_dir(run_id) / "config.json").write_text("{}")
    filled = train_tab.apply_preset(tab, POLITE_PRESET, None, _request())
    config = json.loads(filled[tab.config_code])
    assert (config["task"], config["model"], config["dataset"]["name"]) == ("dpo", f"run:{run_id}", "prefs")
    assert filled[tab.form["beta"]] == 0.5 and filled[tab.form["loss_type"]] == "sigmoid" and run_id in said[-1]


def test_run_examples_of_a_dpo_run_gives_its_pairs_and_withholds_their_words_from_strangers(manager, monkeypatch):
    from core.data.source import PREFS
    from ui import lessons

    config = TrainConfig(task="dpo", model="run:0123456789abcdef", dataset=PREFS, label_column="", eval_split="test")
    run_id = manager.store.new_run(config.to_dict(), owner="ann")
    texts = [{"prompt": "Where is it?", "chosen": "Down the hall, on the left.", "rejected": "Find it yourself."}]
    manager.store.append_samples(run_id, {"step": 0, "kind": "baseline", "time": 1.0, "pairs": [[-5.0, -4.0]],
                                          "texts": texts, "samples": [{"prompt": "Where is it?", "answer": "No."}]})
    manager.store.append_samples(run_id, {"step": 9, "kind": "eval", "time": 2.0, "pairs": [[-3.0, -6.0]],
                                          "samples": [{"prompt": "Where is it?", "answer": "On the left."}]})
    monkeypatch.setattr(lessons, "reads_texts", lambda run, request: True)
    found = lessons.run_examples(run_id, "fixed", "", 10)
    assert found["counts"]["flipped"] == 1 and found["rows"][0]["chosen"] == texts[0]["chosen"]
    assert found["answers"] == [{"prompt": "Where is it?", "before": "No.", "after": "On the left."}]
    monkeypatch.setattr(lessons, "reads_texts", lambda run, request: False)  # a stranger, the data being ann's own
    hidden = lessons.run_examples(run_id, "all", "", 10)
    assert hidden["texts_withheld"] and hidden["rows"] == [] and hidden["answers"] == []
    assert hidden["counts"]["flipped"] == 1  # the counts are numbers: everyone sees them


def test_the_chain_pretrain_chat_log_dpo_each_preset_starts_from_the_run_before(tabs, manager, monkeypatch):
    """Teach to chat -> learn from the unfiltered log (from the chat run) -> DPO (from the newest of them: the log
    run, whose habit it removes)."""
    said = []
    monkeypatch.setattr(train_tab.gr, "Info", said.append)
    tab = tabs.train

    def finished(preset: str, start: str) -> str:
        config = PRESETS_BY_KEY[preset].factory(start)
        run_id = manager.store.new_run(TrainConfig.from_dict(config.to_dict()).to_dict(), owner="")
        manager.store.update_status(run_id, state="done")
        manager.store.model_dir(run_id).mkdir(parents=True)
        (manager.store.model_dir(run_id) / "config.json").write_text("{}")
        return run_id

    chat_id = finished(train_tab.PRESET_CHAT_GPT, "")
    filled = json.loads(train_tab.apply_preset(tab, "chat_log", None, _request())[tab.config_code])
    assert (filled["task"], filled["model"], filled["train_split"]) == ("sft", f"run:{chat_id}", "log")
    assert "I hope this helps!" in said[-1] and chat_id in said[-1]
    log_id = finished("chat_log", chat_id)
    filled = json.loads(train_tab.apply_preset(tab, POLITE_PRESET, None, _request())[tab.config_code])
    assert (filled["task"], filled["model"]) == ("dpo", f"run:{log_id}") and "DPO" in said[-1]
    names = [preset.key for preset in PRESETS]  # the Train tab lists them in the order a learner runs them
    assert names.index(train_tab.PRESET_CHAT_GPT) < names.index("chat_log") < names.index(POLITE_PRESET)
