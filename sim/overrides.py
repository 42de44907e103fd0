"""``--set section.key=value`` overrides: the syntax, the scenario key it names, the new data.

An override is checked in two steps.  Here, before anything is validated, the text is
split and parsed as a TOML value and the key is looked up in the schema, so an unknown
section or key is reported with a did-you-mean; the same lookup checks the keys of sweep
files (:mod:`sim.sweep.checks`).  Then the rebuilt data goes through
:func:`sim.loading.validate_data`, the gate every scenario file goes through
(:func:`sim.loading.apply_overrides`), so an override is exactly as strict as a file.
"""

from __future__ import annotations

import tomllib
import typing
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.errors import ScenarioError, printable
from sim.fieldtext import TOO_DEEP, strip_optional, unknown_key, unknown_section
from sim.scenario import Scenario

FORM = "expected section.key=value, e.g. org.developers=9"
"""How an override is written, for the messages about its syntax."""


def parse_override(text: str, source: str = "--set") -> tuple[str, Any]:
    """Split ``section.key=value`` and parse the value as a TOML value.

    A value that is not valid TOML is taken as a bare string, so
    ``practices.deployment=automated`` needs no shell-escaped quotes while
    ``org.developers=9`` is the integer 9 and ``[0.1, 0.2, 0.3, 0.4]`` an array.
    """
    if "=" not in text:
        raise ScenarioError(source, printable(text.strip()), f"missing '='; {FORM}")
    key, _, raw = text.partition("=")
    key = key.strip()
    if not key:
        raise ScenarioError(source, "", f"empty key in {text.strip()!r}; {FORM}")
    parts = key.split(".")
    if len(parts) != 2 or not all(part.strip() for part in parts):
        raise ScenarioError(
            source,
            printable(key),
            f"the key must be a section and a key joined by one dot; {FORM}",
        )
    key = ".".join(part.strip() for part in parts)
    try:
        return key, _parse_value(raw.strip())
    except (RecursionError, MemoryError):
        raise ScenarioError(source, printable(key), f"the value is {TOO_DEEP}") from None


def _parse_value(raw: str) -> Any:
    """A TOML value, or the text itself when it is not one (see :func:`parse_override`)."""
    if "\n" in raw or "\r" in raw:
        return raw
    try:
        parsed = tomllib.loads("v = " + raw)
    except tomllib.TOMLDecodeError:
        return raw
    # Text like '1 \n x = 2' cannot get here (no newlines), but be sure only v was set.
    return parsed["v"] if set(parsed) == {"v"} else raw


def override_data(
    scenario: Scenario, overrides: Sequence[str], source: str = "--set"
) -> dict[str, Any]:
    """The data of ``scenario`` with ``section.key=value`` overrides put in, not validated.

    Unknown sections and keys are reported with a did-you-mean; validating the result is
    :func:`sim.loading.apply_overrides`'s part.
    """
    data = scenario.model_dump(mode="python")
    for text in overrides:
        key, value = parse_override(text, source)
        section, name = key.split(".")
        field = scenario_field(section, name, source, printable(key))
        if _wants_string(field.annotation) and not isinstance(value, str):
            # The shell cannot easily pass quotes: "--set scenario.name=2024" means a string.
            value = text.partition("=")[2].strip()
        data[section][name] = value
    return data


def _wants_string(annotation: Any) -> bool:
    """Whether a field takes only strings (str or a Literal of strings, maybe optional)."""
    inner = strip_optional(annotation)
    if inner is str:
        return True
    if typing.get_origin(inner) is Literal:
        return all(isinstance(arg, str) for arg in typing.get_args(inner))
    return False


# --------------------------------------------------------------------------- scenario keys


def section_model(name: str) -> type[BaseModel] | None:
    """The model class of a top-level scenario section, or None if there is no such section."""
    field = Scenario.model_fields.get(name)
    if field is None:
        return None
    annotation = field.annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def scenario_field(section: str, name: str, source: str, where: str) -> FieldInfo:
    """The schema field of the scenario key ``section.name``.

    An unknown section or key is a :class:`ScenarioError` from ``source`` at key path
    ``where`` (the override as typed, or the key's place in a sweep file), with a
    did-you-mean and the allowed names.
    """
    model = section_model(section)
    if model is None:
        raise ScenarioError(source, where, unknown_section(Scenario, section))
    field = model.model_fields.get(name)
    if field is None:
        raise ScenarioError(source, where, unknown_key(Scenario, section, name, model))
    return field
