"""Running a sweep's tasks on Dask, and noticing within seconds when the cluster fails.

:func:`dask_backend` connects to a scheduler (or starts a ``LocalCluster``), submits
:func:`~sim.sweep.execute.run_point` over a bounded window and hands on only the rows the
runs returned.  A lost or silent scheduler, a cluster without workers, a ``KilledWorker``
or a cancelled run raises :class:`ClusterFailure` (the runner makes it one line and exit
status 1): such runs are never stored as model errors, so a resume reruns them.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from sim.exitcodes import EXIT_FAILURE, EXIT_USAGE
from sim.outputs import OutputError

from .execute import run_point
from .spec import SweepSpec
from .tasks import WINDOW_PER_WORKER, Execute, Handle, Task, call_args

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


class ClusterFailure(Exception):
    """The Dask cluster failed, not the model: the runs in flight are not recorded.

    Raised for a lost or unanswering scheduler, a cluster without workers for
    :data:`CLUSTER_TIMEOUT_SECONDS`, and a run the cluster could not finish (``KilledWorker``,
    a cancelled future, a result that could not be fetched).  The message is one line.
    """


@contextlib.contextmanager
def quiet_dask() -> Iterator[None]:
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


def describe(exc: BaseException | None) -> str:
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
def dask_backend(spec: SweepSpec, workers: int | None, scheduler: str) -> Iterator[Execute]:
    """Run tasks on Dask: a LocalCluster (``"local"``) or the scheduler at an address.

    Only rows that :func:`run_point` returned are handed on; any failure of the cluster
    raises :class:`ClusterFailure` within seconds (see :data:`CLUSTER_TIMEOUT_SECONDS`).
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - installed with the sweep extra
        raise OutputError(f"--scheduler: Dask distributed is not installed ({exc})") from None
    cluster = None
    with quiet_dask():
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
                raise ClusterFailure(f"{where}: {what} failed ({describe(exc)})") from None

        def on_dask(tasks: Iterator[Task], handle: Handle) -> None:
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
                    f"{where}: asking for the workers failed ({describe(exc)})"
                ) from None
            # The base scenario travels with each run (a few kB): scattered once, it would
            # be lost with the worker holding it and take every later run with it.
            threads = ask(
                lambda: client.nthreads(callback_timeout=CLUSTER_TIMEOUT_SECONDS),
                "asking for the workers",
            )
            window = WINDOW_PER_WORKER * max(1, sum(threads.values()))
            token = uuid.uuid4().hex[:12]
            pending: dict[str, Task] = {}
            completed = as_completed()
            health = Health(client, where)

            def fill() -> None:
                while len(pending) < window:
                    task = next(tasks, None)
                    if task is None:
                        return
                    key = f"shipit-sweep-{token}-{task.run_id}"
                    future = ask(
                        lambda task=task, key=key: client.submit(
                            run_point, *call_args(spec, task, spec.base), key=key, pure=False
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
                    row, problem = outcome(future)
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
            close_dask(client, cluster)


def outcome(future: Any) -> tuple[dict[str, Any] | None, str]:
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
                reason = f"was cancelled ({describe(exc)})"
        return None, reason
    if future.status in ("pending", "lost"):
        return None, ""
    try:
        row = future.result(timeout=FETCH_SECONDS)
    except Exception as exc:
        if future.status in ("pending", "lost"):
            return None, ""
        if future.status == "error":
            return None, f"failed on the cluster ({describe(exc)})"
        return None, f"finished but its result could not be fetched ({describe(exc)})"
    if isinstance(row, dict) and row.get("status") is not None:
        return row, ""
    return None, f"returned {type(row).__name__}, not a run row"


class Health:
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
                    f"({describe(exc)})"
                ) from None
            return
        self.answered = time.monotonic()
        if workers:
            self.staffed = self.answered
        elif self.answered - self.staffed >= CLUSTER_TIMEOUT_SECONDS:
            raise ClusterFailure(
                f"{self.where} has had no workers for {CLUSTER_TIMEOUT_SECONDS:g} s"
            )


def close_dask(client: Any, cluster: Any) -> None:
    """Close the client (and our LocalCluster) without hanging on a dead scheduler."""
    with quiet_dask():
        with contextlib.suppress(BaseException):
            client.close(timeout=CLOSE_SECONDS)
        if cluster is not None:
            with contextlib.suppress(BaseException):
                cluster.close(timeout=CLOSE_SECONDS)
        gc.collect()  # abandoned Dask tasks complain when collected: let it happen here
