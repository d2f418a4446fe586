"""Load a DatasetSource as a DatasetDict (Hub, csv/tsv/json/jsonl/parquet file, saved folder, embedded sample),
cached so many sessions share one memory-mapped copy."""

from __future__ import annotations

import csv
import json
import logging
import threading
from pathlib import Path

import pandas as pd
from cachetools import LRUCache, cached

from core import sources
from core.data import uploads
from core.data.conversations import load_chat_sample
from core.data.preferences import load_pref_sample
from core.data.source import CHAT_SAMPLE, PREFS_SAMPLE, SAMPLE_DIR, DatasetSource
from core.messages import N_, UserError
from core.settings import get_settings

log = logging.getLogger(__name__)

_CACHE_SIZE = 8
MAX_COLUMNS = 1_000  # a text dataset has a few; thousands make every step slow
JSON_PEEK_CHARS = 4 * 2**20  # the first JSON record is read from this much of the file
_cache: LRUCache = LRUCache(maxsize=_CACHE_SIZE)  # source key -> DatasetDict, the least recently used go first
_cache_lock = threading.Lock()


@cached(_cache, key=lambda source: source.key, lock=_cache_lock)  # the lock is not held while a source loads
def load_source(source: DatasetSource):
    """Load a source as a DatasetDict (cached: many sessions share one memory-mapped copy)."""
    import datasets  # slow import, deferred to first use

    loaders = {"sample": _load_sample, "hub": _load_hub, "upload": _load_upload, "file": _load_file,
               "disk": _load_disk}
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
    return dsd


def _load_sample(source: DatasetSource):
    import datasets  # slow import, deferred to first use

    if source.name == CHAT_SAMPLE:  # the conversations: messages, and each one's task and known answer
        return load_chat_sample()
    if source.name == PREFS_SAMPLE:  # the preference pairs: prompt, chosen, rejected, and task, language, flaw
        return load_pref_sample()

    files = {split: str(SAMPLE_DIR / f"{split}.csv") for split in ("train", "test")}
    features = datasets.Features({"text": datasets.Value("string"),
                                  "label": datasets.ClassLabel(names=["negative", "positive"]),
                                  "domain": datasets.Value("string")})
    dsd = datasets.load_dataset("csv", data_files=files)
    return dsd.cast(features)


def _load_hub(source: DatasetSource):
    import datasets  # slow import, deferred to first use
    from datasets.exceptions import DatasetNotFoundError

    # a name that is also a folder under the working folder would be read from disk: on a public server it is
    # answered as unknown (the server's folders stay unknown too; app.main also moves to an empty folder)
    clash = get_settings().public and Path(source.name.strip()).exists()
    if clash or not sources.is_dataset_cached(source.name):  # a prefetched dataset loads offline from the cache
        sources.require_online(N_("Hub dataset {name} (not in the local cache)").format(name=repr(source.label)))
    if clash:
        raise UserError("Dataset {name!r} was not found on the Hub: check the id (e.g. imdb, glue + config mrpc)",
                        name=source.name)
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


def _load_file(source: DatasetSource):
    return _read_file(Path(source.path), Path(source.path).name)


def _load_upload(source: DatasetSource):
    path, name = uploads.data_file(source.upload)
    return _read_file(path, name)


def _read_file(path: Path, name: str):
    """A csv/tsv/json/jsonl/parquet file as a DatasetDict with one 'train' split; name is what messages show."""
    import datasets  # slow import, deferred to first use

    builder = uploads.check_upload(path, name)
    suffix = uploads.suffix_of(name)
    _check_width(path, name, suffix)
    kwargs = {"delimiter": "\t"} if suffix == ".tsv" else {}
    try:
        return datasets.load_dataset(builder, data_files={"train": str(path)}, **kwargs)
    except (datasets.exceptions.DatasetGenerationError, ValueError, pd.errors.ParserError) as err:
        cause = err.__cause__ or err
        if "corresponds to no data" in str(cause):
            raise UserError("{name} is empty: it has no rows, add some under the header", name=name) from err
        detail = str(cause).replace(str(path), name)[:200]  # the library names the stored file's path
        raise UserError("{name} could not be read as {kind} ({error}): check the file is valid", name=name,
                        kind=suffix.lstrip(".").upper(), error=f"{type(cause).__name__}: {detail}") from err


def _check_width(path: Path, name: str, suffix: str) -> None:
    """Refuse a table wider than MAX_COLUMNS before parsing it: reading thousands of columns takes minutes of the
    server's CPU. The header (or the first record) is read whole, so long names cannot hide columns."""
    columns = _column_count(path, suffix)
    if columns > MAX_COLUMNS:
        raise UserError("{name} has {count:,} columns, over the {limit} this app reads: keep the text and label "
                        "columns (and a few more) and upload it again", name=name, count=columns, limit=MAX_COLUMNS)


def _column_count(path: Path, suffix: str) -> int:
    if suffix in (".csv", ".tsv"):
        with path.open("r", encoding="utf-8", newline="") as fh:
            return len(next(csv.reader(fh, delimiter="\t" if suffix == ".tsv" else ","), []))
    if suffix == ".parquet":
        import pyarrow.parquet as pq  # slow import, deferred to first use

        try:
            return len(pq.read_schema(path).names)
        except (OSError, ValueError):
            return 0  # not parquet: the reader says so, with the file's name
    return _json_keys(path)


def _json_keys(path: Path) -> int:
    """Keys of the first record of a JSON array, a JSON object or JSON lines (0 when it cannot be read here)."""
    with path.open("r", encoding="utf-8") as fh:
        head = fh.read(JSON_PEEK_CHARS).lstrip()
    if head.startswith("["):
        head = head[1:].lstrip()
    try:
        record, _ = json.JSONDecoder().raw_decode(head)
    except json.JSONDecodeError:
        # a first record bigger than the peek is itself too wide to serve; a broken file is the reader's to name
        return MAX_COLUMNS + 1 if len(head) >= JSON_PEEK_CHARS - 1 else 0
    return len(record) if isinstance(record, dict) else 0


def _load_disk(source: DatasetSource):
    import datasets  # slow import, deferred to first use

    try:
        return datasets.load_from_disk(source.path)
    except FileNotFoundError as err:
        raise UserError("{path} is not a dataset saved with save_to_disk: check the folder", path=source.path) from err
