"""Busy and quiet weeks (``workload.arrival_rate_cv``): the arrival rate changes every
week by a lognormal multiplier with mean 1.  Calibration measures it from a record's
commits (the method of moments of :func:`sim.calibration.fit.rate_cv_from_counts`)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.calibration.fit import rate_cv_from_counts, weekly_cv
from sim.events import Kind
from sim.loading import load_scenario
from sim.model import Simulation
from sim.units import HOURS_PER_WEEK


def _weekly_arrivals(cv: float, days: float = 1400.0, seed: int = 5) -> np.ndarray:
    scenario = load_scenario("continuous-delivery").with_values(
        {"workload.arrival_rate_cv": cv, "workload.arrivals_per_day": 6.0, "run.days": days}
    )
    sim = Simulation(scenario, seed=seed).run()
    times = np.array([e.t for e in sim.log or [] if e.kind is Kind.ARRIVED
                      and e.data["origin"] == "demand"])  # fmt: skip
    weeks = int(times.max() // HOURS_PER_WEEK)
    return np.bincount((times // HOURS_PER_WEEK).astype(int), minlength=weeks)[:weeks]


def test_without_variation_weekly_arrivals_are_poisson() -> None:
    """Index of dispersion 1 (variance = mean), within its sampling error for ~200 weeks
    (the variance of a sample variance: about sqrt(2 / n), 10 %; 3 of them)."""
    counts = _weekly_arrivals(0.0)
    assert counts.mean() == pytest.approx(42.0, rel=3 / np.sqrt(42.0 * len(counts)))
    assert counts.var(ddof=1) / counts.mean() == pytest.approx(1.0, abs=0.3)


@pytest.mark.parametrize("cv", [0.3, 0.8])
def test_the_weekly_rate_varies_as_asked_and_keeps_its_mean(cv: float) -> None:
    """Variance m + m²c² (a Poisson count of a rate varying with cv c): the method of
    moments gives c back, within the sampling error of ~200 weeks of a lognormal rate."""
    counts = _weekly_arrivals(cv)
    mean = counts.mean()
    assert mean == pytest.approx(42.0, rel=3 * np.sqrt(cv * cv + 1 / 42.0) / np.sqrt(len(counts)))
    measured = rate_cv_from_counts(float(counts.std(ddof=1) / mean), mean)
    assert measured == pytest.approx(cv, rel=0.25)


def test_more_variation_never_makes_the_weeks_steadier() -> None:
    """Metamorphic: on the same seed, the weekly counts' spread grows with the cv."""
    spreads = [np.std(_weekly_arrivals(cv, days=700.0)) for cv in (0.0, 0.4, 0.8, 1.6)]
    assert spreads == sorted(spreads)


def test_weekly_cv_counts_whole_weeks_from_the_start() -> None:
    hours = np.array([1.0, 2.0, HOURS_PER_WEEK + 1, 2 * HOURS_PER_WEEK + 5, -3.0])
    # weeks 0 and 1 only (the third is partial): counts 2 and 1
    assert weekly_cv(hours, 2.5 * HOURS_PER_WEEK) == pytest.approx(np.std([2, 1], ddof=1) / 1.5)
    assert weekly_cv(hours, 1.5 * HOURS_PER_WEEK) is None  # fewer than two whole weeks
    assert rate_cv_from_counts(None, 10.0) == 0.0
    assert rate_cv_from_counts(0.1, 10.0) == 0.0  # steadier than Poisson: no variation
    assert rate_cv_from_counts(40.0, 10.0) == 5.0  # within the parameter's bounds
