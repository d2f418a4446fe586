"""Where a dataset comes from: a DatasetSource (the embedded sample, a Hub id, a file), the tutorial presets
and the embedded sample's location."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from core import sources
from core.data import uploads
from core.messages import N_, UserError, check_known_fields
from core.settings import ROOT, get_settings

SAMPLE_DIR = ROOT / "data" / "reviews"
SAMPLE_NAME = "embedded/reviews"
CHAT_SAMPLE = "chat"  # DatasetSource("sample", name="chat"): the embedded instruction set (data/chat)
PREFS_SAMPLE = "prefs"  # DatasetSource("sample", name="prefs"): the embedded preference pairs (data/prefs)
SAMPLE_NAMES = {"": SAMPLE_NAME, CHAT_SAMPLE: "embedded/chat", PREFS_SAMPLE: "embedded/prefs"}  # name -> as shown
FILE_BUILDERS = uploads.FILE_BUILDERS
KINDS = ("sample", "hub", "upload", "file", "disk")
SPLIT = re.compile(r"^[\w.\-\[\]:%+]{0,80}$")  # train, validation, train[:10%], mrpc


@dataclass(frozen=True)
class HubPreset:
    """A dataset from the tutorials, with the columns a text classifier uses."""

    name: str
    config: str | None
    text_columns: tuple[str, ...]
    label_column: str
    note: str


HUB_PRESETS: tuple[HubPreset, ...] = (
    HubPreset("yelp_review_full", None, ("text",), "label", N_("Yelp reviews, 1-5 stars (5 classes)")),
    HubPreset("imdb", None, ("text",), "label", N_("IMDb film reviews, negative/positive")),
    HubPreset("glue", "mrpc", ("sentence1", "sentence2"), "label", N_("sentence pairs: paraphrase or not")),
    HubPreset("emotion", None, ("text",), "label", N_("tweets, 6 emotions")),
    HubPreset("rotten_tomatoes", None, ("text",), "label", N_("film review snippets, negative/positive")),
    HubPreset("ag_news", None, ("text",), "label", N_("news headlines, 4 topics")),
)


def cached_presets() -> dict[str, bool]:
    """For each tutorial preset, whether it can be loaded offline."""
    return {preset.name: sources.is_dataset_cached(preset.name) for preset in HUB_PRESETS}


@dataclass(frozen=True)
class DatasetSource:
    """Where a dataset comes from.

    kind 'sample' (embedded: the reviews, or name 'chat' the conversations made from them), 'hub' (name, config), 'upload' (a visitor's file by its opaque id; name is its
    original file name, for display), and, in private mode only, 'file' or 'disk' (a path on this machine).
    """

    kind: str = "sample"
    name: str = ""          # Hub id, e.g. "glue"; for an upload, its original file name
    config: str = ""        # Hub config, e.g. "mrpc"
    path: str = ""          # file or save_to_disk folder (private mode)
    upload: str = ""        # upload id, e.g. "up-0123..." (core.data.uploads)
    split: str = ""         # empty: every split

    def __post_init__(self) -> None:
        for name in ("kind", "name", "config", "path", "upload", "split"):
            if not isinstance(getattr(self, name), str):
                raise UserError("dataset {field}: expected text, got {value!r}", field=name, value=getattr(self, name))
        if self.kind not in KINDS:
            raise UserError("Unknown dataset source kind {kind!r}: use sample, hub, upload, file or disk", kind=self.kind)
        if self.kind == "hub":
            if not self.name.strip():
                raise UserError("Type a Hub dataset id, e.g. imdb or glue (config mrpc)")
            sources.check_hub_id(self.name.strip(), N_("Hub dataset"))
            _check_not_a_file_format(self.name.strip())
        if self.kind == "sample" and self.name not in SAMPLE_NAMES:
            raise UserError("dataset name: {name!r} is not an embedded sample - leave it empty for the reviews, "
                            "write chat for the conversations or prefs for the preference pairs", name=self.name[:40])
        if self.kind == "upload" and not self.upload:
            raise UserError("Choose a file to upload first")
        if self.kind in {"file", "disk"} and not self.path:
            raise UserError("Choose a file to upload first")
        if not SPLIT.fullmatch(self.split) or not SPLIT.fullmatch(self.config):
            raise UserError("Split {split!r} or config {config!r} has characters a dataset name never has: use e.g. "
                            "train, test or mrpc", split=self.split[:40], config=self.config[:40])

    def check_access(self, owner: str) -> None:
        """Refuse what this visitor may not read: another visitor's upload, or a server path in public mode."""
        if self.kind in {"file", "disk"} and get_settings().public:
            raise UserError("On a public server datasets come from the Hub, the embedded sample or your own uploads, "
                            "never a path on the server: upload the file instead")
        if self.kind == "upload":
            uploads.require_owner(self.upload, owner)

    @property
    def key(self) -> str:
        """The dataset cache's key: a file's size and time are part of it, so an edited file is read again."""
        parts = asdict(self)
        if self.kind == "file" and Path(self.path).is_file():
            stat = Path(self.path).stat()
            parts["stamp"] = [stat.st_size, stat.st_mtime_ns]
        return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        if self.kind == "sample":
            return SAMPLE_NAMES[self.name]
        if self.kind == "hub":
            return self.name + (f"/{self.config}" if self.config else "")
        if self.kind == "upload":
            return "upload:" + uploads.display_name(self.name)
        return Path(self.path).name

    @classmethod
    def from_dict(cls, data) -> "DatasetSource":
        """From JSON; anything but an object of known fields is refused, naming the closest field."""
        if not isinstance(data, dict):
            raise UserError("dataset: expected an object such as {example}, got {value!r}",
                            example='{"kind": "hub", "name": "imdb"}', value=data)
        check_known_fields(data, [f.name for f in fields(cls)], N_("dataset"))
        return cls(**data)

    def to_dict(self) -> dict:
        return asdict(self)


SAMPLE = DatasetSource("sample")
CHAT = DatasetSource("sample", name=CHAT_SAMPLE)
PREFS = DatasetSource("sample", name=PREFS_SAMPLE)


def _check_not_a_file_format(name: str) -> None:
    """load_dataset("csv") with no files reads every matching file under the working folder: refuse such names."""
    from datasets.packaged_modules import _PACKAGED_DATASETS_MODULES  # slow import, deferred: Hub names only

    if name.lower() in _PACKAGED_DATASETS_MODULES:
        raise UserError("{name!r} is a file format, not a dataset on the Hub: upload your .csv, .tsv, .json, .jsonl or "
                        ".parquet file instead, or name a Hub dataset such as imdb", name=name)
