"""Reading the CSV tables of a delivery record: typed columns, one-line errors.

A delivery record's files are CSV with a header row.  :func:`read_table` reads one (a
regular file only, bounded in size and rows: :mod:`sim.inputs`) with every cell as text;
the column readers (:func:`text_column`, :func:`date_column`, :func:`whole_column`,
:func:`choice_column`) turn a column into typed values, checking every cell.  A bad cell
is a :class:`~sim.errors.ScenarioError` naming the file, the row and the column and saying
what is allowed, e.g.::

    record/changes.csv: row 12, column committed_at: 'yesterday' is not a date and time
    (ISO 8601 with Z or an offset, e.g. 2024-05-01T12:00:00Z)

Rows are counted as a spreadsheet or an editor counts them: the header is row 1, the first
data row is row 2.  Cells are stripped of surrounding spaces; an empty cell is ``""``.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.errors import ScenarioError, one_line
from sim.inputs import decode_text, read_input_bytes, size_text

FIRST_DATA_ROW = 2
"""The row number of the first data row: the header is row 1 (as in a spreadsheet)."""

TEXT_CHARS_MAX = 200
"""Longest text cell (an id, a cause), characters: longer is not an id but a mistake."""

DATE_MIN = pd.Timestamp("1970-01-01", tz="UTC")
"""Earliest date and time accepted in a record (UTC): nothing was delivered before."""

DATE_MAX = pd.Timestamp("2100-01-01", tz="UTC")
"""Latest date and time accepted in a record (UTC, exclusive): far past any real record."""

DATE_EXAMPLE = "ISO 8601 with Z or an offset, e.g. 2024-05-01T12:00:00Z"
"""What a date and time cell should look like, for messages."""

_DATE_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}(:?\d{2})?)"
)
"""An ISO 8601 date and time with seconds optional and a zone required (Z or an offset)."""

_NO_ZONE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?")
"""A date, or a date and time, without a zone: refused, with a hint to add one."""

_WHOLE = re.compile(r"[0-9]{1,18}")
"""A whole number written in digits (no sign, point, exponent, ``nan`` or ``inf``)."""

_SHOWN_CHARS = 60
"""Longest rendering of a bad cell in a message: one line must stay readable."""


@dataclass(frozen=True, eq=False)
class Table:
    """One CSV file of a record, every cell as stripped text (``""`` when empty).

    ``source`` is the file as messages name it; ``frame`` has one column per header name
    (string cells) and a plain 0-based index: data row ``i`` is file row ``i + 2``.
    """

    source: str
    frame: pd.DataFrame

    def error(self, index: int, column: str, problem: str) -> ScenarioError:
        """The one-line error about the cell of data row ``index`` (0-based) in ``column``."""
        return ScenarioError(self.source, cell_key(index, column), problem)

    def __len__(self) -> int:
        return len(self.frame)


def cell_key(index: int, column: str) -> str:
    """``"row 12, column committed_at"`` for data row ``index`` (0-based) of a file."""
    return f"row {index + FIRST_DATA_ROW}, column {column}"


def shown(value: str) -> str:
    """A cell as a message quotes it: repr, cut to a readable length."""
    if len(value) > _SHOWN_CHARS:
        value = value[:_SHOWN_CHARS] + "…"
    return repr(value)


def read_table(
    path: str | os.PathLike[str],
    source: str,
    required: Sequence[str],
    *,
    max_bytes: int,
    max_rows: int,
) -> Table:
    """The CSV file at ``path`` as a :class:`Table`, or a one-line ScenarioError.

    The file must be a regular UTF-8 file of at most ``max_bytes`` bytes with a header row
    naming at least the ``required`` columns (others are ignored) and at most ``max_rows``
    data rows.  A row with fewer cells than the header gets empty cells; a row with more
    is refused.
    """
    what = "a CSV file"
    text = decode_text(read_input_bytes(path, source, limit=max_bytes, what=what), source)
    needed = ", ".join(required)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
        )
    except pd.errors.EmptyDataError:
        raise ScenarioError(
            source, "", f"the file is empty; expected a header row with the columns {needed}"
        ) from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise ScenarioError(source, "", f"not a CSV table: {one_line(str(exc))}") from None
    frame.columns = [str(name).strip() for name in frame.columns]
    missing = [name for name in required if name not in frame.columns]
    if missing:
        found = ", ".join(shown(str(name)) for name in frame.columns)
        raise ScenarioError(
            source,
            "",
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
            f"the file needs a header row with the columns {needed} (found {found})",
        )
    if len(frame) > max_rows:
        raise ScenarioError(
            source,
            "",
            f"{len(frame)} rows is too many; a record holds at most {max_rows} rows per file "
            f"(and {size_text(max_bytes)})",
        )
    frame = frame.fillna("")
    for name in required:
        frame[name] = frame[name].astype(str).str.strip()
    return Table(source, frame.reset_index(drop=True))


def _first(mask: pd.Series | np.ndarray) -> int:
    """Position of the first true value of a boolean mask (callers know there is one)."""
    return int(np.flatnonzero(np.asarray(mask, dtype=bool))[0])


def _check_filled(table: Table, column: str, values: pd.Series, what: str) -> None:
    """Refuse the first empty cell of a column whose every cell must be filled."""
    empty = values == ""
    if empty.any():
        raise table.error(_first(empty), column, f"is empty; expected {what}")


def text_column(table: Table, column: str, *, required: bool = True) -> pd.Series:
    """A text column (ids, causes): at most :data:`TEXT_CHARS_MAX` characters a cell,
    filled unless ``required`` is false (then empty cells are ``""``)."""
    values = table.frame[column]
    what = f"text of at most {TEXT_CHARS_MAX} characters"
    if required:
        _check_filled(table, column, values, what)
    long = values.str.len() > TEXT_CHARS_MAX
    if long.any():
        index = _first(long)
        raise table.error(
            index, column, f"{shown(values.iloc[index])} is too long; expected {what}"
        )
    return values.astype(str)


def _date_problem(cell: str) -> str:
    """Why ``cell`` is not an accepted date and time."""
    if _NO_ZONE.fullmatch(cell):
        return (
            f"{shown(cell)} has no time zone; add Z for UTC or an offset such as +02:00 "
            f"({DATE_EXAMPLE})"
        )
    return f"{shown(cell)} is not a date and time ({DATE_EXAMPLE})"


def date_column(table: Table, column: str, *, required: bool = True) -> pd.Series:
    """A date-and-time column as tz-aware UTC timestamps (``datetime64[us, UTC]``).

    Every cell must be ISO 8601 with a zone (``Z`` or an offset such as ``+02:00``;
    seconds and fractions optional) between 1970 and 2100; when ``required`` is false an
    empty cell is ``NaT``.
    """
    values = table.frame[column]
    if required:
        _check_filled(table, column, values, f"a date and time ({DATE_EXAMPLE})")
    filled = values != ""
    bad = filled & ~values.str.fullmatch(_DATE_SHAPE.pattern)
    if bad.any():
        index = _first(bad)
        raise table.error(index, column, _date_problem(values.iloc[index]))
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    if filled.any():
        parsed[filled] = _parse_dates(table, column, values[filled])
    out_of_range = filled & ((parsed < DATE_MIN) | (parsed >= DATE_MAX))
    if out_of_range.any():
        index = _first(out_of_range)
        raise table.error(
            index,
            column,
            f"{shown(values.iloc[index])} is out of range; expected a date and time from "
            f"{DATE_MIN.year} to {DATE_MAX.year - 1}",
        )
    return parsed


def _parse_dates(table: Table, column: str, cells: pd.Series) -> pd.Series:
    """Parse well-shaped cells; a cell that is no real date (month 13) is refused."""
    try:
        parsed = pd.to_datetime(cells, format="ISO8601", utc=True)
    except (ValueError, OverflowError):
        for index, cell in cells.items():
            try:
                pd.to_datetime(cell, format="ISO8601", utc=True)
            except (ValueError, OverflowError):
                raise table.error(int(index), column, _date_problem(cell)) from None
        raise  # pragma: no cover - the column failed, so one cell must fail too
    return parsed.astype("datetime64[us, UTC]")


def whole_column(
    table: Table, column: str, low: int, high: int, *, required: bool = True
) -> pd.Series:
    """A column of whole numbers in ``[low, high]`` (``int64``; ``Int64`` with ``<NA>``
    for empty cells when ``required`` is false).  ``nan``, ``inf``, signs, decimal points
    and exponents are refused."""
    values = table.frame[column]
    what = f"a whole number from {low} to {high}"
    if required:
        _check_filled(table, column, values, what)
    filled = values != ""
    bad = filled & ~values.str.fullmatch(_WHOLE.pattern)
    if not bad.any():
        numbers = pd.Series(0, index=values.index, dtype="int64")
        numbers[filled] = values[filled].astype("int64")
        bad = filled & ((numbers < low) | (numbers > high))
    if bad.any():
        index = _first(bad)
        raise table.error(index, column, f"{shown(values.iloc[index])} is not {what}")
    if required:
        return numbers
    return numbers.astype("Int64").where(filled, pd.NA)


def choice_column(
    table: Table, column: str, allowed: Sequence[str], *, required: bool = True
) -> pd.Series:
    """A column whose every cell is one of ``allowed`` (or empty, ``""``, when not
    ``required``)."""
    values = table.frame[column]
    choices = ", ".join(allowed)
    if required:
        _check_filled(table, column, values, f"one of {choices}")
    bad = (values != "") & ~values.isin(list(allowed))
    if bad.any():
        index = _first(bad)
        empty = "" if required else " or empty"
        raise table.error(
            index, column, f"{shown(values.iloc[index])} is not one of {choices}{empty}"
        )
    return values.astype(str)


__all__ = [
    "DATE_EXAMPLE",
    "DATE_MAX",
    "DATE_MIN",
    "FIRST_DATA_ROW",
    "TEXT_CHARS_MAX",
    "Table",
    "cell_key",
    "choice_column",
    "date_column",
    "read_table",
    "shown",
    "text_column",
    "whole_column",
]
