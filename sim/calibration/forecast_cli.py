"""``shipit forecast``: "how many changes by DATE?" and "when will N changes be done?".

Registered by :func:`add_forecast_parser` on ``shipit``'s subparsers.  Two sources of
trials, either or both (then side by side):

* a delivery record (a ``RECORD`` folder or ``--git REPO``): its throughput history alone,
  resampled as the flow-forecasting tools do (:mod:`.forecast`);
* a scenario (``--scenario``, e.g. a calibrated one; or a saved game's own with ``--load``),
  simulated (:mod:`.forecast_model`), with ``--set`` overrides and a saved game's moves:
  the forecast of adopting those practice changes.

**The history** is the record's changes deployed in each whole period (a week, or a day
with ``--period day``) of its window, counted back from the window's end: ``--until``, or
the end of the day of the record's last deployment; the window starts at ``--since`` (not
before the record's first deployment), and a partial *oldest* period is left out, so the
history ends where the forecast starts by default.

**The start** of the forecast: ``--start``, else the end of the history window; with only
a scenario and no ``--start`` the answers count from the end of the warm-up and carry no
dates.  A model forecast always starts at the end of its scenario's warm-up; the start
date only names that moment.  ``--by DATE`` means through the end of that day (a date and
time: up to that instant).

**The question**: exactly one of ``--weeks N``, ``--days N`` (how many within N weeks or
days from the start), ``--by DATE`` (how many by then: the whole periods up to it) and
``--items N`` (when will N changes be done).  The period is a week unless ``--days`` is
asked (then a day) or ``--period`` says otherwise; ``--days`` in weeks must be whole weeks.

Every input is checked before any work -- outputs first (as ``shipit run --json``), then
sources, the question, numbers and dates -- and each problem is one line with exit
status 2, nothing written.  This module imports only the standard library at import time:
the handler loads pandas, the model and matplotlib when it runs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..argtypes import seed as seed_type
from ..argtypes import whole, workers_count
from ..errors import ScenarioError
from ..limits import HORIZON_DAYS_MAX, REPLICATIONS_MAX
from ..outputs import OutputError, atomic_write, check_output_dir, check_output_path, output_target
from .settings import DEFAULT_TAG_PATTERN

if TYPE_CHECKING:  # the handler imports these: pandas and the model load slowly
    import pandas as pd

    from ..model import Command
    from ..scenario import Scenario
    from .forecast import HowMany, When
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

NOUN = "changes"
"""What a forecast counts, in its labels and charts."""

DATE_ONLY = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")
"""A bare date (no time of day): ``--by`` then means through the end of that day."""


def add_forecast_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``forecast``; returns its parser."""
    p = subparsers.add_parser(
        COMMAND,
        help="forecast how many changes by a date, or when N will be done (Monte Carlo)",
        description="Monte Carlo forecasts: how many changes within a horizon or by a date, "
        "or when N changes will be done, at 50/85/95 % confidence. From a delivery "
        "record's throughput history alone (RECORD or --git), from simulations of a "
        "scenario (--scenario, e.g. a calibrated one, with --set overrides and a saved "
        "game's moves: the effect of adopting them), or both side by side.",
    )
    source = p.add_argument_group("sources (at least one)")
    source.add_argument("record", metavar="RECORD", nargs="?", help="a delivery record folder")
    source.add_argument("--git", metavar="REPO", help="build the record from a git repository")
    source.add_argument(
        "--tag-pattern",
        metavar="RE",
        help=f"with --git: release tags, a regular expression (default {DEFAULT_TAG_PATTERN})",
    )
    source.add_argument(
        "--scenario", metavar="S", help="simulate this scenario: a built-in name or a .toml"
    )
    source.add_argument(
        "--set", metavar="SECTION.KEY=VALUE", action="append", default=[],
        help="override a scenario value (repeatable), e.g. --set practices.release=on_demand",
    )  # fmt: skip
    source.add_argument(
        "--load", metavar="SAVE",
        help="a saved game (.json): its moves, at the same time after the warm-up, in every "
        "replication of --scenario (without --scenario: of the game's own scenario)",
    )  # fmt: skip
    question = p.add_argument_group("question (exactly one)")
    question.add_argument("--weeks", metavar="N", help="how many changes within N weeks")
    question.add_argument("--days", metavar="N", help="how many changes within N days")
    question.add_argument(
        "--by", metavar="DATE", help="how many changes by DATE (through the end of that day)"
    )
    question.add_argument("--items", metavar="N", help="when will N changes be done")
    p.add_argument(
        "--start", metavar="DATE",
        help="the forecast's first day (default: the end of the record's window; with only "
        "a scenario: the end of its warm-up, no dates)",
    )  # fmt: skip
    p.add_argument("--since", metavar="DATE", help="first day of the history window (UTC)")
    p.add_argument("--until", metavar="DATE", help="end of the history window, not included (UTC)")
    p.add_argument(
        "--period", metavar="week|day",
        help="periods of the history and the answers (default: week; day with --days)",
    )  # fmt: skip
    p.add_argument(
        "--trials", metavar="N",
        help=f"history: futures drawn (default {TRIALS_DEFAULT:,}, at most {TRIALS_MAX:,})",
    )  # fmt: skip
    p.add_argument(
        "--replications", "-r", metavar="N",
        help=f"model: replications, each one trial (default {REPLICATIONS_DEFAULT})",
    )  # fmt: skip
    p.add_argument(
        "--seed", metavar="N",
        help="seed of the history's draws (default 0) and the model's run.seed "
        "(default: the scenario's)",
    )  # fmt: skip
    p.add_argument("--workers", "-w", metavar="N", help="processes (default: every core)")
    p.add_argument(
        "--plots", metavar="DIR",
        help="write the chart into DIR (forecast.png; with both sources "
        "forecast-history.png and forecast-model.png); DIR may be new if its parent exists",
    )  # fmt: skip
    p.add_argument("--json", metavar="FILE", help="write the forecasts as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="no table, no progress")
    p.set_defaults(handler=_cmd_forecast)
    return p


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
        for name in _chart_names(bool(args.record or args.git), bool(args.scenario or args.load)):
            output_target(plots / name, f"--plots {args.plots}: {name}")
    return json_path, plots


def _chart_names(history: bool, model: bool) -> list[str]:
    if history and model:
        return ["forecast-history.png", "forecast-model.png"]
    return ["forecast.png"]


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


def _plan(args: argparse.Namespace) -> Plan:
    """Every check, in the order the module notes give; nothing is run or written."""
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


# --------------------------------------------------------------------------- running


def _history_forecast(plan: Plan) -> HowMany | When:
    from .forecast import how_many, when_done

    history, question = plan.history, plan.question
    assert history is not None
    common: dict[str, Any] = {
        "trials": plan.trials,
        "seed": plan.seed or 0,
        "period": question.period,
        "history_start": history.start,
        "start": plan.start,
    }
    if question.kind == "how_many":
        return how_many(history.counts, question.horizon, **common)  # type: ignore[arg-type]
    return when_done(history.counts, question.items, **common)  # type: ignore[arg-type]


def _model_forecast(plan: Plan, on_done: Callable[[int], None]) -> HowMany | When:
    from .forecast_model import model_how_many, model_when_done

    model, question = plan.model, plan.question
    assert model is not None
    common: dict[str, Any] = {
        "period": question.period,
        "start": plan.start,
        "moves": model.moves,
        "workers": plan.workers,
        "on_done": on_done,
        "overrides": model.overrides,
        "saved_game": model.saved_game,
    }
    if question.kind == "how_many":
        return model_how_many(model.scenario, question.horizon, plan.replications, **common)  # type: ignore[arg-type]
    return model_when_done(model.scenario, question.items, plan.replications, **common)  # type: ignore[arg-type]


def _cmd_forecast(args: argparse.Namespace) -> int:
    from ..progress import runs_progress

    plan = _plan(args)
    history = _history_forecast(plan) if plan.history is not None else None
    model = None
    if plan.model is not None:
        with runs_progress(args.quiet) as progress:
            task = progress.add_task("simulating (replications)", total=plan.replications)
            model = _model_forecast(plan, lambda n: progress.update(task, completed=n))
    document = forecast_document(plan, history, model)
    if plan.json_path is not None:
        text = json.dumps(document, indent=2, allow_nan=False) + "\n"
        atomic_write(plan.json_path, [text])
    paths = _charts(plan, history, model) if plan.plots is not None else []
    if not args.quiet:
        _print_table(forecast_table(plan, history, model))
        for path in paths:
            print(f"wrote {path}")
    return 0


# --------------------------------------------------------------------------- outputs


def _iso(moment: pd.Timestamp | None) -> str | None:
    return None if moment is None else moment.isoformat()


def forecast_document(
    plan: Plan, history: HowMany | When | None, model: HowMany | When | None
) -> dict[str, Any]:
    """The ``--json`` document: the question, and each source's forecast (``as_dict``;
    ``null`` for a source not asked)."""
    question = plan.question
    asked: dict[str, Any] = {"kind": question.kind, "period": question.period,
                             "start": _iso(plan.start)}  # fmt: skip
    if question.kind == "how_many":
        asked["horizon_periods"] = question.horizon
        asked["by"] = _iso(question.by)
    else:
        asked["items"] = question.items
    history_part = None
    if history is not None and plan.history is not None:
        history_part = {"record": plan.history.label, **history.as_dict()}
    return {
        "format": "shipit-forecast",
        "noun": NOUN,
        "question": asked,
        "history": history_part,
        "model": None if model is None else model.as_dict(),
    }


def _charts(plan: Plan, history: HowMany | When | None, model: HowMany | When | None) -> list[Path]:
    from ..plots.forecast import forecast_chart

    assert plan.plots is not None
    try:
        plan.plots.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"--plots {plan.plots}: cannot create: {exc.strerror or exc}", 1
        ) from None
    names = _chart_names(history is not None, model is not None)
    pairs = ((history, _history_title(plan)), (model, _model_title(plan)))
    made = [(forecast, title) for forecast, title in pairs if forecast is not None]
    paths = []
    for (forecast, title), name in zip(made, names, strict=True):
        paths.append(forecast_chart(forecast, title, plan.plots / name, NOUN))
    return paths


