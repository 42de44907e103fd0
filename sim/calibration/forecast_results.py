"""The answers of a forecast: :class:`Forecast`, :class:`HowMany` and :class:`When`.

Each holds its trials' outcomes and answers at the :data:`CONFIDENCES`, as the
history-based forecasts of :mod:`.forecast` make them or, with
:meth:`HowMany.from_totals` and :meth:`When.from_periods`, from outcomes simulated
elsewhere.  :func:`count_reached` and :func:`periods_within` are the two confidence
conventions (see :mod:`.forecast`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import pandas as pd

from ..limits import SEED_MAX
from .forecast_periods import (
    ITEMS_MAX,
    PERIOD_DAYS,
    TRIALS_MAX,
    Period,
    check_confidence,
    check_period,
    check_timestamp,
    check_whole,
    forecast_error,
    frozen,
    period_length,
    periods_max,
)

CONFIDENCES = (50, 85, 95)
"""Confidence levels (% of trials) every forecast answers."""


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
    """Seed of the draws (see :mod:`.forecast`'s note on determinism)."""
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
        return self.history_start + len(self.history) * period_length(self.period)

    def _after(self, periods: int) -> pd.Timestamp | None:
        if self.start is None:
            return None
        return self.start + periods * period_length(self.period)

    def as_dict(self) -> dict[str, Any]:
        """What every forecast's JSON says besides its question and answers (which
        :meth:`HowMany.as_dict` and :meth:`When.as_dict` add)."""

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
        return count_reached(self.totals, check_confidence(confidence))

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
        model's replications finished in the horizon), answered as :func:`.forecast.how_many`
        answers its own trials.  There is no history: :attr:`history` is empty and
        :attr:`history_start` ``None``.  ``fields`` go to a subclass's own fields."""
        checked = check_period(period)
        horizon = check_whole("horizon_periods", horizon_periods, 1, periods_max(checked))
        values = _outcomes("totals", totals, allow_inf=False)
        if (values > ITEMS_MAX).any():
            raise forecast_error("totals", f"expected whole numbers of items <= {ITEMS_MAX:,}")
        counts = frozen(values.astype(np.int64))
        return cls(
            **_outcome_common(checked, len(counts), seed, start),
            horizon_periods=horizon,
            totals=counts,
            answers={c: count_reached(counts, c) for c in CONFIDENCES},
            **fields,
        )

    def as_dict(self) -> dict[str, Any]:
        """The forecast without its trial arrays, for JSON (answers keyed ``"p85"``)."""
        return {
            **super().as_dict(),
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
        return periods_within(self.periods, check_confidence(confidence))

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
        answered as :func:`.forecast.when_done` answers its own trials.  There is no history (see
        :meth:`HowMany.from_totals`); ``fields`` go to a subclass's own fields."""
        checked = check_period(period)
        target = check_whole("items", items, 1, ITEMS_MAX)
        longest = check_whole("max_periods", max_periods, 1, periods_max(checked))
        values = _outcomes("periods", periods, allow_inf=True)
        finite = values[np.isfinite(values)]
        if (finite < 1).any() or (finite > longest).any():
            raise forecast_error(
                "periods", f"expected whole numbers >= 1 and <= {longest:,}, or inf"
            )
        done = frozen(values)
        return cls(
            **_outcome_common(checked, len(done), seed, start),
            items=target,
            max_periods=longest,
            periods=done,
            answers={c: periods_within(done, c) for c in CONFIDENCES},
            **fields,
        )

    def as_dict(self) -> dict[str, Any]:
        """The forecast without its trial arrays, for JSON (answers keyed ``"p85"``)."""
        return {
            **super().as_dict(),
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


def count_reached(totals: np.ndarray, confidence: int) -> int:
    """Largest count reached or exceeded in at least ``confidence`` % of ``totals``."""
    ordered = np.sort(totals)
    return int(ordered[(len(totals) * (100 - confidence)) // 100])


def periods_within(periods: np.ndarray, confidence: int) -> int | None:
    """Fewest periods within which at least ``confidence`` % of ``periods`` finished."""
    ordered = np.sort(periods)
    value = ordered[-(-len(periods) * confidence // 100) - 1]
    return None if math.isinf(value) else int(value)


def _outcomes(key: str, values: object, *, allow_inf: bool) -> np.ndarray:
    """Trials' outcomes simulated elsewhere as a float array of whole numbers >= 0."""
    try:
        array = np.array(values, dtype=float)
    except (TypeError, ValueError):
        raise forecast_error(key, "expected a sequence of numbers, one per trial") from None
    if array.ndim != 1 or not 1 <= array.size <= TRIALS_MAX:
        raise forecast_error(key, f"expected 1 to {TRIALS_MAX:,} outcomes in a flat sequence")
    finite = np.isfinite(array)
    bad = np.isnan(array) | (array < 0) | (~finite & ~allow_inf)
    bad |= finite & (array != np.floor(array))
    if bad.any():
        i = int(np.argmax(bad))
        raise forecast_error(
            f"{key}[{i}]", f"expected a whole number >= 0, got {array[i].item()!r}"
        )
    return array


def _outcome_common(period: Period, trials: int, seed: object, start: object) -> dict[str, Any]:
    """The :class:`Forecast` fields of a forecast built from outcomes: no history."""
    return {
        "history": frozen(np.zeros(0, dtype=np.int64)),
        "period": period,
        "trials": trials,
        "seed": check_whole("seed", seed, 0, SEED_MAX),
        "history_start": None,
        "start": check_timestamp("start", start),
    }
