"""The scenario schema: every parameter of the model, its default, unit, bounds and source.

A :class:`Scenario` is immutable, validated data (pydantic, frozen, strict): hashable,
picklable and safe to share between processes.  Runtime state (resources, random streams,
logs) never lives on it.  Each field's description states its unit and where its default
comes from; ``docs/parameters.md`` and ``shipit schema`` are generated from these fields, so
this module is the one documented place for the model's numbers.

Source codes used below: **DORA-yyyy** = Accelerate State of DevOps report of that year;
**SRE-WB** = The Site Reliability Workbook (2018); **Reinertsen** = The Principles of
Product Development Flow (2009); **IBM-2024** = Cost of a Data Breach 2024;
**assumption** = a round number chosen to be plausible, to be checked by the calibration
ladder (issue 3).  See ``../shared/reference/dora-research.md`` for the evidence.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from .limits import HORIZON_DAYS_MAX, SEED_MAX

TIERS = ("low", "medium", "high", "elite")
Share = Annotated[float, Field(ge=0, le=1)]
"""A share or probability in [0, 1]."""
Tier = Literal["low", "medium", "high", "elite"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""C0 and C1 control characters and DEL: never part of text a person wrote for display."""
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""The same without tab and newline, which a multi-line text may contain."""


_CONTROL_NAMES = {
    "\x00": "NUL",
    "\t": "tab",
    "\n": "newline",
    "\r": "carriage return",
    "\x1b": "escape",
    "\x7f": "delete",
}


def _control_error(text: str, match: re.Match[str], multi_line: bool) -> ValueError:
    """The message for a control character: which one, where, and what is allowed."""
    char = match.group()
    name = _CONTROL_NAMES.get(char)
    shown = f"U+{ord(char):04X}" + (f" ({name})" if name else "")
    where = f"character {match.start() + 1}"
    if multi_line:
        allowed = "allowed: text with newlines and tabs but no other control characters"
        where += f", line {text.count(chr(10), 0, match.start()) + 1}"
    else:
        allowed = "allowed: one line of text without control characters"
    return ValueError(f"control character {shown} at {where} is not allowed; {allowed}")


def _one_line(text: str) -> str:
    """Refuse control characters -- newline, tab, escape sequences -- in one-line text.

    A scenario's name and title are printed on terminals and drawn on charts: an escape
    character would be run by the terminal, a newline would break a one-line message.
    Checked on the whole string, so a trailing newline fails as well (no ``$`` pitfall).
    """
    match = _CONTROL.search(text)
    if match:
        raise _control_error(text, match, multi_line=False)
    return text


def _multi_line(text: str) -> str:
    """Refuse control characters other than newline and tab in multi-line text."""
    match = _CONTROL_EXCEPT_LINES.search(text)
    if match:
        raise _control_error(text, match, multi_line=True)
    return text


OneLine = Annotated[str, AfterValidator(_one_line)]
"""Free text of one line: no control characters at all (C0 including tab and newline,
DEL, C1).  Use it for every name, title or label a user writes."""
Paragraphs = Annotated[str, AfterValidator(_multi_line)]
"""Free text of several lines: newlines and tabs allowed, no other control characters."""


def param(default: Any, unit: str, source: str, doc: str, **bounds: Any) -> Any:
    """A scenario parameter: a pydantic field that carries its unit and source."""
    return Field(
        default,
        description=f"{doc} [{unit}] ({source})",
        json_schema_extra={"unit": unit, "source": source},
        **bounds,
    )


class Section(BaseModel):
    """Base of every section: frozen, strict, unknown keys and NaN/inf are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)


class ScenarioInfo(Section):
    """``[scenario]``: what this scenario is for."""

    name: OneLine = Field(
        min_length=1,
        max_length=80,
        description="Short identifier of the scenario (one line, no control characters).",
    )
    title: OneLine = Field(
        "", max_length=120, description="Human-readable title (one line, no control characters)."
    )
    description: Paragraphs = Field(
        "",
        max_length=4000,
        description="The story behind the scenario (newlines and tabs allowed, no other "
        "control characters).",
    )
    expected_tier: Tier | None = Field(
        None, description="DORA tier the scenario is meant to land in."
    )
    learning_goals: Annotated[tuple[OneLine, ...], Field(strict=False)] = Field(
        (),
        description="What a workshop should take away from playing it (one line each, no "
        "control characters).",
    )


