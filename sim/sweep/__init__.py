"""Parameter sweeps: design points × replications, streamed to a Parquet directory.

``load_sweep(path)`` reads and validates a sweep file (:mod:`sim.sweep.spec`; the file's
schema in :mod:`sim.sweep.file`, the checks across its values in :mod:`sim.sweep.checks`),
``run_sweep(spec, out_dir)`` runs it (:mod:`sim.sweep.runner`) on a local process pool
(:mod:`sim.sweep.local_backend`) or on Dask (:mod:`sim.sweep.dask_backend`) and writes
the result directory (:mod:`sim.sweep.store`, metadata in :mod:`sim.sweep.metadata`);
``shipit sweep SPEC --out DIR`` is the command (:mod:`sim.sweep.cli`);
``read_results(DIR)`` reads the runs back, one row per run (the latest, after
``--retry-errors``).
"""

from sim.metrics.definitions import ALL_METRICS

from .design import Design, Factor, build_design
from .execute import run_point
from .file import DEFAULT_METRICS
from .metadata import sweep_document
from .runner import SweepInterrupted, SweepSummary, check_out_dir, run_sweep
from .spec import SweepSpec, load_sweep, run_seed
from .store import read_results

__all__ = [
    "ALL_METRICS",
    "DEFAULT_METRICS",
    "Design",
    "Factor",
    "SweepInterrupted",
    "SweepSpec",
    "SweepSummary",
    "build_design",
    "check_out_dir",
    "load_sweep",
    "read_results",
    "run_point",
    "run_seed",
    "run_sweep",
    "sweep_document",
]
