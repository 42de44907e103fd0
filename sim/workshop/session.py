"""A workshop session: teams, rounds, moves, injects and the leaderboard.

Every team plays the same scenario on the same seed, so differences between teams come
from their decisions; every team's ghost is the same untouched organisation.  Nothing
about a team's game is stored but its moves: :meth:`Workshop.team_game` rebuilds it
deterministically from scenario + seed + moves + injects, so a crashed client rejoins by
opening the session again and any number of processes can read at once.

The round cycle, driven by the facilitator:

1. ``planning`` of round *r*: teams :meth:`~Workshop.submit` moves (validated against
   their game at the round's start, budget included); the facilitator may
   :meth:`~Workshop.inject` cards for round *r*.
2. :meth:`~Workshop.play_round`: status ``played``; every team's game plays round *r*
   (its moves first, then the injects aimed at it, then ``round_days`` of simulated time);
   metrics, tiers and scores are stored.
3. :meth:`~Workshop.next_round`: ``planning`` of round *r + 1*, or ``finished``.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from ..errors import ScenarioError
from ..game import Game, GameError
from ..limits import (
    whole_problem,
)
from ..loading import load_scenario, validate_data
from ..model import Command
from ..model.commands import command_from_dict, command_to_dict
from ..scenario import Scenario
from ..workers import executor
from .deck import Deck, check_effects, load_deck
from .errors import DebriefError, WorkshopError
from .futures import KEY_METRICS, cache_entry, commands_key, run_futures
from .replay import PlayedTeam, SessionPlan, Snapshot, play_team, played_to_dict, replay
from .scoring import leaderboard_score
from .store import (
    FUTURES,
    NAME_PATTERN,
    PLAYED_ROUNDS,
    Store,
    check_name,
    damaged,
    session_error,
    session_path,
)
from .stored import (
    check_plan,
    stored_json,
    stored_metrics,
    stored_number,
    stored_text,
    stored_tiers,
)
from .views import Decision, LeaderboardRow, PlayedRound, SessionStatus, TeamStatus

PLANNING, PLAYED, FINISHED = "planning", "played", "finished"
_RETRIES = 20

DEBRIEF_REPLICATIONS = 10
"""Other futures per side in the debrief's luck-vs-decisions charts (by default)."""


