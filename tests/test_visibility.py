"""What of a run others may see (core.runs.visibility): the one rule every endpoint applies."""

from __future__ import annotations

import pytest

from core import settings
from core.messages import UserError
from core.runs import visibility
from core.runs.store import RunStore

UPLOAD = {"kind": "upload", "upload": "up-" + "0" * 24, "name": "mine.csv"}


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "_current", settings.Settings(runs_dir=tmp_path / "runs", public=True))
    return RunStore(tmp_path / "runs")


def test_an_uploads_run_is_for_its_owner_and_the_admin(store):
    upload = store.new_run({"dataset": UPLOAD}, "b:ann")
    sample = store.new_run({"dataset": {"kind": "sample"}}, "b:ann")
    assert visibility.may_see_data(store, upload, "b:ann")
    assert not visibility.may_see_data(store, upload, "b:bob")
    assert not visibility.may_see_data(store, upload, "")
    assert visibility.may_see_data(store, upload, "b:bob", admin=True)
    assert visibility.may_see_data(store, sample, "b:bob")  # the sample and the Hub are public data
    with pytest.raises(UserError, match="another visitor's own data"):
        visibility.require_data_access(store, upload, "b:bob")


def test_a_run_continued_from_a_private_run_is_private_too(store):
    base = store.new_run({"dataset": UPLOAD}, "b:ann")
    domain = store.new_run({"dataset": {"kind": "sample"}, "model": f"run:{base}"}, "b:ann")
    assert visibility.learned_privately(store, domain)
    assert not visibility.may_see_data(store, domain, "b:bob")
    public = store.new_run({"dataset": {"kind": "sample"}}, "b:ann")
    assert not visibility.learned_privately(store, store.new_run({"model": f"run:{public}"}, "b:ann"))


def test_a_server_file_is_private_on_a_public_server_only(store, monkeypatch, tmp_path):
    run = store.new_run({"dataset": {"kind": "file", "path": "x.csv"}}, "b:ann")
    assert not visibility.may_see_data(store, run, "b:bob")
    monkeypatch.setattr(settings, "_current", settings.Settings(runs_dir=tmp_path / "runs", public=False))
    assert visibility.may_see_data(store, run, "b:bob")


def test_others_see_counts_and_curves_but_no_samples_reason_or_data_fields():
    snap = {"state": "failed", "step": 4, "points": [{"step": 1, "loss": 2.0}], "error": "label ANNA in row 3",
            "samples": [{"step": 0, "samples": [{"prompt": "ANNA", "greedy": "x"}]}]}
    theirs = visibility.shown_snapshot(snap, sees_data=False, yours=False)
    assert theirs["samples"] == [] and "ANNA" not in theirs["error"] and theirs["points"] == snap["points"]
    assert visibility.shown_snapshot(snap, sees_data=True, yours=True) == snap
    public_run = visibility.shown_snapshot(snap, sees_data=True, yours=False)  # Hub data: samples yes, reason no
    assert public_run["samples"] and public_run["error"] == visibility.WITHHELD_REASON
    config = {"sample_prompts": ["ANNA"], "only_value": "ANNA", "dataset": UPLOAD, "learning_rate": 1e-4}
    shown = visibility.shown_config(config, sees_data=False)
    assert "ANNA" not in repr(shown) and "up-" not in repr(shown) and shown["learning_rate"] == 1e-4
