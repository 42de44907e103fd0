"""DORA tier scoring: exact boundaries, the overall floor and the other editions."""

from __future__ import annotations

import itertools
from typing import get_args

import pytest

from sim.metrics import EDITIONS, tier_of
from sim.metrics.tiers import ASPECTS, tier_of_value
from sim.scenario import RunConfig


def tiers(edition: str = "2023", **values: float | None) -> dict[str, str | None]:
    keys = {
        "df": "deployment_frequency_per_day",
        "lt": "lead_time_hours_median",
        "cfr": "change_failure_rate",
        "ttr": "time_to_restore_hours_median",
    }
    return tier_of({keys[k]: v for k, v in values.items()}, edition)


@pytest.mark.parametrize(
    ("value", "tier"),
    [
        (5.0, "elite"),
        (1.0, "elite"),  # ≥ 1/day
        (0.99, "high"),
        (1 / 7, "high"),  # ≥ 1/week
        (1 / 7 - 1e-9, "medium"),
        (1 / 30, "medium"),  # ≥ 1/month
        (1 / 30 - 1e-9, "low"),
        (0.0, "low"),
    ],
)
def test_deployment_frequency_2023(value: float, tier: str) -> None:
    assert tiers(df=value)["deployment_frequency"] == tier


@pytest.mark.parametrize(
    ("value", "tier"),
    [
        (0.0, "elite"),
        (23.99, "elite"),
        (24.0, "high"),  # < 1 day is elite, exactly 1 day is not
        (167.99, "high"),
        (168.0, "medium"),
        (719.99, "medium"),
        (720.0, "low"),
    ],
)
def test_lead_time_2023(value: float, tier: str) -> None:
    assert tiers(lt=value)["lead_time"] == tier


@pytest.mark.parametrize(
    ("value", "tier"),
    [
        (0.0, "elite"),
        (0.075, "elite"),  # ≤ 7.5 %
        (0.0751, "high"),
        (0.125, "high"),
        (0.1251, "medium"),
        (0.395, "medium"),
        (0.3951, "low"),
        (1.0, "low"),
    ],
)
def test_change_failure_rate_2023(value: float, tier: str) -> None:
    assert tiers(cfr=value)["change_failure_rate"] == tier


@pytest.mark.parametrize(
    ("value", "tier"),
    [
        (0.5, "elite"),
        (1.0, "high"),  # < 1 hour is elite
        (23.99, "high"),
        (24.0, "medium"),
        (168.0, "low"),
    ],
)
def test_time_to_restore_2023(value: float, tier: str) -> None:
    assert tiers(ttr=value)["time_to_restore"] == tier


def test_overall_is_floor_of_mean_rank() -> None:
    # elite 3 + elite 3 + high 2 + low 0 = 8 / 4 = 2 → high
    t = tiers(df=2.0, lt=1.0, cfr=0.10, ttr=500.0)
    assert (t["deployment_frequency"], t["lead_time"]) == ("elite", "elite")
    assert (t["change_failure_rate"], t["time_to_restore"]) == ("high", "low")
    assert t["overall"] == "high"
    # elite 3 + elite 3 + elite 3 + high 2 = 11 / 4 = 2.75 → floor 2 → high
    assert tiers(df=2.0, lt=1.0, cfr=0.0, ttr=2.0)["overall"] == "high"
    # medium 1 + low 0 = 0.5 → low
    assert tiers(df=0.1, lt=1000.0)["overall"] == "low"


def test_missing_metrics_are_none_and_skipped() -> None:
    # TTR None (no change incidents): overall from the three others, 3 + 3 + 3 → elite.
    t = tiers(df=2.0, lt=1.0, cfr=0.0, ttr=None)
    assert t["time_to_restore"] is None
    assert t["overall"] == "elite"
    assert tier_of({}) == {aspect: None for aspect in (*ASPECTS, "overall")}


def test_integer_metrics_are_accepted() -> None:
    assert tiers(df=1)["deployment_frequency"] == "elite"


