"""What the model must reproduce, as data: the claims of the evidence and where they are checked.

Each claim names a base organisation, what is changed, the metrics it must move and the
source behind the direction.  Claims are checked on several bases — train and on-demand
organisations, silos and cross-functional teams — not only where an effect is easiest to
show.  Kinds of expectation:

* ``lower`` / ``higher``: the paired 95 % interval of (variant − base) excludes zero on
  that side;
* ``no effect``: the interval includes zero;
* ``not higher`` / ``not lower`` (non-inferiority): the interval's bound on the bad side
  stays within a margin of 3 % of the base mean (or an absolute floor, for rates near zero)
  plus any explicit allowance — a practice that makes restore faster must never make lead
  time, deployment frequency or the change failure rate worse.

The claims are checked by :mod:`sim.validation.checks`, shown by :mod:`sim.validation.page`
and asserted by the test suite, so the documented results are the tested ones.

The vocabulary and the margins are in :mod:`sim.validation.claim_types`, the ladder in
:mod:`sim.validation.ladder`, the direction claims in :mod:`sim.validation.directions`;
this module adds the transitions, the overload cases and replication invariance, and is
where the checks and the page take every claim from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .claim_types import (
    ABSOLUTE,
    EXPECTATIONS,
    FLOORS,
    HIGHER,
    LOWER,
    NON_INFERIORITY,
    NONE,
    NOT_HIGHER,
    NOT_LOWER,
    REPLICATIONS,
    Direction,
    Transition,
    Window,
)
from .directions import (
    APPROVAL,
    CANARY_BAKE_HOURS,
    DIRECTIONS,
    FAILURE_RISK,
    GROUPS,
    PRACTICES,
    RESTORE,
    SECOND_YEAR,
    TWO_YEARS,
)
from .ladder import KEY_METRICS, KEYS, LADDER, LADDER_REPLICATIONS, LADDER_SEEDS

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "J-curve: adopting continuous integration at 85 % utilisation",
        "continuous-delivery",
        {"practices.continuous_integration": False, "workload.arrivals_per_day": 7.0},
        100.0,
        {"type": "set_practice", "practice": "continuous_integration", "value": True},
        (
            Window(100.0, 130.0, {"customer_lead_time_hours_median": HIGHER}),
            Window(160.0, 340.0, {"customer_lead_time_hours_median": LOWER}),
        ),
        "Brynjolfsson, Rock & Syverson 2021 (productivity J-curve); Coch & French 1948; "
        "DORA-2018 p.29-30",
    ),
    Transition(
        "Brooks's law: hiring 6 developers into a stretched organisation",
        "elite",
        {"org.developers": 16},
        60.0,
        {"type": "resize_pool", "role": "developers", "size": 22},
        (
            Window(60.0, 74.0, {"throughput_per_week": LOWER}),
            Window(90.0, 200.0, {"customer_lead_time_hours_median": LOWER}),
        ),
        "Brooks 1975; Abdel-Hamid 1989",
    ),
    Transition(
        "Brooks's law: hiring 6 developers into an overloaded organisation",
        "elite",
        {"org.developers": 8},
        60.0,
        {"type": "resize_pool", "role": "developers", "size": 14},
        (
            Window(60.0, 74.0, {"throughput_per_week": LOWER}),
            Window(90.0, 200.0, {"throughput_per_week": HIGHER}),
        ),
        "Brooks 1975; Abdel-Hamid 1989 (the issue measured +7 items a week in the first "
        "two weeks before new hires had to ramp up)",
    ),
)
"""Changes that must be worse for a while and better afterwards."""

OVERLOAD_CASES: tuple[tuple[str, str, Mapping[str, Any], bool], ...] = (
    (
        "elite cut to one developer",
        "elite",
        {"org.teams": 1, "org.developers": 1, "org.testers": 1, "org.ops": 1},
        True,
    ),
    *((f"{name} as built", name, {}, False) for name in LADDER),
)
"""(name, base, changes, overloaded?): the flag must say what the backlog does."""

INVARIANCE: tuple[tuple[str, int], ...] = (("elite", 4), ("continuous-delivery", 4))
"""(built-in, N): N copies of its teams and people with N times the demand."""
INVARIANCE_METRICS: tuple[str, ...] = (*KEY_METRICS.values(), "availability")
INVARIANCE_TOLERANCE = 0.05
"""Relative difference of means accepted when the intervals do not already overlap."""


__all__ = [
    "ABSOLUTE",
    "APPROVAL",
    "CANARY_BAKE_HOURS",
    "DIRECTIONS",
    "EXPECTATIONS",
    "FAILURE_RISK",
    "FLOORS",
    "GROUPS",
    "HIGHER",
    "INVARIANCE",
    "INVARIANCE_METRICS",
    "INVARIANCE_TOLERANCE",
    "KEYS",
    "KEY_METRICS",
    "LADDER",
    "LADDER_REPLICATIONS",
    "LADDER_SEEDS",
    "LOWER",
    "NONE",
    "NON_INFERIORITY",
    "NOT_HIGHER",
    "NOT_LOWER",
    "OVERLOAD_CASES",
    "PRACTICES",
    "REPLICATIONS",
    "RESTORE",
    "SECOND_YEAR",
    "TRANSITIONS",
    "TWO_YEARS",
    "Direction",
    "Transition",
    "Window",
]
