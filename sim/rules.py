"""The game's rules: which settings a game may have, what a move costs, what a round
reports and how it scores.

:class:`sim.game.Game` plays by these; the TUI, the workshop and the docs (``docs/game.md``)
read them.  A move the rules refuse raises :class:`GameError` with a message for players;
a game's settings are checked against :mod:`sim.limits` (:func:`check_settings`), so no
setting can make a game crash or spin.  Switching a practice away from its baseline,
hiring or reorganising costs effort in person-days (:func:`move_cost`): what a round's
budget is charged.  These names are importable from :mod:`sim.game` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
from .metrics.tiers import TIER_RANK
from .model import Command, Reorganise, ResizePool, SetPractice
from .overload import is_overloaded
from .practices import BY_NAME
from .scenario import Scenario

IMPACT_PENALTY = 2.0
"""Score points lost per share-weighted hour of user impact."""


class GameError(ValueError):
    """A move the rules do not allow now (over budget, game over); the message is for players."""


@dataclass(frozen=True)
class RoundReport:
    """What a round did: metrics and tiers of player and ghost, commands, score.

    ``start_hours`` and ``end_hours`` are simulated hours since t = 0; the scores are
    points (:func:`score`) and ``spent_person_days`` is the round's adoption effort.
    """

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


def move_cost(
    command: Command,
    scenario: Scenario,
    practices: Mapping[str, Any],
    headcount: Mapping[str, int],
    structure: str,
) -> float:
    """Person-days of adoption, onboarding or reorganisation effort ``command`` costs an
    organisation of ``scenario`` with these practice values, headcount and structure now.

    A practice switched away from its baseline costs the catalogue's adoption effort
    (switching back, or to the value it has, is free); each hire costs
    ``org.onboarding_person_days``; a reorganisation :func:`reorganisation_cost`.  Other
    commands cost nothing.
    """
    if isinstance(command, Reorganise):
        return reorganisation_cost(scenario, command.structure, headcount, structure)
    if isinstance(command, SetPractice):
        practice = BY_NAME.get(command.practice)
        current = practices.get(command.practice)
        if practice is None or command.value in (practice.baseline, current):
            return 0.0
        return practice.adoption_effort_days
    if isinstance(command, ResizePool):
        hires = command.size - headcount.get(command.role, command.size)
        return max(0, hires) * scenario.org.onboarding_person_days
    return 0.0


def reorganisation_cost(
    scenario: Scenario, into: str, headcount: Mapping[str, int], structure: str
) -> float:
    """Person-days a move from ``structure`` into ``into`` costs: every person's share of
    the reorganisation (``adoption.reorganisation_person_days``, as the model charges it),
    nothing if it is the structure now."""
    if into == structure:
        return 0.0
    return scenario.adoption.reorganisation_person_days * sum(headcount.values())
