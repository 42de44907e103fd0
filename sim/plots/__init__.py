"""Charts flow practitioners expect, as 16:9 PNGs readable on a projector.

:func:`run_charts` draws one run (from its event log and ``run --json`` document);
:func:`compare_charts` overlays several variants.  The model never plots: only the CLI
and the reports call this package.  Charts use matplotlib's object-oriented API on the
Agg canvas (no pyplot, no display); the data behind them are pure functions in
:mod:`sim.plots.data`, which the tests check on hand-made logs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..events import Event
from ..outputs import output_target
from .compare import (
    compare_cycle_time_chart,
    compare_delivered_chart,
    compare_incidents_chart,
    compare_throughput_chart,
)
from .data import (
    aging_wip,
    cfd_counts,
    cumulative_delivered,
    deliveries,
    impact_curve,
    incidents,
    lead_times,
    transitions,
    weekly_throughput,
)
from .run import (
    aging_wip_chart,
    cumulative_flow_chart,
    cycle_time_scatter_chart,
    incidents_chart,
    lead_time_histogram_chart,
    throughput_chart,
)
from .scorecard import compare_scorecard_chart, format_metric, scorecard_chart
from .series import VariantSeries
from .style import PIXELS, plain
from .valuestream import value_stream_chart

__all__ = [
    "COMPARE_CHARTS",
    "COMPARE_DRAWERS",
    "PIXELS",
    "RUN_CHARTS",
    "VariantSeries",
    "aging_wip",
    "cfd_counts",
    "compare_charts",
    "cumulative_delivered",
    "deliveries",
    "format_metric",
    "impact_curve",
    "incidents",
    "lead_times",
    "plain",
    "run_charts",
    "transitions",
    "weekly_throughput",
]

RUN_CHARTS = (
    "cumulative_flow.png",
    "cycle_time_scatter.png",
    "throughput.png",
    "lead_time_histogram.png",
    "aging_wip.png",
    "incidents.png",
    "value_stream.png",
    "scorecard.png",
)
"""File names :func:`run_charts` writes, in the order it returns them."""

COMPARE_CHARTS = (
    "compare_cumulative_delivered.png",
    "compare_cycle_time.png",
    "compare_throughput.png",
    "compare_incidents.png",
    "compare_scorecard.png",
)
"""File names :func:`compare_charts` writes, in the order it returns them."""


def _directory(out_dir: Path, names: Sequence[str]) -> Path:
    """The chart directory, once every chart file in it is known to be writable.

    Each chart replaces a regular file or is new (:func:`sim.outputs.output_target`); a
    FIFO or device where a chart would go is refused before any chart is drawn, so the
    charts of one run are not left half-replaced.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FileNotFoundError(f"chart directory {out_dir} does not exist")
    for name in names:
        output_target(out_dir / name)
    return out_dir


def run_charts(
    log: Sequence[Event], document: dict[str, Any], title: str, out_dir: Path
) -> list[Path]:
    """Write the eight charts of one run into ``out_dir`` (which must exist).

    Returns the paths in :data:`RUN_CHARTS` order.  An empty log gives charts saying
    "no data" rather than an error.
    """
    out = _directory(out_dir, RUN_CHARTS)
    log = list(log)
    drawers = (
        cumulative_flow_chart,
        cycle_time_scatter_chart,
        throughput_chart,
        lead_time_histogram_chart,
        aging_wip_chart,
        incidents_chart,
        value_stream_chart,
    )
    paths = [draw(log, title, out / name) for draw, name in zip(drawers, RUN_CHARTS, strict=False)]
    paths.append(scorecard_chart(document, title, out / RUN_CHARTS[-1]))
    return paths


def _scorecard_of(variants: Sequence[VariantSeries], title: str, path: Path) -> Path:
    return compare_scorecard_chart([(v.label, v.document) for v in variants], title, path)


COMPARE_DRAWERS: tuple[tuple[Callable[[Sequence[VariantSeries], str, Path], Path], str], ...] = (
    (compare_delivered_chart, COMPARE_CHARTS[0]),
    (compare_cycle_time_chart, COMPARE_CHARTS[1]),
    (compare_throughput_chart, COMPARE_CHARTS[2]),
    (compare_incidents_chart, COMPARE_CHARTS[3]),
    (_scorecard_of, COMPARE_CHARTS[4]),
)
"""Each comparison chart's drawer (``draw(series, title, path)``) and file name, in
:data:`COMPARE_CHARTS` order: independent, so they can be drawn in parallel."""


def compare_charts(
    variants: Sequence[tuple[str, Sequence[Event], dict[str, Any]]],
    title: str,
    out_dir: Path,
) -> list[Path]:
    """Overlay ``variants`` — ``(label, log of one replication, document)`` — in five charts.

    Returns the paths in :data:`COMPARE_CHARTS` order.
    """
    out = _directory(out_dir, COMPARE_CHARTS)
    series = [VariantSeries.from_log(label, log, document) for label, log, document in variants]
    return [draw(series, title, out / name) for draw, name in COMPARE_DRAWERS]
