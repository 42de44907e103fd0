"""What ``shipit run`` and ``compare`` share on the way out: console, tables, progress, charts.

Tables go to stdout at the width they need (a pipe gets their natural width, a narrow
terminal the compact comparison); progress goes to stderr on a terminal only; JSON is
written whole; the charts directory is checked before the run and created after it, and
matplotlib is loaded only when charts are asked for.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.measure import Measurement

from sim.clibase import CLIError
from sim.exitcodes import EXIT_FAILURE
from sim.outputs import check_output_dir
from sim.progress import runs_progress
from sim.report import comparison_table
from sim.scenario import Scenario


def json_text(data: Any) -> str:
    """Indented JSON with a final newline; NaN is refused because it is not JSON."""
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def stdout() -> Console:
    """A console on the current stdout (looked up late so test capture works)."""
    return Console(file=sys.stdout)


def _truncates(renderable: Any, width: int) -> bool:
    """Whether Rich would cut a value short ("…") to fit ``width`` columns."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(renderable)
    return "…" in buffer.getvalue()


def print_comparison(document: dict[str, Any], scenario: Scenario) -> None:
    """Print the comparison table at the width it needs.

    Into a pipe or file it gets its natural width rather than Rich's default 80 columns.
    On a terminal too narrow for means and intervals side by side even with labels
    wrapped, the compact layout (difference under each mean, no interval) is used instead
    of squeezing numbers to "…".
    """
    console = stdout()
    table = comparison_table(document, scenario)
    if not console.is_terminal:
        natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
        console = Console(file=sys.stdout, width=max(console.width, natural))
    elif _truncates(table, console.width):
        table = comparison_table(document, scenario, compact=True)
    console.print(table)


@contextlib.contextmanager
def progress(total: int, description: str, quiet: bool) -> Iterator[Callable[[Any], None]]:
    """A progress bar on stderr (a TTY only) over ``total`` runs; yields the per-run callback."""
    bar = runs_progress(quiet)
    with bar:
        task = bar.add_task(description, total=total)

        def done(_: Any) -> None:
            bar.advance(task)

        yield done


# --------------------------------------------------------------------------- charts


def check_plots_dir(raw: str) -> Path:
    """Check a ``--plots DIR`` before running: an existing directory, or a new one whose
    parent exists.  A new directory is created only after the run (nothing half-made)."""
    return check_output_dir(raw, "--plots", "the charts")


def load_plots() -> ModuleType:
    """Import :mod:`sim.plots` only when charts are asked for: matplotlib is slow to load."""
    try:
        from sim import plots
    except ImportError as exc:
        raise CLIError(f"--plots: cannot load the charts module: {exc}", EXIT_FAILURE) from None
    return plots


def make_plots_dir(path: Path) -> Path:
    """Create the (checked) charts directory if it is new."""
    try:
        path.mkdir(exist_ok=True)
    except OSError as exc:
        raise CLIError(
            f"--plots {path}: cannot create: {exc.strerror or exc}", EXIT_FAILURE
        ) from None
    return path


def print_paths(paths: Sequence[Path], quiet: bool) -> None:
    """List the chart files written, one a line, unless asked to be quiet."""
    if not quiet:
        for path in paths:
            print(f"wrote {path}")


__all__ = [
    "check_plots_dir",
    "json_text",
    "load_plots",
    "make_plots_dir",
    "print_comparison",
    "print_paths",
    "progress",
    "stdout",
]
