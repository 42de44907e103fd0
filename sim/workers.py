"""Local worker processes that never outlive the command that started them.

``run -r N``, ``compare`` and ``sweep`` spread replications over a
:class:`~concurrent.futures.ProcessPoolExecutor`.  Two things go wrong with a bare pool:
Ctrl-C reaches every worker (each prints a traceback), and ``kill -9`` of the command
leaves its workers running as orphans until their queue drains.  :func:`guarded_pool`
fixes both: workers ignore SIGINT (the parent stops them in order) and exit on their own
once their parent is gone; on any failure or interrupt the parent cancels queued work
and terminates the workers instead of waiting for them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

ORPHAN_POLL_SECONDS = 0.5
"""How often a worker checks that its parent is alive, seconds (the longest an orphan lives)."""

STOP_JOIN_SECONDS = 5.0
"""How long to wait for each terminated worker to exit, seconds."""


def init_worker(parent: int) -> None:
    """Pool initializer: leave Ctrl-C to the parent, and exit when the parent is gone.

    SIGTERM goes back to its default: a forked worker inherits the parent's handlers, and
    ``shipit sweep`` turns SIGTERM into KeyboardInterrupt; a worker that :func:`stop_pool`
    terminates must die then, not unwind (one that did could hang the pool's shutdown).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=exit_with_parent, args=(parent,), daemon=True).start()


def exit_with_parent(parent: int) -> None:
    """Poll the parent process id; once the worker is orphaned (``kill -9``), exit at once."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL_SECONDS)
    os._exit(1)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel queued work and stop the workers now (a run in progress is not waited for)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=STOP_JOIN_SECONDS)


@contextlib.contextmanager
def guarded_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers die with the parent and stop at once on failure.

    On leaving normally the pool is shut down and waited for; on any exception
    (including ``KeyboardInterrupt`` and ``SystemExit`` from SIGTERM) it is stopped with
    :func:`stop_pool` and the exception goes on.
    """
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=init_worker, initargs=(os.getpid(),)
    )
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


class Inline:
    """The executor interface, run at once in this process (one worker: no pool)."""

    def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed over like a pool's future does
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def executor(workers: int) -> Iterator[Any]:
    """A :func:`guarded_pool` of ``workers``, or :class:`Inline` for one (or fewer)."""
    if workers <= 1:
        yield Inline()
        return
    with guarded_pool(workers) as pool:
        yield pool
