"""Load datasets (Hub, csv/tsv/json/jsonl/parquet file, saved folder, embedded sample) and describe them."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from core import sources
from core.messages import N_, UserError
from core.settings import get_settings

log = logging.getLogger(__name__)

FILE_BUILDERS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}
TEXT_NAME_HINTS = ("text", "sentence", "review", "content", "body", "document", "question", "premise")
LABEL_NAME_HINTS = ("label", "labels", "class", "target", "sentiment", "category", "stars", "rating")
_CACHE_SIZE = 8


@dataclass(frozen=True)
class DatasetSource:
    """Where a dataset comes from. kind: 'sample' (embedded), 'hub', 'file' (csv/json/parquet) or 'disk'."""

    kind: str = "sample"
    name: str = ""          # Hub id, e.g. "glue"
    config: str = ""        # Hub config, e.g. "mrpc"
    path: str = ""          # file or save_to_disk folder
    split: str = ""         # empty: every split

    def __post_init__(self) -> None:
        if self.kind not in {"sample", "hub", "file", "disk"}:
            raise UserError("Unknown dataset source kind {kind!r}: use sample, hub, file or disk", kind=self.kind)
        if self.kind == "hub" and not self.name.strip():
            raise UserError("Type a Hub dataset id, e.g. imdb or glue (config mrpc)")
        if self.kind in {"file", "disk"} and not self.path:
            raise UserError("Choose a file to upload first")

    @property
    def key(self) -> str:
        return hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        if self.kind == "sample":
            return sources.SAMPLE_NAME
        if self.kind == "hub":
            return self.name + (f"/{self.config}" if self.config else "")
        return Path(self.path).name

    @classmethod
    def from_dict(cls, data: dict) -> "DatasetSource":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


SAMPLE = DatasetSource("sample")

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

    files = {split: str(sources.SAMPLE_DIR / f"{split}.csv") for split in ("train", "test")}
    features = datasets.Features({"text": datasets.Value("string"),
                                  "label": datasets.ClassLabel(names=["negative", "positive"]),
                                  "domain": datasets.Value("string")})
    dsd = datasets.load_dataset("csv", data_files=files)
    return dsd.cast(features)


def _load_hub(source: DatasetSource):
    import datasets
    from datasets.exceptions import DatasetNotFoundError

    from core.prefetch import is_dataset_cached

    if not is_dataset_cached(source.name):  # a prefetched dataset loads offline from the cache
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
        decoder = __import__("codecs").getincrementaldecoder("utf-8")()
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


# ---------------------------------------------------------------- describing

def class_names(dataset, column: str) -> list[str] | None:
    """The ClassLabel names of a column, or None when it holds raw values."""
    feature = dataset.features.get(column)
    return list(feature.names) if getattr(feature, "names", None) else None


def guess_columns(dataset) -> tuple[list[str], str | None]:
    """Pick the text column(s) and the label column where it is obvious."""
    import datasets

    strings = [c for c, f in dataset.features.items()
               if isinstance(f, datasets.Value) and f.dtype in {"string", "large_string"}]
    label = next((c for c, f in dataset.features.items() if isinstance(f, datasets.ClassLabel)), None)
    if label is None:
        label = next((c for c in dataset.column_names if c.lower() in LABEL_NAME_HINTS), None)
    pair = [c for c in ("sentence1", "sentence2") if c in strings] or \
           [c for c in ("question", "sentence") if c in strings]
    if len(pair) == 2:
        return pair, label
    hinted = [c for c in strings if c != label and any(h in c.lower() for h in TEXT_NAME_HINTS)]
    candidates = hinted or [c for c in strings if c != label]
    if not candidates:
        return [], label
    if len(candidates) > 1:  # the longest strings are the text; short ones are ids or categories
        probe = dataset.select(range(min(len(dataset), 200)))
        candidates.sort(key=lambda c: -sum(len(t or "") for t in probe[c]))
    return candidates[:1], label


def describe(dsd) -> dict:
    """Splits with row counts, the features schema and the label names, as plain data."""
    first = next(iter(dsd.values()))
    text_cols, label_col = guess_columns(first)
    return {
        "splits": {name: len(split) for name, split in dsd.items()},
        "features": {col: _feature_text(f) for col, f in first.features.items()},
        "columns": list(first.column_names),
        "text_columns": text_cols,
        "label_column": label_col,
        "label_names": class_names(first, label_col) if label_col else None,
    }


def _feature_text(feature) -> str:
    names = getattr(feature, "names", None)
    if names:
        shown = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
        return f"ClassLabel({len(names)}): {shown}"
    return getattr(feature, "dtype", None) or type(feature).__name__


def sample_rows(dataset, n: int = 10, seed: int | None = 0) -> pd.DataFrame:
    """n random rows (draws n indices and selects them: O(n), never a shuffle), labels shown as names."""
    if len(dataset) == 0:
        raise UserError("This split is empty: choose another split")
    n = max(1, min(int(n), 50, len(dataset)))
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(dataset), size=n, replace=False) if len(dataset) > 4 * n else \
        rng.permutation(len(dataset))[:n]
    frame = dataset.select(sorted(int(i) for i in idx)).to_pandas()
    frame.insert(0, "row", sorted(int(i) for i in idx))
    for col in frame.columns:
        names = class_names(dataset, col) if col in dataset.features else None
        if names:
            frame[col] = [f"{names[v]} ({v})" if 0 <= v < len(names) else str(v) for v in frame[col]]
    return frame


def label_counts(dataset, label_column: str) -> pd.DataFrame:
    """Rows per label (names decoded), computed on the Arrow column without a Python loop."""
    if label_column not in dataset.column_names:
        raise UserError("Column {column!r} not found: choose one of {choices}", column=label_column,
                        choices=", ".join(dataset.column_names))
    counts = dataset.data.column(label_column).value_counts().to_pylist()
    names = class_names(dataset, label_column)
    rows = [{"label": names[c["values"]] if names and c["values"] is not None and 0 <= c["values"] < len(names)
             else str(c["values"]), "count": c["counts"]} for c in counts]
    return pd.DataFrame(rows, columns=["label", "count"]).sort_values("label", ignore_index=True)


def text_lengths(dataset, text_column: str, max_rows: int = 10_000, seed: int = 0) -> pd.DataFrame:
    """Characters and words per text, over all rows or a random sample of max_rows."""
    if text_column not in dataset.column_names:
        raise UserError("Column {column!r} not found: choose one of {choices}", column=text_column,
                        choices=", ".join(dataset.column_names))
    subset = dataset
    if len(dataset) > max_rows:
        idx = np.random.default_rng(seed).choice(len(dataset), size=max_rows, replace=False)
        subset = dataset.select(sorted(int(i) for i in idx))
    import pyarrow.compute as pc

    # with_format("arrow") honours select()'s indices mapping; subset.data would be the whole unselected table
    column = subset.with_format("arrow")[text_column]

    chars = pc.utf8_length(column.cast("string")).to_numpy(zero_copy_only=False)
    words = pc.list_value_length(pc.utf8_split_whitespace(column.cast("string"))).to_numpy(zero_copy_only=False)
    return pd.DataFrame({"characters": np.nan_to_num(chars), "words": np.nan_to_num(words)}).astype(int)
