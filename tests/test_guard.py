"""core.guard: wrong tries slow down then lock out; budgets per key over a sliding window; model calls per stranger
at once and per minute."""

from __future__ import annotations

import logging

import pytest

from core.guard import Budget, CallLimit, Strikes
from core.messages import UserError


def test_wrong_tries_are_free_then_slowed_then_locked_out():
    strikes = Strikes("test key", free=3, lock_after=6, lock_s=900)
    keys = ("s:one", "addr:x")
    for _ in range(3):
        assert strikes.wait_s(keys, now=100.0) == 0
        strikes.fail(keys, now=100.0)
    assert strikes.wait_s(keys, now=100.0) == 1.0  # the fourth waits 1 s, the fifth 2 s ...
    strikes.fail(keys, now=101.0)
    assert strikes.wait_s(keys, now=101.0) == 2.0
    strikes.fail(keys, now=103.0)
    strikes.fail(keys, now=107.0)
    assert strikes.wait_s(keys, now=107.0) == 900  # locked out
    assert strikes.wait_s(("s:another-session", "addr:x"), now=500.0) > 0  # a new session of the same address too
    assert strikes.wait_s(("s:another-session", "addr:y"), now=500.0) == 0
    strikes.forget("s:one")
    assert strikes.wait_s(("s:one", ""), now=500.0) == 0


def test_wrong_tries_are_logged_as_a_summary(caplog):
    strikes = Strikes("test key", free=100, lock_after=1000)
    with caplog.at_level(logging.WARNING, logger="core.guard"):
        for i in range(200):
            strikes.fail((f"s:{i}", "addr:x"), now=1000.0 + i * 0.01)
    assert len(caplog.records) == 1  # not one line per try
    strikes.fail(("s:late", "addr:x"), now=1100.0)
    assert len(caplog.records) == 2 and "200 wrong tries from 201 callers" in caplog.records[-1].getMessage()


def test_a_budget_holds_per_key_over_its_window():
    budget = Budget(limit=10, window_s=60)
    assert budget.take("a", 6, now=0) and budget.take("a", 4, now=1)
    assert not budget.take("a", 1, now=2) and budget.take("b", 10, now=2)
    assert budget.used("a", now=2) == 10 and budget.take("a", 6, now=60.5)  # the first take has left the window


def test_a_budget_says_when_the_next_take_fits():
    budget = Budget(limit=3, window_s=60)
    for at in (0, 10, 20):
        assert budget.take("a", now=at)
    assert budget.wait_s("a", now=30) == 30  # the take at 0 leaves the window at 60
    assert budget.wait_s("a", amount=2, now=30) == 40  # two must leave: the one at 10 too
    assert budget.wait_s("b", now=30) == 0 and budget.wait_s("a", now=61) == 0


def test_a_call_limit_holds_calls_at_once_and_per_minute_per_key():
    limit = CallLimit(at_once=1, per_minute=3)
    with limit.hold("addr:x", now=0):
        with pytest.raises(UserError, match="already have 1 model call"):
            with limit.hold("addr:x", now=1):
                pass
        with limit.hold("addr:y", now=1):  # another stranger is not held up
            pass
    for at in (2, 3):
        with limit.hold("addr:x", now=at):
            pass
    with pytest.raises(UserError, match="try again in 56 s") as refused:  # the call at 0 leaves the window at 60
        with limit.hold("addr:x", now=4):
            pass
    assert "MODEL_CALLS_PER_MINUTE" in str(refused.value)
    with limit.hold("addr:x", now=60.5):  # refused calls took nothing: the wait did not grow
        pass


def test_a_failing_call_still_frees_its_place_and_no_key_is_unbounded():
    limit = CallLimit(at_once=1, per_minute=0)
    with pytest.raises(RuntimeError):
        with limit.hold("addr:x"):
            raise RuntimeError("the model failed")
    with limit.hold("addr:x"), limit.hold(""), limit.hold(""):  # an admin (no key) is not counted
        pass
    assert limit._running == {}  # nothing is kept for keys whose calls ended


def test_model_calls_are_bounded_on_a_public_server_only(isolated_settings, monkeypatch):
    from dataclasses import replace

    from core import guard, settings

    monkeypatch.setattr(settings, "_current", replace(isolated_settings, public=False))
    assert (guard.model_calls().at_once, guard.model_calls().per_minute) == (0, 0)
    monkeypatch.setattr(settings, "_current", replace(isolated_settings, public=True, model_calls_at_once=2,
                                                      model_calls_per_minute=7))
    assert (guard.model_calls().at_once, guard.model_calls().per_minute) == (2, 7)


def test_a_class_is_one_bounded_share_of_model_calls_however_many_nicknames_join(isolated_settings, monkeypatch):
    from contextlib import ExitStack
    from dataclasses import replace
    from types import SimpleNamespace

    from core import settings
    from core.classes import book as book_mod
    from ui import identity

    monkeypatch.setattr(settings, "_current", replace(isolated_settings, public=True, model_calls_at_once=1,
                                                      model_calls_per_minute=0, class_model_calls_at_once=3))
    monkeypatch.setattr(book_mod, "_books", {})
    classroom = book_mod.get_book().open_class("Lab", "quick", admin=True, per_network=0)

    def student(i: int):  # each nickname its own session, all from one address
        request = SimpleNamespace(session_hash=f"bot{i}", headers={"accept-language": "en"},
                                  client=SimpleNamespace(host="203.0.113.5"))
        book_mod.get_book().join(classroom.code, f"Bot{i}", identity.visitor(request).owner)
        return request

    bots = [student(i) for i in range(6)]
    with ExitStack() as held:
        for bot in bots[:3]:  # three students of the class answer at once: each is within their own share
            held.enter_context(identity.model_call(bot))
        with pytest.raises(UserError, match="Your class already has 3 model calls.*CLASS_MODEL_CALLS_AT_ONCE"):
            held.enter_context(identity.model_call(bots[3]))
        with identity.model_call(SimpleNamespace(session_hash="x", headers={}, client=SimpleNamespace(
                host="198.51.100.7"))):
            pass  # a stranger outside the class is not held up by it
    with identity.model_call(bots[3]):  # the class's calls ended: its next student gets a place again
        pass
