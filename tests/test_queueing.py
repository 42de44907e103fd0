"""Analytic validation: the queueing-check scenario is an M/M/c queue (BRIEF §5).

Each case runs independent replications and asserts that Erlang C's mean time in system
lies inside the replications' 95 % confidence interval, and that the model's queue wait
does the same for Wq.  The reference table in dora-research.md §3 pins the formula.
"""

from __future__ import annotations

import pytest

from sim.queueing import erlang_c, mmc_time_in_system, mmc_wait
from sim.runner import mean_ci95, run_replications
from sim.units import HOURS_PER_DAY


@pytest.mark.parametrize(
    ("c", "rho", "wq_in_service_times"),
    # dora-research.md §3 reference table (computed independently there).
    [(1, 0.5, 1.00), (1, 0.9, 9.00), (2, 0.7, 0.96), (4, 0.8, 0.75), (8, 0.95, 2.11)],
)
def test_erlang_c_matches_reference_table(c, rho, wq_in_service_times):
    assert mmc_wait(rho * c, 1.0, c) == pytest.approx(wq_in_service_times, abs=0.006)


def test_erlang_c_edge_cases():
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = rho
    assert erlang_c(3, 0.0) == 0.0
    with pytest.raises(ValueError):
        erlang_c(2, 2.0)


@pytest.mark.parametrize(
    ("lam", "mean_days", "c"),
    [(0.7, 1.0, 1), (3.0, 1.0, 4), (1.5, 2.0, 4), (6.0, 1.0, 8)],
)
def test_model_matches_erlang_c(queueing, lam, mean_days, c):
    scenario = queueing.with_values(
        {
            "workload.arrivals_per_day": lam,
            "workload.effort_days_mean": mean_days,
            "org.developers": c,
            "run.days": 1500.0,
            "run.warmup_days": 100.0,
        }
    )
    results = run_replications(scenario, 10, workers=1)
    mu = 1.0 / mean_days
    w_theory = mmc_time_in_system(lam, mu, c) * HOURS_PER_DAY
    wq_theory = mmc_wait(lam, mu, c) * HOURS_PER_DAY
    _, w_ci = mean_ci95([r.metrics["customer_lead_time_hours_mean"] for r in results])
    _, wq_ci = mean_ci95([r.metrics["queue_hours_mean_development"] for r in results])
    assert w_ci[0] <= w_theory <= w_ci[1], (w_theory, w_ci)
    assert wq_ci[0] <= wq_theory <= wq_ci[1], (wq_theory, wq_ci)
    # Utilisation of the team is rho = lambda / (c mu) within the replication spread.
    _, u_ci = mean_ci95([r.metrics["utilisation_team"] for r in results])
    assert u_ci[0] <= lam / (c * mu) <= u_ci[1]
