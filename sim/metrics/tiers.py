"""DORA performance tiers of a run's four key metrics, per report edition.

DORA's tiers are clusters of survey answers, not fixed thresholds, and they move between
editions (see ``shared/reference/dora-research.md`` §1).  To score a simulated run we turn
each edition's cluster table into cut-offs, kept here as data so the docs can print them
and tests can check them:

* A frequency range is scored by its lower end (``value >= cut``), a duration range by
  its upper end (``value < cut``).  Values that fall in a gap between two reported ranges
  therefore go to the worse neighbour, and a tier whose range equals a better tier's can
  never be reached (e.g. 2024 medium time to restore).
* "On demand (multiple deploys per day)" is scored as ``>= 1`` deployment per day;
  1 week = 168 h, 1 month = 30 days (720 h), 6 months = 180 days (4,320 h), as
  :mod:`sim.units` sizes them.
* Change failure rate: where the edition reports one value per cluster (2023, 2024) a run
  gets the tier of the *nearest* cluster value (a tie goes to the cluster with the lower
  rate), written as ``value <= midpoint`` cuts, with the values themselves kept in
  ``Scale.points``; where it reports ranges (2021) the best tier whose range
  contains the value, above every range → low.

Cuts are tried in order and the first that holds gives the tier; if none holds, ``otherwise``.

The four keys themselves -- tier key, metric key and name -- are defined here once
(:data:`FOUR_KEYS`); every other module reads them from here and adds only its own labels.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Literal, NamedTuple

from sim.units import (
    DAYS_PER_HALF_YEAR,
    DAYS_PER_MONTH,
    DAYS_PER_WEEK,
    HOURS_PER_DAY,
    HOURS_PER_HALF_YEAR,
    HOURS_PER_MONTH,
    HOURS_PER_WEEK,
)

TierName = Literal["low", "medium", "high", "elite"]

TIER_RANK: dict[str, int] = {"low": 0, "medium": 1, "high": 2, "elite": 3}
"""Rank of each tier; the overall tier is the floor of the mean rank."""

RANK_TIER: tuple[TierName, ...] = ("low", "medium", "high", "elite")
"""Tier of each rank (inverse of :data:`TIER_RANK`)."""

Comparison = Literal[">=", "<", "<="]

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


class FourKey(NamedTuple):
    """One of DORA's four keys, as the tiers, the metrics and a sentence name it."""

    key: str
    """Tier key (``lead_time``): a field of :class:`Edition` and a key of :func:`tier_of`."""
    metric: str
    """Metric key (``lead_time_hours_median``) in the metrics dict."""
    name: str
    """Its name in a sentence (``lead time``); tables and charts add their own labels."""


FOUR_KEYS: tuple[FourKey, ...] = (
    FourKey("deployment_frequency", "deployment_frequency_per_day", "deployment frequency"),
    FourKey("lead_time", "lead_time_hours_median", "lead time"),
    FourKey("change_failure_rate", "change_failure_rate", "change failure rate"),
    FourKey("time_to_restore", "time_to_restore_hours_median", "time to restore"),
)
"""The four keys, in DORA order (the order of :class:`Edition`'s fields): the one owner."""

ASPECTS: tuple[str, ...] = tuple(k.key for k in FOUR_KEYS)
"""The four keys' tier keys, in DORA order."""

KEY_METRICS: tuple[str, ...] = tuple(k.metric for k in FOUR_KEYS)
"""The four keys' metric keys, in DORA order."""

METRIC_OF: dict[str, str] = {k.key: k.metric for k in FOUR_KEYS}
"""Metric key of each tier key (``lead_time`` → ``lead_time_hours_median``)."""

TIER_KEY: dict[str, str] = {k.metric: k.key for k in FOUR_KEYS}
"""Tier key of each four-key metric (``lead_time_hours_median`` → ``lead_time``)."""


class Scale(NamedTuple):
    """How one metric maps to a tier in one edition."""

    metric: str
    """Key of the metric in the metrics dict."""
    compare: Comparison
    """How the value is compared with each cut (``value <compare> cut``)."""
    cuts: tuple[tuple[float, TierName], ...]
    """``(cut, tier)`` pairs tried in order; the first that holds wins."""
    otherwise: TierName
    """Tier when no cut holds."""
    table: str
    """The edition's published cluster values for this metric, for the docs."""
    points: tuple[tuple[float, TierName], ...] = ()
    """Point values per cluster, where the edition reports them (CFR 2023/2024)."""


class Edition(NamedTuple):
    """One DORA report's tier table, as cut-offs on the four key metrics."""

    name: str
    source: str
    deployment_frequency: Scale
    lead_time: Scale
    change_failure_rate: Scale
    time_to_restore: Scale


