"""Fair shares (issue 22): turns by share instead of first come first served, and limits per address."""

from __future__ import annotations

import pytest

from core import settings as settings_mod
from core.jobs.fair_queue import FairQueue
from core.jobs.manager import JobManager
from core.runs.store import RunStore
from core.training.config import TrainConfig


def test_a_stranger_who_queued_first_gets_one_turn_then_every_student_theirs():
    queue = FairQueue()
    for i in range(5):
        queue.append(f"stranger-{i}", "addr:stranger")
    for i in range(3):
        queue.append(f"student-{i}", f"addr:student-{i}")
    assert list(queue) == ["stranger-0", "student-0", "student-1", "student-2", "stranger-1", "stranger-2",
                           "stranger-3", "stranger-4"]
    assert queue.index("student-2") == 3 and len(queue) == 8 and "stranger-4" in queue
    assert queue.popleft() == "stranger-0"
    queue.append("student-late", "addr:student-late")  # a share never served goes before one served already
    assert list(queue)[:2] == ["student-0", "student-1"] and queue.index("student-late") == 3
    assert [queue.popleft() for _ in range(4)] == ["student-0", "student-1", "student-2", "student-late"]
    queue.remove("stranger-2")
    assert list(queue) == ["stranger-1", "stranger-3", "stranger-4"] and queue.peek() == "stranger-1"


def test_jobs_of_one_share_keep_their_order_and_an_empty_queue_says_so():
    queue = FairQueue()
    for name in "abc":
        queue.append(name)
    assert [queue.popleft() for _ in range(3)] == ["a", "b", "c"] and queue.peek() is None
    with pytest.raises(IndexError):
        queue.popleft()


@pytest.fixture()
def public_manager(isolated_settings, monkeypatch):
    monkeypatch.setattr(settings_mod, "_current", settings_mod.Settings(
        runs_dir=isolated_settings.runs_dir, uploads_dir=isolated_settings.uploads_dir, public=True,
        max_jobs_per_visitor=2, max_jobs_per_address=3))
    return JobManager(RunStore(isolated_settings.runs_dir), max_queue=20, inline=True)  # jobs wait: no worker


def test_many_sessions_of_one_address_are_one_stranger(public_manager):
    config = TrainConfig(max_steps=1)
    sessions = [f"s:{i}" for i in range(10)]
    started = []
    for owner in sessions:  # each new session may start its two, until the address has its three
        try:
            started.append(public_manager.start(config, owner=owner, share="addr:stranger"))
        except ValueError as err:
            assert "MAX_JOBS_PER_ADDRESS" in str(err)
    assert len(started) == 3
    student = public_manager.start(config, owner="b:student", share="addr:student")
    assert public_manager.queue()[:2] == [started[0], student]  # the student waits one turn, not three
    public_manager.cancel(started[0], admin=True)
    assert public_manager.start(config, owner="s:new", share="addr:stranger")  # a share frees as its jobs end
    signed_in = [public_manager.start(config, owner="hf:ann", share="hf:ann") for _ in range(2)]
    assert len(signed_in) == 2


def test_the_share_is_the_client_address_a_trusted_proxy_reports(isolated_settings, monkeypatch):
    from types import SimpleNamespace

    from ui.identity import address_key, client_address, visitor

    def request(peer, forwarded="", session="abc"):
        return SimpleNamespace(client=SimpleNamespace(host=peer), session_hash=session,
                               headers={"x-forwarded-for": forwarded} if forwarded else {})

    assert client_address(request("203.0.113.5", "10.0.0.1")) == "203.0.113.5"  # a stranger's own header: ignored
    assert client_address(request("127.0.0.1", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"  # a local proxy's hop
    monkeypatch.setattr(settings_mod, "_current", settings_mod.Settings(trust_forwarded_for=True))
    assert client_address(request("10.1.2.3", "198.51.100.8")) == "198.51.100.8"  # a Space's proxy
    assert address_key(request("2001:db8::1")) == address_key(request("2001:db8::ffff"))  # one IPv6 /64
    assert address_key(request("2001:db8::1")) != address_key(request("2001:db8:0:1::1"))
    sessions = {visitor(request("203.0.113.5", session=str(i))) for i in range(5)}
    assert len({who.owner for who in sessions}) == 5 and len({who.share for who in sessions}) == 1
