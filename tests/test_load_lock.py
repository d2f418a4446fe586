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
    config = GPT2Config.from_pretrained(folder)
    untied = []
    def load():
        for _ in range(15):
            AutoModelForCausalLM.from_pretrained(folder)
    def build():  # a model built from a config meanwhile must come out whole
        for _ in range(40):
            built = AutoModelForCausalLM.from_config(config)
            untied.append(built.lm_head.weight is not built.transformer.wte.weight)
    threads = [threading.Thread(target=load) for _ in range(4)] + [threading.Thread(target=build)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    model = AutoModelForCausalLM.from_pretrained(folder)
    print("DEVICE", model.lm_head.weight.device.type, model.lm_head.weight is model.transformer.wte.weight)
    print("BUILT untied", sum(untied), "of", len(untied))
""")


def _after_threads(mode: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=600,
                          cwd=str(ROOT), env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})
    lines = [line for line in done.stdout.splitlines() if line.startswith(("DEVICE", "BUILT"))]
    assert len(lines) == 2, done.stderr[-2000:]
    return lines


def test_threads_loading_at_once_leave_later_models_whole_with_the_lock():
    assert _after_threads("lock") == ["DEVICE cpu True", "BUILT untied 0 of 40"]


def test_building_from_a_config_waits_for_a_load_in_progress():
    """from_pretrained turns weight tying and init into no-ops while it loads: a model built from a config in another
    thread meanwhile (the Model tab's skeleton, a tiny GPT, LoRA layers) would come out untied, so it waits."""
    import threading

    from transformers import AutoModelForCausalLM, GPT2Config

    from core.model import load_lock

    load_lock.install()
    built = []
    config = GPT2Config(n_layer=1, n_embd=32, n_head=2, vocab_size=300, n_positions=64)
    builder = threading.Thread(target=lambda: built.append(AutoModelForCausalLM.from_config(config)))
    with load_lock.loading():  # a load in progress in this thread
        builder.start()
        builder.join(1.0)
        assert builder.is_alive() and not built  # it waits for the load to end
    builder.join(60)
    assert built and built[0].lm_head.weight is built[0].transformer.wte.weight
