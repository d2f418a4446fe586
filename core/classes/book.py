"""The classes of this server, kept on disk (one JSON file each beside the runs folder) so a restart keeps them, and
the rules of who may do what with them:

- only the server owner (ADMIN_KEY; on a private server the machine's own user, core.ownership) opens, closes or
  reopens a class;
- anyone with the code joins an open class with a nickname; a wrong code, a closed or full class, or a taken
  nickname changes nothing and says why. Wrong codes are counted per session (core.guard.Strikes: slowed, then
  locked out), and join attempts per client address and per session (core.guard.Budget), so a script trying codes
  at 100 a second is refused before any code is compared;
- one stranger (one address or account, however many sessions) joins one class as at most `per_network` students
  (the teacher's choice: a school lab behind one address needs the class size), so one person with the code cannot
  fill the class under many nicknames. Who joined from where is kept in memory only (no address reaches the disk), so
  a restart forgets it;
- the teacher removes a student (by nickname): their seat is free, their runs leave the board, and that student may
  not join again (a new session of theirs still counts against their address's bound).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from core.classes.roster import Classroom, check_nickname, check_per_network, new_classroom, normal_code
from core.guard import Budget, Strikes
from core.messages import UserError
from core.ownership import may_change
from core.runs.files import read_json, write_json_atomic
from core.settings import get_settings

log = logging.getLogger(__name__)

JOIN_WINDOW_S = 10.0
JOINS_PER_ADDRESS = 60  # a class behind one school address joins within a minute: 60 tries per 10 s is plenty
JOINS_PER_SESSION = 10


class ClassBook:
    """Every class of one folder, in memory and on disk; one lock for all changes."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._classes: dict[str, Classroom] = {}
        self._wrong_codes = Strikes("class code", free=5, lock_after=30, lock_s=600)
        self._joins = {"address": Budget(JOINS_PER_ADDRESS, JOIN_WINDOW_S),
                       "session": Budget(JOINS_PER_SESSION, JOIN_WINDOW_S)}
        self._joined_from: dict[str, dict[str, set[str]]] = {}  # class id -> stranger -> owner keys joined from it
        self._load()

    # ------------------------------------------------------------- the teacher (admin)

    def open_class(self, name: str, preset: str, editable=None, size: int | None = None, caller: str = "",
                   admin: bool = False, per_network: int | None = None) -> Classroom:
        """A new open class (the server owner only); its code is what students type."""
        _check_teacher(caller, admin)
        given = {k: v for k, v in (("size", size), ("per_network", per_network)) if v is not None}
        classroom = new_classroom(name, preset, editable, **given)
        with self._lock:
            taken = {c.code for c in self._classes.values()}
            while classroom.code in taken:  # 31^6 codes: a clash is rare, never a shared class
                classroom = new_classroom(name, preset, editable, classroom.size, classroom.per_network)
            self._classes[classroom.class_id] = classroom
            self._save(classroom)
        log.info("class %s opened (%s, preset %s, size %d)", classroom.class_id, name, preset, classroom.size)
        return classroom

    def set_open(self, class_id: str, is_open: bool, caller: str = "", admin: bool = False,
                 per_network: int | None = None) -> Classroom:
        """Close a class (no one joins or starts a run; runs already queued keep their place) or open it again;
        per_network, when given, changes how many students may join from one network or account."""
        _check_teacher(caller, admin)
        if per_network is not None:
            check_per_network(per_network)
        with self._lock:
            classroom = self.get(class_id)
            classroom.open = bool(is_open)
            if per_network is not None:
                classroom.per_network = per_network
            self._save(classroom)
            return classroom

    # ------------------------------------------------------------- students

    def join(self, code: str, nickname: str, owner: str, keys: tuple[str, str] = ("", ""),
             stranger: str = "") -> Classroom:
        """Join the class whose code this is (or change one's nickname in it); keys: (session, address) to count
        attempts against; stranger: the address or account whose students the class bounds (per_network). Raises
        UserError, having changed nothing, for every refusal."""
        session, address = keys
        if not owner:
            raise UserError("Reload the page before joining a class: it has not said who you are yet")
        if not all(self._joins[k].take(key) for k, key in (("address", address), ("session", session)) if key):
            raise UserError("Too many tries to join a class from here: wait {seconds} seconds and try again",
                            seconds=int(JOIN_WINDOW_S))
        wait = self._wrong_codes.wait_s([session or owner])
        if wait > 0:  # not even compared: a right code in a locked window would tell a guesser it was right
            raise UserError("Too many wrong class codes: wait {seconds} seconds and try again", seconds=int(wait) + 1)
        nickname = check_nickname(nickname)
        with self._lock:
            classroom = self._by_code(normal_code(code))
            if classroom is None:
                self._wrong_codes.fail([session or owner])
                raise UserError("No class has the code {code!r}: check it with your teacher (letters and digits, "
                                "as shown on the board)", code=normal_code(code)[:12])
            _check_can_join(classroom, nickname, owner)
            self._check_network(classroom, owner, stranger)
            classroom.students[owner] = nickname
            self._save(classroom)
            return classroom

    def _check_network(self, classroom: Classroom, owner: str, stranger: str) -> None:
        """Count a new student against their address or account; refuse one past the class's per_network."""
        if owner in classroom.students or not stranger:
            return
        theirs = self._joined_from.setdefault(classroom.class_id, {}).setdefault(stranger, set())
        if classroom.per_network and owner not in theirs and len(theirs) >= classroom.per_network:
            log.info("class %s: a join past %d students from one network refused", classroom.class_id,
                     classroom.per_network)
            raise UserError("The class {name!r} takes at most {count} students from one network or account, and "
                            "that many joined from yours: ask your teacher to allow more (a school network counts "
                            "as one)", name=classroom.name, count=classroom.per_network)
        theirs.add(owner)

    def remove_student(self, class_id: str, nickname: str, caller: str = "", admin: bool = False) -> list[str]:
        """The teacher removes a student by nickname: their seat is free, their runs leave the board, they may not
        join again. Returns the ids of their runs (the caller stops those still queued or training)."""
        _check_teacher(caller, admin)
        with self._lock:
            classroom = self.get(class_id)
            wanted = " ".join(nickname.split()).casefold() if isinstance(nickname, str) else ""
            owner = next((o for o, n in classroom.students.items() if n.casefold() == wanted), None)
            if owner is None:
                raise UserError("No student of the class {name!r} has the nickname {nickname!r}: copy it from the "
                                "board", name=classroom.name, nickname=str(nickname)[:40])
            del classroom.students[owner]
            classroom.removed.append(owner)
            runs = [run["run_id"] for run in classroom.runs if run.get("owner") == owner]
            classroom.runs = [run for run in classroom.runs if run.get("owner") != owner]
            self._save(classroom)
        log.info("class %s: a student and %d runs removed by the teacher", class_id, len(runs))
        return runs

    def class_of(self, owner: str) -> Classroom | None:
        """The newest open class this visitor joined (a reloaded page finds it again), or None."""
        with self._lock:
            mine = [c for c in self._classes.values() if owner and owner in c.students and c.open]
            return max(mine, key=lambda c: c.created) if mine else None

    def record_run(self, class_id: str, run: dict) -> None:
        """Remember a run started in the class (run_id, owner, changes): the board lists it. Refused when the teacher
        removed the student meanwhile (between start_run's check and here)."""
        with self._lock:
            classroom = self.get(class_id)
            if run["owner"] not in classroom.students:
                raise UserError("Join the class with its code and a nickname before starting a run in it")
            classroom.runs.append(run)
            self._save(classroom)

    # ------------------------------------------------------------- reading

    def get(self, class_id: str) -> Classroom:
        classroom = self._classes.get(class_id) if isinstance(class_id, str) else None
        if classroom is None:
            raise UserError("Class {class_id!r} was not found: join it with its code", class_id=str(class_id)[:40])
        return classroom

    def classes(self) -> list[Classroom]:
        with self._lock:
            return sorted(self._classes.values(), key=lambda c: c.created, reverse=True)

    def _by_code(self, code: str) -> Classroom | None:
        return next((c for c in self._classes.values() if code and c.code == code), None)

    def _save(self, classroom: Classroom) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.folder / f"{classroom.class_id}.json", classroom.to_dict())

    def _load(self) -> None:
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.json")):
            data = read_json(path)
            try:
                classroom = Classroom.from_dict(data or {})
            except TypeError as err:  # a file this version cannot read: the others still load
                log.warning("class file %s skipped: %s", path.name, err)
                continue
            self._classes[classroom.class_id] = classroom


