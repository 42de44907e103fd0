"""Fitting the model to a delivery record: simulation-based optimisation with optuna.

What the record identifies, and how (each figure is measured the same way on both sides,
:mod:`.measure` for the record and the model's own metrics, :mod:`sim.metrics`):

====================================  ============================================
parameter                             identified by
====================================  ============================================
``practices.release_interval_days``   deployment frequency
``practices.release_interval_cv``     the lead time's 85th percentile against its
                                      median (irregular release gaps make the tail)
``workload.arrivals_per_day``         changes per deployment (with the frequency)
``approval.peer_review_hours_mean``   the lead time's median (with peer review)
====================================  ============================================

The record is one deployment stream, so the calibrated organisation is one team
releasing one service on a train (``org.teams = 1``, ``practices.release = "train"``);
its developers and testers scale with the arrival rate, keeping the base scenario's load.
Everything else keeps the base scenario's value and is listed as not identified.

The search minimises the sum of squared log-ratios model/data over the fitted figures,
each the mean over the same replications (common random numbers: every trial sees the
same random numbers, so differences between trials are the parameters').  It starts from
the values the record suggests directly (the mean and variation of its release gaps, its
arrival rate) and runs optuna's CMA-ES sampler (the ``cmaes`` package) from a fixed
seed within a range around them, so a fit is reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from ..errors import ScenarioError
from ..model import Simulation
from ..scenario import Scenario, WorkloadConfig
from ..units import HOURS_PER_DAY, HOURS_PER_WEEK
from .binning import counts_per_period


@dataclass(frozen=True)
class Figure:
    """A measured figure compared between the record and the model."""

    key: str
    """Attribute of :class:`~sim.calibration.measure.RecordFigures`."""
    metric: str
    """The model's metric measuring the same thing (:mod:`sim.metrics.definitions`)."""
    label: str
    unit: str
    fitted: bool
    """Part of the fit's objective; the others are shown beside it, not fitted."""
    tolerance: float | None = None
    """How close the model's mean must come (relative), where the project promises it."""
    note: str = ""
    short: str = ""
    """The label in the fit table (80 columns)."""


FIGURES: tuple[Figure, ...] = (
    Figure("deployments_per_day", "deployment_frequency_per_day", "deployment frequency",
           "per day", True, 0.10, short="deploys per day"),
    Figure("lead_time_median_hours", "lead_time_hours_median", "lead time, median", "hours",
           True, 0.15, short="lead time p50, h"),
    Figure("lead_time_p85_hours", "lead_time_hours_p85", "lead time, 85th percentile", "hours",
           True, 0.25, short="lead time p85, h"),
    Figure("batch_size_mean", "mean_batch_size", "changes per deployment", "changes", True,
           0.15, short="changes per deploy"),
    Figure("arrivals_per_week", "throughput_all_per_week", "changes per week", "per week",
           False, note="follows from the two above", short="changes per week"),
    Figure("weekly_changes_cv", "", "changes per week, variation", "cv", False,
           note="sets workload.arrival_rate_cv (method of moments)", short="weekly variation"),
    Figure("failure_rate", "change_failure_rate", "failure rate", "share", False,
           note="the record's is a proxy (see docs/calibration.md): not fitted",
           short="failure rate*"),
    Figure("restore_hours_median", "time_to_restore_hours_median", "time to restore, median",
           "hours", False, note="the record's is a proxy: not fitted",
           short="restore p50, h*"),
)  # fmt: skip
"""The figures of the fit table, in order."""


@dataclass(frozen=True)
class Parameter:
    """A scenario parameter the fit sets, its search range and what identifies it."""

    key: str
    low: float
    high: float
    log: bool
    unit: str
    identified_by: str


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("practices.release_interval_days", 0.25, 120.0, True, "days",
              "deployment frequency"),
    Parameter("practices.release_interval_cv", 0.0, 3.0, False, "ratio",
              "lead time, 85th percentile against the median"),
    Parameter("workload.arrivals_per_day", 0.05, 500.0, True, "changes/calendar day",
              "changes per deployment"),
    Parameter("approval.peer_review_hours_mean", 0.1, 240.0, True, "hours",
              "lead time, median"),
)  # fmt: skip
"""What the fit may change (``approval.peer_review_hours_mean`` only under peer review)."""

STRUCTURE: dict[str, Any] = {"org.teams": 1, "practices.release": "train"}
"""Set from the record's shape: one deployment stream, releases at (irregular) gaps."""

SCALED = ("org.developers", "org.testers")
"""Headcounts that follow the arrival rate, keeping the base scenario's load."""


