"""What to train: frozen weights stay bit-identical through real Trainer steps while trained ones change; a LoRA run
trains, saves an adapter, predicts after a restart and merges; the exported script makes the same choice; bad
settings get a message naming the fix."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from core import sources
from core.model import describe
from core.model.trainable import apply_train_mode
from core.results import eval_report, export_script, export_train_mode, predict, publish
from core.runs.store import RunStore
from core.training.config import TrainConfig
from core.training.trainer import run
from tests.test_training import tiny_config, write_reviews

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def two_layers(tmp_path_factory):
    """A tiny two-block BERT classifier with the embedded tokenizer, and a small CSV of reviews."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    path = tmp_path_factory.mktemp("tiny-bert-2")
    tok = AutoTokenizer.from_pretrained(str(sources.embedded_model_path()))
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64, num_labels=2)
    BertForSequenceClassification(config).save_pretrained(path)
    tok.save_pretrained(path)
    return {"model": path, "data": write_reviews(path.parent, rows=32, name="modes.csv")}


def _config(two_layers, **overrides) -> TrainConfig:
    values = dict(max_steps=3, eval_strategy="no", evaluate_before=False, learning_rate=1e-2, max_length=16)
    return tiny_config(two_layers["model"], two_layers["data"], **{**values, **overrides})


def _train(two_layers, tmp_path, **overrides):
    store = RunStore(tmp_path / "runs")
    config = _config(two_layers, **overrides)
    run_id = store.new_run(config.to_dict())
    result = run(config, store.path(run_id))
    assert result["state"] == "done"
    return store, run_id


def _weights(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "model.safetensors"))


# ------------------------------------------------------------------ freezing

@pytest.mark.parametrize("mode, frozen, trained", [
    ("head", ["bert."], ["classifier."]),
    ("last_n_layers", ["bert.embeddings.", "bert.encoder.layer.0."],
     ["bert.encoder.layer.1.", "bert.pooler.", "classifier."]),
    ("full", [], ["bert.embeddings.word_embeddings", "bert.encoder.layer.0.", "classifier."]),
])
def test_frozen_weights_stay_bit_identical_and_trained_ones_change(two_layers, tmp_path, mode, frozen, trained):
    import torch

    store, run_id = _train(two_layers, tmp_path, train_mode=mode, train_last_layers=1)
    before, after = _weights(two_layers["model"]), _weights(store.model_dir(run_id))
    assert set(before) == set(after)
    for name, tensor in before.items():
        if any(name.startswith(prefix) for prefix in frozen):
            assert torch.equal(tensor, after[name]), f"{mode}: frozen {name} changed"
        if any(name.startswith(prefix) for prefix in trained):
            assert not torch.equal(tensor, after[name]), f"{mode}: trained {name} did not change"
    assert json.loads((store.path(run_id) / "config.json").read_text())["train_mode"] == mode  # the run records it


# ------------------------------------------------------------------ LoRA

PREDICT_AFTER_RESTART = ("import json, sys; from core.runs.store import RunStore; "
                         "from core.results.predict import predict_run; "
                         "print(json.dumps(predict_run(RunStore(sys.argv[1]), sys.argv[2], 'great food')))")


def test_a_lora_run_saves_an_adapter_predicts_after_a_restart_and_merges(two_layers, tmp_path):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    store, run_id = _train(two_layers, tmp_path, train_mode="lora", lora_r=4, lora_alpha=8)
    folder = store.model_dir(run_id)
    files = {p.name for p in folder.iterdir()}
    assert {"adapter_config.json", "adapter_model.safetensors", "fts_adapter.json", "tokenizer.json"} <= files
    assert "model.safetensors" not in files and store.has_model(run_id) and store.has_adapter(run_id)
    adapter = _adapter_weights(folder)
    assert any("lora_B" in k for k in adapter) and any("classifier" in k for k in adapter)
    assert any(float(v.abs().sum()) > 0 for k, v in adapter.items() if "lora_B" in k)  # B starts at zero: it learned
    assert (folder / "adapter_model.safetensors").stat().st_size < (two_layers["model"] / "model.safetensors").stat().st_size
    predict.clear_cache()
    here = predict.predict_run(store, run_id, "great food")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    restarted = subprocess.run([sys.executable, "-c", PREDICT_AFTER_RESTART, str(store.root), run_id], cwd=tmp_path,
                               env=env, capture_output=True, text=True, timeout=180)
    assert restarted.returncode == 0, restarted.stderr[-2000:]
    again = json.loads(restarted.stdout.strip().splitlines()[-1])
    assert [r["label"] for r in again["fine_tuned"]] == [r["label"] for r in here["fine_tuned"]]
    assert [r["score"] for r in again["fine_tuned"]] == pytest.approx([r["score"] for r in here["fine_tuned"]], abs=1e-5)
    archive = publish.zip_model(folder, tmp_path / "zip", run_id) if (tmp_path / "zip").mkdir() is None else None
    with zipfile.ZipFile(archive) as zipped:
        assert {"config.json", "model.safetensors", "adapter/adapter_config.json"} <= set(zipped.namelist())
        zipped.extractall(tmp_path / "merged")
    merged = AutoModelForSequenceClassification.from_pretrained(str(tmp_path / "merged")).eval()
    tok = AutoTokenizer.from_pretrained(str(tmp_path / "merged"))
    with torch.no_grad():
        probs = merged(**tok("great food", return_tensors="pt")).logits.softmax(-1)[0].tolist()
    by_label = {r["label"]: r["score"] for r in here["fine_tuned"]}
    assert [by_label[merged.config.id2label[i]] for i in range(2)] == pytest.approx(probs, abs=1e-5)
    assert eval_report.eval_report(store, run_id)["rows"] > 0  # the report loads the adapter too


