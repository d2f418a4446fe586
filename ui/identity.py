"""Who the visitor is: their Hugging Face sign-in on a Space, else a secret kept in their browser.

Every handler that changes something asks `visitor(request)` for the owner key to check or record (core.ownership):

- "hf:<username>" after "Sign in with Hugging Face" (a Space with OAuth: the server's signed session cookie);
- "b:<hash>" from a random secret the page keeps in the browser's localStorage (gr.BrowserState), so a reload,
  or a browser that comes back tomorrow, is still the same visitor and can stop its own run;
- "s:<hash>" of the Gradio session for API clients (gradio_client keeps one session per Client); a raw request
  with no session gets one of its own from Gradio (named after the event), so it may start a run, and only the
  admin can change that run afterwards.

The page sends the browser secret on load (`attach`), which maps this session to its owner key; only hashes of
secrets are ever stored or compared, so a run's recorded owner reveals nothing that would let anyone claim it.
The server owner's ADMIN_KEY, typed on the Runs tab, makes a session an admin (stop, resume, delete, push any run);
wrong keys are slowed down and then locked out per session and per address (core.guard).

A session costs nothing, so fair shares are counted per `share` as well as per owner: "hf:<username>" for a
signed-in visitor, else "addr:<hash>" of the client's address (an IPv6 address by its /64 network). A stranger with
many gradio_client sessions is then one share. (A class can later get its own share, e.g. "class:<id>", so its
students, often behind one school address, are never counted as one stranger.)

Requests that run a model (a chat answer, Try it) count against the same stranger (`model_call`: core.guard's
MODEL_CALLS_AT_ONCE and MODEL_CALLS_PER_MINUTE), except that a class's student counts on their own: a class behind
one school address chats as thirty students. The class as a whole is one more share (CLASS_MODEL_CALLS_AT_ONCE calls
at once for all its students), so a stranger who joins a class under forty nicknames gets no more than the class.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import re
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import gradio as gr
from cachetools import TTLCache

from core.classes.book import get_book
from core.guard import Strikes, class_model_calls, model_calls
from core.settings import get_settings
from ui.i18n import msg

log = logging.getLogger(__name__)

BROWSER_ID = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
STORAGE_KEY = "fine-tune-studio-visitor"



@dataclass(frozen=True)
class Visitor:
    """The caller of a handler: an opaque owner key, a name to show, and whether the session is an admin."""

    owner: str
    name: str = ""
    admin: bool = False
    share: str = ""  # whose fair share this visitor's jobs count against (see the module docstring)


# session hash -> Visitor: filled on page load and admin sign-in; sessions that go quiet are forgotten
_sessions: TTLCache = TTLCache(maxsize=100_000, ttl=7 * 24 * 3600)
_lock = threading.Lock()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# wrong admin keys, counted per session and per address
_admin_strikes = Strikes("admin key")


def visitor(request: gr.Request | None) -> Visitor:
    """The visitor a request comes from (see the module docstring)."""
    session = getattr(request, "session_hash", None) or ""
    with _lock:
        known = _sessions.get(session) if session else None
    if known is None:
        known = Visitor("s:" + _digest(session)) if session else Visitor("")
    share = known.owner if known.owner.startswith("hf:") else address_key(request)
    return Visitor(known.owner, known.name, known.admin, share)


def work_key(request: gr.Request | None) -> str:
    """Whose share of model work a request takes: "" for an admin (unbounded), "class:<id>/<owner>" for a student
    of an open class, else the stranger's share (their address or account), however many sessions they open."""
    who = visitor(request)
    if who.admin:
        return ""
    classroom = get_book().class_of(who.owner) if who.owner else None
    if classroom is not None:
        return f"class:{classroom.class_id}/{who.owner}"
    return who.share or who.owner


@contextmanager
def model_call(request: gr.Request | None):
    """Run a request's model work within its stranger's limits; refused (UserError saying when to try again) over."""
    key = work_key(request)
    class_key = key.split("/")[0] if key.startswith("class:") else ""
    with model_calls().hold(key), class_model_calls().hold(class_key):
        yield


