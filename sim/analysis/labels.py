"""Words and numbers for people: metric units, factor levels, estimates with their CI."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from ..metrics.definitions import METRICS
from ..report import MISSING, format_number

Interval = tuple[float, float] | None

_UNITS = {m.name: m.unit for m in METRICS if not m.pattern}
_PATTERNS = [
    (re.compile("^" + re.sub(r"<[^>]+>", ".+", re.escape(m.name)) + "$"), m.unit)
    for m in METRICS
    if m.pattern
]


def metric_unit(metric: str) -> str:
    """The unit of a metric key (from the metric table), or "" when unknown."""
    if metric in _UNITS:
        return _UNITS[metric]
    for pattern, unit in _PATTERNS:
        if pattern.match(metric):
            return unit
    return ""


SHARES = frozenset({"share", "share 0–1"})


def display_unit(metric: str, *, change: bool = False) -> tuple[float, str]:
    """Scale and unit a metric is shown in: shares as % (changes in percentage points)."""
    unit = metric_unit(metric)
    if unit in SHARES:
        return 100.0, "pp" if change else "%"
    if unit == "count":
        return 1.0, ""
    return 1.0, unit


def metric_label(metric: str, *, change: bool = False) -> str:
    """``name (unit)``, the way an axis or a table header names a metric."""
    _, unit = display_unit(metric, change=change)
    return f"{metric} ({unit})" if unit else metric


def value_text(metric: str, value: float | None, ci: Interval = None, *, unit: bool = True) -> str:
    """A metric value (mean ± CI half-width) in its display unit."""
    scale, shown = display_unit(metric)
    return fmt(*_scaled(value, ci, scale), shown if unit else "")


def change_text(metric: str, value: float | None, ci: Interval = None, *, unit: bool = True) -> str:
    """A signed change of a metric (difference, swing) in its display unit."""
    scale, shown = display_unit(metric, change=True)
    return signed(*_scaled(value, ci, scale), shown if unit else "")


def _scaled(value: float | None, ci: Interval, scale: float) -> tuple[float | None, Interval]:
    if value is None:
        return None, None
    return value * scale, None if ci is None else (ci[0] * scale, ci[1] * scale)


def level_label(value: Any) -> str:
    """A factor level as written in a scenario: ``true``, ``4``, ``0.25``, ``automated``."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):  # four figures: a label, not a key (see effects._cell)
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"
    return str(value)


def decimals_for(value: float, digits: int = 3) -> int:
    """Decimals that show ``value`` to about ``digits`` significant figures (0–6)."""
    size = abs(value)
    if size == 0 or not math.isfinite(size):
        return 0
    return max(0, min(6, digits - 1 - math.floor(math.log10(size))))


def fmt(value: float | None, ci: Interval = None, unit: str = "") -> str:
    """``mean ± half-width`` to three significant figures, or a dash.

    The figures count from the larger of the mean and the half-width, so a mean near
    zero with a wide interval does not print a row of zeros.
    """
    if value is None or not math.isfinite(value):
        return MISSING
    half = abs(ci[1] - ci[0]) / 2 if ci is not None else 0.0
    value, half = _snap(value, half), _snap(half, value)
    interval = [value - half, value + half] if ci is not None else None
    return format_number(value, interval, unit, decimals_for(max(abs(value), half)))


TINY = 1e-9
"""Relative size below which a number is floating-point noise (shown as 0)."""


def _snap(value: float, other: float) -> float:
    """``value`` as 0 when it is rounding noise next to ``other`` (or next to 1)."""
    return 0.0 if abs(value) < TINY * max(abs(other), 1e-3) else value


def number(value: float | None, digits: int = 3) -> str:
    """A plain number to ``digits`` significant figures (index values, mu*, sigma)."""
    if value is None or not math.isfinite(value):
        return MISSING
    value = _snap(value, 1.0)
    return f"{value:.{decimals_for(value, digits)}f}" if abs(value) < 1e6 else f"{value:.3g}"


def signed(value: float | None, ci: Interval = None, unit: str = "") -> str:
    """Like :func:`fmt` with an explicit sign: ``+1.2 ± 0.3``."""
    text = fmt(value, ci, unit)
    if value is None or text == MISSING or value < 0:
        return text.replace("-", "\N{MINUS SIGN}", 1)
    return "+" + text
