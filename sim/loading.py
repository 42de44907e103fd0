"""Loading scenarios: built-in names and TOML files, ``--set`` overrides, the JSON schema.

Every way a scenario enters the program goes through here, so that every mistake in the
input becomes one :class:`~sim.errors.ScenarioError` naming the file, the dotted key path
and what is allowed, never a traceback (BRIEF §6).  A file and a ``--set`` override are
validated by the same code and converted to messages by the same function, so an override
is exactly as strict as the file it overrides.

The schema itself lives in :mod:`sim.scenario`; the messages read the allowed values and
ranges from its field annotations, so they cannot drift from what is validated.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
import types
import typing
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal, Union

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from sim.errors import ScenarioError, printable
from sim.inputs import SCENARIO_MAX_BYTES, read_text_input
from sim.scenario import Scenario

SCENARIO_DIR: Path = Path(__file__).resolve().parent.parent / "scenarios"
"""Where built-in scenarios live: ``scenarios/<name>.toml`` at the top of the repository."""

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""Pydantic emits draft 2020-12 schemas; saying so lets editors validate TOML files."""

_MAX_SHOWN = 60
"""Longest rendering of a bad value in a message: long strings would break the one line."""

TOO_DEEP = (
    "nested too deeply (arrays or tables hundreds of levels inside each other); "
    "a scenario holds values and arrays of values inside [sections]"
)
"""What is wrong with input nested so deeply that parsing it would exhaust the stack."""

_KEY_PATH = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)\s+(.*)$", re.S)
"""Cross-field messages of :class:`Scenario` start with the key path they are about."""


# --------------------------------------------------------------------------- built-ins


def builtin_names() -> list[str]:
    """The names of the built-in scenarios, sorted, for listings and did-you-mean hints."""
    directory = SCENARIO_DIR
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob("*.toml") if p.is_file())