def client_address(request) -> str:
    """The client's address: the peer's, or the last X-Forwarded-For hop when a proxy we trust sent the request
    (a proxy on this machine, or any with TRUST_FORWARDED_FOR, as on a Space). "" when unknown."""
    peer = str(getattr(getattr(request, "client", None), "host", "") or "")
    headers = getattr(request, "headers", None) or {}
    forwarded = headers.get("x-forwarded-for", "") if hasattr(headers, "get") else ""
    if forwarded and (get_settings().trust_forwarded_for or _loopback(peer)):
        return forwarded.split(",")[-1].strip()[:64]
    return peer


def address_key(request) -> str:
    """"addr:<hash>" of the client's address; an IPv6 address counts by its /64 (one home, one network)."""
    address = client_address(request)
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
        if ip.version == 6:
            address = str(ipaddress.ip_network(f"{ip}/64", strict=False))
    except ValueError:
        pass  # not an address (a test client's name): its text is the key
    return "addr:" + _digest(address)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def attach(browser_id, profile: gr.OAuthProfile | None, request: gr.Request) -> tuple[str, str]:
    """Page load: read (or give) the browser's secret, and remember who this session is.

    Returns the secret for gr.BrowserState and a line saying who the visitor is and what the server allows.
    """
    if not isinstance(browser_id, str) or not BROWSER_ID.fullmatch(browser_id):
        browser_id = secrets.token_urlsafe(32)
    name = getattr(profile, "username", None) or ""
    who = Visitor("hf:" + name, name) if name else Visitor("b:" + _digest(browser_id))
    _remember(request, who)
    line = msg("id.hf", request, name=name) if name else msg("id.browser", request)
    mode = msg("id.public" if get_settings().public else "id.private", request)
    return browser_id, f"{line} {mode}"


def sign_in_admin(key: str, request: gr.Request) -> str:
    """Make this session an admin when the key is the server's ADMIN_KEY.

    Compared in constant time (of hashes, so not even the key's length shows); after a few wrong tries from this
    session or this address each further try waits longer, then they are locked out (core.guard.Strikes)."""
    expected = get_settings().admin_key
    if not expected:
        return msg("id.admin_off", request)
    session = getattr(request, "session_hash", None) or ""
    keys = ("s:" + _digest(session) if session else "", address_key(request))
    wait = _admin_strikes.wait_s(keys)
    if wait > 0:  # not even checked: a right key in a locked window would tell a guesser it was right
        return msg("id.admin_wait", request, seconds=int(wait) + 1)
    given = key.encode() if isinstance(key, str) else b""
    if not hmac.compare_digest(hashlib.sha256(given).digest(), hashlib.sha256(expected.encode()).digest()):
        _admin_strikes.fail(keys)
        return msg("id.admin_bad", request)
    _admin_strikes.forget(keys[0])
    current = visitor(request)
    _remember(request, Visitor(current.owner, current.name, admin=True))
    return msg("id.admin_ok", request)


def _remember(request: gr.Request | None, who: Visitor) -> None:
    session = getattr(request, "session_hash", None)
    if session:
        with _lock:
            _sessions[session] = who


def browser_state() -> gr.BrowserState:
    """The component that keeps the visitor's secret in localStorage.

    Its storage key and encryption key are fixed, so the secret survives an app restart. (The page holds the
    encryption key, so it hides nothing from the visitor; the secret is theirs anyway.)
    """
    return gr.BrowserState(None, storage_key=STORAGE_KEY, secret=STORAGE_KEY)


def login_button() -> gr.LoginButton | None:
    """"Sign in with Hugging Face", only on a Space with OAuth (elsewhere Gradio would fake a user)."""
    if os.environ.get("SPACE_ID") and os.environ.get("OAUTH_CLIENT_ID"):
        return gr.LoginButton(size="sm", scale=0, min_width=200)
    return None
