"""The calibrated scenario as a TOML file whose comments say where each value came from.

The file is a scenario like any other (``run``, ``compare``, ``play``, ``sweep``,
``workshop new`` take it): every value that differs from the defaults, each fitted value
with a comment giving the figure that identified it and the range of values that fit
nearly as well, and a header naming the record, its window, the base scenario and the
parameters the record could not identify (kept from the base).  Written with tomlkit
(comments kept), whole or not at all (:func:`sim.outputs.atomic_write`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomlkit

from ..outputs import atomic_write
from ..scenario import Scenario
from .fit import STRUCTURE, Fit, Parameter

MEASURED = {
    "workload.arrival_rate_cv": "week-to-week variation of the commits, method of moments",
}
"""Why each value measured straight from the record has the value it has."""


def _plain(value: Any) -> Any:
    """A TOML-ready value: tuples as lists, floats rounded to what a reader needs."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return float(f"{value:.6g}")
    return value


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def scenario_toml(fit: Fit, header: Sequence[str], not_identified: Sequence[str]) -> str:
    """The calibrated scenario of ``fit`` as TOML text (see the module docstring).

    ``header`` are comment lines about the record (source, window, counts);
    ``not_identified`` the parameters kept from the base scenario, listed as such.
    """
    scenario = fit.scenario
    defaults = Scenario.model_validate({"scenario": {"name": scenario.scenario.name}})
    fitted = {p.key: p for p in fit.parameters}
    doc = tomlkit.document()
    for line in header:
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.comment(f"Base scenario: {fit.base.scenario.name}."))
    doc.add(tomlkit.comment("Fitted (value; values that fit nearly as well; what identified it):"))
    for p in fit.parameters:
        low, high = fit.ranges[p.key]
        value = fit.best.values[p.key]
        doc.add(tomlkit.comment(f"  {p.key} = {_fmt(value)} {p.unit} "
                                f"({_fmt(low)}–{_fmt(high)}); {p.identified_by}"))  # fmt: skip
    for key, value in fit.fixed.items():
        doc.add(tomlkit.comment(f"Measured from the record: {key} = {_fmt(value)} "
                                f"({MEASURED.get(key, '')})"))  # fmt: skip
    structure = ", ".join(f"{k} = {v!r}" for k, v in STRUCTURE.items())
    doc.add(tomlkit.comment(f"From the record's shape: {structure}; org.developers and "
                            "org.testers scaled with the arrival rate."))  # fmt: skip
    doc.add(tomlkit.comment("Not identified by the record (kept from the base scenario): "
                            + ", ".join(not_identified) + "."))  # fmt: skip
    data = scenario.model_dump(mode="python")
    default_data = defaults.model_dump(mode="python")
    for section, values in data.items():
        table = tomlkit.table()
        for key, value in values.items():
            dotted = f"{section}.{key}"
            if (
                section != "scenario"
                and value == default_data[section][key]
                and (dotted not in fitted)
            ):
                continue
            if value is None or value == () or value == "":
                continue
            table.add(key, _plain(value))
            if dotted in fitted:
                table[key].comment(_why(fitted[dotted], fit))
            elif dotted in fit.fixed:
                table[key].comment(f"measured: {MEASURED.get(dotted, 'from the record')}")
        if len(table):
            doc.add(section, table)
    return tomlkit.dumps(doc)


def _why(p: Parameter, fit: Fit) -> str:
    low, high = fit.ranges[p.key]
    return f"fitted: {p.unit}, {_fmt(low)}–{_fmt(high)} fit nearly as well ({p.identified_by})"


def write_scenario(path: Path, text: str) -> Path:
    """Write the scenario text whole or not at all."""
    atomic_write(path, [text])
    return path
