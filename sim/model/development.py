"""From idea to a tested commit: development, integration, review and per-change tests.

One SimPy process per work item runs :func:`lifecycle`: develop (holding a developer,
pre-emptible by incident response), pay the integration cost of the branch, get peer
review, pass the automated suite and security scan, and — unless testing is fully
automated — wait for manual testing.  A test that finds a latent defect or weakness sends
the change back for rework (which repeats the whole road).  A change that passes is handed
to its release lane (:mod:`sim.model.release`).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from ..events import Kind
from ..units import HOURS_PER_DAY
from .items import WorkItem

if TYPE_CHECKING:
    from .context import Model

Process = Generator[simpy.Event, Any, Any]

FIRST_COMMIT = {"rework": False}
REWORK_COMMIT = {"rework": True}
"""Shared payloads of ``committed`` events (sinks never mutate payloads)."""


def lifecycle(m: Model, item: WorkItem) -> Process:
    """The per-item road from arrival to ready-for-release, with rework loops."""
    while True:
        yield from develop(m, item)
        found = yield from check(m, item)
        if not found:
            break
        item.reworks += 1
    yield from m.lanes[m.org.lane_of(item.team)].enter(item)


def develop(m: Model, item: WorkItem) -> Process:
    """Hold a developer for the change's effort plus, first time round, its merge cost."""
    env = m.env
    emit = m.emit
    pool = m.org.dev_pool(item.team)
    if item.reworks and m.org.silos and m.handoff_hours > 0:
        yield env.timeout(m.streams["handoff"].exponential(m.handoff_hours))
    emit(Kind.QUEUED, item.id, pool.payload("development"))
    priority, work = item.priority, item.work_class
    req = pool.hold_if_free(priority, work, preemptible=True)
    if req is None:
        req = pool.request(priority, work, preemptible=True)
        yield req
    emit(Kind.STARTED, item.id, pool.payload("development"))
    started = env.now
    first = not item.committed
    remaining = item.effort_hours * (item.rework_share if item.reworks else 1.0)
    integrated = not first
    active = 0.0
    m.open_branches[item.team] += 1
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
            req = pool.request(priority, work, preemptible=True, seq=req.seq)
            yield req
            continue
        active += remaining
        if integrated:
            break
        # The change is committed (to its branch, or to trunk under CI): DORA's lead time
        # starts here.  Merging a long-lived branch into mainline is still to come, so its
        # integration effort counts in lead time.
        emit(Kind.COMMITTED, item.id, FIRST_COMMIT)
        integrated = True
        branch_age_days = (env.now - started) / HOURS_PER_DAY
        if m.policy.get("continuous_integration") and m.policy.get("test_automation") != "none":
            # Merging daily is only safe with an automated suite to verify each merge
            # (DORA-2021: automated testing drives CI); without one, branches stay long.
            branch_age_days = min(branch_age_days, m.s.development.ci_branch_age_days)
        others = m.open_branches[item.team] - 1
        remaining = m.integration_hours(branch_age_days, others) if m.merge_cost else 0.0
        if remaining <= 0:
            break
    pool.release(req)
    m.open_branches[item.team] -= 1
    emit(Kind.FINISHED, item.id, {"stage": "development", "hours": active})
    if first:
        item.committed = True
        item.defect = item.u_defect < m.defect_probability(branch_age_days, others)
    else:
        emit(Kind.COMMITTED, item.id, REWORK_COMMIT)


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
        pool = m.org.test_pool(item.team)
        m.emit(Kind.QUEUED, item.id, pool.payload("manual_test"))
        if m.org.silos and m.handoff_hours > 0:
            yield env.timeout(m.streams["handoff"].exponential(m.handoff_hours))
        req = pool.hold_if_free(item.priority, item.work_class)
        if req is None:
            req = pool.request(item.priority, item.work_class)
            yield req
        m.emit(Kind.STARTED, item.id, pool.payload("manual_test"))
        yield env.timeout(m.manual_test_hours)
        pool.release(req)
        m.emit(Kind.FINISHED, item.id, {"stage": "manual_test", "hours": m.manual_test_hours})
        if item.defect and item.u_manual < m.s.testing.manual_detection_prob:
            return m.found(item, "manual")
    return False


def integration_hours(
    hours_per_branch_day: float, factor: float, age_days: float, others: int, to_calendar: float
) -> float:
    """Calendar hours of merge effort for a branch ``age_days`` old with ``others`` open."""
    person_hours = hours_per_branch_day * age_days * (1.0 + factor * others)
    return person_hours * to_calendar


def integration_defect_probability(
    rate: float, factor: float, age_days: float, others: int
) -> float:
    """Chance of an integration defect: a hazard per branch-day, scaled by open branches."""
    return 1.0 - math.exp(-rate * age_days * (1.0 + factor * others))
