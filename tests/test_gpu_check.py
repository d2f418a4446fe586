"""bench/gpu_check.py (issue 28): its --dry-run runs every part of the GPU check on the CPU at tiny sizes, so the
check is known to work before a GPU machine comes; the figures it derives (throughput, MFU) and the preparation
script's packing are checked on small, known inputs."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "scripts"))

PARTS = ["bert-base-sized speed: engine", "bert-base-sized speed: recipe", "MiniLM accuracy: engine",
         "MiniLM accuracy: recipe", "LoRA on bert-base-sized: engine", "tiny GPT packing: engine",
         "GPT-2-small-sized packing: engine", "step-through"]


def test_dry_run_runs_every_part(tmp_path):
    env = {**os.environ, "BENCH_OUT": str(tmp_path / "bench"), "CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, str(BENCH / "gpu_check.py"), str(tmp_path / "out"), "--dry-run",
                           "--bundle", str(tmp_path / "no-bundle")], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    result = json.loads((tmp_path / "out" / "gpu_check.json").read_text())
    rows = {row["part"]: row for row in result["rows"]}
    assert list(rows) == PARTS
    assert not [row for row in rows.values() if row.get("error") or row.get("skipped")]
    for name in PARTS[:-1]:  # every training part trained and was timed after its warm-up
        assert rows[name]["samples_per_s"] > 0 and rows[name]["tokens_per_s"] > 0, name
        assert rows[name]["steps"] == 4, name
    engine = rows["bert-base-sized speed: engine"]
    assert engine["path"].startswith("engine") and engine["device"] == "cpu" and engine["args"]["bf16"] is False
    assert rows["bert-base-sized speed: recipe"]["padding"] == "max_length 32"
    assert 0 <= rows["MiniLM accuracy: recipe"]["accuracy"] <= 1 and rows["MiniLM accuracy: engine"]["accuracy"] >= 0
    assert rows["tiny GPT packing: engine"]["perplexity"] > 1
    assert rows["step-through"]["device"] == "cpu" and rows["step-through"]["stages"] == 6
    env_info = result["environment"]
    assert env_info["missing"] == [] and env_info["network"] == "none" and env_info["cuda"] is False
    table = (tmp_path / "out" / "gpu_check.md").read_text()
    assert table.count("\n| ") == len(PARTS) + 1 and "dry run" in table


def test_no_gpu_without_dry_run_says_so(tmp_path):
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    proc = subprocess.run([sys.executable, str(BENCH / "gpu_check.py"), str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "--dry-run" in proc.stdout


def test_throughput_from_records_skips_the_warm_up():
    from gpu_parts import records_rate

    points = [{"kind": "train", "step": 1, "time": 100.0, "loss": 1.0},  # the warm-up step: not timed
              {"kind": "eval", "step": 5, "time": 100.5},
              {"kind": "train", "step": 5, "time": 101.0, "loss": 0.9},
              {"kind": "train", "step": 15, "time": 103.0, "loss": 0.8},
              {"kind": "train", "step": 15, "time": 104.0, "train_loss": 0.8}]  # the end-of-training summary
    assert records_rate(points, batch=8, warmup=5) == pytest.approx(10 * 8 / 2.0)
    assert records_rate(points[:3], batch=8, warmup=5) is None


def test_mfu_counts_bert_base_as_the_palm_formula():
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from gpu_parts import BERT_BASE, mfu, peak_flops, train_flops_per_token

    with torch.device("meta"):
        model = BertForSequenceClassification(BertConfig(vocab_size=30522, num_labels=2, **BERT_BASE))
    per_token = train_flops_per_token(model, seq_len=128)
    body = 12 * (4 * 768 * 768 + 2 * 768 * 3072)  # attention and MLP weights of 12 layers
    assert 6 * body < per_token < 6 * body * 1.05 + 12 * 12 * 768 * 128  # + biases, norms, pooler, head
    assert train_flops_per_token(model, 128, lora=True) < per_token
    assert peak_flops("NVIDIA H100 80GB HBM3") == peak_flops("NVIDIA H200") == 989e12
    assert peak_flops("Some GPU") is None and peak_flops("Some GPU", 100) == 1e14
    assert mfu(1e6, per_token, 989e12) == pytest.approx(1e6 * per_token / 989e12, abs=1e-4)
    assert mfu(None, per_token, 989e12) is None


def test_bundle_for_another_python_is_not_used(tmp_path):
    from gpu_check import use_bundle

    (tmp_path / "manifest.json").write_text(json.dumps({"python_version": "2.7"}))
    info = use_bundle(tmp_path)
    assert info["site"] is None and "Python 2.7" in info["problem"]
    assert use_bundle(tmp_path / "absent") == {"folder": str(tmp_path / "absent"), "site": None, "minilm": None}


def test_prepare_leaves_out_what_no_import_reaches(tmp_path):
    from prepare_gpu_check import pack, unpack

    wheel = tmp_path / "pyarrow-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name in ("pyarrow/__init__.py", "pyarrow/lib.so", "pyarrow/libarrow_flight.so.2600",
                     "pyarrow/tests/test_x.py", "pyarrow/include/arrow/api.h", "pyarrow/_s3fs.so",
                     "pyarrow-1.0.dist-info/METADATA"):
            archive.writestr(name, "x" * 100)
    left_out = unpack([wheel], tmp_path / "site")
    kept = sorted(str(p.relative_to(tmp_path / "site")) for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert kept == ["pyarrow-1.0.dist-info/METADATA", "pyarrow/__init__.py", "pyarrow/lib.so"]
    assert left_out == 400
    assert 0 < pack(tmp_path / "site", tmp_path / "site.tar.xz") < 1000


def test_a_half_precision_checkpoint_trains_fp32_weights(tmp_path):
    """transformers 5 loads a checkpoint in its stored dtype; the GPU path's mixed precision needs fp32 weights (fp16
    AMP refuses half-precision ones), so the training loaders ask for fp32 (found preparing MiniLM in fp16)."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification, GPT2Config, GPT2LMHeadModel

    from core.model.causal_lm import load_causal_lm
    from core.model.checkpoints import load_classifier
    from core.sources import embedded_model_path

    tok = AutoTokenizer.from_pretrained(str(embedded_model_path()))
    BertForSequenceClassification(BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                                             num_attention_heads=2, intermediate_size=37)).half().save_pretrained(
        tmp_path / "bert")
    tok.save_pretrained(tmp_path / "bert")
    GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_layer=1, n_embd=32, n_head=2)).half().save_pretrained(
        tmp_path / "gpt")
    assert next(BertForSequenceClassification.from_pretrained(tmp_path / "bert").parameters()).dtype == torch.float16
    classifier = load_classifier(str(tmp_path / "bert"), ["a", "b"], tok)
    assert {p.dtype for p in classifier.parameters()} == {torch.float32}
    causal = load_causal_lm(str(tmp_path / "gpt"), tok)
    assert {p.dtype for p in causal.parameters()} == {torch.float32}


