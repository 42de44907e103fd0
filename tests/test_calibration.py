"""The calibration ladder (issue 3): built-in scenarios land in their DORA tiers.

Each scenario's mean over 10 replications must be in its ``expected_tier`` overall and in
that tier's band on at least three of the four keys (DORA 2023 bands, BRIEF §4), for
every one of five master seeds.  The ladder must also show the shapes the research
reports: unplanned work falling from low to elite, a far worse change failure rate in
low, and time to restore spanning hours to weeks.
"""

from __future__ import annotations

from functools import cache

import pytest

from sim.loading import load_scenario
from sim.metrics.tiers import tier_of
from sim.runner import run_replications, summarise

LADDER = ("legacy-enterprise", "water-scrum-fall", "continuous-delivery", "elite")
SEEDS = (1, 2, 3, 4, 5)
REPLICATIONS = 10
KEYS = ("deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore")


@cache
def ladder_means(name: str, seed: int) -> dict:
    """Mean metrics of 10 replications of ``name`` under master seed ``seed``."""
    scenario = load_scenario(name).with_values({"run.seed": seed})
    means, _ = summarise(run_replications(scenario, REPLICATIONS, workers=1))
    return means


@pytest.mark.parametrize("name", LADDER)
def test_scenario_lands_in_its_expected_tier_for_every_seed(name):
    expected = load_scenario(name).scenario.expected_tier
    for seed in SEEDS:
        tiers = tier_of(ladder_means(name, seed))
        assert tiers["overall"] == expected, (name, seed, tiers)
        in_band = sum(tiers[key] == expected for key in KEYS)
        assert in_band >= 3, (name, seed, tiers)


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_ladder_shapes_match_the_research(seed):
    low, medium, high, elite = (ladder_means(name, seed) for name in LADDER)
    # Unplanned work and rework fall from low to elite (DORA-2016 p.26, DORA-2018 p.32).
    shares = [m["unplanned_work_share"] for m in (low, medium, high, elite)]
    assert shares == sorted(shares, reverse=True), shares
    assert shares[0] >= 2 * shares[-1], shares
    # Change failure rate is far worse in low (2023 clusters: 64 % against 5 %).
    assert low["change_failure_rate"] > 0.395
    assert low["change_failure_rate"] >= 5 * elite["change_failure_rate"]
    # Time to restore spans hours (elite: under an hour) to weeks (low: over a week).
    assert elite["time_to_restore_hours_median"] < 1.0
    assert low["time_to_restore_hours_median"] >= 168.0
    # Speed and stability go together: the faster rungs are not less stable.
    lead = [m["lead_time_hours_median"] for m in (low, medium, high, elite)]
    assert lead == sorted(lead, reverse=True), lead
