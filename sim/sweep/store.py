"""The result directory: Parquet parts written whole, metadata beside them, resume state.

Layout (the contract with ``shipit analyze``)::

    DIR/part-000000.parquet    finished runs, one tidy row each (see :func:`arrow_schema`)
    DIR/part-000001.parquet    ...
    DIR/_spec.toml             the sweep file as given (first session)
    DIR/_sweep.json            resolved spec, design, SALib problem, points, provenance
    DIR/_sweep.lock            held while a sweep writes (a second writer is refused)
    DIR/_events/run-*.jsonl    event logs, only with [sweep] keep_events = true

Names starting with ``_`` or ``.`` are skipped by Arrow's dataset discovery, so
``pandas.read_parquet(DIR)`` reads exactly the parts.  A part is written to a hidden
``.part-NNNNNN.parquet.tmp`` file, flushed to disk and renamed into place, so a part is
either complete or absent whatever kills the process; leftover ``.tmp`` files are removed
on the next start.  The parts are the only record of which runs are done: resuming reads
them and skips those runs, so no finished run is lost or duplicated.

Parts are only ever added, never rewritten.  A run has more than one row only when
``shipit sweep --retry-errors`` reran a run stored with status "error": the row in the
later part (higher index) supersedes the earlier one, so readers keep the latest row per
``run_id`` (:func:`read_results` here; ``shipit analyze`` prefers an "ok" row, then the
latest).  ``pandas.read_parquet(DIR)`` shows every row, superseded ones included.

Resuming checks every part first (:func:`read_stored`): an unreadable part, or one whose
columns are not this sweep's, stops the command with one line naming the file (exit
status 2) and nothing is changed; move the file aside (a name starting with ``_`` is
ignored) and rerun to redo its runs.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.exitcodes import EXIT_FAILURE, EXIT_USAGE
from sim.outputs import OutputError

from .design import Factor

PART_GLOB = "part-*.parquet"
PART_NAME = re.compile(r"part-(\d+)\.parquet")
"""A part's file name, matched whole (``fullmatch``: ``$`` would let a final newline in)."""
SPEC_FILE = "_spec.toml"
META_FILE = "_sweep.json"
LOCK_FILE = "_sweep.lock"
EVENTS_DIR = "_events"

LEADING = ("run_id", "point", "replication", "seed")
TRAILING = ("wall_seconds", "status", "error")

_FACTOR_TYPES = {
    "categorical": pa.string(),
    "bool": pa.bool_(),
    "integer": pa.int64(),
    "numeric": pa.float64(),
}


def arrow_schema(factors: Iterable[Factor], metrics: Iterable[str]) -> pa.Schema:
    """Columns of a run row: ids and seed, factors by dotted key, metrics, timing, status."""
    fields = [pa.field(name, pa.int64(), nullable=False) for name in LEADING]
    fields += [pa.field(f.name, _FACTOR_TYPES[f.kind]) for f in factors]
    fields += [pa.field(name, pa.float64()) for name in metrics]
    fields += [
        pa.field("wall_seconds", pa.float64()),
        pa.field("status", pa.string(), nullable=False),
        pa.field("error", pa.string()),
    ]
    return pa.schema(fields)


def part_paths(directory: Path) -> list[Path]:
    """The finished parts, in index order."""
    found = []
    for path in directory.glob(PART_GLOB):
        match = PART_NAME.fullmatch(path.name)
        if match and path.is_file():
            found.append((int(match.group(1)), path))
    return [path for _, path in sorted(found)]


def remove_stray(directory: Path) -> list[Path]:
    """Delete hidden ``.tmp`` files a killed writer left behind; return what was removed."""
    removed = []
    for path in directory.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


MISSING, STORED_OK, STORED_ERROR = 0, 1, 2
"""What :attr:`StoredRuns.status` holds per run id: no row, latest row ok, latest error."""
STATUSES = {"ok": STORED_OK, "error": STORED_ERROR}


