"""The plain PyTorch loop and the Accelerate loop are real: each is run from its zip on a tiny model, from another
folder with the app out of reach, and must train and print the Trainer script's metric names. The Accelerate loop
also runs on two CPU processes."""

import ast
import json
import os
import re
import socket
import subprocess
import sys
import zipfile

import pytest

from core.results import export_forms, export_loops, export_script
from core.training.config import TrainConfig
from core.training.presets import quick_demo_config

METRIC_NAMES = {"eval_loss", "eval_accuracy", "eval_f1", "eval_precision", "eval_recall"}


def _tiny(model_dir, **kw) -> TrainConfig:
    base = dict(run_name="tiny run", model=str(model_dir), max_train_samples=32, max_eval_samples=16, max_length=32,
                max_steps=4, batch_size=8, eval_batch_size=16, eval_strategy="steps", eval_steps=2, logging_steps=1,
                learning_rate=1e-3)
    return TrainConfig(**{**base, **kw})


def _unzip(config, form, tmp_path):
    archive = export_forms.bundle(config, tmp_path, form)
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
        zipped.extractall(tmp_path / "download")
    assert {export_forms.file_name(config, form), "config.json", "reviews/train.csv",
            "metrics/accuracy/accuracy.py"} <= names
    (tmp_path / "elsewhere").mkdir()
    return tmp_path / "download" / export_forms.file_name(config, form)


def _env(tmp_path) -> dict:
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": "", "HF_HOME": str(tmp_path / "hf"),
            "OMP_NUM_THREADS": "1"}


def _printed(stdout: str, prefix: str) -> list[dict]:
    """The dicts a script printed after prefix (e.g. "after fine-tuning:", or "" for the step logs)."""
    found = []
    for line in stdout.splitlines():
        if line.startswith(prefix) and "{" in line:
            found.append(ast.literal_eval(line[line.index("{"):]))
    return found


@pytest.mark.parametrize("form, extra", [("loop", {"gradient_accumulation_steps": 2, "weight_decay": 0.01}),
                                         ("accelerate", {"eval_strategy": "epoch", "max_steps": -1})])
