"""Production: what a deployment does to users, and how the organisation recovers.

A deployment fails if any change in it carries an escaped defect, if a manual deploy went
wrong by human error, or if environment drift broke it (BRIEF §3.6-3.10).  **Every fault
is its own incident** with its own severity (an escaped defect's from its change's birth
draw) and its own detection time, so a bigger batch brings more incidents; they share one
deployment, one response and one restore.  Impact is a share of the users of the failing
**service** (the lane's), so an organisation of N services that loses one of them loses
1/N of its users' service.

With a canary the faults first reach a small share of users, and if monitoring notices
one within the bake time the deployment is rolled back automatically.  Otherwise someone
on call (pulled off planned work) diagnoses — slower for bigger batches, faster with
observability, slower when ops must escalate to a dev team — and restores service by the
**quickest** means the practices allow: switching blue-green, rolling back, turning flags
off, or fixing forward through the pipeline (so a slow pipeline means a slow restore).
Rolled-back changes that were not faulty go out again at the lane's next deployment
opportunity (:meth:`sim.model.release.Lane.redeploy`); the faulty ones are reworked first.
After a restore, a blameless culture files an improvement action for the team whose
incident it was.  Incidents with no change behind them (capacity, dependencies, hardware)
are repaired in place (:mod:`sim.model.incidents`, which also holds the on-call, restore
and postmortem steps shared with a failed deployment); a change that goes live with a
security weakness starts its race between patch and exploit (:mod:`sim.model.security`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from ..events import Kind
from ..units import MINUTES_PER_HOUR
from .development import rework, spawn
from .incidents import on_call, postmortem, restore_hours, severity_of
from .items import Patch, Priority, Process, WorkItem
from .security import weakness

# Event kinds bound once: an enum member lookup costs ~50 ns, and these run per change.
_DELIVERED = Kind.DELIVERED
_DEPLOYED = Kind.DEPLOYED
_DIAGNOSED = Kind.DIAGNOSED
_IMPACT_CHANGED = Kind.IMPACT_CHANGED
_INCIDENT_DETECTED = Kind.INCIDENT_DETECTED
_INCIDENT_OPENED = Kind.INCIDENT_OPENED
_INCIDENT_RESTORED = Kind.INCIDENT_RESTORED
_RETURNED = Kind.RETURNED
_WEAKNESS_LIVE = Kind.WEAKNESS_LIVE

if TYPE_CHECKING:
    from .context import Model

ROLLBACKS = frozenset(
    {"rollback", "manual_rollback", "blue_green", "canary_rollback", "pipeline_rollback"}
)
AUTOMATIC = frozenset({"canary_rollback", "pipeline_rollback"})
"""Restores no person takes part in: a canary's or a deploy pipeline's own rollback."""


class Fault:
    """One fault of a failed deployment: its incident, severity and detection."""

    __slots__ = ("by", "cause", "detect_hours", "full_share", "incident", "severity")

    def __init__(
        self, cause: str, severity: int, full_share: float, detect_hours: float, by: str
    ) -> None:
        self.cause = cause
        self.severity = severity
        self.full_share = full_share
        """Share of the service's users the fault hurts once fully rolled out."""
        self.detect_hours = detect_hours
        self.by = by
        self.incident = -1


class Failure(NamedTuple):
    """A failed deployment on its way to restore."""

    lane: int
    items: list[WorkItem]
    defective: list[WorkItem]
    faults: list[Fault]
    method: str


def restore_method(m: Model, faults: list[Fault], defective: list[WorkItem], manual: bool) -> str:
    """The quickest way back the current practices allow for this failed deployment.

    Drift alone is repaired in place.  Otherwise every feasible method is timed and the
    fastest wins (a tie goes to the earlier in the list: flags keep the rest of the batch
    live).  A deploy error can always be reverted; faulty changes can be reverted only if
    each of them can (``recovery.rollbackable_share``, less by hand), and flagged off only
    if each sits behind a flag.
    """
    causes = {f.cause for f in faults}
    if causes == {"config"}:
        return "repair"
    policy = m.policy
    r = m.s.recovery
    share = r.rollbackable_share
    revertible = all(i.u_rollback < share for i in defective)
    by_hand = all(i.u_rollback < share * r.manual_rollback_factor for i in defective)
    flagged = defective and all(i.u_flag < m.s.progressive.flag_coverage for i in defective)
    feasible = [
        method
        for method, possible in (
            ("flag_off", policy.get("feature_flags") and flagged and "deploy_error" not in causes),
            ("blue_green", policy.get("blue_green") and revertible),
            ("rollback", not manual and revertible),
            ("manual_rollback", manual and by_hand),
        )
        if possible
    ]
    if not feasible:
        return "fix_forward"
    # Timed as the restore will take them (none of these methods draws a random number).
    return min(feasible, key=lambda method: restore_hours(m, method, "change"))


