"""Who may queue a run and who may change one: the queue's room (MAX_QUEUE), a public server's per-visitor and
per-address room (MAX_JOBS_PER_VISITOR, MAX_JOBS_PER_ADDRESS: one stranger with many sessions is still one
stranger), and the owner check behind stop / resume / delete. The job manager calls these under its lock, with the
jobs it holds in memory (every live job is there).
"""

from __future__ import annotations

from collections.abc import Iterable

from core.jobs.job import TERMINAL_STATES, Job
from core.messages import UserError
from core.ownership import may_change
from core.settings import get_settings


def check_room(waiting: int, limit: int) -> None:
    if waiting >= limit:
        raise UserError("The queue is full ({waiting} runs waiting, limit {limit} = MAX_QUEUE): wait for a run to "
                        "finish or cancel a queued one", waiting=waiting, limit=limit)


def check_visitor_room(jobs: Iterable[Job], owner: str) -> None:
    """On a public server one visitor may not fill the queue others wait in (MAX_JOBS_PER_VISITOR)."""
    mine = _at_limit(jobs, "owner", owner, get_settings().max_jobs_per_visitor)
    if mine:
        raise UserError("You have {count} runs waiting or training, the most one visitor may have here "
                        "(MAX_JOBS_PER_VISITOR): wait for one to end, or stop one", count=mine)


def check_share_room(jobs: Iterable[Job], share: str) -> None:
    """On a public server one address (or signed-in user) may not fill the queue either, however many sessions
    it opens (MAX_JOBS_PER_ADDRESS)."""
    theirs = _at_limit(jobs, "share", share, get_settings().max_jobs_per_address)
    if theirs:
        raise UserError("Your address has {count} runs waiting or training, the most one address or account may "
                        "have here (MAX_JOBS_PER_ADDRESS): wait for one to end, or stop one", count=theirs)


def _at_limit(jobs: Iterable[Job], field: str, value: str, limit: int) -> int:
    """How many live jobs have this owner or share, when a public server's limit on them is reached; else 0 (a
    private server, no limit, or an unknown owner / share)."""
    if not get_settings().public or limit <= 0 or not value:
        return 0
    count = sum(1 for job in jobs if getattr(job, field) == value and job.state not in TERMINAL_STATES)
    return count if count >= limit else 0


def check_owner(run_owner: str, owner: str, admin: bool, action: str) -> None:
    """Only the run's owner (or the server owner, with ADMIN_KEY) may stop, resume or delete it."""
    if not may_change(run_owner, owner, admin):
        raise UserError("Only the visitor who started this run can {action} it (others may view, compare and try "
                        "it; the server owner can with ADMIN_KEY)", action=action)
