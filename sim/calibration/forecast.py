"""Monte Carlo forecasts from a delivery record's throughput history alone.

Two questions, answered as the flow-forecasting tools answer them (ActionableAgile,
Focused Objective's KanbanSim): take the number of items finished in each past day or
week, and build many possible futures by drawing past periods at random, with
replacement (a bootstrap).  Nothing about the work is modelled; the history is assumed to
be a fair sample of the periods to come.

* :func:`how_many` -- "how many items by DATE (within H periods)?"  Each trial adds up H
  drawn periods; the answer at confidence c % is the count reached **or exceeded in at
  least c % of the trials** (:meth:`HowMany.at`).  A higher confidence is therefore a
  *smaller* count: the 85 % answer is about the 15th percentile of the simulated totals,
  the 95 % answer about the 5th.
* :func:`when_done` -- "when will N items be done?"  Each trial draws periods until the
  running total reaches N; the answer at confidence c % is the number of periods within
  which **at least c % of the trials had finished** (:meth:`When.at`), the c-th
  percentile of the simulated completion times.  A higher confidence is a *later* date.

Forecasts whose trials come from elsewhere -- the replications of a simulated scenario
(:mod:`.forecast_model`) -- are built with :meth:`HowMany.from_totals` and
:meth:`When.from_periods`: the same answers, labels and charts, with no history.

Units: a forecast counts in whole *periods* of one day or one week (:data:`PERIOD_DAYS`),
the same periods as its history; counts are whole items.  Dates are optional: given the
start of the forecast (``start``), a horizon of H periods ends at ``start + H`` periods
and an answer of k periods means "done by the end of the last day of period k".

Determinism: a forecast is a pure function of its inputs and ``seed``.  Trial ``i``'s
sequence of drawn periods is the same in both questions, and the same whatever the
number of trials (trials are rows; periods are drawn in blocks of :data:`BLOCK_PERIODS`
columns, block ``b`` from ``numpy.random.default_rng(SeedSequence(seed).spawn(b + 1)[b])``,
row by row).  So a larger run only adds trials, a longer horizon never lowers a trial's
total, and for every trial ``when_done(items) <= H`` exactly when ``how_many(H) >= items``.

Limits (:data:`TRIALS_MAX`, :data:`ITEMS_MAX`, :data:`PERIOD_COUNT_MAX`,
:data:`HISTORY_PERIODS_MAX`, :func:`periods_max`) are checked before any work starts;
bad input raises :class:`~sim.errors.ScenarioError` with one line saying what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..limits import SEED_MAX
from .forecast_periods import (
    HISTORY_PERIODS_MAX,
    ITEMS_MAX,
    PERIOD_COUNT_MAX,
    PERIOD_DAYS,
    SOURCE,
    TRIALS_MAX,
    Period,
    check_history,
    check_period,
    check_timestamp,
    check_whole,
    forecast_error,
    frozen,
    period_length,
    periods_between,
    periods_max,
    throughput_per_period,
)
from .forecast_results import (
    CONFIDENCES,
    Forecast,
    HowMany,
    When,
    count_reached,
    periods_within,
)

TRIALS_DEFAULT = 10_000
"""Trials of a forecast unless asked otherwise: the 85 % answer's share of trials is then
known to about ±0.4 percentage points (one binomial standard error)."""

BLOCK_PERIODS = 64
"""Periods drawn per trial at a time.  Fixed, so a trial's draws never depend on the
number of trials or on the question asked (see the module's note on determinism)."""


def _common(
    history_counts: object,
    trials: object,
    seed: object,
    period: object,
    history_start: object,
    start: object,
) -> dict[str, Any]:
    """The checked inputs both questions share: the :class:`Forecast` fields."""
    history = check_history(history_counts)
    checked_period = check_period(period)
    first = check_timestamp("history_start", history_start)
    begin = check_timestamp("start", start)
    if begin is None and first is not None:
        begin = first + len(history) * period_length(checked_period)
    return {
        "history": history,
        "period": checked_period,
        "trials": check_whole("trials", trials, 1, TRIALS_MAX),
        "seed": check_whole("seed", seed, 0, SEED_MAX),
        "history_start": first,
        "start": begin,
    }


# --------------------------------------------------------------------------- sampling


def _block(history: np.ndarray, seed: int, index: int, rows: int) -> np.ndarray:
    """Block ``index`` of drawn periods for the first ``rows`` trials: shape
    ``(rows, BLOCK_PERIODS)``.  Drawn row by row from the block's own generator, so the
    first rows are the same whatever ``rows`` is."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))
    picks = rng.integers(0, len(history), size=(rows, BLOCK_PERIODS))
    return history[picks]


def how_many(
    history_counts: Sequence[float] | np.ndarray,
    horizon_periods: int,
    trials: int = TRIALS_DEFAULT,
    seed: int = 0,
    *,
    period: Period = "week",
    history_start: pd.Timestamp | np.datetime64 | None = None,
    start: pd.Timestamp | np.datetime64 | None = None,
) -> HowMany:
    """How many items will be finished in the next ``horizon_periods`` periods.

    ``history_counts`` are the items finished in each past period (days or weeks, as
    ``period`` says; e.g. from :func:`throughput_per_period`).  Each of ``trials`` trials
    adds up ``horizon_periods`` periods drawn at random, with replacement, from the
    history.  ``history_start`` (start of the first period of history) and ``start``
    (start of the forecast; by default the end of the history) are only recorded, to
    give the answers dates.  See :class:`HowMany` for the confidence convention.

    Raises :class:`~sim.errors.ScenarioError` for an empty history, a count that is not
    a whole number in ``[0, PERIOD_COUNT_MAX]``, or a horizon outside
    ``[1, periods_max(period)]``.
    """
    common = _common(history_counts, trials, seed, period, history_start, start)
    horizon = check_whole("horizon_periods", horizon_periods, 1, periods_max(common["period"]))
    history, n, rng_seed = common["history"], common["trials"], common["seed"]
    totals = np.zeros(n, dtype=np.int64)
    for index in range(-(-horizon // BLOCK_PERIODS)):
        width = min(BLOCK_PERIODS, horizon - index * BLOCK_PERIODS)
        totals += _block(history, rng_seed, index, n)[:, :width].sum(axis=1)
    return HowMany(
        **common,
        horizon_periods=horizon,
        totals=frozen(totals),
        answers={c: count_reached(totals, c) for c in CONFIDENCES},
    )


def when_done(
    history_counts: Sequence[float] | np.ndarray,
    items: int,
    trials: int = TRIALS_DEFAULT,
    seed: int = 0,
    max_periods: int | None = None,
    *,
    period: Period = "week",
    history_start: pd.Timestamp | np.datetime64 | None = None,
    start: pd.Timestamp | np.datetime64 | None = None,
) -> When:
    """Within how many periods ``items`` items will be finished.

    Each of ``trials`` trials draws periods at random, with replacement, from the
    history until its running total reaches ``items``, for at most ``max_periods``
    periods (default and limit: :func:`periods_max`, ten years); a trial still short then
    is recorded as ``inf`` and answers it decides are ``None`` ("not within
    max_periods").  Other arguments as :func:`how_many`; see :class:`When` for the
    confidence convention.

    Raises :class:`~sim.errors.ScenarioError` for the bad inputs :func:`how_many`
    refuses, ``items`` outside ``[1, ITEMS_MAX]``, and a history with no item finished in
    any period (no trial could ever finish).
    """
    common = _common(history_counts, trials, seed, period, history_start, start)
    limit = periods_max(common["period"])
    target = check_whole("items", items, 1, ITEMS_MAX)
    longest = limit if max_periods is None else check_whole("max_periods", max_periods, 1, limit)
    history, n, rng_seed = common["history"], common["trials"], common["seed"]
    if not history.any():
        raise forecast_error(
            "history",
            f"finished no items in any of its {len(history):,} periods: "
            f"{target:,} items would never be done",
        )
    periods = np.full(n, np.inf)
    reached = np.zeros(n, dtype=np.int64)
    open_trials = np.arange(n)
    for index in range(-(-longest // BLOCK_PERIODS)):
        width = min(BLOCK_PERIODS, longest - index * BLOCK_PERIODS)
        # Only rows up to the last open trial are drawn: the same rows as drawing all.
        block = _block(history, rng_seed, index, int(open_trials[-1]) + 1)
        running = reached[open_trials, None] + np.cumsum(block[open_trials, :width], axis=1)
        hit = running[:, -1] >= target
        first = np.argmax(running[hit] >= target, axis=1)
        periods[open_trials[hit]] = index * BLOCK_PERIODS + first + 1
        reached[open_trials] = running[:, -1]
        open_trials = open_trials[~hit]
        if open_trials.size == 0:
            break
    return When(
        **common,
        items=target,
        max_periods=longest,
        periods=frozen(periods),
        answers={c: periods_within(periods, c) for c in CONFIDENCES},
    )


__all__ = [
    "BLOCK_PERIODS",
    "CONFIDENCES",
    "HISTORY_PERIODS_MAX",
    "ITEMS_MAX",
    "PERIOD_COUNT_MAX",
    "PERIOD_DAYS",
    "SOURCE",
    "TRIALS_DEFAULT",
    "TRIALS_MAX",
    "Forecast",
    "HowMany",
    "Period",
    "When",
    "how_many",
    "periods_between",
    "periods_max",
    "throughput_per_period",
    "when_done",
]
