"""The workshop leaderboard score: speed, stability, value, availability and people.

Per round, from the round's metrics and DORA tiers (see :func:`leaderboard_score`):

=========================  ==============================================================
component                  points
=========================  ==============================================================
four keys                  100 per tier step on each of deployment frequency, lead time,
                           change failure rate and time to restore (low 0 … elite 300;
                           a key with no tier, e.g. no incident to restore, scores 0)
delivered value            1 per change delivered to customers (``delivered``)
availability               1000 × (availability − 0.99), clipped to −100 … +10
                           (99.9 % earns +9, 98 % costs −10, 80 % or worse −100)
people: unplanned work     −200 × max(0, unplanned_work_share − 0.2)
                           (firefighting above a fifth of all work)
people: on-call load       −10 × max(0, pages_per_oncall_per_week − 2)
                           (more than two pages per on-call engineer a week)
=========================  ==============================================================

The total is rounded to a whole number.  A session's leaderboard ranks teams by the sum
of their rounds' totals.  Missing metrics (None) count as neutral.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..metrics.tiers import ASPECTS as FOUR_KEYS  # the four keys' tier keys, re-exported
from ..metrics.tiers import TIER_RANK

TIER_POINTS = 100.0
AVAILABILITY_TARGET = 0.99
AVAILABILITY_WEIGHT = 1000.0
AVAILABILITY_RANGE = (-100.0, 10.0)
UNPLANNED_THRESHOLD = 0.2
UNPLANNED_WEIGHT = 200.0
PAGES_THRESHOLD = 2.0
PAGES_WEIGHT = 10.0


@dataclass(frozen=True)
class LeaderboardScore:
    """One round's leaderboard score and its parts (all in points)."""

    four_keys: float
    delivered: float
    availability: float
    unplanned_work: float
    on_call: float

    @property
    def total(self) -> float:
        """The round's score, rounded to a whole number."""
        parts = (self.four_keys, self.delivered, self.availability)
        return float(round(sum(parts) + self.unplanned_work + self.on_call))

    def to_dict(self) -> dict[str, float]:
        """The parts and the total, for storage and JSON output."""
        return {**asdict(self), "total": self.total}


def _number(metrics: dict[str, Any], key: str) -> float | None:
    value = metrics.get(key)
    if value is None or isinstance(value, bool):
        return None
    return float(value)


def leaderboard_score(metrics: dict[str, Any], tiers: dict[str, str | None]) -> LeaderboardScore:
    """Score one round's ``metrics`` and ``tiers`` (see the module docstring)."""
    four_keys = sum(TIER_POINTS * TIER_RANK[tiers[k]] for k in FOUR_KEYS if tiers.get(k))
    delivered = _number(metrics, "delivered") or 0.0
    availability = _number(metrics, "availability")
    low, high = AVAILABILITY_RANGE
    avail_points = (
        0.0
        if availability is None
        else min(high, max(low, AVAILABILITY_WEIGHT * (availability - AVAILABILITY_TARGET)))
    )
    unplanned = _number(metrics, "unplanned_work_share")
    unplanned_points = (
        0.0 if unplanned is None else -UNPLANNED_WEIGHT * max(0.0, unplanned - UNPLANNED_THRESHOLD)
    )
    pages = _number(metrics, "pages_per_oncall_per_week")
    pages_points = 0.0 if pages is None else -PAGES_WEIGHT * max(0.0, pages - PAGES_THRESHOLD)
    return LeaderboardScore(
        four_keys=float(four_keys),
        delivered=delivered,
        availability=avail_points,
        unplanned_work=unplanned_points,
        on_call=pages_points,
    )
