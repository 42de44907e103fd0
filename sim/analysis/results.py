"""Reading a sweep result directory: the spec (``_sweep.json``) and the run rows (Parquet).

The directory is the contract between ``shipit sweep`` (which writes it) and the analysis
(which only reads it)::

    DIR/_sweep.json        name, base, design, factors, replications, metrics, provenance
    DIR/part-*.parquet     one row per run: run_id, point, replication, seed, one column
                           per factor (dotted key), one float column per metric, status, error

Everything wrong with the directory is a :class:`~sim.errors.ScenarioError` naming the
directory (or file) and the key, so the CLI reports it in one line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import ScenarioError
from ..inputs import METADATA_MAX_BYTES, read_text_input

SPEC_FILE = "_sweep.json"
PART_GLOB = "part-*.parquet"
DESIGNS = ("factorial", "lhs", "sobol", "morris")
KINDS = ("categorical", "numeric", "integer", "bool")
REQUIRED_COLUMNS = ("point", "replication", "status")
OK = "ok"


@dataclass(frozen=True)
class Factor:
    """One swept factor: its dotted key, kind and declared levels or range."""

    key: str
    kind: str
    levels: tuple[Any, ...] = ()
    """Declared levels in their declared order (categorical, bool; may be empty)."""
    low: float | None = None
    high: float | None = None

    @property
    def numeric(self) -> bool:
        """Whether the factor's values have a scale (a slope per unit makes sense)."""
        return self.kind in ("numeric", "integer")


@dataclass(frozen=True)
class Sweep:
    """A sweep result directory, read and checked."""

    directory: Path
    name: str
    base: str
    method: str
    design: Mapping[str, Any]
    factors: tuple[Factor, ...]
    replications: int
    metrics: tuple[str, ...]
    """Metrics the sweep kept, in its order (each has a float column, NaN = no value)."""
    provenance: Mapping[str, Any]
    runs: pd.DataFrame = field(repr=False)
    """Every run row (one per point and replication; a rerun replaces a failure)."""
    points: pd.DataFrame = field(repr=False)
    """Factor values per design point, indexed by point number, in point order."""
    declared_crn: bool | None = None
    """``crn`` as ``_sweep.json`` states it, when it does."""

    @property
    def ok(self) -> pd.DataFrame:
        """Runs that finished (status "ok")."""
        return self.runs[self.runs["status"] == OK]

    @property
    def failed(self) -> pd.DataFrame:
        """Runs that raised (any status other than "ok"), with their error."""
        return self.runs[self.runs["status"] != OK]

    @property
    def fixed(self) -> tuple[str, ...]:
        """Factors the design holds at a single value (not varied)."""
        return tuple(f.key for f in self.factors if self.points[f.key].nunique() < 2)

    @property
    def expected_runs(self) -> int:
        """Runs the design asks for: points × replications."""
        return len(self.points) * self.replications

    @property
    def crn(self) -> bool | None:
        """Whether every point ran replication r on the same seed (common random numbers).

        Taken from ``_sweep.json`` when it says, else from the rows' seeds; None when
        neither tells.
        """
        if self.declared_crn is not None:
            return self.declared_crn
        if "seed" not in self.runs.columns or self.runs.empty:
            return None
        return bool((self.runs.groupby("replication")["seed"].nunique() <= 1).all())


def load_sweep(directory: Path) -> Sweep:
    """Read and check a sweep result directory; :class:`ScenarioError` on bad input."""
    directory = Path(directory)
    source = str(directory)
    if not directory.exists():
        raise ScenarioError(source, "", "no such directory")
    if not directory.is_dir():
        raise ScenarioError(source, "", "not a directory; give a sweep result directory")
    spec_path = directory / SPEC_FILE
    if not spec_path.is_file():
        raise ScenarioError(
            source, SPEC_FILE, "not a sweep result directory: it has no _sweep.json "
            "(written by `shipit sweep`)"
        )  # fmt: skip
    spec = _read_spec(spec_path)
    parts = sorted(directory.glob(PART_GLOB))
    if not parts:
        raise ScenarioError(
            source, PART_GLOB, "no result parts: the sweep has not written any runs yet"
        )
    runs = _read_parts(parts)
    design = spec["design"]
    factors = _factors(spec_path, spec["factors"])
    metrics = tuple(str(m) for m in spec["metrics"])
    runs = _normalise(runs, factors, metrics)
    return Sweep(
        directory=directory,
        name=str(spec.get("name", directory.name)),
        base=str(spec.get("base", "")),
        method=design["method"],
        design=design,
        factors=factors,
        replications=int(spec["replications"]),
        metrics=metrics,
        provenance=spec.get("provenance") or {},
        runs=runs,
        points=_points(runs, factors, design.get("points") or []),
        declared_crn=spec["crn"] if isinstance(spec.get("crn"), bool) else None,
    )


