"""The session store: one SQLite database per workshop, safe for many processes at once.

``<dir>/<NAME>/session.db`` where ``<dir>`` is an argument, else ``$SHIPIT_WORKSHOPS``,
else ``./workshops``.  The database runs in WAL mode (readers never block the writer)
with a 10 s busy timeout, and every write is one ``BEGIN IMMEDIATE`` transaction, so
concurrent team clients and the facilitator neither lose nor corrupt anything.

Tables: ``session`` (one row: name, scenario JSON, seed, teams, rounds, round_days,
budget, created), ``teams`` (name, joined, last_seen), ``state`` (one row: round,
status), ``moves`` (team, round, command JSON; ``id`` keeps the order), ``injects``
(round, team or NULL for all, card, effects JSON) and ``results`` (team, round,
metrics, tiers, game score, leaderboard score and its parts).

``futures`` (round, replications, key, data JSON) caches the debrief's "other futures"
(:mod:`.report`) so each round's are computed once.  It is optional: a session made
before it existed opens as it is (nothing is written on opening) and gets the table the
first time futures are stored.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ScenarioError
from ..exitcodes import EXIT_FAILURE
from ..outputs import OutputError

ENV_DIR = "SHIPIT_WORKSHOPS"
DEFAULT_DIR = "workshops"
DB_NAME = "session.db"
BUSY_TIMEOUT_MS = 10_000
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""Session, team and card names: matched whole (``fullmatch``), so no newline or other
control character slips through at the end."""

_DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_ERROR", "SQLITE_MISMATCH", "SQLITE_RANGE"}
"""SQLite error codes meaning the file is not (or no longer) a session database; the
rest (busy, read-only, I/O, full disk) are failures of the environment."""

SCHEMA = """
CREATE TABLE session (
    name TEXT NOT NULL, scenario TEXT NOT NULL, seed INTEGER NOT NULL,
    teams INTEGER NOT NULL, rounds INTEGER NOT NULL, round_days REAL NOT NULL,
    budget REAL, created TEXT NOT NULL
);
CREATE TABLE teams (
    name TEXT PRIMARY KEY, position INTEGER NOT NULL, joined TEXT, last_seen TEXT
);
CREATE TABLE state (round INTEGER NOT NULL, status TEXT NOT NULL);
CREATE TABLE moves (
    id INTEGER PRIMARY KEY AUTOINCREMENT, team TEXT NOT NULL REFERENCES teams(name),
    round INTEGER NOT NULL, command TEXT NOT NULL, created TEXT NOT NULL
);
CREATE TABLE injects (
    id INTEGER PRIMARY KEY AUTOINCREMENT, round INTEGER NOT NULL,
    team TEXT REFERENCES teams(name), card TEXT NOT NULL, effects TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE results (
    team TEXT NOT NULL REFERENCES teams(name), round INTEGER NOT NULL,
    metrics TEXT NOT NULL, tiers TEXT NOT NULL, score REAL NOT NULL,
    leaderboard REAL NOT NULL, parts TEXT NOT NULL, PRIMARY KEY (team, round)
);
CREATE TABLE futures (
    round INTEGER NOT NULL, replications INTEGER NOT NULL, key TEXT NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (round, replications, key)
);
CREATE TABLE played_rounds (
    team TEXT NOT NULL REFERENCES teams(name), round INTEGER NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (team, round)
);
"""

FUTURES = "futures"
PLAYED_ROUNDS = "played_rounds"
OPTIONAL_TABLES = frozenset({FUTURES, PLAYED_ROUNDS})
"""Tables added after the first sessions were made: may be missing, created when needed."""


def check_name(name: str, what: str) -> str:
    """``name`` if it is a valid session or team name; a one-line error otherwise."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise ScenarioError(what, repr(name), "use 1-64 letters, digits, - and _ only")
    return name


def timestamp() -> str:
    """Now, as the session's rows store it (``created``, ``joined``, ``last_seen``): UTC,
    ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def workshops_dir(directory: str | Path | None = None) -> Path:
    """Where sessions live: ``directory``, else ``$SHIPIT_WORKSHOPS``, else ``./workshops``."""
    if directory is not None:
        return Path(directory).expanduser()
    return Path(os.environ.get(ENV_DIR) or DEFAULT_DIR).expanduser()


def session_path(name: str, directory: str | Path | None = None) -> Path:
    """The database file of session ``name``."""
    return workshops_dir(directory) / check_name(name, "workshop name") / DB_NAME


def _unusable(path: Path, exc: OSError) -> ScenarioError:
    """A path the file system refuses to look at (a name too long, a loop of links)."""
    return ScenarioError(str(path), "", f"cannot use this path: {exc.strerror or exc}")


def _check_folder(folder: Path) -> None:
    """Refuse a workshops folder that is a file (``--dir FILE``) with what is wrong."""
    try:
        is_file = folder.exists() and not folder.is_dir()
    except OSError as exc:
        raise _unusable(folder, exc) from None
    if is_file:
        raise ScenarioError(
            f"workshops folder {folder}", "",
            "is not a folder; give --dir (or $SHIPIT_WORKSHOPS) the folder that holds "
            "workshop sessions",
        )  # fmt: skip


def damaged(path: Path, detail: str) -> ScenarioError:
    """The one-line error for a file that is not (or no longer) a session database."""
    return ScenarioError(str(path), "", f"not a Ship It workshop session ({detail})")


