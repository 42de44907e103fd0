"""Running replications: one process per core, results in replication order, with CIs.

:func:`run_replication` is a top-level, picklable, side-effect-free function, so the same
code runs in-process, in a process pool, or on a Dask worker.  Replications of a scenario
share the master seed and differ by replication index (each index selects its own named
streams), so the same indices across scenarios give common random numbers.

:func:`compare_variants` uses that: it runs several variants of an organisation on the
same seed and replication indices, so each replication of every variant sees the same
demand, and :func:`paired_differences` compares them replication by replication.  The
paired difference cancels the noise the variants share, so its confidence interval is
much narrower than the difference of two independent means.
"""

from __future__ import annotations

import math
import os
import platform
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from . import __version__
from .events import Event, log_hash
from .metrics.tiers import tier_of
from .model import Command, Simulation, replay
from .overload import is_overloaded
from .scenario import Scenario
from .workers import guarded_pool


@dataclass(frozen=True)
class RunResult:
    """What one replication returns: its metrics, log hash and (optionally) its log."""

    replication: int
    seed: int
    metrics: dict[str, Any]
    log_hash: str
    events: int
    log: list[Event] | None = field(default=None, repr=False)


def run_replication(
    scenario: Scenario,
    replication: int = 0,
    seed: int | None = None,
    *,
    keep_log: bool = False,
    commands: Sequence[tuple[float, Command]] = (),
) -> RunResult:
    """Run one replication to the scenario's horizon and summarise it.

    With ``keep_log`` the full event log is returned too; the log hash is always
    computed from a full log, so it needs ``keep_log`` (otherwise it is empty).
    """
    if commands:
        sim = replay(scenario, commands, replication=replication, seed=seed, keep_log=keep_log)
    else:
        sim = Simulation(scenario, replication=replication, seed=seed, keep_log=keep_log).run()
    log = sim.log
    return RunResult(
        replication=replication,
        seed=sim.seed,
        metrics=sim.metrics(),
        log_hash=log_hash(log) if log is not None else "",
        events=sim.recorder.count,
        log=log if keep_log else None,
    )


def run_replications(
    scenario: Scenario,
    replications: int,
    *,
    seed: int | None = None,
    workers: int | None = None,
    keep_log: bool = False,
    keep_log_for: Collection[int] = (),
    on_done: Callable[[RunResult], None] | None = None,
    commands: Sequence[tuple[float, Command]] = (),
) -> list[RunResult]:
    """Run ``replications`` replications over ``workers`` processes (default: all cores).

    Results come back sorted by replication index whatever order they finish in, so a
    parallel run equals a sequential one.  ``keep_log`` keeps every replication's event
    log, ``keep_log_for`` only those of the given indices (e.g. ``{0}`` for charts).
    ``on_done`` is called as each one finishes (for a progress bar).  ``commands`` (a
    played game's timestamped moves) are replayed in every replication.
    """
    moves = tuple(commands)
    jobs = [
        (scenario, index, keep_log or index in keep_log_for, moves) for index in range(replications)
    ]
    results = _run_jobs(jobs, seed, workers, on_done)
    return sorted(results, key=lambda r: r.replication)


_Job = tuple[Scenario, int, bool, tuple[tuple[float, Command], ...]]
"""One replication: scenario, replication index, whether to keep its log, commands."""


def _run_jobs(
    jobs: Sequence[_Job],
    seed: int | None,
    workers: int | None,
    on_done: Callable[[RunResult], None] | None,
) -> list[RunResult]:
    """Run ``jobs`` in-process or over a process pool; results in the order of ``jobs``."""
    workers = min(len(jobs), workers or os.cpu_count() or 1)
    if workers <= 1:
        results: list[RunResult] = []
        for scenario, index, keep, moves in jobs:
            result = run_replication(scenario, index, seed, keep_log=keep, commands=moves)
            results.append(result)
            if on_done:
                on_done(result)
        return results
    slots: list[RunResult | None] = [None] * len(jobs)
    with guarded_pool(workers) as pool:
        futures = {
            pool.submit(
                run_replication, scenario, index, seed, keep_log=keep, commands=moves
            ): position
            for position, (scenario, index, keep, moves) in enumerate(jobs)
        }
        for future in as_completed(futures):
            result = future.result()
            slots[futures[future]] = result
            if on_done:
                on_done(result)
    return [result for result in slots if result is not None]


