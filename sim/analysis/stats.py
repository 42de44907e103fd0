"""Small estimators with a 95 % CI: a mean, a Welch difference, a least-squares slope."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..runner import mean_ci95


@dataclass(frozen=True)
class Estimate:
    """A number with its 95 % confidence interval and the count of units behind it.

    ``value`` is None when there was nothing to estimate from; ``ci`` is None when the
    units were too few for an interval (fewer than two, or three for a slope).
    """

    value: float | None
    ci: tuple[float, float] | None = None
    n: int = 0

    @property
    def half(self) -> float | None:
        """Half-width of the interval."""
        return None if self.ci is None else (self.ci[1] - self.ci[0]) / 2.0

    @property
    def clear(self) -> bool:
        """Whether the interval lies wholly above or below zero."""
        return self.ci is not None and (self.ci[0] > 0 or self.ci[1] < 0)

    def scaled(self, factor: float) -> Estimate:
        """The estimate times ``factor`` (a slope times a range is a change)."""
        if self.value is None:
            return self
        ci = None
        if self.ci is not None:
            low, high = sorted((self.ci[0] * factor, self.ci[1] * factor))
            ci = (low, high)
        return Estimate(self.value * factor, ci, self.n)


NOTHING = Estimate(None)

COVERAGE = 0.5
"""Share of the points that must sit in shared design cells before estimates use the
cells (within-cell slopes, cell-paired differences); below it the design is treated as
having no cells, so a handful of coincidental matches cannot carry an estimate."""


def finite(values: Iterable[float]) -> np.ndarray:
    """The values as a float array without NaN."""
    array = np.asarray(list(values), dtype="float64")
    return array[~np.isnan(array)]


def mean_estimate(values: Iterable[float]) -> Estimate:
    """Mean and Student-t 95 % CI (:func:`sim.runner.mean_ci95`) of the non-NaN values."""
    xs = finite(values)
    mean, ci = mean_ci95(xs.tolist())
    return Estimate(mean, None if ci is None else (ci[0], ci[1]), len(xs))


def welch(a: Iterable[float], b: Iterable[float]) -> Estimate:
    """mean(a) − mean(b) with a Welch (unequal variances) 95 % CI."""
    xa, xb = finite(a), finite(b)
    na, nb = len(xa), len(xb)
    if not na or not nb:
        return NOTHING
    diff = float(xa.mean() - xb.mean())
    if na < 2 or nb < 2:
        return Estimate(diff, None, na + nb)
    va, vb = xa.var(ddof=1) / na, xb.var(ddof=1) / nb
    se2 = va + vb
    if se2 == 0:
        return Estimate(diff, (diff, diff), na + nb)
    dof = se2**2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    half = float(stats.t.ppf(0.975, dof)) * math.sqrt(se2)
    return Estimate(diff, (diff - half, diff + half), na + nb)


def slope(
    x: Iterable[float], y: Iterable[float], groups: Sequence[Hashable] | None = None
) -> Estimate:
    """Least-squares slope of y on x (pairs with a NaN dropped), with its t CI.

    With ``groups`` (e.g. the design cell: the other factors' values) the slope is the
    within-group one (a fixed effect per group), so a missing run at one setting of the
    other factors does not tilt it; when fewer than :data:`COVERAGE` of the points share a
    group with another it falls back to the plain slope.  Degrees of freedom: n − 2, or
    n − groups − 1 within groups.
    """
    xs = np.asarray(list(x), dtype="float64")
    ys = np.asarray(list(y), dtype="float64")
    keep = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[keep], ys[keep]
    n = len(xs)
    if n < 2:
        return Estimate(None, None, n)
    dx, dy, dof = xs - xs.mean(), ys - ys.mean(), n - 2
    if groups is not None:
        labels = pd.Series([g for g, k in zip(groups, keep, strict=True) if k], dtype=object)
        gx = xs - pd.Series(xs).groupby(labels).transform("mean").to_numpy()
        paired = int((labels.map(labels.value_counts()) >= 2).sum())
        if float(gx @ gx) > 0 and paired >= COVERAGE * n:
            dx = gx
            dy = ys - pd.Series(ys).groupby(labels).transform("mean").to_numpy()
            dof = n - labels.nunique() - 1
    sxx = float(dx @ dx)
    if sxx == 0:
        return Estimate(None, None, n)
    b = float(dx @ dy) / sxx
    if dof < 1:
        return Estimate(b, None, n)
    residuals = dy - b * dx
    se = math.sqrt(float(residuals @ residuals) / dof / sxx)
    half = float(stats.t.ppf(0.975, dof)) * se
    return Estimate(b, (b - half, b + half), n)