class RunConfig(Section):
    """``[run]``: horizon, warm-up and seed."""

    days: float = param(
        365.0, "days", "convention", "Simulated calendar days.", gt=0, le=HORIZON_DAYS_MAX
    )
    warmup_days: float = param(
        30.0, "days", "convention", "Days excluded from metrics while queues fill.", ge=0
    )
    seed: int = param(1, "integer", "convention", "Master random seed.", ge=0, le=SEED_MAX)
    tier_edition: Literal["2023", "2024", "2021"] = param(
        "2023", "DORA edition", "BRIEF §4", "Which DORA report's tier bands to score against."
    )


class OrgConfig(Section):
    """``[org]``: who does the work and how they are organised."""

    structure: Literal["silos", "cross_functional"] = param(
        "silos",
        "choice",
        "DORA-2018 p.44-50",
        "Separate dev/QA/ops pools with ticket queues, or teams that pool the skills.",
    )
    teams: int = param(1, "teams", "assumption", "Number of development teams.", ge=1, le=100)
    developers: int = param(8, "people", "assumption", "Developers in total.", ge=1, le=10_000)
    testers: int = param(2, "people", "assumption", "Testers in total.", ge=0, le=10_000)
    ops: int = param(2, "people", "assumption", "Operations engineers in total.", ge=0, le=10_000)
    work_days_per_week: float = param(
        5.0, "days/week", "convention", "Days a week people work (7 = no weekends).", ge=1, le=7
    )
    onboarding_person_days: float = param(
        10.0,
        "person-days/hire",
        "Brooks 1975 (adding people slows a team first); assumption",
        "Experienced developers' time spent bringing each person hired mid-run up to speed.",
        ge=0,
        le=200,
    )
    ramp_up_days: float = param(
        60.0,
        "days",
        "Brooks 1975; Abdel-Hamid 1989 (IEEE TSE 15(2): new hires assimilate over months); "
        "Rastogi et al. 2015 (ramp-up takes weeks); assumption",
        "Days until a person hired mid-run is fully productive; productivity rises "
        "linearly from 0.",
        ge=0,
        le=365,
    )


class WorkloadConfig(Section):
    """``[workload]``: the demand for change."""

    arrivals_per_day: float = param(
        2.0,
        "changes/calendar day",
        "assumption",
        "Mean arrival rate of new changes.",
        gt=0,
        le=1000,
    )
    arrival_process: Literal["poisson", "regular"] = param(
        "poisson", "choice", "queueing convention", "Poisson arrivals or evenly spaced ones."
    )
    arrival_rate_cv: float = param(
        0.0,
        "ratio",
        "Textual delivery record 2023-2026 (docs/calibration.md)",
        "Week-to-week variation of the arrival rate (coefficient of variation of a lognormal "
        "weekly multiplier with mean 1): 0 keeps one rate; real work comes in busy and quiet "
        "weeks.",
        ge=0,
        le=5,
    )
    effort_days_mean: float = param(
        2.0,
        "person-days",
        "DORA-2018 p.50 (slices under a week)",
        "Mean development effort of a feature.",
        gt=0,
        le=365,
    )
    effort_distribution: Literal["lognormal", "exponential", "fixed"] = param(
        "lognormal", "choice", "Anderson (djaa.com): right-skewed durations", "Effort distribution."
    )
    effort_cv: float = param(
        1.0, "ratio", "assumption", "Coefficient of variation of lognormal effort.", gt=0, le=5
    )
    bugfix_share: float = param(
        0.2, "share", "DORA-2018 p.32", "Share of arrivals that are bug fixes.", ge=0, le=1
    )
    bugfix_effort_factor: float = param(
        0.5, "ratio", "assumption", "Effort of a bug fix relative to a feature.", gt=0, le=10
    )
    initial_backlog: int = param(
        0, "changes", "convention", "Changes already waiting at t = 0.", ge=0, le=100_000
    )


