"""A loaded sweep: the base scenario, factors, design points and every run's seed.

:func:`load_sweep` reads a sweep file (its schema and shape: :mod:`sim.sweep.file`), loads
the base scenario, checks keys, factors and the design (:mod:`sim.sweep.checks`) and
builds every design point's scenario, so bad input fails before the first run.  The
result, a :class:`SweepSpec`, is what the runners and the result directory work from.

**Seeds.**  Every run gets its own seed, recorded in its row:
``numpy.random.SeedSequence([seed, replication]).generate_state(1)[0]`` with ``crn = true``
(so replication *r* of every design point sees the same random numbers), or
``SeedSequence([seed, point, replication])...`` with ``crn = false``.  A row reproduces
exactly with ``run_replication(base.with_values(point values), replication, seed)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim import resources
from sim.errors import ScenarioError
from sim.loading import is_builtin_ref, load_scenario
from sim.scenario import Scenario

from .checks import (
    apply_fixed,
    check_design,
    check_factor,
    check_key,
    check_metrics,
    check_points,
    flatten,
    quote_key,
)
from .design import METHODS, Design, Factor, build_design
from .file import read_sweep_file

EXAMPLE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
"""How a shipped example sweep is named on the command line (its file name without .toml)."""


@dataclass(frozen=True, eq=False)
class SweepSpec:
    """A loaded, fully validated sweep: base scenario, factors, design points, seeds."""

    source: str
    """The spec file as given (messages name it)."""
    text: str
    """The spec file's text, as given (copied to ``DIR/_spec.toml``)."""
    name: str
    base_ref: str
    """``[sweep] base`` as written."""
    base: Scenario
    """The base scenario with ``[sweep.set]`` and ``days`` applied."""
    replications: int
    seed: int
    crn: bool
    metrics: tuple[str, ...]
    days: float | None
    set: Mapping[str, Any]
    keep_events: bool
    factors: tuple[Factor, ...]
    design: Design
    base_path: str | None = None
    """The resolved base file, or None for a built-in scenario."""

    @property
    def points(self) -> int:
        """Number of design points."""
        return len(self.design.points)

    @property
    def runs(self) -> int:
        """Number of runs: design points × replications."""
        return self.points * self.replications

    def locate(self, run_id: int) -> tuple[int, int]:
        """``(point, replication)`` of a run id (``run_id = point * replications + r``)."""
        return divmod(run_id, self.replications)

    def seed_for(self, point: int, replication: int) -> int:
        """The seed of one run (see the module docstring)."""
        return run_seed(self.seed, point, replication, self.crn)

    def overrides(self, point: int) -> dict[str, Any]:
        """The factor values of a design point."""
        return dict(self.design.points[point])

    def scenario(self, point: int) -> Scenario:
        """The scenario a design point runs."""
        return self.base.with_values(self.overrides(point))

    def resolved(self) -> dict[str, Any]:
        """Everything that decides the runs' results, as JSON data.

        Two specs with the same resolved form produce the same rows, so a result directory
        can be resumed by any spec that resolves the same (comments, key order and the
        spelling of the base path do not matter; the base scenario's content does).
        """
        data = {
            "name": self.name,
            "base": self.base_ref,
            "base_hash": self.base.content_hash(),
            "replications": self.replications,
            "seed": self.seed,
            "crn": self.crn,
            "metrics": list(self.metrics),
            "days": self.days,
            "set": dict(self.set),
            "keep_events": self.keep_events,
            "design": {
                "method": self.design.method,
                "samples": self.design.samples,
                "seed": self.design.seed,
                "calc_second_order": self.design.calc_second_order,
                "num_levels": self.design.num_levels,
            },
            "factors": {f.name: f.describe() for f in self.factors},
        }
        return json.loads(json.dumps(data))


def run_seed(master: int, point: int, replication: int, crn: bool) -> int:
    """A run's seed: ``SeedSequence([master, (point,) replication]).generate_state(1)[0]``."""
    entropy = [master, replication] if crn else [master, point, replication]
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


