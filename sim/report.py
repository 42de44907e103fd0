"""Human-readable rendering of results: the DORA scorecard and the CLI's listings.

Everything here is a pure function from data (a ``run --json`` document, the scenario
list, the practice catalogue) to a Rich renderable, so the CLI, the TUI and a debrief pack
draw the same scorecard and a test can render it to plain text.  Nothing here runs the
model or reads files.

Values are written by :mod:`sim.formatting`, the one place that says how each metric is
shown (durations in minutes, hours or days by one rule, frequencies per day, week or
month, shares as percentages), so the scorecard, the game's board and the workshop read
the same.  With several replications a value is shown as ``mean ± half-width`` of its
95 % interval, in the unit chosen for the mean.  The formatters are re-exported here for
the callers that import them from this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from sim.formatting import (
    MISSING,
    DiffFormatter,
    Formatter,
    Interval,
    MetricFormat,
    format_count,
    format_share,
    half_width,
    spec,
)
from sim.formatting import format_hours as format_hours  # re-exported for its callers
from sim.formatting import format_number as format_number  # re-exported
from sim.formatting import format_per_day as format_per_day  # re-exported
from sim.metrics.tiers import KEY_METRICS, TIER_KEY
from sim.overload import EXPLANATION, backlog_growth, is_overloaded, overload_share
from sim.practices import Practice, describe_value
from sim.scenario import Scenario

TIER_STYLES: dict[str, str] = {
    "elite": "bold green",
    "high": "bold cyan",
    "medium": "bold yellow",
    "low": "bold red",
}
"""Colour of each DORA tier; the same everywhere so a room learns them once."""

# --------------------------------------------------------------------------- numbers


def tier_text(tier: str | None) -> Text:
    """A tier name in its colour, or a dash when the metric had no sample."""
    if tier is None:
        return Text(MISSING, style="dim")
    return Text(tier, style=TIER_STYLES.get(tier, ""))


# --------------------------------------------------------------------------- scorecard


def formatter(key: str, *, compact: bool = False) -> Formatter:
    """The formatter of metric ``key`` (see :mod:`sim.formatting`), as a function."""
    shown: MetricFormat = spec(key)

    def fmt(value: float | None, interval: Interval = None) -> str:
        return shown.format(value, interval, compact=compact)

    return fmt


FOUR_KEYS: tuple[tuple[str, str, str, Formatter], ...] = tuple(
    (spec(key).label, key, TIER_KEY[key], formatter(key)) for key in KEY_METRICS
)
"""The DORA four keys: label, metric key, tier key and how to format the value."""

_per_week = formatter("backlog_growth_per_week")
"""Items per week (backlog growth, throughput)."""

_count = format_count

DEMAND: tuple[tuple[str, str, Formatter], ...] = tuple(
    (label, key, formatter(key))
    for label, key in (
        ("Delivered / arrived", "demand_delivered_share"),
        ("Backlog growth", "backlog_growth_per_week"),
        ("Customer lead time (median)", "customer_lead_time_hours_median"),
    )
)
"""Whether the organisation keeps up with its demand: the four keys start at commit, so
these rows (label, metric key, formatter) show what they cannot -- work piling up before
development and the customer's whole wait (median, arrival to production)."""

OVERLOAD_STYLE = "bold white on red"
"""The overload verdict's style: it overrides a tier, so it must not read like one."""

OUTCOMES: tuple[tuple[str, str, Formatter], ...] = tuple(
    (spec(key).label, key, formatter(key))
    for key in (
        "throughput_per_week",
        "incidents",
        "availability",
        "unplanned_work_share",
        "rework_rate",
    )
)
"""What the four keys cost or buy: label, metric key and formatter."""


