"""What a sweep file's values mean together: scenario keys, factors, metrics, design rules.

The file's schema (:mod:`sim.sweep.file`) checks each value alone; these checks need the
scenario schema and the base scenario.  Factor and ``[sweep.set]`` keys are looked up the
way ``--set`` overrides are (:func:`sim.overrides.scenario_field`), every level and range
end is applied to the base scenario, and every design point's scenario is built once, so
bad input fails before the first run.  Each failure is one
:class:`~sim.errors.ScenarioError` whose key path points into the sweep file.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.fieldtext import (
    describe,
    did_you_mean,
    explain,
    join_clauses,
    literal_choices,
    show,
    strip_optional,
    type_name,
    unwrap_annotated,
)
from sim.metrics.definitions import ALL_METRICS
from sim.overrides import scenario_field
from sim.scenario import Scenario

from .design import Design, Factor, Kind, expected_points
from .file import DesignSection

MAX_POINTS = 10_000_000
"""Most design points a sweep may have: more would not finish (nor fit in memory)."""


def quote_key(key: str) -> str:
    """A dotted scenario key as a TOML key inside a table: ``"org.developers"``."""
    return f'"{key}"'


def flatten(table: Mapping[str, Any]) -> dict[str, Any]:
    """``{"org": {"developers": x}}`` (unquoted dotted keys) -> ``{"org.developers": x}``."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if "." not in key and isinstance(value, dict) and key in Scenario.model_fields:
            for name, inner in value.items():
                flat[f"{key}.{name}"] = inner
        else:
            flat[key] = value
    return flat


def check_key(key: str, source: str, where: str, *, factor: bool) -> Kind | None:
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
    info = scenario_field(section, name, source, where)
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
            f"{describe(info.annotation, info.metadata)}; fix it in [sweep.set] instead",
        )
    return kind


def _field_kind(annotation: Any) -> Kind | None:
    """The factor kind of a scenario field's type, or None if it cannot be a factor."""
    inner, _ = unwrap_annotated(strip_optional(annotation), [])
    if literal_choices(inner):
        return "categorical"
    if inner is bool:
        return "bool"
    if inner is int:
        return "integer"
    if inner is float:
        return "numeric"
    return None


def apply_fixed(
    base: Scenario, updates: dict[str, Any], fixed: Mapping[str, Any], source: str
) -> Scenario:
    """The base with ``[sweep.set]`` and ``days`` applied; errors name the key in the file."""
    if not updates:
        return base
    try:
        return base.with_values(updates)
    except ValidationError as exc:
        error = explain(exc, source)
    if error.key in fixed:
        raise ScenarioError(source, f"sweep.set.{quote_key(error.key)}", error.problem) from None
    if error.key == "run.days":
        raise ScenarioError(source, "sweep.days", error.problem) from None
    if error.key == "run.warmup_days" and "run.days" in updates:
        hint = '; shorten the warm-up too: [sweep.set] "run.warmup_days" = N'
        raise ScenarioError(source, "sweep.days", f"{error.key} {error.problem}{hint}") from None
    raise ScenarioError(source, "sweep.set", f"{error.key} {error.problem}".strip()) from None


def check_metrics(names: tuple[str, ...], source: str) -> tuple[str, ...]:
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
                join_clauses(
                    f"unknown metric {show(name)}",
                    did_you_mean(name, ALL_METRICS, quote='"'),
                    'see docs/metrics.md for the keys, or write metrics = "all"',
                ),
            )
        if name in seen:
            raise ScenarioError(source, "sweep.metrics", f"{show(name)} is listed twice")
        seen.append(name)
    return tuple(seen)


def check_factor(key: str, raw: Any, base: Scenario, source: str) -> Factor:
    """One factor, its levels or range checked against the base scenario."""
    where = f"factors.{quote_key(key)}"
    kind = typing.cast(Kind, check_key(key, source, where, factor=True))
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
            section, name = key.split(".")
            info = scenario_field(section, name, source, where)
            raise ScenarioError(
                source,
                where,
                f"a range needs a number setting; {key} takes "
                f"{describe(info.annotation, info.metadata)}: give a list of levels",
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
    """An integer or a float, but not a boolean (which Python counts as an integer)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_value(base: Scenario, key: str, value: Any, source: str, where: str) -> None:
    """Apply one factor value to the base scenario; a bad value names the factor."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(source, where, f"{show(value)} is not a finite number")
    try:
        base.with_values({key: value})
    except ValidationError as exc:
        error = explain(exc, source)
        if error.key == key:
            raise ScenarioError(source, where, error.problem) from None
        raise ScenarioError(
            source, where, f"with {key} = {show(value)}: {error.key} {error.problem}".strip()
        ) from None


def check_design(design: DesignSection, factors: tuple[Factor, ...], source: str) -> None:
    """Method-specific rules: ranges, samples, power-of-two N, method-only settings."""
    method = design.method
    given = design.model_fields_set
    if method == "factorial":
        ranged = [f.name for f in factors if f.is_range]
        if ranged:
            raise ScenarioError(
                source,
                f"factors.{quote_key(ranged[0])}",
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
    if total > MAX_POINTS:
        raise ScenarioError(
            source, "design", f"{total} design points is more than 10 000 000; sweep fewer"
        )


def check_points(base: Scenario, design: Design, source: str) -> None:
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
            error = explain(exc, source)
            shown = ", ".join(f"{k} = {show(v)}" for k, v in values.items())
            raise ScenarioError(
                source,
                "factors",
                f"design point {point} ({shown}) is invalid: {error.key} {error.problem}".strip(),
            ) from None
