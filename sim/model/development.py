"""From idea to a tested commit: birth, development, integration, review and per-change tests.

:func:`spawn` gives birth to a work item and starts one SimPy process per item running
:func:`lifecycle`: develop (holding a developer, pre-emptible by incident response), pay
the integration cost of the branch, get peer review, pass the automated suite and security
scan, and — unless testing is fully automated — wait for manual testing.  A test that finds
a latent defect or weakness sends the change back for rework (:func:`rework`), which
repeats the whole road.  A change that passes is handed to its release lane
(:mod:`sim.model.release`).

Defect risk grows with the size of a change: each person-day of work leaves a latent
defect with ``development.code_defect_prob`` (lowered by the team's learning, raised while
people learn a new way of working), long-lived branches add integration defects, and
hand-offs lose context.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import simpy

from ..events import Kind
from ..units import HOURS_PER_DAY
from .items import Process, WorkItem

# Event kinds bound once: an enum member lookup costs ~50 ns, and these run per change.
_ARRIVED = Kind.ARRIVED
_COMMITTED = Kind.COMMITTED
_FINISHED = Kind.FINISHED
_QUEUED = Kind.QUEUED
_STARTED = Kind.STARTED

if TYPE_CHECKING:
    from .context import Model

FIRST_COMMIT = {"rework": False}
REWORK_COMMIT = {"rework": True}
"""Shared payloads of ``committed`` events (sinks never mutate payloads)."""


def spawn(m: Model, origin: str, mean_days: float, team: int | None = None) -> WorkItem:
    """A new work item of ``origin`` enters the organisation and starts its road."""
    item = m.factory.make(origin, mean_days, m.s.org.teams, team)
    m.emit(
        _ARRIVED,
        item.id,
        {
            "kind": item.kind,
            "effort_hours": item.effort_hours,
            "team": item.team,
            "origin": origin,
        },
    )
    m.in_system += 1
    m.env.process(lifecycle(m, item))
    return item


def rework(m: Model, item: WorkItem, found_in: str | None = None) -> None:
    """Send a change taken out of a batch back to development.

    ``found_in`` ("production") sets the rework effort when no test found it; a change
    taken back from production is reworked first and ships on the emergency path.
    """
    if found_in is not None:
        item.rework_share = m.rework_fraction[found_in]
        item.urgent = found_in == "production"
    item.reworks += 1
    m.env.process(lifecycle(m, item))


def lifecycle(m: Model, item: WorkItem) -> Process:
    """The per-item road from arrival to ready-for-release, with rework loops."""
    while True:
        yield from develop(m, item)
        found = yield from check(m, item)
        if not found:
            break
        item.reworks += 1
    lane = item.team if m.policy.get("loosely_coupled") else 0
    yield from m.lanes[lane].enter(item)


def develop(m: Model, item: WorkItem) -> Process:
    """Hold a developer for the change's effort plus, first time round, its merge cost.

    Work takes longer while people learn a new way of working (the learning load) and in
    a pool whose new hires are still ramping up (the pool's speed).
    """
    env = m.env
    emit = m.emit
    team = item.team
    pool = m.org.dev_pool(team)
    if item.reworks and m.org.silos and m.handoff_hours > 0:
        yield env.timeout(m.handoff.exponential(m.handoff_hours))
    emit(_QUEUED, item.id, pool.payloads["development"])
    priority, work = item.priority, item.work_class
    req = pool.hold_if_free(priority, work, True, team)
    if req is None:
        req = pool.request(priority, work, True, None, team)
        yield req
    pool = req.pool
    emit(_STARTED, item.id, pool.payloads["development"])
    started = env.now
    first = not item.committed
    remaining = item.effort_hours * (item.rework_share if item.reworks else 1.0)
    load = 0.0
    slow = 1.0
    if m.policy.learning or pool.ramping:
        load = m.policy.learning_load()
        slow = (1.0 + m.s.adoption.learning_slowdown * load) / pool.speed()
        remaining *= slow
    integrated = not first
    active = 0.0
    m.open_branches[team] += 1
    branch_age_days = 0.0
    others = 0
    while True:
        t0 = env.now
        req.busy_until = t0 + remaining
        try:
            yield env.timeout(remaining)
        except simpy.Interrupt:
            active += env.now - t0
            remaining -= env.now - t0
            # Back in line at the team's pool as it is now (a reorganisation may have
            # replaced the pool this work started in), keeping its place.
            req = m.org.dev_pool(team).request(priority, work, True, req.seq, team)
            yield req
            continue
        active += remaining
        if integrated:
            break
        # The change is committed (to its branch, or to trunk under CI): DORA's lead time
        # starts here.  Merging a long-lived branch into mainline is still to come, so its
        # integration effort counts in lead time.
        emit(_COMMITTED, item.id, FIRST_COMMIT)
        integrated = True
        branch_age_days = (env.now - started) / HOURS_PER_DAY
        if m.policy.get("continuous_integration") and m.policy.get("test_automation") != "none":
            # Merging daily is only safe with an automated suite to verify each merge
            # (DORA-2021: automated testing drives CI); without one, branches stay long.
            branch_age_days = min(branch_age_days, m.s.development.ci_branch_age_days)
        others = m.open_branches[team] - 1
        remaining = integration_hours(m, branch_age_days, others) * slow if m.merge_cost else 0.0
        if remaining <= 0:
            break
    req.pool.release(req)
    m.open_branches[team] -= 1
    emit(_FINISHED, item.id, {"stage": "development", "hours": active})
    if first:
        item.committed = True
        item.defect = item.u_defect < defect_probability(m, item, branch_age_days, others, load)
    else:
        emit(_COMMITTED, item.id, REWORK_COMMIT)


def check(m: Model, item: WorkItem) -> Process:
    """Peer review, automated tests, scanning and manual testing; True if a test failed."""
    env = m.env
    policy = m.policy
    if policy.get("change_approval") == "peer_review" and m.review_hours > 0:
        yield env.timeout(m.streams["review"].exponential(m.review_hours))
    level = policy.get("test_automation")
    if level != "none":
        if m.automated_hours > 0:
            yield env.timeout(m.automated_hours)
        if item.defect and item.u_auto < policy.automated_detection(level):
            return m.found(item, "automated")
    scanned = item.weakness and policy.get("security_scanning")
    if scanned and item.u_scan < m.s.testing.scan_detection_prob:
        return m.found(item, "scan")
    if level != "full" and m.manual_test_hours > 0:
        team = item.team
        pool = m.org.test_pool(team)
        m.emit(_QUEUED, item.id, pool.payloads["manual_test"])
        if m.org.silos and m.handoff_hours > 0:
            yield env.timeout(m.handoff.exponential(m.handoff_hours))
            pool = m.org.test_pool(team)  # the hand-off may have crossed a reorganisation
        priority, work = item.priority, item.work_class
        req = pool.hold_if_free(priority, work, False, team, "test")
        if req is None:
            req = pool.request(priority, work, False, None, team, "test")
            yield req
        pool = req.pool
        m.emit(_STARTED, item.id, pool.payloads["manual_test"])
        hours = m.manual_test_hours / pool.speed() if pool.ramping else m.manual_test_hours
        yield env.timeout(hours)
        pool.release(req)
        m.emit(_FINISHED, item.id, {"stage": "manual_test", "hours": hours})
        if item.defect and item.u_manual < m.manual_detection:
            return m.found(item, "manual")
    return False


def defect_probability(
    m: Model, item: WorkItem, age_days: float, others: int, load: float = 0.0
) -> float:
    """Chance a freshly committed change carries a latent defect.

    Combines code defects (a chance per person-day of the change's effort, scaled by the
    team's learning, higher for a fix written in a hurry to restore service and, while
    people learn a new way of working, raised by the learning load),
    integration defects from the branch's age and the open branches beside it, and
    context lost in hand-offs.
    """
    d = m.s.development
    per_day = d.code_defect_prob * m.learning[item.team]
    if item.origin == "hotfix":
        per_day *= m.s.recovery.hotfix_defect_factor
    if load > 0:
        per_day *= 1.0 + (m.s.adoption.learning_defect_factor - 1.0) * load
    p_code = 1.0 - (1.0 - min(1.0, per_day)) ** item.effort_days
    p_int = integration_defect_probability(
        d.integration_defect_rate_per_branch_day, d.concurrent_branch_factor, age_days, others
    )
    handoffs = 0
    if m.org.silos:
        handoffs = 1 + (m.policy.get("test_automation") != "full")
    p_ctx = 1.0 - (1.0 - m.s.handoff.context_loss_defect_prob) ** handoffs
    return 1.0 - (1.0 - p_code) * (1.0 - p_int) * (1.0 - p_ctx)


def integration_hours(m: Model, age_days: float, others: int) -> float:
    """Calendar hours of merge effort for a branch of ``age_days`` with ``others`` open."""
    d = m.s.development
    person_hours = (
        d.integration_hours_per_branch_day * age_days * (1.0 + d.concurrent_branch_factor * others)
    )
    return person_hours * m.person_hour


def integration_defect_probability(
    rate: float, factor: float, age_days: float, others: int
) -> float:
    """Chance of an integration defect: a hazard per branch-day, scaled by open branches."""
    return 1.0 - math.exp(-rate * age_days * (1.0 + factor * others))