def _history_title(plan: Plan) -> str:
    return (
        ""
        if plan.history is None
        else f"Forecast from the history of {Path(plan.history.label).name}"
    )


def _model_title(plan: Plan) -> str:
    if plan.model is None:
        return ""
    title = f"Forecast from the model: {plan.model.scenario.scenario.name}"
    if plan.model.overrides:
        title += " with " + ", ".join(plan.model.overrides)
    if plan.model.moves:
        title += f" and the moves of {Path(plan.model.saved_game or '').name}"
    return title


def _question_text(plan: Plan) -> str:
    question = plan.question
    since = "" if plan.start is None else f" from {plan.start:%Y-%m-%d}"
    if question.kind == "when_done":
        return f"When will {question.items:,} {NOUN} be done{since}?"
    unit = question.period if question.horizon == 1 else f"{question.period}s"
    span = f"{question.horizon:,} {unit}"
    if question.by is not None:
        last = question.by - _one_ns()
        return f"How many {NOUN} by {last:%Y-%m-%d} ({span}{since})?"
    after = since or " after the warm-up"
    return f"How many {NOUN} within {span}{after}?"


def _one_ns() -> Any:
    import pandas as pd

    return pd.Timedelta(1, "ns")


def _answers(forecast: HowMany | When) -> list[str]:
    from .forecast import CONFIDENCES, HowMany

    if isinstance(forecast, HowMany):
        return [forecast.label(c, NOUN) for c in CONFIDENCES]
    return [forecast.label(c) for c in CONFIDENCES]


