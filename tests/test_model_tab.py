"""The Model tab's handlers, the Train tab's Before Start panel and the Runs tab's labels, called directly (no
server): the words the page shows, in English and Chinese."""

from types import SimpleNamespace

import gradio as gr
import pytest

from core import sources
from core.jobs import manager as jobs
from core.runs.store import RunStore
from core.training.config import TrainConfig
from core.training.presets import quick_demo_config
from ui.model import handlers as model_actions
from ui.model.views import HEAD_COLUMNS
from ui.runs import handlers as runs_actions
from ui.state import Selection
from ui.train import estimate as before_start
from ui.train import form as train_form


def _request(lang="en"):
    return SimpleNamespace(session_hash="alice", headers={"accept-language": lang})


@pytest.fixture(scope="module")
def tabs():
    from ui.model.tab import build_model_tab
    from ui.train.tab import build_train_tab

    with gr.Blocks():
        selection = gr.State(Selection())
        return SimpleNamespace(model=build_model_tab(selection, text="hello world"),
                               train=build_train_tab(selection))


def test_loading_a_model_shows_its_config_and_module_tree(tabs, tiny_model_dir):
    shown = model_actions.show_model(tabs.model, str(tiny_model_dir), _request())
    assert "BertForSequenceClassification" in shown[tabs.model.config_md] and "| layers" in shown[tabs.model.config_md]
    tree = shown[tabs.model.tree_html]
    assert "<details>" in tree and "<code>classifier</code>" in tree and "<code>encoder</code>" in tree
    zh = model_actions.show_model(tabs.model, str(tiny_model_dir), _request("zh-CN"))
    assert "隐藏层大小" in zh[tabs.model.config_md] and "1 层" in zh[tabs.model.config_md]


def test_every_head_in_a_table_with_what_untrained_heads_say(tabs, tiny_model_dir):
    selection = Selection(label_names=("sad", "neutral", "happy"))
    out = model_actions.run_heads(tabs.model, str(tiny_model_dir), "hello world", "the [MASK] is red", selection,
                                  _request())
    table = out[tabs.model.heads_df]
    assert list(table.columns) == HEAD_COLUMNS and len(table) == 7
    rows = dict(zip(table["variant"], table["outputs (shape)"]))
    assert rows["AutoModelForSequenceClassification"] == "logits [1, 3]"  # the Datasets tab's three classes
    assert "only encoder-decoders" in rows["AutoModelForSeq2SeqLM"]
    assert set(out[tabs.model.probs_label]) == {"sad", "neutral", "happy"}
    assert "You should probably TRAIN this model" in out[tabs.model.new_md]
    assert "1/3" in out[tabs.model.probs_md]
    zh = model_actions.run_heads(tabs.model, str(tiny_model_dir), "hello world", "the [MASK] is red", selection,
                                 _request("zh-CN"))
    assert "新初始化" in zh[tabs.model.new_md] and "接近均匀" in zh[tabs.model.probs_md]


def test_a_bad_model_name_is_a_message(tabs):
    with pytest.raises(gr.Error, match="not a Hub id"):
        model_actions.show_model(tabs.model, "../no-such-folder/x", _request())


def test_the_model_tabs_estimate_shows_the_arithmetic_or_the_problem(tabs):
    out = model_actions.show_estimate(tabs.model, sources.EMBEDDED_MODEL, "head", 2, 8, 16, 128, _request())
    text = out[tabs.model.estimate_md]
    assert "770 of 22,713,986 parameters train" in text and "× 4 bytes (fp32)" in text
    bad = model_actions.show_estimate(tabs.model, sources.EMBEDDED_MODEL, "lora", 2, -1, 16, 128, _request())
    assert "No estimate" in bad[tabs.model.estimate_md] and "lora_r" in bad[tabs.model.estimate_md]
    zh = model_actions.show_estimate(tabs.model, sources.EMBEDDED_MODEL, "head", 2, 8, 16, 128, _request("zh"))
    assert "权重：22,713,986 个参数 × 4 字节" in zh[tabs.model.estimate_md]


def test_the_train_tabs_before_start_panel_follows_the_form(tabs):
    config = {**quick_demo_config().to_dict(), "train_mode": "last_n_layers", "train_last_layers": 1}
    values = train_form.config_to_values(config)
    out = before_start.estimate_from_form(tabs.train, _request(), config["dataset"], *values)
    text = out[tabs.train.estimate_md]
    assert "last_n_layers" in text and "1 blocks with gradients" in text
    assert {"train_mode", "lora_r", "model", "batch_size"} <= set(before_start.ESTIMATE_FIELDS)
    assert set(before_start.ESTIMATE_FIELDS) <= set(train_form.FIELD_ORDER)
    broken = train_form.config_to_values({**config, "train_last_layers": 9})
    assert "more than the 6 blocks" in before_start.estimate_from_form(tabs.train, _request(), config["dataset"],
                                                                       *broken)[tabs.train.estimate_md]


def test_the_form_round_trips_the_new_settings(tabs):
    config = TrainConfig(train_mode="lora", lora_r=4, lora_alpha=8, lora_dropout=0.05,
                         lora_target_modules=["query", "key"]).to_dict()
    back = train_form.values_to_config(config["dataset"], train_form.config_to_values(config))
    assert TrainConfig.from_dict(back) == TrainConfig.from_dict(config)
    assert tabs.train.form["train_mode"].choices[-1][0] == "lora"


def test_runs_of_different_modes_are_told_apart_on_the_compare_chart(isolated_settings, monkeypatch):
    store = RunStore(isolated_settings.runs_dir)
    monkeypatch.setattr(jobs, "_manager", jobs.JobManager(store, max_queue=2))
    runs = []
    for mode in ("full", "lora", "lora"):
        run_id = store.new_run(TrainConfig(run_name="minilm", train_mode=mode).to_dict())
        store.append_metric(run_id, {"step": 1, "epoch": 1.0, "kind": "eval", "time": 1.0, "eval_accuracy": 0.7})
        store.append_metric(run_id, {"step": 1, "epoch": 1.0, "kind": "train", "time": 1.0, "loss": 0.5})
        runs.append(run_id)
    accuracy, loss = runs_actions.compare_runs(runs)
    names = [trace.name for trace in accuracy.data]
    assert names[:2] == ["minilm · full", "minilm · lora"] and names[2] == f"minilm · lora · {runs[2]}"
    assert sorted(row["train_mode"] for row in runs_actions.list_runs(_request())) == ["full", "lora", "lora"]
