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

People hired mid-run are not productive on day one (Brooks's law): :meth:`hire` records
them as novices whose productivity rises linearly from 0 to 1 over a ramp-up period, and
:meth:`speed` is the pool's mean productivity per person (a fluid approximation: every
holder works at the mean speed, so a piece of work takes its effort divided by it).

A reorganisation moves work between pools: :meth:`take_holders` and :meth:`adopt_holder`
move work in progress with its person, :meth:`take_queue` and :meth:`adopt` move queued
requests, keeping their place in line.  A request remembers the pool that holds it, so
:meth:`release` on the pool it was first asked of still gives back the right person.
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
        "pool",
        "preempted",
        "preemptible",
        "priority",
        "process",
        "role",
        "seq",
        "team",
        "work",
    )

    def __init__(
        self,
        pool: Pool,
        priority: int,
        work: str,
        preemptible: bool,
        seq: int,
        team: int,
        role: str,
    ) -> None:
        super().__init__(pool.env)
        self.pool = pool
        """The pool whose person this is (changes if a reorganisation moves the request)."""
        self.priority = priority
        self.work = work
        self.preemptible = preemptible
        self.seq = seq
        self.team = team
        """The team the work belongs to (-1: none); routes the request in a reorganisation."""
        self.role = role
        """Who does it: ``"dev"``, ``"test"`` or ``"ops"`` (routes it in a reorganisation)."""
        self.process: Any = pool.env.active_process
        self.granted_at = -1.0
        self.preempted = False
        self.busy_until = 0.0
        """When the holder's current timeout ends; only holders still working are pre-empted."""


class Payloads(dict[str, dict[str, str]]):
    """``{stage: {"stage": stage, "pool": name}}``, each payload made once, on first use."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def __missing__(self, stage: str) -> dict[str, str]:
        data = self[stage] = {"stage": stage, "pool": self.name}
        return data


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
        self.payloads = Payloads(name)
        """The shared ``{"stage", "pool"}`` payloads by stage (a plain lookup on the hot
        path; created on first use)."""
        self._novices: list[tuple[float, float, int]] = []
        """(hired at, fully productive at, how many) of people still ramping up, hours."""
        self._speed_until = float("inf")
        self._speed = 1.0
        self.ramping = False
        """Whether anyone is still ramping up (the hot path's cheap test before speed())."""

    @property
    def busy(self) -> int:
        """People working now (may exceed capacity briefly after a shrink)."""
        return len(self.holders)

    @property
    def queued(self) -> int:
        """Requests waiting for a person."""
        return len(self._queue)

    def request(
        self,
        priority: int,
        work: str,
        preemptible: bool = False,
        seq: int | None = None,
        team: int = -1,
        role: str = "dev",
    ) -> Request:
        """Ask for one person.  ``seq`` keeps a pre-empted request's place in line."""
        req = Request(
            self, priority, work, preemptible, next(self._seq) if seq is None else seq, team, role
        )
        if len(self.holders) < self.capacity and not self._queue:
            self._grant(req)
        elif priority == 0 and self._preempt_for(req):
            pass
        else:
            heapq.heappush(self._queue, (priority, req.seq, req))
        return req

    def hold_if_free(
        self,
        priority: int,
        work: str,
        preemptible: bool = False,
        team: int = -1,
        role: str = "dev",
    ) -> Request | None:
        """Take a free person at once, without a scheduling round-trip, or return None.

        Equivalent to an immediately granted :meth:`request` that the caller need not
        yield; it saves one SimPy event on uncontended paths (e.g. a free deploy lock).
        """
        if len(self.holders) >= self.capacity or self._queue:
            return None
        req = Request(self, priority, work, preemptible, next(self._seq), team, role)
        req.granted_at = self.env.now
        self.holders[req] = None
        return req

    def release(self, req: Request) -> None:
        """Give the person back; the next request in line starts."""
        if req.pool is not self:  # moved to another pool by a reorganisation
            req.pool.release(req)
            return
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

    # --- novices (Brooks's law) -------------------------------------------------------
    def hire(self, count: int, ramp_hours: float) -> None:
        """``count`` new people join now and reach full productivity after ``ramp_hours``."""
        if count <= 0:
            return
        now = self.env.now
        self.resize(self.capacity + count)
        if ramp_hours > 0:
            self._novices.append((now, now + ramp_hours, count))
            self._speed_until = now  # recompute on the next read
            self.ramping = True

    def shed(self, count: int) -> None:
        """``count`` people leave, the most recently hired first."""
        left = count
        while left > 0 and self._novices:
            start, end, n = self._novices.pop()
            if n > left:
                self._novices.append((start, end, n - left))
                left = 0
            else:
                left -= n
        self._speed_until = self.env.now
        self.resize(max(0, self.capacity - count))

    def speed(self) -> float:
        """Mean productivity per person now (1 = everyone fully productive).

        A novice hired at ``a`` and fully productive at ``b`` contributes
        ``(now - a) / (b - a)`` of a person.  Cached until the next whole hour while anyone
        is ramping up, so the hot path pays one comparison.
        """
        now = self.env.now
        if now < self._speed_until:
            return self._speed
        if not self._novices or self.capacity <= 0:
            self._novices = []
            self._speed, self._speed_until = 1.0, float("inf")
            self.ramping = False
            return 1.0
        missing = 0.0
        remaining = []
        for start, end, n in self._novices:
            if now < end:
                missing += n * (end - now) / (end - start)
                remaining.append((start, end, n))
        self._novices = remaining
        self._speed = max(0.05, 1.0 - missing / self.capacity)
        self._speed_until = now + 1.0 if remaining else float("inf")
        self.ramping = bool(remaining)
        return self._speed

    # --- reorganisation -----------------------------------------------------------------
    def take_queue(self) -> list[Request]:
        """Remove and return every waiting request, in line order (a reorganisation)."""
        queue = [entry[2] for entry in sorted(self._queue)]
        self._queue = []
        return queue

    def take_holders(self) -> list[Request]:
        """Remove and return the people at work here, their hours so far accounted."""
        holders = list(self.holders)
        for req in holders:
            self._account(req)
        self.holders = {}
        return holders

    def adopt_holder(self, req: Request) -> None:
        """Work in progress moves here with its person (a reorganisation); the pool may be
        over capacity until it finishes."""
        req.pool = self
        req.granted_at = self.env.now
        self.holders[req] = None

    def adopt(self, req: Request) -> None:
        """Queue a request moved here from another pool, behind those already moved.

        It gets a place in this pool's line (its old sequence number belongs to another
        pool's counter), so requests keep the order in which they are adopted.
        """
        req.pool = self
        req.seq = next(self._seq)
        if len(self.holders) < self.capacity and not self._queue:
            self._grant(req)
        else:
            heapq.heappush(self._queue, (req.priority, req.seq, req))

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
