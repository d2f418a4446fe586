"""Loading models from several threads at once must not break later loads (core.model.load_lock): without the lock,
transformers' no-op swaps leak and every later model's output layer stays on the meta device."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    import sys, tempfile, threading
    from transformers import AutoModelForCausalLM, GPT2Config, GPT2LMHeadModel
    if sys.argv[1] == "lock":
        from core.model.load_lock import install
        install()
    folder = tempfile.mkdtemp()
    GPT2LMHeadModel(GPT2Config(n_layer=1, n_embd=32, n_head=2, vocab_size=300, n_positions=64)).save_pretrained(folder)
    def load():
        for _ in range(15):
            AutoModelForCausalLM.from_pretrained(folder)
    threads = [threading.Thread(target=load) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    model = AutoModelForCausalLM.from_pretrained(folder)
    print("DEVICE", model.lm_head.weight.device.type, model.lm_head.weight is model.transformer.wte.weight)
""")


def _device_after_threads(mode: str) -> str:
    done = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=600,
                          cwd=str(ROOT), env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})
    lines = [line for line in done.stdout.splitlines() if line.startswith("DEVICE")]
    assert lines, done.stderr[-2000:]
    return lines[0]


def test_threads_loading_at_once_leave_later_models_whole_with_the_lock():
    assert _device_after_threads("lock") == "DEVICE cpu True"
