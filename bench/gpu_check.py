"""The GPU path in one short run (issue 28): environment, the engine against the tutorial recipe, LoRA, causal LM
packing and the step-through, on one GPU, offline, in under 8 minutes. How to run it: bench/gpu_check.md.

1. The environment: Python, torch, CUDA, the GPU, each package's version against requirements.txt's pin and where
   it comes from (installed, or the bundle scripts/prepare_gpu_check.py made), what is missing, the network.
2. A bert-base-sized classifier (random weights from a config) on the embedded reviews: through the app's engine
   (job manager, child process, precision auto, dynamic padding) and through the tutorial recipe in this process
   (padding to max_length, fp32): samples/s and tokens/s after a warm-up, peak GPU memory, MFU.
3. MiniLM (carried in half precision, when the bundle has it) trained for 3 epochs both ways: accuracy.
4. LoRA on the bert-base-sized model; causal LM packing on the tiny GPT and a GPT-2-small-sized model (a config).
5. The step-through on the GPU machine (it stays on the CPU by design: the check proves CUDA is left untouched).
Writes gpu_check.json and gpu_check.md into the folder given. --dry-run: the same code on the CPU at tiny sizes.

    python bench/gpu_check.py OUT_DIR [--dry-run] [--bundle .whl/gpu] [--budget-s 420] [--peak-tflops N]
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import platform
import sys
import tarfile
import time
from importlib import metadata, util
from pathlib import Path

import common  # noqa: F401  (offline env + repo root on sys.path before any Hugging Face import)

from common import ROOT, report

# (distribution, module): what the engine imports on the GPU machine; gradio and trl are not needed by the check.
PACKAGES = (("torch", "torch"), ("transformers", "transformers"), ("accelerate", "accelerate"), ("peft", "peft"),
            ("pandas", "pandas"), ("tokenizers", "tokenizers"), ("safetensors", "safetensors"),
            ("datasets", "datasets"), ("pyarrow", "pyarrow"), ("evaluate", "evaluate"),
            ("scikit-learn", "sklearn"), ("scipy", "scipy"), ("cachetools", "cachetools"), ("psutil", "psutil"),
            ("numpy", "numpy"), ("gradio", "gradio"), ("trl", "trl"))
NOT_NEEDED = {"gradio", "trl"}
SIZES = {  # the real run, and the dry run's tiny stand-ins for the same code
    "full": dict(bert={"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
                       "intermediate_size": 3072}, steps=60, warmup=10, batch=32, max_length=128, minilm_epochs=3,
                 gpt={"n_layer": 12, "n_embd": 768, "n_head": 12, "n_positions": 1024}, gpt_steps=40, block=256,
                 logging_steps=5, eval_rows=0),
    "dry": dict(bert={"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64},
                steps=3, warmup=1, batch=8, max_length=32, minilm_epochs=0,
                gpt={"n_layer": 2, "n_embd": 32, "n_head": 2, "n_positions": 128}, gpt_steps=3, block=64,
                logging_steps=1, eval_rows=32),
}


def use_bundle(folder: Path) -> dict:
    """Unpack the prepared bundle (once) and put its packages first on sys.path, for this process and the spawned
    training processes (spawn passes sys.path on); MiniLM fp16 becomes an fp32 folder, as the Hub's MiniLM is."""
    info = {"folder": str(folder), "site": None, "minilm": None}
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return info
    info["manifest"] = json.loads(manifest.read_text())
    wanted = info["manifest"].get("python_version", "")
    if wanted != "{}.{}".format(*sys.version_info[:2]):
        info["problem"] = f"the bundle is for Python {wanted}, this is {platform.python_version()}: not used"
        return info
    for name in ("site-packages", "minilm-fp16", "tokenizer"):
        archive = folder / f"{name}.tar.xz"
        if archive.is_file() and not (folder / name / ".unpacked").exists():
            with lzma.open(archive) as raw, tarfile.open(fileobj=raw) as tar:
                tar.extractall(folder / name, filter="data")
            (folder / name / ".unpacked").touch()
    # a folder named site-packages: dill (under datasets' fingerprints) pickles modules from anywhere else by value,
    # and evaluate's metrics then fail to pickle pyarrow's types
    if (folder / "site-packages").is_dir():
        info["site"] = str(folder / "site-packages")
        sys.path.insert(0, info["site"])
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [info["site"], os.environ.get("PYTHONPATH")]))
    if (folder / "minilm-fp16").is_dir():
        info["minilm"] = str(to_fp32(folder / "minilm-fp16", folder / "minilm"))
    return info