def session_error(path: Path, exc: sqlite3.Error) -> Exception:
    """What a SQLite error on the session at ``path`` means, as a one-line error.

    A corrupt file, a file that is not SQLite or a database without the session's tables
    is bad input (:func:`damaged`, exit status 2); a locked, read-only or full database is
    a failure of the environment (:class:`~sim.outputs.OutputError`, exit status 1).
    """
    detail = " ".join(str(exc).split()) or type(exc).__name__
    code = getattr(exc, "sqlite_errorname", None) or ""
    bad_file = code in _DAMAGED or code.startswith("SQLITE_CONSTRAINT")
    if bad_file or not (code or isinstance(exc, sqlite3.OperationalError)):
        return damaged(path, detail)
    return OutputError(f"{path}: cannot use the workshop session: {detail}", EXIT_FAILURE)


def _expected_columns() -> dict[str, list[str]]:
    """Each table of :data:`SCHEMA` and its columns, read from SQLite itself."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(SCHEMA)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
            for t in tables
            if not t.startswith("sqlite_")
        }
    finally:
        conn.close()


class Store:
    """A connection to one session database (one per process or object; never shared)."""

    def __init__(self, path: Path, create: bool = False) -> None:
        """Connect to ``path``: an existing database, never created here unless ``create``
        (so opening a missing or damaged session writes nothing)."""
        self.path = path
        target = path.absolute().as_uri() + ("?mode=rwc" if create else "?mode=rw")
        try:
            self.conn = sqlite3.connect(
                target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False, uri=True,
            )  # fmt: skip
        except sqlite3.Error as exc:
            raise session_error(path, exc) from None
        try:
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if create:  # WAL is a property of the file: set once, when it is made
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            self.conn.close()
            raise session_error(path, exc) from None

    @classmethod
    def create(cls, path: Path, populate: Callable[[sqlite3.Connection], None]) -> Store:
        """A new session database at ``path`` (its folder must not exist yet).

        The session is built in a hidden temporary folder beside its own and renamed into
        place only once complete, so a failed or interrupted create leaves no session that
        "exists" (folders made for it are removed again); an existing one is never touched.
        """
        folder = path.parent.parent
        _check_folder(folder)
        try:
            taken = path.parent.exists() or path.parent.is_symlink()
            if taken and path.exists():
                what = "a workshop of that name exists"
            elif taken and path.parent.is_dir():
                what = f"the folder exists but holds no {DB_NAME}; remove it or choose another name"
            else:
                what = "exists and is not a workshop folder; choose another name"
            made = [p for p in (folder, *folder.parents) if not p.exists()]
        except OSError as exc:
            raise _unusable(path.parent, exc) from None
        if taken:
            raise ScenarioError(str(path.parent), "", what)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{path.parent.name}.", suffix=".tmp",
                                            dir=folder))  # fmt: skip
        except OSError as exc:
            _remove_folders(made)
            problem = f"cannot create the session: {exc.strerror or exc}"
            raise ScenarioError(str(path.parent), "", problem) from None
        try:
            umask = os.umask(0)  # mkdtemp makes it private; a session folder is not
            os.umask(umask)
            staging.chmod(0o777 & ~umask)
            store = cls(staging / path.name, create=True)
            try:
                with store.transaction() as conn:
                    for statement in SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    populate(conn)
            except sqlite3.Error as exc:
                raise session_error(path, exc) from None
            finally:
                store.close()  # checkpoints the WAL into the file before the rename
            try:
                os.rename(staging, path.parent)
            except OSError as exc:
                if path.parent.exists():
                    raise ScenarioError(
                        str(path.parent), "", "a workshop of that name exists"
                    ) from None
                problem = f"cannot create the session: {exc.strerror or exc}"
                raise ScenarioError(str(path.parent), "", problem) from None
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            _remove_folders(made)
            if isinstance(exc, OSError):
                problem = f"cannot create the session: {exc.strerror or exc}"
                raise ScenarioError(str(path.parent), "", problem) from None
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: Path) -> Store:
        """The existing session database at ``path``, its tables checked.

        A file that is not a session database (truncated, garbage, another SQLite file,
        tables missing) is one :func:`damaged` error naming the file.
        """
        _check_folder(path.parent.parent)
        try:
            exists, regular = path.exists(), path.is_file()
        except OSError as exc:
            raise _unusable(path.parent, exc) from None
        if not exists:
            raise ScenarioError(str(path.parent), "", "no such workshop")
        if not regular:
            raise damaged(path, "not a regular file")
        store = cls(path)
        try:
            store.check()
        except BaseException:
            store.close()
            raise
        return store

    def check(self) -> None:
        """Refuse a database that is damaged or lacks the session's tables and columns."""
        try:
            problems = [r[0] for r in self.conn.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise damaged(self.path, f"damaged: {problems[0]}")
            for table, columns in _EXPECTED.items():
                found = [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]
                if not found and table in OPTIONAL_TABLES:
                    continue
                if not found:
                    raise damaged(self.path, f"no table {table!r}")
                if found != columns:
                    raise damaged(self.path, f"table {table!r} has other columns")
        except sqlite3.Error as exc:
            raise session_error(self.path, exc) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on error)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def has_table(self, table: str) -> bool:
        """Whether ``table`` exists (an optional table may not, in an older session)."""
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        return row is not None

    def ensure_table(self, table: str) -> None:
        """Create optional ``table`` as :data:`SCHEMA` has it, if missing (call it inside
        a write transaction)."""
        if table not in OPTIONAL_TABLES or self.has_table(table):
            return
        for statement in SCHEMA.split(";"):
            if statement.strip().startswith(f"CREATE TABLE {table} "):
                self.conn.execute(statement)

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        """Rows of a read (its own snapshot)."""
        return self.conn.execute(sql, params).fetchall()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def _remove_folders(made: list[Path]) -> None:
    """Remove folders this process made (innermost first) if they are still empty."""
    for folder in made:
        with contextlib.suppress(OSError):
            folder.rmdir()


_EXPECTED = _expected_columns()
