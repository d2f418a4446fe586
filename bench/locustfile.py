"""Locust visitors of the app for bench/load_locust.py (it runs locust with this file; not a benchmark alone).

Each visitor is a browser session with its own session_hash, speaking the page's protocol: POST
/gradio_api/queue/join, then the session's event stream GET /gradio_api/queue/data until process_completed
(what the page and gradio_client do). It loads the embedded sample once (/load_dataset: the session's dataset,
kept by the server in its gr.State), then alternates /sample_rows and /tokenize with a uniform think time.

Every call is timed from the POST to the message that completes it and appended as one JSON line to
$LOAD_LOG_DIR/<pid>.jsonl (name, start, end, ms, ok, error); locust's own statistics get the same calls.
Settings come from the environment (set by load_locust.py): LOAD_ENDPOINTS (api name -> [fn_index,
trigger_id, queued], from the app's /config), LOAD_LOG_DIR, LOAD_THINK ("2,4"). Only 127.0.0.1 is called.
"""

from __future__ import annotations

import itertools
import json
import os
import time
import uuid
from urllib.parse import urlparse

from locust import FastHttpUser, between, events, task

from load_locust import STEADY, VISIT

ENDPOINTS: dict[str, list] = json.loads(os.environ.get("LOAD_ENDPOINTS", "{}"))
LOG_DIR = os.environ.get("LOAD_LOG_DIR", "")
THINK = tuple(float(v) for v in os.environ.get("LOAD_THINK", "2,4").split(","))
_counter = itertools.count()


def _log(record: dict) -> None:
    if LOG_DIR:  # one file per locust process (--processes forks): no interleaved writes
        with open(os.path.join(LOG_DIR, f"{os.getpid()}.jsonl"), "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")


@events.test_start.add_listener
def _loopback_only(environment, **_kwargs) -> None:
    if urlparse(environment.host or "").hostname != "127.0.0.1":
        raise SystemExit(f"locustfile: refusing host {environment.host!r}: this load test calls 127.0.0.1 only")


class Visitor(FastHttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.session_hash = uuid.uuid4().hex[:11]
        self.turn = 0
        self.call("load_dataset")

    @task
    def alternate(self) -> None:
        self.call(STEADY[self.turn % 2])
        self.turn += 1

    def call(self, api_name: str) -> None:
        start, t0 = time.time(), time.perf_counter()
        try:
            self._page(api_name, VISIT[api_name](next(_counter)))
            ok, error = True, None
        except Exception as err:  # noqa: BLE001 - a failed call is a result: record it and go on
            ok, error = False, f"{type(err).__name__}: {err}"[:300]
        ms = (time.perf_counter() - t0) * 1000
        _log({"name": api_name, "start": start, "end": start + ms / 1000, "ms": ms, "ok": ok, "error": error})
        self.environment.events.request.fire(request_type="CALL", name=f"/{api_name}", response_time=ms,
                                             response_length=0, exception=None if ok else RuntimeError(error),
                                             context={})

    def _page(self, api_name: str, data: list) -> None:
        """The page's protocol: join the queue, then read the session's event stream to process_completed."""
        fn_index, trigger_id, _queued = ENDPOINTS[api_name]
        body = {"data": data, "fn_index": fn_index, "trigger_id": trigger_id, "session_hash": self.session_hash,
                "event_data": None}
        self.client.post("/gradio_api/queue/join", json=body, name="[http] queue/join").raise_for_status()
        stream = self.client.get(f"/gradio_api/queue/data?session_hash={self.session_hash}", stream=True,
                                 name="[http] queue/data", headers={"Accept": "text/event-stream"})
        stream.raise_for_status()
        raw = stream._response  # geventhttpclient's response: readline returns as soon as a line is in
        try:
            while line := raw.readline(b"\n"):
                if line.startswith(b"data:"):
                    message = json.loads(line[5:])
                    if message.get("msg") == "process_completed":
                        if not message.get("success"):
                            raise RuntimeError(f"{api_name} failed: {str(message.get('output'))[:200]}")
                        return
                    if message.get("msg") == "unexpected_error":
                        raise RuntimeError(str(message.get("message"))[:200])
            raise RuntimeError("event stream ended before process_completed")
        finally:
            raw.release()
