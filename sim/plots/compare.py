"""Comparison charts: several variants (one replication each) overlaid on one chart.

Each chart draws :class:`~sim.plots.series.VariantSeries` (the series taken from each
variant's log once), so the charts can be drawn in any process from small data.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from ..formatting import format_value
from ..units import HOURS_PER_WEEK
from .series import VariantSeries
from .style import (
    LINE_W,
    days,
    fmt_days,
    legend,
    new_figure,
    no_data,
    save,
    series_style,
    shade_warmup,
    style_axes,
)

_LOG_TICKS = [m * 10.0**e for e in range(-3, 5) for m in (1, 2, 5)]
"""1-2-5 ticks for a log time axis, shown as plain numbers (0.5, 1, 2, 5, 10 … days)."""

TIME = "time (days)"


def _common_warmup(variants: Sequence[VariantSeries]) -> float:
    """The warm-up all variants share (hours), or 0 when they differ."""
    warmups = {v.warmup for v in variants}
    return warmups.pop() if len(warmups) == 1 else 0.0


def _xlim(ax: Any, variants: Sequence[VariantSeries]) -> None:
    end = max((v.end for v in variants), default=0.0)
    ax.set_xlim(0, days(end) if end > 0 else 1.0)


def compare_delivered_chart(variants: Sequence[VariantSeries], title: str, path: Path) -> Path:
    """Cumulative delivered demand items over time, one line per variant."""
    fig, (ax,) = new_figure(title)
    style_axes(ax, "Cumulative demand items delivered", TIME, "items delivered (count)")
    drawn = False
    for i, variant in enumerate(variants):
        times, counts = variant.delivered
        drawn = drawn or counts[-1] > 0
        ax.step(
            [days(t) for t in times],
            counts,
            where="post",
            linewidth=LINE_W,
            label=f"{variant.label}\n{counts[-1]} items delivered",
            **series_style(i),
        )
    if not drawn:
        no_data(ax, "no demand items delivered")
    shade_warmup(ax, _common_warmup(variants))
    if variants:
        legend(ax, outside=True)
    ax.set_ylim(0, None)
    _xlim(ax, variants)
    return save(fig, path)


def compare_cycle_time_chart(variants: Sequence[VariantSeries], title: str, path: Path) -> Path:
    """ECDF of customer lead time after warm-up per variant, medians marked."""
    fig, (ax,) = new_figure(title)
    samples = [(v.label, sorted(days(h) for h in v.lead_times)) for v in variants]
    medians = [float(np.median(s)) for _, s in samples if s]
    spread = max(medians) / max(min(medians), 1e-9) if medians else 1.0
    log_x = spread > 10
    style_axes(
        ax,
        "Customer lead time distribution (items delivered after warm-up)",
        "customer lead time (days, log scale)" if log_x else "customer lead time (days)",
        "share of items delivered within (%)",
    )
    for i, (label, values) in enumerate(samples):
        if not values:
            continue
        style = series_style(i)
        share = np.arange(1, len(values) + 1) / len(values) * 100
        median = float(np.median(values))
        ax.step(
            values,
            share,
            where="post",
            linewidth=LINE_W,
            label=f"{label}\nmedian {fmt_days(median)}, {len(values)} items",
            **style,
        )
        ax.plot(median, 50, "o", markersize=11, color=style["color"], markeredgecolor="white")
    if medians:
        ax.axhline(50, color="#777777", linewidth=1.2, linestyle=":")
        if log_x:
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(FixedLocator(_LOG_TICKS))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
        else:
            ax.set_xlim(0, None)
        ax.set_ylim(0, 101)
        legend(ax, outside=True)
    else:
        no_data(ax, "no demand items delivered after warm-up")
    return save(fig, path)


def compare_throughput_chart(variants: Sequence[VariantSeries], title: str, path: Path) -> Path:
    """Demand items delivered per week, one line per variant."""
    fig, (ax,) = new_figure(title)
    style_axes(ax, "Throughput: demand items delivered per week", TIME, "items delivered per week")
    week_days = HOURS_PER_WEEK / 24
    warmup = _common_warmup(variants)
    drawn = False
    for i, variant in enumerate(variants):
        weekly = variant.weekly
        if not weekly:
            continue
        mids = [(k + 0.5) * week_days for k in range(len(weekly))]
        after = [n for k, n in enumerate(weekly) if k * week_days >= days(variant.warmup)]
        if after:  # written as the scorecard writes the throughput (sim.formatting)
            mean = f"\nmean after warm-up {format_value('throughput_per_week', np.mean(after))}"
        else:
            mean = ""
        ax.plot(
            mids,
            weekly,
            marker="o",
            markersize=6,
            linewidth=LINE_W,
            label=f"{variant.label}{mean}",
            **series_style(i),
        )
        drawn = drawn or any(weekly)
    if not drawn:
        no_data(ax, "no demand items delivered")
    shade_warmup(ax, warmup)
    if variants:
        legend(ax, outside=True)
    ax.set_ylim(0, None)
    _xlim(ax, variants)
    return save(fig, path)


def compare_incidents_chart(variants: Sequence[VariantSeries], title: str, path: Path) -> Path:
    """Cumulative user impact of incidents over time per variant, incident starts marked."""
    fig, (ax,) = new_figure(title)
    style_axes(
        ax,
        "Cumulative user impact of incidents (dots: incidents opened)",
        TIME,
        "user impact (share-weighted hours)",
    )
    top = 0.0
    any_incident = False
    for i, variant in enumerate(variants):
        opened = variant.incidents_opened
        any_incident = any_incident or bool(opened)
        curve = variant.impact
        style = series_style(i)
        ax.plot(
            [days(t) for t in variant.impact_times],
            curve,
            linewidth=LINE_W,
            label=f"{variant.label}\n{len(opened)} incidents, {curve[-1]:.1f} h",
            **style,
        )
        ax.plot(
            [days(t) for t in opened],
            variant.impact_at_opened,
            "o",
            color=style["color"],
            markersize=7,
        )
        top = max(top, curve[-1])
    if not any_incident:
        no_data(ax, "no incidents")
    shade_warmup(ax, _common_warmup(variants))
    if variants:
        legend(ax, outside=True)
    ax.set_ylim(0, max(top * 1.15, 0.1))
    _xlim(ax, variants)
    return save(fig, path)
