"""The exit statuses of ``shipit`` and its subcommands, defined once.

The lowest layer that needs them: :mod:`sim.outputs` gives an :class:`~sim.outputs.OutputError`
its status, :mod:`sim.clibase` turns errors into statuses, and every command handler (in
``sim`` and the game's ``tui.launcher``) returns one.  This module imports nothing, so any
module can use it without an import circle.
"""

from __future__ import annotations

EXIT_OK = 0
"""The command did what it was asked."""

EXIT_FAILURE = 1
"""A failure of the environment (a disk that filled up, a worker pool that died), not of
the input; rerunning may succeed."""

EXIT_USAGE = 2
"""Bad input: an option, a scenario, an override or an output path; argparse's status too."""

EXIT_INTERRUPTED = 130
"""128 + SIGINT, what shells report for a command stopped with Ctrl-C."""

__all__ = ["EXIT_FAILURE", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE"]
