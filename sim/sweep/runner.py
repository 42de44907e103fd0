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
stops answering or a cluster without workers for :data:`CLUSTER_TIMEOUT_SECONDS`, stops
the sweep with :class:`~sim.outputs.OutputError` (exit status 1) and one line; the rows
already finished are written, the runs in flight are not, and rerunning the same command
runs them.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import platform
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
from sim.errors import ScenarioError
from sim.inputs import METADATA_MAX_BYTES, read_text_input
from sim.outputs import EXIT_FAILURE, EXIT_USAGE, OutputError, atomic_write, check_output_dir

from ..workers import init_worker, stop_pool
from .execute import ERROR, run_point
from .spec import SweepSpec
from .store import (
    EVENTS_DIR,
    META_FILE,
    SPEC_FILE,
    PartWriter,
    arrow_schema,
    lock_directory,
    read_stored,
    remove_stray,
)

FORMAT = "shipit-sweep/1"
WINDOW_PER_WORKER = 4
"""Runs in flight per worker: enough to keep workers busy, few enough to keep memory flat."""
SECONDS_PER_PART = 10.0
"""Write buffered rows at least this often, so a kill loses little."""

CLUSTER_TIMEOUT_SECONDS = 30.0
"""Longest a Dask sweep waits on a cluster that stopped answering or has no workers before
it stops with exit status 1 (Dask's own ``distributed.comm.timeouts.tcp`` is 30 s too).  A
connection the scheduler closed, a ``KilledWorker`` or a cancelled run stops it at once."""
CONNECT_SECONDS = 15.0
"""Longest wait to connect to a Dask scheduler address."""
HEALTH_SECONDS = 1.0
"""How often a waiting Dask sweep checks its connection and asks for the workers."""
FETCH_SECONDS = 10.0
"""Longest wait to fetch a finished run's row (a few hundred bytes) from its worker."""
POLL_SECONDS = 0.05
"""How often a Dask sweep looks for finished runs between health checks."""
SETTLE_SECONDS = 1.0
"""After a run the cluster failed, how long to wait to learn whether the scheduler is gone."""
CLOSE_SECONDS = 5.0
"""Longest wait for the Dask client (and a LocalCluster) to close after a failure."""

OnDone = Callable[[dict[str, Any]], None]
OnStart = Callable[[int, int, int], None]
"""Takes the runs to do, the runs in the sweep and the stored error rows left as they are."""
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
        _check_metadata(spec, out)  # refuse a foreign directory before touching it
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
    document = _check_metadata(spec, out)  # again, now that no one else can write
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
            _close_metadata(out, document, summary())
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
        max_workers=workers, initializer=init_worker, initargs=(os.getpid(),)
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
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


# --------------------------------------------------------------------------- Dask


class ClusterFailure(Exception):
    """The Dask cluster failed, not the model: the runs in flight are not recorded.

    Raised for a lost or unanswering scheduler, a cluster without workers for
    :data:`CLUSTER_TIMEOUT_SECONDS`, and a run the cluster could not finish (``KilledWorker``,
    a cancelled future, a result that could not be fetched).  The message is one line.
    """


