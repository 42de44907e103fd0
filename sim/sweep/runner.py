"""Running a sweep: every design point × replication, streamed to a Parquet directory.

:func:`run_sweep` runs the runs a result directory does not hold yet, on a local process
pool (default: one worker per core) or on Dask (``scheduler="local"`` starts a
``LocalCluster``; any other value is a scheduler address) -- the same bounded-window loop
submits the same :func:`~sim.sweep.execute.run_point` either way.  Only a few runs per
worker are in flight at once and finished rows go to disk in parts, so memory stays flat
however many runs there are.

Faults: a model run that raises is a row with ``status = "error"`` and the real error
text; ``retry_errors=True`` (``--retry-errors``) reruns those runs, and the new row
supersedes the old one.  Ctrl-C (or SIGTERM in the CLI) writes what is finished, stops
the workers and raises :class:`SweepInterrupted`; after ``kill -9`` at most the rows
gathered since the last part are lost, and rerunning redoes exactly the runs that are
missing.  A finished sweep reruns nothing.

Infrastructure failures are not model errors and leave no rows: a dead pool worker, or on
Dask a lost scheduler connection, a ``KilledWorker``, a cancelled run, a scheduler that
stops answering or a cluster without workers for
:data:`~sim.sweep.dask_backend.CLUSTER_TIMEOUT_SECONDS`, stops
the sweep with :class:`~sim.outputs.OutputError` (exit status 1) and one line; the rows
already finished are written, the runs in flight are not, and rerunning the same command
runs them.
"""

from __future__ import annotations

import os
import time
import typing
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.exitcodes import EXIT_FAILURE
from sim.outputs import OutputError, check_output_dir

from .dask_backend import ClusterFailure, dask_backend
from .execute import ERROR
from .local_backend import local_backend
from .metadata import check_metadata, close_metadata, write_metadata
from .spec import SweepSpec
from .store import (
    EVENTS_DIR,
    PartWriter,
    arrow_schema,
    lock_directory,
    read_stored,
    remove_stray,
)
from .tasks import Task

SECONDS_PER_PART = 10.0
"""Write buffered rows at least this often, so a kill loses little."""


OnDone = Callable[[dict[str, Any]], None]
OnStart = Callable[[int, int, int], None]
"""Takes the runs to do, the runs in the sweep and the stored error rows left as they are."""


