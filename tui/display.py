"""How the game shows numbers: which metrics, their labels, units, tiers and directions.

Labels, units and formatting come from :mod:`sim.formatting`, so the game, the CLI
scorecard, the workshop leaderboards and the debrief print a value the same way; this
module only adds what the board needs on top: which metrics it shows, the coloured
difference to the ghost and the names of the windows its figures cover.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from sim.formatting import MISSING, diff_hours, format_number
from sim.formatting import spec as metric_format
from sim.game import describe_command, describe_structure
from sim.metrics.tiers import KEY_METRICS, TIER_KEY, tier_of
from sim.model.commands import InjectIncident, Reorganise, ResizePool, SetPractice
from sim.overload import as_number, backlog_growth, is_overloaded
from sim.practices import BY_NAME
from sim.report import TIER_STYLES
from sim.units import DAYS_PER_WEEK, HOURS_PER_DAY, MINUTES_PER_HOUR

Formatter = Callable[[float | None], str]

LIVE_DAYS = 28.0
"""Days the board's live figures cover (four keys, you vs ghost, flow's demand line)."""


def window_label(days: float) -> str:
    """A trailing window as words: 28 → ``last 4 weeks``, 7 → ``last week``, 3 → ``last 3 days``."""
    if days % DAYS_PER_WEEK == 0:
        weeks = int(days // DAYS_PER_WEEK)
        return "last week" if weeks == 1 else f"last {weeks} weeks"
    return "last day" if days == 1 else f"last {days:g} days"


LIVE_WINDOW = window_label(LIVE_DAYS)
"""The window of the board's live figures, as its panels name it."""

TREND_WINDOW = "per week"
"""The trends' buckets: each point is one week's value."""

TREND_FIGURES = "last full week"
"""The trends' figures: the latest week that is over."""

ROUND_WINDOW = "this round"
"""Figures that cover the round being played (the budget, the round's progress)."""

GAME_WINDOW = "whole game"
"""Figures that add up the rounds closed so far (the score)."""


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One metric as the board shows it."""

    key: str
    label: str
    short: str
    fmt: Formatter
    higher_is_better: bool
    kind: str  # "rate", "hours", "share", "count", "growth" (a rate that can be negative)
    tier_key: str | None = None


_KINDS = {"frequency": "rate", "duration": "hours", "share": "share", "count": "count",
          "rate": "rate", "number": "count"}  # fmt: skip


def metric_spec(key: str, kind: str | None = None) -> MetricSpec:
    """The board's view of metric ``key``: labels, unit and formatter from
    :mod:`sim.formatting` (in the compact form a narrow column needs)."""
    shown = metric_format(key)

    def fmt(value: float | None) -> str:
        return shown.format(value, None, compact=True)

    return MetricSpec(
        key,
        shown.label,
        shown.short,
        fmt,
        bool(shown.higher_is_better),
        kind or _KINDS[shown.family],
        TIER_KEY.get(key),
    )


FOUR_KEYS: tuple[MetricSpec, ...] = tuple(metric_spec(key) for key in KEY_METRICS)
"""The DORA four keys (:data:`sim.metrics.tiers.KEY_METRICS`), in DORA's order."""

DEMAND: tuple[MetricSpec, ...] = (
    metric_spec("demand_delivered_share"),
    metric_spec("backlog_growth_per_week", "growth"),
    metric_spec("customer_lead_time_hours_median"),
)
"""Whether the organisation keeps up with its demand: what the four keys (from commit)
cannot show."""

OUTCOMES: tuple[MetricSpec, ...] = tuple(
    metric_spec(key)
    for key in ("throughput_per_week", "incidents", "unplanned_work_share", "availability")
)
"""What the four keys buy or cost."""

BETTER = "bold green"
WORSE = "bold red"
SAME = "dim"


@dataclass(frozen=True, slots=True)
class Demand:
    """Whether the organisation keeps up with its demand, as the flow panel shows it."""

    delivered_share: float | None
    """Delivered / arrived over the live window."""
    backlog_growth: float | None
    """Items per week the backlog in front of the people grew by (negative: shrank)."""
    overloaded: bool
    """The backlog grows without bound: flagged, because the tiers cannot show it."""
    ghost_overloaded: bool = False
    """The same verdict for the untouched organisation."""


def demand_of(player: Mapping[str, Any], ghost: Mapping[str, Any]) -> Demand:
    """The flow panel's demand line and overload flags from the live metrics."""
    return Demand(
        clean(player.get("demand_delivered_share")),
        backlog_growth(player),
        is_overloaded(player),
        is_overloaded(ghost),
    )


clean = as_number
"""A metric value as a float, or None when missing or not a number."""


def tiers(metrics: Mapping[str, Any], edition: str = "2023") -> dict[str, str | None]:
    """DORA tiers of a metrics dict (see :func:`sim.metrics.tiers.tier_of`)."""
    return tier_of({k: clean(v) for k, v in metrics.items()}, edition)


def tier_style(tier: str | None) -> str:
    """Rich style of a tier name (the CLI scorecard's colours)."""
    return TIER_STYLES.get(tier or "", "dim")


def tier_label(tier: str | None) -> Text:
    """A tier name in capitals and its colour, or a dash."""
    if tier is None:
        return Text(MISSING, style="dim")
    return Text(tier.upper(), style=tier_style(tier))


