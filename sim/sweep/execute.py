"""One sweep run: a top-level, picklable function that never raises for a bad run.

:func:`run_point` is what a process pool or a Dask worker executes.  It builds the design
point's scenario from the base and the factor values, runs one replication with streaming
metrics (no event log unless asked), and returns the run's tidy row.  An exception in the
run becomes ``status = "error"`` with the error's ``repr`` and NaN metrics, so one bad run
never stops a sweep.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.events import event_to_json
from sim.outputs import atomic_write
from sim.runner import run_replication
from sim.scenario import Scenario

OK = "ok"
ERROR = "error"
MAX_ERROR_CHARS = 2000
"""Longest error text kept in a row (a repr can embed a whole scenario)."""


def run_point(
    base: Scenario,
    overrides: Mapping[str, Any],
    replication: int,
    seed: int,
    keep: Sequence[str],
    events_path: str | None = None,
) -> dict[str, Any]:
    """Run one replication of ``base`` with ``overrides`` on ``seed``; return its row.

    The row holds ``replication``, ``seed``, the factor values (by dotted key), each metric
    in ``keep`` as a float (NaN when the run has no value), ``wall_seconds``, ``status``
    and ``error``.  With ``events_path`` the run's event log is written there as JSON
    lines (atomically).  Reproduce a row with
    ``run_replication(base.with_values(overrides), replication, seed)``.
    """
    started = time.perf_counter()
    row: dict[str, Any] = {"replication": replication, "seed": seed, **overrides}
    try:
        scenario = base.with_values(dict(overrides)) if overrides else base
        result = run_replication(scenario, replication, seed, keep_log=events_path is not None)
        metrics = result.metrics
        for key in keep:
            row[key] = _number(metrics.get(key))
        if events_path is not None:
            atomic_write(Path(events_path), (event_to_json(e) + "\n" for e in result.log or []))
        row["status"], row["error"] = OK, None
    except Exception as exc:
        for key in keep:
            row[key] = math.nan
        row["status"], row["error"] = ERROR, _error_text(exc)
    row["wall_seconds"] = time.perf_counter() - started
    return row


def _number(value: Any) -> float:
    """A metric value as a float; None (no sample) becomes NaN."""
    if value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _error_text(exc: BaseException) -> str:
    """``repr`` of the exception (led by its type's name), shortened to fit a row."""
    text = repr(exc)
    name = type(exc).__name__
    if not text.startswith(name):  # e.g. pydantic's ValidationError
        text = f"{name}: {text}"
    if len(text) > MAX_ERROR_CHARS:
        text = text[: MAX_ERROR_CHARS - 3] + "..."
    return text