def _is_builtin_ref(ref: str) -> bool:
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
    if not _is_builtin_ref(ref):
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
            _join(
                f"no built-in scenario named {ref!r}",
                _did_you_mean(ref, names),
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
    data = _read_toml(path, source)
    if not data:
        raise ScenarioError(
            source,
            "scenario",
            "the file has no settings; a [scenario] section with a name is required, "
            'e.g. [scenario] name = "my-org"',
        )
    return validate_data(data, source)


def load_with_overrides(ref: str, overrides: Sequence[str] = ()) -> Scenario:
    """Load a scenario and apply ``section.key=value`` overrides, as the CLI does."""
    return apply_overrides(load_scenario(ref), overrides)


def _read_toml(
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
            error = explain_error(exc, source)
        except RecursionError:
            error = ScenarioError(source, "", TOO_DEEP)
        raise error from None
    except RecursionError:
        raise ScenarioError(source, "", TOO_DEEP) from None


# --------------------------------------------------------------------------- overrides


def parse_override(text: str, source: str = "--set") -> tuple[str, Any]:
    """Split ``section.key=value`` and parse the value as a TOML value.

    A value that is not valid TOML is taken as a bare string, so
    ``practices.deployment=automated`` needs no shell-escaped quotes while
    ``org.developers=9`` is the integer 9 and ``[0.1, 0.2, 0.3, 0.4]`` an array.
    """
    form = "expected section.key=value, e.g. org.developers=9"
    if "=" not in text:
        raise ScenarioError(source, printable(text.strip()), f"missing '='; {form}")
    key, _, raw = text.partition("=")
    key = key.strip()
    if not key:
        raise ScenarioError(source, "", f"empty key in {text.strip()!r}; {form}")
    parts = key.split(".")
    if len(parts) != 2 or not all(part.strip() for part in parts):
        raise ScenarioError(
            source,
            printable(key),
            f"the key must be a section and a key joined by one dot; {form}",
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


def apply_overrides(
    scenario: Scenario, overrides: Sequence[str], source: str = "--set"
) -> Scenario:
    """A copy of ``scenario`` with ``section.key=value`` overrides applied and re-validated.

    Unknown sections and keys are reported with a did-you-mean before anything is
    validated; the rebuilt data then goes through :func:`validate_data`, exactly like a
    file.
    """
    if not overrides:
        return scenario
    data = scenario.model_dump(mode="python")
    for text in overrides:
        key, value = parse_override(text, source)
        section, name = key.split(".")
        model = _section_model(section)
        if model is None:
            raise ScenarioError(source, printable(key), _unknown_section(section))
        field = model.model_fields.get(name)
        if field is None:
            raise ScenarioError(source, printable(key), _unknown_key(section, name, model))
        if _wants_string(field.annotation) and not isinstance(value, str):
            # The shell cannot easily pass quotes: "--set scenario.name=2024" means a string.
            value = text.partition("=")[2].strip()
        data[section][name] = value
    return validate_data(data, source)


def _wants_string(annotation: Any) -> bool:
    """Whether a field takes only strings (str or a Literal of strings, maybe optional)."""
    inner = _strip_optional(annotation)
    if inner is str:
        return True
    if typing.get_origin(inner) is Literal:
        return all(isinstance(arg, str) for arg in typing.get_args(inner))
    return False


# --------------------------------------------------------------------------- JSON schema


def scenario_json_schema() -> dict[str, Any]:
    """The JSON schema of a scenario, for editors and ``shipit schema``."""
    schema = Scenario.model_json_schema()
    schema.pop("title", None)
    return {"$schema": JSON_SCHEMA_DIALECT, "title": "Ship It scenario", **schema}


# --------------------------------------------------------------------------- messages


def explain_error(exc: ValidationError, source: str) -> ScenarioError:
    """Turn pydantic's first error into a one-line ScenarioError with a key path.

    Only the first error is reported: pydantic's order is deterministic, and one precise
    message is more useful at a command line than a page of them.
    """
    error = exc.errors(include_url=False)[0]
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    key = printable(".".join(str(part) for part in loc))

    if kind == "value_error" and not loc:
        return _cross_field(ctx.get("error"), error["msg"], source)
    if kind == "extra_forbidden":
        return ScenarioError(source, key, _extra(loc, value))
    if kind == "missing":
        return _missing(loc, value, source)

    expect = _expectation(loc)
    shown = f"{show(value)} ({type_name(value)})" if not isinstance(value, dict) else "a table"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        problem = f"{show(value)} is out of range; allowed: {expect}"
    elif kind == "finite_number":
        problem = f"{show(value)} is not a finite number; allowed: {expect}"
    elif kind == "literal_error":
        problem = _literal(loc, value, expect)
    elif kind in {"string_too_short", "string_too_long"}:
        problem = f"{show(value)} has {len(value)} characters; allowed: {expect}"
    elif kind in {"too_long", "too_short"}:
        count = ctx.get("actual_length", len(value) if isinstance(value, list | tuple) else "?")
        problem = f"got {count} values; expected {expect}"
    elif kind == "int_type" and isinstance(value, float) and value.is_integer():
        problem = f"expected {expect}, got {shown}; write {int(value)} without a decimal point"
    elif kind == "model_type" and len(loc) == 1:
        problem = f"expected the [{loc[0]}] section (a table), got {shown}"
    elif kind.endswith("_type") or kind in {"model_type", "dict_type"}:
        problem = f"expected {expect}, got {shown}"
    elif kind == "value_error":
        problem = str(ctx.get("error", error["msg"]))
    else:
        problem = f"{error['msg']}; allowed: {expect}" if expect else error["msg"]
    return ScenarioError(source, key, problem)


def _cross_field(cause: Any, msg: str, source: str) -> ScenarioError:
    """A whole-scenario rule broke; its message starts with the key path it is about."""
    text = str(cause) if cause is not None else msg.removeprefix("Value error, ")
    match = _KEY_PATH.match(text)
    if match:
        return ScenarioError(source, match.group(1), match.group(2))
    return ScenarioError(source, "", text)


def _extra(loc: tuple[Any, ...], value: Any) -> str:
    """An unknown section or key, with a did-you-mean and the allowed names."""
    name = str(loc[-1])
    if len(loc) == 1:
        if not isinstance(value, dict):
            homes = _sections_with_key(name)
            return _join(
                f"unknown top-level key {name!r}: settings belong inside a [section]",
                f"did you mean {_or(homes)}?" if homes else "",
                f"sections: {_section_list()}",
            )
        return _unknown_section(name)
    model = _model_at(loc[:-1])
    section = printable(".".join(str(part) for part in loc[:-1]))
    if model is None:
        return f"unknown key {name!r} in [{section}]"
    return _unknown_key(section, name, model)


def _unknown_section(name: str) -> str:
    """The message for a section that the schema does not have."""
    sections = list(Scenario.model_fields)
    homes = _sections_with_key(name)
    if homes:
        hint = f"{name!r} is a key, not a section: did you mean {_or(homes)}?"
    else:
        hint = _did_you_mean(name, sections, brackets=True)
    return _join(f"unknown section [{printable(name)}]", hint, f"allowed: {_section_list()}")


def _unknown_key(section: str, name: str, model: type[BaseModel]) -> str:
    """The message for a key that its section does not have, pointing to where it lives."""
    allowed = list(model.model_fields)
    hint = _did_you_mean(name, allowed)
    if not hint:
        homes = [home for home in _sections_with_key(name) if not home.startswith(section + ".")]
        if homes:
            hint = f"it belongs in another section: did you mean {_or(homes)}?"
    return _join(f"unknown key {name!r} in [{section}]", hint, f"allowed: {', '.join(allowed)}")


def _missing(loc: tuple[Any, ...], value: Any, source: str) -> ScenarioError:
    """A required section or key is absent, or an array has too few values."""
    if loc and isinstance(loc[-1], int):
        field_loc = loc[:-1]
        count = len(value) if isinstance(value, list | tuple) else "?"
        return ScenarioError(
            source,
            printable(".".join(str(part) for part in field_loc)),
            f"got {count} values; expected {_expectation(field_loc)}",
        )
    key = printable(".".join(str(part) for part in loc))
    if loc == ("scenario",):
        return ScenarioError(
            source,
            key,
            "missing the [scenario] section; a [scenario] section with a name is required, "
            'e.g. [scenario] name = "my-org"',
        )
    return ScenarioError(source, key, f"missing required key; expected {_expectation(loc)}")


def _literal(loc: tuple[Any, ...], value: Any, expect: str) -> str:
    """A value outside a fixed set of choices, with a did-you-mean."""
    field = _field_at(loc)
    choices = _literal_choices(field.annotation) if field else []
    hint = ""
    if isinstance(value, str):
        hint = _did_you_mean(value, [str(c) for c in choices], quote='"')
    elif str(value) in [str(c) for c in choices]:
        hint = f'write it as a string in quotes: "{value}"'
    return _join(f"{show(value)} is not allowed", hint, f"allowed: {expect}")


# --------------------------------------------------------------------------- schema lookups


def _section_model(name: str) -> type[BaseModel] | None:
    """The model class of a top-level section, or None if there is no such section."""
    field = Scenario.model_fields.get(name)
    if field is None:
        return None
    annotation = field.annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _model_at(loc: Iterable[Any]) -> type[BaseModel] | None:
    """The model class found by following ``loc`` down from :class:`Scenario`."""
    model: type[BaseModel] = Scenario
    for part in loc:
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        annotation = _strip_optional(field.annotation)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _field_at(loc: tuple[Any, ...]) -> FieldInfo | None:
    """The field a (string-only) location points to, or None."""
    names = [part for part in loc if isinstance(part, str)]
    if not names:
        return None
    model = _model_at(names[:-1])
    return model.model_fields.get(names[-1]) if model else None


def _sections_with_key(name: str) -> list[str]:
    """Every ``section.key`` path where a key of this name exists."""
    homes = []
    for section in Scenario.model_fields:
        model = _section_model(section)
        if model is not None and name in model.model_fields:
            homes.append(f"{section}.{name}")
    return homes


def _section_list() -> str:
    """All sections, as they are written in TOML."""
    return ", ".join(f"[{name}]" for name in Scenario.model_fields)


def _strip_optional(annotation: Any) -> Any:
    """``X | None`` -> ``X`` (TOML has no null, so None is only ever the default)."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _literal_choices(annotation: Any) -> list[Any]:
    """The values of a Literal annotation (possibly optional), else an empty list."""
    inner = _strip_optional(annotation)
    if typing.get_origin(inner) is Literal:
        return list(typing.get_args(inner))
    return []


# --------------------------------------------------------------------------- descriptions


def _expectation(loc: tuple[Any, ...]) -> str:
    """What the schema allows at ``loc``, in words ("an integer >= 1 and <= 10000")."""
    field = _field_at(loc)
    if field is None:
        return "a valid value"
    if loc and isinstance(loc[-1], int):
        inner = _strip_optional(field.annotation)
        args = [a for a in typing.get_args(inner) if a is not Ellipsis]
        if not args:
            return "a valid value"
        item = args[loc[-1]] if len(args) > loc[-1] else args[0]
        return _describe(item, [])
    return _describe(field.annotation, field.metadata)


def _unwrap_annotated(annotation: Any, metadata: Sequence[Any]) -> tuple[Any, list[Any]]:
    """``Annotated[float, Field(ge=0)]`` -> ``(float, [Ge(0)])``: the type and its constraints."""
    extra = list(metadata)
    while typing.get_origin(annotation) is typing.Annotated:
        base, *marks = typing.get_args(annotation)
        for mark in marks:
            extra.extend(mark.metadata if isinstance(mark, FieldInfo) else [mark])
        annotation = base
    return annotation, extra


def _describe(annotation: Any, metadata: Sequence[Any]) -> str:
    """A type plus its constraints in words, as a user writes them in TOML."""
    annotation, metadata = _unwrap_annotated(annotation, metadata)
    inner = _strip_optional(annotation)
    choices = _literal_choices(inner)
    if choices:
        text = "one of " + ", ".join(show(c) for c in choices)
        return text + (" (strings, in quotes)" if all(isinstance(c, str) for c in choices) else "")
    if inner is bool:
        return "true or false"
    if inner is int:
        return "an integer" + _range_text(metadata)
    if inner is float:
        return "a number" + _range_text(metadata)
    if inner is str:
        return "a string" + _length_text(metadata)
    if typing.get_origin(inner) is tuple:
        args = typing.get_args(inner)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"an array of {_plural(_unwrap_annotated(args[0], [])[0])}"
        if args and all(arg == args[0] for arg in args):
            item, item_metadata = _unwrap_annotated(args[0], [])
            return f"an array of exactly {len(args)} {_plural(item)}" + _range_text(item_metadata)
        return f"an array of {len(args)} values"
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return "a table"
    return str(inner)


def _plural(annotation: Any) -> str:
    """How a list item type is named in the plural."""
    return {float: "numbers", int: "integers", str: "strings", bool: "booleans"}.get(
        annotation, "values"
    )


def _range_text(metadata: Sequence[Any]) -> str:
    """The numeric bounds of a field (" >= 0 and <= 1"), read from its constraints."""
    bounds = []
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            bounds.append(f">= {_number(item.ge)}")
        elif isinstance(item, annotated_types.Gt):
            bounds.append(f"> {_number(item.gt)}")
    for item in metadata:
        if isinstance(item, annotated_types.Le):
            bounds.append(f"<= {_number(item.le)}")
        elif isinstance(item, annotated_types.Lt):
            bounds.append(f"< {_number(item.lt)}")
    return (" " + " and ".join(bounds)) if bounds else ""


def _length_text(metadata: Sequence[Any]) -> str:
    """The length bounds of a string field (" of 1 to 80 characters")."""
    low = next((m.min_length for m in metadata if isinstance(m, annotated_types.MinLen)), 0)
    high = next((m.max_length for m in metadata if isinstance(m, annotated_types.MaxLen)), None)
    if high is None:
        return f" of at least {low} characters" if low else ""
    return f" of {low} to {high} characters" if low else f" of at most {high} characters"


def _number(value: Any) -> str:
    """A bound as a person writes it: 1 rather than 1.0, no exponent for big integers."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def show(value: Any) -> str:
    """A value as it would be written in TOML, shortened to fit one line."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, float):
        text = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        text = repr(value) if math.isfinite(value) else text
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(show(item) for item in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k} = {show(v)}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    text = printable(text)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def type_name(value: Any) -> str:
    """The TOML type of a value, with its article ("a string", "an integer")."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _did_you_mean(
    word: str, candidates: Sequence[str], *, brackets: bool = False, quote: str = "'"
) -> str:
    """The hint "did you mean 'x'?" for the closest candidate, or "" when none is close."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    if not matches:
        return ""
    best = f"[{matches[0]}]" if brackets else f"{quote}{matches[0]}{quote}"
    return f"did you mean {best}?"


def _join(*parts: str) -> str:
    """Join message clauses with "; ", or just a space after a question."""
    text = ""
    for part in filter(None, parts):
        if text:
            text += " " if text.endswith("?") else "; "
        text += part
    return text


def _or(items: Sequence[str]) -> str:
    """A list in words: "a", "a or b", "a, b or c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