@contextlib.contextmanager
def _quiet_dask() -> Iterator[None]:
    """Keep Dask's own log lines (lost comms, reconnect attempts, rescheduled keys) off the
    terminal while it runs: a failure of the cluster is reported once, in one line."""
    names = ("distributed", "tornado", "asyncio")
    manager = logging.Logger.manager
    loggers = [logging.getLogger(name) for name in names]
    loggers += [
        logger
        for name, logger in list(manager.loggerDict.items())
        if isinstance(logger, logging.Logger) and name.startswith(tuple(f"{n}." for n in names))
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _describe(exc: BaseException | None) -> str:
    """``Type: message`` of an exception, never an empty text or ``None``."""
    if exc is None:
        return "no reason given"
    name = type(exc).__name__
    try:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    except Exception:  # a broken __str__ must not hide the failure
        text = ""
    return f"{name}: {text}" if text else name


@contextlib.contextmanager
def _dask_backend(spec: SweepSpec, workers: int | None, scheduler: str) -> Iterator[Execute]:
    """Run tasks on Dask: a LocalCluster (``"local"``) or the scheduler at an address.

    Only rows that :func:`run_point` returned are handed on; any failure of the cluster
    raises :class:`ClusterFailure` within seconds (see :data:`CLUSTER_TIMEOUT_SECONDS`).
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - installed with the sweep extra
        raise OutputError(f"--scheduler: Dask distributed is not installed ({exc})") from None
    cluster = None
    with _quiet_dask():
        try:
            if scheduler == "local":
                cluster = LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                client = Client(cluster, timeout=f"{CLUSTER_TIMEOUT_SECONDS}s")
            else:
                client = Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
        except (OSError, TimeoutError, ValueError, TypeError, RuntimeError) as exc:
            if cluster is not None:
                with contextlib.suppress(Exception):
                    cluster.close(timeout=CLOSE_SECONDS)
            if scheduler == "local":
                raise OutputError(
                    f"--scheduler local: cannot start a Dask LocalCluster: {exc}", EXIT_FAILURE
                ) from None
            raise OutputError(
                f"--scheduler {scheduler}: cannot connect: {exc}",
                EXIT_USAGE if isinstance(exc, ValueError | TypeError) else EXIT_FAILURE,
            ) from None
        where = "the LocalCluster" if scheduler == "local" else f"the Dask scheduler {scheduler}"

        def ask(call: Callable[[], Any], what: str) -> Any:
            """A call to the cluster; any failure of it is a :class:`ClusterFailure`."""
            try:
                return call()
            except (KeyboardInterrupt, ClusterFailure):
                raise
            except Exception as exc:
                raise ClusterFailure(f"{where}: {what} failed ({_describe(exc)})") from None

        def on_dask(tasks: Iterator[_Task], handle: Handle) -> None:
            try:
                client.wait_for_workers(1, timeout=CLUSTER_TIMEOUT_SECONDS)
            except (KeyboardInterrupt, ClusterFailure):
                raise
            except TimeoutError:
                raise ClusterFailure(
                    f"{where} has had no workers for {CLUSTER_TIMEOUT_SECONDS:g} s"
                ) from None
            except Exception as exc:
                raise ClusterFailure(
                    f"{where}: asking for the workers failed ({_describe(exc)})"
                ) from None
            # The base scenario travels with each run (a few kB): scattered once, it would
            # be lost with the worker holding it and take every later run with it.
            threads = ask(
                lambda: client.nthreads(callback_timeout=CLUSTER_TIMEOUT_SECONDS),
                "asking for the workers",
            )
            window = WINDOW_PER_WORKER * max(1, sum(threads.values()))
            token = uuid.uuid4().hex[:12]
            pending: dict[str, _Task] = {}
            completed = as_completed()
            health = _Health(client, where)

            def fill() -> None:
                while len(pending) < window:
                    task = next(tasks, None)
                    if task is None:
                        return
                    key = f"shipit-sweep-{token}-{task.run_id}"
                    future = ask(
                        lambda task=task, key=key: client.submit(
                            run_point, *_call(spec, task, spec.base), key=key, pure=False
                        ),
                        f"submitting run {task.run_id}",
                    )
                    pending[key] = task
                    completed.add(future)

            fill()
            while pending:
                batch = completed.next_batch(block=False)
                if not batch:
                    health.check()
                    time.sleep(POLL_SECONDS)
                    continue
                failure: str | None = None
                for future in batch:
                    if failure is not None:  # stopping: no more waiting on this cluster
                        break
                    row, problem = _outcome(future)
                    if row is None and not problem:  # its result was lost: Dask reruns it
                        completed.add(future)
                        continue
                    task = pending.pop(future.key)
                    with contextlib.suppress(Exception):
                        future.release()
                    if row is not None:
                        handle(task, row)
                    else:
                        failure = f"run {task.run_id} {problem}"
                if failure is not None:
                    raise ClusterFailure(health.explain(failure))
                health.check()
                fill()

        try:
            yield on_dask
        finally:
            _close_dask(client, cluster)


def _outcome(future: Any) -> tuple[dict[str, Any] | None, str]:
    """The row of a done future; or None and why the cluster did not deliver one; or
    None and ``""`` when its result was lost with a worker and Dask is computing it again.

    :func:`run_point` never raises for a failing model run, so any exception here is the
    cluster's (``KilledWorker``, a cancelled future, a lost connection): not a row.
    """
    if future.status == "cancelled":
        reason = "was cancelled"
        with contextlib.suppress(Exception):
            exc = future.exception(timeout=1)
            if exc is not None:
                reason = f"was cancelled ({_describe(exc)})"
        return None, reason
    if future.status in ("pending", "lost"):
        return None, ""
    try:
        row = future.result(timeout=FETCH_SECONDS)
    except Exception as exc:
        if future.status in ("pending", "lost"):
            return None, ""
        if future.status == "error":
            return None, f"failed on the cluster ({_describe(exc)})"
        return None, f"finished but its result could not be fetched ({_describe(exc)})"
    if isinstance(row, dict) and row.get("status") is not None:
        return row, ""
    return None, f"returned {type(row).__name__}, not a run row"


class _Health:
    """Watches the Dask connection while a sweep waits for results.

    A closed or reconnecting connection fails at once; every :data:`HEALTH_SECONDS` the
    scheduler is asked for its workers, and a scheduler that does not answer, or a cluster
    with no workers, for :data:`CLUSTER_TIMEOUT_SECONDS` fails the sweep.
    """

    def __init__(self, client: Any, where: str) -> None:
        self.client = client
        self.where = where
        now = time.monotonic()
        self.asked = now
        self.answered = now
        self.staffed = now

    def connected(self) -> bool:
        """Whether the client still holds an open connection to the scheduler."""
        client = self.client
        comm = getattr(client, "scheduler_comm", None)
        return bool(client.status == "running" and comm is not None and not comm.closed())

    def explain(self, failure: str) -> str:
        """The message for a run the cluster failed: a lost scheduler, when it is one.

        Waits at most :data:`SETTLE_SECONDS` (plus one short question to the scheduler),
        since the cancelled runs of a dead scheduler often arrive before the news.
        """
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            if not self.connected():
                return f"lost the connection to {self.where} ({failure})"
            time.sleep(POLL_SECONDS)
        try:
            self.client.nthreads(callback_timeout=SETTLE_SECONDS)
        except KeyboardInterrupt:
            raise
        except Exception:
            return f"lost the connection to {self.where} ({failure})"
        return f"{self.where}: {failure}"

    def check(self) -> None:
        """Raise :class:`ClusterFailure` if the cluster is gone; ask it now and then."""
        if not self.connected():
            raise ClusterFailure(f"lost the connection to {self.where}")
        now = time.monotonic()
        if now - self.asked < HEALTH_SECONDS:
            return
        self.asked = now
        try:
            workers = self.client.nthreads(callback_timeout=HEALTH_SECONDS * 5)
        except KeyboardInterrupt:
            raise
        except Exception as exc:
            if time.monotonic() - self.answered >= CLUSTER_TIMEOUT_SECONDS:
                raise ClusterFailure(
                    f"{self.where} has not answered for {CLUSTER_TIMEOUT_SECONDS:g} s "
                    f"({_describe(exc)})"
                ) from None
            return
        self.answered = time.monotonic()
        if workers:
            self.staffed = self.answered
        elif self.answered - self.staffed >= CLUSTER_TIMEOUT_SECONDS:
            raise ClusterFailure(
                f"{self.where} has had no workers for {CLUSTER_TIMEOUT_SECONDS:g} s"
            )


def _close_dask(client: Any, cluster: Any) -> None:
    """Close the client (and our LocalCluster) without hanging on a dead scheduler."""
    with _quiet_dask():
        with contextlib.suppress(BaseException):
            client.close(timeout=CLOSE_SECONDS)
        if cluster is not None:
            with contextlib.suppress(BaseException):
                cluster.close(timeout=CLOSE_SECONDS)
        gc.collect()  # abandoned Dask tasks complain when collected: let it happen here


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
        text = read_text_input(meta, str(meta), limit=METADATA_MAX_BYTES, what="sweep metadata")
        old = json.loads(text)
        old_spec, old_points = old["spec"], old["design"]["points"]
    except ScenarioError as exc:
        raise OutputError(f"{meta}: cannot read the sweep metadata ({exc.problem})") from None
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        problem = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise OutputError(f"{meta}: cannot read the sweep metadata ({problem})") from None
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
