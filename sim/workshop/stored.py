"""What a session may hold, checked as it is read: a damaged or edited ``session.db`` is
one line naming the file and the key (never a traceback, never a nan in a leaderboard).

:func:`check_plan` bounds a session's plan by :mod:`sim.limits` on create and on every
open; the ``stored_*`` readers check each stored value's type and range.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..limits import (
    BUDGET_PERSON_DAYS_MAX,
    HORIZON_DAYS_MAX,
    ROUND_DAYS_MIN,
    ROUNDS_MAX,
    SEED_MAX,
    TEAMS_MAX,
    game_length_problem,
    number_problem,
    whole_problem,
)
from ..metrics.tiers import TIER_RANK
from .errors import WorkshopError
from .store import damaged

STORED_NUMBER_MAX = 1e12
"""Largest magnitude of a stored result (metric, score): far beyond any real round."""


def check_plan(
    source: str, teams: int, rounds: int, round_days: float, budget: float | None, seed: int | None
) -> None:
    """Refuse numbers outside :mod:`sim.limits` (nan, inf, huge, too many rounds of days)
    with one line naming ``source`` and the key; used on create and on every open."""
    for key, problem in (
        ("teams", whole_problem(teams, 1, TEAMS_MAX)),
        ("rounds", whole_problem(rounds, 1, ROUNDS_MAX)),
        ("round_days", number_problem(round_days, ROUND_DAYS_MIN, HORIZON_DAYS_MAX)),
        ("budget", None if budget is None else number_problem(budget, 0, BUDGET_PERSON_DAYS_MAX)),
        ("seed", None if seed is None else whole_problem(seed, 0, SEED_MAX)),
    ):
        if problem:
            raise WorkshopError(source, key, problem)
    problem = game_length_problem(rounds, round_days)
    if problem:
        raise WorkshopError(source, "rounds × round_days", problem)


def stored_json(path: Path, text: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    """Stored JSON ``text`` as ``kind``; nan and infinity are refused like any damage."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not a finite number")

    try:
        value = json.loads(text, parse_constant=refuse)
    except (TypeError, ValueError, RecursionError) as exc:
        raise damaged(path, f"{key}: not valid JSON: {exc}") from None
    if not isinstance(value, kind):
        raise damaged(path, f"{key}: unexpected JSON {type(value).__name__}")
    return value


def stored_number(path: Path, value: Any, key: str) -> float:
    problem = number_problem(value, -STORED_NUMBER_MAX, STORED_NUMBER_MAX)
    if problem:
        raise damaged(path, f"{key}: {problem}")
    return float(value)


def stored_metrics(path: Path, text: Any, key: str) -> dict[str, Any]:
    metrics = stored_json(path, text, key, dict)
    for name, value in metrics.items():
        if value is not None:
            stored_number(path, value, f"{key}.{name}")
    return metrics


def stored_tiers(path: Path, text: Any, key: str) -> dict[str, str | None]:
    tiers = stored_json(path, text, key, dict)
    for name, value in tiers.items():
        if value is not None and value not in TIER_RANK:
            raise damaged(path, f"{key}.{name}: expected one of {', '.join(TIER_RANK)}")
    return tiers


def stored_text(path: Path, value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise damaged(path, f"{key}: expected text, got {value!r}")
    return value