class PracticesConfig(Section):
    """``[practices]``: how the organisation delivers.  See :mod:`sim.practices`."""

    continuous_integration: bool = param(False, "bool", "DORA-2021 p.26", "Trunk-based CI.")
    test_automation: Literal["none", "partial", "full"] = param(
        "none", "choice", "DORA-2021 p.26", "How much testing is automated."
    )
    deployment: Literal["manual", "automated"] = param(
        "manual", "choice", "DORA-2018 p.29", "How changes are deployed."
    )
    release: Literal["train", "on_demand"] = param(
        "train", "choice", "Reinertsen B1-B12", "Release train or on-demand delivery."
    )
    release_interval_days: float = param(
        14.0, "days", "assumption", "Days between release trains.", ge=0.25, le=365
    )
    release_interval_cv: float = param(
        0.0,
        "ratio",
        "Textual release record 2023-2026 (cv 1.3; docs/calibration.md)",
        "Variation of the days between release trains (coefficient of variation of "
        "lognormal gaps with mean release_interval_days): 0 leaves on a fixed schedule; "
        "releases that people decide on come at irregular gaps.",
        ge=0,
        le=5,
    )
    change_approval: Literal["cab", "peer_review"] = param(
        "cab", "choice", "DORA-2019 p.50-52", "Change advisory board or peer review."
    )
    canary: bool = param(False, "bool", "SRE-WB ch.16", "Canary releases with auto-rollback.")
    blue_green: bool = param(False, "bool", "assumption", "Blue-green deployments.")
    feature_flags: bool = param(False, "bool", "assumption", "Changes behind feature flags.")
    monitoring: Literal["none", "threshold", "observability"] = param(
        "none", "choice", "DORA-2021 p.28", "How production faults are detected."
    )
    infrastructure_as_code: bool = param(
        False, "bool", "DORA-2014 p.14-18", "Environments defined as version-controlled code."
    )
    security_scanning: bool = param(False, "bool", "DORA-2021 p.24", "Shift-left scanning.")
    postmortems: Literal["blame", "blameless"] = param(
        "blame", "choice", "DORA-2019 p.47; Westrum 2004", "Incident review culture."
    )
    loosely_coupled: bool = param(
        False,
        "bool",
        "DORA-2019 p.42; DORA-2021 p.26 (3x); Reinertsen B15",
        "Each team releases its own service through its own release lane; otherwise the "
        "organisation releases one system through one lane.",
    )


class DevelopmentConfig(Section):
    """``[development]``: building a change, integration cost and defects."""

    code_defect_prob: float = param(
        0.12,
        "probability/person-day",
        "assumption; DORA-2018 p.32 (10-20% of defects found by users)",
        "Chance each person-day of work leaves a latent defect that would fail in "
        "production: a change of e person-days carries one with 1 - (1 - p)^e.",
        ge=0,
        le=1,
    )
    integration_hours_per_branch_day: float = param(
        0.5,
        "person-hours/branch-day",
        "assumption; DORA-2016 p.31 (trunk-based)",
        "Merge effort per day of branch age, for one open branch.",
        ge=0,
        le=24,
    )
    concurrent_branch_factor: float = param(
        0.1,
        "ratio/open branch",
        "assumption",
        "Extra integration cost and risk per other open branch in the team.",
        ge=0,
        le=10,
    )
    integration_defect_rate_per_branch_day: float = param(
        0.01,
        "1/branch-day",
        "assumption",
        "Hazard of an integration defect per day of branch age.",
        ge=0,
        le=10,
    )
    ci_branch_age_days: float = param(
        0.5,
        "days",
        "DORA-2016 p.31 (branches live < 1 day)",
        "Longest branch age when continuous integration merges to trunk.",
        ge=0,
        le=30,
    )
    rework_fraction_automated: float = param(
        0.1,
        "ratio of the change's effort",
        "Boehm 1981 (cost grows with time to detection); assumption",
        "Effort to fix a defect the automated suite or a scan found minutes after the change.",
        gt=0,
        le=5,
    )
    rework_fraction_manual: float = param(
        0.3,
        "ratio of the change's effort",
        "Boehm 1981; assumption",
        "Effort to fix a defect a tester found in per-change manual testing.",
        gt=0,
        le=5,
    )
    rework_fraction_regression: float = param(
        0.6,
        "ratio of the change's effort",
        "Boehm 1981; assumption",
        "Effort to fix a defect a regression cycle found, weeks after the change.",
        gt=0,
        le=5,
    )
    rework_fraction_production: float = param(
        1.0,
        "ratio of the change's effort",
        "Boehm 1981; assumption",
        "Effort to fix a defect that failed in production and was rolled back or flagged off.",
        gt=0,
        le=5,
    )


