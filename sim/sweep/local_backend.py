"""Running a sweep's tasks here (one worker) or on a local process pool.

The pool's workers ignore Ctrl-C and exit when the sweep is killed (:mod:`sim.workers`);
at most :data:`~sim.sweep.tasks.WINDOW_PER_WORKER` runs per worker are in flight.  A
dead worker surfaces as ``BrokenProcessPool``, which the runner reports as a failure of
the machine, not of the model.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from ..workers import init_worker, stop_pool
from .execute import run_point
from .spec import SweepSpec
from .tasks import WINDOW_PER_WORKER, Execute, Handle, Task, call_args


@contextlib.contextmanager
def local_backend(spec: SweepSpec, workers: int) -> Iterator[Execute]:
    """Run tasks here (1 worker) or over a process pool with a bounded window."""
    if workers <= 1:

        def in_process(tasks: Iterator[Task], handle: Handle) -> None:
            for task in tasks:
                handle(task, run_point(*call_args(spec, task, spec.base)))

        yield in_process
        return
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=init_worker, initargs=(os.getpid(),)
    )

    def pooled(tasks: Iterator[Task], handle: Handle) -> None:
        pending: dict[Future[dict[str, Any]], Task] = {}
        window = WINDOW_PER_WORKER * workers

        def fill() -> None:
            while len(pending) < window:
                task = next(tasks, None)
                if task is None:
                    return
                pending[pool.submit(run_point, *call_args(spec, task, spec.base))] = task

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