def test_each_loop_runs_from_its_zip_anywhere(tiny_model_dir, tmp_path, form, extra):
    config = _tiny(tiny_model_dir, **extra)
    script = _unzip(config, form, tmp_path)
    done = subprocess.run([sys.executable, "-I", str(script)], cwd=tmp_path / "elsewhere", env=_env(tmp_path),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    before, after = _printed(done.stdout, "before fine-tuning:"), _printed(done.stdout, "after fine-tuning:")
    assert len(before) == len(after) == 1
    assert METRIC_NAMES <= set(before[0]) and METRIC_NAMES <= set(after[0])
    steps = [p for p in _printed(done.stdout, "{") if "loss" in p]
    assert [p["step"] for p in steps] == [1, 2, 3, 4]  # max_steps 4; or 32 rows / batch 8 = 4 steps in one epoch
    assert all(0.5 < p["loss"] < 0.9 and p["learning_rate"] > 0 for p in steps)  # mean loss, about ln 2
    assert steps[-1]["epoch"] == (2.0 if form == "loop" else 1.0)  # accumulation 2: 2 steps an epoch
    assert (tmp_path / "elsewhere" / "tiny_run-output" / "model" / "config.json").exists()
    assert str(export_script.SAMPLE_DIR) not in script.read_text()


def test_the_accelerate_loop_on_two_cpu_processes(tiny_model_dir, tmp_path):
    config = _tiny(tiny_model_dir)
    script = _unzip(config, "accelerate", tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])
    done = subprocess.run([sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
                           "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
                           "--main_process_port", port, str(script)], cwd=tmp_path / "elsewhere",
                          env=_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(_printed(done.stdout, "before fine-tuning:")) == 1  # printed by the main process only
    steps = [p for p in _printed(done.stdout, "{") if "loss" in p]
    assert [(p["step"], p["epoch"]) for p in steps] == [(1, 0.5), (2, 1.0), (3, 1.5), (4, 2.0)]  # global batch 16
    assert METRIC_NAMES <= set(_printed(done.stdout, "after fine-tuning:")[0])
    assert (tmp_path / "elsewhere" / "tiny_run-output" / "model" / "config.json").exists()


def test_the_loops_mirror_the_config():
    cfg = quick_demo_config()
    loop = export_loops.generate_loop(cfg)
    assert "LengthGroupedSampler(16," in loop and "shuffle=True" not in loop  # group_by_length on by default
    assert "lr=0.0001, weight_decay=0.0" in loop and "num_train_epochs" not in loop
    assert "loss.backward()" in loop and "optimizer.zero_grad()" in loop and "get_scheduler(\"linear\"" in loop
    assert "# 3. Model" in loop and "scaler" not in loop  # auto precision: fp32 in the plain loop
    other = TrainConfig(group_by_length=False, gradient_accumulation_steps=4, weight_decay=0.01, max_steps=9,
                        eval_strategy="no", precision="bf16", evaluate_before=False, save_model=False)
    loop = export_loops.generate_loop(other)
    assert "shuffle=True" in loop and "outputs.loss / 4" in loop and "num_training_steps = 9" in loop
    assert "\"weight_decay\": 0.01" in loop and "use_bf16 = True" in loop and "evaluate_model(step" in loop
    assert "before fine-tuning" not in loop and "save_pretrained" not in loop
    accelerated = export_loops.generate_accelerate(other)
    assert "gradient_accumulation_steps=4" in accelerated and "mixed_precision = \"bf16\"" in accelerated
    assert "accelerator.backward(loss)" in accelerated and "accelerator.prepare(" in accelerated
    for text in (loop, accelerated, export_loops.generate_loop(cfg), export_loops.generate_accelerate(cfg)):
        compile(text, "exported.py", "exec")


def test_the_three_forms_share_data_tokenization_and_metrics():
    cfg = TrainConfig(dataset={"kind": "hub", "name": "glue", "config": "mrpc"}, text_column="sentence1",
                      text_pair_column="sentence2", eval_split="validation")
    sections = ["\n".join(lines(cfg.to_dict())) for lines in (export_script.data_lines, export_script.classifier_lines,
                                                             export_script.metric_lines)]
    for form in export_forms.FORMS:
        script = export_forms.generate(cfg, form)
        assert all(section in script for section in sections), form


def test_commands_for_each_form():
    config = {"run_name": "demo"}
    trainer = export_forms.commands(TrainConfig(run_name="demo"), "trainer", 4)
    assert "accelerate launch --num_processes 4 train_demo.py" in trainer
    assert export_forms.commands(TrainConfig(run_name="demo"), "loop").endswith("python train_demo_loop.py")
    accelerate = export_forms.commands(TrainConfig(run_name="demo"), "accelerate", 3)
    for line in ("accelerate config", "accelerate launch --num_processes 3 train_demo_accelerate.py",
                 "--multi_gpu --num_processes 3", "--num_machines 2 --machine_rank 0 --main_process_ip"):
        assert line in accelerate
    assert export_forms.file_name(config, "accelerate") == "train_demo_accelerate.py"
    with pytest.raises(ValueError, match="form"):
        export_forms.generate(TrainConfig(), "keras")
    with pytest.raises(ValueError, match="num_processes"):
        export_forms.commands(TrainConfig(), "accelerate", 0)


def test_every_zip_carries_its_own_script_and_config(tmp_path):
    for form in export_forms.FORMS:
        with zipfile.ZipFile(export_forms.bundle(quick_demo_config(), tmp_path, form)) as zipped:
            name = export_forms.file_name(quick_demo_config(), form)
            assert zipped.read(name).decode() == export_forms.generate(quick_demo_config(), form)
            assert json.loads(zipped.read("config.json"))["run_name"] == "quick-demo"
            assert re.fullmatch(r"train_quick-demo(_loop|_accelerate)?\.py", name)
