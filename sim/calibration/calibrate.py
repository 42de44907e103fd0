"""``shipit calibrate``'s work: measure a record, fit the model to it, check the fit.

1. The record's window is measured (:func:`.measure.measure`).
2. The model is fitted to the fitted figures (:func:`.fit.fit`), starting from what the
   record suggests directly: one release every ``1 / deployment frequency`` days at the
   variation of its own release gaps, and its arrival rate.
3. The calibrated scenario is written as TOML text (:mod:`.scenario_file`), read back as
   any scenario file is, and run for ``replications`` replications (10 by default): the
   fit table compares each figure's model mean and 95 % interval with the record, and the
   two lead-time distributions are compared whole (Kolmogorov–Smirnov distance, scipy).

Simulations run on :func:`sim.workers.executor` (every core by default); a fit is the
same whatever the number of workers.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from ..loading import validate_data
from ..runner import mean_ci95
from ..scenario import Scenario
from ..workers import executor
from .fit import (
    FIGURES,
    SCALED,
    STRUCTURE,
    Figure,
    Fit,
    fit,
    rate_cv_from_counts,
    run_figures,
    run_lead_times,
    weekly_cv,
)
from .measure import Proxies, RecordFigures, measure
from .record import DeliveryRecord, window_text
from .scenario_file import scenario_toml

DAYS_MIN = 90.0
DAYS_MAX = 1460.0
"""Simulated days per replication in the fit: the record's span, within these bounds
(shorter is too noisy with irregular releases, longer adds little)."""

FIT_BATCH = 2
"""Trials asked for at a time (and run in parallel): fixed, so that a fit takes the same
path whatever the number of workers."""

ECDF_REPLICATIONS = 3
"""Replications whose lead times make the model's distribution in the ECDF comparison."""


@dataclass(frozen=True)
class FitRow:
    """One figure of the fit table: the record's value beside the model's."""

    figure: Figure
    data: float | None
    mean: float | None
    low: float | None
    high: float | None
    """The model mean's 95 % interval (t, over replications)."""

    @property
    def error(self) -> float | None:
        """(model − data) / data, or None without both."""
        if self.data is None or self.mean is None or self.data == 0:
            return None
        return (self.mean - self.data) / self.data

    @property
    def within(self) -> bool | None:
        """Whether the model mean is within the figure's tolerance (None: no tolerance)."""
        if self.figure.tolerance is None or self.error is None:
            return None
        return abs(self.error) <= self.figure.tolerance


@dataclass(frozen=True)
class Calibration:
    record: DeliveryRecord
    proxies: Proxies
    data: RecordFigures
    fit: Fit
    text: str
    """The calibrated scenario file."""
    scenario: Scenario
    """The calibrated scenario, as read back from :attr:`text`."""
    rows: tuple[FitRow, ...]
    replications: int
    data_lead_times: np.ndarray
    model_lead_times: np.ndarray
    ks: float
    """Kolmogorov–Smirnov distance between the two lead-time distributions (0–1)."""
    gap_cv: float | None
    not_identified: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The calibration as JSON-ready data (``calibrate --json``)."""
        return {
            "record": self.record.source,
            "window": {"start": self.data.start.isoformat(), "end": self.data.end.isoformat(),
                       "days": self.data.days, "deployments": self.data.deployments,
                       "changes": self.data.changes},
            "base": self.fit.base.scenario.name,
            "proxies": {"failure_patch_days": self.proxies.failure_patch_days,
                        "include_merges": self.proxies.include_merges,
                        "failure_source": self.data.failure_source},
            "fitted": {p.key: {"value": self.fit.best.values[p.key], "unit": p.unit,
                               "range": list(self.fit.ranges[p.key]),
                               "identified_by": p.identified_by} for p in self.fit.parameters},
            "structure": dict(STRUCTURE),
            "measured": dict(self.fit.fixed),
            "not_identified": list(self.not_identified),
            "trials": len(self.fit.trials),
            "replications": self.replications,
            "figures": [{"key": r.figure.key, "label": r.figure.label, "unit": r.figure.unit,
                         "fitted": r.figure.fitted, "data": r.data, "model_mean": r.mean,
                         "model_95": [r.low, r.high], "error": r.error,
                         "tolerance": r.figure.tolerance, "within": r.within}
                        for r in self.rows],
            "lead_time_ks": self.ks,
        }  # fmt: skip


def release_gap_cv(record: DeliveryRecord) -> float | None:
    """Coefficient of variation of the days between the window's deployments."""
    times = record.deployments["deployed_at"].sort_values()
    gaps = times.diff().dropna().dt.total_seconds().to_numpy() / 86400.0
    if len(gaps) < 2 or gaps.mean() <= 0:
        return None
    return float(gaps.std(ddof=1) / gaps.mean())


def data_figures(figures: RecordFigures) -> dict[str, float | None]:
    """The record's figures by :class:`~.fit.Figure` key."""
    return {f.key: _finite(getattr(figures, f.key, None)) for f in FIGURES}


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def not_identified(base: Scenario, fitted: Fit) -> tuple[str, ...]:
    """Every parameter the calibration leaves at the base scenario's value."""
    set_here = {*fitted.best.values, *fitted.fixed, *STRUCTURE, *SCALED}
    keys = []
    for section, values in base.model_dump(mode="python").items():
        if section in ("scenario", "run"):
            continue
        keys += [f"{section}.{key}" for key in values if f"{section}.{key}" not in set_here]
    return tuple(keys)


