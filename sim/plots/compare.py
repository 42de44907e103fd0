"""Comparison charts: several variants (one replication each) overlaid on one chart."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from ..events import Event
from ..formatting import format_value
from ..units import HOURS_PER_WEEK
from . import data
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

Variant = tuple[str, Sequence[Event], dict[str, Any]]
TIME = "time (days)"


def _common_warmup(variants: Sequence[Variant]) -> float:
    """The warm-up all variants share (hours), or 0 when they differ."""
    warmups = {data.window(log)[0] for _, log, _ in variants}
    return warmups.pop() if len(warmups) == 1 else 0.0


def _xlim(ax: Any, variants: Sequence[Variant]) -> None:
    end = max((data.log_end(log) for _, log, _ in variants), default=0.0)
    ax.set_xlim(0, days(end) if end > 0 else 1.0)


def compare_delivered_chart(variants: Sequence[Variant], title: str, path: Path) -> Path:
    """Cumulative delivered demand items over time, one line per variant."""
    fig, (ax,) = new_figure(title)
    style_axes(ax, "Cumulative demand items delivered", TIME, "items delivered (count)")
    drawn = False
    for i, (label, log, _) in enumerate(variants):
        times, counts = data.cumulative_delivered(log)
        drawn = drawn or counts[-1] > 0
        ax.step(
            [days(t) for t in times],
            counts,
            where="post",
            linewidth=LINE_W,
            label=f"{label}\n{counts[-1]} items delivered",
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


def compare_cycle_time_chart(variants: Sequence[Variant], title: str, path: Path) -> Path:
    """ECDF of customer lead time after warm-up per variant, medians marked."""
    fig, (ax,) = new_figure(title)
    samples = [(label, sorted(days(h) for h in data.measured_lead_times(log)))
               for label, log, _ in variants]  # fmt: skip
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


def compare_throughput_chart(variants: Sequence[Variant], title: str, path: Path) -> Path:
    """Demand items delivered per week, one line per variant."""
    fig, (ax,) = new_figure(title)
    style_axes(ax, "Throughput: demand items delivered per week", TIME, "items delivered per week")
    week_days = HOURS_PER_WEEK / 24
    warmup = _common_warmup(variants)
    drawn = False
    for i, (label, log, _) in enumerate(variants):
        weekly = data.weekly_throughput(log)
        if not weekly:
            continue
        mids = [(k + 0.5) * week_days for k in range(len(weekly))]
        after = [n for k, n in enumerate(weekly) if k * week_days >= days(data.window(log)[0])]
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
            label=f"{label}{mean}",
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


def compare_incidents_chart(variants: Sequence[Variant], title: str, path: Path) -> Path:
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
    for i, (label, log, _) in enumerate(variants):
        end = data.log_end(log)
        found = data.incidents(log)
        any_incident = any_incident or bool(found)
        times = np.linspace(0.0, end, 1000) if end > 0 else np.array([0.0])
        curve = data.impact_curve(log, times)
        style = series_style(i)
        ax.plot(
            days(times),
            curve,
            linewidth=LINE_W,
            label=f"{label}\n{len(found)} incidents, {curve[-1]:.1f} h",
            **style,
        )
        opened = [inc.opened for inc in found]
        ax.plot(
            [days(t) for t in opened],
            data.impact_curve(log, opened),
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
