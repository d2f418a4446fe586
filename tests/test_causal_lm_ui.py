"""Causal LM on the Train and Runs tabs, handlers called directly: presets, a real job whose samples show live,
and Try it writing beside the base model."""

import json

import gradio as gr
import pytest

from core import sources
from core.training.config import TrainConfig
from ui.runs import handlers as runs_actions
from ui.train import handlers as train_tab
from ui.train import live as train_live
from ui.train.views import samples_view

from tests.test_train_ui import _request, tabs  # noqa: F401 - the Train/Runs tabs fixture, built once per module


@pytest.fixture()
def tiny_gpt(tiny_gpts, isolated_settings):
    return tiny_gpts(64, 400)  # tests/conftest.py: built once a session, outside the runs folder


def test_the_gpt_presets_fill_the_form_and_the_domain_one_needs_a_pretraining_run(tabs, manager):
    tab = tabs.train
    pretrain = train_tab.apply_preset(tab, train_tab.PRESET_PRETRAIN_GPT, None, _request())
    config = json.loads(pretrain[tab.config_code])
    assert (config["task"], config["model"], config["packing"]) == ("causal_lm", sources.TINY_GPT, True)
    assert pretrain[tab.form["sample_prompts"]] == "I | The | It was"  # one textbox, split again by TrainConfig
    assert train_tab.apply_preset(tab, train_tab.PRESET_DOMAIN_GPT, None, _request()) == {}  # nothing to continue

    store = manager.store
    run_id = store.new_run(TrainConfig.from_dict(config).to_dict(), owner="")
    store.update_status(run_id, state="done")
    store.model_dir(run_id).mkdir(parents=True)
    (store.model_dir(run_id) / "config.json").write_text("{}")
    domain = train_tab.apply_preset(tab, train_tab.PRESET_DOMAIN_GPT, None, _request())
    assert domain[tab.form["model"]] == f"run:{run_id}" and domain[tab.form["only_value"]] == "hotels"


def test_samples_are_shown_step_by_step_as_text():
    samples = [{"step": 0, "kind": "baseline", "samples": [{"prompt": "The", "greedy": "<b>x", "sampled": "y"}]},
               {"step": 8, "kind": "eval", "samples": [{"prompt": "The", "greedy": " room", "sampled": " bed"}]}]
    page = samples_view(samples, _request())
    assert "&lt;b&gt;x" in page and "<b>x" not in page.replace("<b>The</b>", "")
    assert page.index("before") < page.index(" room") and "Watch it write" in page


def test_a_causal_lm_job_shows_its_samples_live_and_writes_on_the_runs_tab(tabs, manager, tiny_gpt):
    config = TrainConfig(task="causal_lm", model=str(tiny_gpt), block_size=32, max_train_samples=96,
                         max_eval_samples=16, max_steps=6, batch_size=8, eval_strategy="steps", eval_steps=3,
                         learning_rate=3e-3, logging_steps=1, sample_prompts=["The hotel"])
    status = train_tab.start_training(json.dumps(config.to_dict()), _request())
    assert manager.wait(status["job_id"], 300) == "done"
    shown = train_live.refresh_live(tabs.train, status["job_id"], 0, request=_request())
    assert "The hotel" in shown[tabs.train.samples_html] and "perplexity" in set(
        shown[tabs.train.compare_df]["metric"])
    again = train_live.refresh_live(tabs.train, status["job_id"], shown[tabs.train.drawn_state], request=_request())
    assert tabs.train.samples_html not in again  # this browser has them: not sent on every tick
    written = runs_actions.generate_from_ui(tabs.runs, status["job_id"], "The hotel", 6, 0.8, 50, 0.95, False,
                                            _request())
    assert written[tabs.runs.tuned_text].startswith("The hotel") and written[tabs.runs.base_text].startswith("The")
    with pytest.raises(gr.Error, match="between 1 and 200"):
        runs_actions.generate_text(status["job_id"], "The hotel", 10_000, request=_request())


