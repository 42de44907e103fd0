"""The debrief's work that runs on worker processes: simulations and charts.

Each job is a plain function of picklable arguments that returns small results: a team's
job runs its other futures (the metrics fold only, no log), then its played future
(replication 0) with a full event log from which it draws the played period's charts,
measures where the time went and takes the series the comparison charts need.  The log
itself never leaves the worker.  They run on :func:`sim.workers.executor`: a process
pool, or an in-process stand-in for one worker; either way the numbers are the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..events import Event, Kind
from ..metrics.tiers import tier_of
from ..metrics.valuestream import ValueStream, value_stream
from ..model import Command
from ..plots import COMPARE_DRAWERS
from ..plots.run import cumulative_flow_chart, cycle_time_scatter_chart, incidents_chart
from ..plots.scorecard import scorecard_chart
from ..plots.series import VariantSeries
from ..plots.valuestream import draw_value_stream
from ..scenario import Scenario
from . import futures as futures_module
from .luck import Luck, luck_chart


def document_of(scenario: Scenario, metrics: dict[str, Any]) -> dict[str, Any]:
    """A ``run --json``-shaped document of one replication's ``metrics`` (for scorecards)."""
    edition = scenario.run.tier_edition
    return {
        "scenario": scenario.scenario.name,
        "metrics": metrics,
        "tiers": tier_of(metrics, edition),
        "provenance": {"tier_edition": edition, "replications": 1},
    }


def trim(log: Iterable[Event], end: float) -> list[Event]:
    """The log with its window ending at ``end`` (charts' x axis ends there)."""
    trimmed = []
    for event in log:
        if event.kind is Kind.WINDOW:
            event = event._replace(data={**event.data, "until_hours": end})
        trimmed.append(event)
    return trimmed


@dataclass(frozen=True)
class TeamRun:
    """What a team's job hands back (small: no event log)."""

    futures: dict[int, list[dict[str, Any]]]
    """Key metrics per window, by replication (only the replications asked for)."""
    metrics: dict[str, Any]
    """The played future's metrics over the first window (the whole played period)."""
    series: VariantSeries
    stream: ValueStream
    """Where the time went over the first window."""
    images: dict[str, Path]


def team_job(
    scenario: Scenario,
    seed: int,
    commands: tuple[tuple[float, Command], ...],
    starts: tuple[float, ...],
    end: float,
    replications: tuple[int, ...],
    label: str,
    img: Path | None,
) -> TeamRun:
    """Run in a worker: ``replications`` of ``commands`` (key metrics per window of
    ``starts``, all ending at ``end``), then the played future (replication 0) with a full
    log: its metrics, value stream and comparison series over the first window, and with
    ``img`` its charts drawn there (``label`` ends with the team's name)."""
    futures = futures_module.run_futures(scenario, seed, commands, starts, end, replications)
    windows, sim = futures_module.futures_metrics(scenario, seed, 0, commands, starts[:1], end,
                                                  keep_log=True)  # fmt: skip
    log = trim(sim.log or [], end)
    metrics = windows[0]
    document = document_of(scenario, metrics)
    stream = value_stream(log, starts[0], end)
    images = {} if img is None else _charts(label, img, log, document, stream)
    series = VariantSeries.from_log(label.rsplit(" · ", 1)[-1], log, document)
    return TeamRun(futures, metrics, series, stream, images)


def _charts(
    label: str, img: Path, log: list[Event], document: dict[str, Any], stream: ValueStream
) -> dict[str, Path]:
    """The played period's charts of one team."""
    name = label.rsplit(" · ", 1)[-1]
    return {
        "scorecard": scorecard_chart(document, f"{label} · played period",
                                     img / f"{name}-scorecard.png"),
        "cumulative_flow": cumulative_flow_chart(log, label, img / f"{name}-cumulative-flow.png"),
        "cycle_time_scatter": cycle_time_scatter_chart(log, label, img / f"{name}-cycle-time.png"),
        "incidents": incidents_chart(log, label, img / f"{name}-incidents.png"),
        "value_stream": draw_value_stream(stream, f"{label} · where the time goes, played period",
                                          img / f"{name}-value-stream.png"),
    }  # fmt: skip


def luck_job(lucks: list[Luck], label: str, img: Path, name: str, last: int) -> dict[str, Path]:
    """Run in a worker: one team's luck-vs-decisions charts."""
    images = {}
    for i, luck in enumerate(lucks):
        which = "overall" if i else f"round-{last}"
        images[f"luck{i}"] = luck_chart(luck, f"{label} · luck vs. decisions, {luck.label}",
                                        img / f"{name}-luck-{which}.png")  # fmt: skip
    return images


def compare_job(index: int, series: Sequence[VariantSeries], title: str, img: Path) -> Path:
    """Run in a worker: comparison chart ``index`` of :data:`sim.plots.COMPARE_DRAWERS`."""
    draw, name = COMPARE_DRAWERS[index]
    return draw(series, title, img / name)