def calibrate(
    record: DeliveryRecord,
    base: Scenario,
    *,
    name: str,
    proxies: Proxies | None = None,
    trials: int = 40,
    fit_replications: int = 5,
    replications: int = 10,
    seed: int = 0,
    workers: int | None = None,
    on_trial: Callable[[int], None] | None = None,
    on_replication: Callable[[int], None] | None = None,
) -> Calibration:
    """Calibrate ``base`` to ``record`` (already cut to its window); see the module notes.

    ``on_trial`` / ``on_replication`` are called with the count done so far (progress).
    """
    proxies = proxies or Proxies()
    figures = measure(record, proxies)
    data = data_figures(figures)
    days = min(DAYS_MAX, max(DAYS_MIN, figures.days))
    gap_cv = release_gap_cv(record)
    committed = record.changes["committed_at"]
    hours = ((committed - figures.start).dt.total_seconds() / 3600.0).to_numpy()
    data["weekly_changes_cv"] = weekly_cv(hours, figures.days * 24.0)
    rate_cv = rate_cv_from_counts(data["weekly_changes_cv"], figures.arrivals_per_week)
    fixed = {"workload.arrival_rate_cv": rate_cv}
    start = {"workload.arrivals_per_day": figures.arrivals_per_week / 7.0}
    if figures.deployments_per_day > 0:
        start["practices.release_interval_days"] = 1.0 / figures.deployments_per_day
    if gap_cv is not None:
        start["practices.release_interval_cv"] = gap_cv
    count = min(max(1, workers or os.cpu_count() or 1), FIT_BATCH * fit_replications)
    with executor(count) as pool:

        def evaluate(scenarios: list[Scenario]) -> list[list[dict[str, float | None]]]:
            jobs = [[pool.submit(run_figures, s, r) for r in range(fit_replications)]
                    for s in scenarios]  # fmt: skip
            return [[job.result() for job in row] for row in jobs]

        done = [0]

        def trial_done(_: object) -> None:
            done[0] += 1
            if on_trial is not None:
                on_trial(done[0])

        result = fit(base, data, start, evaluate, trials=trials, batch=FIT_BATCH, days=days,
                     replications=fit_replications, seed=seed, on_trial=trial_done,
                     fixed=fixed)  # fmt: skip
        kept = not_identified(base, result)
        header = [
            f"Calibrated by `shipit calibrate` from the delivery record {record.source}",
            f"Deployments {window_text(record.since, record.until)}: {figures.deployments}, "
            f"from {figures.start:%Y-%m-%d} to {figures.end:%Y-%m-%d} "
            f"({figures.days:.0f} days), with {figures.changes} changes.",
            f"Failures and restores: {figures.failure_source} (a deployment followed within "
            f"{proxies.failure_patch_days:g} days by a patch counts failed).",
            f"Fit: {len(result.trials)} trials of {fit_replications} replications of "
            f"{days:.0f} days, optuna CMA-ES, seed {seed}.",
        ]
        text = scenario_toml(_named(result, name, record, figures), header, _sections(kept))
        scenario = validate_data(_parse(text), f"{name}.toml")
        runs = [pool.submit(run_figures, scenario, r) for r in range(replications)]
        samples = [pool.submit(run_lead_times, scenario, r)
                   for r in range(min(ECDF_REPLICATIONS, replications))]  # fmt: skip
        rows_done = []
        for job in runs:
            rows_done.append(job.result())
            if on_replication is not None:
                on_replication(len(rows_done))
        model_leads = np.concatenate([job.result() for job in samples])
    table = []
    for f in FIGURES:
        mean, ci = mean_ci95([r.get(f.key) for r in rows_done])
        low, high = ci if ci is not None else (None, None)
        table.append(FitRow(f, data.get(f.key), mean, low, high))
    data_leads = np.asarray(figures.lead_time_hours, dtype=float)
    ks = float(stats.ks_2samp(data_leads, model_leads).statistic) if len(model_leads) else 1.0
    return Calibration(record, proxies, figures, result, text, scenario, tuple(table),
                       replications, data_leads, model_leads, ks, gap_cv, kept)  # fmt: skip


def _named(result: Fit, name: str, record: DeliveryRecord, figures: RecordFigures) -> Fit:
    """The fit with its scenario named and described after the record."""
    from dataclasses import replace

    info = result.scenario.scenario.model_copy(update={
        "name": name,
        "title": f"Calibrated to the delivery record {Path(record.source).name}"[:120],
        "description": (f"Fitted to {figures.deployments} deployments and {figures.changes} "
                        f"changes from {figures.start:%Y-%m-%d} to {figures.end:%Y-%m-%d}, "
                        f"starting from {result.base.scenario.name}."),
        "expected_tier": None,
        "learning_goals": (),
    })  # fmt: skip
    return replace(result, scenario=result.scenario.model_copy(update={"scenario": info}))


def _sections(keys: tuple[str, ...]) -> list[str]:
    """``["development (9)", …]``: the kept parameters, counted by section."""
    counts: dict[str, int] = {}
    for key in keys:
        section = key.split(".", 1)[0]
        counts[section] = counts.get(section, 0) + 1
    return [f"{section} ({n})" for section, n in counts.items()]


def _parse(text: str) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(text)