def _adapter_weights(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "adapter_model.safetensors"))


def test_a_lora_run_of_the_embedded_model_names_its_base_by_hub_id(tmp_path):
    """The real MiniLM, end to end: the adapter is under a megabyte and names no folder of this server."""
    store = RunStore(tmp_path / "runs")
    config = TrainConfig(run_name="lora minilm", train_mode="lora", max_train_samples=32, max_eval_samples=16,
                         max_length=32, max_steps=2, batch_size=8, eval_strategy="no", evaluate_before=False)
    run_id = store.new_run(config.to_dict())
    assert run(config, store.path(run_id))["state"] == "done"
    folder = store.model_dir(run_id)
    assert (folder / "adapter_model.safetensors").stat().st_size < 1_000_000
    adapter_config = json.loads((folder / "adapter_config.json").read_text())
    assert adapter_config["base_model_name_or_path"] == sources.EMBEDDED_HUB_ID
    assert sorted(adapter_config["target_modules"]) == ["query", "value"]
    assert str(sources.embedded_model_path()) not in (folder / "README.md").read_text()


# ------------------------------------------------------------------ the exported script makes the same choice

def _trainable(model) -> dict:
    return {name: p.requires_grad for name, p in model.named_parameters()}


@pytest.mark.parametrize("mode", ["head", "last_n_layers", "lora"])
def test_the_exported_lines_train_what_the_app_trains(two_layers, mode, capsys):
    import torch
    from transformers import AutoModelForSequenceClassification

    config = _config(two_layers, train_mode=mode, train_last_layers=1, lora_r=4)
    ours = apply_train_mode(AutoModelForSequenceClassification.from_pretrained(str(two_layers["model"])), config)
    namespace = {"model": AutoModelForSequenceClassification.from_pretrained(str(two_layers["model"])), "torch": torch}
    exec("\n".join(export_train_mode.train_mode_lines(config.to_dict())), namespace)  # noqa: S102 - our own generated code
    assert _trainable(namespace["model"]) == _trainable(ours)
    assert "trainable parameters:" in capsys.readouterr().out
    assert export_train_mode.train_mode_lines(TrainConfig().to_dict()) == []  # full: nothing to add


def test_the_exported_lora_script_trains_saves_the_adapter_and_merges(tiny_model_dir, tmp_path):
    archive = export_script.bundle(TrainConfig(run_name="lora run", model=str(tiny_model_dir), train_mode="lora",
                                               max_train_samples=32, max_eval_samples=16, max_length=32, max_steps=2,
                                               batch_size=8, eval_strategy="no", metrics=["accuracy"]), tmp_path)
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path / "download")
    script = tmp_path / "download" / "train_lora_run.py"
    assert "get_peft_model(model, lora_config)" in script.read_text()
    assert "target_modules=['query', 'value']" in script.read_text()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": "", "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run([sys.executable, "-I", str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "trainable parameters:" in done.stdout
    out = tmp_path / "lora_run-output"
    assert (out / "model" / "adapter_config.json").exists() and (out / "merged" / "model.safetensors").exists()


# ------------------------------------------------------------------ bad settings

@pytest.mark.parametrize("kwargs, words", [
    ({"lora_r": -1}, ["lora_r: -1 is outside [1, 1024]"]),
    ({"lora_alpha": 0}, ["lora_alpha"]), ({"lora_dropout": 1.5}, ["lora_dropout"]),
    ({"train_last_layers": 0}, ["train_last_layers"]),
    ({"train_mode": "everything"}, ["train_mode: 'everything' is not one of full, head, last_n_layers, lora"]),
    ({"lora_target_modules": ["query; import os"]}, ["lora_target_modules", "letters, digits"]),
    ({"lora_target_modules": 42}, ["lora_target_modules"]),
])
def test_impossible_train_mode_settings_are_refused(kwargs, words):
    with pytest.raises(ValueError) as err:
        TrainConfig(**kwargs)
    for word in words:
        assert word in str(err.value)


def test_target_modules_from_text_become_a_list():
    assert TrainConfig(lora_target_modules="query, value,query").lora_target_modules == ["query", "value"]


@pytest.mark.parametrize("kwargs, words", [
    ({"train_mode": "lora", "lora_target_modules": ["attention_out"]},
     ["attention_out is not a linear layer", "query", "value"]),
    ({"train_mode": "last_n_layers", "train_last_layers": 3}, ["train_last_layers: 3 is more than the 2 blocks"]),
])
def test_what_the_model_cannot_do_is_refused_before_the_run_queues(two_layers, kwargs, words):
    with pytest.raises(ValueError) as err:
        _config(two_layers, **kwargs).check_access("")
    for word in words:
        assert word in str(err.value)


def test_an_encoder_decoder_has_no_single_stack_to_count_layers_from():
    from transformers import T5Config

    net = describe.skeleton(T5Config(vocab_size=100, d_model=8, d_kv=4, d_ff=16, num_layers=2, num_heads=2),
                            "classifier", 2)
    with pytest.raises(ValueError, match="no single stack of blocks"):
        apply_train_mode(net, TrainConfig(train_mode="last_n_layers"))
