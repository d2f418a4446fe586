"""TrainConfig validation, data preparation, a real Trainer run on a tiny model, and the command line."""

import csv
import dataclasses
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from core import settings as settings_mod
from core.model.checkpoints import model_max_length
from core.runs.files import write_json_atomic
from core.training.config import TrainConfig
from core.training.presets import quick_demo_config, tutorial_config
from core.training.trainer import resolve_precision, run

ROOT = Path(__file__).resolve().parent.parent
POSITIVE = ["great food and friendly staff", "I loved this film", "works perfectly, very happy", "superb value"]
NEGATIVE = ["awful service, cold food", "I hated every minute", "broke after a day, useless", "terrible value"]


def write_reviews(folder: Path, rows: int = 48, name: str = "reviews.csv", label=lambda i: "neg pos".split()[i % 2]):
    """A small CSV of texts with string labels (negative/positive alternate)."""
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "other", "label"])
        for i in range(rows):
            text = (POSITIVE if i % 2 else NEGATIVE)[i % 4 // 2 + (i // 8) % 3 % 2]
            writer.writerow([f"{text} #{i}", f"second text {i}", label(i)])
    return path


def tiny_config(model_dir, data_path, **overrides) -> TrainConfig:
    values = dict(run_name="tiny", model=str(model_dir), dataset={"kind": "file", "path": str(data_path)},
                  eval_split="", max_train_samples=0, max_eval_samples=0, max_length=32, batch_size=8,
                  eval_batch_size=16, logging_steps=1, learning_rate=1e-3)
    return TrainConfig(**{**values, **overrides})


# ----------------------------------------------------------------- TrainConfig

@pytest.mark.parametrize("field, value, fix", [
    ("learning_rate", 5, "5e-5"), ("learning_rate", -1, "5e-5"), ("batch_size", 0, "16"),
    ("batch_size", 100000, "16"), ("max_length", 0, "128"), ("max_length", 10000, "512"),
    ("padding", "longest", "dynamic"), ("eval_strategy", "sometimes", "epoch"), ("precision", "fp8", "auto"),
    ("metrics", ["bleu"], "accuracy"), ("logging_steps", 0, "e.g."), ("logging_steps", 10**9, "e.g."),
    ("eval_fraction", 0.95, "0.2"), ("max_steps", 0, "-1"), ("warmup_ratio", 1.5, "0.1"),
    ("gradient_accumulation_steps", 0, "e.g."), ("batch_size", 16.5, "whole"), ("seed", -3, "42"),
    ("evaluate_before", "maybe", "true or false"), ("num_train_epochs", float("nan"), "finite"),
])
def test_impossible_values_are_refused_naming_the_field_and_fix(field, value, fix):
    with pytest.raises(ValueError) as err:
        TrainConfig(**{field: value})
    assert str(err.value).startswith(f"{field}:") and fix in str(err.value)


def test_zero_epochs_without_max_steps_is_refused_but_max_steps_overrides():
    with pytest.raises(ValueError, match="num_train_epochs.*max_steps"):
        TrainConfig(num_train_epochs=0, max_steps=-1)
    assert TrainConfig(num_train_epochs=0, max_steps=10).max_steps == 10


def test_other_refusals_name_the_field():
    for kwargs, field in [({"eval_split": "train"}, "eval_split"), ({"text_pair_column": "text"}, "text_pair_column"),
                          ({"label_column": "text"}, "label_column"), ({"text_column": " "}, "text_column"),
                          ({"dataset": {"kind": "ftp"}}, "dataset source kind")]:
        with pytest.raises(ValueError, match=field):
            TrainConfig(**kwargs)


def test_widget_values_are_coerced_and_json_round_trips(tmp_path):
    config = TrainConfig(batch_size=16.0, max_steps="40", evaluate_before="false", metrics="accuracy, f1",
                         run_name="  spaced  ")
    assert config.batch_size == 16 and isinstance(config.batch_size, int) and config.max_steps == 40
    assert config.evaluate_before is False and config.metrics == ["accuracy", "f1"] and config.run_name == "spaced"
    path = tmp_path / "cfg.json"
    write_json_atomic(path, config.to_dict())
    assert TrainConfig.load(path) == config
    assert TrainConfig.from_stored({**config.to_dict(), "from_a_newer_version": 1}) == config  # old run folders
    with pytest.raises(ValueError, match="unknown setting 'num_train_epoch' - did you mean 'num_train_epochs'"):
        TrainConfig.from_dict({"num_train_epoch": 3})
    with pytest.raises(ValueError, match="JSON object of TrainConfig fields"):
        TrainConfig.from_dict([1, 2])
    with pytest.raises(ValueError, match="not a readable"):
        TrainConfig.load(tmp_path / "missing.json")


def test_defaults_follow_the_contract_and_every_field_has_one_line_help():
    config = TrainConfig()
    assert (config.model, config.eval_split, config.padding, config.max_steps) == \
        ("embedded/all-MiniLM-L6-v2", "test", "dynamic", -1)
    assert config.dataset.kind == "sample" and config.metrics == ["accuracy", "f1", "precision", "recall"]
    helps = TrainConfig.field_help()
    assert set(helps) == set(config.to_dict())
    assert all(text and "\n" not in text and len(text) < 120 for text in helps.values())
    assert quick_demo_config().model == config.model
    tutorial = tutorial_config()
    assert (tutorial.model, tutorial.dataset.name, tutorial.max_train_samples, tutorial.num_train_epochs) == \
        ("bert-base-cased", "yelp_review_full", 1000, 3.0)


def test_guardrails_from_settings_are_applied(monkeypatch):
    def use(**kw):
        monkeypatch.setattr(settings_mod, "_current", settings_mod.Settings(**kw))

    use(training_enabled=False)
    with pytest.raises(ValueError, match="TRAINING_ENABLED"):
        TrainConfig().check_limits()
    use(max_train_samples=500)
    with pytest.raises(ValueError, match="max_train_samples.*500.*MAX_TRAIN_SAMPLES"):
        TrainConfig(max_train_samples=1000).check_limits()
    TrainConfig(max_train_samples=500).check_limits()
    TrainConfig(max_train_samples=0).check_limits()  # all rows: the data is sampled down to the cap
    assert settings_mod.get_settings().train_rows(0) == 500 and settings_mod.get_settings().train_rows(20) == 20
    use(max_steps=50)
    with pytest.raises(ValueError, match="MAX_STEPS"):
        TrainConfig(max_steps=100).check_limits()
    with pytest.raises(ValueError, match="63 steps.*MAX_STEPS"):  # 1000 rows / 16 per step
        TrainConfig(max_train_samples=1000).check_limits()
    TrainConfig(max_train_samples=800).check_limits()


def test_precision_auto_is_fp32_on_cpu_and_fp16_needs_cuda():
    assert resolve_precision("auto") == "fp32"
    assert resolve_precision("fp32") == "fp32"
    with pytest.raises(ValueError, match="precision: fp16 needs a CUDA GPU"):
        resolve_precision("fp16")


# ----------------------------------------------------------------- data

def _prepare(config, model_dir):
    from transformers import AutoTokenizer

    from core.training.prepare import prepare_data

    return prepare_data(config, AutoTokenizer.from_pretrained(str(model_dir)))


def test_eval_split_is_carved_stratified_and_labels_are_class_encoded(tiny_model_dir, tmp_path):
    data = _prepare(tiny_config(tiny_model_dir, write_reviews(tmp_path, rows=100), eval_fraction=0.2), tiny_model_dir)
    assert data.label_names == ["neg", "pos"]
    assert len(data.train) == 80 and len(data.eval) == 20
    assert sorted(data.eval["labels"]).count(0) == 10  # stratified: each class keeps its share
    assert set(data.train.column_names) == {"labels", "input_ids", "token_type_ids", "attention_mask"}


def test_subsets_padding_and_text_pairs(tiny_model_dir, tmp_path):
    path = write_reviews(tmp_path, rows=60)
    config = tiny_config(tiny_model_dir, path, max_train_samples=20, max_eval_samples=6, padding="max_length",
                         max_length=24, text_pair_column="other")
    data = _prepare(config, tiny_model_dir)
    assert (len(data.train), len(data.eval)) == (20, 6)
    assert {len(ids) for ids in data.train["input_ids"]} == {24}
    assert all(1 in types for types in data.train["token_type_ids"])  # the second text is there
    dynamic = _prepare(tiny_config(tiny_model_dir, path, max_length=24), tiny_model_dir)
    assert len({len(ids) for ids in dynamic.train["input_ids"]}) > 1  # padded per batch by the collator


def test_missing_columns_name_the_available_ones(tiny_model_dir, tmp_path):
    path = write_reviews(tmp_path)
    with pytest.raises(ValueError, match="text_column: column 'review' not found.*text, other, label"):
        _prepare(tiny_config(tiny_model_dir, path, text_column="review"), tiny_model_dir)
    with pytest.raises(ValueError, match="label_column: column 'stars'"):
        _prepare(tiny_config(tiny_model_dir, path, label_column="stars"), tiny_model_dir)
    with pytest.raises(ValueError, match="eval_split: split 'test' not found"):
        _prepare(tiny_config(tiny_model_dir, path, eval_split="test"), tiny_model_dir)


def test_integer_labels_are_checked_against_num_labels(tiny_model_dir, tmp_path):
    ids = write_reviews(tmp_path, rows=30, name="ids.csv", label=lambda i: i % 3)
    data = _prepare(tiny_config(tiny_model_dir, ids), tiny_model_dir)
    assert data.label_names == ["0", "1", "2"]
    with pytest.raises(ValueError, match="label ids must be 0..1"):
        _prepare(tiny_config(tiny_model_dir, ids, num_labels=2), tiny_model_dir)
    negative = write_reviews(tmp_path, rows=30, name="neg.csv", label=lambda i: i % 2 - 1)
    with pytest.raises(ValueError, match="label_column: label ids must be"):
        _prepare(tiny_config(tiny_model_dir, negative), tiny_model_dir)
    single = write_reviews(tmp_path, rows=10, name="one.csv", label=lambda i: "same")
    with pytest.raises(ValueError, match="at least 2"):
        _prepare(tiny_config(tiny_model_dir, single), tiny_model_dir)


def test_unlabelled_hub_style_test_splits_are_refused(tiny_model_dir, tmp_path):
    import datasets

    features = datasets.Features({"text": datasets.Value("string"),
                                  "label": datasets.ClassLabel(names=["neg", "pos"])})
    datasets.DatasetDict({
        "train": datasets.Dataset.from_dict({"text": ["good", "bad"] * 8, "label": [1, 0] * 8}, features=features),
        "test": datasets.Dataset.from_dict({"text": ["fine", "meh"], "label": [-1, -1]}, features=features),
    }).save_to_disk(tmp_path / "saved")
    config = tiny_config(tiny_model_dir, "", dataset={"kind": "disk", "path": str(tmp_path / "saved")},
                         eval_split="test")
    with pytest.raises(ValueError, match="label_column: 'label' holds -1"):
        _prepare(config, tiny_model_dir)
    assert len(_prepare(dataclasses.replace(config, eval_split=""), tiny_model_dir).eval) == 4


def test_max_length_beyond_the_model_is_refused(tiny_model_dir, tmp_path):
    assert model_max_length(str(tiny_model_dir)) == 512
    config = tiny_config(tiny_model_dir, write_reviews(tmp_path), max_length=1024)
    with pytest.raises(ValueError, match="max_length: 1024 is beyond.*512"):
        run(config, tmp_path / "run")


# ----------------------------------------------------------------- training

def test_run_trains_evaluates_and_saves_a_model_that_predicts_names(tiny_model_dir, tmp_path):
    from transformers import pipeline

    config = tiny_config(tiny_model_dir, write_reviews(tmp_path), num_train_epochs=2)
    result = run(config, tmp_path / "run")
    assert result["state"] == "done" and result["global_step"] == 10  # 39 train rows / 8 = 5 steps x 2 epochs
    for which in ("baseline", "final"):
        assert {"eval_accuracy", "eval_f1", "eval_precision", "eval_recall", "eval_loss"} <= set(result[which])
        assert json.loads((tmp_path / "run" / f"eval_{which}.json").read_text()) == result[which]
    records = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert records[0]["kind"] == "baseline" and records[0]["step"] == 0
    train = [r for r in records if r["kind"] == "train" and "loss" in r]
    assert [r["step"] for r in train] == list(range(1, 11))
    assert all({"learning_rate", "grad_norm", "epoch", "time"} <= set(r) for r in train)
    assert [r["step"] for r in records if r["kind"] == "eval"] == [5, 10]
    assert TrainConfig.load(tmp_path / "run" / "config.json") == config
    classify = pipeline("text-classification", model=str(tmp_path / "run" / "model"), device="cpu")
    assert classify("great food")[0]["label"] in {"neg", "pos"}


def test_a_classifier_continues_from_an_earlier_runs_model(tiny_model_dir, tmp_path, isolated_settings):
    from core.runs.store import get_store
    from core.training.step_through import prepare

    store, data = get_store(), write_reviews(tmp_path)
    first = tiny_config(tiny_model_dir, data, max_steps=3, evaluate_before=False, eval_strategy="no")
    first_id = store.new_run(first.to_dict())
    assert run(first, store.path(first_id))["state"] == "done"

    follow_up = tiny_config(tiny_model_dir, data, model=f"run:{first_id}", max_steps=2, eval_strategy="no")
    follow_up.check_access("")  # the checks pass: the run must too, in the same words for the same model
    follow_up.check_limits()
    assert prepare(follow_up).model.config.id2label == {0: "neg", 1: "pos"}  # the step-through loads it too
    second = store.new_run(follow_up.to_dict())
    result = run(follow_up, store.path(second))
    assert result["state"] == "done" and result["baseline"]["eval_accuracy"] >= 0


def press_stop_during(step: int, stop: threading.Event):
    """A callback that sets the stop Event while the given step runs (as the Stop button would)."""
    from transformers import TrainerCallback

    class PressStop(TrainerCallback):
        def on_step_begin(self, args, state, control, **kwargs):
            if state.global_step == step - 1:
                stop.set()

    return PressStop()


def test_stop_before_training_starts_trains_nothing(tiny_model_dir, tmp_path):
    stop = threading.Event()
    stop.set()
    result = run(tiny_config(tiny_model_dir, write_reviews(tmp_path)), tmp_path / "run", stop_event=stop)
    assert result["state"] == "stopped" and "eval_accuracy" in result["baseline"] and "global_step" not in result


def test_a_set_stop_event_ends_training_with_a_checkpoint(tiny_model_dir, tmp_path):
    stop = threading.Event()
    config = tiny_config(tiny_model_dir, write_reviews(tmp_path), num_train_epochs=3, evaluate_before=False)
    result = run(config, tmp_path / "run", stop_event=stop, callbacks=[press_stop_during(2, stop)])
    assert result["state"] == "stopped" and result["global_step"] == 2 and result["final"] == {}
    assert (tmp_path / "run" / "checkpoint-2" / "trainer_state.json").exists()
    assert not (tmp_path / "run" / "model").exists()


def test_a_gpt2_style_model_without_pad_token_trains(tmp_path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2Model, PreTrainedTokenizerFast

    data = write_reviews(tmp_path, rows=24)
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(POSITIVE + NEGATIVE, trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|endoftext|>", bos_token="<|endoftext|>",
                                        unk_token="<|endoftext|>")
    assert tokenizer.pad_token is None
    model_dir = tmp_path / "tiny-gpt2"
    config = GPT2Config(vocab_size=len(tokenizer), n_embd=16, n_layer=1, n_head=2, n_positions=64)
    GPT2Model(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)

    result = run(tiny_config(model_dir, data, max_length=32), tmp_path / "run")
    assert result["state"] == "done" and result["final"]["eval_accuracy"] >= 0
    saved = json.loads((tmp_path / "run" / "model" / "config.json").read_text())
    assert saved["pad_token_id"] == tokenizer.eos_token_id and saved["id2label"] == {"0": "neg", "1": "pos"}


# ----------------------------------------------------------------- command line

def _cli(*args, cwd=ROOT, launcher=(sys.executable,)):
    """python train.py ... (the command line README documents), or the same under another launcher."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": ""}
    return subprocess.run([*launcher, str(ROOT / "train.py"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_cli_runs_a_config_and_prints_the_result(tiny_model_dir, tmp_path):
    config = tiny_config(tiny_model_dir, write_reviews(tmp_path), max_steps=3, evaluate_before=False)
    config_path = tmp_path / "cfg.json"
    write_json_atomic(config_path, config.to_dict())
    done = _cli("--config", str(config_path), "--runs-dir", str(tmp_path / "runs"))
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["state"] == "done" and "eval_accuracy" in result["final"]
    run_dir = Path(result["run_dir"])
    assert run_dir.parent == tmp_path / "runs" and result["run_id"].startswith("tiny-")
    assert json.loads((run_dir / "status.json").read_text())["state"] == "done"
    assert (run_dir / "model" / "config.json").exists()

    refused = _cli("--config", str(tmp_path / "missing.json"), "--runs-dir", str(tmp_path / "runs"))
    assert refused.returncode == 2 and "error:" in refused.stderr


def test_cli_resumes_a_stopped_run_under_accelerate_launch(tiny_model_dir, tmp_path):
    from core.runs.store import RunStore

    store = RunStore(tmp_path / "runs")
    config = tiny_config(tiny_model_dir, write_reviews(tmp_path), max_steps=6, evaluate_before=False)
    run_id = store.new_run(config.to_dict())
    stop = threading.Event()
    run(config, store.path(run_id), stop_event=stop, callbacks=[press_stop_during(1, stop)])
    store.write_status(run_id, {"state": "stopped"})
    assert store.latest_checkpoint(run_id).name == "checkpoint-1"

    done = _cli("--resume", run_id, "--runs-dir", str(store.root),
                launcher=(sys.executable, "-m", "accelerate.commands.launch", "--num_processes", "1", "--cpu"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout)["state"] == "done"
    steps = [r["step"] for r in store.read_metrics(run_id) if r["kind"] == "train" and "loss" in r]
    assert steps == [1, 2, 3, 4, 5, 6]  # the resumed run continued at step 2, appending
