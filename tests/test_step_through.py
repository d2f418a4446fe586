"""Step through one batch: each stage's shapes match the model and the batch, the loss is the mean cross-entropy,
one AdamW step lowers the loss on the same batch, and a public server bounds what a visitor can ask for."""

import dataclasses

import pytest

from core import settings as settings_mod
from core.training import step_stages, step_through
from core.training.config import TrainConfig
from core.training.presets import quick_demo_config


def _config(model_dir, **kw) -> TrainConfig:
    base = dict(model=str(model_dir), max_train_samples=64, max_length=32, batch_size=8, learning_rate=1e-3)
    return TrainConfig(**{**base, **kw})


@pytest.fixture(autouse=True)
def _fresh_cache():
    step_through.forget("test")
    yield
    step_through.forget("test")


def test_the_stages_match_the_model_and_the_batch(tiny_model_dir):
    walk = step_through.walk_for(_config(tiny_model_dir), "test")
    after = step_through.run_stage(walk, "after")  # runs every stage before it, in order
    assert list(walk.results) == list(step_through.STAGES) == list(step_stages.RUNNERS)
    batch, forward, loss = walk.results["batch"], walk.results["forward"], walk.results["loss"]
    rows, length = batch["shapes"]["input_ids"]
    assert rows == 8 and length <= 32
    assert batch["shapes"]["attention_mask"] == [8, length] and batch["shapes"]["labels"] == [8]
    assert sum(batch["label_counts"].values()) == 8 and set(batch["label_counts"]) == {"negative", "positive"}
    first = batch["rows"][0]
    assert first["tokens"][0] == "[CLS]" and len(first["attention_mask"]) == length
    assert first["tokens_used"] + first["padding"] == length and sum(first["attention_mask"]) == first["tokens_used"]
    assert forward["logits_shape"] == [8, walk.model.config.num_labels] == [8, 2]
    assert all(abs(sum(r["probabilities"].values()) - 1) < 1e-3 for r in forward["rows"])
    assert loss["loss"] == pytest.approx(loss["by_hand"], rel=1e-5)  # the mean of -log p(label) over the rows
    layers = [layer["layer"] for layer in walk.results["backward"]["layers"]]
    assert layers == ["embeddings", "encoder.layer.0", "pooler", "classifier"]  # the tiny BERT's layers, in order
    assert all(layer["grad_norm"] > 0 for layer in walk.results["backward"]["layers"])
    step = walk.results["step"]
    assert step["learning_rate"] == pytest.approx(1e-3) and step["next_learning_rate"] < step["learning_rate"]
    assert [m["layer"] for m in step["layers"]] == layers and all(m["change_norm"] > 0 for m in step["layers"])
    assert after["loss_before"] == loss["loss"] and after["loss_after"] < after["loss_before"]
    for result in walk.results.values():
        assert result["code"] and all(isinstance(line, str) for line in result["code"]) and result["seconds"] >= 0


def test_each_stage_runs_once(tiny_model_dir):
    walk = step_through.walk_for(_config(tiny_model_dir), "test")
    first = step_through.run_stage(walk, "step")
    assert step_through.run_stage(walk, "step") is first  # a second click shows the same step, it takes no other
    assert step_through.walk_for(_config(tiny_model_dir), "test") is walk  # cached per caller and config
    assert step_through.walk_for(_config(tiny_model_dir), "someone else") is not walk
    step_through.forget("someone else")
    with pytest.raises(ValueError, match="stage"):
        step_through.run_stage(walk, "optimise")


def test_warmup_starts_at_a_learning_rate_of_zero(tiny_model_dir):
    """The first step of a warm-up moves nothing: the learner sees why the loss does not change."""
    result = step_through.step_through(_config(tiny_model_dir, warmup_ratio=0.5), "test")
    stages = result["stages"]
    assert stages["step"]["learning_rate"] == 0 and stages["step"]["next_learning_rate"] > 0
    assert all(m["change_norm"] == 0 for m in stages["step"]["layers"])
    assert stages["after"]["loss_after"] == pytest.approx(stages["after"]["loss_before"], abs=1e-6)


def test_a_public_server_bounds_the_batch_and_the_length(tiny_model_dir, monkeypatch):
    monkeypatch.setattr(settings_mod, "_current", dataclasses.replace(settings_mod.get_settings(), public=True))
    config, notes = step_through.bounded(_config(tiny_model_dir, batch_size=512, max_length=512,
                                                 max_train_samples=0), public=True)
    assert (config.batch_size, config.max_length, config.max_train_samples) == (32, 256, step_through.MAX_ROWS)
    assert len(notes) == 3 and "batch_size 512 lowered to 32" in " ".join(notes)
    private, notes = step_through.bounded(_config(tiny_model_dir, batch_size=512), public=False)
    assert private.batch_size == 512 and notes == []


def test_a_public_server_refuses_a_model_too_big_to_step_through(tiny_model_dir, monkeypatch):
    monkeypatch.setattr(settings_mod, "_current", dataclasses.replace(settings_mod.get_settings(), public=True))
    monkeypatch.setattr(step_through, "model_location", lambda name: str(tiny_model_dir))
    monkeypatch.setattr(step_through, "PUBLIC_MAX_PARAMETERS", 1000)
    with pytest.raises(ValueError, match="parameters, more than this server steps through"):
        step_through._check_size(TrainConfig(model="someone/huge-model"))
    step_through._check_size(TrainConfig())  # the embedded model is always allowed


def test_the_embedded_minilm_steps_through_the_quick_demo():
    result = step_through.step_through(quick_demo_config(), "test")
    stages = result["stages"]
    assert stages["batch"]["shapes"]["input_ids"][0] == 16 and stages["forward"]["logits_shape"] == [16, 2]
    assert len(stages["backward"]["layers"]) == 9  # embeddings, 6 encoder layers, pooler, classifier
    assert stages["after"]["loss_after"] < stages["after"]["loss_before"]
    assert result["rows"] == 480 and result["notes"] == []
