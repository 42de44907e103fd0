"""Input errors: one exception type that carries the file, key path and what is allowed.

The CLI turns a :class:`ScenarioError` into a one-line message on stderr and exit status 2
(BRIEF §6).  Nothing in :mod:`sim` prints it; callers decide.
"""

from __future__ import annotations


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
        return f"{where}: {' '.join(self.problem.split())}"
