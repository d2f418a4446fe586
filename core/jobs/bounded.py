"""Run one piece of a request's model work in a child process with a memory and a time limit.

A timed training step at a visitor's batch size and length can ask for more memory than the machine has; inside
the web server that ends the server for everyone (issue 22: one request, 1,026 GiB by the app's own estimate).
In a child the mistake costs the child: its address space is capped (resource.RLIMIT_AS) so a too-large
allocation fails there as an error, the kernel's out-of-memory killer would pick it rather than the server, and a
clock stops it when it runs too long. The caller gets the function's result, the UserError it raised (with its
template, so it is still translated), or a UserError naming the fix.

The child is spawned (never forked: the server has live threads) and imports what the function needs, which costs
a few seconds; fine for work that takes seconds anyway (a timed step), not for every keystroke.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading

from core.messages import UserError
from core.settings import get_settings, set_settings

log = logging.getLogger(__name__)

# Address space a child needs besides the work itself: Python, torch and transformers mapped (about 0.7 GiB
# measured), thread stacks and allocator arenas. RLIMIT_AS counts all of it, resident or not.
BASE_ADDRESS_SPACE = 2 * 2**30
MARGIN = 1.5  # the estimate is a rule of thumb; the framework's own buffers come on top
_running = threading.BoundedSemaphore(1)  # one bounded child at a time per server: each holds a torch


def _child(fn, args: tuple, limit: int, nice: int, settings, conn) -> None:
    """The child: cap the address space first (imports count too), then run fn and send what happened."""
    try:
        _limit_self(limit, nice)
        set_settings(settings)
        conn.send(("ok", fn(*args)))
    except UserError as err:
        conn.send(("user", err.template, err.fields))
    except MemoryError:
        conn.send(("memory", ""))
    except RuntimeError as err:  # torch's allocator says so in a RuntimeError
        text = str(err).lower()
        conn.send(("memory", "") if "allocate memory" in text or "out of memory" in text else
                  ("error", type(err).__name__))
        log.info("bounded work failed: %s", str(err)[:300])
    except BaseException as err:  # noqa: BLE001 - whatever ends the work is reported, never its text (paths)
        log.exception("bounded work failed")
        conn.send(("error", type(err).__name__))
    finally:
        conn.close()


def _limit_self(limit: int, nice: int) -> None:
    try:
        import resource  # POSIX only, and only the child needs it
    except ImportError:  # Windows: the time limit and the memory check before the start still hold
        resource = None
    if resource is not None and limit > 0 and not _gpu_visible():
        _cap_address_space(resource, limit)
    if nice > 0 and hasattr(os, "nice"):
        os.nice(nice)  # the pages first


def _gpu_visible() -> bool:
    """Whether torch may use an NVIDIA GPU here: CUDA reserves tens of GB of address space at start, so under
    RLIMIT_AS it would fail to start; the GPU's own memory is not counted by it anyway. Such a child keeps the memory
    check before the start and the time limit."""
    return os.environ.get("CUDA_VISIBLE_DEVICES", "x").strip() != "" and os.path.exists("/dev/nvidiactl")


def _cap_address_space(resource, limit: int) -> None:
    """Never above a limit the server itself runs under (a container's, the hostile tests')."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = min([limit, *(v for v in (soft, hard) if v != resource.RLIM_INFINITY)])
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def address_limit(work_bytes: int) -> int:
    """The child's RLIMIT_AS for work the estimate puts at work_bytes."""
    return BASE_ADDRESS_SPACE + int(MARGIN * max(work_bytes, 0))


def run_bounded(fn, args: tuple = (), *, work_bytes: int, timeout_s: float | None = None, fix: str = ""):
    """fn(*args) in a spawned child capped at address_limit(work_bytes) and timeout_s seconds (default: the
    server's REQUEST_TIMEOUT_S). fn and its result must pickle. fix: what to lower when it does not fit, e.g.
    "lower batch_size or max_length"."""
    settings = get_settings()
    timeout_s = timeout_s or settings.request_timeout_s
    if not _running.acquire(blocking=False):
        raise UserError("Another model computation is running on this server right now: try again in a few seconds")
    try:
        return _run(fn, args, address_limit(work_bytes), timeout_s, fix, settings)
    finally:
        _running.release()


def _run(fn, args: tuple, limit: int, timeout_s: float, fix: str, settings):
    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, args, limit, settings.training_nice, settings, there),
                       name="bounded-work", daemon=True)
    proc.start()
    there.close()  # ours is closed: a child that dies unblocks recv with EOFError
    try:
        if not here.poll(timeout_s):
            raise UserError("This took longer than this server allows ({seconds} s, REQUEST_TIMEOUT_S) and was "
                            "stopped: {fix}", seconds=int(timeout_s), fix=fix or "ask for less")
        message = here.recv()
    except EOFError:  # it died without a word: a signal is the kernel's out-of-memory killer, most likely
        proc.join(5)
        message = ("memory", "") if (proc.exitcode or 0) < 0 else ("error", f"exit code {proc.exitcode}")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(10)
        here.close()
    return _outcome(message, limit, fix)


def _outcome(message: tuple, limit: int, fix: str):
    kind = message[0]
    if kind == "ok":
        return message[1]
    if kind == "user":
        raise _rebuilt(message[1], message[2])
    if kind == "memory":
        raise UserError("This ran out of the memory this server gives one request ({size} with the libraries): {fix}",
                        size=f"{limit / 2**30:.1f} GiB", fix=fix or "ask for less")
    raise UserError("The computation failed on the server ({kind}); the app keeps running: {fix}", kind=message[1],
                    fix=fix or "try again with smaller settings")


def _rebuilt(template: str, fields: dict) -> UserError:
    """The child's UserError as it was raised (template and fields, so it is still translated); made without
    calling UserError(...) again, whose template check wants a literal."""
    err = UserError.__new__(UserError)
    ValueError.__init__(err, template.format(**fields))
    err.template, err.fields = template, fields
    return err
