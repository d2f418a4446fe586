"""Counting what strangers do, so that one who opens many sessions is still one stranger.

Two tools, both in memory and bounded (cachetools: old keys expire, the number of keys is capped):

- `Strikes`: wrong guesses of a secret (the admin key). The first few are free; then each try must wait longer
  (1, 2, 4 ... s), and after `lock_after` wrong tries the key is locked out for `lock_s`. A try is refused, unchecked,
  while any of its keys (its session, its address) waits, so guessing from many sessions of one address is as slow
  as from one. Wrong tries are logged as a summary at most once a minute, not one line each.
- `Budget`: how much a key may take in a sliding window (uploads per address: files and bytes per hour).
- `CallLimit`: model work a key may run (a chat turn, a Try it): at most so many calls at once and per minute, so a
  stranger with many sessions holds at most one share of the CPU however many requests they send.

Keys are opaque strings chosen by the caller ("s:<session>", "addr:<hash>", later "class:<id>").
"""

from __future__ import annotations

import logging
import math
import threading
import time
from contextlib import contextmanager

from cachetools import TTLCache

from core.messages import UserError
from core.settings import get_settings

log = logging.getLogger(__name__)

MAX_KEYS = 100_000  # keys remembered at once; the oldest are forgotten first
SUMMARY_EVERY_S = 60.0


class Strikes:
    """Wrong tries per key: free, then slowed down (doubling waits), then locked out."""

    def __init__(self, what: str, free: int = 3, lock_after: int = 10, lock_s: float = 900.0, max_wait_s: float = 60.0):
        self.what, self.free, self.lock_after, self.lock_s, self.max_wait_s = what, free, lock_after, lock_s, max_wait_s
        self._tries: TTLCache = TTLCache(maxsize=MAX_KEYS, ttl=lock_s)  # key -> (wrong tries, time of the last)
        self._lock = threading.Lock()
        self._unlogged, self._unlogged_keys, self._logged_at = 0, set(), 0.0

    def wait_s(self, keys, now: float | None = None) -> float:
        """Seconds before any of these keys may try again (0: it may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return max((self._wait(self._tries.get(key), now) for key in keys if key), default=0.0)

    def _wait(self, entry, now: float) -> float:
        if entry is None:
            return 0.0
        count, last = entry
        if count >= self.lock_after:
            pause = self.lock_s
        elif count >= self.free:
            pause = min(2.0 ** (count - self.free), self.max_wait_s)
        else:
            return 0.0
        return max(0.0, last + pause - now)

    def fail(self, keys, now: float | None = None) -> None:
        """Count one wrong try against each key; log a summary when a minute has passed since the last."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in keys:
                if key:
                    count = self._tries.get(key, (0, now))[0] + 1
                    self._tries[key] = (count, now)
                    if count == self.lock_after:
                        log.warning("%s: a caller is locked out for %d s after %d wrong tries", self.what,
                                    self.lock_s, count)
            self._unlogged += 1
            self._unlogged_keys.update(k for k in keys if k)
            if now - self._logged_at >= SUMMARY_EVERY_S:
                log.warning("%s: %d wrong tries from %d callers in the last %d s", self.what, self._unlogged,
                            len(self._unlogged_keys), SUMMARY_EVERY_S if self._logged_at else 0)
                self._unlogged, self._unlogged_keys, self._logged_at = 0, set(), now

    def forget(self, key: str) -> None:
        """A right answer clears its own key's count (a session's), never a shared one (an address's)."""
        with self._lock:
            self._tries.pop(key, None)


