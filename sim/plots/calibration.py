"""Charts of a calibration: the fit figure by figure, and the two lead-time distributions.

:func:`fit_chart` shows, for each figure of the fit table, the model's mean over
replications and its 95 % interval as a share of the record's value (1 = the record),
with the promised tolerance shaded; :func:`lead_time_ecdf_chart` overlays the record's
and the model's lead times for changes (ECDFs on a log time axis) with their
Kolmogorov–Smirnov distance.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from .style import (
    BLUE,
    GREY,
    INK,
    LINE_W,
    VERMILLION,
    days,
    legend,
    new_figure,
    no_data,
    plain,
    save,
    style_axes,
)

_LOG_TICKS = [m * 10.0**e for e in range(-3, 5) for m in (1, 2, 5)]


def fit_chart(rows: Sequence[Any], title: str, path: Path) -> Path:
    """Model ÷ record per figure: dot = the mean, bar = its 95 % interval; shaded: the
    tolerance the fit promises (fitted figures); grey: shown, not fitted."""
    fig, (ax,) = new_figure(title)
    style_axes(ax, "The model against the record, figure by figure",
               "model ÷ record (1 = the record's value)", "")  # fmt: skip
    shown = [r for r in rows if r.data not in (None, 0) and r.mean is not None]
    if not shown:
        no_data(ax, "nothing to compare")
        return save(fig, path)
    ys = np.arange(len(shown))[::-1]
    for y, row in zip(ys, shown, strict=True):
        colour = BLUE if row.figure.fitted else GREY
        if row.figure.tolerance is not None:
            t = row.figure.tolerance
            ax.fill_betweenx([y - 0.35, y + 0.35], 1 - t, 1 + t, color=BLUE, alpha=0.12,
                             linewidth=0)  # fmt: skip
        if row.low is not None and row.high is not None:
            ax.hlines(y, row.low / row.data, row.high / row.data, color=colour,
                      linewidth=LINE_W + 1)  # fmt: skip
        ax.plot(row.mean / row.data, y, "o", color=colour, markersize=12,
                markeredgecolor="white")  # fmt: skip
        ax.annotate(f"{row.error:+.0%}", (row.mean / row.data, y), xytext=(0, 12),
                    textcoords="offset points", ha="center", fontsize=12, color=INK)  # fmt: skip
    ax.axvline(1.0, color=VERMILLION, linewidth=2)
    ax.set_yticks(ys, [plain(f"{r.figure.label} ({r.figure.unit})") for r in shown],
                  fontsize=13)  # fmt: skip
    ax.set_ylim(-0.7, len(shown) - 0.3)
    ax.grid(True, axis="x", color="#DDDDDD")
    ax.grid(False, axis="y")
    return save(fig, path)


def lead_time_ecdf_chart(
    data_hours: np.ndarray, model_hours: np.ndarray, ks: float, title: str, path: Path
) -> Path:
    """The record's and the model's lead times for changes, as ECDFs (days, log scale)."""
    fig, (ax,) = new_figure(title)
    style_axes(ax, "Lead time for changes: the record and the calibrated model",
               "lead time, commit to production (days, log scale)",
               "share of changes delivered within (%)")  # fmt: skip
    drawn = False
    for values, label, colour, dash in (
        (data_hours, "the record", VERMILLION, "-"),
        (model_hours, f"the model (Kolmogorov–Smirnov distance {ks:.2f})", BLUE, "--"),
    ):
        positive = np.sort(days(np.asarray(values, dtype=float)))
        positive = positive[positive > 0]
        if not len(positive):
            continue
        drawn = True
        share = np.arange(1, len(positive) + 1) / len(positive) * 100
        median = float(np.median(positive))
        ax.step(positive, share, where="post", color=colour, linestyle=dash, linewidth=LINE_W,
                label=f"{label}\nmedian {median:.1f} days, {len(positive):,} changes")  # fmt: skip
    if not drawn:
        no_data(ax, "no lead times")
        return save(fig, path)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(_LOG_TICKS))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.axhline(50, color="#777777", linewidth=1.2, linestyle=":")
    ax.axhline(85, color="#777777", linewidth=1.2, linestyle=":")
    ax.set_ylim(0, 101)
    legend(ax, outside=True)
    return save(fig, path)
