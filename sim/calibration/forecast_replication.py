"""One replication of a model forecast: run a scenario, apply moves, count deliveries.

**What counts as a change delivered**: a work item of any origin (demand, hotfix,
improvement, security) reaching production for the first time, read from the
simulation's metrics fold (:class:`~sim.metrics.fold.MetricsFold`): the first
``delivered`` of each item (:func:`first_deliveries`).  :func:`delivered_within` answers
"how many within the horizon?" for one replication, :func:`periods_to_deliver` "in which
period the N-th?"; :mod:`.forecast_model` runs many and makes the forecast.

**Moves** (a played game's timestamped commands, or any) are applied at their simulated
times (hours since the run's start, like :func:`sim.model.replay`); moves after the end of
a replication's run are not applied.  All times here are hours since the run's start.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

from ..metrics.fold import MetricsFold
from ..model import Command, Simulation
from ..scenario import Scenario
from ..units import HOURS_PER_DAY
from .forecast_periods import forecast_error

Moves = Sequence[tuple[float, Command]]
"""Timestamped commands: hours since the start of the run, and the command."""


def check_moves(commands: Moves) -> tuple[tuple[float, Command], ...]:
    """``commands`` with float times, or a one-line error when a time is negative, not
    finite or earlier than the move before."""
    moves = tuple((float(t), command) for t, command in commands)
    if any(not math.isfinite(t) or t < 0 for t, _ in moves):
        raise forecast_error("moves", "every move needs a time >= 0 (hours since the run's start)")
    if any(later[0] < earlier[0] for earlier, later in itertools.pairwise(moves)):
        raise forecast_error("moves", "moves must be in time order")
    return moves


def shift_moves(commands: Moves, hours: float) -> list[tuple[float, Command]]:
    """``commands`` moved ``hours`` later (earlier if negative), none before the start.

    A saved game's moves onto another scenario: shifted by the difference of the two
    warm-ups, a move keeps its place after the start of play (the end of the warm-up).
    """
    return [(max(0.0, t + hours), command) for t, command in commands]


def _start(scenario: Scenario, replication: int) -> Simulation:
    return Simulation(scenario, replication=replication, keep_log=False)


def _run_to(sim: Simulation, t: float, moves: Moves, applied: int) -> int:
    """Run ``sim`` to ``t`` (hours), applying the moves due before; returns how many of
    ``moves`` have been applied."""
    while applied < len(moves) and moves[applied][0] < t:
        at, command = moves[applied]
        sim.run_until(at)
        sim.apply(command)
        applied += 1
    sim.run_until(t)
    return applied


def first_deliveries(
    fold: MetricsFold, since: float, seen: set[int], index: int = 0
) -> Iterator[tuple[int, float]]:
    """First deliveries at or after ``since`` (hours) in ``fold.deliveries[index:]``, in
    time order, as ``(position in deliveries, t)``; ``seen`` collects the items counted,
    so calling again from a later ``index`` never counts an item twice."""
    deliveries = fold.deliveries
    items = fold.items
    for position in range(index, len(deliveries)):
        t, subject = deliveries[position]
        if t < since or subject in seen or items[subject].first_delivered != t:
            continue
        seen.add(subject)
        yield position, t


def delivered_within(
    scenario: Scenario, replication: int, horizon_hours: float, moves: Moves = ()
) -> int:
    """One replication: changes delivered in ``[warm-up end, warm-up end + horizon)``."""
    sim = _start(scenario, replication)
    warm = scenario.run.warmup_days * HOURS_PER_DAY
    end = warm + horizon_hours
    _run_to(sim, end, moves, 0)
    return sum(1 for _, t in first_deliveries(sim.fold, warm, set()) if t < end)


def periods_to_deliver(
    scenario: Scenario,
    replication: int,
    items: int,
    period_hours: float,
    max_periods: int,
    moves: Moves = (),
) -> float:
    """One replication: the period (1, 2, …) in which the ``items``-th change after the
    warm-up was delivered, or ``inf`` if not within ``max_periods``.  Runs a period at a
    time and stops as soon as it is known."""
    sim = _start(scenario, replication)
    warm = scenario.run.warmup_days * HOURS_PER_DAY
    applied = _run_to(sim, warm, moves, 0)
    seen: set[int] = set()
    count = 0
    index = 0
    for k in range(1, max_periods + 1):
        applied = _run_to(sim, warm + k * period_hours, moves, applied)
        for _, t in first_deliveries(sim.fold, warm, seen, index):
            count += 1
            if count == items:
                return float(math.floor((t - warm) / period_hours) + 1)
        index = len(sim.fold.deliveries)
    return math.inf


__all__ = [
    "Moves",
    "check_moves",
    "delivered_within",
    "first_deliveries",
    "periods_to_deliver",
    "shift_moves",
]
