"""Whole-file writes that a reader never sees half done, and the JSON reader that goes with them.

Every JSON file the app rewrites (a run's config, status and evaluations, an upload's metadata) and every
rewritten JSON-lines file (metrics.jsonl and samples.jsonl cut back for a resume) goes through
`write_text_atomic`: the text is written to a temporary file beside the target, then renamed over it. A rename
within one folder is atomic, so a reader (another thread, the other process of a training job, a restarted app)
sees the old file or the new one, and a crash mid-write leaves the old file whole.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path


def write_text_atomic(path, text: str) -> None:
    """Write text beside path, then rename it into place."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")  # unique: two writers never share one
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # only left when the write or the rename failed


def write_json_atomic(path, data) -> None:
    """JSON (indented, as people read it too) through write_text_atomic."""
    write_text_atomic(path, json.dumps(data, indent=2) + "\n")


def json_lines(rows, ascii_only: bool = True) -> str:
    """The text of a JSON-lines file: one JSON value per line."""
    return "".join(json.dumps(row, ensure_ascii=ascii_only) + "\n" for row in rows)


def read_json(path) -> dict | None:
    """A JSON object from path; None when it is missing, unreadable or not an object."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None
