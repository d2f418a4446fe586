"""The order jobs wait in: turns by share, not first come first served.

Each job counts against a share (ui.identity: a signed-in user, else the client's address; a class's student:
"class:<id>/<student>"). The next job is the oldest one of the share whose last job started longest ago (a share
never served goes first), so a stranger who queued ten jobs before some students arrived gets one turn, then every
student has theirs, then the stranger's second job. Within a share, jobs keep their order. Jobs with no share ("",
the command line) form one.

A share may sit inside a group: "class:<id>/<student>" is in the group "class:<id>". Turns go first to the group
served longest ago, then to the share inside it served longest ago. So a class of thirty is one party beside the
server's other visitors (they are not pushed back thirty turns by one lesson), and inside the class each student's
first run goes before anyone's second. A share without "/" is its own group, as before.
"""

from __future__ import annotations

import itertools

from cachetools import LRUCache

MAX_SHARES_REMEMBERED = 10_000  # when each share was last served; the longest unserved are forgotten first


class FairQueue:
    """A deque-like queue of job ids (append, remove, popleft, index, in, len) that hands out turns by share."""

    def __init__(self) -> None:
        self._waiting: list[tuple[str, str]] = []  # (job id, share), in arrival order
        self._served: LRUCache = LRUCache(maxsize=MAX_SHARES_REMEMBERED)  # share -> turn number it last started
        self._turns = itertools.count(1)

    def append(self, job_id: str, share: str = "") -> None:
        self._waiting.append((job_id, share))

    def remove(self, job_id: str) -> None:
        self._waiting = [(j, s) for j, s in self._waiting if j != job_id]

    def popleft(self) -> str:
        """Take the next job (IndexError when none waits) and start its share's turn."""
        order = self._order()
        if not order:
            raise IndexError("no job waits")
        job_id, share = order[0]
        self.remove(job_id)
        turn = next(self._turns)
        self._served[share] = self._served[group_of(share)] = turn
        return job_id

    def peek(self) -> str | None:
        order = self._order()
        return order[0][0] if order else None

    def index(self, job_id: str) -> int:
        """Where a waiting job stands in the order it will be taken (0: next)."""
        return [j for j, _ in self._order()].index(job_id)

    def __contains__(self, job_id: object) -> bool:
        return any(j == job_id for j, _ in self._waiting)

    def __len__(self) -> int:
        return len(self._waiting)

    def __iter__(self):
        return iter([j for j, _ in self._order()])

    def _order(self) -> list[tuple[str, str]]:
        """The waiting jobs in the order popleft would take them: simulated turns over a copy of who was served."""
        served = dict(self._served.items())
        order, pending = [], list(self._waiting)
        while pending:
            # the group served longest ago, the share in it served longest ago, its oldest job; never served first
            index = min(range(len(pending)), key=lambda i: (served.get(group_of(pending[i][1]), 0),
                                                            served.get(pending[i][1], 0), i))
            job_id, share = pending.pop(index)
            served[share] = served[group_of(share)] = max(served.values(), default=0) + 1
            order.append((job_id, share))
        return order


def group_of(share: str) -> str:
    """The group a share takes turns in: "class:<id>" for "class:<id>/<student>", else the share itself."""
    return share.split("/", 1)[0]
