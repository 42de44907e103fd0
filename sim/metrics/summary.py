"""Turn a :class:`~sim.metrics.fold.MetricsFold` into the flat metrics dict of a run.

:func:`compute_metrics` is the one place where the measurement window is applied: the fold
keeps every record, and each metric picks the records whose defining event lies in
``[warmup_hours, until_hours]`` (both ends included).  Keys, units and definitions are
listed in :data:`sim.metrics.definitions.METRICS`; this module implements exactly that
table.  Durations are hours, rates are per calendar day or week of the window.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from operator import itemgetter

from sim.metrics.definitions import CAUSES, METRICS, UNPLANNED_CLASSES, WORK_CLASSES
from sim.metrics.fold import DEMAND, IncidentRecord, MetricsFold
from sim.metrics.stats import in_window, level_integral, mean, median, percentile, ratio
from sim.metrics.worktime import out_of_hours
from sim.scenario import CalendarConfig
from sim.units import HOURS_PER_DAY, HOURS_PER_WEEK

MetricValue = float | int | None
"""A metric value: a float or count, or ``None`` when undefined (empty sample)."""

SEVERITIES: tuple[int, ...] = (1, 2, 3, 4)
"""Severity levels counted separately (1 = worst)."""


OVERLOAD_SIGMAS = 2.0
"""How many standard deviations of a driftless queue the backlog must grow by before a
run is called overloaded (see :func:`overloaded`)."""


_first = itemgetter(0)


def compute_metrics(
    fold: MetricsFold,
    *,
    people_hours: Mapping[str, Mapping[str, float]],
    oncall_people: int,
    calendar: CalendarConfig,
    work_days_per_week: float,
    window: tuple[float, float] | None = None,
) -> dict[str, MetricValue]:
    """The flat metrics dict of one run over the fold's measurement window.

    ``people_hours`` maps each pool to ``{"capacity": person-hours available in the
    window, <work class>: busy person-hours, ...}`` with work classes among
    :data:`~sim.metrics.definitions.WORK_CLASSES` (missing classes count as 0).
    ``oncall_people`` is the size of the on-call rota (pages are shared among them);
    ``calendar`` and ``work_days_per_week`` define working time for out-of-hours work.

    The window is ``window`` (start, end hours) when given — a game's round or a trailing
    period; otherwise it comes from the log's ``window`` event, and without one it is
    ``[0, time of the last event]``.  Keys are in :data:`METRICS` order, pattern keys
    expanded in place.
    """
    if window is not None:
        start, end = window
    else:
        start = fold.warmup_hours if fold.warmup_hours is not None else 0.0
        end = fold.until_hours if fold.until_hours is not None else fold.last_t
    hours = max(0.0, end - start)
    days = hours / HOURS_PER_DAY
    weeks = hours / HOURS_PER_WEEK

    def inside(t: float | None) -> bool:
        return t is not None and start <= t <= end

    values: dict[str, MetricValue] = {}

    # -- deployments ------------------------------------------------------------------------
    deployments = in_window(fold.deployments, start, end)
    n_deploy = len(deployments)
    releases = [d for d in deployments if d.kind == "release"]
    service_days = level_integral(fold.services_levels or [(0.0, 1)], start, end) / HOURS_PER_DAY
    values["deployment_frequency_per_day"] = ratio(len(releases), service_days)
    values["deployments"] = n_deploy
    values["releases"] = len(releases)
    values["services_mean"] = ratio(service_days, days)
    values["mean_batch_size"] = mean([d.items for d in releases])

    # -- items ------------------------------------------------------------------------------
    lead_times: list[float] = []
    customer_lead_times: list[float] = []
    efficiencies: list[float] = []
    delivered_all = 0
    arrived_demand = bisect_right(fold.demand_arrivals, end) - bisect_left(
        fold.demand_arrivals, start
    )
    for delivered, subject in in_window(fold.deliveries, start, end, key=_first):
        item = fold.items[subject]
        if item.first_delivered == delivered and item.lead_start is not None:
            lead_times.append(delivered - item.lead_start)  # the commit reached production
        if item.delivered != delivered:
            continue  # delivered again later, or taken back: its last delivery counts
        demand = item.origin == DEMAND
        delivered_all += 1
        if demand and item.arrived is not None:
            lead = delivered - item.arrived
            customer_lead_times.append(lead)
            if lead > 0:
                efficiencies.append(min(1.0, max(0.0, item.active_hours / lead)))

    values["lead_time_hours_median"] = median(lead_times)
    values["lead_time_hours_p85"] = percentile(lead_times, 85.0)
    failed = sum(d.failed for d in deployments)
    values["change_failure_rate"] = ratio(failed, len(releases) + failed)

    # -- incidents --------------------------------------------------------------------------
    incidents = list(fold.incidents.values())
    restore_times = [
        i.restored - i.opened
        for i in incidents
        if i.change and i.opened is not None and inside(i.restored)
    ]
    values["time_to_restore_hours_median"] = median(restore_times)
    values["time_to_restore_hours_p85"] = percentile(restore_times, 85.0)
    values["rework_rate"] = ratio(n_deploy - len(releases), n_deploy)

    # -- flow -------------------------------------------------------------------------------
    values["customer_lead_time_hours_mean"] = mean(customer_lead_times)
    values["customer_lead_time_hours_median"] = median(customer_lead_times)
    values["customer_lead_time_hours_p85"] = percentile(customer_lead_times, 85.0)
    values["throughput_per_week"] = ratio(len(customer_lead_times), weeks)
    values["throughput_all_per_week"] = ratio(delivered_all, weeks)
    values["wip_mean"] = ratio(level_integral(fold.wip_levels, start, end), hours)
    values["flow_efficiency"] = mean(efficiencies)
    for stage in sorted(fold.stages):
        waits = [w.hours for w in in_window(fold.queue_waits.get(stage, []), start, end)]
        values[f"queue_hours_mean_{stage}"] = mean(waits)
    values.update(_people_metrics(people_hours))

    # -- reliability ------------------------------------------------------------------------
    opened = [i for i in incidents if inside(i.opened)]
    values["incidents"] = len(opened)
    values["incidents_change"] = sum(1 for i in opened if i.change)
    values["incidents_per_release"] = ratio(values["incidents_change"], len(releases))
    values["incidents_other"] = sum(1 for i in opened if not i.change)
    for cause in CAUSES:
        values[f"incidents_{cause}"] = sum(1 for i in opened if i.cause == cause)
    levels = [severity_level(i.severity) for i in opened]
    for level in SEVERITIES:
        values[f"incidents_sev{level}"] = levels.count(level)
    detected = [i for i in incidents if inside(i.detected)]
    values["time_to_detect_hours_median"] = median(
        [i.detected - i.opened for i in detected if i.opened is not None]
    )
    impact = impact_integral(incidents, start, end)
    # Clamped: the integral can exceed the window by a rounding error when all users are hit.
    values["availability"] = None if hours <= 0 else min(1.0, max(0.0, 1.0 - impact / hours))
    values["user_impact_hours"] = impact
    values["user_impact_hours_change"] = impact_integral(
        [i for i in incidents if i.change], start, end
    )

    # -- people -----------------------------------------------------------------------------
    values["pages_per_oncall_per_week"] = (
        ratio(len(detected), oncall_people * weeks) if oncall_people > 0 else None
    )
    values["out_of_hours_response_hours"] = sum(
        out_of_hours(
            max(i.diagnosis_started, start),
            min(i.restored if i.restored is not None else end, end),
            calendar.work_start_hour,
            calendar.work_end_hour,
            work_days_per_week,
        )
        for i in incidents
        if i.diagnosis_started is not None
    )

    # -- security and volume ----------------------------------------------------------------
    values["weaknesses_escaped"] = sum(1 for t in fold.weaknesses_live if start <= t <= end)
    values["weaknesses_exploited"] = sum(1 for t in fold.weaknesses_exploited if start <= t <= end)
    values["arrived"] = arrived_demand
    values["delivered"] = len(customer_lead_times)

    # -- demand and overload ----------------------------------------------------------------
    backlog_end = fold.backlog_at(end)
    growth = backlog_end - fold.backlog_at(start, after=False)
    values["demand_delivered_share"] = ratio(len(customer_lead_times), arrived_demand)
    values["backlog_end"] = backlog_end
    values["backlog_growth_per_week"] = ratio(growth, weeks)
    values["overloaded"] = overloaded(growth, arrived_demand)
    return _in_table_order(values)


def overloaded(growth: float, arrived: int) -> float | None:
    """1.0 when the backlog grew faster than a queue at the edge of stability would.

    A queue whose capacity just matches its demand (utilisation 1, no drift) has a backlog
    that wanders like a random walk: after ``n`` arrivals (and about as many departures)
    its change has a standard deviation of about ``sqrt(2 n)``.  Growth beyond
    :data:`OVERLOAD_SIGMAS` of those says the demand exceeds the capacity: the backlog
    grows without bound.  ``None`` without arrivals; otherwise 1.0 or 0.0 (a mean over
    replications is the share of overloaded runs).
    """
    if arrived <= 0:
        return None
    return 1.0 if growth > OVERLOAD_SIGMAS * (2.0 * arrived) ** 0.5 else 0.0


def _people_metrics(people_hours: Mapping[str, Mapping[str, float]]) -> dict[str, MetricValue]:
    """``utilisation_<pool>`` per pool and ``unplanned_work_share`` over all pools."""
    values: dict[str, MetricValue] = {}
    busy_total = 0.0
    unplanned_total = 0.0
    for pool, hours in people_hours.items():
        unknown = set(hours) - {"capacity", *WORK_CLASSES}
        if unknown:
            raise ValueError(
                f"people_hours[{pool!r}] has unknown keys {sorted(unknown)}; "
                f"allowed: 'capacity', {', '.join(map(repr, WORK_CLASSES))}"
            )
        busy = sum(hours.get(name, 0.0) for name in WORK_CLASSES)
        busy_total += busy
        unplanned_total += sum(hours.get(name, 0.0) for name in UNPLANNED_CLASSES)
        values[f"utilisation_{pool}"] = ratio(busy, hours.get("capacity", 0.0))
    values["unplanned_work_share"] = ratio(unplanned_total, busy_total)
    return values


def severity_level(severity: object) -> int | None:
    """Severity as an int 1–4 from ``2``, ``2.0``, ``"2"``, ``"sev2"`` or ``"SEV-2"``.

    The event contract does not fix the type of ``severity``; any other value gives
    ``None`` (the incident is counted in ``incidents`` but in no ``incidents_sev<n>``).
    """
    if isinstance(severity, bool):
        return None
    if isinstance(severity, int):
        return severity
    if isinstance(severity, float) and severity.is_integer():
        return int(severity)
    if isinstance(severity, str):
        digits = "".join(ch for ch in severity if ch.isdigit())
        return int(digits) if digits else None
    return None


def impact_integral(incidents: list[IncidentRecord], start: float, end: float) -> float:
    """Share-weighted hours of user impact in ``[start, end]``.

    Shares are shares of all users.  Incidents of different services add up; within one
    service the affected share is the sum of its incidents' current shares, capped at the
    service's share of all users (two incidents taking a whole service down do not make
    its users doubly unavailable), and the total is capped at 1.
    """
    if end <= start:
        return 0.0
    by_service: dict[int, list[IncidentRecord]] = {}
    for incident in incidents:
        by_service.setdefault(incident.service, []).append(incident)
    if len(by_service) > 1:
        total = sum(_service_impact(group, start, end) for group in by_service.values())
        return min(total, end - start)
    return _service_impact(incidents, start, end)


def _service_impact(incidents: list[IncidentRecord], start: float, end: float) -> float:
    """Impact integral of one service's incidents (see :func:`impact_integral`)."""
    if not incidents:
        return 0.0
    return _service_curve(incidents, start, [end])[0]