def _read_spec(path: Path) -> dict[str, Any]:
    """The parsed ``_sweep.json``, with its required keys checked."""
    source = str(path)
    text = read_text_input(path, source, limit=METADATA_MAX_BYTES, what="sweep metadata (JSON)")
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(source, "", f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ScenarioError(source, "", "not valid JSON: nested too deeply") from None
    if not isinstance(spec, dict):
        raise ScenarioError(source, "", "expected a JSON object")
    for key, kind in (("design", dict), ("factors", dict), ("metrics", list),
                      ("replications", int)):  # fmt: skip
        if key not in spec:
            raise ScenarioError(source, key, "missing")
        if not isinstance(spec[key], kind) or isinstance(spec[key], bool):
            raise ScenarioError(source, key, f"expected {kind.__name__}")
    method = spec["design"].get("method")
    if method not in DESIGNS:
        raise ScenarioError(
            source, "design.method", f"{method!r} is not one of {', '.join(DESIGNS)}"
        )
    return spec


def _factors(path: Path, raw: Mapping[str, Any]) -> tuple[Factor, ...]:
    """The factors in declared order."""
    factors = []
    for key, entry in raw.items():
        if not isinstance(entry, dict) or entry.get("kind") not in KINDS:
            raise ScenarioError(
                str(path), f"factors.{key}.kind", f"expected one of {', '.join(KINDS)}"
            )
        levels = tuple(entry.get("levels") or ())
        if entry["kind"] == "bool" and not levels:
            levels = (False, True)
        factors.append(
            Factor(
                key=key,
                kind=entry["kind"],
                levels=levels,
                low=_float(entry.get("min")),
                high=_float(entry.get("max")),
            )
        )
    return tuple(factors)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _read_parts(parts: Sequence[Path]) -> pd.DataFrame:
    """All parts as one frame; a metric that is all-null in one part still unifies."""
    tables = []
    for part in parts:
        try:
            tables.append(pq.read_table(part))
        except (OSError, pa.ArrowException) as exc:
            raise ScenarioError(str(part), "", f"cannot read this Parquet part: {exc}") from None
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException as exc:
        raise ScenarioError(str(parts[0].parent), PART_GLOB, f"parts disagree: {exc}") from None
    frame = table.to_pandas()
    for column in REQUIRED_COLUMNS:
        if column not in frame.columns:
            raise ScenarioError(str(parts[0]), column, "missing column in the run rows")
    return frame


def _normalise(
    runs: pd.DataFrame, factors: Sequence[Factor], metrics: Sequence[str]
) -> pd.DataFrame:
    """Typed columns, one row per (point, replication): an "ok" rerun beats a failure."""
    runs = runs.copy()
    runs["point"] = runs["point"].astype("int64")
    runs["replication"] = runs["replication"].astype("int64")
    runs["status"] = runs["status"].astype(str)
    if "error" not in runs.columns:
        runs["error"] = ""
    runs["error"] = runs["error"].fillna("").astype(str)
    if "run_id" not in runs.columns:
        runs["run_id"] = [
            f"p{p}-r{r}" for p, r in zip(runs["point"], runs["replication"], strict=True)
        ]
    for metric in metrics:
        if metric in runs.columns:
            runs[metric] = pd.to_numeric(runs[metric], errors="coerce").astype("float64")
        else:
            runs[metric] = math.nan
    for factor in factors:
        if factor.key in runs.columns and factor.kind == "categorical":
            runs[factor.key] = runs[factor.key].astype(object)
    runs["_ok"] = runs["status"] == OK
    runs = runs.sort_values(["point", "replication", "_ok"], kind="stable")
    runs = runs.drop_duplicates(["point", "replication"], keep="last").drop(columns="_ok")
    return runs.reset_index(drop=True)


def _points(
    runs: pd.DataFrame, factors: Sequence[Factor], declared: Sequence[Mapping[str, Any]]
) -> pd.DataFrame:
    """Factor values per point: from the run rows, else from the design's point list."""
    keys = [f.key for f in factors]
    rows: dict[int, dict[str, Any]] = {}
    for entry in declared:
        values = entry.get("values") or {}
        rows[int(entry["point"])] = {k: values.get(k) for k in keys}
    present = [k for k in keys if k in runs.columns]
    if present:
        first = runs.drop_duplicates("point").set_index("point")[present]
        for point, values in first.iterrows():
            row = rows.setdefault(int(point), dict.fromkeys(keys))
            row.update({k: _plain(values[k]) for k in present})
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=keys)
    frame.index.name = "point"
    for factor in factors:
        column = frame[factor.key]
        if factor.kind == "bool":
            frame[factor.key] = column.astype(object)
        elif factor.numeric:
            frame[factor.key] = pd.to_numeric(column, errors="coerce")
        else:
            frame[factor.key] = column.astype(object)
    return frame.sort_index()


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value (so True is True, 3 is 3)."""
    return value.item() if hasattr(value, "item") else value