def test_a_causal_lm_over_100m_weights_switches_the_form_to_lora(tabs, tiny_gpt, tmp_path):
    from transformers import GPT2Config

    GPT2Config(n_layer=12, n_embd=768, n_head=12).save_pretrained(tmp_path / "gpt2-sized")  # 124 M, config only
    big = str(tmp_path / "gpt2-sized")
    answer = train_tab.suggest_train_mode(tabs.train, "causal_lm", big, "full", _request())
    assert answer == {tabs.train.form["train_mode"]: "lora"}
    assert train_tab.suggest_train_mode(tabs.train, "causal_lm", str(tiny_gpt), "full", _request()) == {}
    assert train_tab.suggest_train_mode(tabs.train, "classification", big, "full", _request()) == {}
    assert train_tab.suggest_train_mode(tabs.train, "causal_lm", "no/such-model-here", "full", _request()) == {}


def test_compared_causal_lm_runs_overlay_their_perplexity(manager):
    store = manager.store
    run_ids = []
    for name in ("a", "b"):
        run_id = store.new_run(TrainConfig(run_name=name, task="causal_lm").to_dict())
        for step, value in ((0, 900.0), (10, 50.0)):
            store.append_metric(run_id, {"step": step, "epoch": 0.0, "kind": "baseline" if step == 0 else "eval",
                                         "time": 1.0, "eval_perplexity": value})
        run_ids.append(run_id)
    score, _ = runs_actions.compare_runs(run_ids)
    assert len(score.data) == 2 and list(score.data[0].y) == [900.0, 50.0]


def test_the_runs_table_names_each_best_metric_and_the_compare_chart_is_labelled_by_what_it_plots(tabs, manager):
    store = manager.store
    classify = store.new_run(TrainConfig(run_name="c").to_dict())
    lm = store.new_run(TrainConfig(run_name="g", task="causal_lm").to_dict())
    store.update_status(classify, best_metric=0.72, best_metric_name="eval_accuracy")
    store.update_status(lm, best_metric=17.91, best_metric_name="eval_perplexity")
    table = runs_actions.refresh_runs(tabs.runs, _request())[tabs.runs.runs_df]
    assert sorted(table["best_metric"]) == ["0.72 accuracy", "17.91 perplexity"]
    for run_id in (classify, lm):
        store.append_metric(run_id, {"step": 1, "epoch": 1.0, "kind": "eval", "time": 1.0, "eval_loss": 2.0,
                                     "eval_accuracy" if run_id == classify else "eval_perplexity": 3.0})
    shown = {ids: runs_actions.compare_view(tabs.runs, ids, request=_request())[tabs.runs.acc_plot]
             for ids in ((lm,), (classify,), (classify, lm))}
    assert [shown[ids].label for ids in ((lm,), (classify,), (classify, lm))] == \
        ["Eval perplexity", "Eval accuracy", "Eval loss"]  # a mix shares only the loss every evaluation logs
    assert len(runs_actions.compare_runs([classify, lm])[0].data) == 2


def test_a_causal_lm_evaluation_chart_names_its_one_metric_and_an_empty_panel_has_no_step_axis():
    from ui import charts

    job_id = "walk-perplexity-chart"
    charts.add_points(job_id, [{"step": step, "epoch": 0.0, "kind": "baseline" if step == 0 else "eval",
                                "time": float(step), "eval_perplexity": value} for step, value in ((0, 900.0), (2, 50.0))])
    try:
        metrics = charts.figures(job_id)[2]
    finally:
        charts.forget(job_id)
    assert [trace.name for trace in metrics.data] == ["perplexity"] and metrics.layout.showlegend
    assert metrics.layout.yaxis.title.text == "perplexity"  # not "score": the axis says what it plots
    assert charts.empty_figure("confusion matrix (0 eval rows)", "no classes").layout.xaxis.title.text == ""


def test_an_sft_runs_perplexity_has_its_own_axis_beside_the_shares_of_its_answers():
    from ui import charts

    job_id = "walk-sft-chart"
    charts.add_points(job_id, [{"step": 2, "epoch": 0.0, "kind": "eval", "time": 1.0, "eval_perplexity": 1888.0,
                                "eval_stop_rate": 1.0, "eval_answer_accuracy": 0.0}])
    try:
        metrics = charts.figures(job_id)[2]
    finally:
        charts.forget(job_id)
    axes = {trace.name: trace.yaxis for trace in metrics.data}
    assert axes["perplexity"] == "y2" and {axes[n] for n in axes if n != "perplexity"} == {None}
    assert metrics.layout.yaxis2.title.text == "perplexity"
