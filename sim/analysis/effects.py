"""Main effects: how a metric moves with each factor, averaged over the other factors.

For every factor and metric:

* factors with few levels (categorical, bool, and numeric ones with at most
  :data:`MAX_LEVELS` values, :data:`SAMPLED_LEVELS` in sampled designs) get the mean per
  level and each level's difference to the first level;
* numeric factors get a least-squares slope per unit of the factor;
* every factor with two or more levels gets a *swing*: the change of the metric from its
  lowest to its highest level (for categorical factors, from the level with the lowest
  mean to the one with the highest; for numeric factors without design cells -- sampled
  designs -- the slope times the range), the size the tornado chart ranks by.

How the 95 % intervals are formed depends on the design (:func:`basis`):

``replications``
    A factorial design with two or more replications.  Each quantity is computed per
    replication index -- a level's mean over the design cells (settings of the other
    factors) that have a value at every level in that replication, so a failed run
    drops its cell for all levels alike and means and differences stay consistent; the
    slope within cells -- and the interval is Student t over replications.  With common
    random numbers every point ran replication r on the same random numbers, so the
    differences are paired and the shared noise cancels.
``points``
    One replication, or a sampled design (lhs, sobol, morris).  The units are the design
    points (their mean over replications).  With design cells (a factorial) a level's
    mean is over the cells complete at every level and differences are paired by cell;
    without them (sampled designs) means are over the level's points and differences are
    Welch intervals.  Slopes have the least-squares interval.  The interval then also
    holds the spread caused by the other factors.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .labels import level_label
from .points import point_means
from .results import Factor, Sweep
from .stats import COVERAGE, Estimate, mean_estimate, slope, welch

MAX_LEVELS = 10
"""A numeric factor of a factorial design with at most this many values is also summarised
per level."""
SAMPLED_LEVELS = 5
"""The same for sampled designs (lhs, sobol, morris), whose levels hold few points."""
BINS = 6
"""Bins of a numeric factor with more values than :data:`MAX_LEVELS` (for the chart)."""

BY_REPLICATION = "replications"
BY_POINT = "points"


@dataclass(frozen=True)
class Level:
    """A factor level: the metric's mean there and its difference to the first level."""

    value: Any
    label: str
    runs: int
    """Finished runs with a value at this level."""
    mean: Estimate
    diff: Estimate | None
    """Difference to the first level (None for the first level itself)."""


@dataclass(frozen=True)
class Swing:
    """The change of the metric from one level of a factor to another."""

    low: str
    high: str
    change: Estimate


@dataclass(frozen=True)
class MainEffect:
    """One factor's effect on one metric."""

    factor: Factor
    metric: str
    distinct: int
    """Values the factor took at points with data."""
    levels: tuple[Level, ...]
    """Per-level means (categorical, bool, numeric with few values); else empty."""
    slope: Estimate | None
    """Change of the metric per unit of a numeric factor."""
    swing: Swing | None
    """None when the factor has fewer than two levels or there is no data."""
    paired: str
    """How differences were paired: "replications", "cells" or "welch" (unpaired)."""
    span: tuple[float, float] | None = None
    """Smallest and largest value of a numeric factor."""
    note: str = ""

    @property
    def varied(self) -> bool:
        return self.distinct >= 2


def basis(sweep: Sweep) -> str:
    """The unit of the intervals: replications (factorial, R ≥ 2) or design points."""
    if sweep.method == "factorial" and sweep.replications >= 2:
        return BY_REPLICATION
    return BY_POINT


def main_effects(sweep: Sweep, matrix: pd.DataFrame, metric: str) -> tuple[MainEffect, ...]:
    """Every factor's main effect on ``metric``; ``matrix`` is its point × replication table."""
    return tuple(_Effect(sweep, matrix, factor).compute(metric) for factor in sweep.factors)


