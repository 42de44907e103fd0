"""Run the claims of :mod:`sim.validation.claims` and judge them.

Directions are paired comparisons on common random numbers: the base scenario and the
base with one change run the same seed and replication indices, so they see the same
demand and the same latent defects, and the per-replication difference isolates the
change.  Transitions pair a run that receives a command mid-run with its ghost, window by
window.  Every result object has ``holds``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..loading import load_scenario
from ..metrics.tiers import ASPECTS, EDITIONS, METRIC_OF, tier_of, tier_of_value
from ..model.commands import command_from_dict
from ..queueing import mmc_time_in_system
from ..runner import mean_ci95, run_replications, summarise
from ..scenario import Scenario
from ..units import HOURS_PER_DAY, HOURS_PER_WEEK
from .claims import (
    ABSOLUTE,
    FLOORS,
    HIGHER,
    INVARIANCE_METRICS,
    INVARIANCE_TOLERANCE,
    LADDER_REPLICATIONS,
    LOWER,
    NON_INFERIORITY,
    NOT_HIGHER,
    NOT_LOWER,
    REPLICATIONS,
    Direction,
    Transition,
)


def scenario_of(base: str, changes: Mapping[str, Any]) -> Scenario:
    """A built-in with dotted-key changes applied."""
    scenario = load_scenario(base)
    return scenario.with_values(dict(changes)) if changes else scenario


@dataclass(frozen=True)
class Paired:
    """The paired difference (variant − base) of one metric, with its verdict."""

    metric: str
    expected: str
    base_mean: float
    variant_mean: float
    mean_diff: float
    low: float
    high: float
    margin: float = 0.0
    """For non-inferiority: how much worse the bad-side bound may be."""

    @property
    def holds(self) -> bool:
        """Whether the interval says what the evidence says."""
        if self.expected == LOWER:
            return self.high < 0
        if self.expected == HIGHER:
            return self.low > 0
        if self.expected == NOT_HIGHER:
            return self.high <= self.margin
        if self.expected == NOT_LOWER:
            return self.low >= -self.margin
        return self.low <= 0 <= self.high


def judge(
    metric: str,
    expected: str,
    base_values: Sequence[Any],
    variant_values: Sequence[Any],
    allowance: float = 0.0,
) -> Paired:
    """Pair two equally indexed samples of one metric and judge the claim."""
    deltas = [
        float(v) - float(b)
        for b, v in zip(base_values, variant_values, strict=True)
        if b is not None and v is not None
    ]
    if len(deltas) < 2:
        raise ValueError(f"{metric} has fewer than two paired values")
    mean_diff, interval = mean_ci95(deltas)
    base_mean, _ = mean_ci95(list(base_values))
    variant_mean, _ = mean_ci95(list(variant_values))
    assert mean_diff is not None and interval is not None and base_mean is not None
    if metric in ABSOLUTE:
        margin = allowance + ABSOLUTE[metric]
    else:
        margin = allowance + max(NON_INFERIORITY * abs(base_mean), FLOORS.get(metric, 0.0))
    return Paired(
        metric,
        expected,
        base_mean,
        variant_mean if variant_mean is not None else float("nan"),
        mean_diff,
        interval[0],
        interval[1],
        margin if expected in (NOT_HIGHER, NOT_LOWER) else 0.0,
    )


@dataclass(frozen=True)
class DirectionResult:
    """The outcome of one :class:`Direction` check."""

    direction: Direction
    replications: int
    metrics: list[Paired] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        """Every claimed direction holds."""
        return all(p.holds for p in self.metrics)


def check_direction(direction: Direction, workers: int | None = 1) -> DirectionResult:
    """Run the base and the variant on common random numbers and judge each metric."""
    base = scenario_of(direction.base, direction.base_changes)
    variant = base.with_values(dict(direction.change))
    n = direction.replications
    a = run_replications(base, n, workers=workers)
    b = run_replications(variant, n, workers=workers)
    result = DirectionResult(direction, n)
    for metric, expected in direction.expected.items():
        result.metrics.append(
            judge(
                metric,
                expected,
                [r.metrics[metric] for r in a],
                [r.metrics[metric] for r in b],
                direction.allowance.get(metric, 0.0),
            )
        )
    return result


# --------------------------------------------------------------------------- ladder


@dataclass(frozen=True)
class LadderRow:
    """One rung of the ladder under one master seed: means, intervals and tiers."""

    name: str
    seed: int
    expected: str | None
    means: dict[str, Any]
    ci95: dict[str, Any]
    tiers: dict[str, str | None]
    bounds: dict[str, tuple[str | None, str | None]]
    """Tier of each key's interval ends (low, high): both in band means away from its edges."""

    @property
    def in_band(self) -> int:
        """How many of the four keys have their mean in the expected tier's band."""
        return sum(self.tiers[key] == self.expected for key in ASPECTS)

    @property
    def clear_of_edges(self) -> int:
        """How many of the four keys have their whole 95 % interval in that band."""
        return sum(set(self.bounds[key]) == {self.expected} for key in ASPECTS)

    @property
    def holds(self) -> bool:
        """Every key's mean, and its interval, in the expected tier's band."""
        return self.tiers["overall"] == self.expected and self.clear_of_edges == len(ASPECTS)