def to_fp32(source: Path, dest: Path) -> Path:
    import torch
    from transformers import AutoModel, AutoTokenizer

    if not (dest / "config.json").exists():
        AutoModel.from_pretrained(str(source), dtype=torch.float32).save_pretrained(dest)
        AutoTokenizer.from_pretrained(str(source)).save_pretrained(dest)
    return dest


def pins() -> dict[str, str]:
    """requirements.txt's name==version lines."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return {name.strip().lower(): version.strip() for name, sep, version in
            (line.split("#")[0].partition("==") for line in lines) if sep}


def environment(bundle: dict) -> dict:
    """Versions, where each package comes from, what is missing, the GPU and the network."""
    pinned, packages, missing = pins(), {}, []
    for dist, module in PACKAGES:
        spec = util.find_spec(module)
        try:
            version = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = None
        if spec is None:
            packages[dist] = {"version": None, "pin": pinned.get(dist)}
            missing += [] if dist in NOT_NEEDED else [dist]
            continue
        origin = "bundle" if bundle.get("site") and str(spec.origin).startswith(bundle["site"]) else "installed"
        packages[dist] = {"version": version, "pin": pinned.get(dist), "from": origin}
    env = {"python": platform.python_version(), "packages": packages, "missing": missing,
           "differs_from_pin": sorted(d for d, p in packages.items() if p["version"] and p["pin"]
                                      and p["version"].split("+")[0] != p["pin"]),
           "network": "reachable" if hub_reachable() else "none"}
    import torch

    env["cuda"] = torch.cuda.is_available()
    if env["cuda"]:
        props = torch.cuda.get_device_properties(0)
        env.update(gpu=torch.cuda.get_device_name(0), gpu_memory_gib=round(props.total_memory / 2**30, 1),
                   capability=".".join(map(str, torch.cuda.get_device_capability(0))), torch_cuda=torch.version.cuda,
                   bf16=torch.cuda.is_bf16_supported(), gpus=torch.cuda.device_count())
    return env


def hub_reachable(timeout: float = 2.0) -> bool:
    import socket
    import threading

    result: list[bool] = []

    def probe() -> None:  # DNS ignores socket timeouts: the probe runs in a thread we can leave behind
        try:
            with socket.create_connection(("huggingface.co", 443), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout + 1)
    return bool(result and result[0])


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path, help="folder for gpu_check.json, gpu_check.md and the runs")
    p.add_argument("--dry-run", action="store_true", help="the same code on the CPU at tiny sizes (CI)")
    p.add_argument("--bundle", type=Path, default=ROOT / ".whl" / "gpu", help="what prepare_gpu_check.py made")
    p.add_argument("--budget-s", type=float, default=None,
                   help="no part starts after this many seconds (default 420; no limit in a dry run)")
    p.add_argument("--peak-tflops", type=float, default=0.0, help="the GPU's dense bf16 peak, if not in the table")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.budget_s is None:  # the GPU machine gives a command 10 minutes; a slow CI machine still runs every part
        args.budget_s = float("inf") if args.dry_run else 420.0
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    bundle = use_bundle(args.bundle)
    env = environment(bundle)
    report(f"python {env['python']}, cuda {env['cuda']} {env.get('gpu', '')}; missing: {env['missing'] or 'nothing'}; "
           f"differs from pin: {env['differs_from_pin'] or 'nothing'}; network: {env['network']}")
    if not env["cuda"] and not args.dry_run:
        report("no CUDA GPU here: run with --dry-run for the CPU rehearsal")
        return 2
    from gpu_runs import markdown, run_parts  # after use_bundle: they import what the bundle carries

    rows = run_parts(args, SIZES["dry" if args.dry_run else "full"], env, bundle, started)
    result = {"benchmark": "gpu_check", "dry_run": args.dry_run, "environment": env, "bundle": bundle, "rows": rows,
              "seconds": round(time.perf_counter() - started, 1)}
    (args.out / "gpu_check.json").write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    (args.out / "gpu_check.md").write_text(markdown(result), encoding="utf-8")
    failed = [r["part"] for r in rows if r.get("error")]
    report(f"done in {result['seconds']} s; wrote {args.out / 'gpu_check.json'} and gpu_check.md; "
           f"failed: {failed or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