def clean_deployment(
    m: Model, lane: int, batch: int, items: list[WorkItem], kind: str, canary: bool = False
) -> None:
    """A deployment with nothing wrong: record it and, without a canary, deliver it.

    The same outcome :func:`deployment_outcome` reaches for this case, without building
    its fault machinery or starting a generator (the common path of fast pipelines).
    """
    m.emit(
        _DEPLOYED,
        batch,
        {
            "items": [i.id for i in items],
            "failed": False,
            "cause": None,
            "hotfix": kind == "hotfix",
            "canary": canary,
            "kind": kind,
            "lane": lane,
        },
    )
    if not canary:
        deliver(m, items, batch)


def deployment_outcome(
    m: Model,
    lane: int,
    batch: int,
    items: list[WorkItem],
    defective: list[WorkItem],
    kind: str,
    manual: bool,
    error: bool,
    drift: bool,
) -> Process:
    """Record a deployment with at least one fault and open an incident per fault."""
    env = m.env
    # Canary analysis and its automatic rollback need deployment automation.
    canary = not manual and bool(m.policy.get("canary"))
    s = m.s
    shares = s.incidents.severity_shares
    impacted = s.incidents.impacted_share
    detection = m.streams["change.detection"]
    faults = [
        Fault("defect", sev, impacted[sev - 1], *m.policy.detection(detection))
        for sev in (severity_of(i.u_severity, shares) for i in defective)
    ]
    for cause, happened in (("deploy_error", error), ("config", drift)):
        if happened:
            sev = severity_of(m.streams["change.severity"].uniform(), shares)
            noticed = m.policy.detection(detection)
            if cause == "deploy_error" and not manual:
                noticed = (0.0, "pipeline")  # the deploy's own health checks fail at once
            faults.append(Fault(cause, sev, impacted[sev - 1], *noticed))
    m.emit(
        _DEPLOYED,
        batch,
        {
            "items": [i.id for i in items],
            "failed": True,
            "cause": faults[0].cause,
            "hotfix": kind == "hotfix",
            "canary": canary,
            "kind": kind,
            "lane": lane,
        },
    )
    bake = s.progressive.canary_hours if canary else 0.0
    first = min(f.detect_hours for f in faults)
    caught = canary and first <= bake
    if caught:
        method = "canary_rollback"
    elif error and not manual:
        method = "pipeline_rollback"  # an automated deploy that fails reverts itself
    else:
        method = restore_method(m, faults, defective, manual)
    services = m.services()
    exposed = s.progressive.canary_share if canary else 1.0
    for fault in faults:
        fault.incident = m.next_incident_id()
        share = fault.full_share * exposed
        m.emit(
            _INCIDENT_OPENED,
            fault.incident,
            {
                "cause": fault.cause,
                "severity": fault.severity,
                "share": share,
                "users": share / services,
                "service": lane,
                "batch": batch,
                "change": True,
            },
        )
    env.process(respond(m, Failure(lane, items, defective, faults, method)))
    if bake > 0:
        yield env.timeout(min(bake, first))
        if not caught:
            for fault in faults:
                m.emit(
                    _IMPACT_CHANGED,
                    fault.incident,
                    {"share": fault.full_share, "users": fault.full_share / services},
                )
    # Everything deployed runs for all users (flagged-off faults excepted) until a restore
    # takes it back; only a canary that caught the fault kept the batch from going out.
    if not caught:
        live = [i for i in items if i not in defective] if method == "flag_off" else items
        deliver(m, live, batch)


