"""The sft task on the Train tab, handlers called directly: the chat preset starts from the visitor's pretraining
run when there is one, else from the tiny GPT built from a config, and says which."""

import json

from core import sources
from core.training.config import TrainConfig
from core.training.presets import PRESETS_BY_KEY
from ui.train import handlers as train_tab

from tests.test_train_ui import _request, tabs  # noqa: F401 - the Train/Runs tabs fixture, built once per module

CHAT_PRESET = "chat_gpt"


def test_the_chat_preset_starts_from_the_pretraining_run_if_there_is_one(tabs, manager, monkeypatch):
    said = []
    monkeypatch.setattr(train_tab.gr, "Info", said.append)
    tab = tabs.train
    scratch = json.loads(train_tab.apply_preset(tab, CHAT_PRESET, None, _request())[tab.config_code])
    assert (scratch["task"], scratch["model"], scratch["dataset"]["name"]) == (PRESETS_BY_KEY[CHAT_PRESET].task,
                                                                                sources.TINY_GPT, "chat")
    assert "built from a config" in said[-1]

    pretrain = PRESETS_BY_KEY[train_tab.PRESET_PRETRAIN_GPT].factory()
    run_id = manager.store.new_run(TrainConfig.from_dict(pretrain.to_dict()).to_dict(), owner="")
    manager.store.update_status(run_id, state="done")
    manager.store.model_dir(run_id).mkdir(parents=True)
    (manager.store.model_dir(run_id) / "config.json").write_text("{}")
    continued = train_tab.apply_preset(tab, CHAT_PRESET, None, _request())
    assert continued[tab.form["model"]] == f"run:{run_id}" and run_id in said[-1]
    assert continued[tab.form["sft_loss"]] == "assistant_only"


def test_token_accuracy_is_charted_beside_the_loss_and_the_answers_scores_with_the_evaluation():
    from ui import charts

    job = "job-sft-chart"
    charts.forget(job)
    charts.add_points(job, [
        {"step": 0, "kind": "baseline", "time": 1.0, "eval_loss": 5.0, "eval_mean_token_accuracy": 0.1,
         "eval_stop_rate": 0.0, "eval_answer_accuracy": 0.0},
        {"step": 5, "kind": "train", "time": 2.0, "loss": 3.0, "mean_token_accuracy": 0.4},
        {"step": 5, "kind": "eval", "time": 3.0, "eval_loss": 2.0, "eval_mean_token_accuracy": 0.6,
         "eval_stop_rate": 0.9, "eval_answer_accuracy": 0.5}])
    loss, _, metrics, _ = charts.figures(job)
    by_name = {trace.name: trace for trace in loss.data}
    assert by_name["token accuracy"].yaxis == by_name["eval token accuracy"].yaxis == "y2"
    assert list(by_name["eval token accuracy"].y) == [0.1, 0.6] and by_name["train loss"].yaxis in (None, "y")
    assert tuple(loss.layout.yaxis2.range) == (0, 1)
    shown = {trace.name: list(trace.y) for trace in metrics.data}
    assert shown["answers that stop (end of turn)"] == [0.0, 0.9] and shown["exact answers"] == [0.0, 0.5]
    plain = "job-lm-chart"  # a run without token accuracy keeps a loss chart of one axis
    charts.forget(plain)
    charts.add_points(plain, [{"step": 5, "kind": "train", "time": 2.0, "loss": 3.0}])
    assert "yaxis2" not in charts.figures(plain)[0].to_plotly_json()["layout"]


def test_watch_it_answer_shows_each_question_with_the_base_answer_first_and_how_each_answer_ends():
    from ui.train.views import samples_view

    question = {"prompt": "Review: <b>Great</b> room.\nSentiment?", "expected": "positive"}
    samples = [{"step": 0, "kind": "baseline", "samples": [{**question, "answer": "the the the", "stopped": False}]},
               {"step": 30, "kind": "eval", "samples": [{**question, "answer": "negative", "stopped": True}]},
               {"step": 60, "kind": "eval", "samples": [{**question, "answer": "positive", "stopped": True}]}]
    page = samples_view(samples, _request())
    assert "Watch it answer" in page and "&lt;b&gt;Great&lt;/b&gt;" in page and "<b>Great</b>" not in page
    assert page.index("base model") < page.index("the the the") < page.index("negative") < page.rindex("positive")
    assert page.count("ends its turn ✓") == 2 and page.count("does not stop") == 1
    assert "expected: positive" in page
