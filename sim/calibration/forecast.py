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

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Self, get_args

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from ..limits import HORIZON_DAYS_MAX, SEED_MAX

Period = Literal["day", "week"]
"""The unit of a history and of its forecast: one day or one (7-day) week."""

PERIOD_DAYS: dict[str, int] = {"day": 1, "week": 7}
"""Days in each period."""

CONFIDENCES = (50, 85, 95)
"""Confidence levels (% of trials) every forecast answers."""

TRIALS_DEFAULT = 10_000
"""Trials of a forecast unless asked otherwise: the 85 % answer's share of trials is then
known to about ±0.4 percentage points (one binomial standard error)."""

TRIALS_MAX = 100_000
"""Most trials of one forecast (integer)."""

ITEMS_MAX = 1_000_000_000
"""Most items ``when_done`` can be asked about (integer)."""

PERIOD_COUNT_MAX = 1_000_000
"""Most items finished in one period of history (far above any organisation)."""

HISTORY_PERIODS_MAX = 100_000
"""Most periods of history (274 years of days)."""

BLOCK_PERIODS = 64
"""Periods drawn per trial at a time.  Fixed, so a trial's draws never depend on the
number of trials or on the question asked (see the module's note on determinism)."""

SOURCE = "forecast"
"""The ``source`` of every :class:`~sim.errors.ScenarioError` raised here."""


