"""Experimental designs: which scenario values each design point of a sweep runs.

A :class:`Factor` is one scenario key the sweep varies, either over a list of *levels*
(practice choices, ``org.structure``, booleans, or chosen numbers) or over a numeric
*range* ``[low, high]``.  :func:`build_design` turns the factors into design points:

* ``factorial`` -- every combination of the levels (the full product, first factor
  slowest); ranges are not allowed.
* ``lhs`` -- a Latin hypercube of ``samples`` points (:class:`scipy.stats.qmc.LatinHypercube`):
  each factor's range is cut into ``samples`` equal strata and each stratum holds one point.
* ``sobol`` -- Saltelli's scheme for Sobol' indices (:func:`SALib.sample.sobol.sample`):
  ``samples`` (a power of two) × (2D + 2) points, or × (D + 2) without second-order
  indices, in the order :func:`SALib.analyze.sobol.analyze` expects.
* ``morris`` -- ``samples`` Morris trajectories of D + 1 points each on a ``levels``-level
  grid (:func:`SALib.sample.morris.sample`), for :func:`SALib.analyze.morris.analyze`.

In the sampled designs every factor has a dimension in the SALib ``problem``: a range
spans ``[low, high]``; a list of levels spans ``[0, 1)`` and a sample ``u`` picks level
``floor(u * n)`` (clamped to the last level, since Morris grids include 1).  Integer
parameters are rounded to the nearest whole number.  Each point keeps its raw sample row
(``x``, in problem bounds) so the analysis can hand SALib exactly the matrix it sampled.
"""

from __future__ import annotations

import itertools
import math
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

METHODS = ("factorial", "lhs", "sobol", "morris")
"""Design methods, as written in ``[design] method``."""

Kind = Literal["categorical", "bool", "integer", "numeric"]
"""What a factor's values are: practice-style choices, booleans, whole or real numbers."""


@dataclass(frozen=True)
class Factor:
    """One varied scenario key: its levels, or its numeric range.

    ``kind`` follows the scenario field's type (a ``Literal`` is categorical, ``bool`` is
    bool, ``int`` is integer, ``float`` is numeric).  Exactly one of ``levels`` and
    ``(low, high)`` is set.
    """

    name: str
    """The dotted scenario key, e.g. ``"practices.deployment"``; also the column name."""
    kind: Kind
    levels: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None

    @property
    def is_range(self) -> bool:
        """Whether the factor spans a numeric range (rather than listing levels)."""
        return self.levels is None

    @property
    def bounds(self) -> list[float]:
        """The factor's dimension in the SALib problem: its range, or [0, 1] for levels."""
        if self.is_range:
            return [float(typing.cast(float, self.low)), float(typing.cast(float, self.high))]
        return [0.0, 1.0]

    def value(self, x: float) -> Any:
        """The scenario value of a sample ``x`` drawn within :attr:`bounds`."""
        if self.levels is not None:
            index = min(max(math.floor(x * len(self.levels)), 0), len(self.levels) - 1)
            return self.levels[index]
        low, high = typing.cast(float, self.low), typing.cast(float, self.high)
        x = min(max(float(x), low), high)
        if self.kind == "integer":
            return int(min(max(round(x), math.ceil(low)), math.floor(high)))
        return float(x)

    def describe(self) -> dict[str, Any]:
        """The factor as ``_sweep.json`` records it: kind, levels or min/max."""
        entry: dict[str, Any] = {"kind": self.kind}
        if self.levels is not None:
            entry["levels"] = list(self.levels)
            if self.kind in ("integer", "numeric"):
                entry["min"], entry["max"] = min(self.levels), max(self.levels)
        else:
            entry["min"], entry["max"] = self.low, self.high
        entry["range"] = self.is_range
        return entry


@dataclass(frozen=True)
class Design:
    """The points of a design and what the analysis needs to make sense of them."""

    method: str
    points: tuple[dict[str, Any], ...]
    """Factor values of each design point; the point id is the index."""
    x: tuple[tuple[float, ...], ...] | None
    """Each point's raw sample row in problem bounds (None for factorial designs)."""
    problem: dict[str, Any]
    """SALib problem: ``{"num_vars", "names", "bounds"}``."""
    samples: int | None = None
    seed: int | None = None
    calc_second_order: bool | None = None
    num_levels: int | None = None

    def describe(self) -> dict[str, Any]:
        """The design as ``_sweep.json`` records it, including every point."""
        return {
            "method": self.method,
            "samples": self.samples,
            "seed": self.seed,
            "calc_second_order": self.calc_second_order,
            "num_levels": self.num_levels,
            "problem": self.problem,
            "points": [
                {"point": i, "values": values, "x": list(self.x[i]) if self.x else None}
                for i, values in enumerate(self.points)
            ],
        }


