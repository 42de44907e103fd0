"""Per design point: the metric's values by replication, and their mean with a 95 % CI."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..runner import mean_ci95
from .results import Sweep


def value_matrix(sweep: Sweep, metric: str) -> pd.DataFrame:
    """The metric of every finished run: one row per design point (all of them, in point
    order), one column per replication index; NaN where a run failed, is missing or has
    no value."""
    ok = sweep.ok
    matrix = ok.pivot(index="point", columns="replication", values=metric)
    columns = sorted(set(range(sweep.replications)) | set(matrix.columns))
    return matrix.reindex(index=sweep.points.index, columns=columns).astype("float64")


def point_means(matrix: pd.DataFrame) -> pd.Series:
    """Mean over replications of each point (NaN when it has no value)."""
    return matrix.mean(axis=1, skipna=True)


def points_table(sweep: Sweep, metrics: Sequence[str]) -> pd.DataFrame:
    """Tidy per-point summary: point, the factor values, metric, n, mean, ci_low, ci_high.

    ``n`` counts the finished runs with a value; the CI is Student t over replications
    (:func:`sim.runner.mean_ci95`), absent with fewer than two.
    """
    ok_runs = sweep.ok.groupby("point").size().reindex(sweep.points.index, fill_value=0)
    frames = []
    for metric in metrics:
        matrix = value_matrix(sweep, metric).to_numpy()
        stats = [mean_ci95(row[~np.isnan(row)].tolist()) for row in matrix]
        frame = sweep.points.copy()
        frame["metric"] = metric
        frame["runs_ok"] = ok_runs.to_numpy()
        frame["n"] = (~np.isnan(matrix)).sum(axis=1)
        frame["mean"] = [np.nan if m is None else m for m, _ in stats]
        frame["ci_low"] = [np.nan if ci is None else ci[0] for _, ci in stats]
        frame["ci_high"] = [np.nan if ci is None else ci[1] for _, ci in stats]
        frames.append(frame.reset_index())
    columns = ["point", *sweep.points.columns, "metric", "runs_ok", "n", "mean", "ci_low",
               "ci_high"]  # fmt: skip
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
