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
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from sim import __version__
from sim.errors import ScenarioError
from sim.events import event_to_json
from sim.loading import apply_overrides, builtin_names, load_scenario, scenario_json_schema
from sim.outputs import OutputError, atomic_write, check_output_path
from sim.practices import CATALOGUE
from sim.report import practices_table, scenarios_table, scorecard
from sim.runner import RunResult, result_document, run_replication, run_replications
from sim.scenario import Scenario

PROG = "shipit"

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
    scenario = load_scenario(ref)
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


class RateColumn(ProgressColumn):
    """Replications finished per second, so a user can judge a bigger run's cost."""

    def render(self, task: Task) -> Text:
        """The current rate, or a placeholder until there is one."""
        speed = task.finished_speed or task.speed
        if speed is None:
            return Text("? runs/s", style="progress.data.speed")
        return Text(f"{speed:.1f} runs/s", style="progress.data.speed")


def _run_many(
    scenario: Scenario, replications: int, workers: int | None, quiet: bool
) -> list[RunResult]:
    """Run replications over the cores with a progress bar on stderr (a TTY only)."""
    console = Console(file=sys.stderr)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
    )
    with progress:
        task = progress.add_task(scenario.scenario.name, total=replications)

        def done(_: RunResult) -> None:
            progress.advance(task)

        return run_replications(scenario, replications, workers=workers, on_done=done)


def _cmd_run(args: argparse.Namespace) -> int:
    """Run a scenario, print its scorecard, write the JSON document and event log.

    All inputs -- options, scenario, overrides, output paths -- are checked before the
    simulation starts; outputs are written only after it has finished.
    """
    if args.events is not None and args.replications > 1:
        raise CLIError(
            f"--events writes the event log of a single run; it needs --replications 1, "
            f"got {args.replications}"
        )
    scenario = load_run_scenario(args.scenario, args.set, args.seed, args.days)
    json_path = check_output_path(args.json, "--json") if args.json is not None else None
    events_path = check_output_path(args.events, "--events") if args.events is not None else None
    if json_path and events_path and json_path.resolve() == events_path.resolve():
        raise CLIError(f"--json and --events both name {args.json}; give two different files")

    if args.replications == 1:
        results = [run_replication(scenario, keep_log=events_path is not None)]
    else:
        results = _run_many(scenario, args.replications, args.workers, args.quiet)
    document = result_document(scenario, results)

    if events_path is not None:
        log = results[0].log or []
        atomic_write(events_path, (event_to_json(event) + "\n" for event in log))
    if json_path is not None:
        atomic_write(json_path, [_json_text(document)])
    if not args.quiet:
        _stdout().print(scorecard(document, scenario))
    return EXIT_OK


# --------------------------------------------------------------------------- parser


def _positive_int(text: str) -> int:
    """An argparse type for counts that must be at least 1 (replications, workers)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
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
        "--replications", "-r", metavar="R", type=_positive_int, default=1,
        help="independent runs; >1 reports mean ± 95%% CI (default 1)",
    )  # fmt: skip
    run.add_argument(
        "--workers", "-w", metavar="W", type=_positive_int, default=None,
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
    run.add_argument("--quiet", "-q", action="store_true", help="no scorecard, no progress")
    run.set_defaults(handler=_cmd_run)

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
    return parser


# --------------------------------------------------------------------------- entry point


def _error(message: str) -> None:
    """One line on stderr, prefixed with the program name as Unix tools do."""
    print(f"{PROG}: {' '.join(message.split())}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: the process arguments), run the command, return the status."""
    parser = build_parser()
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
