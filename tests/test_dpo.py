"""Preference tuning (issue 24): the dpo task with TRL's DPOTrainer on the tiny chat model, the pairs it refuses
before a run queues, the per-example view and the diagnosis, and the exported TRL script run offline."""

import json
import subprocess
import sys

import pytest

from core.messages import UserError

QUESTIONS = ["Where is the station?", "Can you help me?", "What time is it?", "Is the hotel open?",
             "How was the food?", "Can I pay by card?", "Where do I sit?", "Is breakfast free?"]


def _pairs(count: int) -> list[dict]:
    rows = []
    for i in range(count):
        question = QUESTIONS[i % len(QUESTIONS)] + ("" if i < len(QUESTIONS) else f" ({i})")
        rows.append({"prompt": question, "chosen": "Of course, happy to help.",
                     "rejected": "Figure it out yourself."})
    return rows


@pytest.fixture()
def pairs_file(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in _pairs(40)), encoding="utf-8")
    return path


def _config(model, pairs_file, **changes):
    from core.data.source import DatasetSource
    from core.training.config import TrainConfig

    values = dict(task="dpo", model=str(model), dataset=DatasetSource(kind="file", path=str(pairs_file)),
                  train_split="train", eval_split="", eval_fraction=0.2, max_length=64, max_steps=6, batch_size=4,
                  eval_batch_size=8, learning_rate=5e-3, eval_strategy="steps", eval_steps=3, logging_steps=1,
                  beta=0.1)
    return TrainConfig(**{**values, **changes})


@pytest.mark.parametrize("row, words", [
    ({"prompt": "Hi", "chosen": "Hello.", "rejected": None}, "Row 1: the rejected answer is missing"),
    ({"prompt": "", "chosen": "Hello.", "rejected": "Go away."}, "Row 1: the prompt is empty"),
    ({"prompt": "Hi", "chosen": "Hello.", "rejected": " Hello. "}, "chosen and rejected are the same answer"),
])
def test_malformed_pairs_are_refused_naming_the_row_and_the_fix(row, words):
    from datasets import Dataset

    from core.training.dpo import pair_dataset

    with pytest.raises(UserError, match=words):
        pair_dataset(Dataset.from_list([row]))


def test_text_pairs_become_chat_turns_and_implicit_prompts_are_the_shared_turns():
    from datasets import Dataset

    from core.training.dpo import pair_dataset

    text = pair_dataset(Dataset.from_list([{"prompt": "Hi", "chosen": "Hello.", "rejected": "Go away."}]))[0]
    assert text == {"prompt": [{"role": "user", "content": "Hi"}], "chosen": [{"role": "assistant", "content": "Hello."}],
                    "rejected": [{"role": "assistant", "content": "Go away."}]}
    user = {"role": "user", "content": "Is it open?"}
    pair = pair_dataset(Dataset.from_list([{"chosen": [user, {"role": "assistant", "content": "Yes, until ten."}],
                                            "rejected": [user, {"role": "assistant", "content": "Dunno."}]}]))[0]
    assert pair["prompt"] == [user] and pair["rejected"] == [{"role": "assistant", "content": "Dunno."}]


@pytest.mark.parametrize("changes, words", [
    ({"beta": 0}, r"beta: 0 is outside \(0, 10\]"),
    ({"beta": 50.0}, r"beta: 50 is outside \(0, 10\]"),
    ({"loss_type": "kto"}, "loss_type: 'kto' is not one of sigmoid, ipo, hinge"),
    ({"train_mode": "head"}, "trains a new classifier head"),
    ({"text_pair_column": "x"}, "DPO reads prompt, chosen and rejected columns"),
])
def test_bad_dpo_settings_are_refused_naming_the_fix(changes, words, tiny_chat_gpt, pairs_file):
    with pytest.raises(UserError, match=words):
        _config(tiny_chat_gpt, pairs_file, **changes)


def test_before_queueing_a_model_that_cannot_chat_and_truncated_answers_are_refused(tiny_chat_gpt, pairs_file,
                                                                                   isolated_settings, templateless_gpt):
    from core import sources

    _config(tiny_chat_gpt, pairs_file).check_access("")  # a chat model and pairs that fit: accepted
    with pytest.raises(UserError, match="raise max_length to"):
        _config(tiny_chat_gpt, pairs_file, max_length=8).check_access("")
    with pytest.raises(UserError, match="was never taught to answer"):
        _config(sources.TINY_GPT, pairs_file).check_access("")
    with pytest.raises(UserError, match="has no chat template, so it was not fine-tuned to chat"):
        _config(templateless_gpt, pairs_file).check_access("")


