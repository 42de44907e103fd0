"""Where the time goes: one horizontal bar per value-stream stage, waiting vs working.

The bars are the mean days a change delivered after the warm-up spent in each stage
(:func:`sim.metrics.valuestream.value_stream`), top to bottom in value-stream order;
their sum is the mean customer lead time.  The wait for a release is split into the wait
for the train itself and the wait behind a batch ahead (hatched), which is what makes a
downstream stage the constraint; the constraint's bar is outlined and named.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from matplotlib.patches import Patch

from ..events import Event
from ..metrics.valuestream import ValueStream, value_stream
from ..report import format_hours
from .style import (
    BLUE,
    INK,
    NOTE_PT,
    TICK_PT,
    VERMILLION,
    days,
    legend,
    new_figure,
    no_data,
    save,
    style_axes,
)

WAIT_COLOUR = VERMILLION
WORK_COLOUR = BLUE
BLOCKED_COLOUR = "#F2B38A"
"""Waiting for a release behind a batch ahead: a lighter, hatched vermillion."""
CONSTRAINT_EDGE = INK
NOTE_CHARS = 24
"""Characters per line of the note beside the chart."""
SUBTITLE = "Where the time goes: mean days per change delivered after the warm-up"


def value_stream_chart(log: Sequence[Event], title: str, path: Path) -> Path:
    """The value-stream chart of a run's log (its measurement window)."""
    return draw_value_stream(value_stream(log), title, path)


def draw_value_stream(stream: ValueStream, title: str, path: Path) -> Path:
    """Stacked horizontal bars of waiting and working days per stage; the constraint's
    bar outlined and named in a note with its share of the lead time."""
    fig, (ax,) = new_figure(title)
    style_axes(ax, SUBTITLE, "days (mean per change)", "")
    shown = [stage for stage in stream.stages if stage.hours > 0]
    if not stream.changes or not shown:
        no_data(ax, "no demand items delivered after warm-up")
        ax.set_yticks([])
        return save(fig, path)
    rows = list(range(len(shown)))
    blocked_total = sum(stage.blocking_hours for stage in stream.stages)
    for row, stage in zip(rows, shown, strict=True):
        work = days(stage.working_hours)
        wait = days(stage.waiting_hours)
        behind = days(min(blocked_total, stage.waiting_hours)) if stage.key == "release" else 0.0
        edge = CONSTRAINT_EDGE if stage.key == stream.constraint else "white"
        width = 3.0 if stage.key == stream.constraint else 1.0
        ax.barh(row, work, color=WORK_COLOUR, edgecolor=edge, linewidth=width)
        ax.barh(row, wait - behind, left=work, color=WAIT_COLOUR, edgecolor=edge, linewidth=width)
        if behind > 0:
            ax.barh(
                row,
                behind,
                left=work + wait - behind,
                color=BLOCKED_COLOUR,
                hatch="//",
                edgecolor=edge if edge != "white" else WAIT_COLOUR,
                linewidth=width,
            )
        share = f"{stage.share * 100:.0f} %" if stage.share is not None else ""
        ax.annotate(
            f"{format_hours(stage.hours)} · {share}",
            (work + wait, row),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            fontsize=NOTE_PT - 1,
            color=INK,
        )
    ax.set_yticks(rows)
    labels = ax.set_yticklabels([stage.name for stage in shown], fontsize=TICK_PT + 1)
    for label, stage in zip(labels, shown, strict=True):
        if stage.key == stream.constraint:
            label.set_fontweight("bold")
    ax.invert_yaxis()  # value-stream order, top to bottom
    longest = max(days(stage.hours) for stage in shown)
    ax.set_xlim(0, longest * 1.3 if longest > 0 else 1.0)  # room for the labels
    ax.grid(False, axis="y")
    handles = [
        Patch(color=WORK_COLOUR, label="working"),
        Patch(color=WAIT_COLOUR, label="waiting"),
    ]
    if days(blocked_total) > 0.01 * longest:  # visible in the release bar
        handles.append(
            Patch(
                facecolor=BLOCKED_COLOUR,
                hatch="//",
                edgecolor=WAIT_COLOUR,
                label="ready, queued behind a batch ahead",
            )
        )
    if stream.constraint is not None:
        handles.append(
            Patch(facecolor="white", edgecolor=CONSTRAINT_EDGE, linewidth=3.0, label="constraint")
        )
    legend(ax, outside=True, wrap=26, handles=handles)
    ax.text(
        1.01,
        0.0,
        _note(stream),
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=NOTE_PT - 1,
        color=INK,
        bbox={"facecolor": "white", "edgecolor": "#CCCCCC", "alpha": 0.92},
    )
    return save(fig, path)


def _note(stream: ValueStream) -> str:
    """Lead time, the constraint, flow efficiency and batch sizes, one line each."""
    lines = [
        f"lead time {format_hours(stream.lead_time_hours)}",
        f"over {stream.changes:,} changes",
    ]
    if stream.constraint_name is not None and stream.constraint_hours is not None:
        share = (stream.constraint_share or 0.0) * 100
        lines += [
            "",
            "constraint:",
            *textwrap.wrap(stream.constraint_name, NOTE_CHARS),
            f"waits {format_hours(stream.constraint_hours)},",
            f"{share:.0f} % of lead time",
        ]
    if stream.flow_efficiency is not None:
        lines += ["", f"flow efficiency {stream.flow_efficiency * 100:.0f} %"]
    if stream.deployments and stream.batch_mean is not None:
        lines += [
            "",
            f"{stream.deployments:,} releases,",
            f"{stream.batch_mean:,.1f} changes each",
            f"(largest {stream.batch_max:,})",
        ]
    return "\n".join(lines)
