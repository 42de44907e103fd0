"""The ``shipit`` command line: run scenarios, check them, list what is there.

The CLI is a thin shell over :mod:`sim.loading`, :mod:`sim.runner` and :mod:`sim.report`:
it parses arguments, checks every input *before* spending time on a simulation, runs,
and writes.  Its error contract (BRIEF §6):

* every input error -- scenario file, TOML, schema, ``--set``, an output path -- is one
  line on stderr (``shipit: <message>``) and exit status 2, never a traceback;
* nothing is half-written: outputs go to a temporary file in the target directory and are
  renamed over the target only when complete, so an error or Ctrl-C leaves any existing
  file untouched;
* Ctrl-C exits 130 with a short message; anything else unexpected is a bug and propagates.

``main`` returns the exit status instead of calling ``sys.exit`` so tests can call it
in-process; the console script and ``python -m sim.cli`` pass it to ``sys.exit``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.measure import Measurement

from sim import __version__
from sim.analysis.cli import add_analyze_parser
from sim.argtypes import positive_int, workers_count
from sim.calibration.cli import add_calibrate_parser
from sim.calibration.forecast_cli import add_forecast_parser
from sim.errors import ScenarioError, one_line
from sim.events import event_to_json
from sim.flow_report import run_value_stream, value_stream_part, value_stream_table
from sim.game import load_case
from sim.loading import (
    apply_overrides,
    builtin_names,
    load_scenario,
    parse_override,
    scenario_json_schema,
)
from sim.model import Command
from sim.outputs import OutputError, atomic_write, check_output_dir, check_output_path
from sim.practices import CATALOGUE
from sim.progress import runs_progress
from sim.report import comparison_table, practices_table, scenarios_table, scorecard
from sim.runner import (
    ComparisonResult,
    RunResult,
    compare_variants,
    comparison_document,
    paired_differences,
    result_document,
    run_replication,
    run_replications,
)
from sim.scenario import Scenario
from sim.sweep.cli import add_sweep_parser
from sim.workshop.cli import add_workshop_parser

Moves = list[tuple[float, Command]]
"""A played game's timestamped commands."""

PROG = "shipit"

PLOTS_HELP = "write charts into DIR; DIR may be new if its parent exists"

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""128 + SIGINT, what shells report for a command stopped with Ctrl-C."""


class CLIError(OutputError):
    """An error the CLI reports as one line (no traceback) with a chosen exit status.

    Used for problems that are not about the scenario itself: output paths, option
    combinations.  ``status`` is 2 for bad input and 1 for a failure of the environment.
    """


def _json_text(data: Any) -> str:
    """Indented JSON with a final newline; NaN is refused because it is not JSON."""
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


# --------------------------------------------------------------------------- commands


def _stdout() -> Console:
    """A console on the current stdout (looked up late so test capture works)."""
    return Console(file=sys.stdout)


def _truncates(renderable: Any, width: int) -> bool:
    """Whether Rich would cut a value short ("…") to fit ``width`` columns."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(renderable)
    return "…" in buffer.getvalue()


def _print_comparison(document: dict[str, Any], scenario: Scenario) -> None:
    """Print the comparison table at the width it needs.

    Into a pipe or file it gets its natural width rather than Rich's default 80 columns.
    On a terminal too narrow for means and intervals side by side even with labels
    wrapped, the compact layout (difference under each mean, no interval) is used instead
    of squeezing numbers to "…".
    """
    console = _stdout()
    table = comparison_table(document, scenario)
    if not console.is_terminal:
        natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
        console = Console(file=sys.stdout, width=max(console.width, natural))
    elif _truncates(table, console.width):
        table = comparison_table(document, scenario, compact=True)
    console.print(table)


def _cmd_scenarios(args: argparse.Namespace) -> int:
    """List the built-in scenarios, loading each so a broken one is reported, not listed."""
    scenarios = [(name, load_scenario(name)) for name in builtin_names()]
    _stdout().print(scenarios_table(scenarios))
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    """Validate every file given; report each, so one bad file does not hide the others."""
    status = EXIT_OK
    for ref in args.files:
        try:
            scenario = load_scenario(ref)
        except ScenarioError as exc:
            _error(str(exc))
            status = EXIT_USAGE
        else:
            print(f"ok  {ref} ({scenario.scenario.name})")
    return status


