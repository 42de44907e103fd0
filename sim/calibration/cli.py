"""``shipit calibrate``: fit the model to a delivery record and write the scenario.

Registered by :func:`add_calibrate_parser` on ``shipit``'s subparsers.  Every output is
checked before any work (``--out``, ``--json``, ``--plots``, ``--record-out``); bad
records, dates and numbers are one line with exit status 2, and nothing is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..argtypes import number, positive_int, seed, whole, workers_count
from ..errors import ScenarioError
from ..exitcodes import EXIT_OK
from ..outputs import OutputError, atomic_write, check_output_dir, output_target
from .settings import DEFAULT_TAG_PATTERN, FAILURE_PATCH_DAYS, PATCH_DAYS_MAX

if TYPE_CHECKING:  # the handler imports these: pandas, scipy and pygit2 load slowly
    from .calibrate import Calibration, FitRow
    from .record import DeliveryRecord

TRIALS_MAX = 1000
"""Most trials a fit may be asked for (each is several simulations)."""

DEFAULT_BASE = "continuous-delivery"
"""The base scenario: automated pipeline, peer review, scheduled releases."""


def add_calibrate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``calibrate``; returns its parser."""
    p = subparsers.add_parser(
        "calibrate",
        help="fit the model to a delivery record and write a scenario",
        description="Measure a delivery record (changes.csv and deployments.csv, optional "
        "incidents.csv; see docs/calibration.md) or a git repository's release tags, fit "
        "the parameters the record identifies, check the fit over replications and write "
        "the calibrated scenario (TOML, with comments saying where each value came from).",
    )
    p.add_argument("record", metavar="RECORD", nargs="?", help="a delivery record folder")
    p.add_argument("--git", metavar="REPO", help="build the record from a git repository")
    p.add_argument(
        "--tag-pattern",
        metavar="RE",
        default=DEFAULT_TAG_PATTERN,
        help=f"release tags, a regular expression (default {DEFAULT_TAG_PATTERN})",
    )
    p.add_argument(
        "--record-out", metavar="DIR", help="with --git: also save the record as CSV files in DIR"
    )
    p.add_argument("--out", metavar="FILE", required=True, help="the calibrated scenario (.toml)")
    p.add_argument("--name", metavar="NAME", help="the scenario's name (default: from --out)")
    p.add_argument(
        "--base",
        metavar="S",
        default=DEFAULT_BASE,
        help=f"scenario whose other values are kept (default {DEFAULT_BASE})",
    )
    p.add_argument("--since", metavar="DATE", help="first day of the window (UTC)")
    p.add_argument("--until", metavar="DATE", help="end of the window, not included (UTC)")
    p.add_argument(
        "--failure-patch-days",
        metavar="N",
        type=number(0, PATCH_DAYS_MAX),
        default=FAILURE_PATCH_DAYS,
        help="a deployment followed by a patch within "
        f"N days counts failed (the failure proxy; default {FAILURE_PATCH_DAYS:g})",
    )
    p.add_argument("--no-merges", action="store_true", help="leave merge commits out")
    p.add_argument(
        "--trials",
        metavar="N",
        type=whole(1, TRIALS_MAX),
        default=40,
        help="candidate parameter sets tried (default 40)",
    )
    p.add_argument(
        "--replications",
        metavar="N",
        type=whole(2, 1000),
        default=10,
        help="replications of the calibrated scenario in the fit table (default 10)",
    )
    p.add_argument(
        "--fit-replications",
        metavar="N",
        type=positive_int,
        default=5,
        help="replications per trial (default 5)",
    )
    p.add_argument("--seed", metavar="N", type=seed, default=0, help="the search's seed")
    p.add_argument(
        "--workers",
        metavar="N",
        type=workers_count,
        default=None,
        help="processes (default: every core)",
    )
    p.add_argument("--plots", metavar="DIR", help="write the fit charts into DIR")
    p.add_argument("--json", metavar="FILE", help="write the fit as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no table")
    p.set_defaults(handler=_cmd_calibrate)  # fmt: skip
    return p