def ladder_row(name: str, seed: int, replications: int = LADDER_REPLICATIONS) -> LadderRow:
    """Mean of ``replications`` replications of ``name`` under master seed ``seed``."""
    scenario = load_scenario(name).with_values({"run.seed": seed})
    means, intervals = summarise(run_replications(scenario, replications, workers=1))
    edition = scenario.run.tier_edition
    tiers = tier_of(means, edition)
    bounds: dict[str, tuple[str | None, str | None]] = {}
    for key in ASPECTS:
        scale = getattr(EDITIONS[edition], key)
        interval = intervals.get(METRIC_OF[key]) or [None, None]
        low, high = (tier_of_value(v, scale) for v in interval)
        bounds[key] = (low, high)
    return LadderRow(name, seed, scenario.scenario.expected_tier, means, intervals, tiers, bounds)


# --------------------------------------------------------------------------- transitions


@dataclass(frozen=True)
class WindowResult:
    """A window after a mid-run command: each claimed metric against the ghost."""

    start_day: float
    end_day: float
    metrics: list[Paired]


@dataclass(frozen=True)
class TransitionResult:
    """The outcome of one :class:`Transition` check."""

    transition: Transition
    windows: list[WindowResult]

    @property
    def holds(self) -> bool:
        """Worse for a while and better afterwards, as claimed."""
        return all(p.holds for w in self.windows for p in w.metrics)


def check_transition(transition: Transition) -> TransitionResult:
    """Each replication runs twice on the same random numbers: with the command at
    ``at_day`` and without it (the ghost); metrics are read window by window."""
    from ..model import Simulation

    last = max(w.end_day for w in transition.windows)
    scenario = scenario_of(transition.base, transition.base_changes).with_values(
        {"run.days": last + 1.0}
    )
    command = command_from_dict(dict(transition.command))
    values: dict[tuple[int, bool, str], list[Any]] = {}
    for replication in range(transition.replications):
        for variant in (False, True):
            sim = Simulation(scenario, replication=replication, keep_log=False)
            sim.run_until(transition.at_day * HOURS_PER_DAY)
            if variant:
                sim.apply(command)
            for index, window in enumerate(transition.windows):
                sim.run_until(window.start_day * HOURS_PER_DAY)
                since = sim.snapshot()
                sim.run_until(window.end_day * HOURS_PER_DAY)
                metrics = sim.metrics(since=since)
                for metric in window.expected:
                    values.setdefault((index, variant, metric), []).append(metrics[metric])
    windows = []
    for index, window in enumerate(transition.windows):
        paired = [
            judge(metric, expected, values[(index, False, metric)], values[(index, True, metric)])
            for metric, expected in window.expected.items()
        ]
        windows.append(WindowResult(window.start_day, window.end_day, paired))
    return TransitionResult(transition, windows)


# --------------------------------------------------------------------------- overload


@dataclass(frozen=True)
class OverloadResult:
    """The overload flag on one organisation: the share of runs flagged."""

    name: str
    expected: bool
    share: float
    delivered_share: float
    backlog_growth_per_week: float

    @property
    def holds(self) -> bool:
        """Every run flagged when the backlog grows without bound, none otherwise."""
        return self.share == (1.0 if self.expected else 0.0)


def check_overload(
    name: str, base: str, changes: Mapping[str, Any], expected: bool
) -> OverloadResult:
    """Run ``base`` with ``changes`` and read the overload flag of each replication."""
    results = run_replications(scenario_of(base, changes), REPLICATIONS, workers=1)
    means, _ = summarise(results)
    return OverloadResult(
        name,
        expected,
        float(means["overloaded"]),
        float(means["demand_delivered_share"]),
        float(means["backlog_growth_per_week"]),
    )


# --------------------------------------------------------------------------- invariance