@dataclass
class StoredRuns:
    """What the parts hold, by run id: the latest row of each run wins (see module notes)."""

    status: bytearray
    """Per run id: :data:`MISSING`, :data:`STORED_OK` or :data:`STORED_ERROR`."""
    ok: int
    """Runs whose latest row has status "ok"."""
    errors: int
    """Runs whose latest row has status "error"."""

    @property
    def stored(self) -> int:
        """Runs with a row."""
        return self.ok + self.errors

    def done(self, retry_errors: bool = False) -> bytearray:
        """A 0/1 byte per run id: 1 for a run not to run again (errors too, unless retried)."""
        table = bytes([0, 1, 0 if retry_errors else 1]) + bytes(253)
        return self.status.translate(table)


class CorruptPart(OutputError):
    """A result part that is unreadable or not of this sweep's schema (exit status 2)."""

    def __init__(self, path: Path, reason: str) -> None:
        aside = path.parent / f"_corrupt-{path.name}"
        super().__init__(
            f"{path}: corrupt result part ({reason}); nothing was changed: move it aside "
            f"(e.g. mv {path} {aside}) and rerun the same command to redo its runs",
            EXIT_USAGE,
        )
        self.path = path


def read_stored(directory: Path, total: int, schema: pa.Schema | None = None) -> StoredRuns:
    """Check every part and say which runs it holds, the latest row of each run winning.

    Every part must be a readable Parquet file whose columns are ``schema``'s (names and
    types, when given), with every row readable, a ``run_id`` in ``0 .. total - 1`` and a
    status "ok" or "error"; otherwise :class:`CorruptPart` names the file (nothing is
    changed).  Parts are read one at a time, so memory stays flat.
    """
    status = bytearray(total)
    for path in part_paths(directory):
        table = _read_part(path, schema)
        ids = table.column("run_id")
        statuses = table.column("status")
        if ids.null_count or statuses.null_count:
            raise CorruptPart(path, "a run_id or status is missing")
        for run_id, text in zip(ids.to_pylist(), statuses.to_pylist(), strict=True):
            if not 0 <= run_id < total:
                raise CorruptPart(path, f"run_id {run_id} is outside 0..{total - 1}")
            code = STATUSES.get(text)
            if code is None:
                raise CorruptPart(path, f"status {text!r} is neither 'ok' nor 'error'")
            status[run_id] = code  # parts are in write order: a later row supersedes
    ok = status.count(STORED_OK)
    errors = status.count(STORED_ERROR)
    return StoredRuns(status, ok, errors)


