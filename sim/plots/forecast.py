"""The forecast chart: the spread of a Monte Carlo forecast's trials, with its answers.

One chart for both questions of :mod:`sim.calibration.forecast` (and for forecasts made
by simulating a scenario, which give the same result types): a histogram of the trials'
outcomes -- items finished for :class:`~sim.calibration.forecast.HowMany`, days to finish
for :class:`~sim.calibration.forecast.When` -- and a labelled line at each of the 50, 85
and 95 % answers, in the colours of the percentile lines of the run charts.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from ..calibration.forecast import HowMany, When
from .run import QUANTILE_STYLE
from .style import (
    BLUE,
    GREY,
    HALO,
    INK,
    LINE_W,
    NOTE_PT,
    legend,
    new_figure,
    no_data,
    plain,
    save,
    style_axes,
)

BARS_MAX = 60
"""Up to this many distinct whole values, one bar per value; beyond, about 40 bins."""
BINS = 40
NOTE_WRAP = 30
"""Characters per line of the note on the trials, right of the plot."""
LEGEND_WRAP = 36


def _periods(n: int, period: str) -> str:
    """``"1 week"``, ``"12 weeks"``, ``"3,650 days"``."""
    return f"{n:,} {period}" if n == 1 else f"{n:,} {period}s"


def _trials_note(forecast: HowMany | When) -> str:
    """Where the trials came from: ``"10,000 trials resampling 52 weeks of history
    (2024-01-01 – 2024-12-29), seed 0"``; a forecast that says it itself (one simulated
    from a scenario: ``trials_note()``) is taken at its word."""
    own = getattr(forecast, "trials_note", None)
    if callable(own):
        return str(own())
    n = len(forecast.history)
    window = ""
    if forecast.history_start is not None and forecast.history_end is not None:
        last = forecast.history_end - np.timedelta64(1, "ns")
        window = f" ({forecast.history_start:%Y-%m-%d} – {last:%Y-%m-%d})"
    return (
        f"{forecast.trials:,} trials resampling {_periods(n, forecast.period)} of history{window}, "
        f"seed {forecast.seed}"
    )


def _histogram(ax: Axes, values: np.ndarray, step: float) -> None:
    """Share of trials (%) at each outcome; ``values`` are whole multiples of ``step``."""
    weights = np.full(len(values), 100.0 / len(values))
    low, high = float(values.min()), float(values.max())
    if (high - low) / step + 1 <= BARS_MAX:
        edges = np.arange(low - step / 2, high + step, step)
        width = 0.85
    else:
        # whole-step bins, so no bin holds more possible outcomes than its neighbours
        size = step * np.ceil((high - low) / step / BINS)
        edges = np.arange(low - step / 2, high + size, size)
        width = 1.0
    if high - low < 10 * step:  # a narrow spread: room around it, and no fractional ticks
        middle = (low + high) / 2
        ax.set_xlim(max(middle - 6 * step, min(0.0, low - step)), middle + 6 * step)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.hist(
        values,
        bins=edges,
        weights=weights,
        rwidth=width,
        color=BLUE,
        edgecolor="white",
        linewidth=0.8,
        zorder=2,
    )


def _mark(ax: Axes, x: float, confidence: int, label: str) -> None:
    colour, dash = QUANTILE_STYLE[confidence]
    ax.axvline(
        x,
        color=colour,
        linestyle=dash,
        linewidth=LINE_W,
        label=label,
        path_effects=HALO,
        zorder=4,
    )


def _how_many(ax: Axes, forecast: HowMany, noun: str) -> None:
    span = _periods(forecast.horizon_periods, forecast.period)
    if forecast.end is not None and forecast.start is not None:
        last = forecast.end - np.timedelta64(1, "ns")
        span += f", {forecast.start:%Y-%m-%d} – {last:%Y-%m-%d}"
    style_axes(
        ax,
        f"How many {noun} in {span}?",
        f"{noun} finished in the trial (count)",
        "share of trials (%)",
    )
    _histogram(ax, forecast.totals, 1.0)
    for confidence, value in forecast.answers.items():
        _mark(ax, value, confidence, forecast.label(confidence, noun))
    legend(
        ax, outside=True, wrap=LEGEND_WRAP, title="confidence: this many\nor more in … of trials"
    )


def _when(ax: Axes, forecast: When, noun: str) -> None:
    since = "" if forecast.start is None else f" from {forecast.start:%Y-%m-%d}"
    style_axes(
        ax,
        f"When will {forecast.items:,} {noun} be done?",
        f"days{since} until {forecast.items:,} {noun} are done",
        "share of trials (%)",
    )
    step = float(forecast.period_days)
    finished = forecast.periods[np.isfinite(forecast.periods)] * step
    if finished.size == 0:
        no_data(
            ax,
            f"no trial finished within {_periods(forecast.max_periods, forecast.period)}",
        )
        ax.set_xlim(0, forecast.max_periods * step)
        ax.set_ylim(0, 100)
    else:
        _histogram(ax, finished, step)
    for confidence, periods in forecast.answers.items():
        if periods is not None:
            label = forecast.label(confidence).replace(" (by ", "\n(by ")
            _mark(ax, periods * step, confidence, label)
    if forecast.unfinished > 0:
        # a legend entry (no line) for the trials the histogram cannot show
        ax.plot(
            [],
            [],
            " ",
            color=GREY,
            label=(
                f"{forecast.unfinished * 100:.1f} % of trials not done within "
                f"{_periods(forecast.max_periods, forecast.period)}"
            ),
        )
    if ax.get_legend_handles_labels()[0]:
        legend(
            ax, outside=True, wrap=LEGEND_WRAP, title="confidence: done within\nthis in … of trials"
        )


def forecast_chart(forecast: HowMany | When, title: str, path: Path, noun: str = "items") -> Path:
    """Histogram of the trials' outcomes with the 50/85/95 % answers marked; ``noun``
    names what is counted ("changes").  Written by :func:`sim.plots.style.save`."""
    fig, (ax,) = new_figure(title)
    if isinstance(forecast, HowMany):
        _how_many(ax, forecast, noun)
    else:
        _when(ax, forecast, noun)
    ax.set_ylim(0, None)
    # under the legend, right of the plot: the axis label keeps the bottom edge
    ax.text(
        1.02,
        0.0,
        plain(textwrap.fill(_trials_note(forecast), NOTE_WRAP)),
        transform=ax.transAxes,
        fontsize=NOTE_PT - 1,
        color=INK,
        ha="left",
        va="bottom",
    )
    return save(fig, path)
