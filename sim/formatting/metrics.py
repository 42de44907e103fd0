"""The metric table: every metric's label, short label, unit family and direction.

Look a metric up with :func:`spec` (patterns such as ``queue_hours_mean_<stage>``
included) and write it with :func:`format_value`; :class:`MetricFormat` applies the unit
rules of :mod:`sim.formatting.quantities` to one metric, for a table cell
(:meth:`~MetricFormat.format`), a chart tile (:meth:`~MetricFormat.parts`), a chart axis
(:meth:`~MetricFormat.axis`) or the size of a difference (:meth:`~MetricFormat.difference`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sim.units import HOURS_PER_DAY

from .numbers import MISSING, Interval, half_width, number_text, with_error
from .quantities import (
    Shown,
    diff_hours,
    diff_per_day,
    diff_share,
    duration_unit,
    format_count,
    format_hours,
    format_per_day,
    frequency_unit,
)

Family = Literal["duration", "frequency", "share", "count", "rate", "number"]
"""Unit family of a metric: picks the rule (see :mod:`sim.formatting`)."""


@dataclass(frozen=True, slots=True)
class MetricFormat:
    """How one metric (or one pattern of metrics) is shown on every surface."""

    key: str
    """The metric key, or a pattern such as ``queue_hours_mean_<stage>``."""
    label: str
    """Its name in a table row or a chart title."""
    short: str
    """Its name in a narrow column."""
    family: Family
    """Unit family: picks the rule (see :mod:`sim.formatting`)."""
    unit: str = ""
    """The unit of a ``rate`` or ``number`` (``items / week``); others choose their own."""
    compact_unit: str | None = None
    """The unit in a narrow column (``/ week``); ``None``: the same as ``unit``."""
    words: str | None = None
    """The unit spelt out for a chart; ``None``: the same as ``unit``."""
    decimals: int | None = None
    """Fixed decimals (shares: 1 unless given; others: about three significant figures)."""
    higher_is_better: bool | None = None
    """Which direction is better, or None when neither is."""

    @property
    def pattern(self) -> bool:
        return "<" in self.key

    def shown(self, value: float, *, compact: bool = False) -> Shown:
        """How ``value`` is shown: its scale, unit and decimals."""
        if self.family == "duration":
            return duration_unit(value)
        if self.family == "frequency":
            return frequency_unit(value)
        if self.family == "share":
            return Shown(0.01, "%", "%", 1 if self.decimals is None else self.decimals)
        if self.family == "count":
            return Shown(1.0, "", "", 0 if float(value).is_integer() else 1)
        unit = self.compact_unit if compact and self.compact_unit is not None else self.unit
        return Shown(1.0, unit, self.words if self.words is not None else unit, self.decimals)

    def format(
        self, value: float | None, interval: Interval = None, *, compact: bool = False
    ) -> str:
        """``value`` (and its 95 % interval) as text with its unit."""
        if value is None:
            return MISSING
        value = float(value)
        if self.family == "duration":
            return format_hours(value, interval)
        if self.family == "frequency":
            return format_per_day(value, interval)
        if self.family == "count":
            return format_count(value, interval)
        shown = self.shown(value, compact=compact)
        return with_error(value, half_width(interval), shown.scale, shown.symbol, shown.decimals)

    def parts(self, value: float | None, interval: Interval = None) -> tuple[str, str, str | None]:
        """``("6.3", "per day", "± 0.4 per day")``: number, unit in words and half-width.

        For a chart that draws the number and its unit on separate lines; the number is
        the one :meth:`format` writes.  ``None`` gives ``("—", "", None)``.
        """
        if value is None:
            return MISSING, "", None
        value = float(value)
        shown = self.shown(value)
        decimals = shown.decimals
        if self.family == "count" and interval is not None:
            decimals = 1
        number, spread = number_text(value, half_width(interval), shown.scale, decimals)
        half = None if spread is None else f"± {spread} {shown.words}".rstrip()
        return number, shown.words, half

    def difference(self, size: float, half: float | None) -> str:
        """The size (>= 0) of a difference of two values, with its CI half-width."""
        if self.family == "duration":
            return diff_hours(size, half)
        if self.family == "frequency":
            return diff_per_day(size, half)
        if self.family == "share":
            return diff_share(size, half, 1 if self.decimals is None else self.decimals)
        if self.family == "count":
            return with_error(size, half, 1.0, "", 1, keep_small=True)
        unit = self.compact_unit if self.compact_unit is not None else self.unit
        return with_error(size, half, 1.0, unit, keep_small=True)

    def axis(self, values: Iterable[float | None]) -> tuple[float, str]:
        """Factor and unit (words) for a chart axis of ``values``: the unit of their median,
        so every point of one chart is in one unit."""
        present = sorted(abs(float(v)) for v in values if v is not None)
        typical = present[len(present) // 2] if present else 0.0
        if self.family == "duration" and typical == 0.0:
            typical = HOURS_PER_DAY  # nothing to draw: any unit will do
        shown = self.shown(typical)
        return 1.0 / shown.scale, shown.words


def _d(key: str, label: str, short: str, better: bool | None) -> MetricFormat:
    return MetricFormat(key, label, short, "duration", higher_is_better=better)


def _s(key: str, label: str, short: str, better: bool | None, decimals: int = 1) -> MetricFormat:
    return MetricFormat(key, label, short, "share", decimals=decimals, higher_is_better=better)


def _c(key: str, label: str, short: str, better: bool | None) -> MetricFormat:
    return MetricFormat(key, label, short, "count", higher_is_better=better)


def _weekly(key: str, label: str, short: str, better: bool | None, noun: str) -> MetricFormat:
    return MetricFormat(key, label, short, "rate", f"{noun} / week", "/ week",
                        f"{noun} per week", higher_is_better=better)  # fmt: skip


FORMATS: tuple[MetricFormat, ...] = (
    # -- DORA four keys (+ rework rate)
    MetricFormat("deployment_frequency_per_day", "Deployment frequency", "Deploys", "frequency",
                 higher_is_better=True),
    _c("deployments", "Deployments", "Deploys", None),
    _c("releases", "Releases", "Releases", None),
    MetricFormat("services_mean", "Services", "Services", "number", "services", "",
                 higher_is_better=None),
    MetricFormat("mean_batch_size", "Batch size (mean)", "Batch", "number", "items", "",
                 higher_is_better=False),
    _d("lead_time_hours_median", "Lead time for changes", "Lead time", False),
    _d("lead_time_hours_p85", "Lead time for changes (p85)", "Lead p85", False),
    _s("change_failure_rate", "Change failure rate", "Fail rate", False),
    _d("time_to_restore_hours_median", "Time to restore", "Restore", False),
    _d("time_to_restore_hours_p85", "Time to restore (p85)", "Restore p85", False),
    _s("rework_rate", "Rework rate", "Rework", False),
    # -- flow
    _d("customer_lead_time_hours_mean", "Customer lead time (mean)", "Cust. mean", False),
    _d("customer_lead_time_hours_median", "Customer lead time (median)", "Cust. lead", False),
    _d("customer_lead_time_hours_p85", "Customer lead time (p85)", "Cust. p85", False),
    _weekly("throughput_per_week", "Throughput", "Throughput", True, "items"),
    _weekly("throughput_all_per_week", "Throughput, all work", "All work", True, "items"),
    MetricFormat("wip_mean", "Work in progress", "WIP", "number", "items", "",
                 higher_is_better=False),
    _s("flow_efficiency", "Flow efficiency", "Flow eff.", True),
    _d("queue_hours_mean_<stage>", "Queue wait at <stage> (mean)", "Queue", False),
    _s("utilisation_<pool>", "Utilisation of <pool>", "Busy", None),
    _s("unplanned_work_share", "Unplanned work", "Unplanned", False),
    # -- reliability
    _c("incidents", "Incidents", "Incidents", False),
    _c("incidents_change", "Incidents from changes", "From changes", False),
    MetricFormat("incidents_per_release", "Incidents per release", "Inc./release", "number",
                 "/ release", higher_is_better=False),
    _c("incidents_other", "Other incidents", "Other", False),
    _c("incidents_<cause>", "Incidents: <cause>", "<cause>", False),
    _d("time_to_detect_hours_median", "Time to detect", "Detect", False),
    _s("availability", "Availability", "Availability", True, 2),
    _d("user_impact_hours", "User impact", "Impact", False),
    _d("user_impact_hours_change", "User impact from changes", "Impact (changes)", False),
    # -- people
    MetricFormat("pages_per_oncall_per_week", "Pages per on-call person", "Pages", "rate",
                 "pages / person / week", "/ person / week", "pages per person per week",
                 higher_is_better=False),
    _d("out_of_hours_response_hours", "Out-of-hours response", "Out of hours", False),
    # -- security
    _c("weaknesses_escaped", "Weaknesses escaped", "Escaped", False),
    _c("weaknesses_exploited", "Weaknesses exploited", "Exploited", False),
    # -- demand
    _c("arrived", "Arrived", "Arrived", None),
    _c("delivered", "Delivered", "Delivered", True),
    _s("demand_delivered_share", "Delivered / arrived", "Delivered", True),
    MetricFormat("backlog_end", "Backlog at the end", "Backlog", "number", "items", "",
                 decimals=0, higher_is_better=False),
    _weekly("backlog_growth_per_week", "Backlog growth", "Backlog", False, "items"),
    _s("overloaded", "Overloaded", "Overloaded", False, 0),
)  # fmt: skip
"""Every metric of :data:`sim.metrics.definitions.METRICS`, as shown (patterns included)."""

BY_KEY: dict[str, MetricFormat] = {f.key: f for f in FORMATS if not f.pattern}
PATTERNS: tuple[MetricFormat, ...] = tuple(f for f in FORMATS if f.pattern)

_FALLBACK = MetricFormat("", "", "", "number")


def spec(key: str) -> MetricFormat:
    """How ``key`` is shown: its own entry, else the pattern it expands (with the stage,
    pool or cause filled into its labels), else a plain number labelled by the key."""
    found = BY_KEY.get(key)
    if found is not None:
        return found
    for pattern in PATTERNS:
        head, _, rest = pattern.key.partition("<")
        placeholder = "<" + rest
        if key.startswith(head) and len(key) > len(head):
            name = key[len(head) :].replace("_", " ")
            return MetricFormat(
                key,
                pattern.label.replace(placeholder, name),
                pattern.short.replace(placeholder, name),
                pattern.family,
                pattern.unit,
                pattern.compact_unit,
                pattern.words,
                pattern.decimals,
                pattern.higher_is_better,
            )
    label = key.replace("_", " ")
    return MetricFormat(key, label[:1].upper() + label[1:], label, _FALLBACK.family)


def format_value(
    key: str, value: float | None, interval: Interval = None, *, compact: bool = False
) -> str:
    """``value`` of metric ``key`` as text with its unit, the same on every surface."""
    return spec(key).format(value, interval, compact=compact)


def label(key: str) -> str:
    """The metric's name."""
    return spec(key).label


def short_label(key: str) -> str:
    """The metric's name for a narrow column."""
    return spec(key).short