def test_gpu_memory_reads_nvidia_smi(tmp_path, monkeypatch):
    """Per process (the training child) and the device's rise, from a stand-in nvidia-smi printing what a real one
    prints; the first device reading is the level the rise counts from."""
    from gpu_parts import GpuMemory

    count = tmp_path / "count"
    fake = tmp_path / "nvidia-smi"
    fake.write_text(f"""#!/bin/sh
n=$(cat {count} 2>/dev/null || echo 0); echo $((n + 1)) > {count}
case "$1" in
  --query-gpu=*) echo $((1000 + n * 100)) ;;
  *) echo "4242, $((300 + n))"; echo "{os.getpid()}, 9999" ;;
esac
""")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with GpuMemory(every_s=0.05) as memory:
        import time

        time.sleep(0.5)
    assert memory.start_used == 1000 and memory.device_rise() >= 200
    assert 300 < memory.peak(4242) == memory.peak(others=True) < 9999
    assert memory.peak() == 9999


def test_bundle_unpacks_its_packages_and_makes_minilm_fp32(tmp_path, monkeypatch):
    """What prepare_gpu_check packs, gpu_check unpacks: packages first on sys.path (and PYTHONPATH, for the training
    processes), in a folder named site-packages; the half-precision model becomes an fp32 folder."""
    import torch
    from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel

    from core.sources import embedded_model_path
    from gpu_check import use_bundle
    from prepare_gpu_check import pack

    (tmp_path / "pkgs" / "gpu_check_probe").mkdir(parents=True)
    (tmp_path / "bundle").mkdir()
    (tmp_path / "pkgs" / "gpu_check_probe" / "__init__.py").write_text("VALUE = 7\n")
    pack(tmp_path / "pkgs", tmp_path / "bundle" / "site-packages.tar.xz")
    model = tmp_path / "fp16"
    BertModel(BertConfig(vocab_size=64, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=37)).half().save_pretrained(model)
    AutoTokenizer.from_pretrained(str(embedded_model_path())).save_pretrained(model)
    pack(model, tmp_path / "bundle" / "minilm-fp16.tar.xz")
    (tmp_path / "bundle" / "manifest.json").write_text(json.dumps({"python_version": "{}.{}".format(*sys.version_info)}))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setenv("PYTHONPATH", "")
    info = use_bundle(tmp_path / "bundle")
    assert info["site"].endswith("site-packages") and sys.path[0] == info["site"]
    assert os.environ["PYTHONPATH"] == info["site"]
    import gpu_check_probe

    assert gpu_check_probe.VALUE == 7
    assert {p.dtype for p in AutoModel.from_pretrained(info["minilm"]).parameters()} == {torch.float32}
    assert use_bundle(tmp_path / "bundle")["minilm"] == info["minilm"]  # unpacked once, reused