def _cmd_schema(args: argparse.Namespace) -> int:
    """Print or write the scenario JSON schema (for editors that validate TOML)."""
    text = _json_text(scenario_json_schema())
    if args.output is None:
        sys.stdout.write(text)
    else:
        atomic_write(check_output_path(args.output, "--output"), [text])
    return EXIT_OK


def _cmd_practices(args: argparse.Namespace) -> int:
    """Show the practice catalogue: the levers a player can pull."""
    _stdout().print(practices_table(CATALOGUE))
    return EXIT_OK


def _cmd_bench(args: argparse.Namespace) -> int:
    """Hand over to :mod:`sim.bench`, imported only when asked for."""
    from sim import bench

    argv: list[str] = []
    if args.quick:
        argv.append("--quick")
    if args.json is not None:
        check_output_path(args.json, "--json")
        argv += ["--json", args.json]
    return int(bench.main(argv))


def load_run_case(
    ref: str, sets: Sequence[str] = (), seed: str | None = None, days: str | None = None
) -> tuple[Scenario, Moves]:
    """A scenario or a saved game (``.json``) with overrides, and the game's moves.

    A saved game from ``shipit play`` brings its scenario, seed and timestamped commands,
    so a played game runs like any scenario: over replications, against other variants.
    """
    scenario, commands = load_case(ref)  # its horizon already covers the game's moves
    return _with_run_overrides(scenario, sets, seed, days), commands


def load_run_scenario(
    ref: str, sets: Sequence[str] = (), seed: str | None = None, days: str | None = None
) -> Scenario:
    """Load a scenario and apply ``--set`` overrides, then ``--seed`` and ``--days``.

    ``--seed`` and ``--days`` are passed as the overrides ``run.seed=`` and ``run.days=``
    so they are validated (type, range, days > warm-up) exactly like the file.  They come
    last, so they win over a ``--set`` of the same key, and all overrides are validated
    together, so ``--days 400 --set run.warmup_days=380`` works on a 365-day scenario.
    Errors name the option the user actually typed.
    """
    return _with_run_overrides(load_scenario(ref), sets, seed, days)


def _with_run_overrides(
    scenario: Scenario, sets: Sequence[str], seed: str | None, days: str | None
) -> Scenario:
    """``--set`` overrides, then ``--seed`` and ``--days``, with errors naming the option."""
    extras: list[str] = []
    if seed is not None:
        extras.append(f"run.seed={seed}")
    if days is not None:
        extras.append(f"run.days={days}")
    if not sets and not extras:
        return scenario
    source = "--set" if sets else ("--days" if days is not None else "--seed")
    try:
        return apply_overrides(scenario, [*sets, *extras], source)
    except ScenarioError as exc:
        option = {"run.seed": "--seed" if seed is not None else None,
                  "run.days": "--days" if days is not None else None}.get(exc.key)  # fmt: skip
        if exc.source != source:
            raise
        if option is not None:
            raise ScenarioError(option, exc.key, exc.problem) from None
        if exc.key == "run.warmup_days" and days is not None:
            # A short --days on a scenario with a long warm-up: say how to fix it.
            hint = "; shorten the warm-up too, e.g. --set run.warmup_days=N"
            raise ScenarioError(exc.source, exc.key, exc.problem + hint) from None
        raise


@contextlib.contextmanager
def _progress(total: int, description: str, quiet: bool) -> Iterator[Callable[[Any], None]]:
    """A progress bar on stderr (a TTY only) over ``total`` runs; yields the per-run callback."""
    progress = runs_progress(quiet)
    with progress:
        task = progress.add_task(description, total=total)

        def done(_: Any) -> None:
            progress.advance(task)

        yield done


def _run_many(
    scenario: Scenario,
    replications: int,
    workers: int | None,
    quiet: bool,
    keep_log_for: Sequence[int] = (),
    commands: Sequence[tuple[float, Command]] = (),
) -> list[RunResult]:
    """Run replications over the cores with a progress bar on stderr (a TTY only)."""
    with _progress(replications, scenario.scenario.name, quiet) as done:
        return run_replications(
            scenario,
            replications,
            workers=workers,
            keep_log_for=keep_log_for,
            on_done=done,
            commands=commands,
        )


