"""Pool workers: Ctrl-C is the parent's, and terminating one kills it whatever the parent set."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ProcessPoolExecutor
from types import FrameType

from sim.workers import init_worker


def handlers() -> tuple[bool, bool]:
    """In the worker: (SIGINT ignored, SIGTERM at its default)."""
    return (
        signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
        signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
    )


def test_a_worker_does_not_inherit_the_parents_sigterm_handler() -> None:
    """``shipit sweep`` turns SIGTERM into KeyboardInterrupt while it runs; a worker forked
    then kept that handler, so stopping the pool made it unwind instead of dying, and the
    sweep could hang on exit after Ctrl-C."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        with ProcessPoolExecutor(1, initializer=init_worker, initargs=(os.getpid(),)) as pool:
            assert pool.submit(handlers).result(timeout=60) == (True, True)
    finally:
        signal.signal(signal.SIGTERM, previous)
