"""A workshop session: teams, rounds, moves, injects and the leaderboard.

Every team plays the same scenario on the same seed, so differences between teams come
from their decisions; every team's ghost is the same untouched organisation.  Nothing
about a team's game is stored but its moves: :meth:`Workshop.team_game` rebuilds it
deterministically from scenario + seed + moves + injects, so a crashed client rejoins by
opening the session again and any number of processes can read at once.

The round cycle, driven by the facilitator:

1. ``planning`` of round *r*: teams :meth:`~Workshop.submit` moves (validated against
   their game at the round's start, budget included); the facilitator may
   :meth:`~Workshop.inject` cards for round *r* (:mod:`.planning`).
2. :meth:`~Workshop.play_round`: status ``played``; every team's game plays round *r*
   (its moves first, then the injects aimed at it, then ``round_days`` of simulated time);
   metrics, tiers and scores are stored (:mod:`.rounds`).
3. :meth:`~Workshop.next_round`: ``planning`` of round *r + 1*, or ``finished``.

:class:`Workshop` is the API teams and the facilitator use; it reads the session's rows
through :class:`~.records.SessionRecords`, which checks every stored value.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from ..errors import ScenarioError
from ..game import Game, GameError
from ..loading import load_scenario, validate_data
from ..metrics.tiers import KEY_METRICS
from ..model import Command
from ..scenario import Scenario
from . import planning, rounds, standings
from .deck import Deck, load_deck
from .errors import DebriefError, WorkshopError
from .records import FINISHED, PLANNING, Inject, SessionRecords
from .replay import SessionPlan, Snapshot, replay
from .rounds import DEBRIEF_REPLICATIONS
from .store import NAME_PATTERN, Store, check_name, damaged, session_error, session_path
from .store import timestamp as _now  # the clock of create and join (tests replace it)
from .stored import check_plan, stored_json, stored_text
from .views import Decision, LeaderboardRow, PlayedRound, SessionStatus, TeamStatus

__all__ = [
    "DEBRIEF_REPLICATIONS",
    "FINISHED",
    "KEY_METRICS",
    "PLANNING",
    "DebriefError",
    "LeaderboardRow",
    "SessionStatus",
    "TeamView",
    "Workshop",
    "WorkshopError",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _guarded(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn SQLite errors of a :class:`Workshop` method into one line naming the file."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            workshop = args[0]
            assert isinstance(workshop, Workshop)
            raise session_error(workshop.store.path, exc) from None

    return wrapper


class Workshop:
    """One session, opened from its database; cheap to create, one per process or client."""

    @_guarded
    def __init__(self, store: Store) -> None:
        """Read the session from ``store``: every stored value is checked (names, numbers
        within :mod:`sim.limits`, the scenario), and anything else is one
        ``not a Ship It workshop session (…)`` error naming the file."""
        self.store = store
        path = store.path
        rows = store.query("SELECT * FROM session")
        if len(rows) != 1:
            raise damaged(path, f"session: expected one row, found {len(rows)}")
        row = rows[0]
        names = store.query("SELECT name FROM teams ORDER BY position")
        self.teams: list[str] = [r["name"] for r in names]
        for key, name in [("session.name", row["name"])] + [("teams.name", t) for t in self.teams]:
            if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
                raise damaged(path, f"{key}: {name!r}: use 1-64 letters, digits, - and _ only")
        self.name: str = row["name"]
        try:
            check_plan("session", len(self.teams), row["rounds"], row["round_days"],
                       row["budget"], row["seed"])  # fmt: skip
        except ScenarioError as exc:
            raise damaged(path, f"session.{exc.key}: {exc.problem}") from None
        if row["teams"] != len(self.teams) or len(set(self.teams)) != len(self.teams):
            raise damaged(path, f"teams: expected {row['teams']!r} different team names")
        self.seed: int = row["seed"]
        self.rounds: int = row["rounds"]
        self.round_days: float = float(row["round_days"])
        self.budget: float | None = None if row["budget"] is None else float(row["budget"])
        self.created: str = stored_text(path, row["created"], "session.created")
        data = stored_json(path, row["scenario"], "session.scenario", dict)
        try:
            self.scenario: Scenario = validate_data(data, "session.scenario")
        except ScenarioError as exc:
            raise damaged(path, exc.message) from None
        self.records = SessionRecords(store, self.teams, self.rounds)
        """The session's rows, read and checked."""

    # --- opening -----------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        name: str,
        scenario_ref: str | Scenario,
        teams: int | list[str],
        rounds: int,
        round_days: float = 91.0,
        budget: float | None = None,
        seed: int | None = None,
        directory: str | Path | None = None,
    ) -> Workshop:
        """A new session; ``teams`` is a count (teams ``team-1`` … ``team-N``) or names."""
        path = session_path(name, directory)
        scenario = (
            scenario_ref if isinstance(scenario_ref, Scenario) else load_scenario(scenario_ref)
        )
        names = [f"team-{i}" for i in range(1, teams + 1)] if isinstance(teams, int) else teams
        check_plan(f"workshop {name}", teams if isinstance(teams, int) else len(names), rounds,
                   round_days, budget, seed)  # fmt: skip
        for team in names:
            check_name(team, "team name")
        if len(set(names)) != len(names):
            raise WorkshopError(f"workshop {name}", "teams", "team names must differ")
        seed = scenario.run.seed if seed is None else seed
        try:  # the rules of Game (e.g. round length) checked before anything is written
            Game(scenario, seed=seed, round_days=round_days, rounds=rounds)
        except GameError as exc:
            raise WorkshopError(f"workshop {name}", "", str(exc)) from None

        def populate(conn: Any) -> None:
            conn.execute(
                "INSERT INTO session VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (name, json.dumps(scenario.model_dump(mode="json")), seed, len(names), rounds,
                 float(round_days), budget, _now()),
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO teams (name, position) VALUES (?, ?)",
                [(team, i) for i, team in enumerate(names)],
            )
            conn.execute("INSERT INTO state VALUES (1, ?)", (PLANNING,))

        return cls(Store.create(path, populate))

    @classmethod
    def open(cls, name: str, directory: str | Path | None = None) -> Workshop:
        """An existing session (checked: see :meth:`Store.open` and ``__init__``)."""
        store = Store.open(session_path(name, directory))
        try:
            workshop = cls(store)
            workshop.check()
            return workshop
        except BaseException:
            store.close()
            raise

    @_guarded
    def check(self) -> None:
        """Read everything stored (state, moves, injects, results) and refuse anything
        damaged, so a command on a damaged session fails before it writes."""
        self.records.snapshot()
        self.results()

    def close(self) -> None:
        """Close the database connection."""
        self.store.close()

    def _check_team(self, team: str) -> str:
        check_name(team, "team name")
        if team not in self.teams:
            problem = f"no such team; teams: {', '.join(self.teams)}"
            raise self.plan.error(f"team {team}", problem)
        return team

    # --- reading -----------------------------------------------------------------------
    @_guarded
    def results(self, team: str | None = None) -> list[dict[str, Any]]:
        """Stored round results (checked), in round order, optionally of one ``team``."""
        return self.records.results(team)

    @property
    def plan(self) -> SessionPlan:
        """What every game of the session is made from (picklable: for worker processes)."""
        return SessionPlan(self.name, self.scenario, self.seed, self.round_days, self.rounds,
                           self.budget)  # fmt: skip

    def _replay(
        self,
        team: str,
        snap: Snapshot,
        upto: int,
        play_last: bool,
        decisions: list[Decision] | None = None,
    ) -> Game:
        """:func:`.replay.replay` of ``team``'s game (see there)."""
        return replay(self.plan, team, snap, upto, play_last, decisions)

    @_guarded
    def team_game(self, team: str) -> Game:
        """``team``'s game as it stands now (what a team client shows on its board)."""
        self._check_team(team)
        snap = self.records.snapshot()
        if snap.status == PLANNING:
            return self._replay(team, snap, snap.round, play_last=False)
        return self._replay(team, snap, snap.round, play_last=True)

    @_guarded
    def team_history(self, team: str) -> tuple[Game, list[Decision]]:
        """``team``'s game as :meth:`team_game` has it, with every decision that shaped
        it: the team's moves and the facilitator's cards (with the commands each card
        carried out), in the order they were applied."""
        self._check_team(team)
        snap = self.records.snapshot()
        decisions: list[Decision] = []
        game = self._replay(team, snap, snap.round, snap.status != PLANNING, decisions)
        return game, decisions

    @_guarded
    def played(self, team: str) -> list[PlayedRound] | None:
        """``team``'s played rounds as stored when each was played (checked as read), in
        order; None when a round with results has none stored (a session made before
        they were, whose rounds :meth:`team_history` rebuilds)."""
        self._check_team(team)
        return self.records.played(team)

    @_guarded
    def played_rounds(self, team: str) -> list[int]:
        """The rounds with stored results for ``team``, in order (cheap: no JSON read)."""
        self._check_team(team)
        return self.records.played_rounds(team)

    # --- the debrief's cache of other futures -------------------------------------------
    @_guarded
    def cached_futures(self, round_number: int, replications: int) -> dict[str, Any]:
        """Stored "other futures" of the debrief (see :mod:`.report`) for the pack after
        ``round_number`` with ``replications``: key → data (none if never stored)."""
        return self.records.cached_futures(round_number, replications)

    @_guarded
    def cache_futures(self, round_number: int, replications: int, rows: dict[str, Any]) -> None:
        """Store computed futures (key → JSON-ready data), replacing older ones."""
        self.records.cache_futures(round_number, replications, rows)

    @_guarded
    def ghost_game(self) -> Game:
        """The untouched organisation every team is measured against, at the current round."""
        snap = self.records.snapshot()
        empty = Snapshot(snap.round, snap.status, [], [])
        return self._replay("", empty, snap.round, play_last=snap.status != PLANNING)

    @_guarded
    def injects(self) -> list[Inject]:
        """Stored injects, in order: (round, team or None for all, card id, effects)."""
        return self.records.snapshot().injects

    @_guarded
    def moves(self, team: str | None = None, round_number: int | None = None) -> list[Command]:
        """Stored moves, in order, optionally of one team and one round."""
        return [
            c for t, r, c in self.records.snapshot().moves
            if (team is None or t == team) and (round_number is None or r == round_number)
        ]  # fmt: skip

    # --- teams -------------------------------------------------------------------------
    @_guarded
    def join(self, team: str) -> TeamView:
        """Join as ``team`` (again, after a crash: same team, moves kept)."""
        self._check_team(team)
        now = _now()
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE teams SET joined = COALESCE(joined, ?), last_seen = ? WHERE name = ?",
                (now, now, team),
            )
        return TeamView(self, team)

    @_guarded
    def submit(self, team: str, command: Command) -> None:
        """Store ``team``'s move for the round being planned, if the rules allow it now.

        Validated on the team's game at the round's start with its earlier moves of the
        round applied (so the round's budget counts them); a refused move is one
        :class:`WorkshopError` (see :func:`.planning.submit`).
        """
        self._check_team(team)
        planning.submit(self.records, self.plan, team, command)

    # --- the facilitator ---------------------------------------------------------------
    def inject(
        self, card_id: str, team: str | None = None, deck: Deck | str | Path | None = None
    ) -> int:
        """Play ``card_id`` of ``deck`` (default deck) into ``team`` or all teams.

        It takes effect at the start of the next round to be played.  Returns that round.
        """
        if team is not None:
            self._check_team(team)
        chosen = deck if isinstance(deck, Deck) else load_deck(deck)
        return planning.inject(self.records, self.plan, chosen.card(card_id), team)

    @_guarded
    def play_round(
        self,
        open_next: bool = True,
        debrief: Callable[[Workshop], object] | None = None,
        replications: int = DEBRIEF_REPLICATIONS,
        workers: int | None = None,
    ) -> list[LeaderboardRow]:
        """Close planning, play the round for every team, store results; then (with
        ``open_next``) open the next round.  Safe to call again after a crash mid-way.

        The teams' rounds run in parallel on ``workers`` processes (default: every core;
        one runs them here), and the results are stored as soon as every team's is in.
        Then the round's other futures (:mod:`.futures`: ``replications`` per team that
        made a decision, and the untouched organisation's; 0 for none) are run on the same
        processes and stored, so every debrief pack of the round reads them instead of
        simulating them (each round computed once: a pack never replays a team's game).
        See :func:`.rounds.play`.

        ``debrief`` (e.g. :func:`sim.workshop.report.write_debrief`) is called with the
        session once the round is stored; if it fails, :class:`DebriefError` says the
        round was played and stored.  (This module never imports the report: the
        dependency runs one way, report → session.)
        """
        number = rounds.play(self.records, self.plan, replications, workers)
        if open_next:
            self.next_round()
        if debrief is not None:
            try:
                debrief(self)
            except Exception as exc:  # any failure (Ctrl-C is not one): the round stands
                problem = exc.message if isinstance(exc, ScenarioError) else str(exc)
                raise DebriefError(self.name, number, problem or type(exc).__name__) from exc
        return self.leaderboard()

    @_guarded
    def next_round(self) -> str:
        """Open planning of the next round (or finish after the last); returns the status."""
        return rounds.next_round(self.records, self.plan)

    # --- what everyone sees ------------------------------------------------------------
    @_guarded
    def leaderboard(self) -> list[LeaderboardRow]:
        """Teams by total leaderboard score (see :mod:`sim.workshop.scoring`), best first."""
        return standings.leaderboard(self.teams, self.results())

    @_guarded
    def status(self) -> SessionStatus:
        """Round, phase, teams and the injects waiting for the round being planned."""
        snap = self.records.snapshot()
        seen = {r["name"]: r for r in self.store.query("SELECT * FROM teams")}
        teams = [
            TeamStatus(team, seen[team]["joined"], seen[team]["last_seen"],
                       sum(1 for t, r, _ in snap.moves if t == team and r == snap.round))
            for team in self.teams
        ]  # fmt: skip
        upcoming = snap.round + (0 if snap.status == PLANNING else 1)
        pending = [(card, target) for r, target, card, _ in snap.injects if r == upcoming]
        return SessionStatus(
            self.name, self.scenario.scenario.name, snap.round, self.rounds, snap.status,
            self.round_days, self.budget, teams, pending,
        )  # fmt: skip


@dataclass
class TeamView:
    """A team's handle on a session: what a team client holds."""

    workshop: Workshop
    name: str

    def submit(self, command: Command) -> None:
        """Submit a move for the round being planned."""
        self.workshop.submit(self.name, command)

    def game(self) -> Game:
        """The team's game as it stands now."""
        return self.workshop.team_game(self.name)

    def moves(self) -> list[Command]:
        """The team's stored moves."""
        return self.workshop.moves(self.name)
