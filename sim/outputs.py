"""Writing result files safely: checked before a run, written whole or not at all.

Used by every command that writes results (``run --json/--events``, ``schema --output``,
``bench --json``, saved games, charts, sweep metadata, workshop reports), so the contract
of BRIEF §6 — nothing half-written, no data already written lost — holds everywhere.

Every output is written to a temporary file beside its target and renamed over it once
complete.  A rename replaces whatever is at the target, so **outputs are written to
regular files only**:

* a target that does not exist yet, or is a regular file, is written (replaced atomically);
* a target that exists and is not a regular file — a directory, FIFO, socket or device
  node such as ``/dev/null`` — is refused (:class:`OutputError`, status 2), never replaced;
* a symbolic link is followed (:func:`os.path.realpath`): when it ends at a regular file,
  that file gets the new content and the link stays a link; when it ends at anything else,
  or nowhere (a dangling link), it is refused.

Both the up-front check (:func:`check_output_path`) and the writers (:func:`atomic_path`,
:func:`atomic_write`) apply the rule, so a writer that skips the check is covered too.  Any
:class:`OSError` while checking (a name too long, a loop of links, ...) is reported as one
line, never as a traceback.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .exitcodes import EXIT_FAILURE, EXIT_USAGE

REGULAR_ONLY = "outputs are written to regular files only"
"""The end of every message refusing a target that is not a regular file."""

TEMP_NAME_CHARS = 40
"""Characters of the target's name kept in its temporary file's name.

The temporary file is ``.<name>.<random>.tmp`` beside the target; with the whole name a
target whose name is legal but long (250 bytes) would get a temporary name over the usual
255-byte limit of a file name.
"""


class OutputError(Exception):
    """An output path that cannot be used, reported as one line with an exit ``status``.

    ``status`` is 2 for bad input (a missing directory, a target that is not a regular
    file) and 1 for a failure of the environment (e.g. the disk filled up while writing).
    """

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


def file_kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, with its article ("a FIFO", "a directory")."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISREG, "a regular file"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _reason(exc: OSError) -> str:
    """The system's words for an OSError ("File name too long"), or its type."""
    return exc.strerror or type(exc).__name__


def output_target(path: Path, label: str | None = None) -> Path:
    """The file an output to ``path`` really writes: ``path``, or where its link leads.

    Returns ``path`` when nothing is there yet or it is a regular file, and the resolved
    target when ``path`` is a symbolic link to a regular file.  Raises :class:`OutputError`
    (status 2) for anything else -- a directory, FIFO, socket, device, a dangling link --
    and for any error of the file system while looking (one line, ``label`` first;
    ``label`` defaults to the path).
    """
    label = label or str(path)
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return path  # nothing there yet (whether its directory exists is checked elsewhere)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        reason = _reason(exc) if isinstance(exc, OSError) else str(exc)
        raise OutputError(f"{label}: cannot use this path: {reason}") from None
    if stat.S_ISREG(info.st_mode):
        return path
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{label}: is a directory; give a file name ({REGULAR_ONLY})")
    if not stat.S_ISLNK(info.st_mode):
        kind = file_kind(info.st_mode)
        raise OutputError(f"{label}: is not a regular file ({kind}); {REGULAR_ONLY}")
    target = path
    try:
        target = Path(os.path.realpath(path))
        info = os.stat(target)
    except FileNotFoundError:
        raise OutputError(
            f"{label}: is a symbolic link to {str(target)!r}, which does not exist "
            f"(a dangling link); {REGULAR_ONLY}"
        ) from None
    except (OSError, ValueError) as exc:
        reason = _reason(exc) if isinstance(exc, OSError) else str(exc)
        raise OutputError(f"{label}: cannot follow the symbolic link: {reason}") from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(
            f"{label}: is a symbolic link to a directory; give a file name ({REGULAR_ONLY})"
        )
    if not stat.S_ISREG(info.st_mode):
        kind = file_kind(info.st_mode)
        raise OutputError(
            f"{label}: is a symbolic link to {str(target)!r}, which is not a regular file "
            f"({kind}); {REGULAR_ONLY}"
        )
    return target


def check_output_path(raw: str, option: str) -> Path:
    """Check that ``raw`` can be written, before any work is done, and return it as a Path.

    Checked up front because a run can take minutes and failing only at the end to find
    the directory mistyped wastes them.  The message names the path and the option.  A
    target that exists must be a regular file (or a link to one): see the module notes.
    """
    label = f"{option} {raw}"
    path = Path(raw).expanduser()
    target = output_target(path, label)
    parent = target.parent
    try:
        if not parent.exists():
            raise OutputError(f"{label}: directory {str(parent)!r} does not exist")
        if not parent.is_dir():
            raise OutputError(f"{label}: {str(parent)!r} is not a directory")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OutputError(f"{label}: cannot write to directory {str(parent)!r}")
    except OSError as exc:
        raise OutputError(f"{label}: cannot use this path: {_reason(exc)}") from None
    return path


def check_output_dir(raw: str | Path, option: str, what: str = "results") -> Path:
    """Check an output directory before any work: existing and writable, or new with an
    existing, writable parent (it is created only once there is something to write)."""
    try:
        return _check_output_dir(raw, option, what)
    except OSError as exc:
        raise OutputError(f"{option} {raw}: cannot use this path: {_reason(exc)}") from None


def _check_output_dir(raw: str | Path, option: str, what: str) -> Path:
    """:func:`check_output_dir` without the translation of OSError."""
    path = Path(raw).expanduser()
    if path.exists():
        if not path.is_dir():
            raise OutputError(f"{option} {raw}: is not a directory; give a directory for {what}")
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputError(f"{option} {raw}: cannot write to the directory")
        return path
    if path.is_symlink():
        raise OutputError(
            f"{option} {raw}: is a symbolic link that leads nowhere; give a directory for {what}"
        )
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
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    For writers that want a file name (matplotlib, pyarrow): write the temporary file,
    and on leaving the block it is renamed over ``path``.  On any failure -- including
    Ctrl-C -- it is removed and ``path`` is left as it was.  ``path`` must be new, a
    regular file or a link to one (:func:`output_target`; anything else raises
    :class:`OutputError` before anything is written); a link's target gets the content.
    """
    path = Path(path)
    target = output_target(path)
    mode = _new_file_mode(target)
    # Only the start of the name: a long name would make the temporary one too long.
    prefix = f".{target.name[:TEMP_NAME_CHARS]}."
    try:
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=target.parent)
    except (OSError, ValueError) as exc:
        reason = _reason(exc) if isinstance(exc, OSError) else str(exc)
        raise OutputError(f"{path}: cannot create a file: {reason}") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, mode)
        # Looked at again: something else may have appeared there while this was written.
        os.replace(tmp, output_target(path))
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            message = f"{path}: cannot write: {exc.strerror or exc}"
            raise OutputError(message, EXIT_FAILURE) from None
        raise


def atomic_write(path: Path | str, chunks: Iterable[str]) -> None:
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
