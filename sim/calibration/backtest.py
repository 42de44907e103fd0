"""Back-testing a calibration: fit on one period of a record, forecast the next one.

:func:`backtest` works from a list of origins (rolling origins, as forecasts are judged):
at each, it calibrates the model on the ``train_weeks`` weeks before it, then forecasts
how many changes will be deployed in the ``weeks`` weeks from it: from the calibrated
model (one trial per replication, :mod:`.forecast_model`) and, as the forecasting tools
do, from the fitting period's weekly history (:mod:`.forecast`).  Each forecast's 85 %
interval is the central one (from the 7.5th to the 92.5th percentile of its trials); the
report says, window by window, whether the changes actually deployed fell inside it, and
how often they did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..scenario import Scenario
from .calibrate import Calibration, calibrate
from .forecast import how_many
from .forecast_model import model_how_many
from .record import DeliveryRecord, parse_bound

INTERVAL = 85.0
"""The forecast interval checked, percent (central: 7.5th to 92.5th percentile)."""


@dataclass(frozen=True)
class Window:
    """One forecast window: what was deployed in it and the two forecasts' intervals."""

    start: pd.Timestamp
    end: pd.Timestamp
    actual: int
    """Changes deployed in ``[start, end)``."""
    model: tuple[float, float]
    history: tuple[float, float]

    @property
    def model_covers(self) -> bool:
        return self.model[0] <= self.actual <= self.model[1]

    @property
    def history_covers(self) -> bool:
        return self.history[0] <= self.actual <= self.history[1]


@dataclass(frozen=True)
class BackTest:
    weeks: int
    """The forecast horizon, weeks."""
    train_weeks: int
    """The fitting period before each origin, weeks."""
    windows: tuple[Window, ...]
    calibrations: tuple[Calibration, ...]

    @property
    def model_coverage(self) -> float:
        """Share of windows whose actual count the model's 85 % interval covered."""
        return float(np.mean([w.model_covers for w in self.windows]))

    @property
    def history_coverage(self) -> float:
        """The same for the history's forecast."""
        return float(np.mean([w.history_covers for w in self.windows]))


def _interval(totals: np.ndarray) -> tuple[float, float]:
    tail = (100.0 - INTERVAL) / 2
    low, high = np.percentile(totals, [tail, 100.0 - tail])
    return float(low), float(high)


def backtest(
    record: DeliveryRecord,
    base: Scenario,
    origins: Sequence[str],
    *,
    weeks: int = 12,
    train_weeks: int = 52,
    trials: int = 8,
    fit_replications: int = 3,
    replications: int = 100,
    seed: int = 0,
    workers: int | None = None,
) -> BackTest:
    """For each origin: calibrate on the ``train_weeks`` weeks before it, forecast the
    changes deployed in the ``weeks`` weeks from it (model and history), and compare
    with what was deployed.  The fits are short (``trials``): each starts from the
    record's own suggestions, which carry most of the fit."""
    deployed = record.changes["deployed_at"]
    windows = []
    fits = []
    for origin in origins:
        start = parse_bound(origin, "origin")
        train = record.window(start - pd.Timedelta(weeks=train_weeks), start)
        fitted = calibrate(train, base, name="backtest", trials=trials,
                           fit_replications=fit_replications, replications=2, seed=seed,
                           workers=workers)  # fmt: skip
        model = model_how_many(fitted.scenario, weeks, replications, workers=workers)
        history = how_many(fitted.data.weekly_changes, weeks, seed=seed)
        end = start + pd.Timedelta(weeks=weeks)
        actual = int(((deployed >= start) & (deployed < end)).sum())
        windows.append(Window(start, end, actual, _interval(model.totals),
                              _interval(history.totals)))  # fmt: skip
        fits.append(fitted)
    return BackTest(weeks, train_weeks, tuple(windows), tuple(fits))
