"""Bounds on every number that comes from outside: one owner for each limit.

Each entry point (the CLI's options, ``--set``, workshop sessions, saved games, decks,
sweep specs) checks its numbers against these before any work starts, so a ``nan``, an
``inf`` or a huge value is refused with one line instead of crashing, overflowing or
spinning for ever (BRIEF §6).  The scenario schema's own bounds live beside each
parameter in :mod:`sim.scenario`; the ones here are for what is not a scenario value.
"""

from __future__ import annotations

import math

SEED_MAX = 2**63 - 1
"""Largest master seed (integer): what a signed 64-bit column (parquet, SQLite) holds."""

HORIZON_DAYS_MAX = 3650.0
"""Longest simulated horizon, days (ten years): ``run.days`` and a game's played days."""

ROUND_DAYS_MIN = 1.0
"""Shortest game or workshop round, days: below a day a round shows nothing to play."""

ROUNDS_MAX = 520
"""Most rounds in a game or workshop (weekly rounds for ten years)."""

BUDGET_PERSON_DAYS_MAX = 1_000_000.0
"""Largest budget per round, person-days (far above any organisation in the model)."""

REPLICATIONS_MAX = 100_000
"""Most replications of one run or comparison (integer)."""

WORKERS_MAX = 1024
"""Most local worker processes (integer)."""

TEAMS_MAX = 100
"""Most teams in one workshop session (integer)."""


def game_length_problem(rounds: int, round_days: float) -> str | None:
    """Why ``rounds`` rounds of ``round_days`` days are too long a game, or ``None``.

    A game (or workshop) plays at most :data:`HORIZON_DAYS_MAX` days in all, like a run.
    The one statement of that rule: the CLI options, the game, saved games and workshop
    sessions all ask here and put the answer in their own error.
    """
    days = rounds * round_days
    if days <= HORIZON_DAYS_MAX:
        return None
    return (
        f"{rounds} rounds of {round_days:g} days are {days:g} days; at most "
        f"{HORIZON_DAYS_MAX:g} days (ten years) can be played: use fewer or shorter rounds"
    )


def whole_problem(value: object, low: int, high: int) -> str | None:
    """What is wrong with ``value`` as a whole number in ``[low, high]`` (None: nothing).

    For values that arrive already parsed (saved games, sessions, the Python API); a
    boolean is not a number here, though Python counts it as one.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return f"expected a whole number >= {low} and <= {high}, got {value!r}"
    return None


def number_problem(value: object, low: float, high: float) -> str | None:
    """What is wrong with ``value`` as a finite number in ``[low, high]`` (None: nothing)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        return f"expected a number >= {low:g} and <= {high:g}, got {value!r}"
    return None