def _record(args: argparse.Namespace) -> DeliveryRecord:
    from .gitrecord import record_from_git
    from .record import read_record

    if (args.record is None) == (args.git is None):
        raise ScenarioError("calibrate", "RECORD", "give a record folder or --git REPO (one)")
    if args.record_out is not None and args.git is None:
        raise ScenarioError("calibrate", "--record-out", "only with --git (the record is there)")
    if args.git is not None:
        return record_from_git(args.git, args.tag_pattern)
    return read_record(args.record)


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from ..loading import load_scenario
    from ..progress import runs_progress
    from .calibrate import calibrate
    from .measure import Proxies
    from .record import parse_bound, write_record
    from .scenario_file import write_scenario

    out = output_target(Path(args.out), "--out")
    json_path = output_target(Path(args.json), "--json") if args.json else None
    plots = check_output_dir(args.plots, "--plots", "the charts") if args.plots else None
    record_out = (check_output_dir(args.record_out, "--record-out", "the record")
                  if args.record_out else None)  # fmt: skip
    name = args.name or Path(args.out).stem
    since = parse_bound(args.since, "--since") if args.since else None
    until = parse_bound(args.until, "--until") if args.until else None
    base = load_scenario(args.base)
    proxies = Proxies(args.failure_patch_days, not args.no_merges)
    whole_record = _record(args)
    record = whole_record.window(since, until)
    with runs_progress(args.quiet) as progress:
        fitting = progress.add_task("fitting (trials)", total=args.trials)
        checking = progress.add_task("checking (replications)", total=args.replications)
        result = calibrate(
            record, base, name=name, proxies=proxies, trials=args.trials,
            fit_replications=args.fit_replications, replications=args.replications,
            seed=args.seed, workers=args.workers,
            on_trial=lambda n: progress.update(fitting, completed=n),
            on_replication=lambda n: progress.update(checking, completed=n),
        )  # fmt: skip
    if record_out is not None:
        write_record(whole_record, record_out)
    write_scenario(out, result.text)
    if json_path is not None:
        atomic_write(json_path, [json.dumps(result.to_dict(), indent=2, allow_nan=False) + "\n"])
    if plots is not None:
        _charts(result, plots, name)
    if args.quiet:
        return EXIT_OK
    Console(file=sys.stdout).print(fit_table(result))
    print(f"Lead-time distributions: Kolmogorov–Smirnov distance {result.ks:.3f}")
    print(f"Calibrated scenario written to {out}")
    return EXIT_OK


def _charts(result: Calibration, folder: Path, name: str) -> None:
    from ..plots.calibration import fit_chart, lead_time_ecdf_chart

    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"--plots {folder}: cannot create: {exc.strerror or exc}") from None
    title = f"{name}: calibrated to {Path(result.record.source).name}"
    fit_chart(result.rows, title, folder / "calibration_fit.png")
    lead_time_ecdf_chart(result.data_lead_times, result.model_lead_times, result.ks, title,
                         folder / "calibration_lead_times.png")  # fmt: skip


def _value(row: FitRow, value: float | None) -> str:
    if value is None:
        return "—"
    if row.figure.unit == "share":
        return f"{value:.0%}"
    return f"{value:.2g}" if abs(value) < 10 else f"{value:,.0f}"


def fit_table(result: Calibration) -> Table:
    """The fit table: each figure of the record beside the model's mean and interval
    (fits 80 columns; * marks the record's proxies)."""
    data = result.data
    table = Table(title=f"{data.deployments} deployments, {data.changes:,} changes, "
                  f"{data.start:%Y-%m-%d} to {data.end:%Y-%m-%d}; model: mean of "
                  f"{result.replications} replications", caption="* the record's figure is a "
                  "proxy (docs/calibration.md); not fitted")  # fmt: skip
    for column in ("figure", "record", "model", "95 % interval", "off by", "target"):
        table.add_column(column, justify="left" if column == "figure" else "right",
                         no_wrap=True)  # fmt: skip
    for row in result.rows:
        low, high = _value(row, row.low), _value(row, row.high)
        error = "—" if row.error is None else f"{row.error:+.0%}"
        if row.figure.tolerance is None:
            target = Text("shown", style="dim")
        else:
            mark = "✓" if row.within else "✗"
            style = "green" if row.within else "bold red"
            target = Text(f"{mark} ±{row.figure.tolerance:.0%}", style=style)
        table.add_row(row.figure.short or row.figure.label, _value(row, row.data),
                      _value(row, row.mean), f"{low}–{high}", error, target)  # fmt: skip
    return table
