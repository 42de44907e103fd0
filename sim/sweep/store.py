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
their ``run_id`` column and skips those runs, so no finished run is lost or duplicated.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.outputs import EXIT_FAILURE, OutputError

from .design import Factor

PART_GLOB = "part-*.parquet"
PART_NAME = re.compile(r"^part-(\d+)\.parquet$")
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
        match = PART_NAME.match(path.name)
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


def read_done(directory: Path, total: int) -> tuple[bytearray, int, int]:
    """Which runs are in the parts: a 0/1 byte per run id, the count, and how many failed.

    Only the ``run_id`` and ``status`` columns are read, so this stays cheap for big sweeps.
    """
    done = bytearray(total)
    count = errors = 0
    for path in part_paths(directory):
        try:
            table = pq.read_table(path, columns=["run_id", "status"])
        except (OSError, pa.ArrowException) as exc:
            raise OutputError(
                f"{path}: cannot read this result part ({exc}); move it away and rerun "
                "to redo its runs",
                EXIT_FAILURE,
            ) from None
        ids = table.column("run_id").to_pylist()
        statuses = table.column("status").to_pylist()
        for run_id, status in zip(ids, statuses, strict=True):
            if 0 <= run_id < total and not done[run_id]:
                done[run_id] = 1
                count += 1
                errors += status != "ok"
    return done, count, errors


def next_index(directory: Path) -> int:
    """The index of the next part to write (one past the highest present)."""
    parts = part_paths(directory)
    if not parts:
        return 0
    match = PART_NAME.match(parts[-1].name)
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
        _fsync_dir(self.directory)
        self.index += 1
        self.written += len(rows)
        self.rows = []


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