class HandoffConfig(Section):
    """``[handoff]``: ticket queues between silos."""

    pickup_hours_mean: float = param(
        8.0,
        "hours",
        "assumption; Phoenix Project p.303",
        "Mean ticket pick-up delay.",
        ge=0,
        le=720,
    )
    context_loss_defect_prob: float = param(
        0.005,
        "probability/hand-off",
        "assumption",
        "Defect risk added by each hand-off.",
        ge=0,
        le=1,
    )


class TestingConfig(Section):
    """``[testing]``: automated and manual testing, scanning."""

    automated_minutes: float = param(
        15.0,
        "minutes",
        "DORA-2018 p.56 (feedback < 10 min)",
        "Automated suite run time.",
        ge=0,
        le=1440,
    )
    automated_detection_partial: float = param(
        0.6, "probability", "assumption", "Defect detection of a partial suite.", ge=0, le=1
    )
    automated_detection_full: float = param(
        0.9,
        "probability",
        "assumption; at least what a partial suite, manual testing and a regression cycle "
        "find together, so more automation never tests less",
        "Defect detection of a full suite.",
        ge=0,
        le=1,
    )
    manual_test_hours: float = param(
        4.0, "person-hours/change", "assumption", "Tester effort per change.", ge=0, le=200
    )
    manual_detection_prob: float = param(
        0.5,
        "probability",
        "assumption",
        "Defect detection of per-change manual testing.",
        ge=0,
        le=1,
    )
    regression_days: float = param(
        5.0,
        "days",
        "DORA-2018 p.29 (manual testing)",
        "Manual regression cycle of a release.",
        ge=0,
        le=90,
    )
    regression_partial_factor: float = param(
        0.4, "ratio", "assumption", "Regression length with a partial automated suite.", ge=0, le=1
    )
    regression_detection_prob: float = param(
        0.5, "probability", "assumption", "Detection of a regression cycle per defect.", ge=0, le=1
    )
    regression_testers: int = param(
        1, "people", "assumption", "Testers a regression cycle occupies.", ge=0, le=1000
    )
    regression_cv: float = param(
        0.3,
        "ratio",
        "assumption (test cycles overrun and vary)",
        "Coefficient of variation of a regression cycle's length (lognormal around "
        "its mean); 0 = always exactly the mean.",
        ge=0,
        le=3,
    )
    hotfix_regression_share: float = param(
        0.3,
        "ratio",
        "assumption",
        "Share of a regression cycle an emergency fix still runs without full automation; "
        "it finds that share of what a whole cycle would.",
        ge=0,
        le=1,
    )
    scan_detection_prob: float = param(
        0.6, "probability", "assumption", "Share of weaknesses scanning finds.", ge=0, le=1
    )


class ApprovalConfig(Section):
    """``[approval]``: the change advisory board and peer review."""

    cab_interval_days: float = param(7.0, "days", "DORA-2019 p.50", "CAB cadence.", ge=1, le=90)
    cab_weekday: int = param(1, "0=Mon..6=Sun", "assumption", "Day of the CAB meeting.", ge=0, le=6)
    cab_hour: float = param(14.0, "hour of day", "assumption", "Time of the CAB.", ge=0, lt=24)
    cab_submission_lead_days: float = param(
        2.0,
        "days",
        "assumption",
        "Changes must be submitted this long before the CAB.",
        ge=0,
        le=30,
    )
    emergency_cab_hours_median: float = param(
        24.0, "hours", "assumption", "Median wait for an emergency CAB.", ge=0, le=720
    )
    peer_review_hours_mean: float = param(
        2.0, "hours", "DORA-2023 (fast code review)", "Mean wait for a peer review.", ge=0, le=240
    )


