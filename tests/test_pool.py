"""Exact traces of the resizable priority pool (SimPy-style trace tests)."""

from __future__ import annotations

import simpy

from sim.model.pool import Pool


def worker(env, pool, log, name, priority, hours, preemptible=False):
    """Hold one person for ``hours``; log start, interruption and finish times."""
    req = pool.request(priority, "planned", preemptible=preemptible)
    yield req
    log.append((name, "start", env.now))
    remaining = hours
    while True:
        t0 = env.now
        req.busy_until = t0 + remaining
        try:
            yield env.timeout(remaining)
            break
        except simpy.Interrupt:
            log.append((name, "preempted", env.now))
            remaining -= env.now - t0
            req = pool.request(priority, "planned", preemptible=preemptible, seq=req.seq)
            yield req
            log.append((name, "resume", env.now))
    pool.release(req)
    log.append((name, "done", env.now))


def test_priority_then_fifo():
    """With one person busy, waiting requests start by priority, FIFO within a priority."""
    env = simpy.Environment()
    pool = Pool(env, "p", 1)
    log = []
    env.process(worker(env, pool, log, "first", 4, 2))
    env.process(worker(env, pool, log, "low-a", 4, 1))
    env.process(worker(env, pool, log, "low-b", 4, 1))
    env.process(worker(env, pool, log, "high", 1, 1))
    env.run()
    starts = [(name, t) for name, what, t in log if what == "start"]
    assert starts == [("first", 0), ("high", 2), ("low-a", 3), ("low-b", 4)]


def test_growth_serves_queue_and_shrink_lets_work_finish():
    env = simpy.Environment()
    pool = Pool(env, "p", 1)
    log = []
    for name in "abc":
        env.process(worker(env, pool, log, name, 4, 4))

    def manager():
        yield env.timeout(1)
        pool.resize(3)  # b and c start at once
        yield env.timeout(1)
        pool.resize(1)  # nobody is stopped; no new start until busy < 1

    env.process(manager())
    env.process(worker(env, pool, log, "d", 4, 1))
    env.run()
    starts = {name: t for name, what, t in log if what == "start"}
    assert starts == {"a": 0, "b": 1, "c": 1, "d": 5}


def test_urgent_preempts_latest_planned_work_which_keeps_its_effort():
    env = simpy.Environment()
    pool = Pool(env, "p", 2)
    log = []
    env.process(worker(env, pool, log, "early", 4, 10, preemptible=True))

    def later():
        yield env.timeout(1)
        yield env.process(worker(env, pool, log, "late", 4, 10, preemptible=True))

    def incident():
        yield env.timeout(3)
        yield env.process(worker(env, pool, log, "pager", 0, 2))

    env.process(later())
    env.process(incident())
    env.run()
    assert ("late", "preempted", 3) in log
    assert ("pager", "start", 3) in log
    # late worked 2 of its 10 hours, waited 2 hours for the pager, then 8 more.
    assert ("late", "resume", 5) in log
    assert ("late", "done", 13) in log
    assert ("early", "done", 10) in log


def test_urgent_waits_when_nothing_is_preemptible():
    env = simpy.Environment()
    pool = Pool(env, "p", 1)
    log = []
    env.process(worker(env, pool, log, "deploy", 4, 3, preemptible=False))

    def incident():
        yield env.timeout(1)
        yield env.process(worker(env, pool, log, "pager", 0, 1))

    env.process(incident())
    env.run()
    assert ("pager", "start", 3) in log


def test_snapshot_accounts_busy_and_capacity_hours():
    env = simpy.Environment()
    pool = Pool(env, "p", 2)
    log = []
    env.process(worker(env, pool, log, "a", 4, 3))
    env.run(until=5)
    snap = pool.snapshot()
    assert snap["planned"] == 3.0
    assert snap["capacity"] == 10.0  # 2 people for 5 hours
    pool.resize(4)
    env.run(until=6)
    assert pool.snapshot()["capacity"] == 14.0
