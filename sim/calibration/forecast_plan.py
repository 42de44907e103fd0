"""``shipit forecast``'s options checked into a :class:`Plan`: the sources, the question,
the numbers, the dates and the outputs.

:func:`make_plan` does every check of :mod:`.forecast_cli`'s notes, in their order --
outputs first, then sources, the question, numbers and dates -- and raises one
:class:`~sim.errors.ScenarioError` (or :class:`~sim.outputs.OutputError`) for the first
problem; nothing is run or written.  Also the command's limits and defaults, kept here so
``shipit --help`` need not import numpy.  Imports only the standard library and light
project modules at import time: pandas, the record and the model load when a plan is made.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..argtypes import seed as seed_type
from ..argtypes import whole, workers_count
from ..errors import ScenarioError
from ..limits import HORIZON_DAYS_MAX, REPLICATIONS_MAX
from ..outputs import check_output_dir, check_output_path, output_target
from .forecast_output import chart_names
from .settings import DEFAULT_TAG_PATTERN

if TYPE_CHECKING:  # a plan imports these when made: pandas and the model load slowly
    import pandas as pd

    from ..model import Command
    from ..scenario import Scenario
    from .record import DeliveryRecord

COMMAND = "forecast"

TRIALS_DEFAULT = 10_000
"""Trials of a history forecast unless asked otherwise (:data:`.forecast.TRIALS_DEFAULT`;
kept here too so ``shipit --help`` need not import numpy)."""

TRIALS_MAX = 100_000
"""Most trials of a history forecast (:data:`.forecast.TRIALS_MAX`)."""

REPLICATIONS_DEFAULT = 500
"""Replications of a model forecast unless asked otherwise
(:data:`.forecast_model.REPLICATIONS_DEFAULT`)."""

ITEMS_MAX = 1_000_000_000
"""Most changes ``--items`` may ask about (:data:`.forecast.ITEMS_MAX`)."""

WEEKS_MAX = int(HORIZON_DAYS_MAX // 7)
"""Longest horizon in weeks (ten years, as a run)."""

DAYS_MAX = int(HORIZON_DAYS_MAX)
"""Longest horizon in days."""

DATE_ONLY = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")
"""A bare date (no time of day): ``--by`` then means through the end of that day."""


# --------------------------------------------------------------------------- checks


def _fail(option: str, problem: str) -> ScenarioError:
    return ScenarioError(option, "", problem)


def _number(option: str, text: str | None, parse: Callable[[str], int]) -> int | None:
    """An option's whole number through an :mod:`sim.argtypes` parser, or one line."""
    if text is None:
        return None
    try:
        return parse(text)
    except argparse.ArgumentTypeError as exc:
        raise _fail(option, str(exc)) from None


def _date(option: str, text: str | None) -> pd.Timestamp | None:
    from .record import parse_bound

    return None if text is None else parse_bound(text, option)


@dataclass
class Question:
    """What is asked: within ``horizon`` periods (``how_many``) or when ``items`` are done."""

    kind: str
    """``"how_many"`` or ``"when_done"``."""
    period: str
    option: str
    """The option that asked it (for messages)."""
    horizon: int | None = None
    items: int | None = None
    by: pd.Timestamp | None = None
    """The end (exclusive) ``--by`` asked for."""
    by_text: str = ""
    """``--by`` as typed, for messages."""


@dataclass
class History:
    """The record's side: the history window and its per-period counts."""

    record: DeliveryRecord
    label: str
    counts: Any
    start: pd.Timestamp
    end: pd.Timestamp


@dataclass
class Model:
    """The model's side: the scenario to simulate and the moves to apply."""

    scenario: Scenario
    label: str
    overrides: list[str]
    moves: list[tuple[float, Command]] = field(default_factory=list)
    saved_game: str | None = None


@dataclass
class Plan:
    """Everything checked: what to run and where to write."""

    question: Question
    history: History | None
    model: Model | None
    start: pd.Timestamp | None
    trials: int
    replications: int
    seed: int | None
    workers: int | None
    json_path: Path | None
    plots: Path | None


def _outputs(args: argparse.Namespace) -> tuple[Path | None, Path | None]:
    json_path = check_output_path(args.json, "--json") if args.json is not None else None
    plots = check_output_dir(args.plots, "--plots", "charts") if args.plots else None
    if plots is not None and plots.is_dir():
        for name in chart_names(bool(args.record or args.git), bool(args.scenario or args.load)):
            output_target(plots / name, f"--plots {args.plots}: {name}")
    return json_path, plots


