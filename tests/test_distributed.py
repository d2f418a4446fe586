"""Two processes for real: the headless trainer under `accelerate launch` on the CPU (gloo), a tiny model.

One run folder; metrics.jsonl, status.json and checkpoints written by the main process only; a global batch of
batch_size x 2, so 64 rows at batch 8 make 4 steps an epoch; Ctrl-C stops both processes at the same step with a
checkpoint, and `--resume` under the same launcher continues from it.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.runs.files import write_json_atomic
from core.runs.store import SHARED_DIR
from core.training.config import TrainConfig

ROOT = Path(__file__).resolve().parent.parent
# accelerate's CPU launcher (`--cpu`) starts one process whatever --num_processes says; --multi_gpu starts
# several, and on a machine without a GPU core.training.distributed joins them on the CPU with gloo.
LAUNCH = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
          "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no"]


def _launch() -> list[str]:
    """The launcher on a free port (other test runs on this machine may hold accelerate's default 29500)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return [*LAUNCH, "--main_process_port", str(sock.getsockname()[1])]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "CUDA_VISIBLE_DEVICES": "", "HF_HUB_OFFLINE": "1",
            "HF_DATASETS_OFFLINE": "1", "OMP_NUM_THREADS": "1"}


def _records(run_dir: Path) -> list[dict]:
    path = run_dir / "metrics.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def _launch_and_interrupt(args: list[str], runs: Path, after_step: int) -> subprocess.CompletedProcess:
    """Start the launcher in its own process group and press Ctrl-C (SIGINT to the group, as a terminal does) once
    the main process has recorded after_step."""
    proc = subprocess.Popen([*_launch(), str(ROOT / "train.py"), *args], cwd=runs.parent, env=_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 240
    while proc.poll() is None and time.monotonic() < deadline:
        if any(r["step"] >= after_step for folder in runs.glob("*") for r in _records(folder)):
            os.killpg(proc.pid, signal.SIGINT)
            break
        time.sleep(0.05)
    out, err = proc.communicate(timeout=240)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_two_processes_one_run_global_batch_and_resume(tiny_model_dir, tmp_path):
    runs = tmp_path / "runs"
    config = TrainConfig(run_name="two procs", model=str(tiny_model_dir), max_train_samples=64, max_eval_samples=16,
                         max_length=32, batch_size=8, num_train_epochs=50, eval_strategy="steps", eval_steps=100,
                         logging_steps=1, learning_rate=1e-3, evaluate_before=False, metrics=["accuracy"])
    assert config.planned_steps(64, processes=2) == 200 and config.planned_steps(64) == 400
    config_path = tmp_path / "cfg.json"
    write_json_atomic(config_path, config.to_dict())

    first = _launch_and_interrupt(["--config", str(config_path), "--runs-dir", str(runs)], runs, after_step=2)
    folders = list(runs.iterdir())
    assert len(folders) == 1, (folders, first.stderr[-3000:])  # one run, not one per process
    run_dir = folders[0]
    status = json.loads((run_dir / "status.json").read_text())
    assert status["state"] == "stopped", first.stderr[-3000:]
    assert status["max_steps"] == 200 and "2 processes" in status["device"]
    stopped_at = status["step"]
    assert [c.name for c in run_dir.glob("checkpoint-*")] == [f"checkpoint-{stopped_at}"]
    assert {p.name for p in (run_dir / f"checkpoint-{stopped_at}").glob("rng_state*")} == \
        {"rng_state_0.pth", "rng_state_1.pth"}  # both processes reached the same step's checkpoint
    train = [r for r in _records(run_dir) if r["kind"] == "train" and "loss" in r]
    assert [r["step"] for r in train] == list(range(1, stopped_at + 1))  # one line per record: main process only
    by_step = {r["step"]: r["epoch"] for r in train}
    assert by_step[2] == 0.5  # global batch 16 = 8 rows x 2 processes: 4 steps an epoch
    assert 0.6 < train[0]["loss"] < 0.8  # about ln 2 for 2 classes, not multiplied by the number of processes

    done = subprocess.run([*_launch(), str(ROOT / "train.py"), "--resume", run_dir.name, "--runs-dir", str(runs)],
                          cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout)["state"] == "done"
    assert [p for p in runs.iterdir() if p.name != SHARED_DIR] == [run_dir]  # one run (beside the shared work)
    records = _records(run_dir)
    assert [r["step"] for r in records if r["kind"] == "train" and "loss" in r] == list(range(1, 201))
    assert [r["step"] for r in records if r["kind"] == "eval"] == [100, 200]
    assert json.loads((run_dir / "status.json").read_text())["state"] == "done"
    assert (run_dir / "model" / "config.json").exists() and (run_dir / "checkpoint-200").is_dir()


@pytest.mark.parametrize("world, cuda, expected", [("2", False, True), ("1", False, False), ("2", True, False)])
def test_cpu_processes_join_with_gloo_only_without_a_gpu(monkeypatch, world, cuda, expected):
    import torch

    from core.training import distributed

    monkeypatch.setenv("WORLD_SIZE", world)
    monkeypatch.delenv("ACCELERATE_USE_CPU", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    assert distributed.prepare_cpu_processes() is expected
    assert (os.environ.get("ACCELERATE_USE_CPU") == "true") is expected


def test_planned_steps_count_the_global_batch():
    config = TrainConfig(batch_size=8, gradient_accumulation_steps=2, num_train_epochs=1)
    assert config.planned_steps(64) == 4  # 8 batches, 2 per step
    assert config.planned_steps(64, processes=2) == 2  # global batch 8 x 2 x 2 = 32
    assert config.planned_steps(72) == 5  # 9 batches: the Trainer rounds the last partial step up
    assert TrainConfig(max_steps=7).planned_steps(64, processes=4) == 7


def test_accelerate_launch_cpu_starts_one_process_and_the_cli_says_so(tmp_path):
    """The hand-tried `accelerate launch --num_processes 2 --cpu`: one process, which trains at batch_size per step
    (hence epoch 0.50 after step 4 of 64 rows at batch 8); core.training.distributed notices and warns."""
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nfrom core.training.distributed import single_process_cpu_launch\n"
                     "print('process', os.environ.get('WORLD_SIZE'), single_process_cpu_launch())\n")
    done = subprocess.run([sys.executable, "-m", "accelerate.commands.launch", "--cpu", "--num_processes", "2",
                           "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no", str(probe)],
                          cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line for line in done.stdout.splitlines() if line.startswith("process")] == ["process None True"]
    assert "started one process" in done.stderr


def test_no_warning_without_a_cpu_launch(monkeypatch):
    from core.training import distributed

    for name in ("ACCELERATE_USE_CPU", "MASTER_ADDR", "WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    assert distributed.single_process_cpu_launch() is False
    monkeypatch.setenv("ACCELERATE_USE_CPU", "True")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("WORLD_SIZE", "2")  # a real several-process launch
    assert distributed.single_process_cpu_launch() is False