def test_a_dpo_run_logs_rewards_measures_each_held_out_pair_and_exports(tiny_chat_gpt, pairs_file, isolated_settings,
                                                                         tmp_path):
    """The engine's one code path with TRL's DPOTrainer: rewards and the held-out win share in the records, each
    held-out pair measured before and after, the per-example report, and a script that runs offline elsewhere."""
    from core.results.dpo_report import STATUSES, pair_report, reward_curves, run_pairs
    from core.runs.store import RunStore
    from core.task_registry import task_of
    from core.training.trainer import run, training_arguments

    config = _config(tiny_chat_gpt, pairs_file)
    arguments = training_arguments(config, isolated_settings.runs_dir / "args", "fp32")
    assert type(arguments).__name__ == "DPOConfig" and arguments.beta == 0.1 and arguments.loss_type == ["sigmoid"]
    store = RunStore(isolated_settings.runs_dir)
    run_id = store.new_run(config.to_dict())
    result = run(config, store.path(run_id))
    assert result["state"] == "done" and result["global_step"] == 6
    records = store.read_metrics(run_id)
    curves = reward_curves(records)
    assert len(curves["train"]) == 6 and len(curves["eval"]) == 2
    assert result["baseline"]["eval_rewards/accuracies"] == 0.0  # the model is its own reference: no reward yet
    assert 0 <= result["final"]["eval_prefers_chosen"] <= 1 and "eval_prefers_chosen" in result["baseline"]
    measured = [r for r in store.read_samples(run_id) if "pairs" in r]
    assert [r["kind"] for r in measured] == ["baseline", "eval", "eval"] and len(measured[0]["pairs"]) == 8
    assert len(measured[0]["texts"]) == 8 and "texts" not in measured[1]  # the pairs' words once, for the view
    assert measured[0]["texts"][0]["chosen"] == "Of course, happy to help."
    answer = measured[0]["samples"][0]  # Watch it answer's shape: the answer, how it ended, the chosen one expected
    assert {"prompt", "answer", "stopped", "ended_text"} <= set(answer) and answer["expected"] == "Of course, happy to help."
    report = pair_report(measured, config.beta)
    shown = run_pairs(store, run_id, "still_wrong")
    assert shown["matched"] == report["counts"]["still_wrong"] and all(r["prompt"] for r in shown["rows"])
    assert run_pairs(store, run_id, with_texts=False)["rows"][0].get("prompt") is None
    assert sum(report["counts"].values()) == 8 and report["before_step"] == 0 and report["after_step"] == 6
    assert [STATUSES.index(r["status"]) for r in report["rows"]] == sorted(STATUSES.index(r["status"])
                                                                            for r in report["rows"])
    row = report["rows"][0]
    assert row["reward_margin"] == pytest.approx(config.beta * (row["after"] - row["before"]), abs=1e-3)
    assert report["answers"] and set(report["answers"][0]) == {"prompt", "before", "after"}
    assert result["final"]["eval_rewards/margins"] > 0  # 6 steps at 5e-3 on one wording: chosen pulls ahead
    card = task_of(config).model_card(store, run_id, config, "me/polite")
    assert "DPOTrainer" in card and "rewards/accuracies" in card and "base_model" not in card.split("---")[1]

    script = task_of(config).export_script(config.to_dict() | {"max_steps": 2, "eval_strategy": "no"})
    compile(script, "train.py", "exec")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "train_model.py").write_text(script, encoding="utf-8")
    env = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "1",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run([sys.executable, str(elsewhere / "train_model.py")], cwd=tmp_path, env=env,  # another folder
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "held-out: chosen wins on" in done.stdout and "->" in done.stdout


def _records(chosen, rejected, accuracy, eval_accuracy):
    train = [{"step": s, "kind": "train", "loss": 0.5, "rewards/chosen": chosen, "rewards/rejected": rejected,
              "rewards/margins": chosen - rejected, "rewards/accuracies": accuracy} for s in range(1, 31)]
    evals = [{"step": s, "kind": "eval", "eval_loss": 0.6, "eval_rewards/chosen": 0.0, "eval_rewards/rejected": 0.0,
              "eval_rewards/margins": 0.1, "eval_rewards/accuracies": eval_accuracy} for s in (10, 20, 30)]
    return train + evals


@pytest.mark.parametrize("rewards, kinds", [
    ((0.2, -0.3, 0.8, 0.75), []),  # chosen up, rejected down, held-out keeps up: healthy
    ((-1.0, -2.0, 0.8, 0.75), ["rewards_fall"]),
    ((1.5, -2.0, 1.0, 0.95), ["margin_saturates"]),
    ((0.2, -0.3, 0.9, 0.55), ["heldout_lags"]),
])
def test_the_diagnosis_reads_the_rewards_in_plain_words_with_a_beta_to_try(rewards, kinds, tiny_chat_gpt, pairs_file):
    from core.results import diagnosis

    config = _config(tiny_chat_gpt, pairs_file, beta=0.1, max_steps=30)
    found = diagnosis.diagnose(_records(*rewards), config)
    dpo = [f for f in found if f.kind in ("rewards_fall", "margin_saturates", "heldout_lags")]
    assert [f.kind for f in dpo] == kinds
    assert all(f.change == {"beta": 0.3} and "beta = 0.3" in f.advice for f in dpo)


def test_mid_run_the_rewards_on_the_charts_are_diagnosed_once_past_their_noise(tiny_chat_gpt, pairs_file):
    """The live diagnosis reads the rewards the charts hold (ui.charts.preference_records) as the final one reads the
    run's records; the first steps' near-zero rewards say nothing yet."""
    from core.results import diagnosis
    from core.results.dpo_report import reward_curves
    from core.task_registry import task_of
    from ui import charts

    config = _config(tiny_chat_gpt, pairs_file, beta=0.1, max_steps=30)
    falling = _records(-1.0, -2.0, 0.8, 0.75)
    charts.forget("dpo-live")
    charts.add_points("dpo-live", falling)
    held = charts.preference_records("dpo-live")
    assert reward_curves(held) == reward_curves(falling)  # the same curves, from the charts' cache
    live = diagnosis.diagnose_curves(*charts.curve_points("dpo-live"), config,
                                     task_of(config).diagnosis_report(held, None), live=True)
    assert "rewards_fall" in [f.kind for f in live]
    early = reward_curves(_records(-0.02, -0.06, 0.6, 0.5)[:4])  # 4 steps, rewards within noise of 0
    assert task_of(config).findings([], [], config, early, live=True) == []
    assert [f.kind for f in task_of(config).findings([], [], config, early, live=False)] == ["rewards_fall"]
    charts.forget("dpo-live")


def test_the_per_example_view_sorts_flipped_then_still_wrong_then_broken():
    from core.results.dpo_report import pair_report

    before = {"step": 0, "kind": "baseline", "pairs": [[-5, -4], [-5, -6], [-3, -1], [-2, -3]],
              "samples": [{"prompt": "Hi?", "answer": "Go away."}]}
    after = {"step": 9, "kind": "eval", "pairs": [[-3, -4], [-6, -5], [-4, -1], [-2, -4]],
             "samples": [{"prompt": "Hi?", "answer": "Hello, how can I help?"}]}
    texts = [{"prompt": f"q{i}", "chosen": "c", "rejected": "r"} for i in range(4)]
    report = pair_report([before, after], 0.5, texts)
    assert [(r["index"], r["status"]) for r in report["rows"]] == [(0, "flipped"), (2, "still_wrong"),
                                                                   (1, "broken"), (3, "still_right")]
    assert report["rows"][0]["reward_margin"] == 1.0 and report["rows"][0]["prompt"] == "q0"
    assert report["prefers_chosen"] == {"before": 0.5, "after": 0.5}
    assert report["answers"] == [{"prompt": "Hi?", "before": "Go away.", "after": "Hello, how can I help?"}]


def test_the_evaluation_chart_draws_the_rewards_and_the_share_where_chosen_wins():
    import plotly.graph_objects as go

    from ui import charts

    records = _records(0.2, -0.3, 0.8, 0.75)[:3] + _records(0.2, -0.3, 0.8, 0.75)[-1:]
    records[-1]["eval_prefers_chosen"] = 0.625
    charts.forget("dpo-chart")
    charts.add_points("dpo-chart", records)
    evaluation = charts.figures("dpo-chart")[2]
    go.Figure(evaluation.to_dict())  # plotly's own validation of every trace and layout key
    names = {t.name: t for t in evaluation.data}
    assert {"chosen wins (train)", "chosen wins (held-out)", "prefers chosen (held-out)"} <= set(names)
    assert names["margin (train)"].yaxis == "y2" and list(names["margin (train)"].y) == [0.5, 0.5, 0.5]
    assert list(names["prefers chosen (held-out)"].y) == [0.625] and names["chosen wins (train)"].yaxis in (None, "y")
    assert evaluation.layout.yaxis2.title.text == "reward (beta x log-ratio)"
    charts.forget("dpo-chart")


def test_the_pairs_view_says_what_flipped_and_shows_the_answers_escaped():
    from core.results.dpo_report import pair_report
    from ui import lessons

    before = {"step": 0, "kind": "baseline", "pairs": [[-5, -4], [-3, -1]],
              "samples": [{"prompt": "<b>Hi?</b>", "answer": "Go away."}]}
    after = {"step": 9, "kind": "eval", "pairs": [[-3, -4], [-4, -1]],
             "samples": [{"prompt": "<b>Hi?</b>", "answer": "Hello!"}]}
    found = {**pair_report([before, after], 0.1, [{"prompt": "q", "chosen": "c", "rejected": "r"}] * 2),
             "texts_withheld": False, "pairs": True}
    summary = lessons.pairs_summary(found)
    assert "**1** flipped to the chosen answer, **1** still prefer the rejected one" in summary
    assert "in 0% of them before, 50% after" in summary
    assert "<em>&lt;b&gt;Hi?&lt;/b&gt;</em>" in summary and "Go away. → <strong>Hello!</strong>" in summary
    table = lessons.pairs_table(found)
    assert list(table.columns)[:4] == ["pair", "margin before", "margin after", "reward margin"]
    assert table.iloc[0].tolist()[:4] == ["flipped", -1.0, 1.0, 0.2]
    withheld = lessons.pairs_summary({**found, "texts_withheld": True, "rows": [], "answers": []})
    assert "Hello" not in withheld and "**1** flipped" in withheld


def test_the_polite_preset_exports_a_zip_with_the_embedded_pairs_beside_its_script(tmp_path):
    import zipfile

    from core.results.export_forms import bundle
    from core.training.presets import PRESETS_BY_KEY

    config = PRESETS_BY_KEY["polite_dpo"].factory("0123456789abcdef")
    with zipfile.ZipFile(bundle(config, tmp_path)) as archive:
        names = archive.namelist()
        script = archive.read("train_tiny-gpt-polite.py").decode()
    assert {"prefs/train.jsonl", "prefs/test.jsonl"} <= set(names) and not any(n.startswith("reviews/") for n in names)
    assert 'HERE / "prefs" / "train.jsonl"' in script and "MODEL = str(HERE / 'base-model')" in script
    assert "DPOTrainer(" in script and "beta=0.5," in script


def test_the_log_preset_then_the_dpo_preset_run_one_after_the_other(tiny_chat_gpt, isolated_settings):
    """The chain a learner runs after the chat preset, in few steps: SFT on the unfiltered log (data/chat's log
    split, from a chat run), then DPO on the embedded pairs from that log run (bench/dpo.py measures the habit)."""
    import shutil

    from core.runs.store import RunStore
    from core.training.presets import chat_log_config, chat_tiny_gpt_config, polite_dpo_config
    from core.training.trainer import run

    store = RunStore(isolated_settings.runs_dir)
    chat_id = store.new_run(chat_tiny_gpt_config().to_dict())  # the chat run: the tiny chat model, finished
    shutil.copytree(tiny_chat_gpt, store.model_dir(chat_id))
    store.update_status(chat_id, state="done")
    short = dict(max_steps=2, eval_steps=2, max_train_samples=16, max_eval_samples=4, logging_steps=1)
    log = chat_log_config(chat_id)
    for key, value in short.items():
        setattr(log, key, value)
    log_id = store.new_run(log.to_dict())
    assert run(log, store.path(log_id))["state"] == "done" and store.has_model(log_id)
    dpo = polite_dpo_config(log_id)
    for key, value in {**short, "max_eval_samples": 8}.items():
        setattr(dpo, key, value)
    dpo_id = store.new_run(dpo.to_dict())
    result = run(dpo, store.path(dpo_id))
    assert result["state"] == "done" and result["global_step"] == 2 and dpo.model == f"run:{log_id}"
    assert "eval_prefers_chosen" in result["final"]
