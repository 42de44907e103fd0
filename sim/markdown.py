"""Markdown tables: the one writer behind the reference docs and a sweep's ``summary.md``.

Every Markdown table the program writes goes through :func:`table`, so a cell is made safe
the same way everywhere (:func:`cell`): a ``|`` inside it is escaped, and line breaks and
runs of whitespace become one space, so no value can end its row or the table early.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def cell(value: object) -> str:
    """Any value as text safe for a Markdown table cell (no pipes, no line breaks)."""
    return " ".join(str(value).replace("|", "\\|").split())


def table(header: Sequence[object], rows: Iterable[Sequence[object]], align: str = "") -> list[str]:
    """A GitHub-flavoured Markdown table, one line per row, header and rule first.

    ``align`` has one letter per column, ``l`` (left, the default for columns it leaves
    out) or ``r`` (right, for numbers).  Every cell, header included, goes through
    :func:`cell`.
    """
    rule = ("---:" if letter == "r" else "---" for letter in align.ljust(len(header), "l"))
    lines = [_row(header), "|" + "|".join(rule) + "|"]
    lines += [_row(row) for row in rows]
    return lines


def _row(cells: Sequence[object]) -> str:
    """One table line: the cells, each made safe, between pipes."""
    return "| " + " | ".join(cell(value) for value in cells) + " |"