def _history_basis(plan: Plan, forecast: HowMany | When) -> list[str]:
    history = plan.history
    assert history is not None
    n = len(history.counts)
    total = int(history.counts.sum())
    last = history.end - _one_ns()
    unit = forecast.period if n == 1 else f"{forecast.period}s"
    return [
        f"{n:,} {unit} of history, {history.start:%Y-%m-%d} – {last:%Y-%m-%d}",
        f"{total:,} {NOUN} ({total / n:,.1f} a {forecast.period})",
        f"{forecast.trials:,} trials, seed {forecast.seed}",
    ]


def _model_basis(plan: Plan, forecast: HowMany | When) -> list[str]:
    model = plan.model
    assert model is not None
    source = getattr(forecast, "model", None)
    lines = [f"warm-up {model.scenario.run.warmup_days:g} days, then the forecast"]
    if model.overrides:
        lines.append("with " + ", ".join(model.overrides))
    if source is not None and source.moves:
        moves = "1 move" if source.moves == 1 else f"{source.moves:,} moves"
        lines.append(f"{moves} from {model.saved_game}")
    lines.append(f"{forecast.trials:,} replications, seed {forecast.seed}")
    return lines


def forecast_table(plan: Plan, history: HowMany | When | None, model: HowMany | When | None) -> Any:
    """The forecasts as a Rich table: one column per source, one row per answer."""
    from rich.table import Table
    from rich.text import Text

    from .forecast import CONFIDENCES, When

    columns = [(f, b) for f, b in ((history, _history_basis), (model, _model_basis)) if f]
    table = Table(title=_question_text(plan), title_justify="left")
    table.add_column("")
    if history is not None:
        table.add_column("record history")
    if model is not None:
        table.add_column("model")
    sources = []
    if history is not None and plan.history is not None:
        sources.append(Text(plan.history.label))
    if model is not None and plan.model is not None:
        sources.append(Text(plan.model.label))
    table.add_row("source", *sources)
    answers = [_answers(f) for f, _ in columns]
    for i in range(len(CONFIDENCES)):
        table.add_row("answer" if i == 0 else "", *[Text(a[i]) for a in answers])
    if any(isinstance(f, When) and f.unfinished > 0 for f, _ in columns):
        table.add_row(
            "not done",
            *[
                Text(f"{f.unfinished:.1%} of trials" if isinstance(f, When) else "")
                for f, _ in columns
            ],
        )
    table.add_row("based on", *[Text("\n".join(basis(plan, f))) for f, basis in columns])
    return table


def _print_table(table: Any) -> None:
    """At its natural width into a pipe or file (no answer wrapped); as Rich fits it on a
    terminal."""
    from rich.console import Console
    from rich.measure import Measurement

    console = Console(file=sys.stdout)
    if not console.is_terminal:
        natural = Measurement.get(console, console.options.update_width(10_000), table).maximum
        console = Console(file=sys.stdout, width=max(console.width, natural))
    console.print(table)
