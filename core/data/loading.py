"""Load a DatasetSource as a DatasetDict (Hub, csv/tsv/json/jsonl/parquet file, saved folder, embedded sample),
cached so many sessions share one memory-mapped copy."""

from __future__ import annotations

import codecs
import logging
import threading
from collections import OrderedDict
from pathlib import Path

import pandas as pd

from core import sources
from core.data.source import FILE_BUILDERS, SAMPLE_DIR, DatasetSource
from core.messages import N_, UserError
from core.settings import get_settings

log = logging.getLogger(__name__)

_CACHE_SIZE = 8
_cache: "OrderedDict[str, object]" = OrderedDict()
_cache_lock = threading.Lock()


def load_source(source: DatasetSource):
    """Load a source as a DatasetDict (cached: many sessions share one memory-mapped copy)."""
    import datasets

    with _cache_lock:
        if source.key in _cache:
            _cache.move_to_end(source.key)
            return _cache[source.key]
    loaders = {"sample": _load_sample, "hub": _load_hub, "file": _load_file, "disk": _load_disk}
    dsd = loaders[source.kind](source)
    if not isinstance(dsd, datasets.DatasetDict):
        dsd = datasets.DatasetDict({source.split or "train": dsd})
    if source.split:
        if source.split not in dsd:
            raise UserError("Split {split!r} not found: choose one of {choices}", split=source.split,
                            choices=", ".join(dsd))
        dsd = datasets.DatasetDict({source.split: dsd[source.split]})
    for name, split in dsd.items():
        if len(split) == 0:
            raise UserError("Split {split!r} is empty: choose another split or a file with rows", split=name)
    with _cache_lock:
        _cache[source.key] = dsd
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return dsd


def _load_sample(source: DatasetSource):
    import datasets

    files = {split: str(SAMPLE_DIR / f"{split}.csv") for split in ("train", "test")}
    features = datasets.Features({"text": datasets.Value("string"),
                                  "label": datasets.ClassLabel(names=["negative", "positive"]),
                                  "domain": datasets.Value("string")})
    dsd = datasets.load_dataset("csv", data_files=files)
    return dsd.cast(features)


def _load_hub(source: DatasetSource):
    import datasets
    from datasets.exceptions import DatasetNotFoundError

    if not sources.is_dataset_cached(source.name):  # a prefetched dataset loads offline from the cache
        sources.require_online(N_("Hub dataset {name} (not in the local cache)").format(name=repr(source.label)))
    try:
        return datasets.load_dataset(source.name.strip(), source.config.strip() or None,
                                     split=source.split or None)
    except DatasetNotFoundError as err:
        raise UserError("Dataset {name!r} was not found on the Hub: check the id (e.g. imdb, glue + config mrpc)",
                        name=source.name) from err
    except ValueError as err:
        if "config" in str(err).lower():
            raise UserError("{name!r} needs a config name: {error}", name=source.name, error=err) from err
        raise
    except ConnectionError as err:
        raise UserError("The Hub could not be reached for {name!r}: try again or use a file", name=source.label) from err


def check_upload(path: Path) -> str:
    """Validate an uploaded file before parsing it; returns the datasets builder to use."""
    if not path.is_file():
        raise UserError("File {name!r} was not found: upload it again", name=path.name)
    builder = FILE_BUILDERS.get(path.suffix.lower())
    if builder is None:
        raise UserError("{suffix} is not supported: upload a .csv, .tsv, .json, .jsonl or .parquet file",
                        suffix=path.suffix or "This file type")
    size_mb = path.stat().st_size / 2**20
    limit = get_settings().max_upload_mb
    if size_mb > limit:
        raise UserError("{name} is {size:.0f} MB, over the {limit} MB upload limit: upload a smaller sample, or raise "
                        "MAX_UPLOAD_MB", name=path.name, size=size_mb, limit=limit)
    if path.stat().st_size == 0:
        raise UserError("{name} is empty: upload a file with a header and rows", name=path.name)
    if builder != "parquet":
        _check_utf8(path)
    return builder


def _check_utf8(path: Path) -> None:
    with path.open("rb") as fh:
        offset = 0
        decoder = codecs.getincrementaldecoder("utf-8")()
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                raise UserError("{name} is not UTF-8 text (byte {byte}): re-save it as UTF-8 (e.g. in a spreadsheet: "
                                "CSV UTF-8)", name=path.name, byte=offset + err.start) from err
            offset += len(chunk)


def _load_file(source: DatasetSource):
    import datasets

    path = Path(source.path)
    builder = check_upload(path)
    kwargs = {"delimiter": "\t"} if path.suffix.lower() == ".tsv" else {}
    try:
        return datasets.load_dataset(builder, data_files={"train": str(path)}, **kwargs)
    except (datasets.exceptions.DatasetGenerationError, ValueError, pd.errors.ParserError) as err:
        cause = err.__cause__ or err
        if "corresponds to no data" in str(cause):
            raise UserError("{name} is empty: it has no rows, add some under the header", name=path.name) from err
        raise UserError("{name} could not be read as {kind} ({error}): check the file is valid", name=path.name,
                        kind=path.suffix.lstrip(".").upper(), error=f"{type(cause).__name__}: {str(cause)[:200]}") from err


def _load_disk(source: DatasetSource):
    import datasets

    try:
        return datasets.load_from_disk(source.path)
    except FileNotFoundError as err:
        raise UserError("{path} is not a dataset saved with save_to_disk: check the folder", path=source.path) from err