EDITIONS: dict[str, Edition] = {
    "2023": Edition(
        name="2023",
        source=(
            "Accelerate State of DevOps 2023 clusters (Octopus Deploy transcription; elite "
            "column confirmed by the official 2023 infographic); bands as pinned in BRIEF §4"
        ),
        deployment_frequency=Scale(
            METRIC_OF["deployment_frequency"],
            ">=",
            ((1.0, "elite"), (1.0 / DAYS_PER_WEEK, "high"), (1.0 / DAYS_PER_MONTH, "medium")),
            "low",
            "elite on demand; high daily–weekly; medium weekly–monthly; low weekly–monthly",
        ),
        lead_time=Scale(
            METRIC_OF["lead_time"],
            "<",
            ((HOURS_PER_DAY, "elite"), (HOURS_PER_WEEK, "high"), (HOURS_PER_MONTH, "medium")),
            "low",
            "elite < 1 day; high 1 day–1 week; medium 1 week–1 month; low 1 week–1 month",
        ),
        change_failure_rate=Scale(
            METRIC_OF["change_failure_rate"],
            "<=",
            ((0.075, "elite"), (0.125, "high"), (0.395, "medium")),
            "low",
            "elite 5 %; high 10 %; medium 15 %; low 64 % (nearest value; cuts = midpoints)",
            ((0.05, "elite"), (0.10, "high"), (0.15, "medium"), (0.64, "low")),
        ),
        time_to_restore=Scale(
            METRIC_OF["time_to_restore"],
            "<",
            ((1.0, "elite"), (HOURS_PER_DAY, "high"), (HOURS_PER_WEEK, "medium")),
            "low",
            "elite < 1 hour; high < 1 day; medium 1 day–1 week; low 1–6 months",
        ),
    ),
    "2024": Edition(
        name="2024",
        source=(
            "Accelerate State of DevOps 2024 clusters (Octopus Deploy, '2024 DevOps "
            "performance clusters'); note high and medium CFR are inverted in the report"
        ),
        deployment_frequency=Scale(
            METRIC_OF["deployment_frequency"],
            ">=",
            ((1.0, "elite"), (1.0 / DAYS_PER_WEEK, "high"), (1.0 / DAYS_PER_MONTH, "medium")),
            "low",
            "elite on demand; high daily–weekly; medium weekly–monthly; low monthly–6-monthly",
        ),
        lead_time=Scale(
            METRIC_OF["lead_time"],
            "<",
            ((HOURS_PER_DAY, "elite"), (HOURS_PER_WEEK, "high"), (HOURS_PER_MONTH, "medium")),
            "low",
            "elite < 1 day; high 1 day–1 week; medium 1 week–1 month; low 1–6 months",
        ),
        change_failure_rate=Scale(
            METRIC_OF["change_failure_rate"],
            "<=",
            ((0.075, "elite"), (0.15, "medium"), (0.30, "high")),
            "low",
            "elite 5 %; high 20 %; medium 10 %; low 40 % (nearest value; cuts = midpoints "
            "of the sorted values 5/10/20/40 %)",
            ((0.05, "elite"), (0.10, "medium"), (0.20, "high"), (0.40, "low")),
        ),
        time_to_restore=Scale(
            METRIC_OF["time_to_restore"],
            "<",
            ((1.0, "elite"), (HOURS_PER_DAY, "high"), (HOURS_PER_DAY, "medium")),
            "low",
            "elite < 1 hour; high < 1 day; medium < 1 day; low 1 week–1 month "
            "(medium equals high, so it is never reached; 1 day–1 week scores low)",
        ),
    ),
    "2021": Edition(
        name="2021",
        source="Accelerate State of DevOps 2021, p.9, p.11–13",
        deployment_frequency=Scale(
            METRIC_OF["deployment_frequency"],
            ">=",
            ((1.0, "elite"), (1.0 / DAYS_PER_MONTH, "high"), (1.0 / DAYS_PER_HALF_YEAR, "medium")),
            "low",
            "elite on demand; high weekly–monthly; medium monthly–6-monthly; low < 6-monthly",
        ),
        lead_time=Scale(
            METRIC_OF["lead_time"],
            "<",
            ((1.0, "elite"), (HOURS_PER_WEEK, "high"), (HOURS_PER_HALF_YEAR, "medium")),
            "low",
            "elite < 1 hour; high 1 day–1 week; medium 1–6 months; low > 6 months",
        ),
        change_failure_rate=Scale(
            METRIC_OF["change_failure_rate"],
            "<=",
            ((0.15, "elite"), (0.30, "high")),
            "low",
            "elite 0–15 %; high, medium and low 16–30 % (ranges; the best tier containing "
            "the value wins, so medium is never reached; above 30 % scores low)",
        ),
        time_to_restore=Scale(
            METRIC_OF["time_to_restore"],
            "<",
            ((1.0, "elite"), (HOURS_PER_DAY, "high"), (HOURS_PER_WEEK, "medium")),
            "low",
            "elite < 1 hour; high < 1 day; medium 1 day–1 week; low > 6 months",
        ),
    ),
}
"""Tier tables by DORA edition; ``"2023"`` is the default (BRIEF §4)."""


def tier_of_value(value: float | None, scale: Scale) -> TierName | None:
    """Tier of one metric value on ``scale``, or ``None`` if the value is ``None``."""
    if value is None:
        return None
    compare = _COMPARE[scale.compare]
    for cut, tier in scale.cuts:
        if compare(value, cut):
            return tier
    return scale.otherwise


def tier_of(
    metrics: Mapping[str, float | int | None], edition: str = "2023"
) -> dict[str, str | None]:
    """DORA tiers of a run's metrics under ``edition``.

    Returns ``deployment_frequency``, ``lead_time``, ``change_failure_rate``,
    ``time_to_restore`` (each ``"low"``…``"elite"``, or ``None`` when the metric is
    ``None`` or missing) and ``overall``: the floor of the mean rank (low 0 … elite 3) of
    the available ones, ``None`` if none is available.
    """
    table = EDITIONS.get(edition)
    if table is None:
        raise ValueError(f"unknown DORA edition {edition!r}; allowed: {', '.join(EDITIONS)}")
    tiers: dict[str, str | None] = {}
    for aspect in ASPECTS:
        scale: Scale = getattr(table, aspect)
        value = metrics.get(scale.metric)
        tiers[aspect] = tier_of_value(None if value is None else float(value), scale)
    ranks = [TIER_RANK[tier] for tier in tiers.values() if tier is not None]
    tiers["overall"] = RANK_TIER[sum(ranks) // len(ranks)] if ranks else None
    return tiers
