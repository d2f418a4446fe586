"""The sft task on the Train tab, handlers called directly: the chat preset starts from the visitor's pretraining
run when there is one, else from the tiny GPT built from a config, and says which."""

import json

import pytest

from core import sources
from core.jobs import manager as jobs
from core.runs.store import RunStore
from core.training.config import TrainConfig
from core.training.presets import PRESETS_BY_KEY
from ui.train import handlers as train_tab

from tests.test_train_ui import _request, tabs  # noqa: F401 - the Train/Runs tabs fixture, built once per module

CHAT_PRESET = "chat_gpt"


@pytest.fixture()
def manager(isolated_settings, monkeypatch):
    mgr = jobs.JobManager(RunStore(isolated_settings.runs_dir), max_queue=4, isolate=False)
    monkeypatch.setattr(jobs, "_manager", mgr)
    return mgr


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