def periods_max(period: Period) -> int:
    """Longest forecast (periods): :data:`~sim.limits.HORIZON_DAYS_MAX` days, as a run."""
    return int(HORIZON_DAYS_MAX // PERIOD_DAYS[period])


def _period_length(period: Period) -> pd.Timedelta:
    return pd.Timedelta(days=PERIOD_DAYS[period])


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _day(moment: pd.Timestamp) -> str:
    """The calendar day of the last instant before ``moment`` (an exclusive end)."""
    return (moment - pd.Timedelta(1, "ns")).strftime("%Y-%m-%d")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class Forecast:
    """What every forecast records besides its answers (arrays are read-only)."""

    history: np.ndarray
    """Items finished in each period of history, oldest first (int64): what was resampled."""
    period: Period
    """Unit of the history and of every answer in periods: ``"day"`` or ``"week"``."""
    trials: int
    """Number of simulated futures."""
    seed: int
    """Seed of the draws (see the module's note on determinism)."""
    history_start: pd.Timestamp | None
    """Start of the history's first period (its window is ``[history_start,
    history_end)``), or ``None`` when the history came without dates."""
    start: pd.Timestamp | None
    """Start of the forecast: answers in dates count from here (``None``: no dates)."""

    @property
    def period_days(self) -> int:
        """Days in one period (1 or 7)."""
        return PERIOD_DAYS[self.period]

    @property
    def history_end(self) -> pd.Timestamp | None:
        """End (exclusive) of the history's last whole period, or ``None``."""
        if self.history_start is None:
            return None
        return self.history_start + len(self.history) * _period_length(self.period)

    def _after(self, periods: int) -> pd.Timestamp | None:
        if self.start is None:
            return None
        return self.start + periods * _period_length(self.period)

    def _base_dict(self) -> dict[str, Any]:
        def iso(t: pd.Timestamp | None) -> str | None:
            return None if t is None else t.isoformat()

        return {
            "method": "bootstrap of per-period throughput",
            "period": self.period,
            "period_days": self.period_days,
            "history_periods": len(self.history),
            "history_items": int(self.history.sum()),
            "history_start": iso(self.history_start),
            "history_end": iso(self.history_end),
            "start": iso(self.start),
            "trials": self.trials,
            "seed": self.seed,
        }


@dataclass(frozen=True, eq=False)
class HowMany(Forecast):
    """How many items will be finished within ``horizon_periods`` periods.

    ``answers[c]`` (c in :data:`CONFIDENCES`) is the largest count reached or exceeded in
    at least c % of the trials: "with 85 % confidence, ``answers[85]`` items or more".
    """

    horizon_periods: int
    """Length of the forecast, in periods."""
    totals: np.ndarray
    """Items finished in each trial (int64, one per trial, in trial order)."""
    answers: dict[int, int] = field(default_factory=dict)
    """Confidence (% of trials) → items reached or exceeded in that share of trials."""

    @property
    def horizon_days(self) -> int:
        """Length of the forecast, in days."""
        return self.horizon_periods * self.period_days

    @property
    def end(self) -> pd.Timestamp | None:
        """End (exclusive) of the forecast, or ``None`` without a ``start``."""
        return self._after(self.horizon_periods)

    def at(self, confidence: int) -> int:
        """The largest count reached or exceeded in at least ``confidence`` % of trials.

        With the totals sorted ascending ``t[0] <= ... <= t[n-1]``, that is
        ``t[floor(n * (100 - confidence) / 100)]``: exactly the "(100 - c)th percentile"
        the forecasting tools quote, with no interpolation between trials.
        """
        return _reached(self.totals, _confidence(confidence))

    def label(self, confidence: int, noun: str = "items") -> str:
        """``"85 %: 412 items or more"``."""
        return f"{confidence} %: {self.at(confidence):,} {noun} or more"

    @classmethod
    def from_totals(
        cls,
        totals: Sequence[int] | np.ndarray,
        horizon_periods: int,
        *,
        period: Period = "week",
        seed: int = 0,
        start: pd.Timestamp | np.datetime64 | None = None,
        **fields: Any,
    ) -> Self:
        """A forecast from totals simulated elsewhere (one per trial, e.g. the items a
        model's replications finished in the horizon), answered as :func:`how_many`
        answers its own trials.  There is no history: :attr:`history` is empty and
        :attr:`history_start` ``None``.  ``fields`` go to a subclass's own fields."""
        checked = _period(period)
        horizon = _whole("horizon_periods", horizon_periods, 1, periods_max(checked))
        values = _outcomes("totals", totals, allow_inf=False)
        if (values > ITEMS_MAX).any():
            raise _fail("totals", f"expected whole numbers of items <= {ITEMS_MAX:,}")
        counts = _frozen(values.astype(np.int64))
        return cls(
            **_outcome_common(checked, len(counts), seed, start),
            horizon_periods=horizon,
            totals=counts,
            answers={c: _reached(counts, c) for c in CONFIDENCES},
            **fields,
        )

    def as_dict(self) -> dict[str, Any]:
        """The forecast without its trial arrays, for JSON (answers keyed ``"p85"``)."""
        return {
            **self._base_dict(),
            "question": "how_many",
            "horizon_periods": self.horizon_periods,
            "horizon_days": self.horizon_days,
            "end": None if self.end is None else self.end.isoformat(),
            "items_at_least": {f"p{c}": v for c, v in self.answers.items()},
        }


@dataclass(frozen=True, eq=False)
class When(Forecast):
    """Within how many periods ``items`` items will be finished.

    ``answers[c]`` (c in :data:`CONFIDENCES`) is the number of periods within which at
    least c % of the trials had finished, the c-th percentile of :attr:`periods`; ``None``
    when fewer than c % of the trials finished within :attr:`max_periods`.
    """

    items: int
    """Items to finish."""
    max_periods: int
    """Periods simulated at most; a trial not done by then is "not within max_periods"."""
    periods: np.ndarray
    """Periods each trial took to finish (float64, in trial order; ``inf``: not within
    :attr:`max_periods`).  Period k ends ``k * period_days`` days after the start."""
    answers: dict[int, int | None] = field(default_factory=dict)
    """Confidence (% of trials) → periods within which that share of trials finished."""

    @property
    def unfinished(self) -> float:
        """Share of trials (0–1) not done within :attr:`max_periods`."""
        return float(np.mean(np.isinf(self.periods)))

    def at(self, confidence: int) -> int | None:
        """Periods within which at least ``confidence`` % of trials finished, or ``None``.

        With completion times sorted ascending ``p[0] <= ... <= p[n-1]``, that is
        ``p[ceil(n * confidence / 100) - 1]`` (the inverted-CDF percentile, no
        interpolation); ``None`` if it is a trial that never finished.
        """
        return _within(self.periods, _confidence(confidence))

    def days(self, confidence: int) -> int | None:
        """Days within which ``confidence`` % of trials finished, or ``None``."""
        periods = self.at(confidence)
        return None if periods is None else periods * self.period_days

    def date(self, confidence: int) -> pd.Timestamp | None:
        """End (exclusive) of the period by which ``confidence`` % of trials finished;
        ``None`` without a ``start`` or when not within :attr:`max_periods`."""
        periods = self.at(confidence)
        return None if periods is None else self._after(periods)

    def label(self, confidence: int) -> str:
        """``"85 %: within 9 weeks (by 2025-03-04)"``; the date is the last day included."""
        periods = self.at(confidence)
        if periods is None:
            return f"{confidence} %: not within {_plural(self.max_periods, self.period)}"
        end = self._after(periods)
        when = "" if end is None else f" (by {_day(end)})"
        return f"{confidence} %: within {_plural(periods, self.period)}{when}"

    @classmethod
    def from_periods(
        cls,
        periods: Sequence[float] | np.ndarray,
        items: int,
        max_periods: int,
        *,
        period: Period = "week",
        seed: int = 0,
        start: pd.Timestamp | np.datetime64 | None = None,
        **fields: Any,
    ) -> Self:
        """A forecast from completion times simulated elsewhere (periods each trial took,
        whole numbers from 1 to ``max_periods``, ``inf`` for a trial not done by then),
        answered as :func:`when_done` answers its own trials.  There is no history (see
        :meth:`HowMany.from_totals`); ``fields`` go to a subclass's own fields."""
        checked = _period(period)
        target = _whole("items", items, 1, ITEMS_MAX)
        longest = _whole("max_periods", max_periods, 1, periods_max(checked))
        values = _outcomes("periods", periods, allow_inf=True)
        finite = values[np.isfinite(values)]
        if (finite < 1).any() or (finite > longest).any():
            raise _fail("periods", f"expected whole numbers >= 1 and <= {longest:,}, or inf")
        done = _frozen(values)
        return cls(
            **_outcome_common(checked, len(done), seed, start),
            items=target,
            max_periods=longest,
            periods=done,
            answers={c: _within(done, c) for c in CONFIDENCES},
            **fields,
        )

    def as_dict(self) -> dict[str, Any]:
        """The forecast without its trial arrays, for JSON (answers keyed ``"p85"``)."""
        return {
            **self._base_dict(),
            "question": "when_done",
            "items": self.items,
            "max_periods": self.max_periods,
            "unfinished_share": self.unfinished,
            "periods_within": {f"p{c}": v for c, v in self.answers.items()},
            "days_within": {f"p{c}": self.days(c) for c in self.answers},
            "done_by": {
                f"p{c}": None if (d := self.date(c)) is None else d.isoformat()
                for c in self.answers
            },
        }


def _reached(totals: np.ndarray, confidence: int) -> int:
    """Largest count reached or exceeded in at least ``confidence`` % of ``totals``."""
    ordered = np.sort(totals)
    return int(ordered[(len(totals) * (100 - confidence)) // 100])


def _within(periods: np.ndarray, confidence: int) -> int | None:
    """Fewest periods within which at least ``confidence`` % of ``periods`` finished."""
    ordered = np.sort(periods)
    value = ordered[-(-len(periods) * confidence // 100) - 1]
    return None if math.isinf(value) else int(value)


# --------------------------------------------------------------------------- checks


def _fail(key: str, problem: str) -> ScenarioError:
    return ScenarioError(SOURCE, key, problem)


def _whole(key: str, value: object, low: int, high: int) -> int:
    """``value`` as an int in ``[low, high]`` (numpy integers accepted, booleans not)."""
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(key, f"expected a whole number >= {low:,} and <= {high:,}, got {value!r}")
    return value


def _confidence(value: object) -> int:
    return _whole("confidence", value, 1, 100)


def _period(value: object) -> Period:
    if value not in get_args(Period):
        raise _fail("period", f"expected 'day' or 'week', got {value!r}")
    return value  # type: ignore[return-value]


def _timestamp(key: str, value: object) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise _fail(key, f"expected a date and time, got {value!r} ({error})") from None
    if pd.isna(stamp):
        raise _fail(key, "expected a date and time, got no date (NaT)")
    return stamp


def _history(counts: object) -> np.ndarray:
    """Per-period counts as a read-only int64 array, or a one-line error."""
    try:
        values = np.asarray(counts, dtype=float)
    except (TypeError, ValueError):
        raise _fail("history", "expected a sequence of per-period counts (numbers)") from None
    if values.ndim != 1:
        raise _fail("history", f"expected a flat sequence of counts, got shape {values.shape}")
    if values.size == 0:
        raise _fail("history", "is empty: at least one period of throughput is needed")
    if values.size > HISTORY_PERIODS_MAX:
        raise _fail(
            "history", f"has {values.size:,} periods; at most {HISTORY_PERIODS_MAX:,} are allowed"
        )
    bad = ~np.isfinite(values) | (values < 0) | (values > PERIOD_COUNT_MAX)
    bad |= np.isfinite(values) & (values != np.floor(values))
    if bad.any():
        i = int(np.argmax(bad))
        raise _fail(
            f"history[{i}]",
            f"expected a whole number of items >= 0 and <= {PERIOD_COUNT_MAX:,}, "
            f"got {values[i].item()!r}",
        )
    history = values.astype(np.int64)
    history.setflags(write=False)
    return history


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _common(
    history_counts: object,
    trials: object,
    seed: object,
    period: object,
    history_start: object,
    start: object,
) -> dict[str, Any]:
    history = _history(history_counts)
    checked_period = _period(period)
    first = _timestamp("history_start", history_start)
    begin = _timestamp("start", start)
    if begin is None and first is not None:
        begin = first + len(history) * _period_length(checked_period)
    return {
        "history": history,
        "period": checked_period,
        "trials": _whole("trials", trials, 1, TRIALS_MAX),
        "seed": _whole("seed", seed, 0, SEED_MAX),
        "history_start": first,
        "start": begin,
    }


def _outcomes(key: str, values: object, *, allow_inf: bool) -> np.ndarray:
    """Trials' outcomes simulated elsewhere as a float array of whole numbers >= 0."""
    try:
        array = np.array(values, dtype=float)
    except (TypeError, ValueError):
        raise _fail(key, "expected a sequence of numbers, one per trial") from None
    if array.ndim != 1 or not 1 <= array.size <= TRIALS_MAX:
        raise _fail(key, f"expected 1 to {TRIALS_MAX:,} outcomes in a flat sequence")
    finite = np.isfinite(array)
    bad = np.isnan(array) | (array < 0) | (~finite & ~allow_inf)
    bad |= finite & (array != np.floor(array))
    if bad.any():
        i = int(np.argmax(bad))
        raise _fail(f"{key}[{i}]", f"expected a whole number >= 0, got {array[i].item()!r}")
    return array


def _outcome_common(period: Period, trials: int, seed: object, start: object) -> dict[str, Any]:
    """The :class:`Forecast` fields of a forecast built from outcomes: no history."""
    return {
        "history": _frozen(np.zeros(0, dtype=np.int64)),
        "period": period,
        "trials": trials,
        "seed": _whole("seed", seed, 0, SEED_MAX),
        "history_start": None,
        "start": _timestamp("start", start),
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
    horizon = _whole("horizon_periods", horizon_periods, 1, periods_max(common["period"]))
    history, n, rng_seed = common["history"], common["trials"], common["seed"]
    totals = np.zeros(n, dtype=np.int64)
    for index in range(-(-horizon // BLOCK_PERIODS)):
        width = min(BLOCK_PERIODS, horizon - index * BLOCK_PERIODS)
        totals += _block(history, rng_seed, index, n)[:, :width].sum(axis=1)
    return HowMany(
        **common,
        horizon_periods=horizon,
        totals=_frozen(totals),
        answers={c: _reached(totals, c) for c in CONFIDENCES},
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
    target = _whole("items", items, 1, ITEMS_MAX)
    longest = limit if max_periods is None else _whole("max_periods", max_periods, 1, limit)
    history, n, rng_seed = common["history"], common["trials"], common["seed"]
    if not history.any():
        raise _fail(
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
        periods=_frozen(periods),
        answers={c: _within(periods, c) for c in CONFIDENCES},
    )


# --------------------------------------------------------------------------- history


def periods_between(start: object, end: object, period: Period = "week") -> int:
    """Whole periods from ``start`` to ``end`` (rounded down; 0 if ``end`` is earlier).

    For "how many by DATE": ``how_many(h, periods_between(today, date))`` forecasts the
    whole periods before the date, never more days than there are.
    """
    first = _timestamp("start", start)
    last = _timestamp("end", end)
    assert first is not None and last is not None
    checked = _period(period)
    try:
        span = last - first
    except TypeError:
        raise _fail("end", "start and end must both have a time zone or both have none") from None
    return max(0, int(span // _period_length(checked)))


def throughput_per_period(
    times: Sequence[Any] | np.ndarray | pd.Series | pd.DatetimeIndex,
    start: pd.Timestamp | np.datetime64 | str,
    end: pd.Timestamp | np.datetime64 | str,
    period: Period = "week",
) -> np.ndarray:
    """Events (e.g. changes' ``deployed_at``) in each whole period from ``start``.

    Period k is ``[start + k·P, start + (k+1)·P)`` for P one day or seven days, for k from
    0 to ``periods_between(start, end) - 1``; events outside those periods and missing
    times (NaT: a change not deployed) are not counted.  A trailing partial period
    ``[start + n·P, end)`` is dropped: it had fewer days to deliver in, and resampled as
    if it were a whole period it would bias every forecast low (a plain "drop").

    ``times``, ``start`` and ``end`` must all carry a time zone (compared as instants) or
    all carry none.  Returns int64 counts, oldest period first.
    """
    checked = _period(period)
    first = _timestamp("start", start)
    assert first is not None
    whole = periods_between(first, end, checked)
    if whole < 1:
        raise _fail(
            "end", f"expected at least one whole {checked} after start {first}, got end {end}"
        )
    try:
        stamps = pd.DatetimeIndex(pd.to_datetime(times))
    except (TypeError, ValueError) as error:
        raise _fail("times", f"expected dates and times ({error})") from None
    try:
        offsets = stamps - first
    except TypeError:
        raise _fail(
            "times", "times and start must both have a time zone or both have none"
        ) from None
    index = np.asarray(offsets // _period_length(checked), dtype=float)
    inside = np.isfinite(index) & (index >= 0) & (index < whole)
    return np.bincount(index[inside].astype(np.int64), minlength=whole).astype(np.int64)