STATUSES: tuple[str, ...] = (PLANNING, PLAYED, FINISHED)


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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
        self._snapshot()
        self.results()

    def close(self) -> None:
        """Close the database connection."""
        self.store.close()

    def _error(self, key: str, problem: str) -> WorkshopError:
        return WorkshopError(f"workshop {self.name}", key, problem)

    def _check_team(self, team: str) -> str:
        check_name(team, "team name")
        if team not in self.teams:
            raise self._error(f"team {team}", f"no such team; teams: {', '.join(self.teams)}")
        return team

    # --- reading -----------------------------------------------------------------------
    def _snapshot(self) -> Snapshot:
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
            *self._check_state(state),
            [self._stored_move(m) for m in moves],
            [self._stored_inject(i) for i in injects],
        )

    def _check_state(self, state: sqlite3.Row | None) -> tuple[int, str]:
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

    def _stored_round(self, value: Any, key: str) -> int:
        problem = whole_problem(value, 1, self.rounds)
        if problem:
            raise damaged(self.store.path, f"{key}: {problem}")
        return int(value)

    def _stored_team(self, value: Any, key: str) -> str:
        if value not in self.teams:
            raise damaged(self.store.path, f"{key}: {value!r} is not a team of the session")
        return str(value)

    def _stored_move(self, row: sqlite3.Row) -> tuple[str, int, Command]:
        path = self.store.path
        data = stored_json(path, row["command"], "moves.command", dict)
        try:
            command = command_from_dict(data, "moves.command")
        except ScenarioError as exc:
            raise damaged(path, exc.message) from None
        return (self._stored_team(row["team"], "moves.team"),
                self._stored_round(row["round"], "moves.round"), command)  # fmt: skip

    def _stored_inject(self, row: sqlite3.Row) -> tuple[int, str | None, str, list[dict[str, Any]]]:
        path = self.store.path
        card = stored_text(path, row["card"], "injects.card")
        if not NAME_PATTERN.fullmatch(card):
            raise damaged(path, f"injects.card: {card!r} is not a card id")
        effects = stored_json(path, row["effects"], "injects.effects", list)
        try:
            check_effects(effects, "injects", "effects")
        except ScenarioError as exc:
            raise damaged(path, f"{exc.source}.{exc.key}: {exc.problem}") from None
        team = None if row["team"] is None else self._stored_team(row["team"], "injects.team")
        return self._stored_round(row["round"], "injects.round"), team, card, effects

    @_guarded
    def results(self, team: str | None = None) -> list[dict[str, Any]]:
        """Stored round results (checked), in round order, optionally of one ``team``."""
        path = self.store.path
        sql = "SELECT * FROM results" + (" WHERE team = ?" if team else "") + " ORDER BY round"
        rows = []
        for row in self.store.query(sql, (team,) if team else ()):
            rows.append({
                "team": self._stored_team(row["team"], "results.team"),
                "round": self._stored_round(row["round"], "results.round"),
                "metrics": stored_metrics(path, row["metrics"], "results.metrics"),
                "tiers": stored_tiers(path, row["tiers"], "results.tiers"),
                "score": stored_number(path, row["score"], "results.score"),
                "leaderboard": stored_number(path, row["leaderboard"], "results.leaderboard"),
                "parts": {k: stored_number(path, v, f"results.parts.{k}") for k, v
                          in stored_json(path, row["parts"], "results.parts", dict).items()},
            })  # fmt: skip
        return rows

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
        snap = self._snapshot()
        if snap.status == PLANNING:
            return self._replay(team, snap, snap.round, play_last=False)
        return self._replay(team, snap, snap.round, play_last=True)

    @_guarded
    def team_history(self, team: str) -> tuple[Game, list[Decision]]:
        """``team``'s game as :meth:`team_game` has it, with every decision that shaped
        it: the team's moves and the facilitator's cards (with the commands each card
        carried out), in the order they were applied."""
        self._check_team(team)
        snap = self._snapshot()
        decisions: list[Decision] = []
        game = self._replay(team, snap, snap.round, snap.status != PLANNING, decisions)
        return game, decisions

    @_guarded
    def played(self, team: str) -> list[PlayedRound] | None:
        """``team``'s played rounds as stored when each was played (checked as read), in
        order; None when a round with results has none stored (a session made before
        they were, whose rounds :meth:`team_history` rebuilds)."""
        self._check_team(team)
        numbers = self.played_rounds(team)
        if not numbers or not self.store.has_table(PLAYED_ROUNDS):
            return None if numbers else []
        rows = self.store.query(
            f"SELECT round, data FROM {PLAYED_ROUNDS} WHERE team = ? ORDER BY round", (team,)
        )
        found = {}
        for row in rows:
            number = self._stored_round(row["round"], f"{PLAYED_ROUNDS}.round")
            data = stored_json(self.store.path, row["data"], f"{PLAYED_ROUNDS}.data", dict)
            found[number] = self._played_from_dict(number, data)
        if any(number not in found for number in numbers):
            return None
        return [found[number] for number in numbers]

    def _played_from_dict(self, number: int, data: dict[str, Any]) -> PlayedRound:
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

    @_guarded
    def played_rounds(self, team: str) -> list[int]:
        """The rounds with stored results for ``team``, in order (cheap: no JSON read)."""
        self._check_team(team)
        rows = self.store.query("SELECT round FROM results WHERE team = ? ORDER BY round", (team,))
        return [self._stored_round(row["round"], "results.round") for row in rows]

    # --- the debrief's cache of other futures -------------------------------------------
    @_guarded
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

    @_guarded
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

    @_guarded
    def ghost_game(self) -> Game:
        """The untouched organisation every team is measured against, at the current round."""
        snap = self._snapshot()
        empty = Snapshot(snap.round, snap.status, [], [])
        return self._replay("", empty, snap.round, play_last=snap.status != PLANNING)

    @_guarded
    def injects(self) -> list[tuple[int, str | None, str, list[dict[str, Any]]]]:
        """Stored injects, in order: (round, team or None for all, card id, effects)."""
        return self._snapshot().injects

    @_guarded
    def moves(self, team: str | None = None, round_number: int | None = None) -> list[Command]:
        """Stored moves, in order, optionally of one team and one round."""
        return [
            c for t, r, c in self._snapshot().moves
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
        :class:`WorkshopError`.  Optimistic: if another move of this team lands between
        the check and the write, the check is repeated.
        """
        self._check_team(team)
        if not isinstance(command, Command):
            raise self._error(f"team {team}", f"not a command: {command!r}")
        for _ in range(_RETRIES):
            snap = self._snapshot()
            if snap.status != PLANNING:
                problem = f"round {snap.round} is {snap.status}; moves wait for planning"
                raise self._error(f"team {team}", problem)
            game = self._replay(team, snap, snap.round, play_last=False)
            try:
                game.apply(command)
            except (GameError, ScenarioError) as exc:
                problem = exc.message if isinstance(exc, ScenarioError) else str(exc)
                raise self._error(f"team {team}", f"move refused: {problem}") from None
            before = sum(1 for t, r, _ in snap.moves if t == team and r == snap.round)
            with self.store.transaction() as conn:
                state = self._check_state(
                    conn.execute("SELECT round, status FROM state").fetchone()
                )
                count = conn.execute(
                    "SELECT COUNT(*) FROM moves WHERE team = ? AND round = ?", (team, snap.round)
                ).fetchone()[0]
                if (*state, count) != (snap.round, PLANNING, before):
                    continue  # something changed meanwhile: check again
                now = _now()
                conn.execute(
                    "INSERT INTO moves (team, round, command, created) VALUES (?, ?, ?, ?)",
                    (team, snap.round, json.dumps(command_to_dict(command)), now),
                )
                conn.execute("UPDATE teams SET last_seen = ? WHERE name = ?", (now, team))
                return
        raise self._error(f"team {team}", "the session is too busy; try again")

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
        card = chosen.card(card_id)
        with self.store.transaction() as conn:
            current, status = self._check_state(
                conn.execute("SELECT round, status FROM state").fetchone()
            )
            number = current + (0 if status == PLANNING else 1)
            if status == FINISHED or number > self.rounds:
                raise self._error("inject", "the workshop is over; no round left to inject into")
            conn.execute(
                "INSERT INTO injects (round, team, card, effects, created) VALUES (?, ?, ?, ?, ?)",
                (number, team, card.id, json.dumps(list(card.effects)), _now()),
            )
        return number

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

        ``debrief`` (e.g. :func:`sim.workshop.report.write_debrief`) is called with the
        session once the round is stored; if it fails, :class:`DebriefError` says the
        round was played and stored.  (This module never imports the report: the
        dependency runs one way, report → session.)
        """
        with self.store.transaction() as conn:
            _, status = self._check_state(
                conn.execute("SELECT round, status FROM state").fetchone()
            )
            if status == FINISHED:
                raise self._error("play-round", "the workshop is over")
            if status == PLANNING:
                conn.execute("UPDATE state SET status = ?", (PLAYED,))
        snap = self._snapshot()
        number = snap.round
        plan = self.plan
        jobs = len(self.teams) + (len(self.teams) + 1 if replications else 0)
        with executor(min(jobs, workers or os.cpu_count() or 1)) as pool:
            plays = [pool.submit(play_team, plan, team, snap, number) for team in self.teams]
            done = []
            for job in plays:  # the rounds first: teams see their results before the futures
                outcome = job.result()
                if not isinstance(outcome, PlayedTeam):
                    raise WorkshopError(*outcome)
                done.append(outcome)
            self._store_round(number, done)
            if replications:
                self._store_futures(pool, number, done, replications)
        if open_next:
            self.next_round()
        if debrief is not None:
            try:
                debrief(self)
            except Exception as exc:  # any failure (Ctrl-C is not one): the round stands
                problem = exc.message if isinstance(exc, ScenarioError) else str(exc)
                raise DebriefError(self.name, number, problem or type(exc).__name__) from exc
        return self.leaderboard()

    def _store_round(self, number: int, done: list[PlayedTeam]) -> None:
        """Store each team's result of round ``number`` and the round as played."""
        rows = []
        played = []
        for p in done:
            report = p.report
            parts = leaderboard_score(report.player, report.player_tiers)
            rows.append(
                (p.team, number, json.dumps(report.player), json.dumps(report.player_tiers),
                 report.score, parts.total, json.dumps(parts.to_dict()))
            )  # fmt: skip
            played.append((p.team, number, json.dumps(played_to_dict(report, p.decisions))))
        with self.store.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            self.store.ensure_table(PLAYED_ROUNDS)
            conn.executemany(f"INSERT OR REPLACE INTO {PLAYED_ROUNDS} VALUES (?, ?, ?)", played)

    def _store_futures(
        self, pool: Any, number: int, done: list[PlayedTeam], replications: int
    ) -> None:
        """Run and store round ``number``'s other futures: the untouched organisation's and
        those of each team with decisions (teams that made none share the untouched ones;
        teams with the same decisions share theirs)."""
        first = done[0]
        starts = (first.start, first.report.start_hours)
        end = first.report.end_hours
        runs = range(1, replications + 1)
        wanted = {"": ()} | {p.team: tuple(p.commands) for p in done if p.commands}
        jobs = {}
        by_key: dict[str, Any] = {}
        for key, commands in wanted.items():
            shared = commands_key(commands)
            if shared not in by_key:
                by_key[shared] = pool.submit(run_futures, self.scenario, self.seed, commands,
                                             starts, end, runs)  # fmt: skip
            jobs[key] = (commands, by_key[shared])
        rows = {key: cache_entry(commands, job.result()) for key, (commands, job) in jobs.items()}
        self.cache_futures(number, replications, rows)

    @_guarded
    def next_round(self) -> str:
        """Open planning of the next round (or finish after the last); returns the status."""
        with self.store.transaction() as conn:
            current, status = self._check_state(
                conn.execute("SELECT round, status FROM state").fetchone()
            )
            if status != PLAYED:
                raise self._error("next-round", f"round {current} is {status}")
            done = conn.execute(
                "SELECT COUNT(*) FROM results WHERE round = ?", (current,)
            ).fetchone()[0]
            if done < len(self.teams):
                raise self._error("next-round", "the round's results are incomplete; play it")
            if current >= self.rounds:
                conn.execute("UPDATE state SET status = ?", (FINISHED,))
                return FINISHED
            conn.execute("UPDATE state SET round = ?, status = ?", (current + 1, PLANNING))
            return PLANNING

    # --- what everyone sees ------------------------------------------------------------
    @_guarded
    def leaderboard(self) -> list[LeaderboardRow]:
        """Teams by total leaderboard score (see :mod:`sim.workshop.scoring`), best first."""
        results = self.results()
        totals = {team: 0.0 for team in self.teams}
        played = dict.fromkeys(self.teams, 0)
        last: dict[str, Any] = {}
        for row in results:
            totals[row["team"]] += row["leaderboard"]
            played[row["team"]] += 1
            last[row["team"]] = row
        order = sorted(self.teams, key=lambda t: (-totals[t], self.teams.index(t)))
        board = []
        for rank, team in enumerate(order, 1):
            row = last.get(team)
            metrics = row["metrics"] if row else {}
            tiers = row["tiers"] if row else {}
            board.append(LeaderboardRow(
                rank, team, played[team], totals[team], row["leaderboard"] if row else None,
                {k: metrics.get(k) for k in KEY_METRICS} if row else {},
                {k: v for k, v in tiers.items()},
            ))  # fmt: skip
        return board

    @_guarded
    def status(self) -> SessionStatus:
        """Round, phase, teams and the injects waiting for the round being planned."""
        snap = self._snapshot()
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
