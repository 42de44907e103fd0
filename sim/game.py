"""The game: rounds, a budget, a score, a ghost, and saved games that replay exactly.

A :class:`Game` runs two simulations of the same scenario on the same random numbers: the
**player's**, which takes commands, and the **ghost**, the untouched organisation.  Both
start after the scenario's warm-up (a running organisation, not an empty one) and advance
together, so every difference between them comes from the player's decisions.

Play is split into rounds (a quarter by default).  Switching a practice away from its
baseline, hiring or reorganising costs effort in person-days (the catalogue's figure,
``org.onboarding_person_days`` per hire, ``adoption.reorganisation_person_days`` per
person for a new structure); with a budget, a round's investments are limited to it.
A round closes with a :class:`RoundReport`: the round's metrics for player and ghost,
their DORA tiers, whether either was overloaded, the commands given, and a score.

Where the time goes (:meth:`Game.value_stream`, :meth:`Game.ghost_value_stream`): both
simulations stream their events into a :class:`~sim.metrics.valuestream.ValueStreamFold`,
so the value stream of any window (this round, a closed round, the whole game) can be
read at any time without a log; the folds only read, so no number of the game changes.

A game is saved as scenario + seed + timestamped commands (JSON); loading replays the
commands at their times, so the numbers are identical.  ``shipit run`` and ``compare``
accept a saved game too (:func:`load_case`), turning a played game into a research case.
The file format and every check made on reading it live in :mod:`sim.savegame` (its names
are importable from here too); the limits on a game's settings (:func:`check_settings`)
come from :mod:`sim.limits`, so no setting can make a game crash or spin.

This module holds no UI: the Textual game (``tui``) and tests drive it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .describe import describe_command, describe_structure
from .errors import ScenarioError
from .limits import (
    BUDGET_PERSON_DAYS_MAX,
    HORIZON_DAYS_MAX,
    REPLICATIONS_MAX,
    ROUND_DAYS_MIN,
    ROUNDS_MAX,
    SEED_MAX,
    game_length_problem,
    number_problem,
    whole_problem,
)
from .metrics.tiers import TIER_RANK, tier_of
from .metrics.valuestream import ValueStream, ValueStreamFold, value_stream
from .model import (
    Command,
    ResizePool,
    SetPractice,
    Simulation,
)
from .model.commands import Reorganise, command_to_dict
from .model.simulation import PoolSnapshot
from .overload import is_overloaded
from .practices import BY_NAME, CATALOGUE, PILLARS, maturity_level
from .savegame import SAVE_FORMAT, SAVE_VERSION, SavedGame, load_case, read_saved_game
from .scenario import Scenario
from .tracker import FeedEntry, Tracker
from .units import HOURS_PER_DAY

DAILY_SNAPSHOTS = 120
"""Days of midnight pool snapshots kept: the longest trailing window the board can ask for."""
IMPACT_PENALTY = 2.0
"""Score points lost per share-weighted hour of user impact."""
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class GameError(ValueError):
    """A move the rules do not allow now (over budget, game over); the message is for players."""


@dataclass(frozen=True)
class RoundReport:
    """What a round did: metrics and tiers of player and ghost, commands, score."""

    number: int
    start_hours: float
    end_hours: float
    player: dict[str, Any]
    ghost: dict[str, Any]
    player_tiers: dict[str, str | None]
    ghost_tiers: dict[str, str | None]
    score: float
    ghost_score: float
    commands: list[tuple[float, Command]]
    spent_person_days: float

    @property
    def player_overloaded(self) -> bool:
        """Whether the player's backlog grew without bound this round (see
        :mod:`sim.overload`): the tiers alone would hide it."""
        return is_overloaded(self.player)

    @property
    def ghost_overloaded(self) -> bool:
        """Whether the untouched organisation's backlog grew without bound this round."""
        return is_overloaded(self.ghost)


@dataclass(frozen=True)
class FlowStage:
    """One stage of the road: work waiting and in progress, and its people if it has any."""

    name: str
    queued: int
    active: int
    people_busy: int | None = None
    people: int | None = None


def score(metrics: dict[str, Any], tiers: dict[str, str | None]) -> float:
    """A round's score: speed and stability, value delivered, harm done.

    100 points per tier step on each of the four keys (low 0 … elite 300), plus one point
    per change delivered to customers, minus :data:`IMPACT_PENALTY` points per
    share-weighted hour of user impact (one hour with every user affected).  Documented in
    ``docs/game.md``.
    """
    tier_points = sum(
        100 * TIER_RANK[tier] for key, tier in tiers.items() if key != "overall" and tier
    )
    delivered = metrics.get("delivered") or 0
    impact = metrics.get("user_impact_hours") or 0.0
    return float(round(tier_points + delivered - IMPACT_PENALTY * impact))


