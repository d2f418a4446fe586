"""A class: what the teacher opened (name, base preset, the settings students may change, size, code) and who
joined (nicknames). Plain data with its checks; core.classes.book keeps them on disk and decides who may do what.

A student has no account: their owner key (core.ownership: "b:<hash>" of a secret their browser keeps, or
"hf:<user>") is who they are, and the nickname is only what the class sees, so it is checked like any text a
stranger types that others will read: short, letters, digits, spaces and - _ . only (no markup to escape).
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import asdict, dataclass, field

from core.messages import N_, UserError, check_known_fields
from core.training.config import TrainConfig
from core.training.presets import PRESETS_BY_KEY

DEFAULT_SIZE = 40
MAX_SIZE = 200
# students who may join one class from one address or account (0: no bound). A class's usual room is a school lab
# behind one address, where a bound of a few refuses most of the class at the lesson's first minute; so no bound by
# default: the code is the gate, the class size bounds the places, and the teacher removes an intruder or sets a
# bound (for example 2) when the code is shared beyond the room
DEFAULT_PER_NETWORK = 0
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a projector without mistakes
CODE_LENGTH = 6
NICKNAME = re.compile(r"^[\w][\w .\-]{0,23}$")  # \w is Unicode: 小明 and José are names too
CLASS_NAME = re.compile(r"^[\w][\w .\-:()]{0,59}$")
CLASS_ID = re.compile(r"^[a-f0-9]{8}$")
# what a class may let students change unless the teacher says otherwise (the lesson "change one setting")
DEFAULT_EDITABLE = ("learning_rate", "num_train_epochs", "train_mode", "max_length")
# settings no class lets students change: what data and model the class shares, and where the run goes; a student is
# a stranger, who never turns on remote code
NEVER_EDITABLE = ("dataset", "model", "task", "run_name", "trust_remote_code")
# a class preset stands alone: no Datasets-tab selection, no earlier run of one student (the chat preset starts from
# the tiny GPT itself when it is given no pretraining run)
PRESET_NEEDS = ("", "hub", "pretraining_if_any")


@dataclass
class Classroom:
    """One class. students: owner key -> nickname; runs: one entry per run started in it (run_id, owner, changes)."""

    class_id: str
    name: str
    preset: str
    editable: tuple[str, ...]
    code: str
    size: int = DEFAULT_SIZE
    open: bool = True
    created: float = field(default_factory=time.time)
    students: dict[str, str] = field(default_factory=dict)
    runs: list[dict] = field(default_factory=list)
    per_network: int = DEFAULT_PER_NETWORK
    removed: list[str] = field(default_factory=list)  # owner keys the teacher removed: they may not join again

    def base_config(self) -> TrainConfig:
        """The preset every student starts from (a fresh TrainConfig each call)."""
        return PRESETS_BY_KEY[self.preset].factory()

    def share_of(self, owner: str) -> str:
        """The fair-queue share of a student's runs: their place inside the class's group (core.jobs.fair_queue)."""
        index = list(self.students).index(owner) if owner in self.students else len(self.students)
        return f"class:{self.class_id}/{index}"

    def to_dict(self) -> dict:
        return {**asdict(self), "editable": list(self.editable)}

    @classmethod
    def from_dict(cls, data: dict) -> "Classroom":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**{**known, "editable": tuple(known.get("editable", ()))})


def new_classroom(name: str, preset: str, editable, size: int = DEFAULT_SIZE,
                  per_network: int = DEFAULT_PER_NETWORK) -> Classroom:
    """A checked new class with a fresh id and code; UserError naming the fix for a bad name, preset or setting."""
    name = check_class_name(name)
    if preset not in PRESETS_BY_KEY or PRESETS_BY_KEY[preset].needs not in PRESET_NEEDS:
        usable = [p.key for p in PRESETS_BY_KEY.values() if p.needs in PRESET_NEEDS]
        raise UserError("A class starts from one of the presets {presets}, not {preset!r}", presets=", ".join(usable),
                        preset=preset)
    editable = tuple(dict.fromkeys(str(e) for e in (DEFAULT_EDITABLE if editable is None else editable)))
    check_known_fields(dict.fromkeys(editable), TrainConfig.__dataclass_fields__, N_("class setting"))
    fixed = [e for e in editable if e in NEVER_EDITABLE]
    if fixed:
        raise UserError("Students may not change {settings} in a class (the class shares its data and model): "
                        "leave them out of the settings students may change", settings=", ".join(fixed))
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_SIZE:
        raise UserError("The class size is a whole number from 1 to {most}, not {size!r}", most=MAX_SIZE, size=size)
    return Classroom(secrets.token_hex(4), name, preset, editable, new_code(), size,
                     per_network=check_per_network(per_network))


def check_per_network(value) -> int:
    """How many students may join from one network or account: a whole number, 0 for any."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_SIZE:
        raise UserError("Students from one network is a whole number from 0 (any number) to {most}, not {value!r}",
                        most=MAX_SIZE, value=value if isinstance(value, (int, float, str)) else type(value).__name__)
    return value


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(code) -> str:
    """A code as typed ("abc 23x") in the form it was given ("ABC23X")."""
    return re.sub(r"[\s-]", "", code).upper()[:32] if isinstance(code, str) else ""


def check_class_name(name) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not CLASS_NAME.fullmatch(name):
        raise UserError("A class name is 1 to 60 letters, digits, spaces and - _ . : ( ), not {name!r}",
                        name=str(name)[:80])
    return name


def check_nickname(nickname) -> str:
    """The nickname as the class will see it; UserError for markup, control characters or a wrong length."""
    nickname = " ".join(nickname.split()) if isinstance(nickname, str) else ""
    if not NICKNAME.fullmatch(nickname):
        raise UserError("A nickname is 1 to 24 letters, digits, spaces and - _ . (no markup), starting with a letter "
                        "or digit, not {nickname!r}", nickname=str(nickname)[:40])
    return nickname
