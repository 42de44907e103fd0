"""Values and clauses in words: how a bad value is shown, its TOML type, did-you-mean hints.

The small pieces every one-line input message is made of (see :mod:`sim.fieldtext`), so
that a value, a list of choices or a hint reads the same in every message.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from sim.errors import printable

MAX_SHOWN = 60
"""Longest rendering of a bad value in a message (characters): long ones break the line."""


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
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


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


def did_you_mean(
    word: str, candidates: Sequence[str], *, brackets: bool = False, quote: str = "'"
) -> str:
    """The hint "did you mean 'x'?" for the closest candidate, or "" when none is close."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    if not matches:
        return ""
    best = f"[{matches[0]}]" if brackets else f"{quote}{matches[0]}{quote}"
    return f"did you mean {best}?"


def join_clauses(*parts: str) -> str:
    """Join message clauses with "; ", or just a space after a question; skip empty ones."""
    text = ""
    for part in filter(None, parts):
        if text:
            text += " " if text.endswith("?") else "; "
        text += part
    return text


def or_list(items: Sequence[str]) -> str:
    """A list in words: "a", "a or b", "a, b or c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