def test_edition_2024() -> None:
    # CFR by nearest of elite 5 %, medium 10 %, high 20 %, low 40 % (ties to the lower rate).
    cfr = {v: tiers("2024", cfr=v)["change_failure_rate"] for v in (0.05, 0.075, 0.0751)}
    assert cfr == {0.05: "elite", 0.075: "elite", 0.0751: "medium"}
    assert tiers("2024", cfr=0.15)["change_failure_rate"] == "medium"
    assert tiers("2024", cfr=0.1501)["change_failure_rate"] == "high"
    assert tiers("2024", cfr=0.30)["change_failure_rate"] == "high"
    assert tiers("2024", cfr=0.3001)["change_failure_rate"] == "low"
    # FDRT: high and medium are both < 1 day, so 1 day–1 week scores low.
    assert tiers("2024", ttr=23.0)["time_to_restore"] == "high"
    assert tiers("2024", ttr=30.0)["time_to_restore"] == "low"
    # DF and LT as in 2023.
    assert tiers("2024", df=1 / 7)["deployment_frequency"] == "high"
    assert tiers("2024", lt=24.0)["lead_time"] == "high"


def test_edition_2021() -> None:
    # DF: elite ≥ 1/day, high ≥ 1/month, medium ≥ 1 per 6 months (180 days).
    assert tiers("2021", df=1.0)["deployment_frequency"] == "elite"
    assert tiers("2021", df=1 / 7)["deployment_frequency"] == "high"  # gap day–week → high
    assert tiers("2021", df=1 / 30)["deployment_frequency"] == "high"
    assert tiers("2021", df=0.02)["deployment_frequency"] == "medium"
    assert tiers("2021", df=1 / 180)["deployment_frequency"] == "medium"
    assert tiers("2021", df=0.005)["deployment_frequency"] == "low"
    # LT: elite < 1 h, high < 1 week, medium < 6 months (4,320 h).
    assert tiers("2021", lt=0.5)["lead_time"] == "elite"
    assert tiers("2021", lt=1.0)["lead_time"] == "high"
    assert tiers("2021", lt=168.0)["lead_time"] == "medium"
    assert tiers("2021", lt=4319.0)["lead_time"] == "medium"
    assert tiers("2021", lt=4320.0)["lead_time"] == "low"
    # CFR bands: elite 0–15 %, the others all 16–30 % (best tier wins), above → low.
    assert tiers("2021", cfr=0.15)["change_failure_rate"] == "elite"
    assert tiers("2021", cfr=0.20)["change_failure_rate"] == "high"
    assert tiers("2021", cfr=0.30)["change_failure_rate"] == "high"
    assert tiers("2021", cfr=0.31)["change_failure_rate"] == "low"
    assert tiers("2021", ttr=100.0)["time_to_restore"] == "medium"


def test_unknown_edition() -> None:
    with pytest.raises(ValueError, match="2023"):
        tier_of({}, "2019")


def test_editions_match_the_scenario_schema() -> None:
    annotation = RunConfig.model_fields["tier_edition"].annotation
    assert set(EDITIONS) == set(get_args(annotation))
    assert RunConfig().tier_edition == "2023"


@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_tables_are_consistent(edition: str) -> None:
    table = EDITIONS[edition]
    assert table.name == edition and table.source
    for aspect in ASPECTS:
        scale = getattr(table, aspect)
        assert scale.table
        cuts = [cut for cut, _ in scale.cuts]
        if scale.compare == ">=":
            assert cuts == sorted(cuts, reverse=True)
        else:
            assert cuts == sorted(cuts)
        if scale.points:
            # Nearest-value scoring: each cut is the midpoint of two adjacent point values,
            # and every point value scores as its own tier.
            values = sorted(v for v, _ in scale.points)
            midpoints = [(a + b) / 2 for a, b in itertools.pairwise(values)]
            assert cuts == pytest.approx(midpoints)
            for value, tier in scale.points:
                assert tier_of_value(value, scale) == tier
