"""The public table of metrics: every key :func:`~sim.metrics.summary.compute_metrics` returns.

This table is the contract and the documentation source: ``docs`` are generated from it,
and a test checks that the summary returns exactly these keys.  Keys with ``pattern=True``
contain a ``<placeholder>`` and expand to one key per stage or pool seen.

All metrics cover the measurement window ``[warmup_hours, until_hours]`` of the ``window``
event (both ends included).  "In window" means the event that defines the metric happened
in that interval.  A value is ``None`` when its sample is empty or its denominator is zero.
"""

from __future__ import annotations

from typing import NamedTuple


class MetricDef(NamedTuple):
    """One metric key: its name, unit and definition."""

    name: str
    """The key in the metrics dict (or a pattern such as ``queue_hours_mean_<stage>``)."""
    unit: str
    """Unit of the value."""
    description: str
    """What it measures and exactly how it is computed."""
    pattern: bool = False
    """True if ``name`` contains a placeholder and expands to several keys."""


METRICS: tuple[MetricDef, ...] = (
    # -- DORA four keys (+ rework rate) ---------------------------------------------------
    MetricDef(
        "deployment_frequency_per_day",
        "deployments/day/service",
        "DORA asks per application or service: release deployments (`deployed` events of "
        "kind `release`, failed ones included) in the window divided by service-days (the "
        "window's days times the services in use, from `services` events). Hotfixes and "
        "redeploys after a rollback are remediation (see `rework_rate`), not releases, so "
        "better quality never lowers the deployment frequency.",
    ),
    MetricDef(
        "deployments",
        "count",
        "Production deployments of every kind (release, hotfix, redeploy) in the window.",
    ),
    MetricDef("releases", "count", "Release deployments (kind `release`) in the window."),
    MetricDef(
        "services_mean",
        "services",
        "Time-weighted mean number of services (release lanes) in use over the window.",
    ),
    MetricDef(
        "mean_batch_size",
        "items/deployment",
        "Mean number of work items per release deployment in the window.",
    ),
    MetricDef(
        "lead_time_hours_median",
        "hours",
        "DORA lead time for changes: median over items of every origin first delivered in "
        "the window of (first `delivered` − the last `committed` before it): the commit "
        "that reached production. A change caught by a test or a canary ships as its rework "
        "commit; one that reached production has had its lead time even if a rollback later "
        "took it back (the customer's wait for the working change shows in customer lead "
        "time).",
    ),
    MetricDef(
        "lead_time_hours_p85",
        "hours",
        "85th percentile of the lead time for changes (same sample as the median).",
    ),
    MetricDef(
        "change_failure_rate",
        "share 0–1",
        "Failed changes / changes to production. Changes are the release deployments plus "
        "one remediation per failure, whatever its form (a rollback and redeploy, a flag "
        "turned off, a repair, a fix-forward patch); failed changes are the deployments of "
        "any kind with `failed` = true (a failed patch or redeploy is a failed change too). "
        "So F failed deployments and R releases in the window give F / (R + F): the rate "
        "neither rewards remediation that takes extra deployments nor penalises remediation "
        "that takes none.",
    ),
    MetricDef(
        "time_to_restore_hours_median",
        "hours",
        "Failed-deployment recovery time: median of (`incident_restored` − `incident_opened`) "
        "over change-caused incidents (`change` = true) restored in the window.",
    ),
    MetricDef(
        "time_to_restore_hours_p85",
        "hours",
        "85th percentile of the time to restore (same sample as the median).",
    ),
    MetricDef(
        "rework_rate",
        "share 0–1",
        "Deployments in the window made because of a production incident (kind `hotfix` or "
        "`redeploy`) divided by deployments of every kind in the window.",
    ),
    # -- flow -------------------------------------------------------------------------------
    MetricDef(
        "customer_lead_time_hours_mean",
        "hours",
        "Mean of (delivered − `arrived`) over demand items delivered in the window, where "
        "delivered is the first `delivered` after the item was last taken back as faulty "
        "(a `returned` event with `faulty` true): the customer has the working change.",
    ),
    MetricDef(
        "customer_lead_time_hours_median",
        "hours",
        "Median customer lead time (same sample as the mean).",
    ),
    MetricDef(
        "customer_lead_time_hours_p85",
        "hours",
        "85th percentile of the customer lead time (same sample as the mean).",
    ),
    MetricDef(
        "throughput_per_week",
        "items/week",
        "Demand items delivered in the window per week (window hours / 168).",
    ),
    MetricDef(
        "throughput_all_per_week",
        "items/week",
        "Items of every origin (demand, hotfix, improvement, security) delivered in the "
        "window per week.",
    ),
    MetricDef(
        "wip_mean",
        "items",
        "Time-weighted mean number of demand items arrived and not (or no longer) delivered: "
        "the exact integral of that step function over the window divided by window hours. "
        "Little's law: ≈ arrival rate × mean customer lead time.",
    ),
    MetricDef(
        "flow_efficiency",
        "share 0–1",
        "Mean over demand items delivered in the window of (sum of `finished` hours) / "
        "customer lead time, each clipped to [0, 1]; items with zero lead time are skipped.",
    ),
    MetricDef(
        "queue_hours_mean_<stage>",
        "hours",
        "Mean queue wait (`started` − `queued`, same item and stage) of the stage's `started` "
        "events in the window; one key per stage seen in the log (None if none in window).",
        pattern=True,
    ),
    MetricDef(
        "utilisation_<pool>",
        "share",
        "Busy person-hours of all work classes / capacity person-hours of the pool in the "
        "window; one key per pool given to the summary.",
        pattern=True,
    ),
    MetricDef(
        "unplanned_work_share",
        "share 0–1",
        "(Unplanned + rework busy person-hours) / all busy person-hours, over all pools.",
    ),
    # -- reliability ------------------------------------------------------------------------
    MetricDef("incidents", "count", "Incidents opened in the window, every cause."),
    MetricDef("incidents_change", "count", "Incidents opened in the window with `change` = true."),
    MetricDef(
        "incidents_per_release",
        "incidents/release",
        "`incidents_change` / `releases`: every escaped fault is its own incident, so this "
        "grows with the batch size.",
    ),
    MetricDef("incidents_other", "count", "Incidents opened in the window with `change` = false."),
    MetricDef(
        "incidents_<cause>",
        "count",
        "Incidents opened in the window by cause: `defect` (an escaped defect), `deploy_error` "
        "(a deploy gone wrong), `config` (environment drift), `background` (no change behind "
        "it), `security` (an exploited weakness), `injected` (a facilitator's command).",
        pattern=True,
    ),
    MetricDef("incidents_sev1", "count", "Incidents of severity 1 opened in the window."),
    MetricDef("incidents_sev2", "count", "Incidents of severity 2 opened in the window."),
    MetricDef("incidents_sev3", "count", "Incidents of severity 3 opened in the window."),
    MetricDef("incidents_sev4", "count", "Incidents of severity 4 opened in the window."),
    MetricDef(
        "time_to_detect_hours_median",
        "hours",
        "Median of (`incident_detected` − `incident_opened`) over incidents detected in the "
        "window.",
    ),
    MetricDef(
        "availability",
        "share 0–1",
        "1 − user_impact_hours / window hours: the time-mean share of all users not "
        "affected. An incident hurts a share of its service's users; with N services that "
        "is 1/N of that share of all users.",
    ),
    MetricDef(
        "user_impact_hours",
        "share-weighted hours",
        "Integral over the window of the affected share of all users (`users` of "
        "`incident_opened` / `impact_changed`, 0 once restored), summed over open incidents, "
        "capped per service at the service's share of users and in total at 1.",
    ),
    MetricDef(
        "user_impact_hours_change",
        "share-weighted hours",
        "`user_impact_hours` of change-caused incidents only (what canaries and progressive "
        "delivery act on).",
    ),
    # -- people -----------------------------------------------------------------------------
    MetricDef(
        "pages_per_oncall_per_week",
        "pages/person/week",
        "Incidents detected in the window / on-call people / window weeks.",
    ),
    MetricDef(
        "out_of_hours_response_hours",
        "hours",
        "Sum over incidents of the hours of [`diagnosis_started`, `incident_restored`] (end of "
        "window if not restored), clipped to the window, outside working time: the first "
        "int(work_days_per_week) days of each week (t = 0 is Monday 00:00) between "
        "calendar.work_start_hour and work_end_hour.",
    ),
    # -- security ---------------------------------------------------------------------------
    MetricDef(
        "weaknesses_escaped",
        "count",
        "Security weaknesses that reached production (`weakness_live`) in the window.",
    ),
    MetricDef(
        "weaknesses_exploited",
        "count",
        "Weaknesses exploited (`weakness_exploited`) in the window.",
    ),
    # -- volume -----------------------------------------------------------------------------
    MetricDef("arrived", "count", "Demand items that arrived in the window."),
    MetricDef(
        "delivered",
        "count",
        "Demand items delivered in the window (by their last delivery, still delivered).",
    ),
    # -- demand and overload ----------------------------------------------------------------
    MetricDef(
        "demand_delivered_share",
        "share",
        "`delivered` / `arrived`: how much of the demand that came in was delivered (below 1 "
        "while a backlog builds up; lumpy under release trains).",
    ),
    MetricDef(
        "backlog_end",
        "items",
        "Work items waiting for a person (queued at development or manual testing and not "
        "started) at the end of the window.",
    ),
    MetricDef(
        "backlog_growth_per_week",
        "items/week",
        "Change of that backlog from the start to the end of the window, per week.",
    ),
    MetricDef(
        "overloaded",
        "flag 0/1",
        "1 when the backlog grew by more than 2 × sqrt(2 × arrived) items over the window — "
        "two standard deviations of a queue with no drift — so demand exceeds capacity and "
        "the backlog grows without bound; else 0. The four keys (lead time starts at "
        "commit) cannot show this. A mean over replications is the share of overloaded runs.",
    ),
)
"""Every metric key in output order."""

