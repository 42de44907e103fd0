"""``shipit analyze DIR``: analyse a sweep result directory and write its report.

:func:`add_analyze_parser` registers the subcommand on the ``shipit`` parser.  Importing
this module is cheap: pandas, SALib and matplotlib are loaded only when the command runs.
Bad input raises :class:`~sim.errors.ScenarioError` (one line, exit status 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..exitcodes import EXIT_OK

if TYPE_CHECKING:
    from .analysis import Analysis

FAILED_SHOWN = 10


def add_analyze_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``analyze DIR [--metric M …] [--quiet]`` to argparse's ``subparsers``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "analyze",
        help="analyse a sweep: main effects, sensitivity indices, charts",
        description="Analyse a sweep result directory (written by `shipit sweep`): per-point "
        "means with 95% CIs, main effects of every factor, Sobol or Morris indices when the "
        "design has them, and a ranking of what matters most. Writes DIR/_analysis/ "
        "(summary.md, points.csv, effects.csv, sensitivity.csv, tornado and main-effects "
        "charts).",
    )
    parser.add_argument("directory", metavar="DIR", help="sweep result directory")
    parser.add_argument(
        "--metric", "-m", metavar="M", action="append", default=[],
        help="analyse only this metric (repeatable; default: every metric the sweep kept)",
    )  # fmt: skip
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="print only the path of summary.md"
    )
    parser.set_defaults(handler=cmd_analyze)
    return parser


def cmd_analyze(args: argparse.Namespace) -> int:
    """Analyse ``args.directory``, write the report, print its key tables and files."""
    from .analysis import analyze
    from .report import write_report

    analysis = analyze(Path(args.directory), metrics=args.metric or None)
    paths = write_report(analysis, analysis.directory)
    if args.quiet:
        print(paths[0])
        return EXIT_OK
    _print(summary_renderable(analysis))
    for path in paths:
        print(f"wrote {path}")
    return EXIT_OK


def _print(renderable: RenderableType) -> None:
    """Print at the width the tables need when output goes to a pipe or file."""
    console = Console(file=sys.stdout)
    if not console.is_terminal:
        natural = Measurement.get(console, console.options.update_width(10_000), renderable)
        console = Console(file=sys.stdout, width=max(console.width, natural.maximum))
    console.print(renderable)


def summary_renderable(analysis: Analysis) -> RenderableType:
    """The runs, the failures and the ranking per metric, as Rich renderables."""
    from .labels import metric_label

    sweep = analysis.sweep
    ok, failed = len(sweep.ok), len(sweep.failed)
    parts: list[RenderableType] = [
        Text.assemble(
            (f"Sweep {sweep.name}", "bold"),
            f" · {sweep.method} design · {len(sweep.points)} points × "
            f"{sweep.replications} replications · ",
            (f"{ok} ok", "green"),
            " · ",
            (f"{failed} failed", "bold red" if failed else "dim"),
        )
    ]
    missing = sweep.expected_runs - ok - failed
    if missing > 0:
        parts.append(Text(f"{missing} runs of the design are missing (incomplete sweep)", "yellow"))
    if failed:
        table = Table(title="Failed runs (excluded)", title_justify="left")
        for column in ("Run", "Point", "Replication", "Error"):
            table.add_column(
                column, justify="right" if column in ("Point", "Replication") else "left"
            )
        for row in sweep.failed.head(FAILED_SHOWN).itertuples(index=False):
            table.add_row(str(row.run_id), str(row.point), str(row.replication), str(row.error))
        parts.append(table)
        if failed > FAILED_SHOWN:
            parts.append(Text(f"… and {failed - FAILED_SHOWN} more in summary.md", "dim"))
    for metric in analysis.metrics:
        table = Table(title=f"What matters most: {metric_label(metric)}", title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("Factor", style="bold")
        table.add_column("Effect (95 % CI)")
        for place, entry in enumerate(analysis.ranking[metric], start=1):
            effect = Text(entry.text, style="" if entry.clear else "dim")
            if not entry.clear:
                effect.append("  within noise", style="dim italic")
            table.add_row(str(place), entry.factor, effect)
        if not analysis.ranking[metric]:
            table.add_row("", Text("no varied factor with values", style="dim"), "")
        parts.append(table)
    if analysis.sensitivity_note:
        parts.append(Text(analysis.sensitivity_note, style="dim"))
    return Group(*parts)
