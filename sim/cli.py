"""The ``shipit`` command line: run scenarios, check them, list what is there.

The CLI is a thin shell over :mod:`sim.loading`, :mod:`sim.runner` and :mod:`sim.report`:
it parses arguments, checks every input *before* spending time on a simulation, runs,
and writes.  This module is the composition: :data:`COMMANDS` lists the subcommands in
the order ``shipit --help`` shows them, each added by its own module (:mod:`sim.commands`
and the sub-CLIs of sweeps, analysis, workshops, calibration and forecasts).  The entry
point and its error contract (one line and exit status 2 on bad input, 130 on Ctrl-C,
nothing half-written) are :mod:`sim.clibase`'s.

``main`` returns the exit status instead of calling ``sys.exit`` so tests can call it
in-process; the console script and ``python -m sim.cli`` pass it to ``sys.exit``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim import clibase
from sim.analysis.cli import add_analyze_parser
from sim.calibration.cli import add_calibrate_parser
from sim.calibration.forecast_cli import add_forecast_parser
from sim.clibase import Extension
from sim.commands.bench import add_bench_parser
from sim.commands.catalogue import (
    add_practices_parser,
    add_scenarios_parser,
    add_schema_parser,
    add_validate_parser,
)
from sim.commands.compare import add_compare_parser
from sim.commands.run import add_run_parser
from sim.outputs import atomic_write
from sim.sweep.cli import add_sweep_parser
from sim.workshop.cli import add_workshop_parser

COMMANDS: tuple[Extension, ...] = (
    add_run_parser,
    add_compare_parser,
    add_validate_parser,
    add_scenarios_parser,
    add_practices_parser,
    add_schema_parser,
    add_bench_parser,
    add_sweep_parser,
    add_analyze_parser,
    add_workshop_parser,
    add_calibrate_parser,
    add_forecast_parser,
)
"""Every subcommand of ``shipit`` in ``sim``, in the order of ``shipit --help``.

The game's ``play``, ``serve`` and ``facilitate`` come from ``tui`` as an extension
(``sim`` never imports ``tui``).
"""


def build_parser(extensions: Sequence[Extension] = ()) -> argparse.ArgumentParser:
    """The argument parser; separate from :func:`main` so docs can render its help."""
    return clibase.build_parser([*COMMANDS, *extensions])


def main(argv: Sequence[str] | None = None, extensions: Sequence[Extension] = ()) -> int:
    """Parse ``argv`` (default: the process arguments), run the command, return the status."""
    return clibase.main(argv, [*COMMANDS, *extensions])


# atomic_write is sim.outputs.atomic_write, re-exported for callers that import it from here.
__all__ = ["COMMANDS", "atomic_write", "build_parser", "main"]


if __name__ == "__main__":
    sys.exit(main())
