"""From ready to production: release batching, regression, approval and deployment.

A :class:`Lane` releases one service. It collects changes that passed their per-change
checks. On a **release train** a batch leaves every ``release_interval_days`` (on
average, at irregular gaps with ``release_interval_cv``) with everything ready; **on
demand** a batch leaves as soon as the lane has nothing in flight, so slow pipelines
batch up by themselves. Each batch then waits for a regression cycle (unless testing is
fully automated; its length varies around its mean, as real cycles do), for approval
(the next CAB meeting, or nothing extra after peer review), and for a deployment (a
maintenance window and an ops engineer if manual, minutes if automated).

Three kinds of deployment leave a lane: a **release** of new work; a **hotfix** on the
emergency path (a shortened regression, ``testing.hotfix_regression_share`` of a cycle,
none with full automation; an emergency CAB; no window) — a fix-forward patch, or a
faulty change taken back from production and reworked, which does not wait for the next
train; and a **redeploy** of changes that were rolled back together with a faulty one:
they already passed regression and approval, so they go out again as soon as the restore
is done (by hand or by machine, as the lane deploys; as part of the incident's response
they need no new window), never with the next train. What happens in production is
:mod:`sim.model.production`'s job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..calendar import next_weekly_slot, next_window
from ..events import Kind
from ..units import HOURS_PER_DAY
from .development import rework
from .items import Priority, Process, WorkItem
from .pool import Lock
from .production import clean_deployment, deliver, deployment_outcome

# Event kinds bound once: an enum member lookup costs ~50 ns, and these run per change.
_APPROVED = Kind.APPROVED
_BATCH_FORMED = Kind.BATCH_FORMED
_FINISHED = Kind.FINISHED
_QUEUED = Kind.QUEUED
_READY = Kind.READY
_RETURNED = Kind.RETURNED
_STARTED = Kind.STARTED

if TYPE_CHECKING:
    from .context import Model

EMPTY: dict[str, object] = {}
"""Shared payload of events with no data (sinks never mutate payloads)."""
BY_PEER_REVIEW = {"by": "peer_review"}
RELEASE, HOTFIX, REDEPLOY = "release", "hotfix", "redeploy"
"""Kinds of deployment (the ``kind`` of ``batch_formed`` and ``deployed`` events)."""


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
        self.reworked: list[WorkItem] = []
        """Changes reworked after being taken back from production, waiting to go out."""
        self.re_releasing = False
        m.env.process(self._trains())

    def enter(self, item: WorkItem) -> Process:
        """A change that passed its checks joins the lane, from its own lifecycle process.

        On demand, when the lane is idle, that process carries the batch itself: this saves
        starting a new process per deployment.  Fixes and reworked faults leave on the
        emergency path.
        """
        m = self.m
        m.emit(_READY, item.id, EMPTY)
        if item.urgent:
            # Reworked after being taken back from production: out on the emergency path
            # with every other such change that is ready, one emergency batch at a time.
            item.urgent = False
            self.reworked.append(item)
            if self.re_releasing:
                return
            self.re_releasing = True
            while self.reworked:
                items, self.reworked = self.reworked, []
                yield from self._batch(items, HOTFIX)
            self.re_releasing = False
            return
        if item.origin == "hotfix":
            patch = item.patch
            if patch is None:
                yield from self._batch([item], HOTFIX)
                return
            patch.ready.append(item)
            if len(patch.ready) == patch.size:  # the last fix of the patch: ship it
                yield from self._batch(patch.ready, HOTFIX)
            return
        self.ready.append(item)
        if not self.in_flight and m.policy.get("release") == "on_demand":
            items, self.ready = self.ready, []
            self.in_flight += 1
            yield from self._batch(items, RELEASE)

    def redeploy(self, items: list[WorkItem]) -> None:
        """Deploy rolled-back changes that were not faulty again, without a new train."""
        if items:
            self.m.env.process(self._redeploy(items))

    def poke(self) -> None:
        """On demand: start a batch if changes are ready and nothing is in flight."""
        if self.ready and not self.in_flight and self.m.policy.get("release") == "on_demand":
            self._launch()

    def _launch(self) -> None:
        items, self.ready = self.ready, []
        self.in_flight += 1
        self.m.env.process(self._batch(items, RELEASE))

    def _trains(self) -> Process:
        """Release-train departures; idle ticks while the lane is on demand or unused.

        With ``practices.release_interval_cv`` > 0 each gap is a lognormal draw with mean
        ``release_interval_days`` from the lane's own stream (so the other streams are not
        shifted): a change that just missed a release may wait through a long gap, which
        is where a release record's long lead-time tail comes from.
        """
        env = self.m.env
        policy = self.m.policy
        gaps = self.m.streams[f"release_gaps_{self.index}"]
        while True:
            mean = policy.get("release_interval_days") * HOURS_PER_DAY
            cv = policy.get("release_interval_cv")
            yield env.timeout(gaps.lognormal_mean(mean, cv) if cv > 0 else mean)
            if self.ready and policy.get("release") == "train":
                self._launch()

    def _form(self, items: list[WorkItem], kind: str) -> int:
        m = self.m
        batch = m.next_batch_id()
        for item in items:
            item.batch = batch
        m.emit(
            _BATCH_FORMED,
            batch,
            {
                "items": [i.id for i in items],
                "lane": self.index,
                "hotfix": kind == HOTFIX,
                "kind": kind,
            },
        )
        return batch

    def _crew(self, batch: int) -> int:
        """The team that tests and deploys a batch: the lane's own team, or — when the
        whole organisation shares the lane — each team in turn."""
        if self.m.coupled():
            return batch % self.m.org.teams
        return self.index

    def _batch(self, items: list[WorkItem], kind: str) -> Process:
        """Regression, approval and deployment of one batch."""
        m = self.m
        batch = self._form(items, kind)
        hotfix = kind is HOTFIX
        policy = m.policy
        self.releasing += len(items)
        days = policy.regression_days(policy.get("test_automation"))
        share = m.s.testing.hotfix_regression_share if hotfix else 1.0
        if days * share > 0:
            before = len(items)
            items = yield from self._regression(batch, items, days, share, hotfix)
            self.releasing -= before - len(items)
        if items:
            if policy.get("change_approval") == "cab":
                yield from self._cab(batch, hotfix)
            else:
                m.emit(_APPROVED, batch, BY_PEER_REVIEW)
            yield from self._deploy(batch, items, kind)
        self.releasing -= len(items)
        if not hotfix:
            self.in_flight -= 1
            self.poke()

    def _redeploy(self, items: list[WorkItem]) -> Process:
        batch = self._form(items, REDEPLOY)
        self.releasing += len(items)
        yield from self._deploy(batch, items, REDEPLOY)
        self.releasing -= len(items)

    def _regression(
        self, batch: int, items: list[WorkItem], days: float, share: float, hotfix: bool
    ) -> Process:
        """A manual regression cycle on the batch; found defects go back to rework.

        The cycle lasts about ``days × share`` (lognormal, ``testing.regression_cv``) and
        finds ``share`` of what a whole cycle would.
        """
        m = self.m
        env = m.env
        crew = self._crew(batch)
        pool = m.org.test_pool(crew)
        emit, queued = m.emit, pool.payloads["regression"]
        for item in items:
            emit(_QUEUED, item.id, queued)
        # An emergency fix reuses the environment of the last release; a release needs one.
        provision = 0.0 if hotfix else m.policy.provision_hours(m.streams["provision"])
        if provision > 0:
            yield env.timeout(provision)
        pool = m.org.test_pool(crew)
        priority = Priority.EXPEDITE if hotfix else Priority.PLANNED
        work = "unplanned" if hotfix else "planned"
        # Never ask for more testers than the pool has, or the cycle could never start.
        testers = max(1, min(m.regression_testers, pool.capacity))
        reqs = [pool.request(priority, work, team=crew, role="test") for _ in range(testers)]
        for req in reqs:
            yield req
        started = pool.payloads["regression"]
        for item in items:
            emit(_STARTED, item.id, started)
        cv = m.s.testing.regression_cv
        mean = days * share * HOURS_PER_DAY
        hours = m.streams["regression.duration"].lognormal_mean(mean, cv) if cv > 0 else mean
        yield env.timeout(hours)
        for req in reqs:
            req.pool.release(req)
        keep = []
        p_found = m.s.testing.regression_detection_prob * share
        done = {"stage": "regression", "hours": hours}  # one payload for the whole batch
        for item in items:
            emit(_FINISHED, item.id, done)
            if item.defect and item.u_regression < p_found:
                m.found(item, "regression")
                m.emit(_RETURNED, item.id, {"reason": "regression", "faulty": True})
                rework(m, item)
            else:
                keep.append(item)
        return keep

    def _cab(self, batch: int, hotfix: bool) -> Process:
        """Wait for the next CAB meeting, or for an emergency CAB for a hotfix.

        A batch must be submitted ``approval.cab_submission_lead_days`` before the meeting
        that approves it; the deployment waits for a window after the meeting.  Approval
        and window are sequential steps; because regression cycles vary in length, the
        wait they add does not depend on a lucky alignment of calendars.
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
        m.emit(_APPROVED, batch, {"by": by})

    def _deploy(self, batch: int, items: list[WorkItem], kind: str) -> Process:
        """Take the deploy lock, deploy by hand or by machine, then judge the outcome."""
        m = self.m
        env = m.env
        d = m.s.deployment
        hotfix = kind == HOTFIX
        priority = Priority.EXPEDITE if hotfix else Priority.PLANNED
        if not hotfix and env.now < m.freeze_until:
            yield env.timeout(m.freeze_until - env.now)  # a release freeze: hotfixes only
        wait = self.lock.acquire(priority)
        if wait is not None:
            yield wait
        manual = m.policy.get("deployment") == "manual"
        learning = m.lane_learning(self.index) if m.learnt else 1.0
        if manual:
            if kind == RELEASE:  # hotfixes and redeploys are part of an incident's response
                start = next_window(env.now, d.maintenance_window)
                if start > env.now:
                    yield env.timeout(start - env.now)
            crew = self._crew(batch)
            pool = m.org.ops_pool(crew)
            emit, queued = m.emit, pool.payloads["deploy"]
            for item in items:
                emit(_QUEUED, item.id, queued)
            req = pool.request(
                priority, "unplanned" if kind != RELEASE else "planned", team=crew, role="ops"
            )
            yield req
            pool = req.pool
            started = pool.payloads["deploy"]
            for item in items:
                emit(_STARTED, item.id, started)
            hours = d.manual_hours + d.manual_hours_per_change * len(items)
            yield env.timeout(hours)
            pool.release(req)
            done = {"stage": "deploy", "hours": hours}  # one payload for the whole batch
            for item in items:
                emit(_FINISHED, item.id, done)
            p_error = d.manual_error_prob * learning
        else:
            if m.automated_deploy_hours > 0:
                yield env.timeout(m.automated_deploy_hours)
            p_error = d.automated_error_prob
        error = m.deploy_errors.uniform() < p_error
        drift = m.drift.uniform() < m.policy.drift_probability() * learning
        defective = [item for item in items if item.defect]
        if error or drift or defective:
            yield from deployment_outcome(
                m, self.index, batch, items, defective, kind, manual, error, drift
            )
        elif not manual and m.policy.get("canary"):
            # Nothing wrong behind a canary: out to everyone after the bake.
            clean_deployment(m, self.index, batch, items, kind, canary=True)
            if m.canary_hours > 0:
                yield env.timeout(m.canary_hours)
            deliver(m, items, batch)
        else:
            clean_deployment(m, self.index, batch, items, kind)
        self.lock.release()
