"""Running a sweep: every design point × replication, streamed to a Parquet directory.

:func:`run_sweep` runs the runs a result directory does not hold yet, on a local process
pool (default: one worker per core) or on Dask (``scheduler="local"`` starts a
``LocalCluster``; any other value is a scheduler address) -- the same bounded-window loop
submits the same :func:`~sim.sweep.execute.run_point` either way.  Only a few runs per
worker are in flight at once and finished rows go to disk in parts, so memory stays flat
however many runs there are.

Faults: a run that raises is a row with ``status = "error"``; Ctrl-C (or SIGTERM in the
CLI) writes what is finished, stops the workers and raises :class:`SweepInterrupted`;
after ``kill -9`` at most the rows gathered since the last part are lost, and rerunning
redoes exactly the runs that are missing.  A finished sweep reruns nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import signal
import threading
import time
import typing
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

from sim import __version__
from sim.outputs import EXIT_FAILURE, EXIT_USAGE, OutputError, atomic_write, check_output_dir

from .execute import ERROR, run_point
from .spec import SweepSpec
from .store import (
    EVENTS_DIR,
    META_FILE,
    SPEC_FILE,
    PartWriter,
    arrow_schema,
    lock_directory,
    read_done,
    remove_stray,
)

FORMAT = "shipit-sweep/1"
WINDOW_PER_WORKER = 4
"""Runs in flight per worker: enough to keep workers busy, few enough to keep memory flat."""
SECONDS_PER_PART = 10.0
"""Write buffered rows at least this often, so a kill loses little."""

ORPHAN_POLL_SECONDS = 0.5
"""How often a pool worker checks that the sweep that started it is still alive."""

OnDone = Callable[[dict[str, Any]], None]
Handle = Callable[["_Task", dict[str, Any]], None]
"""Takes a finished run's task and row."""
Execute = Callable[[Iterator["_Task"], Handle], None]
"""Runs tasks on a backend, calling the handle with each finished row."""


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


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: finished rows were written; ``summary`` says how far it got."""

    def __init__(self, summary: SweepSummary) -> None:
        super().__init__("sweep interrupted")
        self.summary = summary


class _Task(NamedTuple):
    run_id: int
    point: int
    replication: int
    seed: int
    events_path: str | None


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
    on_start: Callable[[int, int], None] | None = None,
    rows_per_part: int | None = None,
) -> SweepSummary:
    """Run the sweep's missing runs into ``out_dir``; see the module docstring.

    ``workers``: local processes (default: all cores; 1 runs in this process) or, with
    ``scheduler="local"``, the LocalCluster's worker processes; ignored for a remote
    scheduler (its workers decide).  ``on_start(todo, total)`` is called once the
    directory is checked, ``on_done(row)`` after each run.  A directory holding a
    different sweep is refused (:class:`OutputError`, status 2).
    """
    started = time.perf_counter()
    out = check_out_dir(out_dir)
    if out.exists():
        _check_metadata(spec, out)  # refuse a foreign directory before touching it
    out.mkdir(exist_ok=True)
    lock = lock_directory(out)
    try:
        return _run_locked(spec, out, workers, scheduler, on_done, on_start, rows_per_part, started)
    finally:
        lock.close()


def _run_locked(
    spec: SweepSpec,
    out: Path,
    workers: int | None,
    scheduler: str | None,
    on_done: OnDone | None,
    on_start: Callable[[int, int], None] | None,
    rows_per_part: int | None,
    started: float,
) -> SweepSummary:
    document = _check_metadata(spec, out)  # again, now that no one else can write
    remove_stray(out)
    total = spec.runs
    done, before, errors_before = read_done(out, total)
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
            elapsed=time.perf_counter() - started,
            backend="local" if scheduler is None else f"dask:{scheduler}",
            workers=count,
        )

    if todo == 0:
        if on_start is not None:
            on_start(0, total)
        return summary()

    writer: PartWriter | None = None

    def handle(task: _Task, row: dict[str, Any]) -> None:
        row["run_id"], row["point"] = task.run_id, task.point
        typing.cast(PartWriter, writer).add(row)
        stats["ran"] += 1
        stats["errors"] += row["status"] == ERROR
        if on_done is not None:
            on_done(row)

    backend = (
        _local_backend(spec, count)
        if scheduler is None
        else _dask_backend(spec, workers, scheduler)
    )
    interrupted = False
    failure: BaseException | None = None
    try:
        # Connect first: a bad scheduler address leaves a new directory without metadata.
        with backend as execute:
            if document is None:
                document = _write_metadata(spec, out)
            if spec.keep_events:
                (out / EVENTS_DIR).mkdir(exist_ok=True)
            size = rows_per_part or max(20, min(total // 50, 5000))
            schema = arrow_schema(spec.factors, spec.metrics)
            writer = PartWriter(out, schema, size, SECONDS_PER_PART)
            if on_start is not None:
                on_start(todo, total)
            execute(_tasks(spec, done, out), handle)
    except KeyboardInterrupt:
        interrupted = True
    except BrokenProcessPool as exc:
        failure = exc
    finally:
        if writer is not None and document is not None:
            writer.flush()
            stats["ran"] = writer.written  # count only what the parts hold
            _close_metadata(out, document, summary())
    result = summary()
    if interrupted:
        raise SweepInterrupted(result)
    if failure is not None:
        raise OutputError(
            f"a worker process died ({failure}); {result.done} of {total} runs are in {out}: "
            "rerun the same command to resume",
            EXIT_FAILURE,
        )
    return result


def _tasks(spec: SweepSpec, done: bytearray, out: Path) -> Iterator[_Task]:
    """The runs still to do, in run-id order, made one at a time (memory stays flat)."""
    events = out / EVENTS_DIR
    for run_id in range(spec.runs):
        if done[run_id]:
            continue
        point, replication = spec.locate(run_id)
        path = str(events / f"run-{run_id:08d}.jsonl") if spec.keep_events else None
        yield _Task(run_id, point, replication, spec.seed_for(point, replication), path)


def _call(spec: SweepSpec, task: _Task, base: Any) -> tuple[Any, ...]:
    """The arguments of :func:`run_point` for a task."""
    return (
        base,
        spec.overrides(task.point),
        task.replication,
        task.seed,
        spec.metrics,
        task.events_path,
    )


# --------------------------------------------------------------------------- local pool


def _init_worker(parent: int) -> None:
    """Pool workers leave Ctrl-C to the parent, which stops them in order, and exit when
    the parent is gone (``kill -9``) instead of lingering as orphans."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """Poll the parent process id; once the worker is orphaned, exit at once."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL_SECONDS)
    os._exit(1)


