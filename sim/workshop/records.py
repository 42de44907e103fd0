"""A session's rows, read and checked: state, moves, injects, results and played rounds.

:class:`SessionRecords` reads the tables of one session's :class:`~.store.Store` and
checks every value as it is read (a round within the session's rounds, a team of the
session, a command or a card's effects that load, numbers within :mod:`sim.limits`), so a
damaged or edited ``session.db`` is one ``not a Ship It workshop session (…)`` line naming
the file and the key, never a traceback.  It also keeps the debrief's cache of "other
futures" (:mod:`.futures`).  The session (:class:`~.session.Workshop`) and the round cycle
(:mod:`.rounds`, :mod:`.planning`) read through it.

The round cycle's statuses live here, where the stored one is checked: ``planning`` (teams
submit moves), ``played`` (the round's results are stored) and ``finished``.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..errors import ScenarioError
from ..limits import whole_problem
from ..model import Command
from ..model.commands import command_from_dict
from .deck import check_effects
from .replay import Snapshot
from .store import FUTURES, NAME_PATTERN, PLAYED_ROUNDS, Store, damaged
from .stored import stored_json, stored_metrics, stored_number, stored_text, stored_tiers
from .views import Decision, PlayedRound

PLANNING, PLAYED, FINISHED = "planning", "played", "finished"

STATUSES: tuple[str, ...] = (PLANNING, PLAYED, FINISHED)
"""Where a round stands, in the order the round cycle goes through them."""

Inject = tuple[int, str | None, str, list[dict[str, Any]]]
"""A stored inject: (round, team or None for all, card id, effects)."""


class SessionRecords:
    """The checked rows of one session with ``teams`` (in order) and ``rounds`` rounds."""

    def __init__(self, store: Store, teams: list[str], rounds: int) -> None:
        self.store = store
        self.teams = teams
        self.rounds = rounds

    # --- the round cycle's state, moves and injects -----------------------------------
    def snapshot(self) -> Snapshot:
        """One consistent read of the state, the moves and the injects."""
        conn = self.store.conn
        conn.execute("BEGIN")  # one read snapshot across the three tables
        try:
            state = conn.execute("SELECT round, status FROM state").fetchone()
            moves = conn.execute("SELECT team, round, command FROM moves ORDER BY id").fetchall()
            injects = conn.execute(
                "SELECT round, team, card, effects FROM injects ORDER BY id"
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        return Snapshot(
            *self.check_state(state),
            [self.stored_move(m) for m in moves],
            [self.stored_inject(i) for i in injects],
        )

    def state(self, conn: sqlite3.Connection) -> tuple[int, str]:
        """The (round, status) as ``conn`` (inside a transaction) reads it, checked."""
        return self.check_state(conn.execute("SELECT round, status FROM state").fetchone())

    def check_state(self, state: sqlite3.Row | None) -> tuple[int, str]:
        """The stored (round, status), checked against the session's rounds."""
        path = self.store.path
        if state is None:
            raise damaged(path, "state: no row")
        problem = whole_problem(state["round"], 1, self.rounds)
        if problem:
            raise damaged(path, f"state.round: {problem}")
        if state["status"] not in STATUSES:
            raise damaged(path, f"state.status: expected one of {', '.join(STATUSES)}")
        return state["round"], state["status"]

    def stored_round(self, value: Any, key: str) -> int:
        """A stored round number, one of the session's rounds."""
        problem = whole_problem(value, 1, self.rounds)
        if problem:
            raise damaged(self.store.path, f"{key}: {problem}")
        return int(value)

    def stored_team(self, value: Any, key: str) -> str:
        """A stored team name, one of the session's teams."""
        if value not in self.teams:
            raise damaged(self.store.path, f"{key}: {value!r} is not a team of the session")
        return str(value)

    def stored_move(self, row: sqlite3.Row) -> tuple[str, int, Command]:
        """A row of ``moves``: (team, round, command)."""
        path = self.store.path
        data = stored_json(path, row["command"], "moves.command", dict)
        try:
            command = command_from_dict(data, "moves.command")
        except ScenarioError as exc:
            raise damaged(path, exc.message) from None
        return (self.stored_team(row["team"], "moves.team"),
                self.stored_round(row["round"], "moves.round"), command)  # fmt: skip

    def stored_inject(self, row: sqlite3.Row) -> Inject:
        """A row of ``injects`` (see :data:`Inject`)."""
        path = self.store.path
        card = stored_text(path, row["card"], "injects.card")
        if not NAME_PATTERN.fullmatch(card):
            raise damaged(path, f"injects.card: {card!r} is not a card id")
        effects = stored_json(path, row["effects"], "injects.effects", list)
        try:
            check_effects(effects, "injects", "effects")
        except ScenarioError as exc:
            raise damaged(path, f"{exc.source}.{exc.key}: {exc.problem}") from None
        team = None if row["team"] is None else self.stored_team(row["team"], "injects.team")
        return self.stored_round(row["round"], "injects.round"), team, card, effects

    # --- results and played rounds ------------------------------------------------------
    def results(self, team: str | None = None) -> list[dict[str, Any]]:
        """Stored round results (checked), in round order, optionally of one ``team``."""
        path = self.store.path
        sql = "SELECT * FROM results" + (" WHERE team = ?" if team else "") + " ORDER BY round"
        rows = []
        for row in self.store.query(sql, (team,) if team else ()):
            rows.append({
                "team": self.stored_team(row["team"], "results.team"),
                "round": self.stored_round(row["round"], "results.round"),
                "metrics": stored_metrics(path, row["metrics"], "results.metrics"),
                "tiers": stored_tiers(path, row["tiers"], "results.tiers"),
                "score": stored_number(path, row["score"], "results.score"),
                "leaderboard": stored_number(path, row["leaderboard"], "results.leaderboard"),
                "parts": {k: stored_number(path, v, f"results.parts.{k}") for k, v
                          in stored_json(path, row["parts"], "results.parts", dict).items()},
            })  # fmt: skip
        return rows

    def played_rounds(self, team: str) -> list[int]:
        """The rounds with stored results for ``team``, in order (cheap: no JSON read)."""
        rows = self.store.query("SELECT round FROM results WHERE team = ? ORDER BY round", (team,))
        return [self.stored_round(row["round"], "results.round") for row in rows]

    def played(self, team: str) -> list[PlayedRound] | None:
        """``team``'s played rounds as stored when each was played (checked as read), in
        order; None when a round with results has none stored (a session made before
        they were)."""
        numbers = self.played_rounds(team)
        if not numbers or not self.store.has_table(PLAYED_ROUNDS):
            return None if numbers else []
        rows = self.store.query(
            f"SELECT round, data FROM {PLAYED_ROUNDS} WHERE team = ? ORDER BY round", (team,)
        )
        found = {}
        for row in rows:
            number = self.stored_round(row["round"], f"{PLAYED_ROUNDS}.round")
            data = stored_json(self.store.path, row["data"], f"{PLAYED_ROUNDS}.data", dict)
            found[number] = self.played_from_dict(number, data)
        if any(number not in found for number in numbers):
            return None
        return [found[number] for number in numbers]

    def played_from_dict(self, number: int, data: dict[str, Any]) -> PlayedRound:
        """Played round ``number`` from what :func:`.replay.played_to_dict` stored."""
        path, key = self.store.path, f"{PLAYED_ROUNDS}.data"
        try:
            decisions = tuple(
                Decision(number, stored_number(path, d["t"], f"{key}.decisions.t"),
                         None if d["card"] is None else stored_text(path, d["card"], f"{key}.card"),
                         tuple(command_from_dict(c, f"{key}.decisions") for c in d["commands"]))
                for d in data["decisions"]
            )  # fmt: skip
            return PlayedRound(
                number,
                stored_number(path, data["start"], f"{key}.start"),
                stored_number(path, data["end"], f"{key}.end"),
                stored_metrics(path, json.dumps(data["ghost"]), f"{key}.ghost"),
                stored_tiers(path, json.dumps(data["ghost_tiers"]), f"{key}.ghost_tiers"),
                tuple((stored_number(path, t, f"{key}.commands.t"),
                       command_from_dict(c, f"{key}.commands")) for t, c in data["commands"]),
                decisions,
            )  # fmt: skip
        except ScenarioError as exc:
            raise damaged(path, exc.message) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise damaged(path, f"{key}: {type(exc).__name__}: {exc}") from None

    # --- the debrief's cache of other futures -------------------------------------------
    def cached_futures(self, round_number: int, replications: int) -> dict[str, Any]:
        """Stored "other futures" of the debrief (see :mod:`.report`) for the pack after
        ``round_number`` with ``replications``: key → data.  A cache: a session made
        before it existed has none, and an unreadable row is simply not returned."""
        if not self.store.has_table(FUTURES):
            return {}
        rows = self.store.query(
            f"SELECT key, data FROM {FUTURES} WHERE round = ? AND replications = ?",
            (round_number, replications),
        )
        found = {}
        for row in rows:
            try:
                data = json.loads(row["data"])
            except (TypeError, ValueError):
                continue
            if isinstance(row["key"], str) and isinstance(data, dict):
                found[row["key"]] = data
        return found

    def cache_futures(self, round_number: int, replications: int, rows: dict[str, Any]) -> None:
        """Store computed futures (key → JSON-ready data), replacing older ones."""
        if not rows:
            return
        with self.store.transaction() as conn:
            self.store.ensure_table(FUTURES)
            conn.executemany(
                f"INSERT OR REPLACE INTO {FUTURES} VALUES (?, ?, ?, ?)",
                [(round_number, replications, key, json.dumps(data)) for key, data in rows.items()],
            )
