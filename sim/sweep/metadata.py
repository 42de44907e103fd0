"""A sweep directory's metadata: ``_spec.toml`` and ``_sweep.json``.

``_sweep.json`` holds the resolved spec, the design, the seeds' rule and provenance; it is
written when a sweep starts and updated after every session.  :func:`check_metadata`
refuses to resume a directory that holds another sweep (or other files).
"""

from __future__ import annotations

import contextlib
import json
import platform
import typing
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sim import __version__
from sim.errors import ScenarioError
from sim.exitcodes import EXIT_USAGE
from sim.inputs import METADATA_MAX_BYTES, read_text_input
from sim.outputs import OutputError, atomic_write

from .spec import SweepSpec
from .store import META_FILE, SPEC_FILE

FORMAT = "shipit-sweep/1"
"""The ``format`` of ``_sweep.json``."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def packages() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in (
        "simpy",
        "numpy",
        "scipy",
        "pydantic",
        "SALib",
        "pyarrow",
        "pandas",
        "dask",
        "distributed",
    ):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def sweep_document(spec: SweepSpec) -> dict[str, Any]:
    """The ``_sweep.json`` document of a sweep, before any run (provenance counts at 0)."""
    design = spec.design.describe()
    return {
        "format": FORMAT,
        "name": spec.name,
        "base": spec.base_ref,
        "base_path": spec.base_path,
        "replications": spec.replications,
        "seed": spec.seed,
        "crn": spec.crn,
        "days": spec.days,
        "set": dict(spec.set),
        "keep_events": spec.keep_events,
        "metrics": list(spec.metrics),
        "runs": spec.runs,
        "points": spec.points,
        "factors": {f.name: f.describe() for f in spec.factors},
        "method": spec.design.method,
        "problem": spec.design.problem,
        "calc_second_order": spec.design.calc_second_order,
        "num_levels": spec.design.num_levels,
        "design": design,
        "seeds": {
            "crn": spec.crn,
            "rule": "numpy.random.SeedSequence([seed, replication]).generate_state(1)[0]"
            if spec.crn
            else "numpy.random.SeedSequence([seed, point, replication]).generate_state(1)[0]",
            "reproduce": "sim.runner.run_replication(Scenario.model_validate(base_scenario)"
            ".with_values(point values), replication, seed)",
        },
        "run_id": "point * replications + replication",
        "spec": spec.resolved(),
        "base_scenario": spec.base.model_dump(mode="json"),
        "provenance": {
            "shipit_version": __version__,
            "python": platform.python_version(),
            "packages": packages(),
            "seed": spec.seed,
            "base_scenario_hash": spec.base.content_hash(),
            "created": now(),
            "updated": None,
            "sessions": 0,
            "runs_total": spec.runs,
            "runs_done": 0,
            "runs_error": 0,
            "finished": False,
        },
    }


def json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


def check_metadata(spec: SweepSpec, out: Path) -> dict[str, Any] | None:
    """The metadata of the sweep in ``out`` if it is this one; None for a new directory.

    A directory holding another sweep (or other files) is refused; nothing is written.
    """
    meta = out / META_FILE
    if not meta.exists():
        leftovers = [p.name for p in out.iterdir() if not p.name.startswith((".", "_"))]
        if leftovers:
            raise OutputError(
                f"--out {out}: is not empty and holds no sweep ({leftovers[0]} ...); "
                "give a new or empty directory"
            )
        return None
    try:
        text = read_text_input(meta, str(meta), limit=METADATA_MAX_BYTES, what="sweep metadata")
        old = json.loads(text)
        old_spec, old_points = old["spec"], old["design"]["points"]
    except ScenarioError as exc:
        raise OutputError(f"{meta}: cannot read the sweep metadata ({exc.problem})") from None
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        problem = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise OutputError(f"{meta}: cannot read the sweep metadata ({problem})") from None
    fresh = spec.resolved()
    difference = first_difference(old_spec, fresh)
    points = json.loads(json.dumps(spec.design.describe()["points"]))
    if difference is None and old_points != points:
        difference = "the design points differ (another SALib or scipy version?)"
    if difference is not None:
        raise OutputError(
            f"--out {out}: holds a different sweep ({difference}); resume it with the spec "
            f"that made it (see {SPEC_FILE}), or give a new --out directory",
            EXIT_USAGE,
        )
    return typing.cast(dict[str, Any], old)


def write_metadata(spec: SweepSpec, out: Path) -> dict[str, Any]:
    """Start a new sweep directory: the spec as given and ``_sweep.json``."""
    document = sweep_document(spec)
    atomic_write(out / SPEC_FILE, [spec.text])
    atomic_write(out / META_FILE, [json_text(document)])
    return document


def first_difference(old: Any, new: Any, path: str = "") -> str | None:
    """The first key path where two resolved specs differ, in words; None if equal."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            where = f"{path}.{key}" if path else str(key)
            if key not in old or key not in new:
                return f"{where} is only in {'the spec' if key in new else 'the directory'}"
            found = first_difference(old[key], new[key], where)
            if found:
                return found
        return None
    if old != new:
        label = {"base_hash": "the base scenario's content"}.get(path.rsplit(".", 1)[-1], path)
        if label != path:
            return f"{label} changed"
        return f"{path} is {json.dumps(old)} there, {json.dumps(new)} in the spec"
    return None


def close_metadata(out: Path, document: dict[str, Any], record: dict[str, Any]) -> None:
    """Record a session in ``_sweep.json``: ``record`` holds ``runs_total``,
    ``runs_done``, ``runs_error``, ``finished`` and ``last_session`` (see
    :meth:`sim.sweep.runner.SweepSummary.record`); the session count goes up by one."""
    provenance = document.setdefault("provenance", {})
    provenance.update(updated=now(), sessions=int(provenance.get("sessions") or 0) + 1, **record)
    with contextlib.suppress(OutputError):
        atomic_write(out / META_FILE, [json_text(document)])