METRIC_NAMES: frozenset[str] = frozenset(m.name for m in METRICS if not m.pattern)
"""The fixed (non-pattern) keys: always present in the metrics dict."""

WORK_CLASSES: tuple[str, ...] = ("planned", "rework", "unplanned", "improvement", "adoption")
"""Work classes of busy person-hours in ``people_hours`` (besides ``"capacity"``)."""

UNPLANNED_CLASSES: tuple[str, ...] = ("unplanned", "rework")
"""Work classes that count as unplanned work for ``unplanned_work_share``."""

CAUSES: tuple[str, ...] = ("defect", "deploy_error", "config", "background", "security", "injected")
"""Incident causes the model emits; each gets an ``incidents_<cause>`` count."""

PATTERN_KEYS: dict[str, tuple[str, ...]] = {
    "<stage>": ("development", "manual_test", "regression", "deploy"),
    "<pool>": ("dev", "qa", "ops", "team"),
    "<cause>": CAUSES,
}
"""What the placeholders of the pattern keys in :data:`METRICS` expand to."""


def expand_pattern(name: str) -> list[str]:
    """The keys a metric name stands for: itself, or one per value of its placeholder."""
    for placeholder, values in PATTERN_KEYS.items():
        if placeholder in name:
            return [name.replace(placeholder, value) for value in values]
    return [name]


ALL_METRICS: tuple[str, ...] = tuple(
    key
    for metric in METRICS
    for key in (expand_pattern(metric.name) if metric.pattern else [metric.name])
)
"""Every metric key a run can produce, patterns expanded, in table order (a sweep's ``"all"``)."""
