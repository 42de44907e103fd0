"""The practice catalogue: the single source of truth for the CLI, docs, game and sweeps.

Each :class:`Practice` names a key of ``[practices]`` in a scenario, the values it may
take, what it changes in the model (the mechanism, not a score), the direction the
evidence gives and its source, and what adopting it mid-run costs: person-days of
effort taken from the developers, and the days over which its benefit ramps up (the
J-curve of BRIEF §3.14).  ``baseline`` is the value that needs no adoption; moving to
any other value costs the adoption effort, moving back to the baseline costs nothing.

``docs/practices.md`` is generated from this table (``python -m sim.docs``) and a test
keeps it in sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Practice:
    """One practice: its allowed values, mechanism, evidence and adoption cost."""

    name: str
    values: tuple[Any, ...]
    baseline: Any
    description: str
    mechanism: str
    evidence: str
    source: str
    adoption_effort_days: float
    """Person-days taken from the developers when the practice is switched on mid-run."""
    ramp_days: float
    """Days from switching on until the practice applies to every decision."""
    pillar: str
    """Where it sits on the journey from code to customer (see :data:`PILLARS`)."""


CATALOGUE: tuple[Practice, ...] = (
    Practice(
        "continuous_integration",
        (False, True),
        False,
        "Trunk-based development: everyone merges to trunk at least daily.",
        "Caps branch age at development.ci_branch_age_days, so merge effort and integration "
        "defects (which grow with branch age and open branches) stay small.",
        "Shorter lead time, lower change failure rate; pays off with test automation.",
        "DORA-2021 p.26-27 (5.8x); DORA-2016 p.31",
        20.0,
        30.0,
        "automation",
    ),
    Practice(
        "test_automation",
        ("none", "partial", "full"),
        "none",
        "Automated tests run on every change in minutes.",
        "Adds an automated test stage with testing.automated_detection_*; 'partial' shortens "
        "the manual regression cycle, 'full' removes manual testing from the path.",
        "Top predictor of lead time; fewer escaped defects.",
        "DORA-2014 p.14; DORA-2021 p.26 (3.7x)",
        40.0,
        60.0,
        "shift left",
    ),
    Practice(
        "deployment",
        ("manual", "automated"),
        "manual",
        "Deployments are scripted and push-button instead of run by hand.",
        "Automated deploys take minutes, need no ops engineer or maintenance window and "
        "rarely fail by themselves; they also make rollback quick.",
        "Higher deployment frequency, shorter lead time, fewer deploy errors.",
        "DORA-2018 p.29; DORA-2021 p.27",
        30.0,
        30.0,
        "automation",
    ),
    Practice(
        "release",
        ("train", "on_demand"),
        "train",
        "Ship each change as soon as it passes, instead of on a release train.",
        "A train leaves every practices.release_interval_days with everything ready; "
        "on demand deploys what is ready as soon as the pipeline is free.",
        "Smaller batches: shorter lead time, lower risk per deploy, faster diagnosis.",
        "Reinertsen B1-B12; DORA-2018 p.50",
        5.0,
        14.0,
        "automation",
    ),
    Practice(
        "change_approval",
        ("cab", "peer_review"),
        "cab",
        "Peer review in the team instead of a change advisory board.",
        "A CAB holds batches until its next meeting (and emergency fixes for an emergency "
        "CAB); it does not change any failure probability. Peer review is a short wait.",
        "CAB lengthens lead time and restore time with no lower change failure rate.",
        "DORA-2019 p.50-52 (2.6x more likely low); Accelerate ch.7",
        5.0,
        14.0,
        "culture and collaboration",
    ),
    Practice(
        "canary",
        (False, True),
        False,
        "Expose a small share of users first and roll back automatically.",
        "A failed change first reaches progressive.canary_share of users; if monitoring "
        "detects it within progressive.canary_hours it is rolled back automatically. "
        "Needs automated deployment: with manual deploys it has no effect.",
        "Less user impact and shorter time to restore; the change still counts as failed.",
        "SRE-WB ch.16",
        15.0,
        30.0,
        "incident response",
    ),
    Practice(
        "blue_green",
        (False, True),
        False,
        "Keep the previous version running beside the new one.",
        "Rollback is a switch of progressive.blue_green_switch_minutes.",
        "Shorter time to restore.",
        "assumption (common practice)",
        10.0,
        14.0,
        "incident response",
    ),
    Practice(
        "feature_flags",
        (False, True),
        False,
        "Ship changes dark behind flags that can be turned off.",
        "A failed change behind a flag (progressive.flag_coverage) is turned off in "
        "progressive.flag_off_minutes; the rest of the batch stays live.",
        "Shorter time to restore.",
        "assumption (common practice)",
        10.0,
        21.0,
        "incident response",
    ),
    Practice(
        "monitoring",
        ("none", "threshold", "observability"),
        "none",
        "How production faults are noticed.",
        "None: customers report (detection.customer_report_hours_median). Threshold alerts "
        "in tens of minutes but miss some; observability in minutes, misses fewer and "
        "shortens diagnosis (recovery.observability_diagnosis_factor).",
        "Shorter time to detect and restore.",
        "DORA-2014 p.14; DORA-2018 p.54; DORA-2021 p.28 (4.1x)",
        15.0,
        30.0,
        "observability",
    ),
    Practice(
        "infrastructure_as_code",
        (False, True),
        False,
        "Environments are defined in version-controlled code.",
        "Cuts config-drift failures (deployment.drift_failure_prob -> _iac) and test "
        "environment provisioning from days to minutes.",
        "Fewer config-caused failures; shorter lead time.",
        "DORA-2014 p.14-18; DORA-2019 p.49",
        25.0,
        45.0,
        "infrastructure as code",
    ),
    Practice(
        "security_scanning",
        (False, True),
        False,
        "Scan every change for security weaknesses before release.",
        "Finds testing.scan_detection_prob of weaknesses before release; found ones are "
        "reworked instead of reaching production.",
        "Fewer escaped and exploited weaknesses.",
        "DORA-2016 p.6; DORA-2021 p.24",
        10.0,
        30.0,
        "security",
    ),
    Practice(
        "loosely_coupled",
        (False, True),
        False,
        "Loosely coupled services: each team releases its own service on its own.",
        "Gives every team its own release lane (its own batches, regression, approval and "
        "deploy lock) and its own service: a failure hurts that service's users only. "
        "Without it the organisation releases one system through one lane.",
        "Smaller batches and more frequent releases per service; failures hit fewer users.",
        "DORA-2019 p.42; DORA-2021 p.26 (3x); Reinertsen B15",
        60.0,
        90.0,
        "automation",
    ),
    Practice(
        "postmortems",
        ("blame", "blameless"),
        "blame",
        "Blameless postmortems turn incidents into improvement actions.",
        "Each incident of learning.min_severity or worse creates an improvement item; once "
        "delivered it cuts failure probabilities by learning.reduction_per_action. A blame "
        "culture learns nothing and escalates later (detection.blame_delay_hours_median).",
        "Failure rate falls over time; faster restore.",
        "DORA-2019 p.47; Westrum 2004",
        3.0,
        30.0,
        "culture and collaboration",
    ),
)

BY_NAME: dict[str, Practice] = {p.name: p for p in CATALOGUE}

PILLARS: tuple[str, ...] = (
    "culture and collaboration",
    "automation",
    "shift left",
    "observability",
    "infrastructure as code",
    "security",
    "incident response",
)
"""The journey from code to customer, as a maturity view groups practices (issue 4)."""


def maturity_level(practice: Practice, value: Any) -> float:
    """0 at the baseline value, 1 at the most mature (last listed) value."""
    if len(practice.values) < 2:
        return 1.0
    ordered = list(practice.values)
    if practice.baseline in ordered:
        ordered.remove(practice.baseline)
        ordered.insert(0, practice.baseline)
    return ordered.index(value) / (len(ordered) - 1)


def describe_value(value: Any) -> str:
    """How a practice value is written in TOML (``true``, ``"full"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"'
