"""Global sensitivity indices with SALib: Sobol (S1, ST) and Morris (mu_star, sigma).

Both need the design they were sampled for: the sweep engine writes the points of a
``sobol`` design in exactly SALib's ``sobol.sample`` order and those of a ``morris`` design
in ``morris.sample`` order (with each point's coordinates in the problem space as
``unit``).  The model output is each point's mean over its replications, so replication
noise is averaged before the indices apportion the variance.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol

from .points import point_means
from .results import Sweep

RESAMPLES = 1000
"""Bootstrap resamples behind SALib's confidence intervals."""
SEED = 0
"""Seed of SALib's bootstrap, so the same sweep always gives the same intervals."""
METHODS = ("sobol", "morris")


@dataclass(frozen=True)
class SobolIndex:
    """First-order and total Sobol indices of one factor, each with its 95 % half-width."""

    factor: str
    s1: float
    s1_conf: float
    st: float
    st_conf: float


@dataclass(frozen=True)
class MorrisIndex:
    """Morris screening measures of one factor (in the metric's unit per unit range)."""

    factor: str
    mu_star: float
    mu_star_conf: float
    sigma: float
    mu: float


@dataclass(frozen=True)
class Sensitivity:
    """The indices of one metric, or the reason there are none."""

    method: str
    metric: str
    indices: tuple[SobolIndex | MorrisIndex, ...] = ()
    skipped: str = ""


def unsupported(sweep: Sweep) -> str:
    """Why the sweep's design has no sensitivity indices ("" when it has them)."""
    if sweep.method not in METHODS:
        return (
            f"Sobol and Morris indices need a design sampled for them (`sobol` or "
            f"`morris`); this sweep is a `{sweep.method}` design, so its main effects "
            f"are the measure of what matters."
        )
    problem = sweep.design.get("problem")
    if not isinstance(problem, Mapping) or not {"num_vars", "names", "bounds"} <= set(problem):
        return "The sweep's design has no SALib problem (num_vars, names, bounds)."
    if list(sweep.points.index) != list(range(len(sweep.points))):
        return "The design points are not numbered 0 … n−1, so their SALib order is lost."
    return ""


def _problem(sweep: Sweep) -> dict[str, Any]:
    problem = sweep.design["problem"]
    keys = ("num_vars", "names", "bounds", "groups")
    return {k: problem[k] for k in keys if problem.get(k) is not None}


def sensitivity(sweep: Sweep, matrix: pd.DataFrame, metric: str) -> Sensitivity:
    """Sobol or Morris indices of ``metric`` (its point × replication ``matrix``)."""
    method = sweep.method
    y = point_means(matrix).to_numpy(dtype="float64")
    missing = int(np.isnan(y).sum())
    if missing:
        return Sensitivity(
            method, metric, skipped=f"{missing} of {len(y)} design points have no value "
            f"(their runs failed, are missing or had an empty sample), and {method.title()} "
            "indices need every point.",
        )  # fmt: skip
    if len(y) and np.ptp(y) == 0:
        return Sensitivity(method, metric, skipped="The metric has the same value at "
                           "every point: there is no variance to apportion.")  # fmt: skip
    problem = _problem(sweep)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if method == "sobol":
                return _sobol(sweep, problem, y, metric)
            return _morris(sweep, problem, y, metric)
    except (ValueError, RuntimeError, IndexError, KeyError, TypeError) as exc:
        return Sensitivity(method, metric, skipped=f"SALib could not analyse it: {exc}")


def _sobol(sweep: Sweep, problem: dict[str, Any], y: np.ndarray, metric: str) -> Sensitivity:
    second = bool(sweep.design.get("calc_second_order", True))
    groups = problem.get("groups")
    d = len(set(groups)) if groups else int(problem["num_vars"])
    step = 2 * d + 2 if second else d + 2
    if len(y) % step:
        return Sensitivity(
            "sobol", metric, skipped=f"{len(y)} points are not a Saltelli sample of {d} "
            f"factors (a multiple of {step}).",
        )  # fmt: skip
    result = sobol.analyze(
        problem, y, calc_second_order=second, num_resamples=RESAMPLES, conf_level=0.95,
        print_to_console=False, seed=SEED,
    )  # fmt: skip
    names = list(dict.fromkeys(groups)) if groups else list(problem["names"])
    indices = tuple(
        SobolIndex(name, float(result["S1"][i]), float(result["S1_conf"][i]),
                   float(result["ST"][i]), float(result["ST_conf"][i]))
        for i, name in enumerate(names)
    )  # fmt: skip
    return Sensitivity("sobol", metric, indices)


def _morris(sweep: Sweep, problem: dict[str, Any], y: np.ndarray, metric: str) -> Sensitivity:
    points = sorted(sweep.design.get("points") or [], key=lambda p: int(p["point"]))
    # Coordinates in the problem space ("unit"; "x" as the sweep engine names them).  SALib
    # only reads which coordinate moved and in which direction, so either scale serves.
    units = [p.get("unit", p.get("x")) for p in points]
    if len(units) != len(y) or any(u is None for u in units):
        return Sensitivity("morris", metric, skipped="The design points carry no coordinates "
                           "(`unit`), which Morris needs.")  # fmt: skip
    x = np.asarray(units, dtype="float64")
    result = morris.analyze(
        problem, x, y, num_resamples=RESAMPLES, conf_level=0.95, print_to_console=False,
        num_levels=int(sweep.design.get("num_levels", 4)), seed=SEED,
    )  # fmt: skip
    indices = tuple(
        MorrisIndex(str(name), float(result["mu_star"][i]), float(result["mu_star_conf"][i]),
                    float(result["sigma"][i]), float(result["mu"][i]))
        for i, name in enumerate(result["names"])
    )  # fmt: skip
    return Sensitivity("morris", metric, indices)