def scorecard(document: Mapping[str, Any], scenario: Scenario) -> RenderableType:
    """The DORA scorecard of a ``run --json`` document (one run or a replication mean).

    ``scenario`` supplies what the document does not carry: the title and the run length.
    The demand rows and the Overall verdict flag an overloaded organisation, whose tiers
    may look fine because the four keys start at commit (see :mod:`sim.overload`).
    """
    metrics: Mapping[str, Any] = document["metrics"]
    tiers: Mapping[str, Any] = document["tiers"]
    ci95: Mapping[str, Any] = document.get("ci95") or {}
    prov: Mapping[str, Any] = document.get("provenance") or {}
    replications = int(prov.get("replications", 1))
    info = scenario.scenario

    table = Table(title=Text(info.title or info.name, style="bold"), title_justify="left")
    value_header = "Mean ± 95 % CI" if replications > 1 else "Value"
    table.add_column("DORA key", no_wrap=True)
    table.add_column(value_header, justify="right", no_wrap=True)
    table.add_column("Tier", no_wrap=True)

    for label, key, tier_key, fmt in FOUR_KEYS:
        table.add_row(label, fmt(metrics.get(key), ci95.get(key)), tier_text(tiers.get(tier_key)))
    table.add_section()
    for label, key, fmt in DEMAND:
        table.add_row(label, fmt(metrics.get(key), ci95.get(key)), "")
    table.add_section()
    verdict = overall_verdict(
        tiers.get("overall"),
        document.get("expected_tier"),
        metrics,
        ci95.get("backlog_growth_per_week"),
        replications,
    )
    table.add_row(Text("Overall", style="bold"), verdict, tier_text(tiers.get("overall")))
    table.add_section()
    for label, key, fmt in OUTCOMES:
        table.add_row(label, fmt(metrics.get(key), ci95.get(key)), "")
    # Below the table, not as its caption: a caption wraps at the table's width.
    parts: list[RenderableType] = [table]
    if is_overloaded(metrics):
        parts.append(Text(f"{EXPLANATION[:1].upper()}{EXPLANATION[1:]}.", style="bold red"))
    parts.append(Text(_caption(scenario, prov, replications), style="dim"))
    return Group(*parts)


def overall_verdict(
    overall: str | None,
    expected: str | None,
    metrics: Mapping[str, Any],
    growth_interval: Interval = None,
    replications: int = 1,
) -> Text:
    """The Overall row's verdict: the overload if there is one, else the expected tier.

    An overloaded organisation is never "as expected", whatever its tiers: its backlog
    grows without bound.  With replications the verdict says in what share of the runs
    it was overloaded, and a minority of overloaded runs is noted under the expectation.
    """
    share = overload_share(metrics)
    if is_overloaded(metrics):
        return overload_text(metrics, growth_interval, replications)
    verdict = _expectation(overall, expected)
    if share and replications > 1:
        verdict.append(f"\noverloaded in {format_share(share, None, 0)} of runs", style="yellow")
    return verdict


def overload_text(
    metrics: Mapping[str, Any], growth_interval: Interval = None, replications: int = 1
) -> Text:
    """``OVERLOADED`` and how fast the backlog grows, on two lines (narrow at 80 columns)."""
    head = "OVERLOADED"
    share = overload_share(metrics)
    if replications > 1 and share is not None:
        head += f" in {format_share(share, None, 0)} of runs"
    growth = backlog_growth(metrics)
    rate = "without bound" if growth is None else _per_week(growth, growth_interval)
    return Text.assemble((head, OVERLOAD_STYLE), "\n", (f"backlog grows {rate}", "bold red"))


def _expectation(overall: str | None, expected: str | None) -> Text:
    """How the overall tier compares with the tier the scenario was designed for."""
    if expected is None:
        return Text("no expected tier", style="dim")
    if overall == expected:
        return Text.assemble("as expected (", tier_text(expected), ")")
    return Text.assemble(("expected ", "bold"), tier_text(expected))


def _caption(scenario: Scenario, prov: Mapping[str, Any], replications: int) -> str:
    """Run settings a reader needs to reproduce or compare the numbers."""
    run = scenario.run
    parts = [
        f"{scenario.scenario.name}",
        f"seed {prov.get('seed', run.seed)}",
        f"{run.days:g} days, {run.warmup_days:g} warm-up",
        f"{replications} run{'s' if replications != 1 else ''}",
        f"DORA {prov.get('tier_edition', run.tier_edition)}",
    ]
    return " · ".join(parts)


# --------------------------------------------------------------------------- listings


def scenarios_table(scenarios: Iterable[tuple[str, Scenario]]) -> Table:
    """The built-in scenarios: name, title and the tier each is designed to land in."""
    table = Table(title="Built-in scenarios", title_justify="left")
    table.add_column("Name", style="bold", no_wrap=True)
    table.add_column("Title")
    table.add_column("Expected tier", no_wrap=True)
    for name, scenario in scenarios:
        table.add_row(name, scenario.scenario.title, tier_text(scenario.scenario.expected_tier))
    return table


