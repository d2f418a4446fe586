"""The run store: run ids, safe paths, metrics and status files, restarts."""

import json
import os
import re
import subprocess
import sys

import pytest

from core.runs import files
from core.runs.store import RunStore, checkpoint_step, get_store, slugify
from core.training.config import TrainConfig


@pytest.fixture()
def store(tmp_path):
    return RunStore(tmp_path / "runs")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    return proc.pid


def test_run_ids_are_slug_timestamp_random(store):
    run_id = store.new_run({"run_name": "My First Run: BERT/Yelp!! " + "x" * 80})  # the store slugs any name
    assert re.fullmatch(r"[a-z0-9-]+", run_id)
    slug, date, clock, rand = run_id.rsplit("-", 3)
    assert slug == slugify("My First Run: BERT/Yelp!! " + "x" * 80) and len(slug) <= 40
    assert slug.startswith("my-first-run-bert-yelp-x")
    assert len(date) == 8 and len(clock) == 6 and len(rand) == 4
    assert store.new_run(TrainConfig(run_name="...").to_dict()).startswith("run-")
    assert store.new_run(TrainConfig().to_dict()) != store.new_run(TrainConfig().to_dict())


def test_new_run_writes_config_and_a_queued_status(store):
    config = TrainConfig(run_name="demo", learning_rate=3e-5)
    run_id = store.new_run(config.to_dict())
    folder = store.path(run_id)
    assert json.loads((folder / "config.json").read_text())["learning_rate"] == 3e-5
    assert TrainConfig.from_dict(store.read_config(run_id)) == config
    assert store.read_status(run_id)["state"] == "queued"
    assert store.model_dir(run_id) == folder / "model"
    assert store.latest_checkpoint(run_id) is None


@pytest.mark.parametrize("bad", ["../escape", "..", "/etc/passwd", "a/b", "run/../../x", "", "UPPER", ".hidden",
                                 "x" * 200, "run\x00id", None])
def test_path_refuses_ids_that_could_escape_the_root(store, bad):
    with pytest.raises(ValueError):
        store.path(bad)


def test_path_refuses_a_symlink_out_of_the_root(store, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (store.root / "sneaky-run").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="outside"):
        store.path("sneaky-run")
    assert all(r["run_id"] != "sneaky-run" for r in store.list_runs())


def test_metrics_append_and_read_since_skipping_a_torn_line(store):
    run_id = store.new_run(TrainConfig().to_dict())
    for step in (0, 5, 10):
        store.append_metric(run_id, {"step": step, "epoch": step / 10, "kind": "train", "time": 1.0, "loss": 0.5})
    with (store.path(run_id) / "metrics.jsonl").open("a") as fh:
        fh.write('{"step": 15, "epo')  # a crash in the middle of a write
    assert [r["step"] for r in store.read_metrics(run_id)] == [0, 5, 10]
    assert [r["step"] for r in store.read_metrics(run_id, since_step=5)] == [10]
    store.truncate_metrics(run_id, after_step=5)
    assert [r["step"] for r in store.read_metrics(run_id)] == [0, 5]


def test_status_is_replaced_atomically_and_updates_merge(store):
    run_id = store.new_run(TrainConfig().to_dict())
    store.write_status(run_id, {"state": "running", "step": 3})
    store.update_status(run_id, step=4)
    status = store.read_status(run_id)
    assert status["state"] == "running" and status["step"] == 4 and "updated" in status
    assert not [p for p in store.path(run_id).iterdir() if p.name.endswith(".tmp")]


