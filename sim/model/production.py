"""Production: what a deployment does to users, and how the organisation recovers.

A deployment fails if any change in it carries an escaped defect, if a manual deploy
went wrong by human error, or if environment drift breaks it (BRIEF §3.6-3.10).  A failure
opens an incident whose severity comes from the failing change's fixed draw.  With a
canary the fault first reaches a small share of users, and if monitoring notices it within
the bake time the change is rolled back automatically.  Otherwise someone on call (pulled
off planned work) diagnoses — slower for bigger batches, faster with observability, slower
when ops must escalate to a dev team — and restores service by the quickest means the
practices allow: turning a flag off, switching blue-green, rolling back, or fixing forward
through the pipeline (so a slow pipeline means a slow restore).  Incidents with no change
behind them (capacity, dependencies, hardware) and exploited security weaknesses are
repaired in place.  After a restore, a blameless culture files an improvement action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..events import Kind
from ..units import DAYS_PER_YEAR, HOURS_PER_DAY, HOURS_PER_WEEK, MINUTES_PER_HOUR
from .development import Process
from .items import Priority, WorkItem

if TYPE_CHECKING:
    from .context import Model

ROLLBACKS = frozenset({"rollback", "manual_rollback", "blue_green", "canary_rollback"})


def severity_of(u: float, shares: tuple[float, ...]) -> int:
    """Severity 1 (worst) .. 4 from a uniform draw and the severity mix."""
    total = 0.0
    for index, share in enumerate(shares):
        total += share
        if u < total:
            return index + 1
    return len(shares)


def restore_method(m: Model, cause: str, defective: list[WorkItem], manual: bool) -> str:
    """The quickest way back the current practices allow for this failure."""
    policy = m.policy
    if cause == "config":
        return "repair"
    if cause == "deploy_error":
        return (
            "blue_green"
            if policy.get("blue_green")
            else ("manual_rollback" if manual else "rollback")
        )
    p = m.s.progressive
    if policy.get("feature_flags") and all(i.u_flag < p.flag_coverage for i in defective):
        return "flag_off"
    share = m.s.recovery.rollbackable_share
    if policy.get("blue_green"):
        return "blue_green" if all(i.u_rollback < share for i in defective) else "fix_forward"
    if manual:
        share *= m.s.recovery.manual_rollback_factor
    if all(i.u_rollback < share for i in defective):
        return "manual_rollback" if manual else "rollback"
    return "fix_forward"


def clean_deployment(m: Model, batch: int, items: list[WorkItem], hotfix: bool) -> None:
    """A deployment with nothing wrong and no canary: record it and deliver at once.

    The same outcome :func:`deployment_outcome` reaches for this case, without starting
    a generator (the common path of fast pipelines).
    """
    m.emit(
        Kind.DEPLOYED,
        batch,
        {
            "items": [i.id for i in items],
            "failed": False,
            "cause": None,
            "hotfix": hotfix,
            "canary": False,
        },
    )
    deliver(m, items, batch)


def deployment_outcome(
    m: Model,
    batch: int,
    items: list[WorkItem],
    hotfix: bool,
    manual: bool,
    error: bool,
    drift: bool,
) -> Process:
    """Record the deployment; deliver its changes, or open an incident."""
    env = m.env
    defective = [i for i in items if i.defect]
    cause = "defect" if defective else "deploy_error" if error else "config" if drift else ""
    canary = bool(m.policy.get("canary"))
    m.emit(
        Kind.DEPLOYED,
        batch,
        {
            "items": [i.id for i in items],
            "failed": bool(cause),
            "cause": cause or None,
            "hotfix": hotfix,
            "canary": canary,
        },
    )
    bake = m.s.progressive.canary_hours if canary else 0.0
    if not cause:
        if bake > 0:
            yield env.timeout(bake)
        deliver(m, items, batch)
        return
    detect_hours, by = m.policy.detection(m.streams["change.detection"])
    caught = canary and detect_hours <= bake
    method = "canary_rollback" if caught else restore_method(m, cause, defective, manual)
    u = defective[0].u_severity if defective else m.streams["change.severity"].uniform()
    severity = severity_of(u, m.s.incidents.severity_shares)
    full_share = m.s.incidents.impacted_share[severity - 1]
    incident = m.next_incident_id()
    share = full_share * m.s.progressive.canary_share if canary else full_share
    m.emit(
        Kind.INCIDENT_OPENED,
        incident,
        {"cause": cause, "severity": severity, "share": share, "batch": batch, "change": True},
    )
    env.process(
        respond(m, incident, severity, cause, detect_hours, by, method, items, defective, batch)
    )
    if bake > 0:
        yield env.timeout(min(bake, detect_hours))
        if not caught:
            m.emit(Kind.IMPACT_CHANGED, incident, {"share": full_share})
    if method not in ROLLBACKS:
        live = [i for i in items if i not in defective] if method == "flag_off" else items
        deliver(m, live, batch)


def respond(
    m: Model,
    incident: int,
    severity: int,
    cause: str,
    detect_hours: float,
    by: str,
    method: str,
    items: list[WorkItem],
    defective: list[WorkItem],
    batch: int,
) -> Process:
    """Detect, get someone on call, diagnose, restore; then return or rework changes."""
    env = m.env
    r = m.s.recovery
    sigma = m.s.incidents.duration_sigma
    team = items[0].team if items else 0
    yield env.timeout(detect_hours)
    m.emit(
        Kind.INCIDENT_DETECTED, incident, {"by": "canary" if method == "canary_rollback" else by}
    )
    if method == "canary_rollback":
        yield env.timeout(m.s.progressive.auto_rollback_minutes / MINUTES_PER_HOUR)
    else:
        req, pool = yield from _on_call(m, incident, team, "change")
        n = max(1, len(items))
        hours = (
            m.streams["change.diagnosis"].lognormal_median(
                r.diagnosis_hours_median * n**r.diagnosis_batch_exponent, sigma
            )
            * m.policy.diagnosis_factor()
        )
        if m.org.silos and cause == "defect":
            # Ops cannot find a code fault alone: after an escalation delay a developer of
            # the team that built the change is pulled off their work to diagnose with them.
            escalation = m.streams["escalation"].exponential(r.escalation_hours_mean)
            if escalation > 0:
                yield env.timeout(escalation)
            dev_pool = m.org.dev_pool(team)
            dev = dev_pool.request(Priority.URGENT, "unplanned")
            yield dev
            yield env.timeout(hours)
            dev_pool.release(dev)
        else:
            yield env.timeout(hours)
        m.emit(Kind.DIAGNOSED, incident, {})
        if method == "fix_forward":
            pool.release(req)
            fix = m.spawn("hotfix", r.hotfix_effort_days, team)
            fix.delivered_event = env.event()
            for item in defective:
                item.defect = False
            yield fix.delivered_event
        else:
            yield env.timeout(_restore_hours(m, method, "change"))
            pool.release(req)
    m.emit(Kind.INCIDENT_RESTORED, incident, {"method": method, "share": 0.0})
    if method in ROLLBACKS:
        lane = m.lanes[m.org.lane_of(team)]
        for item in items:
            m.emit(Kind.RETURNED, item.id, {"reason": method})
        for item in items:
            if item.defect:
                item.defect = False
                m.rework(item, "production")
            else:
                lane.add_ready(item, hotfix=item.origin == "hotfix")
    elif method == "flag_off":
        for item in defective:
            m.emit(Kind.RETURNED, item.id, {"reason": method})
            item.defect = False
            m.rework(item, "production")
    postmortem(m, severity, team)


def _on_call(m: Model, incident: int, team: int, family: str) -> Process:
    """Escalate (later in a blame culture) and pull an on-call engineer off their work.

    ``family`` (change, background, security, injected) keys the random streams, so
    incidents of one family never shift the draws of another (common random numbers).
    """
    env = m.env
    if m.policy.get("postmortems") == "blame":
        delay = m.streams[f"{family}.blame"].lognormal_median(
            m.s.detection.blame_delay_hours_median, m.s.incidents.duration_sigma
        )
        if delay > 0:
            yield env.timeout(delay)
    pool = m.org.ops_pool(m.org.lane_of(team))
    req = pool.request(Priority.URGENT, "unplanned")
    yield req
    m.emit(Kind.DIAGNOSIS_STARTED, incident, {"pool": pool.name})
    return req, pool


def _restore_hours(m: Model, method: str, family: str) -> float:
    """Hours one restore action takes (the on-call engineer is busy throughout)."""
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
        m.spawn("improvement", learning.improvement_effort_days, team)


def deliver(m: Model, items: list[WorkItem], batch: int) -> None:
    """Changes are live for all users: learning, weaknesses and patches take effect."""
    m.in_system -= len(items)
    for item in items:
        m.emit(Kind.DELIVERED, item.id, {"kind": item.kind, "batch": batch})
        if item.delivered_event is not None and not item.delivered_event.triggered:
            item.delivered_event.succeed()
        if item.origin == "improvement":
            m.learn()
        if item.weakness:
            item.weakness = False
            m.emit(Kind.WEAKNESS_LIVE, item.id, {})
            m.env.process(weakness(m, item))


def incident(
    m: Model,
    number: int,
    cause: str,
    severity: int,
    share: float,
    detect_hours: float,
    by: str,
    team: int,
) -> Process:
    """Incident ``number`` with no change behind it: detect, respond, repair in place."""
    env = m.env
    m.emit(
        Kind.INCIDENT_OPENED,
        number,
        {"cause": cause, "severity": severity, "share": share, "batch": -1, "change": False},
    )
    yield env.timeout(detect_hours)
    m.emit(Kind.INCIDENT_DETECTED, number, {"by": by})
    family = cause
    req, pool = yield from _on_call(m, number, team, family)
    hours = (
        m.streams[f"{family}.diagnosis"].lognormal_median(
            m.s.recovery.diagnosis_hours_median, m.s.incidents.duration_sigma
        )
        * m.policy.diagnosis_factor()
    )
    yield env.timeout(hours)
    m.emit(Kind.DIAGNOSED, number, {})
    yield env.timeout(_restore_hours(m, "repair", family))
    pool.release(req)
    m.emit(Kind.INCIDENT_RESTORED, number, {"method": "repair", "share": 0.0})
    postmortem(m, severity, team)


def background_incidents(m: Model) -> Process:
    """Capacity, dependency and hardware failures: a Poisson stream per week."""
    env = m.env
    rate = m.s.incidents.background_per_week
    if rate <= 0:
        return
    stream = m.streams["background"]
    while True:
        yield env.timeout(stream.exponential(HOURS_PER_WEEK / rate))
        severity = severity_of(stream.uniform(), m.s.incidents.severity_shares)
        team = int(stream.uniform() * m.org.teams)
        detect_hours, by = m.policy.detection(m.streams["background.detection"])
        share = m.s.incidents.impacted_share[severity - 1]
        number = m.next_incident_id()
        env.process(incident(m, number, "background", severity, share, detect_hours, by, team))


def traffic_spike(m: Model, factor: float, days: float) -> Process:
    """Extra capacity failures while production load is ``factor`` times normal.

    The extra incidents come at (factor - 1) times the background rate from their own
    ``spike`` stream, so the ordinary background incidents are the same as without it.
    """
    env = m.env
    rate = m.s.incidents.background_per_week * (factor - 1.0)
    end = env.now + days * HOURS_PER_DAY
    if rate <= 0:
        return
    stream = m.streams["spike"]
    while True:
        yield env.timeout(stream.exponential(HOURS_PER_WEEK / rate))
        if env.now >= end:
            return
        severity = severity_of(stream.uniform(), m.s.incidents.severity_shares)
        team = int(stream.uniform() * m.org.teams)
        detect_hours, by = m.policy.detection(m.streams["spike.detection"])
        share = m.s.incidents.impacted_share[severity - 1]
        number = m.next_incident_id()
        env.process(incident(m, number, "background", severity, share, detect_hours, by, team))


def weakness(m: Model, item: WorkItem) -> Process:
    """A live security weakness: found and patched through the pipeline, or exploited."""
    env = m.env
    sec = m.s.security
    sigma = m.s.incidents.duration_sigma
    exploit_in = (
        m.streams["exploit"].exponential(DAYS_PER_YEAR * HOURS_PER_DAY / sec.exploit_per_year)
        if sec.exploit_per_year > 0
        else float("inf")
    )
    found_in = m.streams["discovery"].lognormal_median(
        sec.discovery_days_median * HOURS_PER_DAY, sigma
    )
    if found_in < exploit_in:
        yield env.timeout(found_in)
        patch = _patch(m, item)
        outcome = yield patch.delivered_event | env.timeout(exploit_in - found_in)
        if patch.delivered_event in outcome:
            m.emit(Kind.WEAKNESS_CLOSED, item.id, {"by": "patch"})
            return
    else:
        yield env.timeout(exploit_in)
        patch = None
    number = m.next_incident_id()
    m.emit(Kind.WEAKNESS_EXPLOITED, item.id, {"incident": number})
    detect = m.streams["breach"].lognormal_median(
        sec.breach_detection_days_median * HOURS_PER_DAY, sigma
    )
    yield env.process(
        incident(m, number, "security", 2, sec.breach_share, detect, "customer", item.team)
    )
    if patch is None:
        patch = _patch(m, item)
    if not patch.delivered_event.triggered:
        yield patch.delivered_event
    m.emit(Kind.WEAKNESS_CLOSED, item.id, {"by": "patch"})


def _patch(m: Model, item: WorkItem) -> WorkItem:
    patch = m.spawn("security", m.s.security.patch_effort_days, item.team)
    patch.target = item
    patch.delivered_event = m.env.event()
    return patch
