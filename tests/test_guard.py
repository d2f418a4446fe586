"""core.guard: wrong tries slow down then lock out; budgets per key over a sliding window."""

from __future__ import annotations

import logging

from core.guard import Budget, Strikes


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
