"""Visitors' uploaded files, kept under opaque ids: a visitor refers to an upload by its id, never by a server path,
and only its owner may use it.

    uploads/<upload_id>/data.<csv|tsv|json|jsonl|parquet>   the file, under a fixed name (its type from the suffix)
                        meta.json                          owner, original name, size, sha256, created

An id is random, so a re-uploaded file (changed or not) is a new dataset: nothing is served from a stale cache.
Each visitor keeps at most Settings.max_uploads files; the oldest go first. All uploads together keep within
Settings.max_uploads_total_mb: past it the least recently used go first (a file's modification time says when it was
last read), except those a queued or running job still needs (`hold` / `release`, from the job manager).
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

from core.messages import UserError
from core.runs.files import write_json_atomic
from core.settings import get_settings

log = logging.getLogger(__name__)

FILE_BUILDERS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}
UPLOAD_ID = re.compile(r"^up-[0-9a-f]{24}$")
META_FILE = "meta.json"
NAME_LIMIT = 120


def suffix_of(name: str) -> str:
    """The file type a name ends with ('..csv' and very long names included), lower-case, with its dot."""
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def display_name(name: str) -> str:
    """The original file name as it may be shown: no folders, printable, at most NAME_LIMIT characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "upload"
    if len(base) > NAME_LIMIT:  # keep the type at the end
        suffix = suffix_of(base)[:10]
        base = base[:NAME_LIMIT - len(suffix) - 1] + "…" + suffix
    return base


def check_upload(path: Path, name: str | None = None) -> str:
    """Validate a file before parsing it (type from its name, size, UTF-8); returns the datasets builder."""
    name = display_name(name or path.name)
    if not path.is_file():
        raise UserError("File {name!r} was not found: upload it again", name=name)
    builder = FILE_BUILDERS.get(suffix_of(name))
    if builder is None:
        raise UserError("{suffix} is not supported: upload a .csv, .tsv, .json, .jsonl or .parquet file",
                        suffix=suffix_of(name) or "This file type")
    size_mb = path.stat().st_size / 2**20
    limit = get_settings().max_upload_mb
    if size_mb > limit:
        raise UserError("{name} is {size:.0f} MB, over the {limit} MB upload limit: upload a smaller sample, or raise "
                        "MAX_UPLOAD_MB", name=name, size=size_mb, limit=limit)
    if path.stat().st_size == 0:
        raise UserError("{name} is empty: upload a file with a header and rows", name=name)
    if builder != "parquet":
        _check_utf8(path, name)
    return builder


def _check_utf8(path: Path, name: str) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        offset = 0
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                raise UserError("{name} is not UTF-8 text (byte {byte}): re-save it as UTF-8 (e.g. in a spreadsheet: "
                                "CSV UTF-8)", name=name, byte=offset + err.start) from err
            offset += len(chunk)


def _root() -> Path:
    return get_settings().uploads_dir


def _folder(upload_id: str) -> Path:
    if not isinstance(upload_id, str) or not UPLOAD_ID.fullmatch(upload_id):
        raise UserError("{upload!r} is not an upload id: upload the file again", upload=upload_id)
    return _root() / upload_id


