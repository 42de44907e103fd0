"""Other futures of a played round: the same decisions on other random numbers.

The workshop plays every team on replication 0 of the session's seed.  Replications
``1..N`` are other futures: other demand, defects and incidents under the same rules.
The debrief's "luck vs. decisions" (:mod:`.luck`) sets a team's actual result among the
futures of its decisions and the untouched organisation's futures.  They are computed
once per round, when the round is played (:meth:`Workshop.play_round`), in parallel and
with the metrics fold only (no event log), and stored in the session, so every debrief
pack of that round reads them (:mod:`.report` computes any that are missing, e.g. in a
session played before they were stored).

A future keeps the four keys' metrics only (:data:`sim.metrics.tiers.KEY_METRICS`,
re-exported here for the session and the debrief).  Nothing here draws: a session (and a
team's client) imports this without matplotlib.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..metrics.tiers import KEY_METRICS
from ..model import Command, Simulation
from ..model.commands import command_to_dict
from ..scenario import Scenario

Futures = dict[int, list[dict[str, Any]]]
"""Replication → the key metrics of each window (in the order of the windows' starts)."""


def window_metrics(
    scenario: Scenario,
    seed: int,
    replication: int,
    commands: Sequence[tuple[float, Command]],
    start: float,
    end: float,
    keep_log: bool = False,
) -> tuple[dict[str, Any], Simulation]:
    """Metrics over ``[start, end]`` hours of one replication with ``commands`` replayed.

    Measured like a game round: from a pool snapshot at ``start`` to ``end``.
    """
    sim = Simulation(scenario, replication=replication, seed=seed, keep_log=keep_log)
    snap = None
    for t, command in commands:
        if snap is None and t >= start - 1e-9:
            sim.run_until(start)
            snap = sim.snapshot()
        sim.run_until(t)
        sim.apply(command)
    sim.run_until(start)
    if snap is None:
        snap = sim.snapshot()
    sim.run_until(end)
    return sim.metrics(since=snap), sim


def futures_metrics(
    scenario: Scenario,
    seed: int,
    replication: int,
    commands: Sequence[tuple[float, Command]],
    starts: Sequence[float],
    end: float,
    keep_log: bool = False,
) -> tuple[list[dict[str, Any]], Simulation]:
    """Metrics over ``[start, end]`` for each of ``starts`` from one run of one replication.

    Each window is measured exactly as :func:`window_metrics` measures it alone (a pool
    snapshot at its start, taken before the commands given at that time), so one run
    serves every window that ends at ``end``: the last round and all played rounds.
    """
    sim = Simulation(scenario, replication=replication, seed=seed, keep_log=keep_log)
    pending = sorted(set(starts))
    snaps = {}

    def snapshots_until(t: float) -> None:
        while pending and t >= pending[0] - 1e-9:
            start = pending.pop(0)
            sim.run_until(start)
            snaps[start] = sim.snapshot()

    for t, command in commands:
        snapshots_until(t)
        sim.run_until(t)
        sim.apply(command)
    snapshots_until(float("inf"))
    sim.run_until(end)
    return [sim.metrics(since=snaps[start]) for start in starts], sim


def run_futures(
    scenario: Scenario,
    seed: int,
    commands: Sequence[tuple[float, Command]],
    starts: Sequence[float],
    end: float,
    replications: Sequence[int],
) -> Futures:
    """Run in a worker: ``replications`` of ``commands``, the key metrics of each window
    of ``starts`` (all ending at ``end``) from one run per replication."""
    futures = {}
    for replication in replications:
        windows, _ = futures_metrics(scenario, seed, replication, commands, starts, end)
        futures[replication] = [{k: w.get(k) for k in KEY_METRICS} for w in windows]
    return futures


def commands_key(commands: Sequence[tuple[float, Command]]) -> str:
    """What a team's futures depend on besides the session (scenario, seed): its commands."""
    return json.dumps([[t, command_to_dict(c)] for t, c in commands], sort_keys=True)


def cache_entry(commands: Sequence[tuple[float, Command]], futures: Futures) -> dict[str, Any]:
    """The stored form of a team's futures (:meth:`Workshop.cache_futures`)."""
    return {"commands": commands_key(commands), "futures": futures}


def cached(entry: Any, key: str, replications: int) -> Futures | None:
    """A stored futures entry, if it is for ``key`` and whole; else None (recomputed)."""
    if not isinstance(entry, dict) or entry.get("commands") != key:
        return None
    try:
        found = {int(r): v for r, v in entry["futures"].items()}
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    return found if sorted(found) == list(range(1, replications + 1)) else None
