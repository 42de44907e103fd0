"""A team's game, rebuilt from the session: scenario + seed + moves + cards, deterministic.

Nothing about a team's game is stored but its moves and the cards played, so any process
rebuilds it the same way: :func:`replay` (the session's clients, the debrief of an older
session) and :func:`play_team` (a worker playing one team's round for
:meth:`Workshop.play_round`; it hands back a :class:`PlayedTeam`, small and picklable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ScenarioError
from ..game import Game, GameError, RoundReport
from ..model import Command
from ..model.commands import command_to_dict
from ..scenario import Scenario
from .deck import effect_commands
from .errors import WorkshopError
from .views import Decision


@dataclass(frozen=True)
class SessionPlan:
    """What every game of a session is made from."""

    name: str
    scenario: Scenario
    seed: int
    round_days: float
    rounds: int
    budget: float | None

    def new_game(self) -> Game:
        """A new game of the session, before any round is played."""
        return Game(
            self.scenario,
            seed=self.seed,
            round_days=self.round_days,
            rounds=self.rounds,
            budget_person_days=self.budget,
        )

    def error(self, key: str, problem: str) -> WorkshopError:
        """A request about this session that the rules refuse, as ``workshop NAME: …``."""
        return WorkshopError(f"workshop {self.name}", key, problem)


@dataclass(frozen=True)
class Snapshot:
    """One consistent read of the session's state, moves and injects."""

    round: int
    status: str
    moves: list[tuple[str, int, Command]]
    injects: list[tuple[int, str | None, str, list[dict[str, Any]]]]


def replay(
    plan: SessionPlan,
    team: str,
    snap: Snapshot,
    upto: int,
    play_last: bool,
    decisions: list[Decision] | None = None,
) -> Game:
    """``team``'s game: rounds before ``upto`` played, then round ``upto``'s moves (and,
    with ``play_last``, its injects and the round itself).  ``decisions``, if given,
    receives every move and every card's applied commands, in order."""
    game = plan.new_game()
    for number in range(1, upto + 1):
        if number > plan.rounds:
            break
        for mover, move_round, command in snap.moves:
            if mover == team and move_round == number:
                try:
                    game.apply(command)
                except (GameError, ScenarioError) as exc:
                    raise WorkshopError(f"workshop {plan.name}", f"team {team}",
                                        f"stored move refused: {exc}") from None  # fmt: skip
                if decisions is not None:
                    decisions.append(Decision(number, game.now, None, (command,)))
        if number == upto and not play_last:
            break
        for inject_round, target, card, effects in snap.injects:
            if inject_round == number and target in (None, team):
                applied = apply_inject(game, effects)
                if decisions is not None:
                    decisions.append(Decision(number, game.now, card, tuple(applied)))
        while game.round_number == number and not game.finished:
            game.advance(game.round_end - game.now)
    return game


def apply_inject(game: Game, effects: list[dict[str, Any]]) -> list[Command]:
    """Carry out a card's effects: outside the team's budget, recorded with its moves.
    Returns the commands that took effect."""
    applied = []
    for command in effect_commands(effects, game.headcount()):
        try:
            game.player.apply(command)
        except ScenarioError:  # e.g. a leave where nobody can leave: no effect
            continue
        game.commands.append((game.now, command))
        applied.append(command)
    return applied


@dataclass(frozen=True)
class PlayedTeam:
    """What playing one round gives for one team (small: it crosses processes)."""

    team: str
    report: RoundReport
    """The round just played."""
    decisions: list[Decision]
    """The round's moves and cards, in the order they were applied."""
    commands: list[tuple[float, Command]]
    """Every command of the game so far (all rounds), at its time: what its futures replay."""
    start: float
    """When the game's first round started (hours)."""


def play_team(
    plan: SessionPlan, team: str, snap: Snapshot, number: int
) -> PlayedTeam | tuple[str, str, str]:
    """Run in a worker: ``team``'s game up to and including round ``number``.  A refused
    stored move comes back as its error's (source, key, problem): an exception with
    several arguments does not cross processes whole."""
    decisions: list[Decision] = []
    try:
        game = replay(plan, team, snap, number, play_last=True, decisions=decisions)
    except ScenarioError as exc:
        return exc.source, exc.key, exc.problem
    commands = [c for report in game.reports for c in report.commands]
    mine = [d for d in decisions if d.round == number]
    return PlayedTeam(team, game.reports[-1], mine, commands, game.start)


def played_to_dict(report: RoundReport, decisions: list[Decision]) -> dict[str, Any]:
    """What :meth:`Workshop.played` reads back of a played round (JSON-ready)."""
    return {
        "start": report.start_hours,
        "end": report.end_hours,
        "ghost": report.ghost,
        "ghost_tiers": report.ghost_tiers,
        "commands": [[t, command_to_dict(c)] for t, c in report.commands],
        "decisions": [
            {"t": d.t, "card": d.card, "commands": [command_to_dict(c) for c in d.commands]}
            for d in decisions
        ],
    }
