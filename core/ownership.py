"""Who may change a thing (stop, resume or delete a run, push its model, retrain a tokenizer): the one rule.

Every run, upload and trained tokenizer records the owner key of the visitor who made it (an opaque key:
"hf:<user>" after a Hugging Face sign-in, else one derived from a secret kept in their browser). Anyone may look
at what others made; only its owner, or the server owner with ADMIN_KEY, may change it. Things with no owner
(made before owners were recorded, or from the command line) belong to the machine's own user: any visitor of a
private server may change them, nobody but the admin on a public one.
"""

from __future__ import annotations

from core.settings import get_settings


def may_change(thing_owner: str, caller: str, admin: bool = False) -> bool:
    if admin:
        return True
    if thing_owner:
        return bool(caller) and caller == thing_owner
    return not get_settings().public
