"""Input errors: one exception type that carries the file, key path and what is allowed.

The CLI turns a :class:`ScenarioError` into a one-line message on stderr and exit status 2
(BRIEF §6).  Nothing in :mod:`sim` prints it; callers decide.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Control characters (C0, DEL, C1): a terminal runs them (moves the cursor, recolours)."""


def printable(text: str) -> str:
    """``text`` with control characters written as ``\\u001b`` escapes (as TOML and JSON
    write them).  Messages quote what the user wrote; a raw escape sequence in one would
    be run by the terminal that prints it."""
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def one_line(message: str) -> str:
    """``message`` as one safe terminal line: whitespace runs become one space and
    control characters (an escape sequence in a file name or a value) are escaped by
    :func:`printable`, never sent to the terminal."""
    return printable(" ".join(message.split()))


class ScenarioError(ValueError):
    """Bad input: a scenario file, a ``--set`` override, a command or a saved game.

    ``source`` names where the input came from (a path, ``--set`` or a built-in name),
    ``key`` is the dotted key path (empty when the whole input is wrong), ``problem`` says
    what is wrong and what is allowed.
    """

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one-line message the CLI prints."""
        where = f"{self.source}: {self.key}" if self.key else self.source
        return one_line(f"{where}: {self.problem}")
