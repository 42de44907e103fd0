"""Sweep files: which scenario, which factors, which design, how many replications.

A sweep file is TOML, validated as strictly as a scenario (unknown keys, wrong types and
out-of-range values are errors), and every mistake is one :class:`~sim.errors.ScenarioError`
naming the file, the key path and what is allowed.  Every design point's scenario is built
and validated when the file is loaded, so bad input fails before the first run.

The shape (``scenarios/sweeps/*.toml`` are commented examples)::

    [sweep]
    name = "deploy-and-test"
    base = "water-scrum-fall"   # built-in name, or a path relative to this file
    replications = 5            # runs per design point (default 1)
    seed = 42                   # master seed; every run's seed derives from it (default 1)
    crn = true                  # common random numbers across points (default true)
    metrics = ["deployment_frequency_per_day", "lead_time_hours_median"]  # or "all"
    days = 120                  # optional: run.days for every run
    keep_events = false         # optional: write each run's event log to DIR/_events/

    [sweep.set]                 # optional: values fixed for every run
    "run.warmup_days" = 30

    [design]
    method = "factorial"        # factorial | lhs | sobol | morris
    samples = 16                # lhs: points; sobol: base N (a power of 2); morris: trajectories
    # second_order = true       # sobol only: also sample for second-order indices
    # levels = 4                # morris only: grid levels
    # seed = 7                  # design sampling seed (default: [sweep] seed)

    [factors]                   # "section.key" = [levels]  or  { min = .., max = .. }
    "practices.deployment" = ["manual", "automated"]
    "org.developers" = { min = 8, max = 24 }    # ranges: lhs, sobol, morris only
    "org.structure" = ["silos", "cross_functional"]

Factor keys are scenario keys (``shipit schema``); any setting that is true/false, a
choice or a number can be a factor, except ``run.seed`` (the sweep owns the seeds).
Unquoted dotted keys (``practices.deployment = [...]``) work too: TOML reads them as a
``[factors.practices]`` table, which is flattened back.

**Seeds.**  Every run gets its own seed, recorded in its row:
``numpy.random.SeedSequence([seed, replication]).generate_state(1)[0]`` with ``crn = true``
(so replication *r* of every design point sees the same random numbers), or
``SeedSequence([seed, point, replication])...`` with ``crn = false``.  A row reproduces
exactly with ``run_replication(base.with_values(point values), replication, seed)``.
"""

from __future__ import annotations

import json
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.fields import FieldInfo

from sim.errors import ScenarioError
from sim.loading import (
    _describe,
    _did_you_mean,
    _is_builtin_ref,
    _join,
    _literal_choices,
    _read_toml,
    _section_model,
    _strip_optional,
    _unknown_key,
    _unknown_section,
    _unwrap_annotated,
    explain_error,
    load_scenario,
    show,
    type_name,
)
from sim.metrics.definitions import METRICS
from sim.scenario import Scenario

from ..inputs import read_text_input
from ..limits import HORIZON_DAYS_MAX, REPLICATIONS_MAX, SEED_MAX
from .design import METHODS, Design, Factor, Kind, build_design, expected_points

# --------------------------------------------------------------------------- metrics

PATTERN_KEYS: dict[str, tuple[str, ...]] = {
    "<stage>": ("development", "manual_test", "regression", "deploy"),
    "<pool>": ("dev", "qa", "ops", "team"),
    "<cause>": ("defect", "deploy_error", "config", "background", "security", "injected"),
}
"""What the pattern keys of :data:`~sim.metrics.definitions.METRICS` expand to."""


def _expand(name: str) -> list[str]:
    for placeholder, values in PATTERN_KEYS.items():
        if placeholder in name:
            return [name.replace(placeholder, value) for value in values]
    return [name]


ALL_METRICS: tuple[str, ...] = tuple(
    key for metric in METRICS for key in (_expand(metric.name) if metric.pattern else [metric.name])
)
"""Every metric a sweep can keep (``metrics = "all"``), in table order."""

DEFAULT_METRICS: tuple[str, ...] = (
    "deployment_frequency_per_day",
    "lead_time_hours_median",
    "change_failure_rate",
    "time_to_restore_hours_median",
    "rework_rate",
    "throughput_per_week",
    "customer_lead_time_hours_median",
    "availability",
    "unplanned_work_share",
)
"""Kept when the sweep file names none: the DORA four keys and a few flow measures."""

# --------------------------------------------------------------------------- the file


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)


