"""Loading scenarios: built-in names and TOML files, the one validation gate, the JSON schema.

Every way a scenario enters the program goes through here, so that every mistake in the
input becomes one :class:`~sim.errors.ScenarioError` naming the file, the dotted key path
and what is allowed, never a traceback (BRIEF §6).  A file and a ``--set`` override
(:mod:`sim.overrides`) are validated by the same gate, :func:`validate_data`, and converted
to messages by the same function, so an override is exactly as strict as the file it
overrides.

The schema itself lives in :mod:`sim.scenario`; the messages (:mod:`sim.fieldtext`) read the
allowed values and ranges from its field annotations, so they cannot drift from what is
validated.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim import resources
from sim.errors import ScenarioError, printable
from sim.fieldtext import (
    SCENARIO_REQUIRED,
    TOO_DEEP,
    did_you_mean,
    explain,
    join_clauses,
    show,
    type_name,
)
from sim.inputs import SCENARIO_MAX_BYTES, read_text_input
from sim.overrides import override_data, parse_override
from sim.scenario import Scenario

SCENARIO_DIR: Path = resources.scenarios()
"""Where built-in scenarios live: ``<name>.toml`` in the shipped files (:mod:`sim.resources`)."""

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""Pydantic emits draft 2020-12 schemas; saying so lets editors validate TOML files."""

# --------------------------------------------------------------------------- built-ins


def builtin_names() -> list[str]:
    """The names of the built-in scenarios, sorted, for listings and did-you-mean hints."""
    directory = SCENARIO_DIR
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob("*.toml") if p.is_file())


def is_builtin_ref(ref: str) -> bool:
    """A reference without a path separator or ``.toml`` suffix names a built-in scenario.

    The rule is purely syntactic so the meaning of a reference never depends on which
    files happen to exist in the working directory.
    """
    return "/" not in ref and "\\" not in ref and not ref.lower().endswith(".toml")


def _resolve(ref: str) -> tuple[Path, str]:
    """The file a reference points to and the source label its errors carry."""
    if not ref.strip():
        raise ScenarioError(
            "scenario",
            "",
            f"no scenario given; give a built-in name ({_names_text()}) or a path to a .toml file",
        )
    if not is_builtin_ref(ref):
        return Path(ref).expanduser(), printable(ref)
    source = f"built-in scenario {printable(ref)}"
    path = SCENARIO_DIR / f"{ref}.toml"
    try:
        found = path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        found = False
    if not found:
        names = builtin_names()
        raise ScenarioError(
            source,
            "",
            join_clauses(
                f"no built-in scenario named {ref!r}",
                did_you_mean(ref, names),
                f"built-ins: {_names_text()} (to load a file, give a path ending in .toml)",
            ),
        )
    return path, source


def _names_text() -> str:
    """The built-in names as a comma-separated list, or a note that there are none."""
    return ", ".join(builtin_names()) or "none installed"


# --------------------------------------------------------------------------- loading


def load_scenario(ref: str) -> Scenario:
    """Load and validate a scenario from a built-in name or a path to a TOML file.

    Every failure -- missing or unreadable file, bad encoding, bad TOML, bad values --
    raises :class:`ScenarioError` with the reference as given as its source, so the CLI
    can print one line and exit 2.
    """
    path, source = _resolve(ref)
    data = read_toml(path, source)
    if not data:
        raise ScenarioError(source, "scenario", f"the file has no settings; {SCENARIO_REQUIRED}")
    return validate_data(data, source)


def load_with_overrides(ref: str, overrides: Sequence[str] = ()) -> Scenario:
    """Load a scenario and apply ``section.key=value`` overrides, as the CLI does."""
    return apply_overrides(load_scenario(ref), overrides)


def read_toml(
    path: Path, source: str, *, what: str = "a scenario .toml file", limit: int = SCENARIO_MAX_BYTES
) -> dict[str, Any]:
    """Read, decode and parse a TOML file, turning every failure into a ScenarioError.

    The file is read by :func:`sim.inputs.read_text_input`: a regular file (after links)
    of at most ``limit`` bytes, so a FIFO, a device or a huge file is one line of error
    rather than a hang.  ``what`` names what was expected, for those messages.
    """
    text = read_text_input(path, source, limit=limit, what=what)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        hint = ""
        if str(exc).startswith("Invalid value"):
            hint = '; strings need double quotes, e.g. deployment = "manual"'
        raise ScenarioError(source, "", f"not valid TOML: {exc}{hint}") from None
    except (RecursionError, MemoryError):
        raise ScenarioError(source, "", f"cannot parse the TOML: {TOO_DEEP}") from None


def validate_data(data: dict[str, Any], source: str) -> Scenario:
    """Validate parsed data as a :class:`Scenario`; the single gate for files and overrides."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        try:
            error = explain(exc, source)
        except RecursionError:
            error = ScenarioError(source, "", TOO_DEEP)
        raise error from None
    except RecursionError:
        raise ScenarioError(source, "", TOO_DEEP) from None


def apply_overrides(
    scenario: Scenario, overrides: Sequence[str], source: str = "--set"
) -> Scenario:
    """A copy of ``scenario`` with ``section.key=value`` overrides applied and re-validated.

    Unknown sections and keys are reported with a did-you-mean before anything is
    validated (:func:`sim.overrides.override_data`); the rebuilt data then goes through
    :func:`validate_data`, exactly like a file.
    """
    if not overrides:
        return scenario
    return validate_data(override_data(scenario, overrides, source), source)


# --------------------------------------------------------------------------- JSON schema


def scenario_json_schema() -> dict[str, Any]:
    """The JSON schema of a scenario, for editors and ``shipit schema``."""
    schema = Scenario.model_json_schema()
    schema.pop("title", None)
    return {"$schema": JSON_SCHEMA_DIALECT, "title": "Ship It scenario", **schema}


# --------------------------------------------------------------------------- messages


def explain_error(exc: ValidationError, source: str) -> ScenarioError:
    """pydantic's first error in scenario data as a one-line ScenarioError with a key path.

    The scenario case of :func:`sim.fieldtext.explain`, kept under its old name.
    """
    return explain(exc, source)


__all__ = [
    "JSON_SCHEMA_DIALECT",
    "SCENARIO_DIR",
    "TOO_DEEP",
    "apply_overrides",
    "builtin_names",
    "explain_error",
    "is_builtin_ref",
    "load_scenario",
    "load_with_overrides",
    "parse_override",
    "read_toml",
    "scenario_json_schema",
    "show",
    "type_name",
    "validate_data",
]