def fitted_parameters(base: Scenario) -> tuple[Parameter, ...]:
    """The parameters the record identifies for ``base`` (review only under peer review)."""
    review = base.practices.change_approval == "peer_review"
    return tuple(p for p in PARAMETERS if review or not p.key.startswith("approval."))


def candidate(
    base: Scenario, values: dict[str, float], days: float, fixed: dict[str, Any] | None = None
) -> Scenario:
    """``base`` with the record's structure, the values measured straight from the record
    (``fixed``), ``values`` and headcounts scaled to the arrival rate, run for ``days``
    after the base's warm-up."""
    updates: dict[str, Any] = {**STRUCTURE, **(fixed or {}), **values, "run.days": float(days)}
    arrivals = values.get("workload.arrivals_per_day", base.workload.arrivals_per_day)
    scale = arrivals / base.workload.arrivals_per_day
    for key in SCALED:
        section, name = key.split(".")
        people = getattr(getattr(base, section), name)
        if people:
            updates[key] = max(1, math.ceil(people * scale))
    return base.with_values(updates)


def run_figures(scenario: Scenario, replication: int) -> dict[str, float | None]:
    """Run in a worker: one replication's model figures (by :class:`Figure` key)."""
    sim = Simulation(scenario, replication=replication, keep_log=False).run()
    metrics = sim.metrics()
    figures = {f.key: _number(metrics.get(f.metric)) for f in FIGURES if f.metric}
    start = scenario.run.warmup_days * HOURS_PER_DAY
    commits = [item.committed for item in sim.fold.items.values() if item.committed is not None]
    figures["weekly_changes_cv"] = weekly_cv(np.asarray(commits, dtype=float) - start,
                                             scenario.run.days * HOURS_PER_DAY)  # fmt: skip
    return figures