class SweepSection(_Strict):
    """``[sweep]``: the base scenario, replications, seeds and what to keep."""

    name: str = Field(min_length=1, max_length=80, description="Name of the sweep.")
    base: str = Field(min_length=1, description="Built-in scenario name or path to a .toml.")
    replications: int = Field(1, ge=1, le=REPLICATIONS_MAX, description="Runs per design point.")
    seed: int = Field(1, ge=0, le=SEED_MAX, description="Master seed of every run.")
    crn: bool = Field(True, description="Common random numbers across design points.")
    metrics: Annotated[tuple[str, ...], Field(strict=False, min_length=1)] = Field(
        DEFAULT_METRICS, description='Metric keys to keep, or "all".'
    )
    days: float | None = Field(
        None, gt=0, le=HORIZON_DAYS_MAX, description="run.days for every run."
    )
    keep_events: bool = Field(False, description="Write each run's event log to DIR/_events.")
    set: dict[str, Any] = Field({}, description="Scenario values fixed for every run.")

    @field_validator("metrics", mode="before")
    @classmethod
    def _all(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value == "all":
                return ("all",)
            raise ValueError(f'expected an array of metric names or "all", got {show(value)}')
        return value


class DesignSection(_Strict):
    """``[design]``: how the design points are chosen."""

    method: Literal["factorial", "lhs", "sobol", "morris"] = Field(
        "factorial", description="Design method."
    )
    samples: int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="lhs: points; sobol: base N (a power of 2); morris: trajectories.",
    )
    second_order: bool = Field(True, description="sobol: sample for second-order indices.")
    levels: int = Field(4, ge=2, le=100, description="morris: number of grid levels.")
    seed: int | None = Field(
        None, ge=0, le=SEED_MAX, description="Design sampling seed (default: [sweep] seed)."
    )


class SweepFile(_Strict):
    """A whole sweep file."""

    sweep: SweepSection
    design: DesignSection = DesignSection()
    factors: dict[str, Any] = Field({}, description="Scenario key -> levels or range.")


SECTIONS = tuple(SweepFile.model_fields)

# --------------------------------------------------------------------------- the spec


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


def load_sweep(path: str | Path) -> SweepSpec:
    """Load and validate a sweep file, its base scenario and every design point.

    Every failure is a :class:`ScenarioError` (file, key path, what is allowed), a file
    nested too deeply to read (arrays or tables hundreds of levels deep) or too big to hold
    in memory included.
    """
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


SWEEP_FILE = "a sweep .toml file"
"""What a sweep spec path must hold, for messages about the file itself."""


def _load_sweep(path: str | Path, source: str) -> SweepSpec:
    """:func:`load_sweep` without the guard against runaway nesting and size."""
    spec_path = Path(path).expanduser()
    data = _read_toml(spec_path, source, what=SWEEP_FILE)
    if not data:
        raise ScenarioError(
            source,
            "sweep",
            "the file has no settings; a [sweep] section with a name and a base "
            'is required, e.g. [sweep] name = "my-sweep" base = "elite"',
        )
    text = read_text_input(spec_path, source, what=SWEEP_FILE)  # kept with the results
    try:
        parsed = SweepFile.model_validate(data)
    except ValidationError as exc:
        raise _convert_file(exc, source) from None
    sweep, design = parsed.sweep, parsed.design

    base, base_path = _load_base(sweep.base, spec_path, source)
    fixed = _flatten(sweep.set)
    for key in fixed:
        _check_key(key, source, f"sweep.set.{_quote(key)}", factor=False)
    updates = dict(fixed)
    if sweep.days is not None:
        if "run.days" in fixed:
            raise ScenarioError(
                source,
                'sweep.set."run.days"',
                "run.days is also given as [sweep] days; give it once",
            )
        updates["run.days"] = sweep.days
    base = _apply_fixed(base, updates, fixed, source)

    metrics = _metrics(sweep.metrics, source)
    factors = tuple(
        _factor(key, raw, base, source) for key, raw in _flatten(parsed.factors).items()
    )
    _check_design(design, factors, source)
    built = build_design(
        design.method,
        factors,
        samples=design.samples,
        seed=sweep.seed if design.seed is None else design.seed,
        calc_second_order=design.second_order,
        num_levels=design.levels,
    )
    _check_points(base, built, source)
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


# --------------------------------------------------------------------------- pieces


def _quote(key: str) -> str:
    """A dotted scenario key as a TOML key inside a table: ``"org.developers"``."""
    return f'"{key}"'


