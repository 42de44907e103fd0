"""The direction claims: what changing one thing on a base organisation must do.

Four groups (:data:`GROUPS`): every practice toggled alone on at least two bases
(:data:`PRACTICES`), faster restore never slowing delivery on any built-in
(:data:`RESTORE`), the CAB's cost over a range of calendars (:data:`APPROVAL`) and failure
risk from the changes (:data:`FAILURE_RISK`); :data:`DIRECTIONS` is all of them, in that
order.  What the kinds of expectation mean is told in :mod:`sim.validation.claims`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .claim_types import HIGHER, LOWER, NONE, NOT_HIGHER, NOT_LOWER, REPLICATIONS, Direction
from .ladder import LADDER

TWO_YEARS = {"run.days": 730.0}
"""Legacy-enterprise ships four times a year: two years give eight releases to compare."""
SECOND_YEAR = {"run.days": 730.0, "run.warmup_days": 365.0}
"""Learning accumulates: blameless postmortems are judged on the second year."""
CANARY_BAKE_HOURS = 1.0
"""``progressive.canary_hours``: the lead time a canary adds to every deployment by design."""


def _on(base: str, changes: Mapping[str, Any], **kw: Any) -> tuple[str, Mapping[str, Any], dict]:
    return base, changes, kw


def _family(
    name: str,
    change: Mapping[str, Any],
    expected: Mapping[str, str],
    evidence: str,
    bases: list[tuple[str, Mapping[str, Any], dict]],
    group: str = "practices",
) -> list[Direction]:
    """One claim checked on several bases."""
    return [
        Direction(name, base, changes, change, expected, evidence, group, **kw)
        for base, changes, kw in bases
    ]


PRACTICES: tuple[Direction, ...] = (
    *_family(
        "continuous integration (with an automated suite)",
        {"practices.continuous_integration": True},
        {"lead_time_hours_median": LOWER, "change_failure_rate": LOWER},
        "DORA-2021 p.26-27; DORA-2016 p.31",
        [
            _on("continuous-delivery", {"practices.continuous_integration": False}),
            _on("elite", {"practices.continuous_integration": False}),
        ],
    ),
    *_family(
        "continuous integration without any automated tests",
        {"practices.continuous_integration": True},
        {"change_failure_rate": NONE, "lead_time_hours_median": NONE},
        "DORA-2021 p.26-27 (automated testing drives CI)",
        [
            _on(
                "water-scrum-fall",
                {"practices.continuous_integration": False, "practices.test_automation": "none"},
            ),
            _on("legacy-enterprise", {}),
        ],
    ),
    *(
        claim
        for level in ("partial", "full")
        for claim in _family(
            f"test automation: none -> {level}",
            {"practices.test_automation": level},
            {"lead_time_hours_median": LOWER, "change_failure_rate": LOWER},
            "DORA-2014 p.14; DORA-2021 p.26",
            [
                _on("water-scrum-fall", {"practices.test_automation": "none"}),
                _on("legacy-enterprise", TWO_YEARS, replications=20),
            ],
        )
    ),
    *_family(
        "automated deploys",
        {"practices.deployment": "automated"},
        {"lead_time_hours_median": LOWER, "deployment_frequency_per_day": NOT_LOWER},
        "DORA-2018 p.29; DORA-2021 p.27",
        [
            _on("continuous-delivery", {"practices.deployment": "manual"}),
            _on("water-scrum-fall", {}),
            _on("legacy-enterprise", {}),
        ],
    ),
    *_family(
        "automated deploys (on-demand release)",
        {"practices.deployment": "automated"},
        {"deployment_frequency_per_day": HIGHER, "lead_time_hours_median": LOWER},
        "DORA-2018 p.29; DORA-2021 p.27",
        [_on("elite", {"practices.deployment": "manual"})],
    ),
    *_family(
        "on-demand release instead of a train",
        {"practices.release": "on_demand"},
        {"mean_batch_size": LOWER, "lead_time_hours_median": LOWER},
        "Reinertsen B1-B12; DORA-2018 p.50 (with a pipeline fast enough to release each "
        "change: on a slow one, batches form by themselves)",
        [_on("continuous-delivery", {}), _on("elite", {"practices.release": "train"})],
    ),
    *_family(
        "peer review instead of a CAB",
        {"practices.change_approval": "peer_review"},
        {"lead_time_hours_median": LOWER, "change_failure_rate": NONE},
        "DORA-2019 p.50-52; Accelerate ch.7",
        [_on("water-scrum-fall", {}), _on("legacy-enterprise", {})],
    ),
    *_family(
        "canary releases",
        {"practices.canary": True},
        {"user_impact_hours_change": LOWER, "time_to_restore_hours_median": LOWER},
        "SRE-WB ch.16",
        [
            _on("elite", {"practices.canary": False}),
            _on("continuous-delivery", {"run.days": 730.0}, replications=20),
        ],
    ),
    *_family(
        "blue-green deployments",
        {"practices.blue_green": True},
        {"time_to_restore_hours_median": LOWER},
        "common practice",
        [_on("water-scrum-fall", {}), _on("continuous-delivery", {})],
    ),
    *_family(
        "feature flags",
        {"practices.feature_flags": True},
        {"time_to_restore_hours_median": LOWER},
        "common practice",
        [
            _on("water-scrum-fall", {}),
            _on("continuous-delivery", {"practices.deployment": "manual"}),
        ],
    ),
    *_family(
        "threshold monitoring instead of none",
        {"practices.monitoring": "threshold"},
        {"time_to_detect_hours_median": LOWER, "time_to_restore_hours_median": LOWER},
        "DORA-2014 p.14; DORA-2018 p.54",
        [
            _on("continuous-delivery", {"practices.monitoring": "none"}),
            _on("elite", {"practices.monitoring": "none"}),
            _on("water-scrum-fall", {"practices.monitoring": "none", **TWO_YEARS}, replications=20),
        ],
    ),
    *_family(
        "observability instead of threshold alerts",
        {"practices.monitoring": "observability"},
        {"time_to_detect_hours_median": LOWER, "time_to_restore_hours_median": LOWER},
        "DORA-2021 p.28",
        [_on("water-scrum-fall", {}), _on("continuous-delivery", {})],
    ),
    *_family(
        "infrastructure as code",
        {"practices.infrastructure_as_code": True},
        {"incidents_config": LOWER, "change_failure_rate": LOWER},
        "DORA-2014 p.14-18; DORA-2019 p.49",
        [
            _on("water-scrum-fall", TWO_YEARS, replications=20),
            _on("continuous-delivery", {"practices.infrastructure_as_code": False}),
        ],
    ),
    *_family(
        "security scanning",
        {"practices.security_scanning": True},
        {"weaknesses_escaped": LOWER},
        "DORA-2016 p.6; DORA-2021 p.24",
        [_on("water-scrum-fall", {}), _on("legacy-enterprise", {})],
    ),
    *_family(
        "blameless postmortems (second year)",
        {"practices.postmortems": "blameless"},
        {"change_failure_rate": LOWER},
        "DORA-2019 p.47; Westrum 2004",
        [
            _on("water-scrum-fall", SECOND_YEAR, replications=20),
            _on(
                "continuous-delivery",
                {**SECOND_YEAR, "practices.postmortems": "blame"},
                replications=20,
            ),
        ],
    ),
    *_family(
        "cross-functional teams instead of silos",
        {"org.structure": "cross_functional"},
        {"queue_hours_mean_manual_test": LOWER, "customer_lead_time_hours_median": LOWER},
        "DORA-2018 p.44-50",
        [_on("water-scrum-fall", {})],
    ),
    *_family(
        "cross-functional teams instead of silos (quarterly train)",
        {"org.structure": "cross_functional"},
        {"queue_hours_mean_manual_test": LOWER, "time_to_restore_hours_median": LOWER},
        "DORA-2018 p.44-50 (the hand-offs go; the train still sets the lead time)",
        [_on("legacy-enterprise", TWO_YEARS, replications=20)],
    ),
    *_family(
        "loosely coupled services (a release lane per team)",
        {"practices.loosely_coupled": True},
        {
            "mean_batch_size": LOWER,
            "change_failure_rate": LOWER,
            "deployment_frequency_per_day": NOT_LOWER,
        },
        "DORA-2019 p.42; DORA-2021 p.26; Reinertsen B15",
        [
            _on("continuous-delivery", {"practices.loosely_coupled": False}),
            _on("water-scrum-fall", {}),
        ],
    ),
)
"""Each practice toggled alone, on at least two bases where the evidence says it acts."""


def _restore(practice: str, on: Any, off: Any, allowance: Mapping[str, float]) -> list[Direction]:
    """A restore practice must not make lead time, deployment frequency or CFR worse on
    any built-in (train and on-demand, silos and cross-functional).  The train
    organisations deploy rarely, so their rates are noisy: twenty replications."""
    return [
        Direction(
            f"{practice.replace('_', ' ')}: {off} -> {on}",
            base,
            {f"practices.{practice}": off},
            {f"practices.{practice}": on},
            {
                "lead_time_hours_median": NOT_HIGHER,
                "deployment_frequency_per_day": NOT_LOWER,
                "change_failure_rate": NOT_HIGHER,
            },
            "issue 9: faster restore never slows delivery",
            "restore",
            replications=20 if base in ("legacy-enterprise", "water-scrum-fall") else REPLICATIONS,
            allowance=allowance,
        )
        for base in LADDER
    ]


RESTORE: tuple[Direction, ...] = (
    *_restore("canary", True, False, {"lead_time_hours_median": CANARY_BAKE_HOURS}),
    *_restore("blue_green", True, False, {}),
    *_restore("feature_flags", True, False, {}),
    *_restore("deployment", "automated", "manual", {}),
    *_restore("monitoring", "observability", "none", {}),
)
"""Every practice that makes restore faster, on every built-in."""

APPROVAL: tuple[Direction, ...] = tuple(
    Direction(
        f"peer review instead of a CAB, {days:g}-day regression",
        base,
        {"testing.regression_days": float(days)},
        {"practices.change_approval": "peer_review"},
        {"lead_time_hours_median": LOWER, "change_failure_rate": NOT_HIGHER},
        "DORA-2019 p.50-52 (for any calendar: the CAB's wait must not vanish by alignment)",
        "approval",
        replications=20,
    )
    for base, lengths in (
        ("legacy-enterprise", (6, 8, 9, 10, 11, 12, 14)),
        ("water-scrum-fall", (3, 5, 8, 10, 12)),
    )
    for days in lengths
)
"""The CAB's real cost over a range of regression lengths (calendar phases)."""

