"""Incidents: severity, someone on call, diagnosis, repair in place, and the postmortem.

An incident with no change behind it (capacity, dependencies, hardware: the background
stream; a facilitator's injected one; an exploited security weakness) is detected, pulls
an on-call engineer off planned work, is diagnosed and repaired in place (BRIEF §3.8).
The pieces every incident shares — :func:`severity_of`, :func:`on_call`,
:func:`restore_hours` and :func:`postmortem` — live here too, and a failed deployment's
response (:mod:`sim.model.production`) uses them.

``family`` (change, background, spike, security, injected) keys the random streams, so
incidents of one family never shift the draws of another (common random numbers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..events import Kind
from ..units import HOURS_PER_DAY, HOURS_PER_WEEK, MINUTES_PER_HOUR
from .development import spawn
from .items import Priority, Process

if TYPE_CHECKING:
    from .context import Model

# Event kinds bound once: an enum member lookup costs ~50 ns.
_DIAGNOSED = Kind.DIAGNOSED
_DIAGNOSIS_STARTED = Kind.DIAGNOSIS_STARTED
_INCIDENT_DETECTED = Kind.INCIDENT_DETECTED
_INCIDENT_OPENED = Kind.INCIDENT_OPENED
_INCIDENT_RESTORED = Kind.INCIDENT_RESTORED


def severity_of(u: float, shares: tuple[float, ...]) -> int:
    """Severity 1 (worst) .. 4 from a uniform draw and the severity mix."""
    total = 0.0
    for index, share in enumerate(shares):
        total += share
        if u < total:
            return index + 1
    return len(shares)


def on_call(m: Model, incident: int, team: int, family: str) -> Process:
    """Escalate (later in a blame culture) and pull an on-call engineer off their work.

    Returns the held request (``yield from``): the caller releases it when the engineer
    is done.
    """
    env = m.env
    if m.policy.get("postmortems") == "blame":
        delay = m.streams[f"{family}.blame"].lognormal_median(
            m.s.detection.blame_delay_hours_median, m.s.incidents.duration_sigma
        )
        if delay > 0:
            yield env.timeout(delay)
    pool = m.org.ops_pool(team)
    req = pool.request(Priority.URGENT, "unplanned", team=team, role="ops")
    yield req
    m.emit(_DIAGNOSIS_STARTED, incident, {"pool": req.pool.name})
    return req


def restore_hours(m: Model, method: str, family: str) -> float:
    """Hours one restore action takes (the on-call engineer is busy throughout).

    Flags, blue-green switches and rollbacks take the scenario's fixed minutes (or hours
    by hand); a repair in place (or any other method) draws its hours from the
    ``<family>.repair`` stream.
    """
    p = m.s.progressive
    if method == "flag_off":
        return p.flag_off_minutes / MINUTES_PER_HOUR
    if method == "blue_green":
        return p.blue_green_switch_minutes / MINUTES_PER_HOUR
    if method == "rollback":
        return p.auto_rollback_minutes / MINUTES_PER_HOUR
    if method == "manual_rollback":
        return m.s.recovery.manual_rollback_hours
    return m.streams[f"{family}.repair"].lognormal_median(
        m.s.incidents.repair_hours_median, m.s.incidents.duration_sigma
    )


def postmortem(m: Model, severity: int, team: int) -> None:
    """A blameless review of a serious enough incident files an improvement action."""
    learning = m.s.learning
    if m.policy.get("postmortems") == "blameless" and severity <= learning.min_severity:
        spawn(m, "improvement", learning.improvement_effort_days, team)


def incident(
    m: Model,
    number: int,
    cause: str,
    severity: int,
    share: float,
    detect_hours: float,
    by: str,
    team: int,
    service: int,
) -> Process:
    """Incident ``number`` with no change behind it: detect, respond, repair in place.

    ``share`` is the share of the service's users it hurts, ``detect_hours`` how long it
    goes unnoticed and ``by`` who notices it.
    """
    env = m.env
    m.emit(
        _INCIDENT_OPENED,
        number,
        {
            "cause": cause,
            "severity": severity,
            "share": share,
            "users": share / m.services(),
            "service": service,
            "batch": -1,
            "change": False,
        },
    )
    yield env.timeout(detect_hours)
    m.emit(_INCIDENT_DETECTED, number, {"by": by})
    family = cause
    req = yield from on_call(m, number, team, family)
    hours = (
        m.streams[f"{family}.diagnosis"].lognormal_median(
            m.s.recovery.diagnosis_hours_median, m.s.incidents.duration_sigma
        )
        * m.policy.diagnosis_factor()
    )
    yield env.timeout(hours)
    m.emit(_DIAGNOSED, number, {})
    yield env.timeout(restore_hours(m, "repair", family))
    req.pool.release(req)
    m.emit(_INCIDENT_RESTORED, number, {"method": "repair", "share": 0.0, "users": 0.0})
    postmortem(m, severity, team)


def background_incidents(m: Model, factor: float = 1.0, days: float | None = None) -> Process:
    """Capacity, dependency and hardware failures: a Poisson stream per service.

    The rate is ``incidents.background_per_week`` for each service in use (times
    ``factor - 1`` during a traffic spike of ``days`` days, from its own ``spike`` stream,
    so the ordinary background incidents are the same as without it).
    """
    env = m.env
    spike = days is not None
    rate = m.s.incidents.background_per_week * ((factor - 1.0) if spike else 1.0)
    if rate <= 0:
        return
    end = env.now + days * HOURS_PER_DAY if days is not None else float("inf")
    family = "spike" if spike else "background"
    stream = m.streams[family]
    teams = m.org.teams
    while True:
        services = m.services()
        yield env.timeout(stream.exponential(HOURS_PER_WEEK / (rate * services)))
        if env.now >= end:
            return
        severity = severity_of(stream.uniform(), m.s.incidents.severity_shares)
        u = stream.uniform()
        services = m.services()
        service = int(u * services)
        team = service if services == teams else int(u * teams)
        detect_hours, by = m.policy.detection(m.streams[f"{family}.detection"])
        share = m.s.incidents.impacted_share[severity - 1]
        number = m.next_incident_id()
        env.process(
            incident(m, number, "background", severity, share, detect_hours, by, team, service)
        )