class DeploymentConfig(Section):
    """``[deployment]``: manual and automated deploys, environments."""

    manual_hours: float = param(
        4.0, "person-hours", "assumption", "Ops effort of one manual deploy.", ge=0, le=200
    )
    manual_hours_per_change: float = param(
        0.25, "person-hours/change", "assumption", "Extra manual effort per change.", ge=0, le=24
    )
    manual_error_prob: float = param(
        0.02,
        "probability/deploy",
        "assumption; DORA-2021 p.27 (automation cuts deploy errors)",
        "Human error in a manual deploy.",
        ge=0,
        le=1,
    )
    maintenance_window: Literal["weekend", "nightly", "none"] = param(
        "weekend", "choice", "assumption", "When manual deploys may happen."
    )
    automated_minutes: float = param(
        15.0, "minutes", "assumption", "Duration of an automated deploy.", ge=0, le=1440
    )
    automated_error_prob: float = param(
        0.015,
        "probability/deploy",
        "assumption (below manual_error_prob: DORA-2018 p.29)",
        "Failure of an automated deploy itself (pipeline, infrastructure); its health "
        "checks notice at once and it reverts itself within progressive.auto_rollback_minutes.",
        ge=0,
        le=1,
    )
    drift_failure_prob: float = param(
        0.02,
        "probability/deploy",
        "DORA-2014 p.14-18",
        "Config drift failure without IaC.",
        ge=0,
        le=1,
    )
    drift_failure_prob_iac: float = param(
        0.005,
        "probability/deploy",
        "assumption",
        "Drift failure with IaC (environments rebuilt from code rarely differ from the "
        "ones tested).",
        ge=0,
        le=1,
    )
    provision_days: float = param(
        3.0, "days", "assumption", "Provisioning a test environment without IaC.", ge=0, le=90
    )
    provision_days_iac: float = param(
        0.02, "days", "assumption", "Provisioning a test environment with IaC.", ge=0, le=90
    )
    provision_cv: float = param(
        0.5,
        "ratio",
        "assumption (hand-built environments vary)",
        "Coefficient of variation of provisioning time without IaC (lognormal around its "
        "mean); with IaC provisioning is scripted and takes exactly its mean.",
        ge=0,
        le=3,
    )


class ProgressiveConfig(Section):
    """``[progressive]``: canaries, blue-green and feature flags."""

    canary_share: float = param(
        0.05, "share of users", "SRE-WB ch.16", "Users who get the canary.", gt=0, le=1
    )
    canary_hours: float = param(1.0, "hours", "SRE-WB ch.16", "Canary bake time.", ge=0, le=168)
    auto_rollback_minutes: float = param(
        5.0, "minutes", "assumption", "Automated rollback duration.", ge=0, le=1440
    )
    blue_green_switch_minutes: float = param(
        2.0, "minutes", "assumption", "Blue-green switch-back duration.", ge=0, le=1440
    )
    flag_off_minutes: float = param(
        10.0, "minutes", "assumption", "Time to turn a feature flag off.", ge=0, le=1440
    )
    flag_coverage: float = param(
        0.8, "share of changes", "assumption", "Changes that sit behind a flag.", ge=0, le=1
    )


class IncidentsConfig(Section):
    """``[incidents]``: severity, impact and incidents with no change behind them."""

    severity_shares: Annotated[tuple[Share, Share, Share, Share], Field(strict=False)] = param(
        (0.02, 0.08, 0.30, 0.60),
        "shares sev1..sev4",
        "assumption (most faults hurt one feature for some users; few take a service down)",
        "Severity mix of faults (each escaped defect, deploy error, drift or background "
        "failure is one incident).",
    )
    impacted_share: Annotated[tuple[Share, Share, Share, Share], Field(strict=False)] = param(
        (1.0, 0.25, 0.05, 0.01),
        "share of the service's users",
        "assumption",
        "Users of the failing service affected, by severity.",
    )
    background_per_week: float = param(
        0.3,
        "incidents/week/service",
        "SRE-WB App. C (~30% not change-caused)",
        "Incidents with no change behind them, per service (release lane).",
        ge=0,
        le=1000,
    )
    repair_hours_median: float = param(
        3.0, "hours", "assumption", "Median repair of a non-change incident.", ge=0, le=2000
    )
    duration_sigma: float = param(
        1.0,
        "log-sd",
        "VOID report (heavy tails)",
        "Lognormal shape of response times.",
        ge=0,
        le=3,
    )


class DetectionConfig(Section):
    """``[detection]``: how quickly a fault is noticed."""

    customer_report_hours_median: float = param(
        12.0,
        "hours",
        "DORA-2014 p.14 (customers report)",
        "Median time until customers report a fault when nothing monitors production.",
        ge=0,
        le=2000,
    )
    threshold_minutes_median: float = param(
        20.0,
        "minutes",
        "Moogsoft (assumption)",
        "Median time for threshold alerts to fire on a fault they catch.",
        ge=0,
        le=10_000,
    )
    threshold_miss_prob: float = param(
        0.3, "probability", "assumption", "Faults threshold alerts miss.", ge=0, le=1
    )
    observability_minutes_median: float = param(
        5.0,
        "minutes",
        "DORA-2021 p.28",
        "Median time for observability (metrics, logs, traces, anomalies) to flag a fault.",
        ge=0,
        le=10_000,
    )
    observability_miss_prob: float = param(
        0.05, "probability", "assumption", "Faults observability misses.", ge=0, le=1
    )
    blame_delay_hours_median: float = param(
        4.0,
        "hours",
        "Westrum 2004",
        "Extra delay before a blamed culture escalates.",
        ge=0,
        le=2000,
    )