class Budget:
    """At most `limit` units per key in any `window_s` seconds (a sliding window of timestamped takes)."""

    def __init__(self, limit: float, window_s: float):
        self.limit, self.window_s = limit, window_s
        self._taken: TTLCache = TTLCache(maxsize=MAX_KEYS, ttl=window_s)  # key -> [(time, amount)]
        self._lock = threading.Lock()

    def used(self, key: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            return sum(amount for at, amount in self._taken.get(key, ()) if now - at < self.window_s)

    def take(self, key: str, amount: float = 1.0, now: float | None = None) -> bool:
        """Take amount for key when it fits the budget (True); else take nothing (False)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [(at, n) for at, n in self._taken.get(key, ()) if now - at < self.window_s]
            if self.limit > 0 and sum(n for _, n in recent) + amount > self.limit:
                self._taken[key] = recent
                return False
            self._taken[key] = [*recent, (now, amount)]
            return True

    def wait_s(self, key: str, amount: float = 1.0, now: float | None = None) -> float:
        """Seconds until amount fits the key's budget again (0: it fits now): the oldest takes leave first."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = sorted((at, n) for at, n in self._taken.get(key, ()) if now - at < self.window_s)
        excess = sum(n for _, n in recent) + amount - self.limit
        if self.limit <= 0 or excess <= 0:
            return 0.0
        for at, n in recent:
            excess -= n
            if excess <= 0:
                return max(0.0, at + self.window_s - now)
        return self.window_s  # more than the whole budget: never fits (take refuses it too)


class CallLimit:
    """At most `at_once` calls running and `per_minute` started in any minute per key (0: no such limit).

    `hold(key)` admits a call or raises UserError saying when to try again; the call counts as running until its
    `with` block ends. A refused call takes nothing, so retrying at once does not lengthen the wait."""

    def __init__(self, at_once: int, per_minute: int, window_s: float = 60.0, of_class: bool = False):
        self.at_once, self.per_minute, self.of_class = at_once, per_minute, of_class
        self._minute = Budget(per_minute, window_s)
        self._running: dict[str, int] = {}  # key -> calls running now (a key leaves when its last call ends)
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, key: str, now: float | None = None):
        if not key:
            yield
            return
        self._admit(key, now)
        try:
            yield
        finally:
            with self._lock:
                left = self._running.get(key, 1) - 1
                if left > 0:
                    self._running[key] = left
                else:
                    self._running.pop(key, None)

    def _admit(self, key: str, now: float | None) -> None:
        with self._lock:
            running = self._running.get(key, 0)
            if 0 < self.at_once <= running and self.of_class:
                raise UserError("Your class already has {count} model calls running (chat answers, Try it), the most "
                                "one class may run at once here (CLASS_MODEL_CALLS_AT_ONCE): wait a few seconds, then "
                                "try again", count=running)
            if 0 < self.at_once <= running:
                raise UserError("You already have {count} model call(s) running (a chat answer, a Try it), the most one "
                                "address or account may run at once here (MODEL_CALLS_AT_ONCE): wait for it to finish, "
                                "then try again",
                                count=running)
            if self.per_minute > 0 and not self._minute.take(key, 1.0, now):
                wait = self._minute.wait_s(key, 1.0, now)
                raise UserError("You made {count} model calls (chat answers, Try it) in the last minute, the most one "
                                "address or account may make here (MODEL_CALLS_PER_MINUTE): try again in {seconds} s", count=self.per_minute,
                                seconds=max(1, math.ceil(wait)))
            self._running[key] = running + 1


_model_calls: dict[tuple, CallLimit] = {}
_model_calls_lock = threading.Lock()


def model_calls() -> CallLimit:
    """The process's limit on requests that run a model (chat, Try it), per stranger: on a public server
    MODEL_CALLS_AT_ONCE and MODEL_CALLS_PER_MINUTE; none on a private one (the machine's own user)."""
    settings = get_settings()
    return _limit(settings.model_calls_at_once, settings.model_calls_per_minute, of_class=False)


def class_model_calls() -> CallLimit:
    """The process's limit on a class's model calls together (public mode: CLASS_MODEL_CALLS_AT_ONCE), on top of each
    student's own: a class code buys one bounded share of the server, however many nicknames join with it."""
    return _limit(get_settings().class_model_calls_at_once, 0, of_class=True)


def _limit(at_once: int, per_minute: int, of_class: bool) -> CallLimit:
    """One CallLimit per kind and limits (none on a private server), kept for the process: its counts live in it."""
    limits = (at_once, per_minute, of_class) if get_settings().public else (0, 0, of_class)
    with _model_calls_lock:
        if limits not in _model_calls:
            _model_calls[limits] = CallLimit(*limits[:2], of_class=of_class)
        return _model_calls[limits]