@contextlib.contextmanager
def _local_backend(spec: SweepSpec, workers: int) -> Iterator[Execute]:
    """Run tasks here (1 worker) or over a process pool with a bounded window."""
    if workers <= 1:

        def in_process(tasks: Iterator[_Task], handle: Handle) -> None:
            for task in tasks:
                handle(task, run_point(*_call(spec, task, spec.base)))

        yield in_process
        return
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(os.getpid(),)
    )

    def pooled(tasks: Iterator[_Task], handle: Handle) -> None:
        pending: dict[Future[dict[str, Any]], _Task] = {}
        window = WINDOW_PER_WORKER * workers

        def fill() -> None:
            while len(pending) < window:
                task = next(tasks, None)
                if task is None:
                    return
                pending[pool.submit(run_point, *_call(spec, task, spec.base))] = task

        fill()
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                handle(pending.pop(future), future.result())
            fill()

    try:
        yield pooled
    except BaseException:
        _stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel queued runs and stop the workers now (a run in progress is not waited for)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)


# --------------------------------------------------------------------------- Dask


@contextlib.contextmanager
def _dask_backend(spec: SweepSpec, workers: int | None, scheduler: str) -> Iterator[Execute]:
    """Run tasks on Dask: a LocalCluster (``"local"``) or the scheduler at an address."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - installed with the sweep extra
        raise OutputError(f"--scheduler: Dask distributed is not installed ({exc})") from None
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="15s")
    except (OSError, TimeoutError, ValueError, TypeError, RuntimeError) as exc:
        if cluster is not None:
            cluster.close()
        if scheduler == "local":
            raise OutputError(
                f"--scheduler local: cannot start a Dask LocalCluster: {exc}", EXIT_FAILURE
            ) from None
        raise OutputError(
            f"--scheduler {scheduler}: cannot connect: {exc}",
            EXIT_USAGE if isinstance(exc, ValueError | TypeError) else EXIT_FAILURE,
        ) from None

    def on_dask(tasks: Iterator[_Task], handle: Handle) -> None:
        base = client.scatter(spec.base, broadcast=True)
        window = WINDOW_PER_WORKER * max(1, sum(client.nthreads().values()))
        token = uuid.uuid4().hex[:12]
        pending: dict[str, _Task] = {}
        completed = as_completed()

        def fill() -> None:
            while len(pending) < window:
                task = next(tasks, None)
                if task is None:
                    return
                key = f"shipit-sweep-{token}-{task.run_id}"
                future = client.submit(run_point, *_call(spec, task, base), key=key, pure=False)
                pending[key] = task
                completed.add(future)

        fill()
        for future in completed:
            task = pending.pop(future.key)
            if future.status == "finished":
                row = future.result()
            else:  # the worker died or the task was lost: record it, go on
                row = _error_row(spec, task, future.exception())
            future.release()
            handle(task, row)
            fill()

    try:
        yield on_dask
    finally:
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()


def _error_row(spec: SweepSpec, task: _Task, exc: BaseException | None) -> dict[str, Any]:
    """The row of a run whose worker failed before :func:`run_point` could return."""
    row: dict[str, Any] = {"replication": task.replication, "seed": task.seed}
    row.update(spec.overrides(task.point))
    row.update(dict.fromkeys(spec.metrics, float("nan")))
    row.update(wall_seconds=float("nan"), status=ERROR, error=repr(exc))
    return row


# --------------------------------------------------------------------------- metadata


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _packages() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in (
        "simpy",
        "numpy",
        "scipy",
        "pydantic",
        "SALib",
        "pyarrow",
        "pandas",
        "dask",
        "distributed",
    ):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def sweep_document(spec: SweepSpec) -> dict[str, Any]:
    """The ``_sweep.json`` document of a sweep, before any run (provenance counts at 0)."""
    design = spec.design.describe()
    return {
        "format": FORMAT,
        "name": spec.name,
        "base": spec.base_ref,
        "base_path": spec.base_path,
        "replications": spec.replications,
        "seed": spec.seed,
        "crn": spec.crn,
        "days": spec.days,
        "set": dict(spec.set),
        "keep_events": spec.keep_events,
        "metrics": list(spec.metrics),
        "runs": spec.runs,
        "points": spec.points,
        "factors": {f.name: f.describe() for f in spec.factors},
        "method": spec.design.method,
        "problem": spec.design.problem,
        "calc_second_order": spec.design.calc_second_order,
        "num_levels": spec.design.num_levels,
        "design": design,
        "seeds": {
            "crn": spec.crn,
            "rule": "numpy.random.SeedSequence([seed, replication]).generate_state(1)[0]"
            if spec.crn
            else "numpy.random.SeedSequence([seed, point, replication]).generate_state(1)[0]",
            "reproduce": "sim.runner.run_replication(Scenario.model_validate(base_scenario)"
            ".with_values(point values), replication, seed)",
        },
        "run_id": "point * replications + replication",
        "spec": spec.resolved(),
        "base_scenario": spec.base.model_dump(mode="json"),
        "provenance": {
            "shipit_version": __version__,
            "python": platform.python_version(),
            "packages": _packages(),
            "seed": spec.seed,
            "base_scenario_hash": spec.base.content_hash(),
            "created": _now(),
            "updated": None,
            "sessions": 0,
            "runs_total": spec.runs,
            "runs_done": 0,
            "runs_error": 0,
            "finished": False,
        },
    }


def _json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


def _check_metadata(spec: SweepSpec, out: Path) -> dict[str, Any] | None:
    """The metadata of the sweep in ``out`` if it is this one; None for a new directory.

    A directory holding another sweep (or other files) is refused; nothing is written.
    """
    meta = out / META_FILE
    if not meta.exists():
        leftovers = [p.name for p in out.iterdir() if not p.name.startswith((".", "_"))]
        if leftovers:
            raise OutputError(
                f"--out {out}: is not empty and holds no sweep ({leftovers[0]} ...); "
                "give a new or empty directory"
            )
        return None
    try:
        old = json.loads(meta.read_text(encoding="utf-8"))
        old_spec, old_points = old["spec"], old["design"]["points"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(f"{meta}: cannot read the sweep metadata ({exc})") from None
    fresh = spec.resolved()
    difference = _difference(old_spec, fresh)
    points = json.loads(json.dumps(spec.design.describe()["points"]))
    if difference is None and old_points != points:
        difference = "the design points differ (another SALib or scipy version?)"
    if difference is not None:
        raise OutputError(
            f"--out {out}: holds a different sweep ({difference}); resume it with the spec "
            f"that made it (see {SPEC_FILE}), or give a new --out directory",
            EXIT_USAGE,
        )
    return typing.cast(dict[str, Any], old)


def _write_metadata(spec: SweepSpec, out: Path) -> dict[str, Any]:
    """Start a new sweep directory: the spec as given and ``_sweep.json``."""
    document = sweep_document(spec)
    atomic_write(out / SPEC_FILE, [spec.text])
    atomic_write(out / META_FILE, [_json_text(document)])
    return document


def _difference(old: Any, new: Any, path: str = "") -> str | None:
    """The first key path where two resolved specs differ, in words; None if equal."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            where = f"{path}.{key}" if path else str(key)
            if key not in old or key not in new:
                return f"{where} is only in {'the spec' if key in new else 'the directory'}"
            found = _difference(old[key], new[key], where)
            if found:
                return found
        return None
    if old != new:
        label = {"base_hash": "the base scenario's content"}.get(path.rsplit(".", 1)[-1], path)
        if label != path:
            return f"{label} changed"
        return f"{path} is {json.dumps(old)} there, {json.dumps(new)} in the spec"
    return None


def _close_metadata(out: Path, document: dict[str, Any], summary: SweepSummary) -> None:
    """Record this session in ``_sweep.json``: counts, whether the sweep is finished."""
    provenance = document.setdefault("provenance", {})
    provenance.update(
        updated=_now(),
        sessions=int(provenance.get("sessions") or 0) + 1,
        runs_total=summary.total,
        runs_done=summary.done,
        runs_error=summary.errors_total,
        finished=summary.complete,
        last_session={
            "backend": summary.backend,
            "workers": summary.workers,
            "ran": summary.ran,
            "errors": summary.errors,
            "wall_seconds": round(summary.elapsed, 3),
        },
    )
    with contextlib.suppress(OutputError):
        atomic_write(out / META_FILE, [_json_text(document)])
