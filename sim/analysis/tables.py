"""Tidy tables of an analysis (one row per estimate) for ``effects.csv`` and
``sensitivity.csv``.  Values are in the metric's own unit (shares as 0–1, not %)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from .analysis import Analysis
from .stats import Estimate

EFFECT_COLUMNS = (
    "metric", "factor", "kind", "statistic", "level", "reference", "estimate", "ci_low",
    "ci_high", "n", "runs", "paired", "note",
)  # fmt: skip
"""``statistic`` is ``mean`` (a level's mean), ``diff`` (a level minus ``reference``, the
first level), ``slope`` (per unit of the factor), ``swing`` (``level`` minus
``reference``: the highest level minus the lowest) or ``none`` (not varied)."""


def _estimate(estimate: Estimate | None) -> dict[str, Any]:
    if estimate is None or estimate.value is None:
        return {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 0}
    low, high = estimate.ci if estimate.ci is not None else (np.nan, np.nan)
    return {"estimate": estimate.value, "ci_low": low, "ci_high": high, "n": estimate.n}


def effects_frame(analysis: Analysis) -> pd.DataFrame:
    """Every main-effect estimate of every metric and factor."""
    rows: list[dict[str, Any]] = []
    for metric in analysis.metrics:
        for effect in analysis.effects[metric]:
            base = {"metric": metric, "factor": effect.factor.key, "kind": effect.factor.kind,
                    "paired": effect.paired, "note": effect.note}  # fmt: skip
            reference = effect.levels[0].label if effect.levels else ""
            for level in effect.levels:
                rows.append(base | {"statistic": "mean", "level": level.label, "reference": "",
                                    "runs": level.runs} | _estimate(level.mean))  # fmt: skip
                if level.diff is not None:
                    rows.append(base | {"statistic": "diff", "level": level.label,
                                        "reference": reference, "runs": np.nan}
                                | _estimate(level.diff))  # fmt: skip
            if effect.slope is not None:
                rows.append(base | {"statistic": "slope", "level": "", "reference": "",
                                    "runs": np.nan} | _estimate(effect.slope))  # fmt: skip
            if effect.swing is not None:
                rows.append(base | {"statistic": "swing", "level": effect.swing.high,
                                    "reference": effect.swing.low, "runs": np.nan}
                            | _estimate(effect.swing.change))  # fmt: skip
            if not effect.varied and not effect.levels:
                rows.append(base | {"statistic": "none", "level": "", "reference": "",
                                    "runs": np.nan} | _estimate(None))  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))
    return frame.astype({"n": "Int64", "runs": "Int64"})


def sensitivity_frame(analysis: Analysis) -> pd.DataFrame | None:
    """Sobol or Morris indices, one row per metric and factor (None when there are none).

    A metric whose indices were skipped has one row with the reason in ``skipped``.
    """
    if analysis.sensitivity_note or not analysis.sensitivity:
        return None
    rows: list[dict[str, Any]] = []
    for metric in analysis.metrics:
        result = analysis.sensitivity[metric]
        if not result.indices:
            rows.append({"metric": metric, "method": result.method, "skipped": result.skipped})
        for index in result.indices:
            rows.append({"metric": metric, "method": result.method} | asdict(index))
    frame = pd.DataFrame(rows)
    if "skipped" not in frame.columns:
        frame["skipped"] = ""
    return frame