def impact_integrals(
    incidents: list[IncidentRecord], start: float, ends: Sequence[float]
) -> list[float]:
    """:func:`impact_integral` from ``start`` to each of ``ends`` (ascending), in one pass.

    For charts of cumulative impact: calling :func:`impact_integral` once per point
    re-sorts every incident each time (points × incidents); this walks each service's
    changes once.  Same caps as :func:`impact_integral`.
    """
    if any(later < earlier for earlier, later in itertools.pairwise(ends)):
        raise ValueError("ends must be in ascending order")
    by_service: dict[int, list[IncidentRecord]] = {}
    for incident in incidents:
        by_service.setdefault(incident.service, []).append(incident)
    curves = [_service_curve(group, start, ends) for group in by_service.values()]
    values: list[float] = []
    for index, end in enumerate(ends):
        if end <= start or not curves:
            values.append(0.0)
            continue
        total = sum(curve[index] for curve in curves)
        values.append(min(total, end - start) if len(curves) > 1 else total)
    return values


def _service_curve(
    incidents: list[IncidentRecord], start: float, ends: Sequence[float]
) -> list[float]:
    """:func:`_service_impact` of one service at each of ``ends`` (ascending)."""
    changes = sorted(
        ((t, key, share) for key, incident in enumerate(incidents) for t, share in incident.impact),
        key=lambda change: change[0],
    )
    cap = min(1.0, max(i.weight for i in incidents))
    current: dict[int, float] = {}
    affected = 0.0
    level = 0.0
    previous = start
    total = 0.0
    position = 0
    values: list[float] = []
    for end in ends:
        if end <= start:
            values.append(0.0)
            continue
        # Changes strictly before ``end`` take effect, as in _service_impact.
        while position < len(changes) and changes[position][0] < end:
            t, key, share = changes[position]
            position += 1
            if t > start:
                total += level * (t - previous)
                previous = t
            affected += share - current.pop(key, 0.0)
            if share:
                current[key] = share
            if not current:
                affected = 0.0
            level = min(cap, max(0.0, affected))
        values.append(total + level * (end - previous))
    return values


def _in_table_order(values: dict[str, MetricValue]) -> dict[str, MetricValue]:
    """Reorder ``values`` as :data:`METRICS` lists them; pattern keys keep their order."""
    ordered: dict[str, MetricValue] = {}
    for metric in METRICS:
        if metric.pattern:
            prefix = metric.name.split("<", 1)[0]
            for key, value in values.items():
                if key.startswith(prefix):
                    ordered[key] = value
        else:
            ordered[metric.name] = values[metric.name]
    return ordered
