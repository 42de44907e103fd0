"""Reading input files safely: regular files only, bounded in size, never blocking.

Every file the program reads on a user's say-so (scenario TOML files, sweep specs, saved
games, workshop decks) should be read through :func:`read_text_input` (or
:func:`read_input_bytes`), so that a wrong path is one line of error and exit status 2
(BRIEF §6) rather than a hang or a traceback:

* only a regular file is read, after following symbolic links: a directory, FIFO, socket
  or device (``/dev/zero``, ``/dev/stdin``) is refused *before it is opened*, and the file
  is opened with ``O_NONBLOCK`` and checked again, so a FIFO swapped in between can never
  block the program;
* at most ``limit`` bytes are read (:data:`SCENARIO_MAX_BYTES` by default); a larger file
  is refused, whatever its size claims to be;
* the bytes must be UTF-8 (a byte-order mark is allowed), else the message names the line.

Failures raise :class:`~sim.errors.ScenarioError` with the caller's ``source`` label.
"""

from __future__ import annotations

import os
import stat

from sim.errors import ScenarioError
from sim.outputs import file_kind

SCENARIO_MAX_BYTES = 1024 * 1024
"""Largest scenario file read: 1 MiB.  The built-in scenarios are a few kilobytes; a file
of megabytes is a mistake (a log, a binary, ``/dev/zero``) and is refused."""

METADATA_MAX_BYTES = 256 * 1024 * 1024
"""Largest sweep metadata file (``_sweep.json``) read: 256 MiB.  Its design points grow
with the sweep (a few MB for the largest Sobol' designs); far larger is not a sweep's."""

_CHUNK = 64 * 1024
"""Bytes asked of the file per read."""

_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)  # a terminal device must not become ours


def size_text(size: int) -> str:
    """A byte count as a person reads it: ``"1 MiB"``, ``"64 KiB"``, ``"100 bytes"``."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value.is_integer() else f"{value:.1f} {unit}"
    return f"{size} bytes"


def _refuse_special(mode: int, source: str, what: str) -> None:
    """Raise the one-line error for anything but a regular file."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise ScenarioError(source, "", f"is a directory; expected {what}")
    raise ScenarioError(
        source, "", f"is not a regular file ({file_kind(mode)}); expected {what}, a regular file"
    )


def _too_large(source: str, limit: int, what: str) -> ScenarioError:
    return ScenarioError(
        source,
        "",
        f"the file is larger than {size_text(limit)}; expected {what} of at most "
        f"{size_text(limit)}",
    )


def _os_error(exc: OSError, source: str) -> ScenarioError:
    """An OSError while opening or reading, as the one-line error."""
    if isinstance(exc, FileNotFoundError):
        return ScenarioError(source, "", "file not found")
    if isinstance(exc, PermissionError):
        return ScenarioError(source, "", "cannot read the file: permission denied")
    reason = exc.strerror or type(exc).__name__
    return ScenarioError(source, "", f"cannot read the file: {reason}")


def read_input_bytes(
    path: str | os.PathLike[str],
    source: str,
    *,
    limit: int = SCENARIO_MAX_BYTES,
    what: str = "a text file",
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a :class:`ScenarioError`.

    ``source`` labels the error (usually the path as the user gave it); ``what`` says what
    was expected, e.g. ``"a scenario .toml file"``.  See the module notes for the rules.
    """
    try:
        info = os.stat(path)  # follows symbolic links: the file they lead to counts
        _refuse_special(info.st_mode, source, what)
        if info.st_size > limit:
            raise _too_large(source, limit, what)
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY | _O_BINARY)
    except ScenarioError:
        raise
    except OSError as exc:
        raise _os_error(exc, source) from None
    except ValueError as exc:  # a NUL byte in the name
        raise ScenarioError(source, "", f"cannot read the file: {exc}") from None
    try:
        # Checked again on what was opened: the path may have changed since stat.
        _refuse_special(os.fstat(fd).st_mode, source, what)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise _too_large(source, limit, what)
        return b"".join(chunks)
    except OSError as exc:
        raise _os_error(exc, source) from None
    finally:
        os.close(fd)


def decode_text(raw: bytes, source: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped), or a one-line error naming the line."""
    try:
        # utf-8-sig: a byte-order mark (added by some Windows editors) is harmless.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ScenarioError(
            source,
            "",
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line} "
            f"(byte offset {exc.start}) is invalid; save the file as UTF-8",
        ) from None


def read_text_input(
    path: str | os.PathLike[str],
    source: str,
    *,
    limit: int = SCENARIO_MAX_BYTES,
    what: str = "a text file",
) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes, or a ScenarioError.

    ``read_text_input(path, source=str(path), limit=SCENARIO_MAX_BYTES,
    what="a scenario .toml file")``: ``source`` labels the message, ``what`` says what was
    expected.  Raises :class:`~sim.errors.ScenarioError` (one line; the CLI exits 2) for
    a missing or unreadable file, anything that is not a regular file after following
    links, a file over ``limit`` bytes and bytes that are not UTF-8.
    """
    return decode_text(read_input_bytes(path, source, limit=limit, what=what), source)


__all__ = [
    "METADATA_MAX_BYTES",
    "SCENARIO_MAX_BYTES",
    "decode_text",
    "read_input_bytes",
    "read_text_input",
    "size_text",
]