def difference(spec: MetricSpec, you: Any, ghost: Any) -> Text:
    """Your value against the ghost's: an arrow, the size of the gap, green if better."""
    a, b = clean(you), clean(ghost)
    if a is None or b is None:
        return Text(MISSING, style=SAME)
    delta = a - b
    if abs(delta) <= 1e-9 * max(1.0, abs(a), abs(b)):
        return Text("= same", style=SAME)
    better = (delta > 0) == spec.higher_is_better
    arrow = "▲" if delta > 0 else "▼"
    if spec.kind == "share":
        size = f"{abs(delta) * 100:.1f} pp"
    elif spec.kind == "rate" and a == 0:
        size = "to 0"
    elif spec.kind == "rate" and b > 0:
        size = f"×{a / b:.2g}"
    elif spec.kind == "rate":
        size = "from 0"
    elif spec.kind == "hours":
        size = diff_hours(abs(delta), None)
    elif spec.kind == "growth":  # the unit is beside the values; a gap must fit a column
        size = format_number(abs(delta))
    else:
        size = spec.fmt(abs(delta))
    return Text(f"{arrow} {size}", style=BETTER if better else WORSE)


def hours_label(t: float) -> str:
    """A simulated time (hours since an origin) as ``d12 14:00`` (day counted from 1).

    A clock reading, not a duration: durations are written by
    :func:`sim.formatting.format_hours`."""
    day = int(t // HOURS_PER_DAY) + 1
    hour = int(t % HOURS_PER_DAY)
    minutes = int(MINUTES_PER_HOUR)
    minute = round((t * minutes) % minutes) % minutes
    return f"d{day:<3} {hour:02d}:{minute:02d}"


def value_text(value: Any) -> str:
    """A practice value as a player reads it: on/off for booleans, words for choices."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value).replace("_", " ")


def practice_label(name: str) -> str:
    """A practice name as words: ``continuous_integration`` → ``Continuous integration``."""
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


PILLARS: tuple[str, ...] = (
    "culture and collaboration",
    "automation",
    "observability",
    "shift left",
    "infrastructure as code",
    "security",
    "incident response",
)
"""The pillars of the journey from code to customer, in the order the board lists them."""

_FALLBACK_PILLAR: dict[str, str] = {
    "continuous_integration": "automation",
    "test_automation": "shift left",
    "deployment": "automation",
    "release": "automation",
    "change_approval": "culture and collaboration",
    "canary": "incident response",
    "blue_green": "incident response",
    "feature_flags": "incident response",
    "monitoring": "observability",
    "infrastructure_as_code": "infrastructure as code",
    "security_scanning": "security",
    "postmortems": "culture and collaboration",
}


def pillar_of(practice: Any) -> str:
    """The pillar a catalogue practice belongs to (its ``pillar`` field when it has one)."""
    pillar = getattr(practice, "pillar", None)
    if isinstance(pillar, str) and pillar:
        return pillar
    return _FALLBACK_PILLAR.get(practice.name, "other")


SHORT_PILLARS: dict[str, str] = {
    "culture and collaboration": "Culture",
    "infrastructure as code": "Infra as code",
    "incident response": "Incident resp.",
}


def pillar_short(pillar: str) -> str:
    """A pillar's name for a narrow column."""
    return SHORT_PILLARS.get(pillar, pillar_title(pillar))


def pillar_title(pillar: str) -> str:
    """A pillar as a heading: ``shift left`` → ``Shift left``."""
    text = pillar.replace("_", " ")
    return text[:1].upper() + text[1:]


def grouped_practices(catalogue: Any, order: Any = ()) -> list[tuple[str, list[Any]]]:
    """Catalogue practices grouped by pillar: the given order first, then the rest."""
    groups: dict[str, list[Any]] = {}
    for practice in catalogue:
        groups.setdefault(pillar_of(practice), []).append(practice)
    names = [p for p in (*order, *PILLARS) if p in groups]
    names += [p for p in groups if p not in names]
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return [(name, groups[name]) for name in seen]


def bar(share: float, width: int) -> str:
    """A horizontal bar of ``width`` cells filled to ``share`` (0..1), in eighths."""
    share = min(1.0, max(0.0, share))
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    return text.ljust(width, "·")


def describe(command: Any, cost: float = 0.0) -> str:
    """A command as a line of the feed."""
    if isinstance(command, SetPractice):
        practice = BY_NAME.get(command.practice)
        text = f"You set {practice_label(command.practice).lower()} to {value_text(command.value)}"
        if cost > 0:
            text += f" ({cost:g} person-days"
            text += f", ramps in over {practice.ramp_days:g} days)" if practice else ")"
        return text
    if isinstance(command, ResizePool):
        return f"You set {command.role} to {command.size} people"
    if isinstance(command, Reorganise):
        text = f"You reorganised into {describe_structure(command.structure)}"
        return text + (f" ({cost:g} person-days)" if cost > 0 else "")
    if isinstance(command, InjectIncident):
        return f"Facilitator injected a severity-{command.severity} incident"
    text = describe_command(command)  # the game's own words: a traffic spike, a freeze
    return text[:1].upper() + text[1:]
