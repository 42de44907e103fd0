"""``shipit compare``: run variants on common random numbers and show them side by side.

Every variant runs on the same seed and replications, so their paired differences are
about the variants, not about luck.  Like ``run``, every input -- scenarios, overrides,
``--vary``, output paths -- is checked before the first simulation starts.
:func:`compare_many` is also how ``run --vs-baseline`` runs its ghost.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from sim.cases import Moves, build_variants
from sim.clibase import add_run_options
from sim.exitcodes import EXIT_OK
from sim.outputs import atomic_write, check_output_path
from sim.runner import ComparisonResult, compare_variants, comparison_document, result_document
from sim.scenario import Scenario

from .output import (
    check_plots_dir,
    json_text,
    load_plots,
    make_plots_dir,
    print_comparison,
    print_paths,
    progress,
)


def add_compare_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``compare`` on ``shipit``'s subparsers; returns the new parser."""
    compare: argparse.ArgumentParser = subparsers.add_parser(
        "compare",
        help="compare scenarios or practice changes on common random numbers",
        description="Run variants on the same seed and replications (common random numbers) "
        "and show each one's means and its paired difference to the first (the baseline) "
        "with a 95% CI. Each SCENARIO is a variant; each --vary adds the first SCENARIO "
        "with one override; --set, --seed and --days apply to every variant.",
    )
    compare.add_argument(
        "scenarios", metavar="SCENARIO", nargs="+", help="built-in name or path to a .toml"
    )
    add_run_options(compare, {"set": "override a value in every variant (repeatable)"})
    compare.add_argument(
        "--vary", metavar="SECTION.KEY=VALUE", action="append", default=[],
        help="add a variant: the first SCENARIO with this override (repeatable), "
        "e.g. --vary practices.deployment=automated",
    )  # fmt: skip
    add_run_options(
        compare,
        {
            "replications": "replications per variant (default 10)",
            "seed": "master random seed for every variant",
            "days": None,
            "workers": "worker processes (default: all cores)",
            "json": "write the comparison as JSON",
            "plots": None,
            "quiet": "no table, no progress",
        },
        replications=10,
    )
    compare.set_defaults(handler=cmd_compare)
    return compare


def compare_many(
    variants: Sequence[tuple[str, Scenario]],
    replications: int,
    workers: int | None,
    quiet: bool,
    keep_log_for: Sequence[int] = (),
    commands: dict[str, Moves] | None = None,
) -> ComparisonResult:
    """Run every variant on common random numbers with one progress bar over all runs.

    ``replications`` runs per variant on ``workers`` processes (``None``: all cores);
    ``keep_log_for`` names the replications whose event log is kept (for charts and the
    value stream); ``commands`` are the moves of the variants that are saved games.
    """
    total = len(variants) * replications
    description = f"{len(variants)} variants"
    with progress(total, description, quiet) as done:
        return compare_variants(
            variants,
            replications,
            seed=variants[0][1].run.seed,
            workers=workers,
            keep_log_for=keep_log_for,
            on_done=done,
            commands=commands,
        )


def cmd_compare(args: argparse.Namespace) -> int:
    """Run variants on common random numbers; print them side by side with paired differences.

    Like ``run``, every input is checked before the first simulation starts.
    """
    variants, overrides, moves = build_variants(
        args.scenarios, args.set, args.vary, args.seed, args.days
    )
    json_path = check_output_path(args.json, "--json") if args.json is not None else None
    plots_dir = check_plots_dir(args.plots) if args.plots is not None else None
    plots = load_plots() if plots_dir is not None else None

    comparison = compare_many(
        variants,
        args.replications,
        args.workers,
        args.quiet,
        keep_log_for=(0,) if plots_dir is not None else (),
        commands=moves,
    )
    document = comparison_document(comparison, overrides)

    if json_path is not None:
        atomic_write(json_path, [json_text(document)])
    if not args.quiet:
        print_comparison(document, comparison.baseline.scenario)
    if plots is not None and plots_dir is not None:
        charts = [
            (v.label, v.results[0].log or [], result_document(v.scenario, v.results))
            for v in comparison.variants
        ]
        title = " vs ".join(v.label for v in comparison.variants)
        paths = plots.compare_charts(charts, title, make_plots_dir(plots_dir))
        print_paths(paths, args.quiet)
    return EXIT_OK


__all__ = ["add_compare_parser", "cmd_compare", "compare_many"]