def mean_ci95(values: Sequence[float | None]) -> tuple[float | None, list[float] | None]:
    """Mean and Student-t 95 % confidence interval of the values that are not None."""
    xs = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not xs:
        return None, None
    n = len(xs)
    mean = sum(xs) / n
    if n < 2:
        return mean, None
    var = sum((x - mean) ** 2 for x in xs) / (n - 1)
    from scipy import stats  # imported here: scipy.stats takes ~0.4 s, every CLI call would pay

    half = float(stats.t.ppf(0.975, n - 1)) * math.sqrt(var / n)
    return mean, [mean - half, mean + half]


def summarise(results: Sequence[RunResult]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Means and 95 % intervals of every metric over replications."""
    keys: list[str] = []
    for result in results:
        keys.extend(k for k in result.metrics if k not in keys)
    means: dict[str, Any] = {}
    intervals: dict[str, Any] = {}
    for key in keys:
        means[key], intervals[key] = mean_ci95([r.metrics.get(key) for r in results])
    return means, intervals


def provenance(scenario: Scenario, seed: int, replications: int) -> dict[str, Any]:
    """Where a result came from: versions, seed, scenario name and content hash."""
    packages = {}
    for name in ("simpy", "numpy", "pydantic", "scipy"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover - always installed
            packages[name] = None
    return {
        "shipit_version": __version__,
        "python": platform.python_version(),
        "packages": packages,
        "scenario": scenario.scenario.name,
        "scenario_hash": scenario.content_hash(),
        "seed": seed,
        "replications": replications,
        "tier_edition": scenario.run.tier_edition,
    }


def result_document(scenario: Scenario, results: Sequence[RunResult]) -> dict[str, Any]:
    """The ``run --json`` document (BRIEF §6): flat metrics, tiers and provenance.

    With one replication ``metrics`` holds its values; with several it holds means,
    ``ci95`` holds [low, high] per metric and ``replications`` the per-run values.
    ``overloaded`` is the verdict the tiers cannot give (see :mod:`sim.overload`): true
    when the run, or at least half the runs, built a backlog that grows without bound.
    """
    seed = results[0].seed
    edition = scenario.run.tier_edition
    document: dict[str, Any] = {"scenario": scenario.scenario.name}
    if len(results) == 1:
        document["metrics"] = results[0].metrics
    else:
        means, intervals = summarise(results)
        document["metrics"] = means
        document["ci95"] = intervals
        document["replications"] = [
            {"replication": r.replication, "metrics": r.metrics} for r in results
        ]
    document["tiers"] = tier_of(document["metrics"], edition)
    document["overloaded"] = is_overloaded(document["metrics"])
    document["expected_tier"] = scenario.scenario.expected_tier
    document["provenance"] = provenance(scenario, seed, len(results))
    return document


# --------------------------------------------------------------------------- comparisons


Difference = dict[str, Any]
"""``{"mean_diff": float | None, "ci95": [low, high] | None, "n": int}`` for one metric."""


@dataclass(frozen=True)
class VariantResult:
    """One variant of a comparison: its label, scenario and replications (sorted by index)."""

    label: str
    scenario: Scenario
    results: list[RunResult]


@dataclass(frozen=True)
class ComparisonResult:
    """Variants run on common random numbers; the first one is the baseline.

    Every variant ran replications ``0..replications-1`` under the same master ``seed``,
    so replication *i* of one variant saw the same demand as replication *i* of another.
    """

    variants: list[VariantResult]
    seed: int
    replications: int

    @property
    def baseline(self) -> VariantResult:
        """The variant the others are compared with (the first)."""
        return self.variants[0]

    def differences(self) -> dict[str, dict[str, Difference]]:
        """Paired differences (variant − baseline) of every other variant, by label."""
        base = self.baseline.results
        return {v.label: paired_differences(base, v.results) for v in self.variants[1:]}


def compare_variants(
    variants: Sequence[tuple[str, Scenario]],
    replications: int,
    *,
    seed: int | None = None,
    workers: int | None = None,
    keep_log_for: Collection[int] = (),
    on_done: Callable[[RunResult], None] | None = None,
    commands: Mapping[str, Sequence[tuple[float, Command]]] | None = None,
) -> ComparisonResult:
    """Run every variant on the same seed and replication indices (common random numbers).

    ``seed`` defaults to the first variant's ``run.seed`` and is used for every variant,
    whatever its own ``run.seed`` says -- a different seed would defeat the pairing.  All
    ``len(variants) * replications`` runs share one pool of ``workers`` processes (default:
    all cores); results are grouped by variant and sorted by replication index, so a
    parallel comparison equals a sequential one.  ``keep_log_for`` names the replication
    indices whose event logs are kept (for every variant); ``on_done`` is called as each
    run finishes.  Labels must be unique: they key the differences.  ``commands`` maps a
    label to the moves of a played game, replayed in every replication of that variant.
    """
    if not variants:
        raise ValueError("compare_variants needs at least one variant")
    if replications < 1:
        raise ValueError(f"replications must be >= 1, got {replications}")
    labels = [label for label, _ in variants]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise ValueError(f"variant labels must be unique; repeated: {', '.join(duplicates)}")
    master = variants[0][1].run.seed if seed is None else seed
    # Record the seed each variant actually ran with, so its scenario hash is honest.
    variants = [
        (label, s if s.run.seed == master else s.with_values({"run.seed": master}))
        for label, s in variants
    ]
    moves = commands or {}
    jobs = [
        (scenario, index, index in keep_log_for, tuple(moves.get(label, ())))
        for label, scenario in variants
        for index in range(replications)
    ]
    results = _run_jobs(jobs, master, workers, on_done)
    grouped = [
        VariantResult(
            label,
            scenario,
            sorted(results[k * replications : (k + 1) * replications], key=lambda r: r.replication),
        )
        for k, (label, scenario) in enumerate(variants)
    ]
    return ComparisonResult(grouped, master, replications)


def paired_differences(
    base: Sequence[RunResult], other: Sequence[RunResult]
) -> dict[str, Difference]:
    """Per-replication differences ``other - base`` of every metric, with mean and 95 % CI.

    Runs are paired by replication index; a pair counts for a metric only when both values
    are numbers (not None or NaN).  For each metric of either side the result holds
    ``mean_diff`` (None without pairs), ``ci95`` (Student-t interval of the mean
    difference, None with fewer than two pairs) and ``n``, the number of pairs.
    """
    by_index = {r.replication: r for r in other}
    pairs = [(b, by_index[b.replication]) for b in base if b.replication in by_index]
    keys: list[str] = []
    for b, o in pairs:
        keys.extend(k for k in (*b.metrics, *o.metrics) if k not in keys)
    differences: dict[str, Difference] = {}
    for key in keys:
        deltas = [
            float(o.metrics[key]) - float(b.metrics[key])
            for b, o in pairs
            if _is_number(b.metrics.get(key)) and _is_number(o.metrics.get(key))
        ]
        mean, interval = mean_ci95(deltas)
        differences[key] = {"mean_diff": mean, "ci95": interval, "n": len(deltas)}
    return differences


def _is_number(value: Any) -> bool:
    """Whether a metric value can enter a difference: not None, not NaN."""
    return value is not None and not math.isnan(float(value))


def variant_document(variant: VariantResult, overrides: Sequence[str] = ()) -> dict[str, Any]:
    """One variant's part of a comparison document: means, intervals, tiers, the overload
    verdict (as in :func:`result_document`) and the per-run values."""
    means, intervals = summarise(variant.results)
    return {
        "label": variant.label,
        "scenario": variant.scenario.scenario.name,
        "scenario_hash": variant.scenario.content_hash(),
        "overrides": list(overrides),
        "metrics": means,
        "ci95": intervals,
        "tiers": tier_of(means, variant.scenario.run.tier_edition),
        "overloaded": is_overloaded(means),
        "expected_tier": variant.scenario.scenario.expected_tier,
        "replications": [
            {"replication": r.replication, "metrics": r.metrics} for r in variant.results
        ],
    }


def comparison_document(
    comparison: ComparisonResult, overrides: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    """The ``compare --json`` document: every variant, the baseline and paired differences.

    ``overrides`` maps a variant label to the ``section.key=value`` overrides that made it
    (shared ``--set`` and its own ``--vary``), recorded for reproduction.  Provenance is
    that of :func:`result_document` for the baseline scenario, plus
    ``common_random_numbers`` and the variants' labels.
    """
    overrides = overrides or {}
    baseline = comparison.baseline
    prov = provenance(baseline.scenario, comparison.seed, comparison.replications)
    prov["common_random_numbers"] = True
    prov["variants"] = [v.label for v in comparison.variants]
    return {
        "variants": [variant_document(v, overrides.get(v.label, ())) for v in comparison.variants],
        "baseline": baseline.label,
        "differences": comparison.differences(),
        "provenance": prov,
    }