def _sources(args: argparse.Namespace) -> tuple[bool, bool]:
    """Which sources were given; refuses missing and conflicting ones."""
    if args.record is not None and args.git is not None:
        raise _fail("--git", "give a record folder or --git REPO, not both")
    has_record = args.record is not None or args.git is not None
    has_model = args.scenario is not None or args.load is not None
    if not has_record and not has_model:
        raise _fail(
            COMMAND,
            "nothing to forecast from: give a record (RECORD or --git REPO), a scenario "
            "(--scenario S or --load SAVE), or both",
        )
    if args.tag_pattern is not None and args.git is None:
        raise _fail("--tag-pattern", "only with --git (it picks the repository's release tags)")
    for option, value in (("--since", args.since), ("--until", args.until),
                          ("--trials", args.trials)):  # fmt: skip
        if value is not None and not has_record:
            raise _fail(option, "is about the record's history: give a record (RECORD or --git)")
    if args.set and not has_model:
        raise _fail("--set", "changes a scenario: give --scenario S (or --load SAVE)")
    if args.replications is not None and not has_model:
        raise _fail("--replications", "is about the model: give --scenario S (or --load SAVE)")
    return has_record, has_model


def _question(args: argparse.Namespace) -> Question:
    options = (("--weeks", args.weeks), ("--days", args.days), ("--by", args.by),
               ("--items", args.items))  # fmt: skip
    asked = [(option, value) for option, value in options if value is not None]
    if len(asked) != 1:
        given = " and ".join(o for o, _ in asked)
        problem = f"{given}: ask one question" if asked else "no question asked"
        raise _fail(
            COMMAND,
            f"{problem}: exactly one of --weeks N, --days N, --by DATE (how many changes) "
            "or --items N (when will they be done)",
        )
    option, _ = asked[0]
    if args.period is not None and args.period not in ("week", "day"):
        raise _fail("--period", f"expected week or day, got {args.period!r}")
    period = args.period or ("day" if option == "--days" else "week")
    if option == "--weeks":
        weeks = _number(option, args.weeks, whole(1, WEEKS_MAX))
        assert weeks is not None
        return Question("how_many", period, option, horizon=weeks * (7 if period == "day" else 1))
    if option == "--days":
        days = _number(option, args.days, whole(1, DAYS_MAX))
        assert days is not None
        if period == "week" and days % 7:
            raise _fail(
                option,
                f"{days} days is not a whole number of weeks: use --weeks, or --period day",
            )
        return Question("how_many", period, option, horizon=days // 7 if period == "week" else days)
    if option == "--items":
        items = _number(option, args.items, whole(1, ITEMS_MAX))
        return Question("when_done", period, option, items=items)
    by = _date("--by", args.by)
    assert by is not None
    if DATE_ONLY.fullmatch(args.by):
        import pandas as pd

        by = by + pd.Timedelta(days=1)  # through the end of that day
    return Question("how_many", period, option, by=by, by_text=args.by.strip())


def _read_record(args: argparse.Namespace) -> DeliveryRecord:
    from .gitrecord import record_from_git
    from .record import read_record

    if args.git is not None:
        return record_from_git(args.git, args.tag_pattern or DEFAULT_TAG_PATTERN)
    return read_record(args.record)


def _history(args: argparse.Namespace, period: str) -> History:
    """The record's window and its per-period counts, ending at the window's end."""
    import pandas as pd

    from .forecast import PERIOD_DAYS, periods_between, throughput_per_period
    from .record import when_text

    since = _date("--since", args.since)
    until = _date("--until", args.until)
    if since is not None and until is not None and since >= until:
        raise _fail("--until", f"{when_text(until)} is not after --since {when_text(since)}")
    whole_record = _read_record(args)
    record = whole_record.window(since, until)
    # Data exist from the record's first deployment to the end of its last one's day.
    first = whole_record.first_deployed
    last_day = whole_record.last_deployed.floor("D") + pd.Timedelta(days=1)
    begin = first if since is None else max(since, first)
    end = last_day if until is None else min(until, last_day)
    length = pd.Timedelta(days=PERIOD_DAYS[period])
    count = periods_between(begin, end, period)  # type: ignore[arg-type]
    if count < 1:
        blamed = "--until" if until is not None else "--since" if since is not None else "RECORD"
        raise _fail(
            blamed,
            f"the history window from {when_text(begin)} to {when_text(end)} holds no whole "
            f"{period}: widen it" + (" or use --period day" if period == "week" else ""),
        )
    start = end - count * length
    counts = throughput_per_period(record.changes["deployed_at"], start, end, period)  # type: ignore[arg-type]
    label = args.git if args.git is not None else args.record
    return History(record, str(label), counts, start, end)


def _model(args: argparse.Namespace, seed: int | None) -> Model:
    """The scenario with its overrides and the saved game's moves, checked."""
    from ..loading import apply_overrides, load_scenario
    from ..model.commands import check_sequence
    from ..savegame import read_saved_game
    from ..units import HOURS_PER_DAY
    from .forecast_model import shift_moves

    saved = read_saved_game(Path(args.load)) if args.load is not None else None
    if args.scenario is not None:
        scenario = load_scenario(args.scenario)
    else:
        assert saved is not None
        scenario = saved.scenario.with_values({"run.seed": saved.seed})
    scenario = apply_overrides(scenario, args.set, "--set")
    if seed is not None:
        scenario = apply_overrides(scenario, [f"run.seed={seed}"], "--seed")
    moves: list[tuple[float, Command]] = []
    if saved is not None:
        hours = (scenario.run.warmup_days - saved.scenario.run.warmup_days) * HOURS_PER_DAY
        moves = shift_moves(saved.commands, hours)
        check_sequence(scenario, [command for _, command in moves], f"--load {args.load}")
    label = args.scenario or f"{scenario.scenario.name} (from {args.load})"
    return Model(scenario, str(label), list(args.set), moves, args.load)


def make_plan(args: argparse.Namespace) -> Plan:
    """Every check, in the order :mod:`.forecast_cli`'s notes give; nothing is run or
    written."""
    json_path, plots = _outputs(args)
    has_record, has_model = _sources(args)
    question = _question(args)
    trials = _number("--trials", args.trials, whole(1, TRIALS_MAX)) or TRIALS_DEFAULT
    replications = (
        _number("--replications", args.replications, whole(1, REPLICATIONS_MAX))
        or REPLICATIONS_DEFAULT
    )
    seed = _number("--seed", args.seed, seed_type)
    workers = _number("--workers", args.workers, workers_count)
    start = _date("--start", args.start)
    history = _history(args, question.period) if has_record else None
    model = _model(args, seed) if has_model else None
    if start is None and history is not None:
        start = history.end
    if question.by is not None:
        _horizon_by(question, start)
    if question.horizon is not None and model is not None:
        _check_model_horizon(question, model)
    return Plan(question, history, model, start, trials, replications, seed, workers,
                json_path, plots)  # fmt: skip


def _horizon_by(question: Question, start: pd.Timestamp | None) -> None:
    """``--by``: the whole periods from the start to the date."""
    from .forecast import periods_between
    from .record import when_text

    if start is None:
        raise _fail(
            "--by",
            "needs a start date: give --start DATE (with a record it defaults to the end "
            "of the record's window)",
        )
    assert question.by is not None
    if question.by <= start:
        raise _fail("--by", f"{question.by_text} is not after the start {when_text(start)}")
    periods = periods_between(start, question.by, question.period)  # type: ignore[arg-type]
    if periods < 1:
        hint = " or use --period day" if question.period == "week" else ""
        raise _fail(
            "--by",
            f"less than a whole {question.period} after the start {when_text(start)}: "
            f"ask for a later date{hint}",
        )
    most = int(HORIZON_DAYS_MAX) if question.period == "day" else WEEKS_MAX
    if periods > most:
        raise _fail("--by", f"{periods:,} {question.period}s away: at most {most:,} (ten years)")
    question.horizon = periods


def _check_model_horizon(question: Question, model: Model) -> None:
    from .forecast_model import model_max_periods

    most = model_max_periods(model.scenario, question.period)  # type: ignore[arg-type]
    assert question.horizon is not None
    if question.horizon > most:
        raise _fail(
            question.option,
            f"{question.horizon:,} {question.period}s after the warm-up of "
            f"{model.scenario.run.warmup_days:g} days is longer than a run may last "
            f"({HORIZON_DAYS_MAX:g} days, warm-up included): at most {most:,} "
            f"{question.period}s for this scenario",
        )