def respond(m: Model, failure: Failure) -> Process:
    """Detect, get someone on call, diagnose, restore; then redeploy or rework changes."""
    env = m.env
    r = m.s.recovery
    sigma = m.s.incidents.duration_sigma
    items, defective, faults = failure.items, failure.defective, failure.faults
    method = failure.method
    team = (defective or items)[0].team if items else 0
    order = sorted(faults, key=lambda f: f.detect_hours)
    first = order[0]
    restored = [False]
    yield env.timeout(first.detect_hours)
    automatic = method in AUTOMATIC
    by = "canary" if method == "canary_rollback" else first.by
    m.emit(_INCIDENT_DETECTED, first.incident, {"by": by})
    if len(order) > 1:
        env.process(_noticed(m, order, restored))
    if automatic:
        yield env.timeout(m.s.progressive.auto_rollback_minutes / MINUTES_PER_HOUR)
    else:
        req = yield from on_call(m, first.incident, team, "change")
        n = max(1, len(items))
        hours = (
            m.streams["change.diagnosis"].lognormal_median(
                r.diagnosis_hours_median * n**r.diagnosis_batch_exponent, sigma
            )
            * m.policy.diagnosis_factor()
        )
        if m.org.silos and defective:
            # Ops cannot find a code fault alone: after an escalation delay a developer of
            # the team that built the change is pulled off their work to diagnose with them.
            escalation = m.streams["escalation"].exponential(r.escalation_hours_mean)
            if escalation > 0:
                yield env.timeout(escalation)
            dev_pool = m.org.dev_pool(team)
            dev = dev_pool.request(Priority.URGENT, "unplanned", team=team)
            yield dev
            yield env.timeout(hours)
            dev.pool.release(dev)
        else:
            yield env.timeout(hours)
        m.emit(_DIAGNOSED, first.incident, {})
        if method == "fix_forward":
            # Each faulty change gets its own fix, developed in parallel by whoever is
            # free; they ship together as one patch on the emergency path.
            req.pool.release(req)
            patch = Patch(env, len(defective))
            for item in defective:
                item.defect = False
                fix = spawn(m, "hotfix", r.hotfix_effort_days, item.team)
                fix.patch = patch
                fix.delivered_event = patch.delivered
            yield patch.delivered
        else:
            yield env.timeout(restore_hours(m, method, "change"))
            req.pool.release(req)
    restored[0] = True
    for fault in faults:
        _restored(m, fault, method)
    if method in ROLLBACKS:
        # The whole batch is taken back.  The faulty changes go back for rework; the
        # others had reached production (their lead time stands) and go out again.
        good = []
        for item in items:
            faulty = item.defect
            m.emit(_RETURNED, item.id, {"reason": method, "faulty": faulty})
            if faulty:
                undeliver(m, item)
                item.defect = False
                rework(m, item, "production")
            else:
                good.append(item)
        m.lanes[failure.lane].redeploy(good)
    elif method == "flag_off":
        for item in defective:
            m.emit(_RETURNED, item.id, {"reason": method, "faulty": True})
            item.defect = False
            rework(m, item, "production")
    postmortem(m, min(f.severity for f in faults), team)


def _restored(m: Model, fault: Fault, method: str) -> None:
    m.emit(_INCIDENT_RESTORED, fault.incident, {"method": method, "share": 0.0, "users": 0.0})


def _noticed(m: Model, order: list[Fault], restored: list[bool]) -> Process:
    """The further faults of a deployment (in detection order, after the first) are
    noticed at their own times, until the restore comes (then nobody reports them)."""
    env = m.env
    previous = order[0].detect_hours
    for fault in order[1:]:
        wait = fault.detect_hours - previous
        previous = fault.detect_hours
        if wait > 0:
            yield env.timeout(wait)
        if restored[0]:
            return
        m.emit(_INCIDENT_DETECTED, fault.incident, {"by": fault.by})


def deliver(m: Model, items: list[WorkItem], batch: int) -> None:
    """Changes are live for all users: learning, weaknesses and patches take effect.

    A change that is live already (redeployed after a rollback it was not the cause of)
    is recorded again but takes effect only once.
    """
    emit = m.emit
    payloads: dict[str, dict[str, Any]] = {}  # one per kind of change in the batch
    fresh = 0
    for item in items:
        data = payloads.get(item.kind)
        if data is None:
            data = payloads[item.kind] = {"kind": item.kind, "batch": batch}
        emit(_DELIVERED, item.id, data)
        if item.live:
            continue
        item.live = True
        fresh += 1
        if item.delivered_event is not None and not item.delivered_event.triggered:
            item.delivered_event.succeed()
        if item.origin == "improvement":
            m.learn(item.team)
        if item.weakness:
            item.weakness = False
            m.emit(_WEAKNESS_LIVE, item.id, {})
            m.env.process(weakness(m, item))
    m.in_system -= fresh


def undeliver(m: Model, item: WorkItem) -> None:
    """A faulty change taken back from production is work in progress again."""
    if item.live:
        item.live = False
        m.in_system += 1
