"""Irregular release trains (``practices.release_interval_cv``), the mechanism calibration
found missing: the Textual record releases every 6.3 days on average, at gaps whose
coefficient of variation is 1.3, and its lead-time tail comes from the long gaps."""

from __future__ import annotations

import numpy as np
import pytest

from sim.events import Kind
from sim.loading import load_scenario
from sim.model import Simulation


def _releases(cv: float, days: float = 2000.0, seed: int = 3) -> tuple[np.ndarray, Simulation]:
    scenario = load_scenario("continuous-delivery").with_values({
        "org.teams": 1, "practices.release_interval_days": 5.0,
        "practices.release_interval_cv": cv, "run.days": days,
    })  # fmt: skip
    sim = Simulation(scenario, seed=seed).run()
    times = [e.t for e in sim.log or [] if e.kind is Kind.BATCH_FORMED
             and e.data["kind"] == "release"]  # fmt: skip
    return np.asarray(times), sim


def test_a_fixed_train_leaves_every_interval() -> None:
    times, _ = _releases(0.0, days=200.0)
    assert np.allclose(np.diff(times), 5 * 24.0)


@pytest.mark.parametrize("cv", [0.5, 1.3])
def test_irregular_gaps_keep_their_mean_and_have_the_variation_asked(cv: float) -> None:
    """Lognormal gaps: mean 5 days and coefficient of variation ``cv`` (within the
    sampling error of ~450 gaps: the cv of a lognormal sample's cv is wide, hence 20 %)."""
    times, _ = _releases(cv)
    gaps = np.diff(times) / 24.0
    assert len(gaps) > 300
    assert gaps.mean() == pytest.approx(5.0, rel=3 * cv / np.sqrt(len(gaps)))
    assert gaps.std(ddof=1) / gaps.mean() == pytest.approx(cv, rel=0.2)


def test_irregular_gaps_shift_no_other_random_numbers() -> None:
    """Common random numbers: the gaps have their own stream, so the work that arrives
    (and its effort) is the same with or without them (fixes for incidents differ: the
    releases, and so the incidents, do)."""
    _, fixed = _releases(0.0, days=300.0)
    _, irregular = _releases(1.3, days=300.0)

    def arrivals(sim: Simulation) -> list[tuple[float, float]]:
        return [(e.t, e.data["effort_hours"]) for e in sim.log or []
                if e.kind is Kind.ARRIVED and e.data["origin"] == "demand"]  # fmt: skip

    assert arrivals(fixed) == arrivals(irregular)


def test_irregular_gaps_lengthen_the_lead_time_tail_more_than_its_median() -> None:
    """Waiting for a release samples gaps by their length (the inspection paradox), so
    irregular gaps of the same mean make the long waits longer: the 85th percentile grows
    more than the median."""
    _, fixed = _releases(0.0, days=700.0)
    _, irregular = _releases(1.3, days=700.0)
    a, b = fixed.metrics(), irregular.metrics()
    assert b["lead_time_hours_p85"] > 1.5 * a["lead_time_hours_p85"]
    assert (b["lead_time_hours_p85"] / b["lead_time_hours_median"]
            > a["lead_time_hours_p85"] / a["lead_time_hours_median"])  # fmt: skip