def _compare_many(
    variants: Sequence[tuple[str, Scenario]],
    replications: int,
    workers: int | None,
    quiet: bool,
    keep_log_for: Sequence[int] = (),
    commands: dict[str, Moves] | None = None,
) -> ComparisonResult:
    """Run every variant on common random numbers with one progress bar over all runs."""
    total = len(variants) * replications
    description = f"{len(variants)} variants"
    with _progress(total, description, quiet) as done:
        return compare_variants(
            variants,
            replications,
            seed=variants[0][1].run.seed,
            workers=workers,
            keep_log_for=keep_log_for,
            on_done=done,
            commands=commands,
        )


# --------------------------------------------------------------------------- charts


def check_plots_dir(raw: str) -> Path:
    """Check a ``--plots DIR`` before running: an existing directory, or a new one whose
    parent exists.  A new directory is created only after the run (nothing half-made)."""
    return check_output_dir(raw, "--plots", "the charts")


def _load_plots() -> ModuleType:
    """Import :mod:`sim.plots` only when charts are asked for: matplotlib is slow to load."""
    try:
        from sim import plots
    except ImportError as exc:
        raise CLIError(f"--plots: cannot load the charts module: {exc}", EXIT_FAILURE) from None
    return plots


def _make_plots_dir(path: Path) -> Path:
    """Create the (checked) charts directory if it is new."""
    try:
        path.mkdir(exist_ok=True)
    except OSError as exc:
        raise CLIError(
            f"--plots {path}: cannot create: {exc.strerror or exc}", EXIT_FAILURE
        ) from None
    return path


def _print_paths(paths: Sequence[Path], quiet: bool) -> None:
    """List the chart files written, one a line, unless asked to be quiet."""
    if not quiet:
        for path in paths:
            print(f"wrote {path}")


UNTOUCHED = "untouched"
"""Label of the ghost run of ``run --vs-baseline``: the scenario without the ``--set``s."""


