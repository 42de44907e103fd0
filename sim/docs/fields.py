"""A schema field in the words of ``docs/parameters.md``: type, bounds, default, meaning.

What a field allows is read from its annotation by :mod:`sim.fieldtext` (the reader every
input message uses, so the page and the error text cannot disagree about a field); this
module only renders it for the page, in Markdown and in the page's notation (``0 ≤ x ≤ 1``
rather than a message's ``>= 0 and <= 1``).
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from sim.fieldtext import bounds_of, literal_choices, strip_optional, unwrap_annotated

from .text import code, number, toml_value


def allowed_values(annotation: Any) -> tuple[Any, ...] | None:
    """The values a ``Literal`` or ``bool`` field may take (``None`` for open types)."""
    inner = strip_optional(annotation)
    if inner is bool:
        return (False, True)
    choices = literal_choices(inner)
    return tuple(choices) if choices else None


def type_text(annotation: Any) -> str:
    """The type of a field as a scenario author sees it."""
    inner = strip_optional(annotation)
    optional = inner is not annotation
    inner, _ = unwrap_annotated(inner, [])
    choices = allowed_values(inner)
    if choices is not None:
        text = " / ".join(code(toml_value(c)) for c in choices)
    elif inner is int:
        text = "integer"
    elif inner is float:
        text = "number"
    elif inner is str:
        text = "text"
    elif typing.get_origin(inner) is tuple:
        args = typing.get_args(inner)
        if len(args) == 2 and args[1] is Ellipsis:
            text = f"list of {type_text(args[0])}"
        else:
            items = {type_text(arg) for arg in args}
            item = items.pop() if len(items) == 1 else "values"
            text = (
                f"list of {len(args)} {item}s"
                if item in ("number", "integer")
                else (f"list of {len(args)} {item}")
            )
    else:
        text = getattr(inner, "__name__", str(inner))
    return text + " (optional)" if optional else text


def bounds_text(metadata: Sequence[Any]) -> str:
    """Numeric or length bounds as ``0 ≤ x ≤ 1``, ``1–80 characters``; empty if none."""
    found = bounds_of(metadata)
    sign = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
    if found.low and found.high:
        (low_op, low), (high_op, high) = found.low, found.high
        mirrored = {">=": "≤", ">": "<"}[low_op]
        return f"{number(low)} {mirrored} x {sign[high_op]} {number(high)}"
    if found.low or found.high:
        op, value = found.low or found.high  # type: ignore[misc]
        return f"x {sign[op]} {number(value)}"
    min_len, max_len = found.min_length, found.max_length
    if max_len is not None:
        return f"{min_len}–{max_len} characters" if min_len else f"≤ {max_len} characters"
    return f"≥ {min_len} characters" if min_len else ""


def field_bounds(field: FieldInfo) -> str:
    """Bounds of a field; for fixed-length lists, the bounds that apply to each item."""
    own = bounds_text(field.metadata)
    if own:
        return own
    inner = strip_optional(field.annotation)
    if typing.get_origin(inner) is tuple:
        texts = {bounds_text(unwrap_annotated(arg, [])[1]) for arg in typing.get_args(inner)}
        texts.discard("")
        if len(texts) == 1:
            return "each " + texts.pop()
    return ""


def field_default(field: FieldInfo) -> str:
    """The default as TOML, ``required`` if there is none, ``unset`` for ``None``."""
    if field.default is PydanticUndefined:
        return "**required**"
    if field.default is None:
        return "unset"
    return code(toml_value(field.default))


def field_extra(field: FieldInfo) -> dict[str, str]:
    """The ``unit`` and ``source`` a parameter carries (empty for descriptive fields)."""
    extra = field.json_schema_extra
    return {str(k): str(v) for k, v in extra.items()} if isinstance(extra, dict) else {}


def field_meaning(field: FieldInfo) -> str:
    """The description without the `` [unit] (source)`` suffix that :func:`param` adds."""
    text = field.description or ""
    extra = field_extra(field)
    suffix = f" [{extra.get('unit', '')}] ({extra.get('source', '')})"
    return text[: -len(suffix)] if extra and text.endswith(suffix) else text
