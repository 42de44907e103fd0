"""Writing the analysis into ``DIR/_analysis/``: summary.md, CSVs and charts.

The directory name starts with "_" so Parquet readers of ``DIR`` ignore it.  Every file
is written whole or not at all (text through :func:`sim.outputs.atomic_write`, charts to
a temporary name and renamed), so a reader never sees half a report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..exitcodes import EXIT_FAILURE
from ..outputs import OutputError, atomic_path, atomic_write
from .analysis import Analysis
from .charts import main_effects_chart, tornado_chart
from .markdown import summary_markdown
from .tables import effects_frame, sensitivity_frame

REPORT_DIR = "_analysis"
SUMMARY = "summary.md"
POINTS = "points.csv"
EFFECTS = "effects.csv"
SENSITIVITY = "sensitivity.csv"


def report_dir(directory: Path) -> Path:
    """Where the report of the sweep in ``directory`` goes."""
    return Path(directory) / REPORT_DIR


def chart_name(kind: str, metric: str) -> str:
    """``tornado_<metric>.png``; anything but letters, digits, ``_.-`` becomes ``_``."""
    return f"{kind}_{re.sub(r'[^A-Za-z0-9_.-]', '_', metric)}.png"


def write_report(analysis: Analysis, directory: Path | None = None) -> list[Path]:
    """Write the report into ``directory/_analysis`` (default: the analysed sweep's).

    Returns the paths written, summary.md first.
    """
    out = report_dir(Path(directory) if directory is not None else analysis.directory)
    try:
        out.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create: {exc.strerror or exc}", EXIT_FAILURE) from None
    written: list[Path] = []
    written.append(_csv(out / POINTS, analysis.points))
    written.append(_csv(out / EFFECTS, effects_frame(analysis)))
    sensitivity = sensitivity_frame(analysis)
    if sensitivity is not None:
        written.append(_csv(out / SENSITIVITY, sensitivity))
    for metric in analysis.metrics:
        for kind, draw in (("tornado", tornado_chart), ("main_effects", main_effects_chart)):
            written.append(_png(out / chart_name(kind, metric), analysis, metric, draw))
    summary = out / SUMMARY
    atomic_write(summary, [summary_markdown(analysis, [p.name for p in written])])
    return [summary, *written]


def _csv(path: Path, frame: pd.DataFrame) -> Path:
    atomic_write(path, [frame.to_csv(index=False, lineterminator="\n")])
    return path


def _png(
    path: Path, analysis: Analysis, metric: str, draw: Callable[[Analysis, str, Path], Path]
) -> Path:
    """Draw a chart to a temporary file beside ``path`` and rename it into place."""
    with atomic_path(path) as tmp:
        draw(analysis, metric, tmp)
    return path
