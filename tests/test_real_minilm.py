"""One real fine-tuning run: the packaged all-MiniLM-L6-v2 on the embedded review sample, on the CPU.

Kept short (about a minute on 2 cores): quick_demo_config() is what the app's "quick demo" runs.
"""

import time

from core.jobs.manager import JobManager
from core.runs.store import RunStore
from core.training.presets import quick_demo_config

TIMEOUT = 600


def test_minilm_fine_tuned_on_the_sample_beats_its_untrained_baseline(isolated_settings):
    from transformers import pipeline

    manager = JobManager(RunStore(isolated_settings.runs_dir))
    config = quick_demo_config()
    started = time.monotonic()
    job_id = manager.start(config)
    assert manager.wait(job_id, TIMEOUT) == "done", manager.snapshot(job_id)["error"]
    wall = time.monotonic() - started
    snap = manager.snapshot(job_id)
    before, after = snap["baseline"]["eval_accuracy"], snap["final"]["eval_accuracy"]
    print(f"\nMiniLM quick demo: accuracy {before:.3f} -> {after:.3f}, f1 {snap['baseline']['eval_f1']:.3f} -> "
          f"{snap['final']['eval_f1']:.3f}, {snap['step']} steps, {wall:.0f} s wall")
    assert after >= before + 0.12, f"accuracy {before:.3f} -> {after:.3f}: training did not learn"
    assert after >= 0.68

    losses = [p["loss"] for p in snap["points"] if p["kind"] == "train" and "loss" in p]
    assert len(losses) >= 10 and sum(losses[-3:]) / 3 < sum(losses[:3]) / 3  # the loss curve went down

    classify = pipeline("text-classification", model=str(manager.store.model_dir(job_id)), device="cpu")
    predictions = classify(["An absolute delight, I would come back tomorrow.",
                            "Terrible. It broke on the first day and support never answered."])
    assert {p["label"] for p in predictions} <= {"negative", "positive"}