def salib_problem(factors: Sequence[Factor]) -> dict[str, Any]:
    """The SALib ``problem`` dict of the factors (levels span [0, 1])."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [f.bounds for f in factors],
    }


def build_design(
    method: str,
    factors: Sequence[Factor],
    *,
    samples: int | None = None,
    seed: int = 0,
    calc_second_order: bool = True,
    num_levels: int = 4,
) -> Design:
    """The design points of ``method`` over ``factors``; see the module docstring."""
    problem = salib_problem(factors)
    if method == "factorial":
        return Design(method, tuple(full_factorial(factors)), None, problem)
    if samples is None or samples < 1:
        raise ValueError(f"a {method} design needs samples >= 1")
    if not factors:
        raise ValueError(f"a {method} design needs at least one factor")
    if method == "lhs":
        x = latin_hypercube(factors, samples, seed)
        return _sampled(method, factors, x, problem, samples=samples, seed=seed)
    if method == "sobol":
        x = saltelli(problem, samples, seed, calc_second_order)
        return _sampled(
            method,
            factors,
            x,
            problem,
            samples=samples,
            seed=seed,
            calc_second_order=calc_second_order,
        )
    if method == "morris":
        x = morris(problem, samples, seed, num_levels)
        return _sampled(
            method, factors, x, problem, samples=samples, seed=seed, num_levels=num_levels
        )
    raise ValueError(f"unknown design method {method!r}; allowed: {', '.join(METHODS)}")


def _sampled(
    method: str,
    factors: Sequence[Factor],
    x: np.ndarray,
    problem: dict[str, Any],
    **meta: Any,
) -> Design:
    """A design from a sample matrix: each row mapped to factor values."""
    rows = tuple(tuple(float(v) for v in row) for row in x)
    points = tuple(to_values(factors, row) for row in rows)
    return Design(method, points, rows, problem, **meta)


def to_values(factors: Sequence[Factor], row: Sequence[float]) -> dict[str, Any]:
    """One sample row (in problem bounds) as scenario values, by factor name."""
    return {f.name: f.value(x) for f, x in zip(factors, row, strict=True)}


def full_factorial(factors: Sequence[Factor]) -> list[dict[str, Any]]:
    """Every combination of the factors' levels, the first factor varying slowest."""
    for factor in factors:
        if factor.levels is None:
            raise ValueError(f"{factor.name}: a factorial design needs a list of levels")
    names = [f.name for f in factors]
    levels = [typing.cast(tuple[Any, ...], f.levels) for f in factors]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*levels)]


def latin_hypercube(factors: Sequence[Factor], samples: int, seed: int) -> np.ndarray:
    """A Latin hypercube of ``samples`` rows, scaled to each factor's bounds."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(factors), rng=np.random.default_rng(seed)).random(samples)
    bounds = np.array([f.bounds for f in factors], dtype=float)
    return bounds[:, 0] + unit * (bounds[:, 1] - bounds[:, 0])


def saltelli(problem: dict[str, Any], samples: int, seed: int, second_order: bool) -> np.ndarray:
    """Saltelli's sample for Sobol' indices: N × (2D + 2) rows, or N × (D + 2)."""
    from SALib.sample import sobol

    # SALib marks the problem it is given (sample_scaled): hand it a copy.
    return sobol.sample(dict(problem), samples, calc_second_order=second_order, seed=seed)


def morris(problem: dict[str, Any], trajectories: int, seed: int, num_levels: int) -> np.ndarray:
    """Morris trajectories: r × (D + 1) rows on a ``num_levels`` grid."""
    from SALib.sample import morris as morris_sample

    return morris_sample.sample(dict(problem), trajectories, num_levels=num_levels, seed=seed)


def expected_points(
    method: str,
    factors: Sequence[Factor],
    samples: int | None,
    calc_second_order: bool = True,
) -> int:
    """How many points a design will have, without building it (for messages)."""
    d = len(factors)
    if method == "factorial":
        return math.prod(len(f.levels or ()) for f in factors)
    n = samples or 0
    if method == "lhs":
        return n
    if method == "sobol":
        return n * (2 * d + 2 if calc_second_order else d + 2)
    return n * (d + 1)
