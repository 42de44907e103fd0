"""The game: rounds, a budget, a score, a ghost, and saved games that replay exactly.

A :class:`Game` runs two simulations of the same scenario on the same random numbers: the
**player's**, which takes commands, and the **ghost**, the untouched organisation.  Both
start after the scenario's warm-up (a running organisation, not an empty one) and advance
together, so every difference between them comes from the player's decisions.

Play is split into rounds (a quarter by default).  Moves cost effort in person-days
(:func:`sim.rules.move_cost`); with a budget, a round's investments are limited to it.
A round closes with a :class:`RoundReport`: the round's metrics for player and ghost,
their DORA tiers, whether either was overloaded, the commands given, and a score.  The
rules (costs, score, the limits on a game's settings) live in :mod:`sim.rules`.

Where the time goes (:meth:`Game.value_stream`, :meth:`Game.ghost_value_stream`): both
simulations stream their events into a :class:`~sim.metrics.valuestream.ValueStreamFold`,
so the value stream of any window (this round, a closed round, the whole game) can be
read at any time without a log; the folds only read, so no number of the game changes.

A game is saved as scenario + seed + timestamped commands (JSON); loading replays the
commands at their times, so the numbers are identical.  ``shipit run`` and ``compare``
accept a saved game too (:func:`load_case`), turning a played game into a research case.
The file format, every check made on reading it and the replay of its moves live in
:mod:`sim.savegame`.  The names of both modules are importable from here too.

This module holds no UI: the Textual game (``tui``) and tests drive it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .describe import describe_command, describe_structure
from .errors import ScenarioError
from .metrics.tiers import tier_of
from .metrics.valuestream import ValueStream, ValueStreamFold, value_stream
from .model import Command, Reorganise, Simulation
from .model.flow import FlowStage
from .model.simulation import PoolSnapshot
from .practices import CATALOGUE, PILLARS, maturity_level
from .rules import (
    IMPACT_PENALTY,
    GameError,
    RoundReport,
    check_settings,
    move_cost,
    reorganisation_cost,
    score,
)
from .savegame import (
    SAVE_FORMAT,
    SAVE_VERSION,
    SavedGame,
    load_case,
    read_saved_game,
    replay_moves,
    saved_game_document,
    write_saved_game,
)
from .scenario import Scenario
from .tracker import FeedEntry, Tracker
from .units import HOURS_PER_DAY

DAILY_SNAPSHOTS = 120
"""Days of midnight pool snapshots kept: the longest trailing window the board can ask for."""
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Game:
    """One played game: the player's organisation, its ghost, rounds, budget and score."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int | None = None,
        round_days: float = 91.0,
        rounds: int = 4,
        budget_person_days: float | None = None,
        replication: int = 0,
    ) -> None:
        seed = scenario.run.seed if seed is None else seed
        check_settings(
            seed=seed,
            round_days=round_days,
            rounds=rounds,
            budget_person_days=budget_person_days,
            replication=replication,
        )
        self.scenario = scenario
        self.seed = seed
        self.replication = replication
        self.round_days = round_days
        self.rounds = rounds
        self.budget_person_days = budget_person_days
        self.start = scenario.run.warmup_days * HOURS_PER_DAY
        self._player_tracker = Tracker(self.start)
        self._ghost_tracker = Tracker(self.start)
        self._player_stream = ValueStreamFold()
        self._ghost_stream = ValueStreamFold()
        # No full logs: the trackers, value-stream folds and metric folds keep what the
        # board needs, so a ten-year game stays small (and garbage collection stays quick).
        # The folds only read events: every number of the game is what it was without them.
        self.player = Simulation(
            scenario,
            replication=replication,
            seed=self.seed,
            keep_log=False,
            folds=[self._player_tracker, self._player_stream],
        )
        self.ghost = Simulation(
            scenario,
            replication=replication,
            seed=self.seed,
            keep_log=False,
            folds=[self._ghost_tracker, self._ghost_stream],
        )
        self._daily: dict[int, tuple[PoolSnapshot, PoolSnapshot]] = {}
        # Warm up day by day, so trailing windows have data from the first day of play.
        self._remember_day()
        while self.player.now < self.start - 1e-9:
            step = min(self.start, (math.floor(self.player.now / HOURS_PER_DAY) + 1) * 24.0)
            self.player.run_until(step)
            self.ghost.run_until(step)
            self._remember_day()
        self.commands: list[tuple[float, Command]] = []
        self.reports: list[RoundReport] = []
        self.round_number = 1
        self.round_start = self.start
        self._spent = 0.0
        self._round_snapshots = (self.player.snapshot(), self.ghost.snapshot())

    # --- time --------------------------------------------------------------------------
    @property
    def now(self) -> float:
        """Simulated hours since t = 0 (the game starts after the warm-up)."""
        return self.player.now

    @property
    def round_end(self) -> float:
        """When the current round closes (hours)."""
        return self.round_start + self.round_days * HOURS_PER_DAY

    @property
    def finished(self) -> bool:
        """All rounds played."""
        return self.round_number > self.rounds

    def date_label(self) -> str:
        """The simulated date for the status bar, e.g. ``Round 2 · day 104 · Tue 14:00``."""
        day = int(self.now // HOURS_PER_DAY)
        hour = self.now - day * HOURS_PER_DAY
        weekday = WEEKDAYS[day % 7]
        label = f"day {day - int(self.start // HOURS_PER_DAY) + 1} · {weekday} {int(hour):02d}:00"
        if self.finished:
            return f"Game over · {label}"
        return f"Round {self.round_number}/{self.rounds} · {label}"

    def advance(self, hours: float) -> RoundReport | None:
        """Run player and ghost ``hours`` further, stopping at the round's end.

        Returns the :class:`RoundReport` if the round closed; does nothing once the game
        is over.
        """
        if self.finished or hours <= 0:
            return None
        target = min(self.now + hours, self.round_end)
        while self.now < target - 1e-9:
            next_day = (math.floor(self.now / HOURS_PER_DAY) + 1) * HOURS_PER_DAY
            step = min(target, next_day)
            self.player.run_until(step)
            self.ghost.run_until(step)
            self._remember_day()
        if self.now >= self.round_end - 1e-9:
            return self._close_round()
        return None

    def _remember_day(self) -> None:
        """Snapshot the pools at midnight; keep only what trailing windows can reach."""
        day = int(self.now // HOURS_PER_DAY)
        if self.now % HOURS_PER_DAY < 1e-9 and day not in self._daily:
            self._daily[day] = (self.player.snapshot(), self.ghost.snapshot())
            self._daily.pop(day - DAILY_SNAPSHOTS, None)

    def _close_round(self) -> RoundReport:
        since_player, since_ghost = self._round_snapshots
        player = self.player.metrics(since=since_player)
        ghost = self.ghost.metrics(since=since_ghost)
        edition = self.scenario.run.tier_edition
        player_tiers, ghost_tiers = tier_of(player, edition), tier_of(ghost, edition)
        report = RoundReport(
            number=self.round_number,
            start_hours=self.round_start,
            end_hours=self.now,
            player=player,
            ghost=ghost,
            player_tiers=player_tiers,
            ghost_tiers=ghost_tiers,
            score=score(player, player_tiers),
            ghost_score=score(ghost, ghost_tiers),
            commands=[(t, c) for t, c in self.commands if t >= self.round_start],
            spent_person_days=self._spent,
        )
        self.reports.append(report)
        self.round_number += 1
        self.round_start = self.now
        self._spent = 0.0
        self._round_snapshots = (self.player.snapshot(), self.ghost.snapshot())
        return report

    # --- moves -------------------------------------------------------------------------
    def cost_of(self, command: Command) -> float:
        """Person-days of adoption, onboarding or reorganisation effort ``command`` would
        cost now (:func:`~sim.rules.move_cost`): what the round's budget is charged."""
        return move_cost(
            command, self.scenario, self.practices(), self.headcount(), self.structure()
        )

    def reorganisation_cost(self, structure: str) -> float:
        """Person-days a move into ``structure`` costs: every person's share of the
        reorganisation (as the model charges it), nothing if it is the structure now."""
        return reorganisation_cost(self.scenario, structure, self.headcount(), self.structure())

    @property
    def budget_left(self) -> float | None:
        """Person-days still available this round, or None without a budget."""
        if self.budget_person_days is None:
            return None
        return self.budget_person_days - self._spent

    def apply(self, command: Command) -> None:
        """Make a move now; its adoption cost counts against the round's budget."""
        if self.finished:
            raise GameError("the game is over")
        if isinstance(command, Reorganise) and command.structure == self.structure():
            # said in the player's words before the model refuses it (naming the key)
            raise GameError(
                f"the organisation is already in {describe_structure(command.structure)}"
            )
        cost = self.cost_of(command)
        left = self.budget_left
        if left is not None and cost > left + 1e-9:
            raise GameError(f"that costs {cost:g} person-days and {left:g} are left this round")
        self.player.apply(command)
        self.commands.append((self.now, command))
        self._spent += cost

    # --- what the board shows ------------------------------------------------------------
    def live_metrics(self, days: float = 28.0) -> tuple[dict[str, Any], dict[str, Any]]:
        """Player and ghost metrics over the trailing ``days`` (from a midnight snapshot;
        the warm-up counts, so a new game already shows a running organisation)."""
        today = int(self.now // HOURS_PER_DAY)
        first = max(0, today - int(days))
        while first not in self._daily and first < today:
            first += 1
        player, ghost = self._daily.get(first) or (self.player.snapshot(), self.ghost.snapshot())
        return self.player.metrics(since=player), self.ghost.metrics(since=ghost)

    def practices(self) -> dict[str, Any]:
        """The player's current practice values (targets of any ramps in progress)."""
        return self.player.practices()

    def ramps(self) -> dict[str, float]:
        """Adoption progress 0..1 of the practices still ramping in."""
        return self.player.ramps()

    def headcount(self) -> dict[str, int]:
        """People per role in the player's organisation."""
        return self.player.headcount()

    def structure(self) -> str:
        """The player's structure now: ``silos`` or ``cross_functional``."""
        return self.player.structure()

    def reorganisation_progress(self) -> float | None:
        """How far (0..1) people are through learning the structure of the last
        reorganisation; None when there was none or the learning is over."""
        last = self._player_tracker.reorganised
        if last is None or last[1] <= 0:
            return None
        start, days = last
        share = max(0.0, (self.now - start) / (days * HOURS_PER_DAY))
        return share if share < 1.0 else None

    def flow(self) -> list[FlowStage]:
        """Work on the road now, stage by stage, with the people of each pool, and the
        changes of demand that have reached production (warm-up included)."""
        delivered = self._player_tracker.delivered_total
        return [*self.player.flow(), FlowStage("In production", 0, delivered)]

    def feed(self, since: int = 0) -> list[FeedEntry]:
        """Feed entries from index ``since`` on (the board keeps its own position)."""
        return self._player_tracker.feed[since:]

    def series(self) -> dict[str, list[float | None]]:
        """Weekly series for the board's sparklines, player and ``ghost_``-prefixed."""
        return {**self._player_tracker.series(), **self._ghost_tracker.series("ghost_")}

    def maturity(self) -> dict[str, float]:
        """Each pillar's maturity 0..1: the mean of its practices' levels (and structure)."""
        values = self.practices()
        levels: dict[str, list[float]] = {pillar: [] for pillar in PILLARS}
        for practice in CATALOGUE:
            levels[practice.pillar].append(maturity_level(practice, values[practice.name]))
        cross = 1.0 if self.structure() == "cross_functional" else 0.0
        levels["culture and collaboration"].append(cross)
        return {pillar: sum(v) / len(v) if v else 0.0 for pillar, v in levels.items()}

    # --- where the time goes -------------------------------------------------------------
    def stream_round(self) -> tuple[int, float, float]:
        """The round a value stream shows by default: ``(number, start, end)`` (hours).

        The round in play, up to now; once the game is over, or while nothing of a new
        round has run yet (the summary of the one that closed is on screen), the last
        closed round.
        """
        if self.reports and (self.finished or self.now <= self.round_start + 1e-9):
            last = self.reports[-1]
            return last.number, last.start_hours, last.end_hours
        return self.round_number, self.round_start, self.now

    def _window(self, since_hours: float | None, until_hours: float | None) -> tuple[float, float]:
        if since_hours is None:
            _, since_hours, end = self.stream_round()
            if until_hours is None:
                until_hours = end
        if until_hours is None or until_hours >= self.now:
            return since_hours, self.now
        # A closed round ends where the next one starts; what happens at that very hour
        # is simulated when the next round runs, so the window stops just before it.
        return since_hours, math.nextafter(until_hours, -math.inf)

    def value_stream(
        self, since_hours: float | None = None, until_hours: float | None = None
    ) -> ValueStream:
        """Where the player's customer lead time went (:mod:`sim.metrics.valuestream`):
        the changes delivered from ``since_hours`` to ``until_hours`` (default now).

        Without ``since_hours``: the round of :meth:`stream_round` (this round so far, or
        the last closed round); ``since_hours=game.start`` is the whole game.  A closed
        round's window (``report.start_hours``, ``report.end_hours``) counts what that
        round simulated.  Read-only: the fold streams every event as it happens, so any
        window of the game can be asked for at any time, without a log.
        """
        return value_stream(self._player_stream, *self._window(since_hours, until_hours))

    def ghost_value_stream(
        self, since_hours: float | None = None, until_hours: float | None = None
    ) -> ValueStream:
        """The same as :meth:`value_stream` for the ghost, the untouched organisation."""
        return value_stream(self._ghost_stream, *self._window(since_hours, until_hours))

    @property
    def total_score(self) -> float:
        """Sum of the closed rounds' scores."""
        return sum(r.score for r in self.reports)

    @property
    def ghost_total_score(self) -> float:
        """What the untouched organisation scored over the same rounds."""
        return sum(r.ghost_score for r in self.reports)

    # --- saving ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The saved-game document: everything needed to replay the game exactly."""
        return saved_game_document(self)

    def save(self, path: Path) -> None:
        """Write the saved game (atomically: a failure leaves an older save intact)."""
        write_saved_game(Path(path), self.to_dict())

    @classmethod
    def load(cls, path: Path, *, to_end: bool = True) -> Game:
        """Load a saved game and replay it: the same commands at the same times.

        With ``to_end`` the replay runs on to the time the game was saved.
        """
        source = str(path)
        saved = read_saved_game(Path(path))
        try:
            game = cls(
                saved.scenario,
                seed=saved.seed,
                round_days=saved.round_days,
                rounds=saved.rounds,
                budget_person_days=saved.budget_person_days,
                replication=saved.replication,
            )
        except GameError as exc:  # not expected: the file's bounds are the game's
            raise ScenarioError(source, "", str(exc)) from None
        replay_moves(game, saved, source, to_end=to_end)
        return game


__all__: Sequence[str] = (
    "IMPACT_PENALTY",
    "SAVE_FORMAT",
    "SAVE_VERSION",
    "FeedEntry",
    "FlowStage",
    "Game",
    "GameError",
    "RoundReport",
    "SavedGame",
    "check_settings",
    "describe_command",
    "describe_structure",
    "load_case",
    "read_saved_game",
    "score",
)
