"""Running replications: one process per core, results in replication order, with CIs.

:func:`run_replication` is a top-level, picklable, side-effect-free function, so the same
code runs in-process, in a process pool, or on a Dask worker.  Replications of a scenario
share the master seed and differ by replication index (each index selects its own named
streams), so the same indices across scenarios give common random numbers.
"""

from __future__ import annotations

import math
import os
import platform
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from scipy import stats

from . import __version__
from .events import Event, log_hash
from .metrics.tiers import tier_of
from .model import Command, Simulation, replay
from .scenario import Scenario


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
        sim = replay(scenario, commands, replication=replication, seed=seed)
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
    on_done: Callable[[RunResult], None] | None = None,
) -> list[RunResult]:
    """Run ``replications`` replications over ``workers`` processes (default: all cores).

    Results come back sorted by replication index whatever order they finish in, so a
    parallel run equals a sequential one.  ``on_done`` is called as each one finishes
    (for a progress bar).
    """
    workers = min(replications, workers or os.cpu_count() or 1)
    results: list[RunResult] = []
    if workers <= 1:
        for index in range(replications):
            result = run_replication(scenario, index, seed, keep_log=keep_log)
            results.append(result)
            if on_done:
                on_done(result)
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(run_replication, scenario, index, seed, keep_log=keep_log)
            for index in range(replications)
        ]
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            if on_done:
                on_done(result)
    return sorted(results, key=lambda r: r.replication)


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
    document["expected_tier"] = scenario.scenario.expected_tier
    document["provenance"] = provenance(scenario, seed, len(results))
    return document
