""" "Where the time goes": the value stream of a run as a Rich table and a JSON part.

Pure functions from a :class:`~sim.metrics.valuestream.ValueStream` to what the CLI
prints after the scorecard (:func:`value_stream_table`) and to the ``value_stream`` part
of ``run --json`` (:func:`value_stream_part`); :func:`run_value_stream` computes it from
the runs of ``shipit run``.  The TUI, the round summary and a debrief can render the same
table.  Durations are shown as minutes, hours or days by their size
(:func:`sim.formatting.format_hours`); a stage's empty cell is left blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from sim.formatting import format_hours, format_share
from sim.metrics.valuestream import ValueStream, value_stream
from sim.runner import RunResult

TITLE = "Where the time goes (changes delivered after the warm-up)"
CONSTRAINT_STYLE = "bold red"
"""How the constraint's row and sentence stand out."""


def run_value_stream(results: Sequence[RunResult]) -> ValueStream | None:
    """The value stream of the first replication's measurement window, or ``None`` when
    its log was not kept."""
    if not results or results[0].log is None:
        return None
    return value_stream(results[0].log)


def value_stream_part(stream: ValueStream, replication: int = 0) -> dict[str, Any]:
    """The ``value_stream`` part of ``run --json``: :meth:`ValueStream.to_dict` plus the
    replication it comes from."""
    return {"replication": replication, **stream.to_dict()}


def constraint_sentence(stream: ValueStream) -> Text:
    """One sentence naming the constraint and its share of the lead time."""
    if stream.constraint is None or stream.constraint_hours is None:
        return Text("Constraint: none — no change waited.", style="dim")
    stage = stream.stage(stream.constraint)
    text = Text("Constraint: ")
    text.append(str(stream.constraint_name), style=CONSTRAINT_STYLE)
    if stream.constraint == "release" and stage.waiting_hours > stream.constraint_hours:
        # The table's row also holds the wait behind the batch ahead: say which part.
        text.append(
            f" — of the {format_hours(stage.waiting_hours)} changes wait for a release, "
            f"{format_hours(stream.constraint_hours)} are for the train itself"
        )
    else:
        text.append(f" — changes wait {format_hours(stream.constraint_hours)} for it")
    if stage.blocking_hours > 0 and stream.constraint != "release":
        text.append(
            f", {format_hours(stage.blocking_hours)} of it as changes ready for a release, "
            "queued behind a batch in it"
        )
    text.append(f": {format_share(stream.constraint_share, decimals=0)} of the lead time.")
    return text


def batch_sentence(stream: ValueStream) -> Text:
    """The sizes of the release deployments: mean, median, largest and the latest few."""
    if not stream.deployments:
        return Text("Deployments: no release in the window.")
    count = stream.deployments
    mean = stream.batch_mean or 0.0
    text = (
        f"Deployments: {count:,} release{'s' if count != 1 else ''}, "
        f"{mean:,.1f} changes each on average (median {stream.batch_median:,.0f}, "
        f"largest {stream.batch_max:,})"
    )
    if count > 1:
        text += f"; latest: {', '.join(f'{size:,}' for size in stream.recent_batches)}"
    return Text(text + ".")


def value_stream_table(
    stream: ValueStream, *, replication: int = 0, replications: int = 1
) -> RenderableType:
    """The table of stages (waiting, working, share of lead time), the constraint named
    under it, flow efficiency and the deployment sizes.  Stages with no time are left out."""
    title = TITLE
    if replications > 1:
        title += f": one run (replication {replication}) of {replications}"
    table = Table(title=title, title_justify="left", show_footer=stream.changes > 0)
    lead = format_hours(stream.lead_time_hours)
    table.add_column("stage", footer="customer lead time (mean)")
    table.add_column("waiting", justify="right", footer=format_hours(stream.waiting_hours))
    table.add_column("working", justify="right", footer=format_hours(stream.working_hours))
    table.add_column("share of lead time", justify="right", footer=f"100 % = {lead}")
    for stage in stream.stages:
        if stage.hours <= 0:
            continue
        style = CONSTRAINT_STYLE if stage.key == stream.constraint else None
        table.add_row(
            stage.name,
            format_hours(stage.waiting_hours, zero=""),
            format_hours(stage.working_hours, zero=""),
            format_share(stage.share, decimals=0),
            style=style,
        )
    if not stream.changes:  # an empty table says nothing the sentence does not
        return Group(Text(title), Text("No change was delivered in the window.", style="dim"))
    efficiency = format_share(stream.flow_efficiency, decimals=0)
    counted = f"{stream.changes:,} change{'s' if stream.changes != 1 else ''}"
    lines = [
        constraint_sentence(stream),
        Text(
            f"Flow efficiency {efficiency}: the share of the lead time someone worked on "
            f"the change ({counted}, arrival → production)."
        ),
        batch_sentence(stream),
    ]
    return Group(table, *lines)


__all__ = [
    "TITLE",
    "batch_sentence",
    "constraint_sentence",
    "run_value_stream",
    "value_stream_part",
    "value_stream_table",
]
