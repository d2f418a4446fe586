"""Where a dataset comes from: a DatasetSource (the embedded sample, a Hub id, a file), the tutorial presets
and the embedded sample's location."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from core import sources
from core.messages import UserError
from core.settings import ROOT

SAMPLE_DIR = ROOT / "data" / "reviews"
SAMPLE_NAME = "embedded/reviews"
FILE_BUILDERS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}


@dataclass(frozen=True)
class HubPreset:
    """A dataset from the tutorials, with the columns a text classifier uses."""

    name: str
    config: str | None
    text_columns: tuple[str, ...]
    label_column: str
    note: str


HUB_PRESETS: tuple[HubPreset, ...] = (
    HubPreset("yelp_review_full", None, ("text",), "label", "Yelp reviews, 1-5 stars (5 classes)"),
    HubPreset("imdb", None, ("text",), "label", "IMDb film reviews, negative/positive"),
    HubPreset("glue", "mrpc", ("sentence1", "sentence2"), "label", "sentence pairs: paraphrase or not"),
    HubPreset("emotion", None, ("text",), "label", "tweets, 6 emotions"),
    HubPreset("rotten_tomatoes", None, ("text",), "label", "film review snippets, negative/positive"),
    HubPreset("ag_news", None, ("text",), "label", "news headlines, 4 topics"),
)


def cached_presets() -> dict[str, bool]:
    """For each tutorial preset, whether it can be loaded offline."""
    return {preset.name: sources.is_dataset_cached(preset.name) for preset in HUB_PRESETS}


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
            return SAMPLE_NAME
        if self.kind == "hub":
            return self.name + (f"/{self.config}" if self.config else "")
        return Path(self.path).name

    @classmethod
    def from_dict(cls, data: dict) -> "DatasetSource":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


SAMPLE = DatasetSource("sample")