class RecoveryConfig(Section):
    """``[recovery]``: diagnosis and restoring service."""

    diagnosis_hours_median: float = param(
        1.0,
        "hours",
        "Moogsoft (90 min lifecycle)",
        "Diagnosis of a one-change failure.",
        ge=0,
        le=2000,
    )
    diagnosis_batch_exponent: float = param(
        0.5, "exponent", "Reinertsen B4", "Diagnosis grows as changes^exponent.", ge=0, le=2
    )
    observability_diagnosis_factor: float = param(
        0.4, "ratio", "DORA-2018 p.54", "Diagnosis time with observability.", gt=0, le=1
    )
    escalation_hours_mean: float = param(
        4.0, "hours", "DORA-2018 p.44", "Ops escalating to a dev team in silos.", ge=0, le=2000
    )
    rollbackable_share: float = param(
        0.9, "share of changes", "assumption", "Changes that can be rolled back at all.", ge=0, le=1
    )
    manual_rollback_factor: float = param(
        0.5, "ratio", "assumption", "Share of those a manual shop can roll back.", ge=0, le=1
    )
    manual_rollback_hours: float = param(
        3.0, "person-hours", "assumption", "Ops effort of a manual rollback.", ge=0, le=200
    )
    hotfix_effort_days: float = param(
        0.25,
        "person-days/fault",
        "assumption",
        "Mean effort to fix one fault forward; each fault of a failed deployment gets its "
        "own fix and the fixes ship together as one patch.",
        gt=0,
        le=30,
    )
    hotfix_defect_factor: float = param(
        2.0,
        "ratio",
        "assumption (emergency changes skip the usual care: ITIL emergency change)",
        "Factor on the per-person-day defect probability of a fix written to restore service.",
        ge=0,
        le=20,
    )


class LearningConfig(Section):
    """``[learning]``: blameless postmortems and improvement actions."""

    improvement_effort_days: float = param(
        2.0, "person-days", "assumption", "Effort of one postmortem action.", gt=0, le=60
    )
    reduction_per_action: float = param(
        0.03,
        "ratio",
        "assumption; direction from DORA-2019 p.47 and SRE book ch.15 (postmortem actions "
        "prevent recurrence), no published size",
        "Cut in the failure probabilities of the team whose incident it was, per delivered action.",
        ge=0,
        le=1,
    )
    floor: float = param(
        0.7,
        "ratio",
        "assumption",
        "Lowest failure multiplier a team's learning can reach.",
        ge=0,
        le=1,
    )
    min_severity: int = param(
        3,
        "severity",
        "assumption",
        "Incidents of this severity or worse get a postmortem.",
        ge=1,
        le=4,
    )


class AdoptionConfig(Section):
    """``[adoption]``: the J-curve of changing how people work, and resistance to change."""

    learning_slowdown: float = param(
        0.25,
        "share of effort",
        "Coch & French 1948 (Human Relations 1(4): output fell by about a third after a job "
        "change and recovered over weeks); assumption for software",
        "Extra effort of development work at the start of an adoption's learning period, "
        "falling linearly to 0 at its end.",
        ge=0,
        le=5,
    )
    learning_defect_factor: float = param(
        1.5,
        "ratio",
        "assumption (people learning a new way of working make more mistakes; Satir change "
        "model's chaos phase)",
        "Factor on the defect probability of work committed at the start of a learning "
        "period, falling linearly to 1 at its end.",
        ge=1,
        le=10,
    )
    max_learning_load: float = param(
        2.0,
        "adoptions",
        "assumption",
        "Cap on the summed learning load of adoptions that overlap.",
        ge=0,
        le=20,
    )
    blame_resistance: float = param(
        1.5,
        "ratio",
        "Westrum 2004 (pathological and bureaucratic cultures crush or resist novelty); assumption",
        "Factor on ramp and learning periods in a blame culture.",
        ge=1,
        le=10,
    )
    silo_resistance: float = param(
        1.3,
        "ratio",
        "DORA-2018 p.44-50 (hand-offs between functions); assumption",
        "Factor on ramp and learning periods in a siloed organisation.",
        ge=1,
        le=10,
    )
    reorganisation_person_days: float = param(
        3.0,
        "person-days/person",
        "Skelton & Pais 2019 (Team Topologies: re-teaming has a cost); assumption",
        "Time every person spends on a reorganisation (new teams, new ways of working).",
        ge=0,
        le=60,
    )
    reorganisation_learning_days: float = param(
        60.0,
        "days",
        "Tuckman 1965 (new teams form and storm before they perform); assumption",
        "Learning period after a reorganisation (before resistance factors).",
        ge=0,
        le=365,
    )