def _load_base(ref: str, spec_path: Path, source: str) -> tuple[Scenario, str | None]:
    """The base scenario: a built-in name, or a path relative to the spec file."""
    builtin = _is_builtin_ref(ref)
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


def _flatten(table: Mapping[str, Any]) -> dict[str, Any]:
    """``{"org": {"developers": x}}`` (unquoted dotted keys) -> ``{"org.developers": x}``."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if "." not in key and isinstance(value, dict) and key in Scenario.model_fields:
            for name, inner in value.items():
                flat[f"{key}.{name}"] = inner
        else:
            flat[key] = value
    return flat


def _check_key(key: str, source: str, where: str, *, factor: bool) -> Kind | None:
    """Check that ``key`` is a real scenario key; for a factor, a variable one.

    Returns the factor kind for a factor (None for a ``[sweep.set]`` key).
    """
    parts = key.split(".")
    if len(parts) != 2 or not all(parts):
        raise ScenarioError(
            source,
            where,
            'expected a scenario key: a section and a key joined by one dot, e.g. "org.developers"',
        )
    section, name = parts
    model = _section_model(section)
    if model is None:
        raise ScenarioError(source, where, _unknown_section(section))
    info = model.model_fields.get(name)
    if info is None:
        raise ScenarioError(source, where, _unknown_key(section, name, model))
    if key == "run.seed":
        raise ScenarioError(
            source,
            where,
            "the sweep sets every run's seed from [sweep] seed (recorded per "
            "run); to see more randomness, raise [sweep] replications",
        )
    if not factor:
        return None
    if section == "scenario":
        raise ScenarioError(source, where, "the [scenario] section describes it; it cannot vary")
    kind = _field_kind(info.annotation)
    if kind is None:
        raise ScenarioError(
            source,
            where,
            f"only true/false, choice and number settings can vary; {key} takes "
            f"{_describe(info.annotation, info.metadata)}; fix it in [sweep.set] instead",
        )
    return kind


def _scenario_field(key: str) -> FieldInfo:
    """The schema field of a checked ``section.key``."""
    section, name = key.split(".")
    return typing.cast(type[BaseModel], _section_model(section)).model_fields[name]


def _field_kind(annotation: Any) -> Kind | None:
    """The factor kind of a scenario field's type, or None if it cannot be a factor."""
    inner, _ = _unwrap_annotated(_strip_optional(annotation), [])
    if _literal_choices(inner):
        return "categorical"
    if inner is bool:
        return "bool"
    if inner is int:
        return "integer"
    if inner is float:
        return "numeric"
    return None


def _apply_fixed(
    base: Scenario, updates: dict[str, Any], fixed: Mapping[str, Any], source: str
) -> Scenario:
    """The base with ``[sweep.set]`` and ``days`` applied; errors name the key in the file."""
    if not updates:
        return base
    try:
        return base.with_values(updates)
    except ValidationError as exc:
        error = explain_error(exc, source)
    if error.key in fixed:
        raise ScenarioError(source, f"sweep.set.{_quote(error.key)}", error.problem) from None
    if error.key == "run.days":
        raise ScenarioError(source, "sweep.days", error.problem) from None
    if error.key == "run.warmup_days" and "run.days" in updates:
        hint = '; shorten the warm-up too: [sweep.set] "run.warmup_days" = N'
        raise ScenarioError(source, "sweep.days", f"{error.key} {error.problem}{hint}") from None
    raise ScenarioError(source, "sweep.set", f"{error.key} {error.problem}".strip()) from None


def _metrics(names: tuple[str, ...], source: str) -> tuple[str, ...]:
    """The metric keys to keep, checked against every key a run can produce."""
    if "all" in names:
        if len(names) > 1:
            raise ScenarioError(source, "sweep.metrics", '"all" keeps every metric; give it alone')
        return ALL_METRICS
    seen: list[str] = []
    for name in names:
        if name not in ALL_METRICS:
            raise ScenarioError(
                source,
                "sweep.metrics",
                _join(
                    f"unknown metric {show(name)}",
                    _did_you_mean(name, ALL_METRICS, quote='"'),
                    'see docs/metrics.md for the keys, or write metrics = "all"',
                ),
            )
        if name in seen:
            raise ScenarioError(source, "sweep.metrics", f"{show(name)} is listed twice")
        seen.append(name)
    return tuple(seen)


