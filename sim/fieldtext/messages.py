"""pydantic's first validation error as one line: source, dotted key path, what is allowed.

:func:`explain` works from any root -- a pydantic model or a pydantic dataclass -- so
scenario files, ``--set`` overrides, sweep files, game commands and saved games all say
what is wrong in the same words (see :mod:`sim.fieldtext`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from sim.errors import ScenarioError, printable
from sim.scenario import Scenario

from .schema import (
    annotation_at,
    describe,
    fields_of,
    is_table,
    literal_choices,
    model_at,
    sections_with_key,
)
from .words import did_you_mean, join_clauses, or_list, show, type_name

TOO_DEEP = (
    "nested too deeply (arrays or tables hundreds of levels inside each other); "
    "a scenario holds values and arrays of values inside [sections]"
)
"""What is wrong with input nested so deeply that parsing it would exhaust the stack."""

SCENARIO_REQUIRED = 'a [scenario] section with a name is required, e.g. [scenario] name = "my-org"'
"""What a scenario needs at the least, for a file without settings or without [scenario]."""

_KEY_PATH = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*)\s+(.*)$", re.S)
"""Cross-field messages (a root's model validator) start with the key path they are about."""

_EXTRA = frozenset({"extra_forbidden", "unexpected_keyword_argument"})
"""pydantic's error types for an unknown key: models say the first, dataclasses the second."""

_BOUNDS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})
"""pydantic's error types for a number outside its ``Field`` bounds."""


def unknown_section(root: Any, name: str) -> str:
    """The message for a top-level table that ``root`` does not have."""
    sections = list(fields_of(root) or {})
    homes = sections_with_key(root, name)
    if homes:
        hint = f"{name!r} is a key, not a section: did you mean {or_list(homes)}?"
    else:
        hint = did_you_mean(name, sections, brackets=True)
    allowed = ", ".join(f"[{section}]" for section in sections)
    return join_clauses(f"unknown section [{printable(name)}]", hint, f"allowed: {allowed}")


def unknown_key(root: Any, section: str, name: str, model: Any) -> str:
    """The message for a key that its table does not have, pointing to where it lives."""
    allowed = list(fields_of(model) or {})
    hint = did_you_mean(name, allowed)
    if not hint:
        homes = [
            home for home in sections_with_key(root, name) if not home.startswith(section + ".")
        ]
        if homes:
            hint = f"it belongs in another section: did you mean {or_list(homes)}?"
    where = f"unknown key {name!r} in [{section}]" if section else f"unknown key {name!r}"
    return join_clauses(where, hint, f"allowed: {', '.join(allowed)}")


def explain(
    exc: ValidationError,
    source: str,
    root: Any = Scenario,
    *,
    required: Mapping[str, str] | None = None,
    allowed: Mapping[str, str] | None = None,
    skip: int = 0,
) -> ScenarioError:
    """pydantic's first error as a one-line ScenarioError: source, key path, what is allowed.

    ``root`` is the model class or pydantic dataclass the error's location starts from;
    ``skip`` drops that many leading location parts first (a discriminated union's tag).
    ``required`` says what a missing top-level table must hold (by default, for
    :class:`Scenario`, :data:`SCENARIO_REQUIRED`), and ``allowed`` replaces the words
    read from the annotation at a dotted key path, where the annotation says too little.
    Only the first error is reported: pydantic's order is deterministic, and one precise
    message is more useful at a command line than a page of them.
    """
    if required is None:
        required = {"scenario": SCENARIO_REQUIRED} if root is Scenario else {}
    text = _Text(root, required, allowed or {})
    error = exc.errors(include_url=False)[0]
    loc = tuple(error["loc"])[skip:]
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    key = printable(".".join(str(part) for part in loc))

    if kind == "value_error" and not loc:
        return _cross_field(ctx.get("error"), error["msg"], source)
    if kind in _EXTRA:
        return ScenarioError(source, key, text.extra(loc, value))
    if kind == "missing":
        return text.missing(loc, value, source)

    expect = text.expectation(loc)
    shown = f"{show(value)} ({type_name(value)})" if not isinstance(value, dict) else "a table"
    if kind in _BOUNDS:
        problem = f"{show(value)} is out of range; allowed: {expect}"
    elif kind == "finite_number":
        problem = f"{show(value)} is not a finite number; allowed: {expect}"
    elif kind == "literal_error":
        problem = text.literal(loc, value, expect)
    elif kind in {"string_too_short", "string_too_long"}:
        problem = f"{show(value)} has {len(value)} characters; allowed: {expect}"
    elif kind in {"too_long", "too_short"}:
        count = ctx.get("actual_length", len(value) if isinstance(value, list | tuple) else "?")
        problem = f"got {count} values; expected {expect}"
    elif kind == "int_type" and isinstance(value, float) and value.is_integer():
        problem = f"expected {expect}, got {shown}; write {int(value)} without a decimal point"
    elif kind == "model_type" and len(loc) == 1 and text.sectioned:
        problem = f"expected the [{loc[0]}] section (a table), got {shown}"
    elif kind.endswith(("_type", "_parsing")) or kind == "int_from_float":
        problem = f"expected {expect}, got {shown}"
    elif kind == "value_error":
        problem = str(ctx.get("error", error["msg"]))
    else:
        problem = f"{error['msg']}; allowed: {expect}" if expect else error["msg"]
    return ScenarioError(source, key, problem)