def weekly_cv(hours: np.ndarray, span_hours: float) -> float | None:
    """Coefficient of variation of the counts per whole week of events at ``hours`` (from
    0, the span's start; a last partial week left out): how bursty the work is."""
    weeks = int(span_hours // HOURS_PER_WEEK)
    if weeks < 2:
        return None
    counts = counts_per_period(hours, HOURS_PER_WEEK, weeks)
    mean = counts.mean()
    return float(counts.std(ddof=1) / mean) if mean > 0 else None


def rate_cv_from_counts(cv: float | None, mean_per_week: float) -> float:
    """``workload.arrival_rate_cv`` from weekly counts (method of moments): a Poisson count
    whose weekly rate varies with coefficient of variation c has variance m + m²c², so
    c² = cv² − 1/m (0 when the counts vary no more than Poisson counts do), within the
    parameter's bounds."""
    if cv is None or mean_per_week <= 0:
        return 0.0
    estimate = math.sqrt(max(0.0, cv * cv - 1.0 / mean_per_week))
    return min(estimate, _upper_bound(WorkloadConfig, "arrival_rate_cv"))


def _upper_bound(section: type[BaseModel], name: str) -> float:
    """A scenario parameter's upper bound, as its schema says (its one owner)."""
    for rule in section.model_fields[name].metadata:
        high = getattr(rule, "le", None)
        if high is not None:
            return float(high)
    return math.inf


def run_lead_times(scenario: Scenario, replication: int) -> np.ndarray:
    """One replication's DORA lead times (hours, commit → production) of the changes
    delivered in the measurement window: the sample of ``lead_time_hours_*``."""
    sim = Simulation(scenario, replication=replication, keep_log=False).run()
    start = scenario.run.warmup_days * HOURS_PER_DAY
    end = (scenario.run.warmup_days + scenario.run.days) * HOURS_PER_DAY
    found = [
        item.first_delivered - item.lead_start
        for item in sim.fold.items.values()
        if item.lead_start is not None
        and item.first_delivered is not None
        and start <= item.first_delivered <= end
    ]
    return np.asarray(found, dtype=float)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def loss(model: dict[str, float | None], data: dict[str, float | None]) -> float:
    """Sum over the fitted figures of log(model / data)²; a figure the model does not
    produce at all costs as much as being 20 times off."""
    total = 0.0
    for figure in FIGURES:
        if not figure.fitted:
            continue
        want = data.get(figure.key)
        got = model.get(figure.key)
        if want is None or want <= 0:
            continue
        total += math.log(got / want) ** 2 if got and got > 0 else math.log(20.0) ** 2
    return total


def mean_figures(rows: Sequence[dict[str, float | None]]) -> dict[str, float | None]:
    """Each figure's mean over replications (None where no replication measured it)."""
    out: dict[str, float | None] = {}
    for figure in FIGURES:
        values = [r[figure.key] for r in rows if r.get(figure.key) is not None]
        out[figure.key] = float(np.mean(values)) if values else None
    return out


@dataclass(frozen=True)
class Trial:
    number: int
    values: dict[str, float]
    loss: float
    figures: dict[str, float | None]


@dataclass(frozen=True)
class Fit:
    """The outcome of a fit: the best values, their uncertainty and every trial."""

    base: Scenario
    scenario: Scenario
    """The calibrated scenario (with the record's length as ``run.days``)."""
    parameters: tuple[Parameter, ...]
    best: Trial
    trials: tuple[Trial, ...]
    ranges: dict[str, tuple[float, float]]
    """Per parameter, the range of values among the trials that fit nearly as well as the
    best (within the replication noise of its loss): how well the record pins it down."""
    replications: int
    days: float
    fixed: dict[str, Any]
    """Values measured straight from the record (not searched): ``workload.arrival_rate_cv``."""


Evaluate = Callable[[list[Scenario]], list[list[dict[str, float | None]]]]
"""Runs each scenario's replications (in parallel) and returns their figures."""


def fit(
    base: Scenario,
    data: dict[str, float | None],
    start: dict[str, float],
    evaluate: Evaluate,
    *,
    trials: int = 48,
    batch: int = 2,
    days: float = 365.0,
    replications: int = 3,
    seed: int = 0,
    on_trial: Callable[[Trial], None] | None = None,
    fixed: dict[str, Any] | None = None,
) -> Fit:
    """Fit ``base`` to the record's ``data`` (figures by key) starting from ``start``.

    ``trials`` candidates are evaluated ``batch`` at a time (optuna's ask-and-tell: a
    batch runs in parallel), each over ``replications`` replications of ``days``.
    """
    import optuna  # late: only calibration needs it

    if not any(f.fitted and (data.get(f.key) or 0) > 0 for f in FIGURES):
        raise ScenarioError("record", "", "nothing to fit: no deployment with a change in it")
    parameters = fitted_parameters(base)
    x0 = {p.key: _clip(p, start.get(p.key, _base_value(base, p))) for p in parameters}
    bounds = {p.key: _around(p, x0[p.key]) for p in parameters}
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    study = optuna.create_study(sampler=sampler)
    study.enqueue_trial(x0)
    done: list[Trial] = []
    while len(done) < trials:
        asked = [study.ask() for _ in range(min(batch, trials - len(done)))]
        values = [
            {p.key: t.suggest_float(p.key, *bounds[p.key], log=p.log) for p in parameters}
            for t in asked
        ]
        results = evaluate([candidate(base, v, days, fixed) for v in values])
        for trial, value, rows in zip(asked, values, results, strict=True):
            figures = mean_figures(rows)
            result = Trial(trial.number, value, loss(figures, data), figures)
            study.tell(trial, result.loss)
            done.append(result)
            if on_trial is not None:
                on_trial(result)
    best = min(done, key=lambda t: (t.loss, t.number))
    return Fit(base, candidate(base, best.values, days, fixed), parameters, best, tuple(done),
               _ranges(done, best, parameters), replications, days, dict(fixed or {}))  # fmt: skip


def _base_value(base: Scenario, p: Parameter) -> float:
    section, name = p.key.split(".")
    return float(getattr(getattr(base, section), name))


def _clip(p: Parameter, value: float) -> float:
    return min(p.high, max(p.low, value))


SPAN = 4.0
"""The search range around the record's own suggestion: ÷ and × this for a parameter
searched on a log scale (the suggestions are rarely off by more), ± 1 for the others;
CMA-ES starts at the range's centre, so a range is centred on the suggestion where the
parameter's own bounds allow."""


def _around(p: Parameter, value: float) -> tuple[float, float]:
    if not p.log:
        return max(p.low, value - 1.0), min(p.high, value + 1.0)
    return max(p.low, value / SPAN), min(p.high, value * SPAN)


def _ranges(
    done: Sequence[Trial], best: Trial, parameters: Sequence[Parameter]
) -> dict[str, tuple[float, float]]:
    """Values of the trials within the noise of the best: a loss below best + 0.02 (about
    a 10 % error on one figure), or the best fifth of the trials if fewer than three."""
    close = [t for t in done if t.loss <= best.loss + 0.02]
    if len(close) < 3:
        close = sorted(done, key=lambda t: t.loss)[: max(3, len(done) // 5)]
    return {
        p.key: (min(t.values[p.key] for t in close), max(t.values[p.key] for t in close))
        for p in parameters
    }
