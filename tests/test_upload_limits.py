"""Uploads in total (MAX_UPLOADS_TOTAL_MB, least recently used first, never one a job needs) and Gradio's raw upload
route per client address (app.UploadRouteLimits)."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from core import settings as settings_mod
from core.data import uploads
from core.jobs.manager import JobManager
from core.messages import UserError
from core.runs.store import RunStore
from core.training.config import TrainConfig

KB = 1024


@pytest.fixture()
def capped(isolated_settings, monkeypatch):
    capped = replace(isolated_settings, max_uploads_total_mb=1, max_uploads=100, public=True)
    monkeypatch.setattr(settings_mod, "_current", capped)
    return capped


def _upload(tmp_path, name: str, size: int, owner: str) -> str:
    src = tmp_path / f"{name}.csv"
    src.write_text("text,label\n" + "x" * (size - 20) + ",1\n")
    return uploads.save_upload(src, src.name, owner)["id"]


def test_past_the_total_the_least_recently_used_uploads_go_first(capped, tmp_path):
    first = _upload(tmp_path, "first", 300 * KB, "s:1")
    second = _upload(tmp_path, "second", 300 * KB, "s:2")
    os.utime(uploads.data_file(first)[0], (1, 1))  # first read long ago ...
    uploads.data_file(second)  # ... second just now
    third = _upload(tmp_path, "third", 300 * KB, "s:3")
    fourth = _upload(tmp_path, "fourth", 300 * KB, "s:4")  # 1.2 MB: one must go, the least recently used
    with pytest.raises(UserError, match="was not found"):
        uploads.require_owner(first, "s:1")
    for upload, owner in ((second, "s:2"), (third, "s:3"), (fourth, "s:4")):
        uploads.require_owner(upload, owner)
    with pytest.raises(UserError, match="MAX_UPLOADS_TOTAL_MB"):
        _upload(tmp_path, "huge", 1100 * KB, "s:5")


def test_an_upload_a_queued_job_needs_never_expires(capped, tmp_path):
    manager = JobManager(RunStore(capped.runs_dir), max_queue=4, inline=True)  # the job waits: no worker
    needed = _upload(tmp_path, "needed", 400 * KB, "s:ann")
    source = {"kind": "upload", "upload": needed, "name": "needed.csv"}
    job = manager.start(TrainConfig(dataset=source, max_steps=1), owner="s:ann")
    os.utime(uploads.data_file(needed)[0], (1, 1))  # the oldest of all
    others = [_upload(tmp_path, f"other{i}", 300 * KB, f"s:{i}") for i in range(3)]
    uploads.require_owner(needed, "s:ann")  # kept: a queued job reads it
    assert sum(1 for upload in others if (capped.uploads_dir / upload).is_dir()) == 2
    manager.cancel(job, admin=True)  # no longer needed: it may go now
    _upload(tmp_path, "later", 300 * KB, "s:9")
    with pytest.raises(UserError, match="was not found"):
        uploads.require_owner(needed, "s:ann")


def test_the_raw_upload_route_is_bounded_per_address(isolated_settings, monkeypatch):
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    import app

    # the test client is no proxy of this machine: TRUST_FORWARDED_FOR makes it one (as a Space's proxy is)
    monkeypatch.setattr(settings_mod, "_current", replace(isolated_settings, uploads_per_hour=3, upload_mb_per_hour=2,
                                                          max_upload_mb=1, trust_forwarded_for=True))
    stored = []

    async def upload(request):
        stored.append(len(await request.body()))
        return PlainTextResponse("ok")

    server = Starlette(routes=[Route(app.UPLOAD_ROUTE, upload, methods=["POST"])],
                       middleware=[Middleware(app.UploadRouteLimits)])
    client = TestClient(server)

    def post(body: bytes, address: str):
        return client.post(app.UPLOAD_ROUTE, content=body, headers={"X-Forwarded-For": address}).status_code

    assert post(b"x" * (3 * 2**20), "203.0.113.1") == 413  # over MAX_UPLOAD_MB in one request
    assert [post(b"x" * 100, "203.0.113.1") for _ in range(4)] == [200, 200, 200, 429]  # UPLOADS_PER_HOUR
    assert post(b"x" * 100, "198.51.100.2") == 200  # another address has its own
    assert [post(b"x" * (2**20), "198.51.100.3") for _ in range(3)] == [200, 200, 429]  # UPLOAD_MB_PER_HOUR
    assert len(stored) == 6  # nothing refused was read
    monkeypatch.setattr(settings_mod, "_current", replace(settings_mod.get_settings(), max_uploads_total_mb=3))
    client = TestClient(Starlette(routes=[Route(app.UPLOAD_ROUTE, upload, methods=["POST"])],
                                  middleware=[Middleware(app.UploadRouteLimits)]))
    codes = [post(b"x" * (2**20 - 1000), f"192.0.2.{i}") for i in range(4)]
    assert codes == [200, 200, 200, 503]  # many addresses: the server-wide hour of uploads holds
