"""The sweep file's schema: ``[sweep]``, ``[design]`` and ``[factors]``, read and validated.

A sweep file is TOML, validated as strictly as a scenario (unknown keys, wrong types and
out-of-range values are errors), and every mistake is one :class:`~sim.errors.ScenarioError`
naming the file, the key path and what is allowed, in the words scenario files use
(:func:`sim.fieldtext.explain`).  What the values mean together -- scenario keys, levels,
design rules -- is checked afterwards (:mod:`sim.sweep.checks`).

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
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.errors import ScenarioError
from sim.fieldtext import explain, show
from sim.inputs import read_text_input
from sim.limits import HORIZON_DAYS_MAX, REPLICATIONS_MAX, SEED_MAX
from sim.loading import read_toml

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

SWEEP_FILE = "a sweep .toml file"
"""What a sweep spec path must hold, for messages about the file itself."""

SWEEP_REQUIRED = 'e.g. [sweep] name = "my-sweep" base = "elite"'
"""An example of the least a sweep file holds, for the messages that say it is missing."""

ALLOWED = {
    "sweep.metrics": 'an array of metric names, or "all"',
    "sweep.set": 'a table of scenario keys and values, e.g. "run.warmup_days" = 30',
}
"""What is allowed at keys whose annotation says too little, in the messages' words."""


class _Strict(BaseModel):
    """Frozen, no unknown keys, no type coercion, no nan or inf: as strict as a scenario."""

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
        """``metrics = "all"`` is the one string allowed in place of the array."""
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
"""The top-level tables of a sweep file, in the order they are listed in messages."""


def read_sweep_file(path: Path, source: str) -> tuple[SweepFile, str]:
    """The validated sections of a sweep file and its text as given (kept with the results).

    Every failure is a :class:`ScenarioError` naming ``source``: an unreadable file, bad
    TOML, an empty file, or the first value pydantic rejects.
    """
    data = read_toml(path, source, what=SWEEP_FILE)
    if not data:
        raise ScenarioError(
            source,
            "sweep",
            "the file has no settings; a [sweep] section with a name and a base "
            f"is required, {SWEEP_REQUIRED}",
        )
    text = read_text_input(path, source, what=SWEEP_FILE)
    try:
        parsed = SweepFile.model_validate(data)
    except ValidationError as exc:
        required = {"sweep": f"it needs at least a name and a base, {SWEEP_REQUIRED}"}
        raise explain(exc, source, SweepFile, required=required, allowed=ALLOWED) from None
    return parsed, text
