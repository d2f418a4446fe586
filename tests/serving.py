"""The real app served on loopback for a test: one place that starts it, and puts the settings back after."""

from __future__ import annotations

import importlib
import socket
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served_app(root: Path | None = None, stop_jobs: bool = False, **overrides):
    """Yield (url, demo): app.build_app() launched on 127.0.0.1 at a free port, in this process.

    root: runs and uploads live under it, with a job manager of their own (the old one comes back after);
    overrides: Settings fields (public=True, admin_key=...); stop_jobs: stop what still trains before closing.
    """
    from core import settings as settings_mod
    from core.jobs import manager as manager_mod
    from ui.i18n import build_i18n, page_js

    app = importlib.import_module("app")
    before, old_manager = settings_mod.get_settings(), manager_mod._manager
    if root is not None or overrides:
        folders = {"runs_dir": root / "runs", "uploads_dir": root / "uploads"} if root is not None else {}
        settings_mod.set_settings(replace(before, **folders, **overrides))
        manager_mod._manager = None
    demo = app.build_app()
    demo.queue(default_concurrency_limit=4)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, i18n=build_i18n(), css=app.CSS,
                js=page_js(), quiet=True, **app.launch_guards(settings_mod.get_settings()))
    try:
        yield f"http://127.0.0.1:{port}/", demo
    finally:
        manager = manager_mod._manager
        if stop_jobs and manager is not None:
            for job_id in [manager.active_job_id(), *manager.queue()]:
                if job_id:
                    manager.stop(job_id, admin=True)
                    manager.wait(job_id, 120)
        demo.close()
        if root is not None or overrides:
            settings_mod.set_settings(before)
            manager_mod._manager = old_manager


def wait_done(client, job_id: str, timeout: float = 420) -> dict:
    """Poll /training_status as a page does until the job ends (or the timeout): its last status."""
    deadline = time.monotonic() + timeout
    status = {}
    while time.monotonic() < deadline:
        status = client.predict(job_id, api_name="/training_status")
        if status["state"] in {"done", "failed", "stopped"}:
            return status
        time.sleep(2)
    return status
