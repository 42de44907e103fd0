"""``shipit sweep SPEC --out DIR``: run a sweep file into a Parquet result directory.

:func:`add_sweep_parser` registers the command on the ``shipit`` parser (it has the shape
of a :data:`sim.clibase.Extension`); :func:`main` runs it on its own, as
``python -m sim.sweep SPEC --out DIR``.  The error contract is the CLI's: a bad spec or
output directory is one line on stderr and exit status 2 (the exceptions propagate to
:func:`sim.clibase.main`), Ctrl-C or SIGTERM writes what is finished and exits 130 with the
command that resumes, and rerunning a finished sweep does nothing and says so (and how
many runs have status error: ``--retry-errors`` reruns them).  A lost worker pool or Dask
cluster is one line and exit status 1: the finished rows are kept, rerunning resumes.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .. import clibase
from ..argtypes import workers_count
from ..exitcodes import EXIT_INTERRUPTED, EXIT_OK
from ..progress import runs_progress
from .runner import SweepInterrupted, SweepSummary, check_out_dir, run_sweep
from .spec import example_names, load_sweep


def add_sweep_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``sweep`` on ``shipit``'s subparsers; returns the new parser."""
    sweep = subparsers.add_parser(
        "sweep",
        help="run a parameter sweep into a Parquet result directory",
        description="Run every design point of a sweep file (factorial, Latin hypercube, "
        "Sobol' or Morris) with replications, streaming one row per run to DIR as Parquet "
        "parts (read them with pandas.read_parquet(DIR)). Rerunning the same command "
        "resumes an interrupted sweep; a finished one is left alone.",
    )
    sweep.add_argument(
        "spec",
        metavar="SPEC",
        help="sweep file (.toml), or the name of a shipped example: " + ", ".join(example_names()),
    )
    sweep.add_argument(
        "--out", "-o", metavar="DIR", required=True,
        help="result directory: new (its parent must exist), empty, or one to resume",
    )  # fmt: skip
    sweep.add_argument(
        "--workers", "-w", metavar="N", type=workers_count, default=None,
        help="worker processes (default: all cores); with --scheduler local, the "
        "LocalCluster's workers",
    )  # fmt: skip
    sweep.add_argument(
        "--scheduler", metavar="ADDRESS|local", default=None,
        help="run on Dask: 'local' starts a LocalCluster, an address such as "
        "tcp://host:8786 uses that cluster (default: a local process pool)",
    )  # fmt: skip
    sweep.add_argument(
        "--retry-errors", action="store_true",
        help='also rerun the runs stored with status "error" (the new row supersedes the old)',
    )  # fmt: skip
    sweep.add_argument("--quiet", "-q", action="store_true", help="no progress, no summary")
    sweep.set_defaults(handler=cmd_sweep)
    return sweep


def _resume_command(args: argparse.Namespace) -> str:
    """The command line that resumes this sweep."""
    argv = ["shipit", "sweep", args.spec, "--out", args.out]
    if args.workers is not None:
        argv += ["--workers", str(args.workers)]
    if args.scheduler is not None:
        argv += ["--scheduler", args.scheduler]
    if getattr(args, "retry_errors", False):
        argv.append("--retry-errors")
    return shlex.join(argv)


@contextlib.contextmanager
def _progress(
    description: str, quiet: bool
) -> Iterator[tuple[Callable[[int, int], None], Callable[[Any], None]]]:
    """A Rich progress bar on stderr (a TTY only) with rate and ETA, sized when runs start."""
    progress = runs_progress(quiet)
    tasks: list[Any] = []

    def start(todo: int, total: int) -> None:
        tasks.append(progress.add_task(description, total=todo))

    def done(_: Any) -> None:
        if tasks:
            progress.advance(tasks[0])

    with progress:
        yield start, done


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """While running, SIGTERM stops the sweep like Ctrl-C (finished rows are written)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def cmd_sweep(args: argparse.Namespace) -> int:
    """Load and check the spec and DIR, run what is missing, report; the exit status."""
    spec = load_sweep(args.spec)
    out = check_out_dir(args.out)
    quiet = args.quiet
    where = "a local pool" if args.scheduler is None else f"Dask ({args.scheduler})"

    retry = bool(getattr(args, "retry_errors", False))

    def announce(todo: int, total: int, errors: int) -> None:
        if quiet or todo == 0:
            return
        before = total - todo
        if before:
            print(f"resuming: {before} of {total} runs are already in {out}{_failed(errors)}")
        print(
            f"sweep {spec.name}: {_count(todo, 'run')} ({_count(spec.points, 'point')} × "
            f"{_count(spec.replications, 'replication')}, {spec.design.method}) on {where} "
            f"-> {out}",
            flush=True,
        )

    with _progress(spec.name, quiet) as (start, done), _sigterm_interrupts():

        def on_start(todo: int, total: int, errors: int) -> None:
            announce(todo, total, errors)
            start(todo, total)

        try:
            summary = run_sweep(
                spec,
                out,
                workers=args.workers,
                scheduler=args.scheduler,
                on_done=done,
                on_start=on_start,
                retry_errors=retry,
            )
        except SweepInterrupted as exc:
            interrupted: SweepSummary | None = exc.summary
        else:
            interrupted = None
    if interrupted is not None:
        print(
            f"{clibase.PROG}: interrupted: {interrupted.done} of {interrupted.total} runs are in "
            f"{out}; to resume, run the same command again: {_resume_command(args)}",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if not quiet:
        print(_report(summary))
    return EXIT_OK


def _count(n: int, noun: str) -> str:
    """``1 run``, ``2 runs``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _failed(errors: int) -> str:
    """`` (3 with status error; --retry-errors reruns them)``, or nothing."""
    if not errors:
        return ""
    them = "it" if errors == 1 else "them"
    return f" ({errors} with status error; add --retry-errors to rerun {them})"


def _report(summary: SweepSummary) -> str:
    """The closing line: what ran, how fast, how many failed, where the rows are."""
    failures = _failed(summary.errors_total)
    if summary.nothing_to_do:
        return f"nothing to do: all {summary.total} runs are in {summary.out_dir}{failures}"
    rate = summary.ran / summary.elapsed if summary.elapsed > 0 else 0.0
    errors = (
        f", {summary.errors} failed (see the status and error columns)" if summary.errors else ""
    )
    retried = f" (rerun: {_count(summary.retried, 'error row')})" if summary.retried else ""
    return (
        f"done: {summary.ran} runs{retried} in {summary.elapsed:.1f} s ({rate:.1f} runs/s)"
        f"{errors}; {summary.done} of {summary.total} runs are in {summary.out_dir}{failures}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sim.sweep SPEC --out DIR ...`` through ``shipit``'s error handling."""
    args = list(sys.argv[1:] if argv is None else argv)
    return clibase.main(["sweep", *args], [add_sweep_parser])


if __name__ == "__main__":
    sys.exit(main())