def practices_table(catalogue: Iterable[Practice]) -> Table:
    """The practice catalogue: what a player can switch, from what, at what cost, and why.

    Laid out to stay readable in 80 columns: values one per line, the adoption cost under
    the name, so the evidence column keeps enough width.
    """
    table = Table(title="Practices", title_justify="left", show_lines=True)
    table.add_column("Practice (adoption cost)", no_wrap=True)
    table.add_column("Values", no_wrap=True)
    table.add_column("Baseline", no_wrap=True)
    table.add_column("Evidence (source)", ratio=1)
    for practice in catalogue:
        name = Text.assemble(
            (practice.name, "bold"),
            (f"\nadopt: {practice.adoption_effort_days:g} person-days", "dim"),
            (f"\nramp: {practice.ramp_days:g} days", "dim"),
        )
        values = "\n".join(describe_value(v) for v in practice.values)
        evidence = Group(Text(practice.evidence), Text(practice.source, style="dim"))
        table.add_row(name, values, describe_value(practice.baseline), evidence)
    return table


# --------------------------------------------------------------------------- comparisons


class ComparedMetric(NamedTuple):
    """A row of the comparison table."""

    label: str
    key: str
    value: Formatter
    """Formats a variant's mean."""
    difference: DiffFormatter
    """Formats the size of a paired difference."""
    better: int
    """+1 if higher is better, -1 if lower is better, 0 if neither."""


def compared(label: str, key: str) -> ComparedMetric:
    """A comparison row of metric ``key``: values in their compact form (side-by-side
    columns are narrow), differences in the same unit, the direction from the metric."""
    shown = spec(key)
    better = {True: +1, False: -1, None: 0}[shown.higher_is_better]
    return ComparedMetric(label, key, formatter(key, compact=True), shown.difference, better)


COMPARED: tuple[ComparedMetric, ...] = tuple(
    compared(label, key)
    for label, key in (
        *((spec(key).label, key) for key in KEY_METRICS),
        ("Rework rate", "rework_rate"),
        ("Customer lead time (median)", "customer_lead_time_hours_median"),
        ("Delivered / arrived", "demand_delivered_share"),
        ("Backlog growth (items)", "backlog_growth_per_week"),
        ("Overloaded runs", "overloaded"),
        ("Throughput (items)", "throughput_per_week"),
        ("Incidents", "incidents"),
        ("Availability", "availability"),
        ("Unplanned work", "unplanned_work_share"),
        ("Time to detect (median)", "time_to_detect_hours_median"),
        ("User impact", "user_impact_hours"),
        ("Batch size (items, mean)", "mean_batch_size"),
        ("Work in progress (items)", "wip_mean"),
    )
)
"""The rows of ``shipit compare``: the four keys, then demand, flow, reliability and size."""

MINUS = "\N{MINUS SIGN}"
UP = "\N{BLACK UP-POINTING TRIANGLE}"
DOWN = "\N{BLACK DOWN-POINTING TRIANGLE}"


def excludes_zero(interval: Interval) -> bool:
    """Whether a 95 % interval lies wholly above or below zero: a difference the noise
    of the replications does not explain."""
    if not interval or len(interval) != 2 or interval[0] is None or interval[1] is None:
        return False
    return float(interval[0]) > 0 or float(interval[1]) < 0


def difference_text(
    difference: Mapping[str, Any] | None, row: ComparedMetric, *, with_interval: bool = True
) -> Text:
    """A paired difference as ``▲ +1.2 ± 0.3 h``: signed, with its 95 % CI half-width.

    When the interval excludes zero the value gets an arrow for its direction, bold, in
    green if the change is an improvement and red if it is a deterioration; otherwise it
    is dim, because the replications cannot tell it from noise.
    """
    if not difference or difference.get("mean_diff") is None:
        return Text(MISSING, style="dim")
    mean = float(difference["mean_diff"])
    interval = difference.get("ci95")
    half = half_width(interval)
    if mean == 0 and not half:
        return Text("no change", style="dim")
    sign = "+" if mean > 0 else MINUS
    text = f"{sign}{row.difference(abs(mean), half if with_interval else None)}"
    if not excludes_zero(interval):
        return Text(text, style="dim")
    direction = 1 if mean > 0 else -1
    arrow = UP if direction > 0 else DOWN
    if row.better == 0:
        style = "bold"
    elif direction == row.better:
        style = "bold green"  # an improvement
    else:
        style = "bold red"  # a deterioration
    return Text(f"{arrow} {text}", style=style)


