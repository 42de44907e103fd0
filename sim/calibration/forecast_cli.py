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
status 2, nothing written.

This module holds the parser and the handler, which runs the forecasts; the options are
checked into a plan by :mod:`.forecast_plan` and the outputs (the JSON document, the
charts, the table) are made by :mod:`.forecast_output`.  The three import only the
standard library and light project modules at import time: the handler loads pandas, the
model and matplotlib when it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..exitcodes import EXIT_OK
from .forecast_output import (
    NOUN,
    chart_names,
    forecast_document,
    forecast_table,
    print_table,
    write_charts,
    write_json,
)
from .forecast_plan import (
    COMMAND,
    DATE_ONLY,
    DAYS_MAX,
    ITEMS_MAX,
    REPLICATIONS_DEFAULT,
    TRIALS_DEFAULT,
    TRIALS_MAX,
    WEEKS_MAX,
    History,
    Model,
    Plan,
    Question,
    make_plan,
)
from .settings import DEFAULT_TAG_PATTERN

if TYPE_CHECKING:  # the handler imports these: pandas and the model load slowly
    from .forecast import HowMany, When

__all__ = [
    "COMMAND",
    "DATE_ONLY",
    "DAYS_MAX",
    "ITEMS_MAX",
    "NOUN",
    "REPLICATIONS_DEFAULT",
    "TRIALS_DEFAULT",
    "TRIALS_MAX",
    "WEEKS_MAX",
    "History",
    "Model",
    "Plan",
    "Question",
    "add_forecast_parser",
    "chart_names",
    "forecast_document",
    "forecast_table",
    "make_plan",
]


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

    plan = make_plan(args)
    history = _history_forecast(plan) if plan.history is not None else None
    model = None
    if plan.model is not None:
        with runs_progress(args.quiet) as progress:
            task = progress.add_task("simulating (replications)", total=plan.replications)
            model = _model_forecast(plan, lambda n: progress.update(task, completed=n))
    document = forecast_document(plan, history, model)
    if plan.json_path is not None:
        write_json(plan.json_path, document)
    paths = write_charts(plan, history, model) if plan.plots is not None else []
    if not args.quiet:
        print_table(forecast_table(plan, history, model))
        for path in paths:
            print(f"wrote {path}")
    return EXIT_OK