class SecurityConfig(Section):
    """``[security]``: weaknesses, scanning and exploits."""

    weakness_prob: float = param(
        0.03, "probability/change", "assumption", "Chance a change carries a weakness.", ge=0, le=1
    )
    exploit_per_year: float = param(
        0.2, "1/year per live weakness", "assumption", "Exploit hazard.", ge=0, le=365
    )
    discovery_days_median: float = param(
        60.0,
        "days",
        "IBM-2024 (258-day lifecycle)",
        "Internal discovery of a live weakness.",
        gt=0,
        le=3650,
    )
    breach_detection_days_median: float = param(
        30.0, "days", "IBM-2024", "Time to notice an exploit.", ge=0, le=3650
    )
    patch_effort_days: float = param(
        0.5, "person-days", "assumption", "Effort of a security patch.", gt=0, le=60
    )
    breach_share: float = param(
        0.02, "share of users", "assumption", "Users affected by an exploit.", ge=0, le=1
    )


class CalendarConfig(Section):
    """``[calendar]``: working hours, for out-of-hours work."""

    work_start_hour: float = param(9.0, "hour of day", "convention", "Start of day.", ge=0, lt=24)
    work_end_hour: float = param(17.0, "hour of day", "convention", "End of day.", gt=0, le=24)


class Scenario(Section):
    """A whole scenario: initial conditions of one simulated organisation."""

    scenario: ScenarioInfo
    run: RunConfig = RunConfig()
    org: OrgConfig = OrgConfig()
    workload: WorkloadConfig = WorkloadConfig()
    practices: PracticesConfig = PracticesConfig()
    development: DevelopmentConfig = DevelopmentConfig()
    handoff: HandoffConfig = HandoffConfig()
    testing: TestingConfig = TestingConfig()
    approval: ApprovalConfig = ApprovalConfig()
    deployment: DeploymentConfig = DeploymentConfig()
    progressive: ProgressiveConfig = ProgressiveConfig()
    incidents: IncidentsConfig = IncidentsConfig()
    detection: DetectionConfig = DetectionConfig()
    recovery: RecoveryConfig = RecoveryConfig()
    learning: LearningConfig = LearningConfig()
    adoption: AdoptionConfig = AdoptionConfig()
    security: SecurityConfig = SecurityConfig()
    calendar: CalendarConfig = CalendarConfig()

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        """Cross-field rules; messages name the key path and what is allowed."""
        if self.run.warmup_days >= self.run.days:
            raise ValueError(
                f"run.warmup_days must be less than run.days ({self.run.days:g}), "
                f"got {self.run.warmup_days:g}"
            )
        if self.org.teams > self.org.developers:
            raise ValueError(
                f"org.teams must be at most org.developers ({self.org.developers}), "
                f"got {self.org.teams}"
            )
        silos = self.org.structure == "silos"
        if silos and self.practices.test_automation != "full" and self.org.testers < 1:
            raise ValueError(
                "org.testers must be at least 1 in silos unless practices.test_automation = 'full'"
            )
        if silos and self.org.ops < 1:
            raise ValueError("org.ops must be at least 1 in silos (ops deploy and run on-call)")
        if abs(sum(self.incidents.severity_shares) - 1.0) > 1e-6:
            raise ValueError("incidents.severity_shares must sum to 1")
        if self.calendar.work_end_hour <= self.calendar.work_start_hour:
            raise ValueError("calendar.work_end_hour must be after calendar.work_start_hour")
        return self

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of every value: provenance for results."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def with_values(self, updates: dict[str, Any]) -> Scenario:
        """A copy with dotted-key updates applied and re-validated (``{"org.developers": 9}``)."""
        data = self.model_dump(mode="python")
        for dotted, value in updates.items():
            section, key = dotted.split(".", 1)
            data[section][key] = value
        return Scenario.model_validate(data)