FAILURE_RISK: tuple[Direction, ...] = (
    *(
        Direction(
            "half the code defect probability",
            base,
            TWO_YEARS if base == "legacy-enterprise" else {},
            {"development.code_defect_prob": 0.06},
            {"change_failure_rate": LOWER, "incidents_change": LOWER},
            "defects cause change failures in every organisation",
            "failure risk",
            replications=20 if base == "legacy-enterprise" else REPLICATIONS,
        )
        for base in LADDER
    ),
    Direction(
        "bigger batches: a train every 14 days instead of 3.5",
        "continuous-delivery",
        {},
        {"practices.release_interval_days": 14.0},
        {
            "incidents_per_release": HIGHER,
            "change_failure_rate": HIGHER,
            "availability": NOT_HIGHER,
        },
        "Reinertsen B4 (large batches raise risk); every escaped fault is its own incident",
        "failure risk",
    ),
    Direction(
        "smaller batches: on-demand release instead of a train",
        "continuous-delivery",
        {},
        {"practices.release": "on_demand"},
        {"incidents_per_release": LOWER, "availability": NOT_LOWER},
        "Reinertsen B1-B4; DORA: speed and stability go together",
        "failure risk",
    ),
)
"""Failure risk comes from the changes: defect rates, testing and batch size."""

DIRECTIONS: tuple[Direction, ...] = PRACTICES + RESTORE + APPROVAL + FAILURE_RISK
GROUPS: tuple[tuple[str, str], ...] = (
    ("practices", "Practice directions"),
    ("restore", "Faster restore never slows delivery"),
    ("approval", "The CAB's real cost, whatever the calendar"),
    ("failure risk", "Failure risk from the changes"),
)
