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
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import ScenarioError

ENV_DIR = "SHIPIT_WORKSHOPS"
DEFAULT_DIR = "workshops"
DB_NAME = "session.db"
BUSY_TIMEOUT_MS = 10_000
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

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
"""


def check_name(name: str, what: str) -> str:
    """``name`` if it is a valid session or team name; a one-line error otherwise."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ScenarioError(what, repr(name), "use 1-64 letters, digits, - and _ only")
    return name


def workshops_dir(directory: str | Path | None = None) -> Path:
    """Where sessions live: ``directory``, else ``$SHIPIT_WORKSHOPS``, else ``./workshops``."""
    if directory is not None:
        return Path(directory).expanduser()
    return Path(os.environ.get(ENV_DIR) or DEFAULT_DIR).expanduser()


def session_path(name: str, directory: str | Path | None = None) -> Path:
    """The database file of session ``name``."""
    return workshops_dir(directory) / check_name(name, "workshop name") / DB_NAME


class Store:
    """A connection to one session database (one per process or object; never shared)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA foreign_keys = ON")

    @classmethod
    def create(cls, path: Path, populate: Callable[[sqlite3.Connection], None]) -> Store:
        """A new session database at ``path`` (its folder must not exist yet).

        ``populate`` fills it in the same transaction that creates the tables, so a session
        is either complete or absent.
        """
        try:
            path.parent.parent.mkdir(parents=True, exist_ok=True)
            path.parent.mkdir()
        except FileExistsError:
            raise ScenarioError(str(path.parent), "", "a workshop of that name exists") from None
        except OSError as exc:
            raise ScenarioError(str(path.parent), "", f"cannot create: {exc.strerror}") from None
        store = cls(path)
        with store.transaction() as conn:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            populate(conn)
        return store

    @classmethod
    def open(cls, path: Path) -> Store:
        """The existing session database at ``path``."""
        if not path.is_file():
            raise ScenarioError(str(path.parent), "", "no such workshop")
        return cls(path)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: ``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on error)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        """Rows of a read (its own snapshot)."""
        return self.conn.execute(sql, params).fetchall()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
