"""Monte Carlo forecasts from simulations of a scenario (e.g. a calibrated one).

The same two questions as :mod:`.forecast`, answered by the model instead of by
resampling a history: each *replication* of the scenario is one trial.

* :func:`model_how_many` -- "how many changes within H periods?"  Each replication runs
  the warm-up and then H periods; its outcome is the number of changes delivered in
  ``[warm-up end, warm-up end + H periods)``.
* :func:`model_when_done` -- "when will N changes be done?"  Each replication runs past
  the warm-up, a period at a time, until N changes have been delivered since the warm-up
  ended (or the longest run the model allows, :func:`model_max_periods`); its outcome is
  the period in which the N-th was delivered: ``floor((t_N - warm-up end) / P) + 1``.
  So, replication by replication, ``when <= H`` exactly when ``how many within H >= N``,
  as for the history forecasts.

The outcomes become a :class:`ModelHowMany` / :class:`ModelWhen`: a
:class:`~.forecast.HowMany` / :class:`~.forecast.When` built with
:meth:`~.forecast.HowMany.from_totals` / :meth:`~.forecast.When.from_periods`, so the
answers, their confidence convention, the labels and the chart are the history
forecasts' own.  They add :class:`ModelSource` (what was simulated) and have no history.

**What counts as a change delivered**: a work item of any origin (demand, hotfix,
improvement, security) reaching production for the first time, read from the
simulation's metrics fold (:class:`~sim.metrics.fold.MetricsFold`): the first
``delivered`` of each item, as DORA's lead time for changes ends there (the same sample as
:func:`.fit.run_lead_times`).  A change later rolled back still counted once: it had
been deployed, as a delivery record counts every commit its releases shipped.

**Moves** (a played game's timestamped commands, or any) are applied at their simulated
times (hours since the run's start, like :func:`sim.model.replay`); moves after the end of
a replication's run are not applied.

Determinism: replication ``r`` uses the scenario's ``run.seed`` and replication index
``r`` (``0 .. replications - 1``), whatever the number of workers; replications run on
:func:`sim.workers.executor` in chunks and come back in order.  The forecast's ``seed``
is the scenario's ``run.seed``.

The answers are in :mod:`.forecast_model_results`, one replication in
:mod:`.forecast_replication`; this module checks the question, runs the replications and
makes the forecast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from typing import Any

import pandas as pd

from ..limits import HORIZON_DAYS_MAX, REPLICATIONS_MAX
from ..scenario import Scenario
from ..units import HOURS_PER_DAY
from ..workers import executor
from .forecast_model_results import COUNTED, METHOD, ModelHowMany, ModelSource, ModelWhen
from .forecast_periods import (
    ITEMS_MAX,
    PERIOD_DAYS,
    Period,
    check_period,
    check_whole,
    forecast_error,
)
from .forecast_replication import (
    Moves,
    check_moves,
    delivered_within,
    first_deliveries,
    periods_to_deliver,
    shift_moves,
)

REPLICATIONS_DEFAULT = 500
"""Replications of a model forecast unless asked otherwise.  The 85 % answer's share of
trials is then known to about ±1.6 percentage points (one binomial standard error).  A
12-week forecast of the scenario calibrated to the Textual record takes about 8 s on two
cores (13 s on one); the cost grows with the horizon (52 weeks: about 25 s on two)."""

CHUNKS_PER_WORKER = 8
"""Jobs per worker process: replications go out in chunks (less pickling than one job
per replication, progress still moves)."""


# --------------------------------------------------------------------------- checks


def hours_per_period(period: object) -> float:
    """Hours in one ``period`` (``"day"`` or ``"week"``), or a one-line error."""
    return PERIOD_DAYS[check_period(period)] * HOURS_PER_DAY


def model_max_periods(scenario: Scenario, period: Period = "week") -> int:
    """Most periods a model forecast can run after the scenario's warm-up: a run lasts at
    most :data:`~sim.limits.HORIZON_DAYS_MAX` days, warm-up included."""
    days = HORIZON_DAYS_MAX - scenario.run.warmup_days
    return max(0, int(days * HOURS_PER_DAY // hours_per_period(period)))


def _horizon(scenario: Scenario, periods: object, period: Period, key: str) -> int:
    """``periods`` checked against what a run of ``scenario`` can reach after its warm-up."""
    most = model_max_periods(scenario, period)
    if most < 1:
        raise forecast_error(
            key,
            f"the warm-up of {scenario.run.warmup_days:g} days leaves no whole {period} "
            f"of the {HORIZON_DAYS_MAX:g} days a run may last",
        )
    if isinstance(periods, int) and not isinstance(periods, bool) and periods > most:
        raise forecast_error(
            key,
            f"{periods:,} {period}s after a warm-up of {scenario.run.warmup_days:g} days "
            f"is longer than a run may last ({HORIZON_DAYS_MAX:g} days, warm-up included): "
            f"at most {most:,} {period}s",
        )
    return check_whole(key, periods, 1, most)


def _run_scenario(scenario: Scenario, periods: int, period: Period) -> Scenario:
    """``scenario`` with ``run.days`` = its warm-up plus ``periods`` periods."""
    days = scenario.run.warmup_days + periods * PERIOD_DAYS[period]
    return scenario.with_values({"run.days": float(min(days, HORIZON_DAYS_MAX))})


# --------------------------------------------------------------------------- many replications


def _chunk_how_many(
    scenario: Scenario, replications: Sequence[int], horizon_hours: float, moves: Moves
) -> list[int]:
    return [delivered_within(scenario, r, horizon_hours, moves) for r in replications]


def _chunk_when(
    scenario: Scenario,
    replications: Sequence[int],
    items: int,
    period_hours: float,
    max_periods: int,
    moves: Moves,
) -> list[float]:
    return [
        periods_to_deliver(scenario, r, items, period_hours, max_periods, moves)
        for r in replications
    ]


def _chunks(replications: int, workers: int) -> list[range]:
    size = max(1, -(-replications // (workers * CHUNKS_PER_WORKER)))
    return [range(i, min(i + size, replications)) for i in range(0, replications, size)]


def _run_all(
    job: Callable[..., list[Any]],
    args: tuple[Any, ...],
    replications: int,
    workers: int | None,
    on_done: Callable[[int], None] | None,
) -> list[Any]:
    """``job(scenario, chunk, *args)`` over every chunk of replications, in order."""
    count = max(1, min(replications, workers or os.cpu_count() or 1))
    chunks = _chunks(replications, count)
    results: list[list[Any] | None] = [None] * len(chunks)
    done = 0
    with executor(count) as pool:
        futures = {pool.submit(job, args[0], chunk, *args[1:]): i for i, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            position = futures[future]
            results[position] = future.result()
            done += len(chunks[position])
            if on_done is not None:
                on_done(done)
    return [value for chunk in results for value in (chunk or [])]


def _source(
    scenario: Scenario, overrides: Sequence[str], moves: Moves, saved_game: str | None
) -> ModelSource:
    return ModelSource(
        scenario=scenario.scenario.name,
        scenario_hash=scenario.content_hash(),
        warmup_days=scenario.run.warmup_days,
        run_days=scenario.run.days,
        overrides=tuple(overrides),
        moves=len(moves),
        saved_game=saved_game,
    )


def model_how_many(
    scenario: Scenario,
    horizon_periods: int,
    replications: int = REPLICATIONS_DEFAULT,
    *,
    period: Period = "week",
    start: pd.Timestamp | None = None,
    moves: Moves = (),
    workers: int | None = None,
    on_done: Callable[[int], None] | None = None,
    overrides: Sequence[str] = (),
    saved_game: str | None = None,
) -> ModelHowMany:
    """How many changes the scenario delivers in the ``horizon_periods`` periods after its
    warm-up, over ``replications`` replications (see the module notes).

    ``start`` only gives the answers dates (the forecast's first day); ``moves`` are
    applied in every replication; ``overrides`` and ``saved_game`` are only recorded (the
    scenario already carries them).  ``on_done`` is called with the replications done so
    far.  Raises :class:`~sim.errors.ScenarioError` for a horizon the model cannot run
    (warm-up plus horizon over :data:`~sim.limits.HORIZON_DAYS_MAX` days) or a count of
    replications outside ``[1, REPLICATIONS_MAX]``.
    """
    hours = hours_per_period(period)
    horizon = _horizon(scenario, horizon_periods, period, "horizon_periods")
    count = check_whole("replications", replications, 1, REPLICATIONS_MAX)
    checked = check_moves(moves)
    run = _run_scenario(scenario, horizon, period)
    totals = _run_all(_chunk_how_many, (run, horizon * hours, checked), count, workers, on_done)
    return ModelHowMany.from_totals(
        totals,
        horizon,
        period=period,
        seed=run.run.seed,
        start=start,
        model=_source(run, overrides, checked, saved_game),
    )


def model_when_done(
    scenario: Scenario,
    items: int,
    replications: int = REPLICATIONS_DEFAULT,
    max_periods: int | None = None,
    *,
    period: Period = "week",
    start: pd.Timestamp | None = None,
    moves: Moves = (),
    workers: int | None = None,
    on_done: Callable[[int], None] | None = None,
    overrides: Sequence[str] = (),
    saved_game: str | None = None,
) -> ModelWhen:
    """Within how many periods after its warm-up the scenario delivers ``items`` changes,
    over ``replications`` replications, each run for at most ``max_periods`` periods
    (default: :func:`model_max_periods`, as long as a run may last).  Other arguments as
    :func:`model_how_many`."""
    hours = hours_per_period(period)
    target = check_whole("items", items, 1, ITEMS_MAX)
    longest = _horizon(
        scenario, model_max_periods(scenario, period) if max_periods is None else max_periods,
        period, "max_periods",
    )  # fmt: skip
    count = check_whole("replications", replications, 1, REPLICATIONS_MAX)
    checked = check_moves(moves)
    run = _run_scenario(scenario, longest, period)
    periods = _run_all(_chunk_when, (run, target, hours, longest, checked), count, workers, on_done)
    return ModelWhen.from_periods(
        periods,
        target,
        longest,
        period=period,
        seed=run.run.seed,
        start=start,
        model=_source(run, overrides, checked, saved_game),
    )


__all__ = [
    "COUNTED",
    "METHOD",
    "REPLICATIONS_DEFAULT",
    "ModelHowMany",
    "ModelSource",
    "ModelWhen",
    "delivered_within",
    "first_deliveries",
    "model_how_many",
    "model_max_periods",
    "model_when_done",
    "periods_to_deliver",
    "shift_moves",
]
