"""What a pydantic annotation allows: reading field types, choices and bounds, in words.

Models and pydantic dataclasses are walked the same way, so a message about any input
(scenario, sweep file, game command, saved game) reads its words from the schema that
validates it (see :mod:`sim.fieldtext`).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union

import annotated_types
from pydantic import BaseModel
from pydantic.dataclasses import is_pydantic_dataclass
from pydantic.fields import FieldInfo

from .words import show

# --------------------------------------------------------------------------- reading annotations


def strip_optional(annotation: Any) -> Any:
    """``X | None`` -> ``X`` (TOML has no null, so None is only ever the default)."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def unwrap_annotated(annotation: Any, metadata: Sequence[Any]) -> tuple[Any, list[Any]]:
    """``Annotated[float, Field(ge=0)]`` -> ``(float, [Ge(0)])``: the type and its constraints."""
    extra = list(metadata)
    while typing.get_origin(annotation) is typing.Annotated:
        base, *marks = typing.get_args(annotation)
        for mark in marks:
            extra.extend(mark.metadata if isinstance(mark, FieldInfo) else [mark])
        annotation = base
    return annotation, extra


def literal_choices(annotation: Any) -> list[Any]:
    """The values of a Literal annotation (possibly optional), else an empty list."""
    inner = strip_optional(annotation)
    if typing.get_origin(inner) is Literal:
        return list(typing.get_args(inner))
    return []


def fields_of(annotation: Any) -> Mapping[str, FieldInfo] | None:
    """The fields of a pydantic model class or pydantic dataclass, else None."""
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return annotation.model_fields
        if is_pydantic_dataclass(annotation):
            return annotation.__pydantic_fields__
    return None


def is_table(annotation: Any) -> bool:
    """Whether values of this type are written as a table (a model, a dataclass, a dict)."""
    inner = strip_optional(unwrap_annotated(annotation, [])[0])
    return fields_of(inner) is not None or typing.get_origin(inner) is dict or inner is dict


def annotation_at(root: Any, loc: Sequence[Any]) -> tuple[Any, list[Any]] | None:
    """The annotation and constraints found by following ``loc`` down from ``root``.

    A string steps into a model's field or a table's value, an integer into an array's
    item; None when the location leads nowhere the schema describes.
    """
    annotation: Any = root
    metadata: list[Any] = []
    for part in loc:
        inner = strip_optional(unwrap_annotated(annotation, [])[0])
        fields = fields_of(inner)
        if fields is not None:
            field = fields.get(part) if isinstance(part, str) else None
            if field is None:
                return None
            annotation, metadata = field.annotation, list(field.metadata)
        elif typing.get_origin(inner) is tuple and isinstance(part, int):
            args = [arg for arg in typing.get_args(inner) if arg is not Ellipsis]
            if not args:
                return None
            annotation, metadata = (args[part] if len(args) > part else args[0]), []
        elif typing.get_origin(inner) is dict and isinstance(part, str):
            annotation, metadata = typing.get_args(inner)[1], []
        else:
            return None
    return annotation, metadata


def model_at(root: Any, loc: Sequence[Any]) -> Any | None:
    """The model class or dataclass found by following ``loc`` down from ``root``."""
    found = annotation_at(root, loc)
    if found is None:
        return None
    inner = strip_optional(unwrap_annotated(found[0], [])[0])
    return inner if fields_of(inner) is not None else None


# --------------------------------------------------------------------------- in words


def describe(annotation: Any, metadata: Sequence[Any] = ()) -> str:
    """A type plus its constraints in words, as a user writes them in TOML."""
    annotation, metadata = unwrap_annotated(annotation, metadata)
    inner = strip_optional(annotation)
    choices = literal_choices(inner)
    if choices:
        text = "one of " + ", ".join(show(c) for c in choices)
        return text + (" (strings, in quotes)" if all(isinstance(c, str) for c in choices) else "")
    if inner is bool:
        return "true or false"
    if inner is int:
        return "an integer" + range_text(metadata)
    if inner is float:
        return "a number" + range_text(metadata)
    if inner is str:
        return "a string" + length_text(metadata)
    if typing.get_origin(inner) is tuple:
        args = typing.get_args(inner)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"an array of {plural(unwrap_annotated(args[0], [])[0])}"
        if args and all(arg == args[0] for arg in args):
            item, item_metadata = unwrap_annotated(args[0], [])
            return f"an array of exactly {len(args)} {plural(item)}" + range_text(item_metadata)
        return f"an array of {len(args)} values"
    if is_table(inner):
        return "a table"
    return str(inner)


def plural(annotation: Any) -> str:
    """How an array's item type is named in the plural ("numbers", "strings")."""
    return {float: "numbers", int: "integers", str: "strings", bool: "booleans"}.get(
        annotation, "values"
    )


@dataclass(frozen=True)
class Bounds:
    """A field's bounds as data, read once from its ``annotated_types`` constraints.

    ``low``/``high`` are ``(operator, value)`` with operator ``">="``/``">"`` or
    ``"<="``/``"<"``; ``min_length`` is 0 and ``max_length`` None when not set.  Error
    messages (:func:`range_text`, :func:`length_text`) and the generated parameter pages
    (:mod:`sim.docs.fields`) word them differently from these same facts.
    """

    low: tuple[str, Any] | None = None
    high: tuple[str, Any] | None = None
    min_length: int = 0
    max_length: int | None = None


def bounds_of(metadata: Sequence[Any]) -> Bounds:
    """The bounds in a field's metadata (the last of each kind wins, as in pydantic)."""
    low = high = None
    min_length, max_length = 0, None
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = (">=", item.ge)
        elif isinstance(item, annotated_types.Gt):
            low = (">", item.gt)
        elif isinstance(item, annotated_types.Le):
            high = ("<=", item.le)
        elif isinstance(item, annotated_types.Lt):
            high = ("<", item.lt)
        elif isinstance(item, annotated_types.MinLen):
            min_length = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            max_length = item.max_length
    return Bounds(low, high, min_length, max_length)


def range_text(metadata: Sequence[Any]) -> str:
    """The numeric bounds of a field (" >= 0 and <= 1"), read from its constraints."""
    found = bounds_of(metadata)
    parts = [f"{bound[0]} {number(bound[1])}" for bound in (found.low, found.high) if bound]
    return (" " + " and ".join(parts)) if parts else ""


def length_text(metadata: Sequence[Any]) -> str:
    """The length bounds of a string field (" of 1 to 80 characters")."""
    found = bounds_of(metadata)
    low, high = found.min_length, found.max_length
    if high is None:
        return f" of at least {low} characters" if low else ""
    return f" of {low} to {high} characters" if low else f" of at most {high} characters"


def number(value: Any) -> str:
    """A bound as a person writes it: 1 rather than 1.0, no exponent for big integers."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- lookups


def sections_with_key(root: Any, name: str) -> list[str]:
    """Every ``section.key`` path of ``root`` where a key of this name exists."""
    homes = []
    for section in fields_of(root) or {}:
        model = model_at(root, [section])
        if model is not None and name in (fields_of(model) or {}):
            homes.append(f"{section}.{name}")
    return homes
