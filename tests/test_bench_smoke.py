"""Every benchmark script runs end to end with --quick (a few seconds, toy sizes) and writes its JSON result.

The numbers of a --quick run mean nothing; these tests prove the scripts work, so bench/RESULTS.md can be
regenerated. The 1M-row and the responsiveness benchmarks take longer: they run when BENCH_SMOKE_ALL=1.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RUN_ALL = os.environ.get("BENCH_SMOKE_ALL", "") == "1"
SLOW = pytest.mark.skipif(not RUN_ALL, reason="slow benchmark smoke run: set BENCH_SMOKE_ALL=1")


def run_quick(name: str, tmp_path: Path, timeout: int = 240, result: str = "") -> dict:
    """Run bench/<name>.py --quick; read <result or name>.json (some scripts name the file after the variant)."""
    env = {**os.environ, "BENCH_OUT": str(tmp_path), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "CUDA_VISIBLE_DEVICES": ""}
    proc = subprocess.run([sys.executable, str(BENCH / f"{name}.py"), "--quick"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    data = json.loads((tmp_path / f"{result or name}.json").read_text())
    assert data["benchmark"] == (result or name) and data["quick"] is True
    return data


def test_chart_tick(tmp_path):
    result = run_quick("chart_tick", tmp_path)
    for case in ("steady", "cold", "stored"):
        assert 0 < result["results"][case]["median_ms"] < 10_000
    assert result["results"]["figure_json_bytes"] > 1000


def test_tokenization(tmp_path):
    result = run_quick("tokenization", tmp_path)
    assert result["rows"] == 500
    for variant in result["results"].values():
        assert variant["texts_per_s"] > 0


def test_defaults_vs_recipe(tmp_path):
    result = run_quick("defaults_vs_recipe", tmp_path)
    runs = result["results"]["32"]
    assert set(runs) == {"recipe max_length", "app default"}
    for variant in runs.values():
        assert variant["samples_per_s_median"] > 0
        assert all(0.0 <= a <= 1.0 for a in variant["eval_accuracy"])
    assert {t["name"] for t in result["targets"]} >= {"accuracy loss (recipe - app)"}


def test_app_overhead(tmp_path):
    result = run_quick("app_overhead", tmp_path)
    res = result["results"]
    assert res["ratio_b_over_a"]["median"] > 0
    assert res["b job manager"]["runs"][0]["steps"] == 3
    assert res["b+ app defaults"]["runs"][0]["baseline_accuracy"] is not None  # evaluate_before ran


def test_loop_vs_trainer(tmp_path):
    result = run_quick("loop_vs_trainer", tmp_path)
    assert set(result["results"]) == {"trainer", "loop", "accelerate"}
    for form in result["results"].values():
        assert 0.0 <= form["accuracy_median"] <= 1.0 and form["wall_s_median"] > 0
    assert result["targets"][0]["name"].startswith("accuracy |loop - Trainer|")


def test_step_through(tmp_path):
    result = run_quick("step_through", tmp_path)
    assert set(result["medians_s"]) == {"prepare", "batch", "forward", "loss", "backward", "step", "after"}
    assert all(value >= 0 for value in result["medians_s"].values())


def test_tutorial_recipe(tmp_path):
    result = run_quick("tutorial_recipe", tmp_path)
    assert result["result"]["train_rows"] == 32 and result["result"]["eval_accuracy"] is not None


def test_gpu_recipe_exits_cleanly_without_gpu(tmp_path):
    result = run_quick("gpu_recipe", tmp_path, timeout=120)
    import torch

    if not torch.cuda.is_available():
        assert "GPU" in result["skipped"]


@SLOW
def test_data_scale(tmp_path):
    result = run_quick("data_scale", tmp_path)
    for kind in ("file", "disk"):
        assert result["results"][kind]["rows"] == 20_000
        assert result["results"][kind]["token_stats"]["measured"] == 10_000


@SLOW
def test_fair_shares(tmp_path):
    result = run_quick("fair_shares", tmp_path, timeout=400)
    assert result["stranger_accepted"] <= 4 and result["students_refused"] == 0  # one address, one stranger


@SLOW
def test_chat_shares(tmp_path):
    result = run_quick("chat_shares", tmp_path, timeout=600)
    assert set(result["results"]) == {"students alone", "stranger, no limits", "stranger, limits"}
    assert result["results"]["stranger, limits"]["stranger"]["answered"] <= 20  # MODEL_CALLS_PER_MINUTE


@SLOW
def test_classroom(tmp_path):
    result = run_quick("classroom", tmp_path, timeout=900)
    assert result["students"] == 3 and result["refused"] == [] and result["ended"] == {"done": 3}


@SLOW
def test_responsiveness(tmp_path):
    result = run_quick("responsiveness", tmp_path, timeout=400, result="responsiveness_nice10")
    assert "/sample_rows" in result["results"]["endpoints"]
    assert result["results"]["idle"]["all"]["n"] > 0
    window = result["results"]["loaded_cpu"][0]  # where the CPU went while training and serving
    assert window["server_cpu_s"] > 0 and window["client_cpu_s"] > 0 and window["training_cpu_s"] > 0


def test_load_locust(tmp_path):
    """3 locust visitors for a few seconds, idle and while a tiny model trains (offline, under a minute)."""
    if importlib.util.find_spec("locust") is None:  # not importorskip: importing locust lets gevent patch this process
        pytest.skip("locust is not installed (requirements-dev.txt)")
    result = run_quick("load_locust", tmp_path, timeout=120, result="load_locust_quick")
    res = result["results"]
    for kind in ("idle", "training"):  # every visitor loaded the sample, then called both endpoints
        assert res[kind]["load_dataset"]["n"] == res["users"] == 3
        assert res[kind]["steady"]["n"] > 0 and res[kind]["steady"]["p95_ms"] > 0
    assert all(w.get("n_failed", 0) == 0 for w in res["windows"]), [w.get("failures") for w in res["windows"]]
    loaded = next(w for w in res["windows"] if w["kind"] == "training")
    cpu = loaded["cpu"]  # where the CPU went while training and serving
    assert cpu["server_cpu_s"] > 0 and cpu["visitors_cpu_s"] > 0 and cpu["training_cpu_s"] > 0
    assert loaded["train_samples_per_s"] is not None  # a few seconds of a shared machine: the rate may be 0
    assert any(w["train_samples_per_s"] for w in res["windows"] if w["kind"] == "solo")
    assert {t["name"] for t in result["targets"]} >= {"training throughput kept with visitors"}


def test_load_profile_breakdown(tmp_path):
    sys.path.insert(0, str(BENCH))
    from load_profile import breakdown

    raw = tmp_path / "spy.txt"
    raw.write_text("thread (1): AnyIO worker thread;run (a.py:1);sample_rows (ui/datasets/handlers.py:9) 3\n"
                   "thread (2): Thread-3 (run);Queue.compute_analytics_summary (gradio/queueing.py:200) 1\n")
    result = breakdown(raw, calls=2, seconds=1, rate=100)
    assert result["samples"] == 4 and result["gil_busy"] == pytest.approx(0.04)
    assert result["phases"]["handler /sample_rows"]["ms_per_call"] == pytest.approx(15.0)


def test_common_statistics():
    sys.path.insert(0, str(BENCH))
    from common import median, percentile

    assert median([3, 1, 2]) == 2
    assert percentile([0, 10], 95) == pytest.approx(9.5)
    assert percentile(list(range(101)), 50) == 50


def test_what_to_train(tmp_path):
    result = run_quick("what_to_train", tmp_path, timeout=400)
    runs = result["results"]
    assert set(runs) == {"full", "head", "last_n_layers", "lora"}
    for mode, variant in runs.items():
        assert variant["samples_per_s"] > 0 and 0.0 <= variant["eval_accuracy"] <= 1.0, mode
        assert variant["peak_rss_mb"] >= variant["rss_at_train_start_mb"] > 0
    assert runs["head"]["trainable_params"] < runs["lora"]["trainable_params"] < runs["full"]["trainable_params"]
    assert runs["lora"]["weights_bytes"] < runs["full"]["weights_bytes"]
    assert {t["name"] for t in result["targets"]} >= {"head / full train samples/s"}


@SLOW
def test_causal_lm(tmp_path):
    result = run_quick("causal_lm", tmp_path, timeout=600)
    packed, padded, _ = result["throughput"]
    assert packed["padding_share"] == 0 and padded["padding_share"] > 0.2
    assert result["pretrain"]["perplexity_after"] < result["pretrain"]["perplexity_before"]
    assert 0 <= result["domain"]["hotel_word_share_after"] <= 1


@SLOW
def test_oversized_request(tmp_path):
    result = run_quick("oversized_request", tmp_path, timeout=400)
    first = result["results"][0]
    assert first["server_alive"] and not first["ok"] and "MAX_REQUEST_MB" in first["error"]


@SLOW
def test_hostile_memory(tmp_path):
    result = run_quick("hostile_memory", tmp_path, timeout=300)
    assert result["returncode"] == 0 and result["pytest_peak_rss_mb"] > 0


@SLOW
def test_chat(tmp_path):
    """A 4-step pretraining, 2 steps of the chat preset per loss, 6 answers each, a 32-review MiniLM scoring the 60
    held-out sentiment rows: the script works (SmolLM2 is left out)."""
    result = run_quick("chat", tmp_path, timeout=600)
    assert result["before"]["all"]["answers"] == 6 and result["assistant_only"][0]["steps"] == 2
    assert result["assistant_only"][0]["all_test_reviews"]["reviews"] == 8  # (quick: the first 8 test reviews)
    assert {"stop_rate", "accuracy"} <= set(result["all"][0]["after"]["all"])
    assert result["minilm"]["quick_demo"]["rows"] == 60 and 0 <= result["minilm"]["quick_demo"]["accuracy"] <= 1
    assert [row["packing"] for row in result["throughput"]] == [True, False]
    assert all(row["trained_tokens_per_s"] > 0 for row in result["throughput"])


@SLOW
def test_dpo(tmp_path):
    """A 4-step pretraining, a 2-step chat SFT, the log and DPO presets in 2 steps each, 6 held-out pairs measured
    (no SmolLM2)."""
    result = run_quick("dpo", tmp_path, timeout=900)
    assert result["log_sft"]["steps"] == 2 and result["runs"][0]["steps"] == 2
    for measured in (result["before"], result["runs"][0]["after"]):
        assert 0.0 <= measured["win_share"] <= 1.0 and measured["greedy"]["answers"] == 6
        assert set(measured["sampled"]) >= {"exact_chosen", "content_exact", "tail", "rude", "sentiment_accuracy"}
    assert 0.0 <= result["runs"][0]["drift"]["answers_changed"] <= 1.0


@SLOW
def test_phases(tmp_path):
    """A tiny quick demo through trainer.run: every stage around its steps is timed (bench/phases.py)."""
    result = run_quick("phases", tmp_path, timeout=400)["results"]
    assert result["state"] == "done" and 0 < result["longest_silence_s"] <= result["total_s"]
    assert {"loading", "baseline", "train", "final_eval", "saving", "results"} <= set(result["stages_s"])
