"""The calibration ladder (issues 3 and 9): built-in scenarios land in their DORA tiers.

Each scenario's mean over 20 replications must be in its ``expected_tier`` overall and,
on every one of the four keys, have its mean and its whole 95 % interval in that tier's
band (DORA 2023 bands, BRIEF §4), for every one of five master seeds
(:mod:`sim.validation` defines the ladder; the generated ``docs/validation.md`` shows the
same runs).  The ladder must also show the shapes the research reports.
"""

from __future__ import annotations

from functools import cache

import pytest

from sim.validation import LADDER, LADDER_SEEDS, ladder_row, recorded_hash, source_hash


@cache
def row(name: str, seed: int):
    return ladder_row(name, seed)


@pytest.mark.parametrize("name", LADDER)
def test_scenario_lands_in_its_expected_tier_for_every_seed(name):
    for seed in LADDER_SEEDS:
        r = row(name, seed)
        assert r.holds, (name, seed, r.tiers, r.bounds)


@pytest.mark.parametrize("seed", LADDER_SEEDS[:2])
def test_ladder_shapes_match_the_research(seed):
    low, medium, high, elite = (row(name, seed).means for name in LADDER)
    # Unplanned work and rework fall from low to elite (DORA-2016 p.26, DORA-2018 p.32).
    shares = [m["unplanned_work_share"] for m in (low, medium, high, elite)]
    assert shares[0] == max(shares) and shares[0] >= 2 * shares[-1], shares
    # Change failure rate is far worse in low (2023 clusters: 64 % against 5 %), and each
    # rung fails less than the one below.
    cfr = [m["change_failure_rate"] for m in (low, medium, high, elite)]
    assert cfr == sorted(cfr, reverse=True), cfr
    assert low["change_failure_rate"] >= 5 * elite["change_failure_rate"]
    # Time to restore spans minutes (elite: under an hour) to weeks (low: over a week).
    assert elite["time_to_restore_hours_median"] < 1.0
    assert low["time_to_restore_hours_median"] >= 168.0
    # Speed and stability go together: each faster rung also has a shorter lead time and
    # deploys each service more often.
    lead = [m["lead_time_hours_median"] for m in (low, medium, high, elite)]
    assert lead == sorted(lead, reverse=True), lead
    frequency = [m["deployment_frequency_per_day"] for m in (low, medium, high, elite)]
    assert frequency == sorted(frequency), frequency
    # Availability rises rung by rung.
    availability = [m["availability"] for m in (low, medium, high, elite)]
    assert availability == sorted(availability), availability


def test_validation_page_is_current():
    """docs/validation.md was generated from the model as it is now (`make validation`)."""
    assert recorded_hash() == source_hash(), "docs/validation.md is stale: run make validation"