def _cmd_run(args: argparse.Namespace) -> int:
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
    plots = _load_plots() if plots_dir is not None else None
    # Replication 0's log also gives "where the time goes" (table and ``value_stream``).
    keep_log = (
        events_path is not None or plots_dir is not None or json_path is not None or not args.quiet
    )

    comparison: ComparisonResult | None = None
    if ghost is not None:
        label = " ".join(args.set)
        comparison = _compare_many(
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
        results = _run_many(scenario, args.replications, args.workers, args.quiet, keep, moves)
    document = result_document(scenario, results)
    if comparison is not None:
        _add_baseline(document, comparison)
    stream = run_value_stream(results)
    if stream is not None:
        document["value_stream"] = value_stream_part(stream, results[0].replication)

    if events_path is not None:
        log = results[0].log or []
        atomic_write(events_path, (event_to_json(event) + "\n" for event in log))
    if json_path is not None:
        atomic_write(json_path, [_json_text(document)])
    if not args.quiet:
        _stdout().print(scorecard(document, scenario))
        if stream is not None:
            _stdout().print(
                value_stream_table(
                    stream, replication=results[0].replication, replications=len(results)
                )
            )
        if comparison is not None:
            overrides = {comparison.variants[1].label: list(args.set)}
            _print_comparison(comparison_document(comparison, overrides), scenario)
    if plots is not None and plots_dir is not None:
        title = scenario.scenario.title or scenario.scenario.name
        paths = plots.run_charts(results[0].log or [], document, title, _make_plots_dir(plots_dir))
        _print_paths(paths, args.quiet)
    return EXIT_OK


def _add_baseline(document: dict[str, Any], comparison: ComparisonResult) -> None:
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


def _variant_label(ref: str, taken: Sequence[str]) -> str:
    """A unique column label: the reference as typed, numbered if it is repeated."""
    if ref not in taken:
        return ref
    number = 2
    while f"{ref} ({number})" in taken:
        number += 1
    return f"{ref} ({number})"


def _seed_days_overrides(seed: str | None, days: str | None) -> list[str]:
    """``--seed`` and ``--days`` as the overrides they become, for the record."""
    extras = [f"run.seed={seed}"] if seed is not None else []
    return extras + ([f"run.days={days}"] if days is not None else [])


def build_variants(
    refs: Sequence[str],
    sets: Sequence[str] = (),
    varies: Sequence[str] = (),
    seed: str | None = None,
    days: str | None = None,
) -> tuple[
    list[tuple[str, Scenario]], dict[str, list[str]], dict[str, list[tuple[float, Command]]]
]:
    """The variants of ``shipit compare`` and the overrides that made each, by label.

    Each scenario reference is a variant; ``--set``, ``--seed`` and ``--days`` apply to all
    of them.  Each ``--vary section.key=value`` is one more variant: the first scenario
    with that override on top (so it wins over ``--set``, ``--seed`` and ``--days``).
    ``run.seed`` cannot be varied: the comparison rests on one seed for every variant.
    """
    if len(refs) + len(varies) < 2:
        raise CLIError(
            "nothing to compare: give two or more scenarios, or one scenario and "
            "--vary section.key=value"
        )
    shared = [*sets, *_seed_days_overrides(seed, days)]
    commands: dict[str, Moves] = {}
    variants: list[tuple[str, Scenario]] = []
    overrides: dict[str, list[str]] = {}
    for ref in refs:
        label = _variant_label(ref, [label for label, _ in variants])
        scenario, moves = load_run_case(ref, sets, seed, days)
        variants.append((label, scenario))
        overrides[label] = list(shared)
        if moves:
            commands[label] = moves
    first_label, first = variants[0]
    for text in varies:
        key, _ = parse_override(text, "--vary")
        if key == "run.seed":
            raise ScenarioError(
                "--vary",
                key,
                "every variant runs on the same seed (common random numbers); "
                "use --seed to choose it for all",
            )
        value = text.partition("=")[2].strip()
        label = _variant_label(f"{key}={value}", [label for label, _ in variants])
        variants.append((label, apply_overrides(first, [text], "--vary")))
        overrides[label] = [*shared, f"{key}={value}"]
        if first_label in commands:
            commands[label] = commands[first_label]
    return variants, overrides, commands


def _cmd_compare(args: argparse.Namespace) -> int:
    """Run variants on common random numbers; print them side by side with paired differences.

    Like ``run``, every input is checked before the first simulation starts.
    """
    variants, overrides, moves = build_variants(
        args.scenarios, args.set, args.vary, args.seed, args.days
    )
    json_path = check_output_path(args.json, "--json") if args.json is not None else None
    plots_dir = check_plots_dir(args.plots) if args.plots is not None else None
    plots = _load_plots() if plots_dir is not None else None

    comparison = _compare_many(
        variants,
        args.replications,
        args.workers,
        args.quiet,
        keep_log_for=(0,) if plots_dir is not None else (),
        commands=moves,
    )
    document = comparison_document(comparison, overrides)

    if json_path is not None:
        atomic_write(json_path, [_json_text(document)])
    if not args.quiet:
        _print_comparison(document, comparison.baseline.scenario)
    if plots is not None and plots_dir is not None:
        charts = [
            (v.label, v.results[0].log or [], result_document(v.scenario, v.results))
            for v in comparison.variants
        ]
        title = " vs ".join(v.label for v in comparison.variants)
        paths = plots.compare_charts(charts, title, _make_plots_dir(plots_dir))
        _print_paths(paths, args.quiet)
    return EXIT_OK


# --------------------------------------------------------------------------- parser


Extension = Callable[[Any], None]
"""Adds subcommands to the ``shipit`` parser: called with argparse's subparsers object.

How the game (``tui``) adds ``play`` and ``serve`` without ``sim`` importing it: the
console script runs ``tui.launcher.main``, which calls :func:`main` with its extension.
A subcommand's handler is set with ``set_defaults(handler=...)`` and returns the status.
"""


def build_parser(extensions: Sequence[Extension] = ()) -> argparse.ArgumentParser:
    """The argument parser; separate from :func:`main` so docs can render its help."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Ship It: simulate a software delivery organisation and score it on "
        "the DORA four keys.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser(
        "run",
        help="run a scenario and print its DORA scorecard",
        description="Run a scenario (a built-in name or a .toml file) and print its "
        "scorecard. --seed and --days are applied after --set.",
    )
    run.add_argument("scenario", metavar="SCENARIO", help="built-in name or path to a .toml")
    run.add_argument("--seed", metavar="N", help="master random seed (run.seed)")
    run.add_argument("--days", metavar="D", help="simulated days (run.days)")
    run.add_argument(
        "--replications", "-r", metavar="R", type=positive_int, default=1,
        help="independent runs; >1 reports mean ± 95%% CI (default 1)",
    )  # fmt: skip
    run.add_argument(
        "--workers", "-w", metavar="W", type=workers_count, default=None,
        help="worker processes for replications (default: all cores)",
    )  # fmt: skip
    run.add_argument(
        "--set", metavar="SECTION.KEY=VALUE", action="append", default=[],
        help="override a scenario value (repeatable), e.g. --set org.developers=9",
    )  # fmt: skip
    run.add_argument("--json", metavar="PATH", help="write the result document as JSON")
    run.add_argument(
        "--events", metavar="PATH.jsonl", help="write the event log as JSON lines (needs R=1)"
    )
    run.add_argument(
        "--vs-baseline", action="store_true",
        help="also run the scenario without the --set overrides on the same random numbers "
        "and show the paired differences",
    )  # fmt: skip
    run.add_argument("--plots", metavar="DIR", help=PLOTS_HELP)
    run.add_argument("--quiet", "-q", action="store_true", help="no scorecard, no progress")
    run.set_defaults(handler=_cmd_run)

    compare = sub.add_parser(
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
    compare.add_argument(
        "--set", metavar="SECTION.KEY=VALUE", action="append", default=[],
        help="override a value in every variant (repeatable)",
    )  # fmt: skip
    compare.add_argument(
        "--vary", metavar="SECTION.KEY=VALUE", action="append", default=[],
        help="add a variant: the first SCENARIO with this override (repeatable), "
        "e.g. --vary practices.deployment=automated",
    )  # fmt: skip
    compare.add_argument(
        "--replications", "-r", metavar="R", type=positive_int, default=10,
        help="replications per variant (default 10)",
    )  # fmt: skip
    compare.add_argument("--seed", metavar="N", help="master random seed for every variant")
    compare.add_argument("--days", metavar="D", help="simulated days (run.days)")
    compare.add_argument(
        "--workers", "-w", metavar="W", type=workers_count, default=None,
        help="worker processes (default: all cores)",
    )  # fmt: skip
    compare.add_argument("--json", metavar="PATH", help="write the comparison as JSON")
    compare.add_argument("--plots", metavar="DIR", help=PLOTS_HELP)
    compare.add_argument("--quiet", "-q", action="store_true", help="no table, no progress")
    compare.set_defaults(handler=_cmd_compare)

    validate = sub.add_parser(
        "validate",
        help="check scenario files",
        description="Check scenario files (or built-in names); exit 2 if any is invalid.",
    )
    validate.add_argument("files", metavar="FILE", nargs="+", help="scenario file or name")
    validate.set_defaults(handler=_cmd_validate)

    scenarios = sub.add_parser("scenarios", help="list the built-in scenarios")
    scenarios.set_defaults(handler=_cmd_scenarios)

    practices = sub.add_parser("practices", help="list the practice catalogue")
    practices.set_defaults(handler=_cmd_practices)

    schema = sub.add_parser("schema", help="print the scenario JSON schema")
    schema.add_argument("--output", "-o", metavar="PATH", help="write to PATH instead")
    schema.set_defaults(handler=_cmd_schema)

    bench = sub.add_parser("bench", help="measure simulation speed")
    bench.add_argument("--quick", action="store_true", help="a short benchmark")
    bench.add_argument("--json", metavar="PATH", help="write the results as JSON")
    bench.set_defaults(handler=_cmd_bench)
    add_sweep_parser(sub)
    add_analyze_parser(sub)
    add_workshop_parser(sub)
    add_calibrate_parser(sub)
    add_forecast_parser(sub)
    for extend in extensions:
        extend(sub)
    return parser


# --------------------------------------------------------------------------- entry point


def _error(message: str) -> None:
    """One line on stderr, prefixed with the program name as Unix tools do."""
    print(f"{PROG}: {one_line(message)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None, extensions: Sequence[Extension] = ()) -> int:
    """Parse ``argv`` (default: the process arguments), run the command, return the status."""
    parser = build_parser(extensions)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors (status 2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except ScenarioError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except OutputError as exc:
        _error(str(exc))
        return exc.status
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `shipit practices | head`): not an error of ours.
        # Point stdout at devnull so the interpreter's final flush does not complain.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
