"""A resizable team of people with a priority queue and pre-emption of planned work.

SimPy's ``Resource.capacity`` is read-only, and a game must be able to hire or move people
mid-run, so a pool is its own small resource (after salabim's ``Resource.set_capacity``):
growing grants queued requests at once, shrinking lets work in progress finish.

Requests are served by priority (see :class:`sim.model.items.Priority`), FIFO within a
priority.  An URGENT request (incident response) that finds everyone busy pre-empts the
most recently started *pre-emptible* holder (development work); that holder's process is
interrupted, keeps the effort it has done, and re-queues at the front of its priority.

The pool keeps time-weighted accumulators of busy person-hours by work class and of
capacity person-hours; :meth:`snapshot` reads them so a runner can take differences
over the measurement window.
"""

from __future__ import annotations

import heapq
from itertools import count
from typing import Any

import simpy


class Request(simpy.Event):
    """A claim on one person of a pool; succeeds when the person starts."""

    __slots__ = (
        "busy_until",
        "granted_at",
        "preempted",
        "preemptible",
        "priority",
        "process",
        "seq",
        "work",
    )

    def __init__(
        self, env: simpy.Environment, priority: int, work: str, preemptible: bool, seq: int
    ) -> None:
        super().__init__(env)
        self.priority = priority
        self.work = work
        self.preemptible = preemptible
        self.seq = seq
        self.process: Any = env.active_process
        self.granted_at = -1.0
        self.preempted = False
        self.busy_until = 0.0
        """When the holder's current timeout ends; only holders still working are pre-empted."""


class Pool:
    """``capacity`` people who take requests in priority order."""

    def __init__(self, env: simpy.Environment, name: str, capacity: int) -> None:
        self.env = env
        self.name = name
        self.capacity = capacity
        self.holders: dict[Request, None] = {}
        self._queue: list[tuple[int, int, Request]] = []
        self._seq = count()
        self._done_hours: dict[str, float] = {}
        self._capacity_hours = 0.0
        self._capacity_since = 0.0
        self._payloads: dict[str, dict[str, str]] = {}

    def payload(self, stage: str) -> dict[str, str]:
        """The shared ``{"stage", "pool"}`` payload of queued/started events at this pool."""
        data = self._payloads.get(stage)
        if data is None:
            data = self._payloads[stage] = {"stage": stage, "pool": self.name}
        return data

    @property
    def busy(self) -> int:
        """People working now (may exceed capacity briefly after a shrink)."""
        return len(self.holders)

    @property
    def queued(self) -> int:
        """Requests waiting for a person."""
        return len(self._queue)

    def request(
        self, priority: int, work: str, preemptible: bool = False, seq: int | None = None
    ) -> Request:
        """Ask for one person.  ``seq`` keeps a pre-empted request's place in line."""
        req = Request(
            self.env, priority, work, preemptible, next(self._seq) if seq is None else seq
        )
        if len(self.holders) < self.capacity and not self._queue:
            self._grant(req)
        elif priority == 0 and self._preempt_for(req):
            pass
        else:
            heapq.heappush(self._queue, (priority, req.seq, req))
        return req

    def hold_if_free(self, priority: int, work: str, preemptible: bool = False) -> Request | None:
        """Take a free person at once, without a scheduling round-trip, or return None.

        Equivalent to an immediately granted :meth:`request` that the caller need not
        yield; it saves one SimPy event on uncontended paths (e.g. a free deploy lock).
        """
        if len(self.holders) >= self.capacity or self._queue:
            return None
        req = Request(self.env, priority, work, preemptible, next(self._seq))
        req.granted_at = self.env.now
        self.holders[req] = None
        return req

    def release(self, req: Request) -> None:
        """Give the person back; the next request in line starts."""
        if req.preempted:
            return
        if req in self.holders:
            del self.holders[req]
            self._account(req)
        else:  # cancelled while still waiting
            self._queue = [entry for entry in self._queue if entry[2] is not req]
            heapq.heapify(self._queue)
            return
        self._serve()

    def resize(self, capacity: int) -> None:
        """Change the headcount; growth serves the queue at once, shrinkage waits."""
        now = self.env.now
        self._capacity_hours += self.capacity * (now - self._capacity_since)
        self._capacity_since = now
        self.capacity = capacity
        self._serve()

    def snapshot(self) -> dict[str, float]:
        """Cumulative person-hours so far: ``capacity`` and busy hours by work class."""
        now = self.env.now
        hours = dict(self._done_hours)
        for req in self.holders:
            hours[req.work] = hours.get(req.work, 0.0) + now - req.granted_at
        hours["capacity"] = self._capacity_hours + self.capacity * (now - self._capacity_since)
        return hours

    def _grant(self, req: Request) -> None:
        req.granted_at = self.env.now
        self.holders[req] = None
        req.succeed()

    def _account(self, req: Request) -> None:
        self._done_hours[req.work] = (
            self._done_hours.get(req.work, 0.0) + self.env.now - req.granted_at
        )

    def _serve(self) -> None:
        while self._queue and len(self.holders) < self.capacity:
            self._grant(heapq.heappop(self._queue)[2])

    def _preempt_for(self, req: Request) -> bool:
        victim = None
        now = self.env.now
        for holder in self.holders:
            if (
                holder.preemptible
                and holder.busy_until > now
                and (
                    victim is None
                    or holder.priority > victim.priority
                    or (
                        holder.priority == victim.priority
                        and holder.granted_at >= victim.granted_at
                    )
                )
            ):
                victim = holder
        if victim is None:
            return False
        del self.holders[victim]
        self._account(victim)
        victim.preempted = True
        victim.process.interrupt("preempted")
        self._grant(req)
        return True


class Lock:
    """One holder at a time, waiting in priority order: a lane's deployment pipeline.

    Lighter than a :class:`Pool` (no people, no accounting): :meth:`acquire` returns None
    when the lock was free and is now held, or an event that succeeds when it is handed over.
    """

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.held = False
        self._queue: list[tuple[int, int, simpy.Event]] = []
        self._seq = count()

    def acquire(self, priority: int) -> simpy.Event | None:
        """Take the lock now (None), or get an event to wait for it."""
        if not self.held:
            self.held = True
            return None
        event = self.env.event()
        heapq.heappush(self._queue, (priority, next(self._seq), event))
        return event

    def release(self) -> None:
        """Hand the lock to the next waiter, or free it."""
        if self._queue:
            heapq.heappop(self._queue)[2].succeed()
        else:
            self.held = False