def _cross_field(cause: Any, msg: str, source: str) -> ScenarioError:
    """A rule across fields broke; its message starts with the key path it is about."""
    text = str(cause) if cause is not None else msg.removeprefix("Value error, ")
    match = _KEY_PATH.match(text)
    if match:
        return ScenarioError(source, match.group(1), match.group(2))
    return ScenarioError(source, "", text)


class _Text:
    """The parts of :func:`explain` that read the root's schema."""

    def __init__(self, root: Any, required: Mapping[str, str], allowed: Mapping[str, str]):
        self.root = root
        self.required = required
        self.allowed = allowed
        fields = fields_of(root) or {}
        self.sectioned = bool(fields) and all(is_table(f.annotation) for f in fields.values())
        """Whether every top-level field is a table, so the root is written in [sections]."""

    def extra(self, loc: tuple[Any, ...], value: Any) -> str:
        """An unknown section or key, with a did-you-mean and the allowed names."""
        name = str(loc[-1])
        if len(loc) == 1 and self.sectioned:
            if isinstance(value, dict):
                return unknown_section(self.root, name)
            homes = sections_with_key(self.root, name)
            sections = ", ".join(f"[{section}]" for section in fields_of(self.root) or {})
            return join_clauses(
                f"unknown top-level key {name!r}: settings belong inside a [section]",
                f"did you mean {or_list(homes)}?" if homes else "",
                f"sections: {sections}",
            )
        model = model_at(self.root, loc[:-1])
        section = printable(".".join(str(part) for part in loc[:-1]))
        if model is None:
            return f"unknown key {name!r} in [{section}]"
        return unknown_key(self.root, section, name, model)

    def missing(self, loc: tuple[Any, ...], value: Any, source: str) -> ScenarioError:
        """A required table or key is absent, or an array has too few values."""
        if loc and isinstance(loc[-1], int):
            field_loc = loc[:-1]
            count = len(value) if isinstance(value, list | tuple) else "?"
            return ScenarioError(
                source,
                printable(".".join(str(part) for part in field_loc)),
                f"got {count} values; expected {self.expectation(field_loc)}",
            )
        key = printable(".".join(str(part) for part in loc))
        if len(loc) == 1 and key in self.required:
            return ScenarioError(source, key, f"missing the [{key}] section; {self.required[key]}")
        return ScenarioError(source, key, f"missing required key; expected {self.expectation(loc)}")

    def literal(self, loc: tuple[Any, ...], value: Any, expect: str) -> str:
        """A value outside a fixed set of choices, with a did-you-mean."""
        found = annotation_at(self.root, loc)
        choices = [str(c) for c in literal_choices(found[0])] if found else []
        hint = ""
        if isinstance(value, str):
            hint = did_you_mean(value, choices, quote='"')
        elif str(value) in choices:
            hint = f'write it as a string in quotes: "{value}"'
        return join_clauses(f"{show(value)} is not allowed", hint, f"allowed: {expect}")

    def expectation(self, loc: tuple[Any, ...]) -> str:
        """What the schema allows at ``loc``, in words ("an integer >= 1 and <= 10000")."""
        words = self.allowed.get(".".join(str(part) for part in loc))
        if words is not None:
            return words
        found = annotation_at(self.root, loc)
        return describe(*found) if found else "a valid value"
