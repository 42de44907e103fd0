"""The analysis of a sweep: per-point means, main effects, sensitivity indices, ranking."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import ScenarioError
from .effects import MainEffect, basis, main_effects
from .points import points_table, value_matrix
from .ranking import Ranked, rank
from .results import Sweep, load_sweep
from .sensitivity import Sensitivity, sensitivity, unsupported


@dataclass(frozen=True)
class Analysis:
    """Everything the report shows, computed once from a sweep result directory."""

    sweep: Sweep
    metrics: tuple[str, ...]
    basis: str
    """Unit of the effect intervals: "replications" or "points" (see :mod:`.effects`)."""
    points: pd.DataFrame = field(repr=False)
    """Tidy per-point table (:func:`~.points.points_table`)."""
    effects: dict[str, tuple[MainEffect, ...]] = field(repr=False)
    """Metric → main effect of every factor, in factor order."""
    sensitivity: dict[str, Sensitivity] = field(repr=False)
    """Metric → Sobol or Morris indices; empty when the design has none."""
    sensitivity_note: str
    """Why there are no indices ("" when the design supports them)."""
    ranking: dict[str, tuple[Ranked, ...]] = field(repr=False)
    """Metric → factors, largest effect first."""

    @property
    def directory(self) -> Path:
        return self.sweep.directory

    def has_values(self, metric: str) -> bool:
        """Whether any finished run has a value of ``metric``."""
        rows = self.points[self.points["metric"] == metric]
        return bool((rows["n"] > 0).any())


def analyze(directory: Path, *, metrics: Sequence[str] | None = None) -> Analysis:
    """Analyse the sweep result directory ``directory`` (all kept metrics by default).

    Bad input -- no such directory, not a sweep, no parts, a metric the sweep did not
    keep -- raises :class:`~sim.errors.ScenarioError`.
    """
    sweep = load_sweep(Path(directory))
    chosen = _choose(sweep, metrics)
    note = unsupported(sweep)
    effects: dict[str, tuple[MainEffect, ...]] = {}
    indices: dict[str, Sensitivity] = {}
    ranking: dict[str, tuple[Ranked, ...]] = {}
    for metric in chosen:
        matrix = value_matrix(sweep, metric)
        effects[metric] = main_effects(sweep, matrix, metric)
        if not note:
            indices[metric] = sensitivity(sweep, matrix, metric)
        ranking[metric] = rank(effects[metric], indices.get(metric))
    return Analysis(
        sweep=sweep,
        metrics=chosen,
        basis=basis(sweep),
        points=points_table(sweep, chosen),
        effects=effects,
        sensitivity=indices,
        sensitivity_note=note,
        ranking=ranking,
    )


def _choose(sweep: Sweep, metrics: Sequence[str] | None) -> tuple[str, ...]:
    """The metrics asked for (checked against the sweep's), or all of them."""
    if not metrics:
        return sweep.metrics
    for metric in metrics:
        if metric not in sweep.metrics:
            close = difflib.get_close_matches(metric, sweep.metrics, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise ScenarioError(
                str(sweep.directory), metric,
                f"not a metric of this sweep; {hint}it kept: {', '.join(sweep.metrics)}",
            )  # fmt: skip
    return tuple(dict.fromkeys(metrics))