def _header(label: str, compact: bool = False) -> Text:
    """A variant label as a column header: as typed, or broken after ``=`` when compact.

    Labels such as ``practices.deployment=automated`` are long and have no spaces; in the
    compact layout a break between key and value keeps the column narrow and readable.
    """
    if compact:
        label = label.replace("=", "=\n")
    return Text(label, overflow="fold")


def _cell(value: str | Text) -> Text:
    """A value cell that never wraps inside a number and its unit."""
    text = Text(value) if isinstance(value, str) else value
    text.no_wrap = True
    return text


def _overall_cell(variant: Mapping[str, Any]) -> Text:
    """A variant's overall tier, flagged when the variant is overloaded: its tier would
    otherwise hide a backlog that grows without bound."""
    tier = tier_text(variant["tiers"].get("overall"))
    if not is_overloaded(variant["metrics"]):
        return tier
    return Text.assemble(tier, "\n", ("OVERLOADED", OVERLOAD_STYLE))


def _tier_change(base: str | None, other: str | None) -> Text:
    """How the overall tier moved from the baseline to a variant."""
    if base == other:
        return Text("same", style="dim")
    return Text.assemble(tier_text(base), " → ", tier_text(other))


def comparison_table(
    document: Mapping[str, Any], scenario: Scenario | None = None, *, compact: bool = False
) -> RenderableType:
    """Variants side by side: each variant's mean, and its paired difference to the baseline.

    ``document`` is a ``compare --json`` document (see :func:`sim.runner.comparison_document`);
    ``scenario``, the baseline's, adds the run length to the caption.  By default each
    non-baseline variant has a column of means and a column of differences with their
    95 % CI; ``compact`` puts the difference under the mean, without the interval (its
    arrow still says whether the interval excludes zero), so four variants fit 80 columns.
    """
    variants: Sequence[Mapping[str, Any]] = document["variants"]
    differences: Mapping[str, Mapping[str, Any]] = document.get("differences") or {}
    prov: Mapping[str, Any] = document.get("provenance") or {}
    baseline = variants[0]
    others = variants[1:]
    replications = int(prov.get("replications", 1))

    table = Table(title=Text("Comparison on common random numbers", style="bold"),
                  title_justify="left")  # fmt: skip
    table.add_column("Metric")
    base_header = Text.assemble(_header(baseline["label"], compact), ("\nbaseline", "dim"))
    table.add_column(base_header, justify="right")
    for variant in others:
        table.add_column(_header(variant["label"], compact), justify="right")
        if not compact:
            table.add_column(Text("Δ ± 95 % CI", style="dim"), justify="right")

    for row in COMPARED:
        cells: list[RenderableType] = [
            row.label,
            _cell(row.value(baseline["metrics"].get(row.key), None)),
        ]
        for variant in others:
            mean = _cell(row.value(variant["metrics"].get(row.key), None))
            difference = differences.get(variant["label"], {}).get(row.key)
            delta = _cell(difference_text(difference, row, with_interval=not compact))
            cells += [Text.assemble(mean, "\n", delta)] if compact else [mean, delta]
        table.add_row(*cells)
    table.add_section()
    base_tier = baseline["tiers"].get("overall")
    tier_cells: list[RenderableType] = [
        Text("Overall tier", style="bold"),
        _overall_cell(baseline),
    ]
    for variant in others:
        tier = variant["tiers"].get("overall")
        cell = _overall_cell(variant)
        tier_cells += [cell] if compact else [cell, _tier_change(base_tier, tier)]
    table.add_row(*tier_cells)

    parts = [f"seed {prov.get('seed', '?')}"]
    if scenario is not None:
        parts.append(f"{scenario.run.days:g} days, {scenario.run.warmup_days:g} warm-up")
    parts.append(f"{replications} run{'s' if replications != 1 else ''} per variant")
    parts.append(f"DORA {prov.get('tier_edition', '2023')}")
    where = "under each value" if compact else "Δ"
    legend = (
        f"{where}: variant − baseline, paired by replication; "
        f"{UP}/{DOWN} its 95 % CI excludes zero (green better, red worse)"
    )
    return Group(table, Text(" · ".join(parts), style="dim"), Text(legend, style="dim"))