def _meta(upload_id: str) -> dict:
    try:
        meta = json.loads((_folder(upload_id) / META_FILE).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise UserError("Upload {upload!r} was not found: upload the file again", upload=upload_id) from err
    return meta if isinstance(meta, dict) else {}


def save_upload(src: Path, name: str, owner: str) -> dict:
    """Check and keep a visitor's file; returns {"id", "name", "size", "sha256"}."""
    name = display_name(name)
    check_upload(src, name)
    _check_total_room(src.stat().st_size)
    upload_id = "up-" + secrets.token_hex(12)
    folder = _folder(upload_id)
    folder.mkdir(parents=True)
    digest = hashlib.sha256()
    with src.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    shutil.copyfile(src, folder / ("data" + suffix_of(name)))
    meta = {"id": upload_id, "owner": owner, "name": name, "size": src.stat().st_size,
            "sha256": digest.hexdigest(), "created": time.time()}
    write_json_atomic(folder / META_FILE, meta)
    _prune(owner)
    _expire_over_total(keep=upload_id)
    return {k: meta[k] for k in ("id", "name", "size", "sha256")}


def require_owner(upload_id: str, owner: str) -> None:
    """Refuse an upload that is not the caller's, with the same words as a missing one (nothing to learn)."""
    meta = _meta(upload_id)
    if not owner or meta.get("owner") != owner:
        raise UserError("Upload {upload!r} was not found: upload the file again", upload=upload_id)


def data_file(upload_id: str) -> tuple[Path, str]:
    """The stored file of an upload and its original name (for the app itself: the owner was checked before)."""
    meta = _meta(upload_id)
    name = str(meta.get("name") or "upload")
    path = _folder(upload_id) / ("data" + suffix_of(name))
    try:
        os.utime(path)  # used now: the total cap expires the least recently used first
    except OSError as err:
        log.info("could not mark upload %s as used: %s", upload_id, err)
    return path, name


def _prune(owner: str) -> None:
    """Keep each visitor's newest Settings.max_uploads uploads."""
    limit = get_settings().max_uploads
    if limit <= 0 or not owner:
        return
    mine = []
    for folder in _root().iterdir():
        if UPLOAD_ID.fullmatch(folder.name):
            try:
                meta = _meta(folder.name)
            except UserError:
                continue
            if meta.get("owner") == owner:
                mine.append((meta.get("created", 0), folder))
    for _, folder in sorted(mine, key=lambda item: item[0])[:-limit]:
        shutil.rmtree(folder, ignore_errors=True)
        log.info("removed upload %s (over %d for its visitor)", folder.name, limit)


# ----------------------------------------------------------------- the server-wide total (MAX_UPLOADS_TOTAL_MB)

_held: Counter = Counter()  # upload id -> queued or running jobs that need it
_held_lock = threading.Lock()


def hold(upload_id: str) -> None:
    """A job that reads this upload was queued: it must not expire until release."""
    with _held_lock:
        _held[upload_id] += 1


def release(upload_id: str) -> None:
    with _held_lock:
        _held[upload_id] -= 1
        if _held[upload_id] <= 0:
            del _held[upload_id]


def _total_limit() -> int:
    return get_settings().max_uploads_total_mb * 2**20


def _check_total_room(size: int) -> None:
    limit = _total_limit()
    if limit > 0 and size > limit:
        raise UserError("The server keeps at most {limit} MB of uploads in all (MAX_UPLOADS_TOTAL_MB): upload a "
                        "smaller sample", limit=get_settings().max_uploads_total_mb)


def _stored() -> list[tuple[float, int, Path]]:
    """Every upload folder: (when last used, bytes, folder)."""
    found = []
    for folder in _root().iterdir() if _root().is_dir() else ():
        if UPLOAD_ID.fullmatch(folder.name):
            files = [f for f in folder.iterdir() if f.is_file()]
            used = max((f.stat().st_mtime for f in files), default=0.0)
            found.append((used, sum(f.stat().st_size for f in files), folder))
    return found


def _expire_over_total(keep: str) -> None:
    """Remove the least recently used uploads until all fit the total; never `keep` or one a job holds. When even
    that is not enough (every other upload is in use), `keep` goes too and the visitor is told to wait."""
    limit = _total_limit()
    if limit <= 0:
        return
    stored = _stored()
    total = sum(size for _, size, _ in stored)
    with _held_lock:
        held = set(_held)
    for _, size, folder in sorted(stored, key=lambda item: item[0]):
        if total <= limit:
            return
        if folder.name == keep or folder.name in held:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        total -= size
        log.info("removed upload %s (least recently used, uploads over %d MB in all)", folder.name, limit >> 20)
    if total > limit:
        shutil.rmtree(_root() / keep, ignore_errors=True)
        raise UserError("The server's uploads are full: every stored file is in use by a queued or running run "
                        "(MAX_UPLOADS_TOTAL_MB): try again when a run has ended")