def _check_teacher(caller: str, admin: bool) -> None:
    if not may_change("", caller, admin):  # the machine's own user on a private server, else the admin only
        raise UserError("Only the server owner can open or close a class: sign in with ADMIN_KEY on the Runs tab")


def _check_can_join(classroom: Classroom, nickname: str, owner: str) -> None:
    if not classroom.open:
        raise UserError("The class {name!r} is closed: ask your teacher to open it again", name=classroom.name)
    if owner in classroom.removed:
        raise UserError("Your teacher removed you from the class {name!r}: talk to them if this is a mistake",
                        name=classroom.name)
    if owner not in classroom.students and len(classroom.students) >= classroom.size:
        raise UserError("The class {name!r} is full ({size} students): ask your teacher to open a class with more room",
                        name=classroom.name, size=classroom.size)
    taken = {n.casefold() for o, n in classroom.students.items() if o != owner}
    if nickname.casefold() in taken:
        raise UserError("The nickname {nickname!r} is taken in this class: pick another", nickname=nickname)


_books: dict[Path, ClassBook] = {}
_books_lock = threading.Lock()


def get_book() -> ClassBook:
    """The class book of this process: the folder "classes" beside the runs folder (core.settings' runs_dir)."""
    folder = Path(get_settings().runs_dir).parent / "classes"
    with _books_lock:
        book = _books.get(folder)
        if book is None:
            book = _books[folder] = ClassBook(folder)
        return book
