"""The vocabulary of a claim: kinds of expectation, their margins, and the claim records.

A :class:`Direction` says that changing a scenario moves metrics one way; a
:class:`Transition` says how an organisation fares in :class:`Window` s after a mid-run
command.  Each metric's expectation is one of :data:`EXPECTATIONS` (see
:mod:`sim.validation.claims` for what each means); non-inferiority claims are judged
within :data:`NON_INFERIORITY` of the base mean, or the :data:`FLOORS` and
:data:`ABSOLUTE` margins.  The claims themselves are in :mod:`sim.validation.directions`
and :mod:`sim.validation.claims`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LOWER, HIGHER, NONE = "lower", "higher", "no effect"
NOT_HIGHER, NOT_LOWER = "not higher", "not lower"
EXPECTATIONS = (LOWER, HIGHER, NONE, NOT_HIGHER, NOT_LOWER)

NON_INFERIORITY = 0.03
"""Margin of a non-inferiority claim, as a share of the base mean."""
FLOORS: Mapping[str, float] = {"change_failure_rate": 0.02}
"""Absolute floors of that margin for metrics whose base can be near zero (shares)."""
ABSOLUTE: Mapping[str, float] = {"availability": 0.001}
"""Metrics whose margin is absolute, not relative: availability near 100 % may not fall
by more than 0.1 percentage point (3 % of it would be three points)."""
REPLICATIONS = 10
"""Paired replications of a direction unless it says otherwise."""


@dataclass(frozen=True)
class Direction:
    """One claim: changing ``change`` on ``base`` (+ ``base_changes``) moves metrics so."""

    name: str
    base: str
    base_changes: Mapping[str, Any]
    change: Mapping[str, Any]
    expected: Mapping[str, str]
    evidence: str
    group: str = "practices"
    replications: int = REPLICATIONS
    allowance: Mapping[str, float] = field(default_factory=dict)
    """Extra margin (metric units) for non-inferiority claims, e.g. a canary's bake time."""


@dataclass(frozen=True)
class Window:
    """A stretch of days after a command and what each metric does there (vs the ghost)."""

    start_day: float
    end_day: float
    expected: Mapping[str, str]


@dataclass(frozen=True)
class Transition:
    """A mid-run command and how the organisation fares in windows after it, paired with
    the same organisation on the same random numbers without the command (its ghost)."""

    name: str
    base: str
    base_changes: Mapping[str, Any]
    at_day: float
    command: Mapping[str, Any]
    windows: tuple[Window, ...]
    evidence: str
    replications: int = REPLICATIONS