def replicated(scenario: Scenario, copies: int) -> Scenario:
    """``copies`` times the organisation (teams and people) and the demand."""
    org = scenario.org
    return scenario.with_values(
        {
            "org.teams": org.teams * copies,
            "org.developers": org.developers * copies,
            "org.testers": org.testers * copies,
            "org.ops": org.ops * copies,
            "workload.arrivals_per_day": scenario.workload.arrivals_per_day * copies,
        }
    )


@dataclass(frozen=True)
class InvarianceRow:
    """One metric of an organisation and of its N-fold copy."""

    metric: str
    one: float
    one_ci: list[float]
    many: float
    many_ci: list[float]

    @property
    def holds(self) -> bool:
        """The intervals overlap, or the means differ by under the tolerance."""
        overlap = self.one_ci[0] <= self.many_ci[1] and self.many_ci[0] <= self.one_ci[1]
        close = abs(self.many - self.one) <= INVARIANCE_TOLERANCE * abs(self.one)
        return overlap or close


@dataclass(frozen=True)
class InvarianceResult:
    """An organisation against N copies of itself with N times the demand."""

    name: str
    copies: int
    rows: list[InvarianceRow]

    @property
    def holds(self) -> bool:
        """Same four keys and availability."""
        return all(row.holds for row in self.rows)


def check_invariance(name: str, copies: int) -> InvarianceResult:
    """Means of the four keys and availability, once and ``copies`` times over."""
    scenario = load_scenario(name)
    one_means, one_ci = summarise(run_replications(scenario, REPLICATIONS, workers=1))
    many_means, many_ci = summarise(
        run_replications(replicated(scenario, copies), REPLICATIONS, workers=1)
    )
    rows = [
        InvarianceRow(
            metric, one_means[metric], one_ci[metric], many_means[metric], many_ci[metric]
        )
        for metric in INVARIANCE_METRICS
    ]
    return InvarianceResult(name, copies, rows)


# --------------------------------------------------------------------------- queueing


MMC_CASES = ((0.7, 1.0, 1), (3.0, 1.0, 4), (1.5, 2.0, 4), (6.0, 1.0, 8))
"""(arrivals per day λ, mean effort 1/μ in days, developers c) for the M/M/c check."""


@dataclass(frozen=True)
class QueueingRow:
    """Erlang C against the model for one (λ, 1/μ, c)."""

    arrivals_per_day: float
    effort_days: float
    developers: int
    theory_hours: float
    mean_hours: float
    low: float
    high: float

    @property
    def holds(self) -> bool:
        """Theory inside the replications' 95 % interval."""
        return self.low <= self.theory_hours <= self.high


def queueing_row(
    arrivals_per_day: float, effort_days: float, developers: int, replications: int = 10
) -> QueueingRow:
    """Run ``queueing-check`` as M/M/c and compare its time in system with Erlang C."""
    scenario = load_scenario("queueing-check").with_values(
        {
            "workload.arrivals_per_day": arrivals_per_day,
            "workload.effort_days_mean": effort_days,
            "org.developers": developers,
            "run.days": 1500.0,
            "run.warmup_days": 100.0,
        }
    )
    results = run_replications(scenario, replications, workers=1)
    mean, ci = mean_ci95([r.metrics["customer_lead_time_hours_mean"] for r in results])
    assert mean is not None and ci is not None
    theory = mmc_time_in_system(arrivals_per_day, 1.0 / effort_days, developers) * HOURS_PER_DAY
    return QueueingRow(arrivals_per_day, effort_days, developers, theory, mean, ci[0], ci[1])


@dataclass(frozen=True)
class LittleRow:
    """Little's law on one scenario: WIP against throughput × time in system."""

    name: str
    wip: float
    throughput_times_time: float
    tolerance: float

    @property
    def relative_error(self) -> float:
        """|L − λW| / λW."""
        return abs(self.wip - self.throughput_times_time) / self.throughput_times_time

    @property
    def holds(self) -> bool:
        """Within the finite-window edge effect (2 W / T, plus 2 %)."""
        return self.relative_error <= self.tolerance


def littles_row(name: str, days: float = 1460.0, warmup: float = 180.0) -> LittleRow:
    """One long run of ``name``; the tolerance is the window's edge effect 2 W / T + 2 %."""
    from ..model import Simulation

    scenario = load_scenario(name).with_values({"run.days": days, "run.warmup_days": warmup})
    m = Simulation(scenario, keep_log=False).run().metrics()
    w = m["customer_lead_time_hours_mean"]
    throughput_per_hour = m["throughput_per_week"] / HOURS_PER_WEEK
    tolerance = 2.0 * w / ((days - warmup) * HOURS_PER_DAY) + 0.02
    return LittleRow(name, m["wip_mean"], throughput_per_hour * w, tolerance)
