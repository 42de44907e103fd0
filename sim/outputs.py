"""Writing result files safely: checked before a run, written whole or not at all.

Used by every command that writes results (``run --json/--events``, ``schema --output``,
``bench --json``), so the contract of BRIEF §6 — nothing half-written, no data already
written lost — holds everywhere.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

EXIT_USAGE = 2
EXIT_FAILURE = 1


class OutputError(Exception):
    """An output path that cannot be used, reported as one line with an exit ``status``.

    ``status`` is 2 for bad input (a missing directory) and 1 for a failure of the
    environment (e.g. the disk filled up while writing).
    """

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


def check_output_path(raw: str, option: str) -> Path:
    """Check that ``raw`` can be written, before any work is done, and return it as a Path.

    Checked up front because a run can take minutes and failing only at the end to find
    the directory mistyped wastes them.  The message names the path and the option.
    """
    path = Path(raw).expanduser()
    parent = path.parent
    if path.is_dir():
        raise OutputError(f"{option} {raw}: is a directory; give a file name")
    if not parent.exists():
        raise OutputError(f"{option} {raw}: directory {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise OutputError(f"{option} {raw}: {str(parent)!r} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {raw}: cannot write to directory {str(parent)!r}")
    return path


def check_output_dir(raw: str | Path, option: str, what: str = "results") -> Path:
    """Check an output directory before any work: existing and writable, or new with an
    existing, writable parent (it is created only once there is something to write)."""
    path = Path(raw).expanduser()
    if path.exists():
        if not path.is_dir():
            raise OutputError(f"{option} {raw}: is not a directory; give a directory for {what}")
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputError(f"{option} {raw}: cannot write to the directory")
        return path
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(
            f"{option} {raw}: directory {str(parent)!r} does not exist; the {what} "
            "directory may be new, its parent must exist"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {raw}: cannot create it in {str(parent)!r}")
    return path


def _new_file_mode(path: Path) -> int:
    """Permissions for the replacement file: the old file's, or the usual ones for a new file.

    ``mkstemp`` creates files readable by the owner only; without this an output written
    atomically would be less readable than one written with ``open``.
    """
    with contextlib.suppress(OSError):
        return path.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    For writers that want a file name (matplotlib, pyarrow): write the temporary file,
    and on leaving the block it is renamed over ``path``.  On any failure -- including
    Ctrl-C -- it is removed and ``path`` is left as it was.
    """
    mode = _new_file_mode(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create a file: {exc.strerror or exc}") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            message = f"{path}: cannot write: {exc.strerror or exc}"
            raise OutputError(message, EXIT_FAILURE) from None
        raise


def atomic_write(path: Path, chunks: Iterable[str]) -> None:
    """Write text to ``path`` so that readers see the old file or the complete new one.

    The text goes to a temporary file in the same directory (so the final rename stays
    on one file system and is atomic), is flushed to disk, and replaces ``path`` with
    :func:`os.replace` (see :func:`atomic_path`).
    """
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        for chunk in chunks:
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())
