"""Files a visitor downloads (a run's model zip, its script bundle, a class board's CSV): one file per thing, kept in
one folder of this process and replaced when the thing changes, so downloads fill no disk however often a stranger
clicks. Gradio serves a copy of the returned file (its own cache is emptied hourly: app.py's delete_cache).

A file is built in a folder of its own beside the kept ones and renamed into place, so a download in progress reads
the old file or the new one, never half of one; one build per thing at a time (the others wait for it and share it).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

_lock = threading.Lock()
_building: dict[str, threading.Lock] = {}  # thing -> its build lock (one per run, form or class: bounded by them)
_kept: dict[str, tuple[object, Path]] = {}  # thing -> (the version it was built from, the file)
SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@functools.cache
def folder() -> Path:
    """This process's folder of downloads, in the temporary folder Gradio serves files from."""
    return Path(tempfile.mkdtemp(prefix="fts-downloads-"))


def kept_file(thing: str, build: Callable[[Path], Path], version: object = None) -> Path:
    """The file for `thing` (e.g. "model/<run id>"): build(work_folder) -> a file in it, kept as folder()/<thing>/.
    With a version (a model's stamp) a file already built from it is reused; without one it is built again."""
    key = SAFE.sub("-", thing)
    with _lock:
        build_lock = _building.setdefault(key, threading.Lock())
    with build_lock:
        found = _kept.get(key)
        if version is not None and found is not None and found[0] == version and found[1].is_file():
            return found[1]
        home = folder() / key
        home.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=folder(), prefix=".build-"))
        try:
            built = build(work)
            target = home / built.name
            os.replace(built, target)  # atomic: a reader has the old file or this one
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for old in home.iterdir():  # a renamed thing (a class renamed) leaves no file behind
            if old != target:
                old.unlink(missing_ok=True)
        _kept[key] = (version, target)
        return target
