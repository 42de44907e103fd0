"""The ``shipit`` entry contract, shared by the full CLI and every command run on its own.

:func:`main` builds the ``shipit`` parser from :data:`Extension` s (each adds subcommands),
parses, runs the chosen handler and turns what it raises into an exit status.  The error
contract (BRIEF §6):

* every input error -- scenario file, TOML, schema, ``--set``, an output path -- is one
  line on stderr (``shipit: <message>``) and exit status 2, never a traceback;
* nothing is half-written: outputs go to a temporary file in the target directory and are
  renamed over the target only when complete, so an error or Ctrl-C leaves any existing
  file untouched;
* Ctrl-C exits 130 with a short message; anything else unexpected is a bug and propagates.

``main`` returns the exit status instead of calling ``sys.exit`` so tests can call it
in-process.  :mod:`sim.cli` passes it every command of ``shipit``; a sub-CLI such as
``python -m sim.sweep`` passes only its own, so it never imports :mod:`sim.cli`.  The
options that ``run`` and ``compare`` share are defined once here (:func:`add_run_options`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sim import __version__
from sim.argtypes import positive_int, workers_count
from sim.errors import ScenarioError, one_line
from sim.exitcodes import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE
from sim.outputs import OutputError

PROG = "shipit"

PLOTS_HELP = "write charts into DIR; DIR may be new if its parent exists"

Extension = Callable[[Any], None]
"""Adds subcommands to the ``shipit`` parser: called with argparse's subparsers object.

How the game (``tui``) adds ``play`` and ``serve`` without ``sim`` importing it: the
console script runs ``tui.launcher.main``, which calls :func:`sim.cli.main` with its
extension.  A subcommand's handler is set with ``set_defaults(handler=...)`` and returns
the status.
"""


class CLIError(OutputError):
    """An error the CLI reports as one line (no traceback) with a chosen exit status.

    Used for problems that are not about the scenario itself: output paths, option
    combinations.  ``status`` is 2 for bad input and 1 for a failure of the environment.
    """


# --------------------------------------------------------------------------- shared options

RUN_OPTIONS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "seed": (("--seed",), {"metavar": "N"}),
    "days": (("--days",), {"metavar": "D", "help": "simulated days (run.days)"}),
    "replications": (("--replications", "-r"), {"metavar": "R", "type": positive_int}),
    "workers": (("--workers", "-w"), {"metavar": "W", "type": workers_count, "default": None}),
    "set": (("--set",), {"metavar": "SECTION.KEY=VALUE", "action": "append", "default": []}),
    "json": (("--json",), {"metavar": "PATH"}),
    "plots": (("--plots",), {"metavar": "DIR", "help": PLOTS_HELP}),
    "quiet": (("--quiet", "-q"), {"action": "store_true"}),
}
"""The eight options of a simulation command (``run``, ``compare``), by name: their flags
and argparse settings.  The command gives each one's help, since "the result" differs."""


def add_run_options(
    parser: argparse.ArgumentParser,
    helps: Mapping[str, str | None],
    *,
    replications: int = 1,
) -> None:
    """Add the :data:`RUN_OPTIONS` named in ``helps``, in that order, with that help.

    A help of ``None`` keeps the option's own (``--days``, ``--plots``).  The order is the
    order ``--help`` lists them in, so a command may add its own options in between by
    calling this more than once.  ``replications`` is the default of ``--replications``
    (runs per scenario or variant).
    """
    for name, help_text in helps.items():
        flags, settings = RUN_OPTIONS[name]
        options = dict(settings)
        if name == "replications":
            options["default"] = replications
        if isinstance(options.get("default"), list):
            options["default"] = []  # a fresh list per parser, never shared
        if help_text is not None:
            options["help"] = help_text
        parser.add_argument(*flags, **options)


# --------------------------------------------------------------------------- entry point


def error(message: str) -> None:
    """One line on stderr, prefixed with the program name as Unix tools do."""
    print(f"{PROG}: {one_line(message)}", file=sys.stderr)


def build_parser(extensions: Sequence[Extension] = ()) -> argparse.ArgumentParser:
    """The ``shipit`` parser with the subcommands the ``extensions`` add, in their order."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Ship It: simulate a software delivery organisation and score it on "
        "the DORA four keys.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for extend in extensions:
        extend(sub)
    return parser


def run_handler(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a parsed command under the error contract; its exit status."""
    try:
        return handler(args)
    except ScenarioError as exc:
        error(str(exc))
        return EXIT_USAGE
    except OutputError as exc:
        error(str(exc))
        return exc.status
    except KeyboardInterrupt:
        error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `shipit practices | head`): not an error of ours.
        # Point stdout at devnull so the interpreter's final flush does not complain.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILURE


def main(argv: Sequence[str] | None = None, extensions: Sequence[Extension] = ()) -> int:
    """Parse ``argv`` (default: the process arguments), run the command, return the status."""
    parser = build_parser(extensions)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors (status 2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return run_handler(args.handler, args)


__all__ = [
    "PLOTS_HELP",
    "PROG",
    "RUN_OPTIONS",
    "CLIError",
    "Extension",
    "add_run_options",
    "build_parser",
    "error",
    "main",
    "run_handler",
]
