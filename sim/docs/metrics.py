"""``docs/metrics.md``: every metric key with its unit and definition, and the DORA tier bands.

Rendered from :data:`~sim.metrics.definitions.METRICS` and the tier tables of each edition
in :data:`~sim.metrics.tiers.EDITIONS`: each edition's cut-offs become the range of
values that earns each tier, written in words a facilitator reads at a glance
(``≥ 1 day and < 1 week``).
"""

from __future__ import annotations

import math

import sim.metrics.definitions as metric_definitions
import sim.scenario as scenario_module
from sim.markdown import table
from sim.metrics.definitions import METRICS
from sim.metrics.tiers import ASPECTS, EDITIONS, RANK_TIER, Edition, Scale
from sim.units import DAYS_PER_MONTH, DAYS_PER_WEEK, HOURS_PER_DAY, HOURS_PER_WEEK

from .parameters import link_parameters
from .text import GENERATED_NOTE, code, docstring_paragraphs, number

_UNITS = {metric.name: metric.unit for metric in METRICS}


def _duration(hours: float) -> str:
    """A duration in hours in the largest whole unit: ``1 hour``, ``1 week``, ``30 days``.

    Not :func:`sim.formatting.format_hours`: a tier cut-off is an exact calendar amount
    and reads as one (``1 week``, not ``7.0 days``); that function rounds a measured
    value to about three significant figures and has no weeks.
    """
    for size, unit in ((HOURS_PER_WEEK, "week"), (HOURS_PER_DAY, "day"), (1.0, "hour")):
        count = hours / size
        if count >= 1 and math.isclose(count, round(count)):
            n = round(count)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{number(hours)} hours"


def _per_day(rate: float) -> str:
    """A rate per day as ``1/day``, ``1/week``, ``1/30 days`` (exact, like :func:`_duration`)."""
    if rate >= 1 or not math.isclose(1 / rate, round(1 / rate)):
        return f"{number(rate)}/day"
    days = round(1 / rate)
    return "1/week" if days == DAYS_PER_WEEK else f"1/{days} days"


def _format_cut(metric: str, value: float) -> str:
    """A cut-off value in the metric's unit, in words a facilitator reads at a glance."""
    unit = _UNITS.get(metric, "")
    if unit == "hours":
        return _duration(value)
    if unit.startswith("deployments/day"):
        return _per_day(value)
    if unit.startswith("share"):
        return f"{number(round(value * 100, 4))} %"
    return number(value)


def tier_ranges(scale: Scale) -> dict[str, str]:
    """The range of values that gives each tier on ``scale``, in words.

    Cuts are tried in order and the first that holds wins, so a tier's range is bounded by
    its own cut and the cut before it; a tier with no cut, or whose cut equals the previous
    one, is never reached.  Cuts that are not monotone are shown as the rule itself.
    """
    below = {">=": "<", "<": "≥", "<=": ">"}[scale.compare]
    shown = {">=": "≥", "<": "<", "<=": "≤"}[scale.compare]
    values = [cut for cut, _ in scale.cuts]
    ascending = scale.compare in ("<", "<=")
    if values != sorted(values, reverse=not ascending):
        rule = "; ".join(f"{t} if {shown} {_format_cut(scale.metric, c)}" for c, t in scale.cuts)
        return {tier: rule for tier in RANK_TIER}
    ranges = {tier: "never reached" for tier in RANK_TIER}
    previous: float | None = None
    for cut, tier in scale.cuts:
        here = f"{shown} {_format_cut(scale.metric, cut)}"
        if previous is not None and cut == previous:
            continue
        if previous is None:
            ranges[tier] = here
        else:
            other = f"{below} {_format_cut(scale.metric, previous)}"
            # Lower bound first: "≥ 1/week and < 1/day", "≥ 1 day and < 1 week".
            ranges[tier] = f"{other} and {here}" if ascending else f"{here} and {other}"
        previous = cut
    if previous is not None:
        ranges[scale.otherwise] = f"{below} {_format_cut(scale.metric, previous)}"
    else:
        ranges[scale.otherwise] = "always"
    return ranges


def _edition_lines(edition: Edition, default: bool) -> list[str]:
    """One edition's tier bands: a table of ranges and the published cluster values."""
    title = f"### DORA {edition.name}" + (" (default)" if default else "")
    lines = [title, "", f"Source: {edition.source}.", ""]
    rows = []
    published = []
    for aspect in ASPECTS:
        scale: Scale = getattr(edition, aspect)
        ranges = tier_ranges(scale)
        rows.append([code(aspect), code(scale.metric), *(ranges[t] for t in reversed(RANK_TIER))])
        published.append(f"- `{aspect}`: {scale.table}")
    header = ["aspect", "metric", *reversed(RANK_TIER)]
    lines += [*table(header, rows), "", "Published clusters:", "", *published, ""]
    return lines


def render_metrics() -> str:
    """``docs/metrics.md``: every metric key with unit and definition, and the tier bands."""
    window = [p for p in docstring_paragraphs(metric_definitions.__doc__) if "window" in p]
    lines = [
        GENERATED_NOTE,
        "",
        "# Metrics",
        "",
        "Every key in `metrics` of `shipit run --json`, in output order. Keys with a "
        "`<placeholder>` expand to one key per stage or pool seen in the run.",
        "",
        *(f"{p}\n" for p in window),
    ]
    rows = [[code(m.name), m.unit, link_parameters(m.description)] for m in METRICS]
    lines += [*table(["key", "unit", "definition"], rows), ""]
    default_edition = scenario_module.RunConfig.model_fields["tier_edition"].default
    ranks = ", ".join(f"{tier} {rank}" for rank, tier in enumerate(RANK_TIER))
    lines += [
        "## DORA tier bands",
        "",
        "Each of the four keys gets a tier from the bands of the DORA edition chosen by "
        f"`run.tier_edition` (default `{default_edition}`). The **overall** tier is the floor "
        f"of the mean rank of the four ({ranks}); a key with no value is left out. DORA's "
        "tiers are survey clusters, not thresholds: the bands below turn each edition's "
        f"clusters into cut-offs, with 1 week = {number(HOURS_PER_WEEK)} hours and 1 month = "
        f"{number(DAYS_PER_MONTH)} days.",
        "",
    ]
    order = [default_edition, *(name for name in EDITIONS if name != default_edition)]
    for name in order:
        lines += _edition_lines(EDITIONS[name], name == default_edition)
    return "\n".join(lines).rstrip() + "\n"