def test_concurrent_status_updates_lose_nothing(store):
    import threading

    run_id = store.new_run(TrainConfig().to_dict())
    barrier = threading.Barrier(6)

    def updates(worker: int) -> None:
        barrier.wait()
        for count in range(1, 21):
            store.update_status(run_id, **{f"worker{worker}": count})

    threads = [threading.Thread(target=updates, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    status = store.read_status(run_id)  # each read-and-write is one step: no worker's last change is overwritten
    assert {k: v for k, v in status.items() if k.startswith("worker")} == {f"worker{w}": 20 for w in range(6)}


def test_a_failed_write_keeps_the_old_file_whole_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "status.json"
    files.write_json_atomic(target, {"state": "running"})

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full_disk)
    with pytest.raises(OSError):
        files.write_json_atomic(target, {"state": "done"})
    assert files.read_json(target) == {"state": "running"} and os.listdir(tmp_path) == ["status.json"]


def test_every_whole_file_write_in_core_goes_through_one_helper():
    from pathlib import Path

    core = Path(files.__file__).resolve().parents[1]
    renames = [str(p.relative_to(core)) for p in core.rglob("*.py")
               if "os.replace(" in p.read_text(encoding="utf-8") or ".tmp" in p.read_text(encoding="utf-8")]
    assert renames == ["runs/files.py"]
    json_writes = [f"{p.relative_to(core)}:{number}" for p in core.rglob("*.py")
                   for number, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                   if "write_text(" in line and "json.dump" in line]
    assert json_writes == []  # a JSON file is written with files.write_json_atomic


def test_one_store_per_runs_folder_in_a_process(isolated_settings, tmp_path):
    store = get_store()
    assert store is get_store(isolated_settings.runs_dir) is get_store(tmp_path / "x" / ".." / "runs")
    assert store.root.resolve() == isolated_settings.runs_dir.resolve()  # the settings' folder, read at each call
    other = get_store(tmp_path / "elsewhere")
    assert other is not store and other is get_store(tmp_path / "elsewhere")


def test_a_restart_lists_every_run_with_metrics_intact(store):
    first = store.new_run(TrainConfig(run_name="first").to_dict())
    second = store.new_run(TrainConfig(run_name="second", metrics=["f1", "accuracy"]).to_dict())
    store.append_metric(first, {"step": 4, "epoch": 1.0, "kind": "eval", "time": 1.0, "eval_accuracy": 0.8})
    store.write_status(first, {"state": "done", "created": "2024-01-01T00:00:00", "best_metric": 0.8})
    (store.path(second) / "eval_final.json").write_text(json.dumps({"eval_f1": 0.7}))
    store.write_status(second, {"state": "done", "created": "2024-01-02T00:00:00"})

    reopened = RunStore(store.root)
    runs = reopened.list_runs()
    assert [r["run_id"] for r in runs] == [second, first]  # newest first
    by_id = {r["run_id"]: r for r in runs}
    assert by_id[first]["best_metric"] == 0.8 and by_id[first]["name"] == "first"
    assert by_id[second]["best_metric"] == 0.7 and by_id[second]["best_metric_name"] == "eval_f1"
    assert by_id[first]["config"]["model"] == TrainConfig().model
    assert set(runs[0]) >= {"run_id", "name", "config", "state", "owner", "best_metric", "created"}
    assert reopened.read_metrics(first)[0]["eval_accuracy"] == 0.8
    assert reopened.read_eval(second, "final") == {"eval_f1": 0.7}


def test_mark_interrupted_turns_states_of_dead_processes_into_interrupted(store):
    ids = {state: store.new_run(TrainConfig(run_name=state).to_dict()) for state in ("running", "queued", "stopping", "done")}
    dead = _dead_pid()
    for state, run_id in ids.items():
        store.write_status(run_id, {"state": state, "pid": dead, "host": os.uname().nodename})
    alive_elsewhere = store.new_run(TrainConfig(run_name="cli").to_dict())
    store.write_status(alive_elsewhere, {"state": "running", "pid": os.getppid(), "host": os.uname().nodename})

    changed = RunStore(store.root).mark_interrupted()
    assert sorted(changed) == sorted(ids[s] for s in ("running", "queued", "stopping"))
    for state in ("running", "queued", "stopping"):
        status = store.read_status(ids[state])
        assert status["state"] == "interrupted" and state in status["error"]
    assert store.read_status(ids["done"])["state"] == "done"
    assert store.read_status(alive_elsewhere)["state"] == "running"  # another live process owns it


def test_unreadable_status_reads_as_interrupted(store):
    run_id = store.new_run(TrainConfig().to_dict())
    (store.path(run_id) / "status.json").write_text("{not json")
    assert store.read_status(run_id)["state"] == "interrupted"


def test_latest_checkpoint_is_the_highest_complete_one(store):
    run_id = store.new_run(TrainConfig().to_dict())
    for step, complete in ((5, True), (20, True), (30, False)):
        folder = store.path(run_id) / f"checkpoint-{step}"
        folder.mkdir()
        if complete:
            (folder / "trainer_state.json").write_text("{}")
    assert store.latest_checkpoint(run_id).name == "checkpoint-20"
    assert checkpoint_step(store.latest_checkpoint(run_id)) == 20


def test_delete_refuses_a_live_run_and_removes_a_finished_one(store):
    run_id = store.new_run(TrainConfig().to_dict())
    store.write_status(run_id, {"state": "running"})
    with pytest.raises(ValueError, match="stop it"):
        store.delete(run_id)
    store.write_status(run_id, {"state": "done"})
    store.delete(run_id)
    assert not store.path(run_id).exists()
    with pytest.raises(ValueError, match="not found"):
        store.read_config(run_id)