def binned(
    x: Sequence[float], y: Sequence[float], bins: int = BINS
) -> list[tuple[float, Estimate]]:
    """Mean of ``y`` in quantile bins of ``x``: (mean x of the bin, mean y with t CI)."""
    xs = np.asarray(x, dtype="float64")
    ys = np.asarray(y, dtype="float64")
    keep = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[keep], ys[keep]
    if not len(xs):
        return []
    edges = np.unique(np.quantile(xs, np.linspace(0, 1, bins + 1)))
    index = np.clip(np.searchsorted(edges, xs, side="right") - 1, 0, len(edges) - 2)
    return [
        (float(xs[index == i].mean()), mean_estimate(ys[index == i]))
        for i in range(len(edges) - 1)
        if (index == i).any()
    ]


def _cell(value: Any) -> Hashable:
    """A factor value as part of a design-cell key: exact for numbers, else its label."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value):
        return float(value)  # not the label: 0.12345 and 0.12346 are different cells
    return level_label(value)


class _Effect:
    """The computations for one factor (shared state: its points, levels and cells)."""

    def __init__(self, sweep: Sweep, matrix: pd.DataFrame, factor: Factor) -> None:
        self.factor = factor
        self.by_replication = basis(sweep) == BY_REPLICATION
        self.max_levels = MAX_LEVELS if sweep.method == "factorial" else SAMPLED_LEVELS
        self.matrix = matrix
        self.means = point_means(matrix)
        x = sweep.points[factor.key]
        has_data = self.means.notna() & x.notna()
        self.x = x[has_data]
        others = [f.key for f in sweep.factors if f.key != factor.key]
        self.cell = {
            point: tuple(_cell(v) for v in row)
            for point, row in zip(
                sweep.points.index, sweep.points[others].itertuples(index=False), strict=True
            )
        }
        self.cell_ids = {cell: i for i, cell in enumerate(dict.fromkeys(self.cell.values()))}
        self.keys = self.x.map(self._key)
        self.order = self._order()
        self.samples: dict[Hashable, np.ndarray] = {}
        self.aligned = False

    def _key(self, value: Any) -> Hashable:
        return float(value) if self.factor.numeric else level_label(value)

    def _order(self) -> list[Hashable]:
        """Level keys in order: declared order for categories, ascending for numbers."""
        seen = list(dict.fromkeys(self.keys))
        if self.factor.numeric:
            return sorted(seen)  # type: ignore[type-var]
        declared = [level_label(v) for v in self.factor.levels]
        return [k for k in declared if k in seen] + [k for k in seen if k not in declared]

    def points_at(self, key: Hashable) -> list[int]:
        return list(self.keys.index[self.keys == key])

    # -- estimates ---------------------------------------------------------------------

    def _grid(self) -> pd.DataFrame | None:
        """Design cells (other factors fixed) holding a point at every level: cell × level
        → point.  None when there is no such cell (a sampled design)."""
        frame = pd.DataFrame(
            {
                "cell": [self.cell_ids[self.cell[p]] for p in self.x.index],
                "key": [self.order.index(k) for k in self.keys],
                "point": list(self.x.index),
            }
        )
        frame = frame.drop_duplicates(["cell", "key"])
        grid = frame.pivot(index="cell", columns="key", values="point").dropna()
        if not len(grid) or grid.size < COVERAGE * len(self.x):
            return None
        return grid.astype("int64")

    def _samples(self) -> tuple[dict[Hashable, np.ndarray], bool]:
        """Per level, the values its mean is taken over, and whether they are aligned
        across levels (replication r, or design cell c, at the same position)."""
        grid = self._grid()
        if self.by_replication:
            if grid is None:
                samples = {
                    key: self.matrix.loc[self.points_at(key)].mean(axis=0).to_numpy()
                    for key in self.order
                }
                return samples, True
            values = {key: self.matrix.loc[grid[i]].to_numpy() for i, key in enumerate(self.order)}
            mask = np.logical_and.reduce([~np.isnan(v) for v in values.values()])
            count = mask.sum(axis=0)
            samples = {}
            for key, v in values.items():
                total = np.where(mask, v, 0.0).sum(axis=0)
                samples[key] = np.divide(
                    total, count, out=np.full(len(total), np.nan), where=count > 0
                )
            return samples, True
        if grid is None:
            return {k: self.means.loc[self.points_at(k)].to_numpy() for k in self.order}, False
        return {k: self.means.loc[grid[i]].to_numpy() for i, k in enumerate(self.order)}, True

    def level_mean(self, key: Hashable) -> Estimate:
        return mean_estimate(self.samples[key])

    def difference(self, key: Hashable, reference: Hashable) -> tuple[Estimate, str]:
        """Metric at level ``key`` minus metric at level ``reference``, and how paired."""
        a, b = self.samples[key], self.samples[reference]
        if self.by_replication:
            return mean_estimate(a - b), BY_REPLICATION
        if self.aligned:
            return mean_estimate(a - b), "cells"
        return welch(a, b), "welch"

    def slope(self) -> Estimate:
        """Slope per unit of the factor, within design cells (see :func:`.stats.slope`)."""
        x = self.x.astype("float64")
        cells = [self.cell[p] for p in x.index]
        if self.by_replication:
            slopes = [
                slope(x, self.matrix.loc[x.index, column], cells).value
                for column in self.matrix.columns
            ]
            return mean_estimate(s for s in slopes if s is not None)
        return slope(x, self.means.loc[x.index], cells)

    # -- the effect ----------------------------------------------------------------------

    def compute(self, metric: str) -> MainEffect:
        factor = self.factor
        distinct = len(self.order)
        span = (float(self.x.min()), float(self.x.max())) if factor.numeric and distinct else None
        if distinct == 0:
            return MainEffect(factor, metric, 0, (), None, None, "", span, "no values")
        few = not factor.numeric or distinct <= self.max_levels
        levels: list[Level] = []
        paired = ""
        if few:
            self.samples, self.aligned = self._samples()
            for key in self.order:
                points = self.points_at(key)
                diff = None
                if key != self.order[0]:
                    diff, paired = self.difference(key, self.order[0])
                runs = int(self.matrix.loc[points].notna().to_numpy().sum())
                value = self.x[points[0]]
                levels.append(Level(value, level_label(value), runs, self.level_mean(key), diff))
        if distinct == 1:
            note = f"only one level ({levels[0].label if levels else self.order[0]}): not varied"
            return MainEffect(factor, metric, 1, tuple(levels), None, None, "", span, note)
        gradient = self.slope() if factor.numeric else None
        swing, how = self._swing(levels, gradient, span)
        return MainEffect(
            factor, metric, distinct, tuple(levels), gradient, swing, paired or how, span
        )

    def _swing(
        self, levels: list[Level], gradient: Estimate | None, span: tuple[float, float] | None
    ) -> tuple[Swing | None, str]:
        if not levels or (self.factor.numeric and not self.aligned):
            # Many values, or levels without shared cells: the slope over the whole range
            # says more than two extreme levels that may hold a point each.
            if gradient is None or gradient.value is None or span is None:
                return None, ""
            change = gradient.scaled(span[1] - span[0])
            return Swing(f"{span[0]:.3g}", f"{span[1]:.3g}", change), "slope"
        usable = [level for level in levels if level.mean.value is not None]
        if len(usable) < 2:
            return None, ""
        if self.factor.numeric or self.factor.kind == "bool":  # ordered: lowest → highest
            low, high = usable[0], usable[-1]
        else:
            low = min(usable, key=lambda level: level.mean.value or 0.0)
            high = max(usable, key=lambda level: level.mean.value or 0.0)
            if low is high:
                low, high = usable[0], usable[-1]
        change, how = self.difference(self._key(high.value), self._key(low.value))
        return Swing(low.label, high.label, change), how


def point_values(
    sweep: Sweep, matrix: pd.DataFrame, factor: Factor
) -> tuple[np.ndarray, np.ndarray]:
    """Factor value and metric mean per design point with data (for scatter and bins)."""
    means = point_means(matrix)
    x = pd.to_numeric(sweep.points[factor.key], errors="coerce")
    keep = means.notna() & x.notna()
    return x[keep].to_numpy(dtype="float64"), means[keep].to_numpy(dtype="float64")
