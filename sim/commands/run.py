"""``shipit run``: simulate one scenario or saved game and show its DORA scorecard.

All inputs -- options, scenario, overrides, output paths -- are checked before the
simulation starts; outputs (the JSON document, the event log, charts) are written only
after it has finished, each whole or not at all.  ``--vs-baseline`` also runs the scenario
without its ``--set`` overrides on the same random numbers (a ghost) and adds the paired
differences.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from sim.cases import load_run_case
from sim.clibase import CLIError, add_run_options
from sim.events import event_to_json
from sim.exitcodes import EXIT_OK
from sim.flow_report import run_value_stream, value_stream_part, value_stream_table
from sim.model import Command
from sim.outputs import atomic_write, check_output_path
from sim.report import scorecard
from sim.runner import (
    ComparisonResult,
    RunResult,
    comparison_document,
    paired_differences,
    result_document,
    run_replication,
    run_replications,
)
from sim.scenario import Scenario

from .compare import compare_many
from .output import (
    check_plots_dir,
    json_text,
    load_plots,
    make_plots_dir,
    print_comparison,
    print_paths,
    progress,
    stdout,
)

UNTOUCHED = "untouched"
"""Label of the ghost run of ``run --vs-baseline``: the scenario without the ``--set``s."""


def add_run_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``run`` on ``shipit``'s subparsers; returns the new parser."""
    run: argparse.ArgumentParser = subparsers.add_parser(
        "run",
        help="run a scenario and print its DORA scorecard",
        description="Run a scenario (a built-in name or a .toml file) and print its "
        "scorecard. --seed and --days are applied after --set.",
    )
    run.add_argument("scenario", metavar="SCENARIO", help="built-in name or path to a .toml")
    add_run_options(
        run,
        {
            "seed": "master random seed (run.seed)",
            "days": None,
            "replications": "independent runs; >1 reports mean ± 95%% CI (default 1)",
            "workers": "worker processes for replications (default: all cores)",
            "set": "override a scenario value (repeatable), e.g. --set org.developers=9",
            "json": "write the result document as JSON",
        },
    )
    run.add_argument(
        "--events", metavar="PATH.jsonl", help="write the event log as JSON lines (needs R=1)"
    )
    run.add_argument(
        "--vs-baseline", action="store_true",
        help="also run the scenario without the --set overrides on the same random numbers "
        "and show the paired differences",
    )  # fmt: skip
    add_run_options(run, {"plots": None, "quiet": "no scorecard, no progress"})
    run.set_defaults(handler=cmd_run)
    return run


def run_many(
    scenario: Scenario,
    replications: int,
    workers: int | None,
    quiet: bool,
    keep_log_for: Sequence[int] = (),
    commands: Sequence[tuple[float, Command]] = (),
) -> list[RunResult]:
    """Run replications over the cores with a progress bar on stderr (a TTY only).

    ``workers`` processes (``None``: all cores); ``keep_log_for`` names the replications
    whose event log is kept; ``commands`` are a saved game's timestamped moves.
    """
    with progress(replications, scenario.scenario.name, quiet) as done:
        return run_replications(
            scenario,
            replications,
            workers=workers,
            keep_log_for=keep_log_for,
            on_done=done,
            commands=commands,
        )


def cmd_run(args: argparse.Namespace) -> int:
    """Run a scenario, print its scorecard, write the JSON document, event log and charts.

    All inputs -- options, scenario, overrides, output paths -- are checked before the
    simulation starts; outputs are written only after it has finished.  With
    ``--vs-baseline`` the untouched scenario runs too, on the same seed and replications.
    """
    if args.events is not None and args.replications > 1:
        raise CLIError(
            f"--events writes the event log of a single run; it needs --replications 1, "
            f"got {args.replications}"
        )
    if args.vs_baseline and not args.set:
        raise CLIError("--vs-baseline needs --set overrides to compare against")
    scenario, moves = load_run_case(args.scenario, args.set, args.seed, args.days)
    ghost = load_run_case(args.scenario, (), args.seed, args.days)[0] if args.vs_baseline else None
    json_path = check_output_path(args.json, "--json") if args.json is not None else None
    events_path = check_output_path(args.events, "--events") if args.events is not None else None
    if json_path and events_path and json_path.resolve() == events_path.resolve():
        raise CLIError(f"--json and --events both name {args.json}; give two different files")
    plots_dir = check_plots_dir(args.plots) if args.plots is not None else None
    plots = load_plots() if plots_dir is not None else None
    # Replication 0's log also gives "where the time goes" (table and ``value_stream``).
    keep_log = (
        events_path is not None or plots_dir is not None or json_path is not None or not args.quiet
    )

    comparison: ComparisonResult | None = None
    if ghost is not None:
        label = " ".join(args.set)
        comparison = compare_many(
            [(UNTOUCHED, ghost), (label, scenario)],
            args.replications,
            args.workers,
            args.quiet,
            keep_log_for=(0,) if keep_log else (),
            commands={label: moves},
        )
        results = comparison.variants[1].results
    elif args.replications == 1:
        results = [run_replication(scenario, keep_log=keep_log, commands=moves)]
    else:
        keep = (0,) if keep_log else ()
        results = run_many(scenario, args.replications, args.workers, args.quiet, keep, moves)
    document = result_document(scenario, results)
    if comparison is not None:
        add_baseline(document, comparison)
    stream = run_value_stream(results)
    if stream is not None:
        document["value_stream"] = value_stream_part(stream, results[0].replication)

    if events_path is not None:
        log = results[0].log or []
        atomic_write(events_path, (event_to_json(event) + "\n" for event in log))
    if json_path is not None:
        atomic_write(json_path, [json_text(document)])
    if not args.quiet:
        stdout().print(scorecard(document, scenario))
        if stream is not None:
            stdout().print(
                value_stream_table(
                    stream, replication=results[0].replication, replications=len(results)
                )
            )
        if comparison is not None:
            overrides = {comparison.variants[1].label: list(args.set)}
            print_comparison(comparison_document(comparison, overrides), scenario)
    if plots is not None and plots_dir is not None:
        title = scenario.scenario.title or scenario.scenario.name
        paths = plots.run_charts(results[0].log or [], document, title, make_plots_dir(plots_dir))
        print_paths(paths, args.quiet)
    return EXIT_OK


def add_baseline(document: dict[str, Any], comparison: ComparisonResult) -> None:
    """Add the ghost run (``baseline``) and the paired ``differences`` to a run document."""
    ghost = comparison.baseline
    ghost_document = result_document(ghost.scenario, ghost.results)
    baseline = {
        "label": ghost.label,
        "scenario": ghost_document["scenario"],
        "scenario_hash": ghost.scenario.content_hash(),
        "metrics": ghost_document["metrics"],
        "tiers": ghost_document["tiers"],
        "overloaded": ghost_document["overloaded"],
    }
    if "ci95" in ghost_document:
        baseline["ci95"] = ghost_document["ci95"]
    document["baseline"] = baseline
    document["differences"] = paired_differences(ghost.results, comparison.variants[1].results)
    document["provenance"]["common_random_numbers"] = True


__all__ = ["UNTOUCHED", "add_baseline", "add_run_parser", "cmd_run", "run_many"]
