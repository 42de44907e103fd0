"""Charts of one run: flow (CFD, cycle time, throughput, lead time, aging WIP) and incidents.

Each ``*_chart`` function draws one PNG from the event log and returns its path; the data
come from the pure functions of :mod:`sim.plots.data`, the look from :mod:`sim.plots.style`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D

from ..events import Event
from ..metrics.summary import severity_level
from ..units import HOURS_PER_WEEK
from . import data
from .style import (
    BLACK,
    BLUE,
    CAUSE_COLOURS,
    GREEN,
    GREY,
    HALO,
    INK,
    LINE_W,
    NOTE_PT,
    ORANGE,
    OTHER_CAUSE,
    STATE_COLOURS,
    VERMILLION,
    days,
    fmt_days,
    legend,
    new_figure,
    no_data,
    save,
    shade_warmup,
    style_axes,
)

TIME = "time (days)"
LEAD = "customer lead time (days)"
LABELLED_INCIDENTS = 20
"""Up to this many incidents, each bar is labelled with its severity and peak share."""
QUANTILE_STYLE = {50: (GREEN, "--"), 85: (ORANGE, "-."), 95: (VERMILLION, ":")}


def _ordinal(q: int) -> str:
    return f"{q}th percentile"


def _xlim(ax, log: Sequence[Event]) -> None:
    end = data.log_end(log)
    ax.set_xlim(0, days(end) if end > 0 else 1.0)


def cumulative_flow_chart(log: Sequence[Event], title: str, path: Path) -> Path:
    """Stacked bands of demand items by state over time; delivered at the bottom."""
    fig, (ax,) = new_figure(title)
    style_axes(ax, "Cumulative flow of demand items", TIME, "demand items (count)")
    flow = data.Flow(log)
    warm = shade_warmup(ax, flow.warmup)
    times = flow.cfd_times()
    counts = flow.cfd_counts(times)
    if not flow.transitions:
        no_data(ax, "no demand items arrived")
    else:
        order = list(reversed(data.STATES))  # delivered at the bottom, backlog on top
        bands = ax.stackplot(
            [days(t) for t in times],
            [counts[s] for s in order],
            labels=[data.STATE_LABELS[s] for s in order],
            colors=[STATE_COLOURS[s] for s in order],
            step="post",
            linewidth=0,
        )
        legend(ax, outside=True, handles=[*bands[::-1], *([warm] if warm else [])])
        ax.set_ylim(0, None)
        _xlim(ax, log)
    return save(fig, path)


def cycle_time_scatter_chart(log: Sequence[Event], title: str, path: Path) -> Path:
    """Each delivered item at its delivery day, height = customer lead time."""
    fig, (ax,) = new_figure(title)
    style_axes(ax, "Cycle time scatter: customer lead time of each delivered item", TIME, LEAD)
    flow = data.Flow(log)
    delivered = flow.deliveries()
    warmup = flow.warmup
    shade_warmup(ax, warmup)
    if not delivered:
        no_data(ax, "no demand items delivered")
    else:
        x = np.array([days(d.delivered) for d in delivered])
        y = np.array([days(d.lead) for d in delivered])
        early = x < days(warmup)
        if early.any():
            ax.scatter(x[early], y[early], s=40, color=GREY, alpha=0.6, label="during warm-up")
        ax.scatter(x[~early], y[~early], s=40, color=BLUE, alpha=0.65, label="delivered item")
        measured = flow.measured_lead_times()
        for q, value in data.percentiles(measured, QUANTILE_STYLE).items():
            if value is None:
                continue
            colour, dash = QUANTILE_STYLE[q]
            ax.axhline(
                days(value),
                color=colour,
                linestyle=dash,
                linewidth=LINE_W,
                label=f"{_ordinal(q)}: {fmt_days(days(value))}",
                path_effects=HALO,
                zorder=4,
            )
        ax.set_ylim(0, None)
        _xlim(ax, log)
        legend(ax, outside=True, title="percentiles are of items\ndelivered after warm-up")
    return save(fig, path)


def throughput_chart(log: Sequence[Event], title: str, path: Path) -> Path:
    """Demand items delivered per week, with the mean of the weeks after warm-up."""
    fig, (ax,) = new_figure(title)
    style_axes(ax, "Throughput: demand items delivered per week", TIME, "items delivered per week")
    weekly = data.weekly_throughput(log)
    warmup = data.window(log)[0]
    shade_warmup(ax, warmup, label=False)  # the warm-up weeks' bars are grey instead
    if not weekly:
        no_data(ax)
    else:
        week_days = HOURS_PER_WEEK / 24
        starts = [k * week_days for k in range(len(weekly))]
        early = [s < days(warmup) for s in starts]  # weeks touching the warm-up, in grey
        bars = (
            (True, GREY, "warm-up weeks (not measured)"),
            (False, BLUE, "delivered in the week"),
        )
        for warm, colour, label in bars:
            picked = [(s, n) for s, n, e in zip(starts, weekly, early, strict=True) if e == warm]
            if picked:
                ax.bar(
                    [s + week_days / 2 for s, _ in picked],
                    [n for _, n in picked],
                    width=week_days * 0.85,
                    color=colour,
                    label=label,
                    zorder=2,
                )
        measured = [n for n, e in zip(weekly, early, strict=True) if not e]
        if measured:
            mean = float(np.mean(measured))
            ax.axhline(
                mean,
                color=VERMILLION,
                linestyle="--",
                linewidth=LINE_W,
                label=f"mean after warm-up: {mean:.1f}/week",
            )
        if not any(weekly):
            no_data(ax, "no demand items delivered")
        ax.set_xlim(0, starts[-1] + week_days)
        ax.set_ylim(0, max(max(weekly) * 1.15, 1))
        legend(ax, outside=True)
    return save(fig, path)


def lead_time_histogram_chart(log: Sequence[Event], title: str, path: Path) -> Path:
    """Distribution of customer lead time after warm-up, with median and 85th percentile."""
    fig, (ax,) = new_figure(title)
    style_axes(
        ax,
        "Customer lead time (arrival → production), items delivered after warm-up",
        LEAD,
        "items delivered (count)",
    )
    leads = [days(h) for h in data.measured_lead_times(log)]
    if not leads:
        no_data(ax, "no demand items delivered after warm-up")
    else:
        bins = int(np.clip(np.sqrt(len(leads)) * 1.5, 5, 40))
        ax.hist(leads, bins=bins, color="#56B4E9", edgecolor="white", linewidth=1.0)
        marks = data.percentiles(leads, (50, 85))
        for q, name in ((50, "median"), (85, "85th percentile")):
            value = marks[q]
            assert value is not None
            colour, dash = QUANTILE_STYLE[q]
            ax.axvline(
                value,
                color=colour,
                linestyle=dash,
                linewidth=LINE_W,
                label=f"{name}: {fmt_days(value)}",
            )
        ax.set_xlim(0, None)
        legend(ax, loc="upper right", title=f"{len(leads)} items")
    return save(fig, path)


def aging_wip_chart(log: Sequence[Event], title: str, path: Path) -> Path:
    """Age of every undelivered demand item at the end, one column per state."""
    fig, (ax,) = new_figure(title)
    end = data.log_end(log)
    style_axes(
        ax,
        f"Aging work in progress at day {days(end):.0f}",
        "current state of the item",
        "age since arrival (days)",
    )
    ages = data.aging_wip(log)
    columns = data.OPEN_STATES
    ax.set_xticks(
        range(len(columns)),
        [f"{data.STATE_LABELS[s]}\n({len(ages[s])} items)" for s in columns],
    )
    ax.set_xlim(-0.6, len(columns) - 0.4)
    ax.grid(False, axis="x")
    if not any(ages.values()):
        no_data(ax, "no work in progress")
    else:
        for i, state in enumerate(columns):
            values = ages[state]
            # deterministic jitter (golden-ratio sequence) so the dots do not pile up
            jitter = ((np.arange(len(values)) * 0.618034) % 1.0 - 0.5) * 0.6
            ax.scatter(
                i + jitter,
                [days(a) for a in values],
                s=55,
                color=STATE_COLOURS[state],
                edgecolor=INK,
                linewidth=0.6,
                alpha=0.85,
                zorder=3,
            )
        reference = data.percentiles(data.measured_lead_times(log), (85,))[85]
        if reference is not None:
            ax.axhline(
                days(reference),
                color=VERMILLION,
                linestyle="--",
                linewidth=LINE_W,
                label=f"85th percentile of delivered lead time: {fmt_days(days(reference))}",
                path_effects=HALO,
                zorder=4,
            )
            legend(ax, loc="upper right", wrap=60)
        top = max(max(v, default=0.0) for v in ages.values())
        ax.set_ylim(-0.03 * days(max(top, reference or 0.0)), None)
    return save(fig, path)


def incidents_chart(log: Sequence[Event], title: str, path: Path) -> Path:
    """Incident timeline (open → restored, coloured by cause) and cumulative user impact."""
    found = data.incidents(log)
    end = data.log_end(log)
    warmup = data.window(log)[0]
    if not found:
        fig, (ax,) = new_figure(title)
        style_axes(ax, "Incidents", TIME, "incident")
        no_data(ax, "no incidents")
        ax.set_yticks([])
        _xlim(ax, log)
        shade_warmup(ax, warmup)
        return save(fig, path)
    fig, (ax, impact_ax) = new_figure(title, 2, height_ratios=(3, 1.3))
    fig.get_layout_engine().set(h_pad=0.12)
    ax.sharex(impact_ax)
    style_axes(
        ax,
        "Incidents: open → restored; thickness and dot size = peak share of users affected",
        "",
        "",
    )
    ax.set_ylabel("incident (in order of opening)", fontsize=13, color=INK)
    widest = float(np.clip(260 / len(found), 3, 16))
    # one collection per kind of mark (not a few artists per incident): a year of a
    # legacy organisation has a hundred incidents, and each artist costs a draw
    ys = np.arange(1, len(found) + 1)
    colours = [CAUSE_COLOURS.get(inc.cause, OTHER_CAUSE) for inc in found]
    stops = [inc.restored if inc.restored is not None else end for inc in found]
    peaks = [max((share for _, share in inc.impact), default=inc.share) for inc in found]
    ax.hlines(ys, [days(inc.opened) for inc in found], [days(t) for t in stops], colors=colours,
              linewidths=[max(2.0, widest * min(1.0, 0.25 + p)) for p in peaks])  # fmt: skip
    ax.scatter([days(inc.opened) for inc in found], ys, color=colours, zorder=3,
               s=[(7 + 9 * min(1.0, p)) ** 2 for p in peaks], linewidths=0)  # fmt: skip
    detected = [(days(inc.detected), y) for y, inc in zip(ys, found, strict=True)
                if inc.detected is not None]  # fmt: skip
    if detected:
        ax.plot(*zip(*detected, strict=True), "|", color=BLACK, markersize=16,
                markeredgewidth=2.5, zorder=4)  # fmt: skip
    still_open = [y for y, inc in zip(ys, found, strict=True) if inc.restored is None]
    if still_open:
        ax.scatter([days(end)] * len(still_open), still_open, marker=">", s=100, clip_on=False,
                   color=[colours[y - 1] for y in still_open], zorder=3)  # fmt: skip
    if len(found) <= LABELLED_INCIDENTS:
        for y, inc, stop, peak in zip(ys, found, stops, peaks, strict=True):
            # "sev 2 · 25 %" beside the bar: right of it, or left near the right edge
            level = severity_level(inc.severity)
            text = f"sev {level} · {peak * 100:.0f} %" if level else f"{peak * 100:.0f} %"
            right = days(stop) < 0.8 * days(end)
            ax.annotate(
                text,
                (days(stop) if right else days(inc.opened), y),
                xytext=(12 if right else -14, 0),
                textcoords="offset points",
                ha="left" if right else "right",
                va="center",
                fontsize=NOTE_PT - 1,
                color=INK,
            )
    ax.set_ylim(len(found) + 1, 0)
    if len(found) <= 25:
        ax.set_yticks(range(1, len(found) + 1))
    warm = shade_warmup(ax, warmup)
    causes = sorted({inc.cause for inc in found})
    handles = [
        Line2D([], [], color=CAUSE_COLOURS.get(c, OTHER_CAUSE), linewidth=8, label=c)
        for c in causes
    ]
    handles.append(
        Line2D([], [], color=BLACK, marker="o", linestyle="", markersize=7, label="opened")
    )
    handles.append(
        Line2D([], [], color=BLACK, marker="|", linestyle="", markersize=16,
               markeredgewidth=2.5, label="detected")
    )  # fmt: skip
    if warm:
        handles.append(warm)
    legend(ax, outside=True, handles=handles, title="cause")
    ax.tick_params(labelbottom=False)

    times = np.linspace(0.0, end, 800) if end > 0 else np.array([0.0])
    curve = data.impact_curve(log, times)
    style_axes(impact_ax, None, TIME, "user impact\n(share-weighted h)")
    impact_ax.yaxis.label.set_size(13)
    impact_ax.plot(days(times), curve, color=VERMILLION, linewidth=LINE_W)
    impact_ax.fill_between(days(times), curve, color=VERMILLION, alpha=0.15)
    impact_ax.set_ylim(0, max(curve[-1] * 1.5, 0.1))
    impact_ax.text(
        0.01,
        0.9,
        f"cumulative user impact: {curve[-1]:.1f} share-weighted hours "
        f"(1 hour with every user affected = 1)",
        transform=impact_ax.transAxes,
        va="top",
        fontsize=NOTE_PT - 1,
        color=INK,
    )
    shade_warmup(impact_ax, warmup, label=False)
    _xlim(impact_ax, log)
    return save(fig, path)
