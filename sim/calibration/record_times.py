"""Times in a delivery record's messages, and the bounds of its windows.

:func:`when_text` and :func:`window_text` write times and windows as every message about
a record does; :func:`parse_bound` reads a window bound (``--since``, ``--until``).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from sim.calibration.cells import DATE_EXAMPLE, shown
from sim.errors import ScenarioError


def when_text(moment: pd.Timestamp) -> str:
    """A UTC time as messages write it: ``2023-01-01`` at midnight, else ISO with ``Z``."""
    if moment == moment.normalize():
        return f"{moment:%Y-%m-%d}"
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def window_text(since: pd.Timestamp | None, until: pd.Timestamp | None) -> str:
    """``"from 2023-01-01 to 2024-01-01"``, with the open sides said as such."""
    start = f"from {when_text(since)}" if since is not None else "from the record's start"
    end = f"to {when_text(until)}" if until is not None else "to the record's end"
    return f"in the window {start} {end}"


def parse_bound(value: pd.Timestamp | datetime | str, source: str) -> pd.Timestamp:
    """A window bound as a UTC timestamp: a date (``2023-01-01``, midnight UTC) or an ISO
    8601 date and time (naive is UTC); anything else is a ScenarioError from ``source``
    (e.g. ``"--since"``)."""
    try:
        moment = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise ScenarioError(
            source, "", f"{shown(str(value))} is not a date or a date and time ({DATE_EXAMPLE})"
        ) from None
    if pd.isna(moment):
        raise ScenarioError(source, "", f"expected a date or a date and time ({DATE_EXAMPLE})")
    return moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
