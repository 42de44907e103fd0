"""From ready to production: release batching, regression, approval and deployment.

A :class:`Lane` collects changes that passed their per-change checks.  On a **release
train** a batch leaves every ``release_interval_days`` with everything ready; **on
demand** a batch leaves as soon as the lane has nothing in flight, so slow pipelines batch
up by themselves.  Each batch then waits for a regression cycle (unless testing is fully
automated), for approval (the next CAB meeting, or nothing extra after peer review), and
for a deployment (a maintenance window and an ops engineer if manual, minutes if
automated).  Fix-forward hotfixes take an emergency path: a shortened regression
(``testing.hotfix_regression_share`` of a cycle, none with full automation), an emergency
CAB, no window.  What happens in production is :mod:`sim.model.production`'s job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..calendar import next_weekly_slot, next_window
from ..events import Kind
from ..units import HOURS_PER_DAY
from .development import Process
from .items import Priority, WorkItem
from .pool import Lock
from .production import clean_deployment, deployment_outcome

if TYPE_CHECKING:
    from .context import Model

EMPTY: dict[str, object] = {}
"""Shared payload of events with no data (sinks never mutate payloads)."""
BY_PEER_REVIEW = {"by": "peer_review"}


class Lane:
    """One release lane: its ready list, its in-flight batches and its deploy lock."""

    def __init__(self, m: Model, index: int) -> None:
        self.m = m
        self.index = index
        self.ready: list[WorkItem] = []
        self.in_flight = 0
        self.releasing = 0
        """Changes in batches between release and production (regression, CAB, deploy)."""
        self.lock = Lock(m.env)
        m.env.process(self._trains())

    def add_ready(self, item: WorkItem, hotfix: bool = False) -> None:
        """A change passed its checks; hotfixes leave at once on the emergency path."""
        self.m.emit(Kind.READY, item.id, EMPTY)
        if hotfix:
            self.m.env.process(self._batch([item], hotfix=True))
            return
        self.ready.append(item)
        self.poke()

    def enter(self, item: WorkItem) -> Process:
        """A change from its own lifecycle process; on demand that process ships it.

        Carrying the batch in the arriving change's process when the lane is idle saves
        starting a new process per deployment; the behaviour equals :meth:`add_ready`.
        """
        m = self.m
        if item.origin == "hotfix":
            m.emit(Kind.READY, item.id, EMPTY)
            yield from self._batch([item], hotfix=True)
            return
        m.emit(Kind.READY, item.id, EMPTY)
        self.ready.append(item)
        if not self.in_flight and m.policy.get("release") == "on_demand":
            items, self.ready = self.ready, []
            self.in_flight += 1
            yield from self._batch(items, hotfix=False)

    def poke(self) -> None:
        """On demand: start a batch if changes are ready and nothing is in flight."""
        if self.ready and not self.in_flight and self.m.policy.get("release") == "on_demand":
            self._launch()

    def _launch(self) -> None:
        items, self.ready = self.ready, []
        self.in_flight += 1
        self.m.env.process(self._batch(items, hotfix=False))

    def _trains(self) -> Process:
        """Release-train departures; idle ticks while the lane is on demand."""
        env = self.m.env
        while True:
            yield env.timeout(self.m.policy.get("release_interval_days") * HOURS_PER_DAY)
            if self.ready and self.m.policy.get("release") == "train":
                self._launch()

    def _batch(self, items: list[WorkItem], hotfix: bool) -> Process:
        """Regression, approval and deployment of one batch."""
        m = self.m
        batch = m.next_batch_id()
        for item in items:
            item.batch = batch
        m.emit(
            Kind.BATCH_FORMED,
            batch,
            {"items": [i.id for i in items], "lane": self.index, "hotfix": hotfix},
        )
        policy = m.policy
        self.releasing += len(items)
        days = policy.regression_days(policy.get("test_automation"))
        if hotfix:
            days *= m.s.testing.hotfix_regression_share
        if days > 0:
            before = len(items)
            items = yield from self._regression(items, days, hotfix)
            self.releasing -= before - len(items)
        if items:
            if policy.get("change_approval") == "cab":
                yield from self._cab(batch, hotfix)
            else:
                m.emit(Kind.APPROVED, batch, BY_PEER_REVIEW)
            yield from self._deploy(batch, items, hotfix)
        self.releasing -= len(items)
        if not hotfix:
            self.in_flight -= 1
            self.poke()

    def _regression(self, items: list[WorkItem], days: float, hotfix: bool) -> Process:
        """A manual regression cycle of ``days`` on the batch; found defects go to rework."""
        m = self.m
        env = m.env
        pool = m.org.test_pool(self.index)
        for item in items:
            m.emit(Kind.QUEUED, item.id, pool.payload("regression"))
        provision = m.policy.provision_hours()
        if provision > 0:
            yield env.timeout(provision)
        priority = Priority.EXPEDITE if hotfix else Priority.PLANNED
        work = "unplanned" if hotfix else "planned"
        # Never ask for more testers than the pool has, or the cycle could never start.
        testers = max(1, min(m.regression_testers, pool.capacity))
        reqs = [pool.request(priority, work) for _ in range(testers)]
        for req in reqs:
            yield req
        for item in items:
            m.emit(Kind.STARTED, item.id, pool.payload("regression"))
        hours = days * HOURS_PER_DAY
        yield env.timeout(hours)
        for req in reqs:
            pool.release(req)
        keep = []
        p_found = m.s.testing.regression_detection_prob
        for item in items:
            m.emit(Kind.FINISHED, item.id, {"stage": "regression", "hours": hours})
            if item.defect and item.u_regression < p_found:
                m.found(item, "regression")
                m.emit(Kind.RETURNED, item.id, {"reason": "regression"})
                m.rework(item)
            else:
                keep.append(item)
        return keep

    def _cab(self, batch: int, hotfix: bool) -> Process:
        """Wait for the next CAB meeting, or for an emergency CAB for a hotfix.

        With peer review there is no batch-level wait: review happened per change.
        """
        m = self.m
        env = m.env
        a = m.s.approval
        if hotfix:
            wait = m.streams["emergency_cab"].lognormal_median(
                a.emergency_cab_hours_median, m.s.incidents.duration_sigma
            )
            by = "emergency_cab"
        else:
            earliest = env.now + a.cab_submission_lead_days * HOURS_PER_DAY
            meeting = next_weekly_slot(earliest, a.cab_weekday, a.cab_hour, a.cab_interval_days)
            wait = meeting - env.now
            by = "cab"
        if wait > 0:
            yield env.timeout(wait)
        m.emit(Kind.APPROVED, batch, {"by": by})

    def _deploy(self, batch: int, items: list[WorkItem], hotfix: bool) -> Process:
        """Take the deploy lock, deploy by hand or by machine, then judge the outcome."""
        m = self.m
        env = m.env
        d = m.s.deployment
        priority = Priority.EXPEDITE if hotfix else Priority.PLANNED
        if not hotfix and env.now < m.freeze_until:
            yield env.timeout(m.freeze_until - env.now)  # a release freeze: hotfixes only
        wait = self.lock.acquire(priority)
        if wait is not None:
            yield wait
        manual = m.policy.get("deployment") == "manual"
        if manual:
            if not hotfix:
                start = next_window(env.now, d.maintenance_window)
                if start > env.now:
                    yield env.timeout(start - env.now)
            pool = m.org.ops_pool(self.index)
            for item in items:
                m.emit(Kind.QUEUED, item.id, pool.payload("deploy"))
            req = pool.request(priority, "unplanned" if hotfix else "planned")
            yield req
            for item in items:
                m.emit(Kind.STARTED, item.id, pool.payload("deploy"))
            hours = d.manual_hours + d.manual_hours_per_change * len(items)
            yield env.timeout(hours)
            pool.release(req)
            for item in items:
                m.emit(Kind.FINISHED, item.id, {"stage": "deploy", "hours": hours})
            p_error = d.manual_error_prob * m.policy.learning_multiplier
        else:
            if m.automated_deploy_hours > 0:
                yield env.timeout(m.automated_deploy_hours)
            p_error = d.automated_error_prob
        error = m.deploy_errors.uniform() < p_error
        drift = m.drift.uniform() < m.policy.drift_probability()
        defective = False
        for item in items:
            defective = defective or item.defect
        if error or drift or defective or m.policy.get("canary"):
            yield from deployment_outcome(m, batch, items, hotfix, manual, error, drift)
        else:
            clean_deployment(m, batch, items, hotfix)
        self.lock.release()
