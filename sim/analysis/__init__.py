"""Analysis of a parameter sweep: what each factor does to each metric, and what matters most.

:func:`analyze` reads a sweep result directory (``_sweep.json`` and ``part-*.parquet``,
written by ``shipit sweep``) and computes, per metric: the mean with a 95 % CI at every
design point, the main effect of every factor (level means, paired differences, slopes,
swings), Sobol or Morris indices when the design was sampled for them, and a ranking.
:func:`write_report` writes it as ``DIR/_analysis/`` (summary.md, CSVs, charts).

Modules, one concept each: :mod:`.results` (reading the directory), :mod:`.points`
(per-point means), :mod:`.stats` (estimators), :mod:`.effects` (main effects),
:mod:`.sensitivity` (SALib), :mod:`.ranking`, :mod:`.analysis` (putting it together),
:mod:`.labels`, :mod:`.tables`, :mod:`.markdown`, :mod:`.charts`, :mod:`.report` (the
files) and :mod:`.cli` (``shipit analyze``).

The names below are imported on first use, so ``sim.analysis.cli`` can be imported by the
CLI without loading pandas, SALib and matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis import Analysis, analyze
    from .report import REPORT_DIR, write_report
    from .results import Factor, Sweep, load_sweep

_HOMES = {
    "Analysis": "analysis",
    "analyze": "analysis",
    "REPORT_DIR": "report",
    "write_report": "report",
    "Factor": "results",
    "Sweep": "results",
    "load_sweep": "results",
}

__all__ = ["REPORT_DIR", "Analysis", "Factor", "Sweep", "analyze", "load_sweep", "write_report"]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