def _read_part(path: Path, schema: pa.Schema | None) -> pa.Table:
    """One part, read whole (every row decoded) and its columns checked."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CorruptPart(path, f"not readable: {reason}") from None
    names = table.schema.names
    for column in ("run_id", "status"):
        if column not in names:
            raise CorruptPart(path, f"no {column} column")
    if schema is not None:
        missing = [name for name in schema.names if name not in names]
        extra = [name for name in names if name not in schema.names]
        if missing or extra:
            what = f"missing column {missing[0]!r}" if missing else f"extra column {extra[0]!r}"
            raise CorruptPart(path, f"{what}; this sweep's columns are {', '.join(schema.names)}")
        for field in schema:
            found = table.schema.field(field.name).type
            if found != field.type:
                raise CorruptPart(path, f"column {field.name!r} is {found}, expected {field.type}")
    if table.schema.field("run_id").type != pa.int64():
        raise CorruptPart(path, "run_id is not an integer column")
    return table


def read_results(directory: str | Path) -> Any:
    """The runs of a result directory as a pandas DataFrame: one row per run, by run id.

    A run with more than one row (an error row rerun by ``--retry-errors``) keeps its
    latest row, so what this returns never holds a superseded failure.  Parts are
    checked as in :func:`read_stored`.
    """
    import pandas as pd

    directory = Path(directory)
    tables = []
    for order, path in enumerate(part_paths(directory)):
        table = _read_part(path, None)
        tables.append(table.append_column("_part", pa.array([order] * len(table), pa.int64())))
    if not tables:
        return pd.DataFrame()
    frame = pa.concat_tables(tables, promote_options="permissive").to_pandas()
    frame = frame.sort_values(["run_id", "_part"], kind="stable")
    frame = frame.drop_duplicates("run_id", keep="last").drop(columns="_part")
    return frame.reset_index(drop=True)


def next_index(directory: Path) -> int:
    """The index of the next part to write (one past the highest present)."""
    parts = part_paths(directory)
    if not parts:
        return 0
    match = PART_NAME.fullmatch(parts[-1].name)
    return int(match.group(1)) + 1 if match else len(parts)


class PartWriter:
    """Buffers finished rows and writes them as a new part every so many rows or seconds."""

    def __init__(
        self,
        directory: Path,
        schema: pa.Schema,
        rows_per_part: int,
        seconds_per_part: float = 10.0,
    ) -> None:
        self.directory = directory
        self.schema = schema
        self.rows_per_part = max(1, rows_per_part)
        self.seconds_per_part = seconds_per_part
        self.index = next_index(directory)
        self.rows: list[dict[str, Any]] = []
        self.written = 0
        self._last = time.monotonic()

    def add(self, row: dict[str, Any]) -> None:
        """Buffer one row; write a part when enough rows or time have gathered."""
        self.rows.append(row)
        due = time.monotonic() - self._last >= self.seconds_per_part
        if len(self.rows) >= self.rows_per_part or due:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows (if any) as one part: temp file, fsync, rename."""
        self._last = time.monotonic()
        if not self.rows:
            return
        rows = sorted(self.rows, key=lambda r: r["run_id"])
        table = pa.Table.from_pylist(rows, schema=self.schema)
        while (self.directory / f"part-{self.index:06d}.parquet").exists():
            self.index += 1
        final = self.directory / f"part-{self.index:06d}.parquet"
        tmp = self.directory / f".{final.name}.tmp"
        # Ctrl-C between the rename and the bookkeeping below would leave these rows both
        # in a part and in the buffer, and the flush on the way out would store them twice.
        with interrupts_deferred():
            try:
                with open(tmp, "wb") as handle:
                    pq.write_table(table, handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, final)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise OutputError(
                    f"{final}: cannot write: {exc.strerror or exc}", EXIT_FAILURE
                ) from None
            self.index += 1
            self.written += len(rows)
            self.rows = []
        _fsync_dir(self.directory)


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C back while the block runs; one pressed meanwhile is raised after it.

    Python runs signal handlers in the main thread only, so this swaps the SIGINT handler
    there (whichever thread the system delivered the signal to); off the main thread it
    does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[tuple[int, FrameType | None]] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append((number, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and callable(previous):
        previous(*caught[0])
    elif caught and previous == signal.SIG_DFL:
        raise KeyboardInterrupt


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable (best effort; not every platform can open a directory)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def lock_directory(directory: Path) -> IO[str]:
    """Hold ``DIR/_sweep.lock`` so two sweeps never write one directory at once.

    The lock is an advisory POSIX record lock (``lockf``): the system drops it when the
    process ends (even by ``kill -9``), so a crash never leaves a stale lock, and forked
    pool workers do not inherit it, so orphaned workers cannot keep it.  Returns the open lock file:
    keep it open while writing, close it to release.
    """
    path = directory / LOCK_FILE
    try:
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held open on purpose
    except OSError as exc:
        raise OutputError(f"{path}: cannot create: {exc.strerror or exc}", EXIT_FAILURE) from None
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no locking
        return handle
    try:
        fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        owner = handle.read().strip() or "another process"
        handle.close()
        raise OutputError(
            f"--out {directory}: another sweep ({owner}) is writing to it; wait for it to "
            "finish or stop it first"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}\n")
    handle.flush()
    return handle
