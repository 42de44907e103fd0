"""A sweep's unit of work: one run (design point × replication) and how a backend runs it.

Shared by the local process pool (:mod:`sim.sweep.local_backend`) and Dask
(:mod:`sim.sweep.dask_backend`), which both submit :func:`~sim.sweep.execute.run_point`
with :func:`call_args` over a bounded window of :data:`WINDOW_PER_WORKER` runs per worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from .spec import SweepSpec

WINDOW_PER_WORKER = 4
"""Runs in flight per worker: enough to keep it busy, few enough that memory stays flat."""


class Task(NamedTuple):
    """One run to do."""

    run_id: int
    point: int
    replication: int
    seed: int
    events_path: str | None


Handle = Callable[[Task, dict[str, Any]], None]
"""Takes a finished run's task and row."""
Execute = Callable[[Iterator[Task], Handle], None]
"""Runs tasks on a backend, calling the handle with each finished row."""


def call_args(spec: SweepSpec, task: Task, base: Any) -> tuple[Any, ...]:
    """The arguments of :func:`~sim.sweep.execute.run_point` for a task."""
    return (
        base,
        spec.overrides(task.point),
        task.replication,
        task.seed,
        spec.metrics,
        task.events_path,
    )
