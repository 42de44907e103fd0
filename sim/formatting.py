"""One truth for showing a metric: its label, its unit and how its value is written.

Every surface that shows a metric — the CLI scorecard and ``compare`` table
(:mod:`sim.report`), the game's board (:mod:`tui.display`), the workshop leaderboards,
the debrief's luck-vs-decisions text and charts (:mod:`sim.workshop.luck`) and the
scorecard charts (:mod:`sim.plots.scorecard`) — formats it here, so a value reads the
same everywhere.  Look a metric up with :func:`spec` (patterns such as
``queue_hours_mean_<stage>`` included) and write it with :func:`format_value`.

The rules, decided once per unit family:

``duration`` (metrics kept in hours)
    under 1 hour in minutes (``10 min``, never ``0 min``: ``< 1 min``), under 24 hours in
    hours (``3.1 h``), from 24 hours on in days (``2.4 days``).  A person reads "26 days"
    faster than "624 h"; hours stay where a day would be a fraction.
``frequency`` (deployments per day)
    per day from 1 a day (``6.3 / day``), else per week from 1 a week (``3.5 / week``),
    else per month of 30 days (``1.1 / month``): the same cuts as the DORA tiers.
``share`` (0–1)
    a percentage with one decimal (``12.5 %``); availability two (``99.95 %``).  Never a
    raw fraction.
``count``
    an integer; a mean over replications (or a fractional count) keeps one decimal.
``rate`` (items, pages … per week or per release)
    about three significant figures and the unit (``12.3 items / week``).  Narrow columns
    ask for the ``compact`` form, which drops the unit's noun (``12.3 / week``): the same
    number in the same unit.
``number``
    about three significant figures and the unit in the label (``3.2`` items in a batch).

Numbers have about three significant figures: no decimals from 100, one from 1, two
below 1, none for a plain zero (``0 / week``).  With a 95 % interval a value reads
``mean ± half-width unit`` in the unit chosen for the mean.  Charts that draw the unit on
its own line use its words (``per day``, ``hours``) through :meth:`MetricFormat.parts`;
the number is the same.

The four keys' metric keys come from the tier tables (:data:`FOUR_KEYS`), in DORA order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from sim.metrics.tiers import ASPECTS, EDITIONS

MISSING = "—"
"""Shown for a value that is None (empty sample, zero denominator)."""

Interval = Sequence[float] | None
"""A 95 % confidence interval ``[low, high]`` as in the ``ci95`` part of a document."""

Formatter = Callable[[float | None, Interval], str]
"""Formats a value and its optional 95 % interval."""

DiffFormatter = Callable[[float, float | None], str]
"""Formats the size of a difference (>= 0) and its CI half-width; the sign is added after."""

Family = Literal["duration", "frequency", "share", "count", "rate", "number"]

HOUR = 1.0
DAY_HOURS = 24.0
"""Durations of a day and more are shown in days."""

# --------------------------------------------------------------------------- numbers


def _fixed(value: float, decimals: int) -> str:
    """A number with a fixed count of decimals and thousands separators."""
    return f"{value:,.{decimals}f}"


def _decimals(value: float) -> int:
    """Decimals for a value in its display unit: about three significant figures, at most.

    Large values need no decimals; values below 1 need two to say anything at all.
    """
    size = abs(value)
    if size >= 100:
        return 0
    if size >= 1:
        return 1
    return 2


def _half_width(interval: Interval) -> float | None:
    """Half the width of a (symmetric, Student-t) 95 % interval, or None when there is none."""
    if not interval or len(interval) != 2 or interval[0] is None or interval[1] is None:
        return None
    return (float(interval[1]) - float(interval[0])) / 2.0


def _number_text(
    mean: float,
    half: float | None,
    scale: float,
    decimals: int | None = None,
    *,
    keep_small: bool = False,
) -> tuple[str, str | None]:
    """``mean`` and ``half`` divided by ``scale``, as text: (number, half-width or None).

    The half-width is printed with the mean's decimals, unless that would round a real
    spread to zero; then it gets two significant figures, so "± 0.0" never hides noise.
    With ``keep_small`` the same holds for the mean (used for differences, where a small
    but real change must not read as zero).
    """
    shown = mean / scale
    places = _decimals(shown) if decimals is None else decimals
    if decimals is None and shown == 0 and not half:
        places = 0  # "0 / week", not "0.00 / week": nothing is nothing
    text = _fixed(shown, places)
    if keep_small and shown != 0 and round(shown, places) == 0:
        text = f"{shown:.2g}"
    if half is None:
        return text, None
    spread = half / scale
    if spread > 0 and round(spread, places) == 0:
        return text, f"{spread:.2g}"
    return text, _fixed(spread, places)


def _with_error(
    mean: float,
    half: float | None,
    scale: float,
    unit: str,
    decimals: int | None = None,
    *,
    keep_small: bool = False,
) -> str:
    """``mean unit`` or ``mean ± half unit`` after dividing both by ``scale``."""
    number, spread = _number_text(mean, half, scale, decimals, keep_small=keep_small)
    text = number if spread is None else f"{number} ± {spread}"
    return f"{text} {unit}".rstrip()


class Shown(NamedTuple):
    """How a value is shown: divide by ``scale``, write ``decimals``, add the unit."""

    scale: float
    symbol: str
    """The unit in text (``/ day``, ``h``)."""
    words: str
    """The unit spelt out for a chart (``per day``, ``hours``)."""
    decimals: int | None
    """Fixed decimals, or None for about three significant figures."""


def duration_unit(hours: float) -> Shown:
    """The unit of a duration given in hours: minutes below 1 h, hours below 24 h, days."""
    size = abs(hours)
    if size < HOUR:
        return Shown(1.0 / 60.0, "min", "min", 0)
    if size < DAY_HOURS:
        return Shown(1.0, "h", "hours", None)
    return Shown(DAY_HOURS, "days", "days", None)


def frequency_unit(per_day: float) -> Shown:
    """The unit of a rate given per day: per day from 1, per week from 1/7, else per month."""
    if per_day >= 1.0:
        return Shown(1.0, "/ day", "per day", None)
    if per_day >= 1.0 / 7.0:
        return Shown(1.0 / 7.0, "/ week", "per week", None)
    return Shown(1.0 / 30.0, "/ month", "per month", None)


# --------------------------------------------------------------------------- formatters


def format_hours(value: float | None, interval: Interval = None) -> str:
    """A duration given in hours, as minutes (< 1 h), hours (< 24 h) or days."""
    if value is None:
        return MISSING
    half = _half_width(interval)
    if half is None and 0 < value < 0.5 / 60.0:
        return "< 1 min"  # "0 min" would read as "instant", which nothing is
    unit = duration_unit(value)
    return _with_error(value, half, unit.scale, unit.symbol, unit.decimals)


def format_per_day(value: float | None, interval: Interval = None) -> str:
    """A rate given per day, per day (>= 1), per week (>= 1 a week) or per month (30 days)."""
    if value is None:
        return MISSING
    unit = frequency_unit(value)
    return _with_error(value, _half_width(interval), unit.scale, unit.symbol)


def format_share(value: float | None, interval: Interval = None, decimals: int = 1) -> str:
    """A share 0–1 as a percentage."""
    if value is None:
        return MISSING
    return _with_error(value, _half_width(interval), 0.01, "%", decimals)


def format_number(
    value: float | None, interval: Interval = None, unit: str = "", decimals: int | None = None
) -> str:
    """A plain number (a count or a rate already in its unit)."""
    if value is None:
        return MISSING
    return _with_error(value, _half_width(interval), 1.0, unit, decimals)


def format_count(value: float | None, interval: Interval = None) -> str:
    """A count: an integer; a mean over replications (or a fraction) keeps one decimal."""
    if value is None:
        return MISSING
    decimals = 0 if interval is None and float(value).is_integer() else 1
    return format_number(value, interval, "", decimals)


# --------------------------------------------------------------------------- differences


def _pp(value: float, half: float | None, decimals: int) -> str:
    """A difference of two shares, in percentage points."""
    return _with_error(value, half, 0.01, "pp", decimals, keep_small=True)


def _around(size: float, half: float | None) -> Interval:
    return None if half is None else [size - half, size + half]


def diff_hours(size: float, half: float | None) -> str:
    """The size of a difference of durations (no ``< 1 min``: it reads badly after a sign)."""
    if size < HOUR:
        return _with_error(size, half, 1.0 / 60.0, "min", 0, keep_small=True)
    return format_hours(size, _around(size, half))


def diff_per_day(size: float, half: float | None) -> str:
    """The size of a difference of frequencies, in the unit its size calls for."""
    return format_per_day(size, _around(size, half))


# --------------------------------------------------------------------------- the table


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
    """Unit family: picks the rule (see the module's docstring)."""
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
        return _with_error(value, _half_width(interval), shown.scale, shown.symbol, shown.decimals)

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
        number, spread = _number_text(value, _half_width(interval), shown.scale, decimals)
        half = None if spread is None else f"± {spread} {shown.words}".rstrip()
        return number, shown.words, half

    def difference(self, size: float, half: float | None) -> str:
        """The size (>= 0) of a difference of two values, with its CI half-width."""
        if self.family == "duration":
            return diff_hours(size, half)
        if self.family == "frequency":
            return diff_per_day(size, half)
        if self.family == "share":
            return _pp(size, half, 1 if self.decimals is None else self.decimals)
        if self.family == "count":
            return _with_error(size, half, 1.0, "", 1, keep_small=True)
        unit = self.compact_unit if self.compact_unit is not None else self.unit
        return _with_error(size, half, 1.0, unit, keep_small=True)

    def axis(self, values: Iterable[float | None]) -> tuple[float, str]:
        """Factor and unit (words) for a chart axis of ``values``: the unit of their median,
        so every point of one chart is in one unit."""
        present = sorted(abs(float(v)) for v in values if v is not None)
        typical = present[len(present) // 2] if present else 0.0
        if self.family == "duration" and typical == 0.0:
            typical = DAY_HOURS  # nothing to draw: any unit will do
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

FOUR_KEYS: tuple[str, ...] = tuple(getattr(EDITIONS["2023"], aspect).metric for aspect in ASPECTS)
"""The four keys' metric keys, in DORA order (from :data:`sim.metrics.tiers.ASPECTS`)."""

TIER_KEY: dict[str, str] = dict(zip(FOUR_KEYS, ASPECTS, strict=True))
"""Tier key (``lead_time``) of each four-key metric (``lead_time_hours_median``)."""

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