def _factor(key: str, raw: Any, base: Scenario, source: str) -> Factor:
    """One factor, its levels or range checked against the base scenario."""
    where = f"factors.{_quote(key)}"
    kind = typing.cast(Kind, _check_key(key, source, where, factor=True))
    if isinstance(raw, list):
        if not raw:
            raise ScenarioError(source, where, "no levels; give at least one value")
        levels: list[Any] = []
        for level in raw:
            value = float(level) if _is_number(level) and kind == "numeric" else level
            _check_value(base, key, value, source, where)
            if any(type(seen) is type(value) and seen == value for seen in levels):
                raise ScenarioError(source, where, f"the level {show(level)} is listed twice")
            levels.append(value)
        return Factor(key, kind, levels=tuple(levels))
    if isinstance(raw, dict):
        example = "{ min = 8, max = 24 }"
        if kind not in ("integer", "numeric"):
            info = _scenario_field(key)
            raise ScenarioError(
                source,
                where,
                f"a range needs a number setting; {key} takes "
                f"{_describe(info.annotation, info.metadata)}: give a list of levels",
            )
        if set(raw) != {"min", "max"}:
            extra = sorted(set(raw) - {"min", "max"})
            what = f"unknown keys {', '.join(map(repr, extra))}" if extra else "missing min or max"
            raise ScenarioError(source, where, f"a range is a table {example}; {what}")
        low, high = raw["min"], raw["max"]
        for end, value in (("min", low), ("max", high)):
            if not _is_number(value):
                raise ScenarioError(
                    source,
                    f"{where}.{end}",
                    f"expected a number, got {show(value)} ({type_name(value)})",
                )
            _check_value(
                base, key, float(value) if kind == "numeric" else value, source, f"{where}.{end}"
            )
        if not low < high:
            raise ScenarioError(
                source, where, f"min ({show(low)}) must be less than max ({show(high)})"
            )
        if kind == "numeric":
            low, high = float(low), float(high)
        return Factor(key, kind, low=low, high=high)
    raise ScenarioError(
        source,
        where,
        "expected a list of levels, e.g. [1, 2], or a range { min = .., max = .. }, "
        f"got {show(raw)} ({type_name(raw)}); to fix a value for every run, use [sweep.set]",
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_value(base: Scenario, key: str, value: Any, source: str, where: str) -> None:
    """Apply one factor value to the base scenario; a bad value names the factor."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(source, where, f"{show(value)} is not a finite number")
    try:
        base.with_values({key: value})
    except ValidationError as exc:
        error = explain_error(exc, source)
        if error.key == key:
            raise ScenarioError(source, where, error.problem) from None
        raise ScenarioError(
            source, where, f"with {key} = {show(value)}: {error.key} {error.problem}".strip()
        ) from None


def _check_design(design: DesignSection, factors: tuple[Factor, ...], source: str) -> None:
    """Method-specific rules: ranges, samples, power-of-two N, method-only settings."""
    method = design.method
    given = design.model_fields_set
    if method == "factorial":
        ranged = [f.name for f in factors if f.is_range]
        if ranged:
            raise ScenarioError(
                source,
                f"factors.{_quote(ranged[0])}",
                "a range needs design.method lhs, sobol "
                "or morris; in a factorial design give a list of levels, e.g. [8, 16, 24]",
            )
        if "samples" in given:
            raise ScenarioError(
                source,
                "design.samples",
                "a factorial design runs every combination of the "
                "levels; remove samples (or choose method lhs, sobol or morris)",
            )
    else:
        if design.samples is None:
            what = {"lhs": "points", "sobol": "base N, a power of 2", "morris": "trajectories"}[
                method
            ]
            raise ScenarioError(
                source, "design.samples", f"missing; a {method} design needs samples ({what})"
            )
        if not factors:
            raise ScenarioError(source, "factors", f"a {method} design needs at least one factor")
    if method == "sobol":
        n = typing.cast(int, design.samples)
        if n & (n - 1):
            low = 1 << (n.bit_length() - 1)
            raise ScenarioError(
                source,
                "design.samples",
                f"{n} is not a power of 2 (Sobol' sequences need one); try {low} or {low * 2}",
            )
    if "second_order" in given and method != "sobol":
        raise ScenarioError(source, "design.second_order", "applies to method sobol only")
    if "levels" in given and method != "morris":
        raise ScenarioError(source, "design.levels", "applies to method morris only")
    total = expected_points(method, factors, design.samples, design.second_order)
    if total > 10_000_000:
        raise ScenarioError(
            source, "design", f"{total} design points is more than 10 000 000; sweep fewer"
        )


def _check_points(base: Scenario, design: Design, source: str) -> None:
    """Build every design point's scenario once, so a bad combination fails up front."""
    seen: set[tuple[tuple[str, Any], ...]] = set()
    for point, values in enumerate(design.points):
        signature = tuple((k, type(v).__name__, v) for k, v in values.items())
        if signature in seen:
            continue
        seen.add(signature)  # type: ignore[arg-type]
        try:
            base.with_values(values)
        except ValidationError as exc:
            error = explain_error(exc, source)
            shown = ", ".join(f"{k} = {show(v)}" for k, v in values.items())
            raise ScenarioError(
                source,
                "factors",
                f"design point {point} ({shown}) is invalid: {error.key} {error.problem}".strip(),
            ) from None


# --------------------------------------------------------------------------- file errors


def _convert_file(exc: ValidationError, source: str) -> ScenarioError:
    """pydantic's first error in the sweep file as one line, like :mod:`sim.loading` does."""
    error = exc.errors(include_url=False)[0]
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    names = tuple(str(part) for part in loc if isinstance(part, str))
    key = ".".join(names)
    if kind == "extra_forbidden":
        name = names[-1]
        if len(names) == 1:
            problem = _join(
                f"unknown section [{name}]",
                _did_you_mean(name, SECTIONS, brackets=True),
                "allowed: " + ", ".join(f"[{s}]" for s in SECTIONS),
            )
        else:
            model = _file_model(names[:-1])
            allowed = list(model.model_fields) if model else []
            problem = _join(
                f"unknown key {name!r} in [{'.'.join(names[:-1])}]",
                _did_you_mean(name, allowed),
                f"allowed: {', '.join(allowed)}",
            )
        return ScenarioError(source, key, problem)
    if kind == "missing":
        if len(names) == 1:
            return ScenarioError(
                source,
                key,
                f"missing the [{key}] section; it needs at least a name and a base, "
                'e.g. [sweep] name = "my-sweep" base = "elite"',
            )
        return ScenarioError(source, key, f"missing required key; expected {_expect(names)}")
    expect = _expect(names)
    shown = f"{show(value)} ({type_name(value)})" if not isinstance(value, dict) else "a table"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        problem = f"{show(value)} is out of range; allowed: {expect}"
    elif kind == "literal_error":
        choices = _literal_choices(_file_field(names).annotation) if _file_field(names) else []
        hint = _did_you_mean(str(value), [str(c) for c in choices], quote='"')
        problem = _join(f"{show(value)} is not allowed", hint, f"allowed: {expect}")
    elif kind in {"string_too_short", "string_too_long", "too_short", "too_long"}:
        problem = (
            f"{show(value)} is too {'short' if 'short' in kind else 'long'}; allowed: {expect}"
        )
    elif kind == "finite_number":
        problem = f"{show(value)} is not a finite number; allowed: {expect}"
    elif kind == "int_type" and isinstance(value, float) and value.is_integer():
        problem = f"expected {expect}, got {shown}; write {int(value)} without a decimal point"
    elif kind == "model_type" and len(names) == 1:
        problem = f"expected the [{key}] section (a table), got {shown}"
    elif kind == "value_error":
        problem = str(ctx.get("error", error["msg"]))
    elif kind.endswith("_type"):
        problem = f"expected {expect}, got {shown}"
    else:
        problem = f"{error['msg']}; allowed: {expect}"
    return ScenarioError(source, key, problem)


def _file_model(names: tuple[str, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] = SweepFile
    for name in names:
        info = model.model_fields.get(name)
        if info is None:
            return None
        inner = _strip_optional(info.annotation)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return None
        model = inner
    return model


def _file_field(names: tuple[str, ...]) -> Any:
    model = _file_model(names[:-1]) if names else None
    return model.model_fields.get(names[-1]) if model else None


def _expect(names: tuple[str, ...]) -> str:
    info = _file_field(names)
    if info is None:
        return "a valid value"
    if names[-1] == "metrics":
        return 'an array of metric names, or "all"'
    if names[-1] == "set":
        return 'a table of scenario keys and values, e.g. "run.warmup_days" = 30'
    return _describe(info.annotation, info.metadata)


__all__ = [
    "ALL_METRICS",
    "DEFAULT_METRICS",
    "METHODS",
    "SweepSpec",
    "load_sweep",
    "run_seed",
]