@dataclass(frozen=True)
class SweepSummary:
    """What a call of :func:`run_sweep` did."""

    out_dir: Path
    name: str
    total: int
    """Runs in the sweep (design points × replications)."""
    before: int
    """Runs already in the directory when this call started."""
    ran: int
    """Runs finished (and written) by this call."""
    errors: int
    """Of those, runs that raised (status "error")."""
    errors_total: int
    """Runs with status "error" in the directory, this call's included."""
    retried: int
    """Runs stored with status "error" that this call set out to rerun (``retry_errors``)."""
    elapsed: float
    backend: str
    workers: int

    @property
    def done(self) -> int:
        """Runs in the directory now."""
        return self.before + self.ran

    @property
    def nothing_to_do(self) -> bool:
        """Whether every run was already in the directory."""
        return self.before == self.total

    @property
    def complete(self) -> bool:
        """Whether every run is in the directory now."""
        return self.done == self.total

    def record(self) -> dict[str, Any]:
        """What ``_sweep.json``'s provenance keeps of this session and the totals."""
        return {
            "runs_total": self.total,
            "runs_done": self.done,
            "runs_error": self.errors_total,
            "finished": self.complete,
            "last_session": {
                "backend": self.backend,
                "workers": self.workers,
                "ran": self.ran,
                "errors": self.errors,
                "wall_seconds": round(self.elapsed, 3),
            },
        }


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: finished rows were written; ``summary`` says how far it got."""

    def __init__(self, summary: SweepSummary) -> None:
        super().__init__("sweep interrupted")
        self.summary = summary


def check_out_dir(raw: str | Path, option: str = "--out") -> Path:
    """Check an output directory before any work: existing, or new with an existing parent."""
    return check_output_dir(raw, option, "results")


def run_sweep(
    spec: SweepSpec,
    out_dir: str | Path,
    workers: int | None = None,
    scheduler: str | None = None,
    on_done: OnDone | None = None,
    *,
    on_start: OnStart | None = None,
    rows_per_part: int | None = None,
    retry_errors: bool = False,
) -> SweepSummary:
    """Run the sweep's missing runs into ``out_dir``; see the module docstring.

    ``workers``: local processes (default: all cores; 1 runs in this process) or, with
    ``scheduler="local"``, the LocalCluster's worker processes; ignored for a remote
    scheduler (its workers decide).  ``retry_errors`` also reruns the runs stored with
    status "error" (their new rows supersede the old ones).  ``on_start(todo, total,
    errors)`` is called once the directory is checked (``errors``: runs stored with status
    "error" that this call leaves as they are), ``on_done(row)`` after each run.  A
    directory holding a different sweep, or a corrupt part, is refused
    (:class:`OutputError`, status 2, nothing changed); a lost worker pool or Dask cluster
    stops the sweep (:class:`OutputError`, status 1) with the finished rows written.
    """
    started = time.perf_counter()
    out = check_out_dir(out_dir)
    if out.exists():
        check_metadata(spec, out)  # refuse a foreign directory before touching it
    out.mkdir(exist_ok=True)
    lock = lock_directory(out)
    try:
        return _run_locked(
            spec, out, workers, scheduler, on_done, on_start, rows_per_part, started, retry_errors
        )
    finally:
        lock.close()


def _run_locked(
    spec: SweepSpec,
    out: Path,
    workers: int | None,
    scheduler: str | None,
    on_done: OnDone | None,
    on_start: OnStart | None,
    rows_per_part: int | None,
    started: float,
    retry_errors: bool,
) -> SweepSummary:
    document = check_metadata(spec, out)  # again, now that no one else can write
    total = spec.runs
    schema = arrow_schema(spec.factors, spec.metrics)
    stored = read_stored(out, total, schema)  # a corrupt part stops here, nothing changed
    remove_stray(out)
    done = stored.done(retry_errors)
    retried = stored.errors if retry_errors else 0
    errors_before = stored.errors - retried
    before = stored.stored - retried
    todo = total - before
    cores = os.cpu_count() or 1
    if scheduler is None:
        count = min(todo, workers or cores)
    else:
        count = (workers or cores) if scheduler == "local" else 0
    stats = {"ran": 0, "errors": 0}

    def summary() -> SweepSummary:
        return SweepSummary(
            out_dir=out,
            name=spec.name,
            total=total,
            before=before,
            ran=stats["ran"],
            errors=stats["errors"],
            errors_total=errors_before + stats["errors"],
            retried=retried,
            elapsed=time.perf_counter() - started,
            backend="local" if scheduler is None else f"dask:{scheduler}",
            workers=count,
        )

    if todo == 0:
        if on_start is not None:
            on_start(0, total, errors_before)
        return summary()

    writer: PartWriter | None = None

    def handle(task: Task, row: dict[str, Any]) -> None:
        row["run_id"], row["point"] = task.run_id, task.point
        typing.cast(PartWriter, writer).add(row)
        stats["ran"] += 1
        stats["errors"] += row["status"] == ERROR
        if on_done is not None:
            on_done(row)

    backend = (
        local_backend(spec, count) if scheduler is None else dask_backend(spec, workers, scheduler)
    )
    interrupted = False
    failure: BaseException | None = None
    try:
        # Connect first: a bad scheduler address leaves a new directory without metadata.
        with backend as execute:
            if document is None:
                document = write_metadata(spec, out)
            if spec.keep_events:
                (out / EVENTS_DIR).mkdir(exist_ok=True)
            size = rows_per_part or max(20, min(total // 50, 5000))
            writer = PartWriter(out, schema, size, SECONDS_PER_PART)
            if on_start is not None:
                on_start(todo, total, errors_before)
            execute(_tasks(spec, done, out), handle)
    except KeyboardInterrupt:
        interrupted = True
    except (BrokenProcessPool, ClusterFailure) as exc:
        failure = exc
    finally:
        if writer is not None and document is not None:
            writer.flush()
            stats["ran"] = writer.written  # count only what the parts hold
            close_metadata(out, document, summary().record())
    result = summary()
    if interrupted:
        raise SweepInterrupted(result)
    if isinstance(failure, ClusterFailure):
        raise OutputError(
            f"the sweep stopped: {failure}; {result.done} of {total} runs are in {out} "
            "(runs in flight were not recorded): rerun the same command to resume",
            EXIT_FAILURE,
        )
    if failure is not None:
        raise OutputError(
            f"a worker process died ({failure}); {result.done} of {total} runs are in {out}: "
            "rerun the same command to resume",
            EXIT_FAILURE,
        )
    return result


def _tasks(spec: SweepSpec, done: bytearray, out: Path) -> Iterator[Task]:
    """The runs still to do, in run-id order, made one at a time (memory stays flat)."""
    events = out / EVENTS_DIR
    for run_id in range(spec.runs):
        if done[run_id]:
            continue
        point, replication = spec.locate(run_id)
        path = str(events / f"run-{run_id:08d}.jsonl") if spec.keep_events else None
        yield Task(run_id, point, replication, spec.seed_for(point, replication), path)