def example_names() -> list[str]:
    """The example sweeps that ship with Ship It, by name (``morris`` for ``morris.toml``)."""
    return sorted(path.stem for path in resources.sweep_examples().glob("*.toml"))


def example_path(ref: str | Path) -> Path | None:
    """The shipped example sweep that ``ref`` names, when it is a bare name and no such file.

    So ``shipit sweep morris`` works after ``pipx install``, where the examples live inside
    the installed package.  A file of that name in the working directory wins.
    """
    text = str(ref)
    if Path(text).exists() or not EXAMPLE_NAME.fullmatch(text) or text not in example_names():
        return None
    return resources.sweep_examples() / f"{text}.toml"


def load_sweep(path: str | Path) -> SweepSpec:
    """Load and validate a sweep file, its base scenario and every design point.

    Every failure is a :class:`ScenarioError` (file, key path, what is allowed), a file
    nested too deeply to read (arrays or tables hundreds of levels deep) or too big to hold
    in memory included.
    """
    path = example_path(path) or path
    source = str(path)
    try:
        return _load_sweep(path, source)
    except RecursionError:
        raise ScenarioError(
            source,
            "",
            "nested too deeply to read (arrays or tables inside each other hundreds of "
            "levels deep); a sweep file needs at most a table of levels per factor",
        ) from None
    except MemoryError:
        raise ScenarioError(
            source, "", "too big to read into memory; a sweep file is a few lines of TOML"
        ) from None


def _load_sweep(path: str | Path, source: str) -> SweepSpec:
    """:func:`load_sweep` without the guard against runaway nesting and size."""
    spec_path = Path(path).expanduser()
    parsed, text = read_sweep_file(spec_path, source)
    sweep, design = parsed.sweep, parsed.design

    base, base_path = _load_base(sweep.base, spec_path, source)
    fixed = flatten(sweep.set)
    for key in fixed:
        check_key(key, source, f"sweep.set.{quote_key(key)}", factor=False)
    updates = dict(fixed)
    if sweep.days is not None:
        if "run.days" in fixed:
            raise ScenarioError(
                source,
                'sweep.set."run.days"',
                "run.days is also given as [sweep] days; give it once",
            )
        updates["run.days"] = sweep.days
    base = apply_fixed(base, updates, fixed, source)

    metrics = check_metrics(sweep.metrics, source)
    factors = tuple(
        check_factor(key, raw, base, source) for key, raw in flatten(parsed.factors).items()
    )
    check_design(design, factors, source)
    built = build_design(
        design.method,
        factors,
        samples=design.samples,
        seed=sweep.seed if design.seed is None else design.seed,
        calc_second_order=design.second_order,
        num_levels=design.levels,
    )
    check_points(base, built, source)
    return SweepSpec(
        source=source,
        text=text,
        name=sweep.name,
        base_ref=sweep.base,
        base=base,
        replications=sweep.replications,
        seed=sweep.seed,
        crn=sweep.crn,
        metrics=metrics,
        days=sweep.days,
        set=fixed,
        keep_events=sweep.keep_events,
        factors=factors,
        design=built,
        base_path=base_path,
    )


# --------------------------------------------------------------------------- the base


def _load_base(ref: str, spec_path: Path, source: str) -> tuple[Scenario, str | None]:
    """The base scenario: a built-in name, or a path relative to the spec file."""
    builtin = is_builtin_ref(ref)
    target = ref
    if not builtin:
        candidate = Path(ref).expanduser()
        if not candidate.is_absolute():
            candidate = spec_path.parent / candidate
        target = str(candidate)
    try:
        scenario = load_scenario(target)
    except ScenarioError as exc:
        if exc.key:  # a bad value inside the base file: that file and key say it best
            raise
        problem = exc.problem if builtin else f"{target}: {exc.problem}"
        raise ScenarioError(source, "sweep.base", problem) from None
    return scenario, None if builtin else str(Path(target).resolve())


__all__ = [
    "METHODS",
    "SweepSpec",
    "example_names",
    "example_path",
    "load_sweep",
    "run_seed",
]