def check_settings(
    *,
    seed: Any,
    round_days: Any,
    rounds: Any,
    budget_person_days: Any = None,
    replication: Any = 0,
) -> None:
    """Refuse game settings outside :mod:`sim.limits` with one :class:`GameError` line.

    A round lasts from :data:`~sim.limits.ROUND_DAYS_MIN` to
    :data:`~sim.limits.HORIZON_DAYS_MAX` days, there are 1 to :data:`~sim.limits.ROUNDS_MAX`
    rounds and at most :data:`~sim.limits.HORIZON_DAYS_MAX` days of play in all; the budget
    is None or a finite number of person-days from 0 to
    :data:`~sim.limits.BUDGET_PERSON_DAYS_MAX`; seed and replication are integers in range.
    Without these a ``nan``, an ``inf`` or ``1e-300`` would crash or spin the game.
    """
    checks = (
        ("seed", whole_problem(seed, 0, SEED_MAX)),
        ("replication", whole_problem(replication, 0, REPLICATIONS_MAX - 1)),
        ("round days", number_problem(round_days, ROUND_DAYS_MIN, HORIZON_DAYS_MAX)),
        ("rounds", whole_problem(rounds, 1, ROUNDS_MAX)),
        ("budget (person-days a round, or none)", None if budget_person_days is None
         else number_problem(budget_person_days, 0, BUDGET_PERSON_DAYS_MAX)),
    )  # fmt: skip
    for name, problem in checks:
        if problem:
            raise GameError(f"{name}: {problem}")
    problem = game_length_problem(rounds, round_days)
    if problem:
        raise GameError(problem)


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
        cost now: what the round's budget is charged."""
        if isinstance(command, Reorganise):
            return self.reorganisation_cost(command.structure)
        if isinstance(command, SetPractice):
            practice = BY_NAME.get(command.practice)
            current = self.practices().get(command.practice)
            if practice is None or command.value in (practice.baseline, current):
                return 0.0
            return practice.adoption_effort_days
        if isinstance(command, ResizePool):
            hires = command.size - self.headcount().get(command.role, command.size)
            return max(0, hires) * self.scenario.org.onboarding_person_days
        return 0.0

    def reorganisation_cost(self, structure: str) -> float:
        """Person-days a move into ``structure`` costs: every person's share of the
        reorganisation (as the model charges it), nothing if it is the structure now."""
        if structure == self.structure():
            return 0.0
        people = sum(self.headcount().values())
        return self.scenario.adoption.reorganisation_person_days * people

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
        return self.player.model.policy.current()

    def ramps(self) -> dict[str, float]:
        """Adoption progress 0..1 of the practices still ramping in."""
        now = self.now
        return {
            name: min(1.0, max(0.0, (now - ramp.start) / (ramp.end - ramp.start)))
            for name, ramp in self.player.model.policy.ramps().items()
            if ramp.end > now
        }

    def headcount(self) -> dict[str, int]:
        """People per role in the player's organisation."""
        return dict(self.player.model.org.headcount)

    def structure(self) -> str:
        """The player's structure now: ``silos`` or ``cross_functional``."""
        return str(self.player.model.org.structure)

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
        """Work on the road now, stage by stage, with the people of each pool."""
        org = self.player.model.org
        lanes = self.player.model.lanes
        stages = []
        dev_name = "Development" if org.silos else "Teams (dev, test, ops)"
        stages.append(
            FlowStage(
                dev_name,
                sum(p.queued for p in org.dev),
                sum(p.busy for p in org.dev),
                sum(p.busy for p in org.dev),
                sum(p.capacity for p in org.dev),
            )
        )
        if org.silos:
            stages.append(FlowStage("Testing (QA)", org.qa.queued, org.qa.busy, org.qa.busy,
                                    org.qa.capacity))  # fmt: skip
        stages.append(FlowStage("Waiting for release", sum(len(lane.ready) for lane in lanes), 0))
        stages.append(FlowStage("Release & deploy", 0, sum(lane.releasing for lane in lanes)))
        if org.silos:
            stages.append(FlowStage("Operations", org.ops.queued, org.ops.busy, org.ops.busy,
                                    org.ops.capacity))  # fmt: skip
        stages.append(FlowStage("In production", 0, self._player_tracker.delivered_total))
        return stages

    def feed(self, since: int = 0) -> list[FeedEntry]:
        """Feed entries from index ``since`` on (the board keeps its own position)."""
        return self._player_tracker.feed[since:]

    def series(self, bucket_days: float = 7.0) -> dict[str, list[float | None]]:
        """Weekly series for the board's sparklines, player and ``ghost_``-prefixed."""
        del bucket_days  # buckets are weekly; the parameter is kept for the board's API
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
        return {
            "format": SAVE_FORMAT,
            "version": SAVE_VERSION,
            "shipit_version": __version__,
            "scenario": self.scenario.model_dump(mode="json"),
            "scenario_hash": self.scenario.content_hash(),
            "seed": self.seed,
            "replication": self.replication,
            "round_days": self.round_days,
            "rounds": self.rounds,
            "budget_person_days": self.budget_person_days,
            "saved_at_hours": self.now,
            "commands": [{"t": t, "command": command_to_dict(c)} for t, c in self.commands],
        }

    def save(self, path: Path) -> None:
        """Write the saved game (atomically: a failure leaves an older save intact)."""
        from .outputs import atomic_write

        atomic_write(Path(path), [json.dumps(self.to_dict(), indent=2) + "\n"])

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
        for index, (t, command) in enumerate(saved.commands):
            while game.now < t - 1e-9 and not game.finished:
                game.advance(t - game.now)
            try:
                game.apply(command)
            except GameError as exc:
                raise ScenarioError(source, f"commands.{index}", str(exc)) from None
            except ScenarioError as exc:
                raise ScenarioError(source, f"commands.{index}.{exc.key}", exc.problem) from None
        if to_end:
            while game.now < saved.saved_at_hours - 1e-9 and not game.finished:
                game.advance(saved.saved_at_hours - game.now)
        return game


__all__: Sequence[str] = (
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
