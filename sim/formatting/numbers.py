"""How a number and its 95 % interval are written, whatever its unit.

Numbers have about three significant figures: no decimals from 100, one from 1, two
below 1, none for a plain zero.  With a 95 % interval a value reads ``mean ± half-width``
in the scale chosen for the mean, and a real spread is never rounded to ``± 0.0``.  The
unit rules (:mod:`sim.formatting.quantities`) and the metric table
(:mod:`sim.formatting.metrics`) write every number through these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

MISSING = "—"
"""Shown for a value that is None (empty sample, zero denominator)."""

Interval = Sequence[float] | None
"""A 95 % confidence interval ``[low, high]`` as in the ``ci95`` part of a document."""

Formatter = Callable[[float | None, Interval], str]
"""Formats a value and its optional 95 % interval."""

DiffFormatter = Callable[[float, float | None], str]
"""Formats the size of a difference (>= 0) and its CI half-width; the sign is added after."""


def fixed(value: float, decimals: int) -> str:
    """A number with a fixed count of decimals and thousands separators."""
    return f"{value:,.{decimals}f}"


def decimals_for(value: float) -> int:
    """Decimals for a value in its display unit: about three significant figures, at most.

    Large values need no decimals; values below 1 need two to say anything at all.
    """
    size = abs(value)
    if size >= 100:
        return 0
    if size >= 1:
        return 1
    return 2


def half_width(interval: Interval) -> float | None:
    """Half the width of a (symmetric, Student-t) 95 % interval, or None when there is none."""
    if not interval or len(interval) != 2 or interval[0] is None or interval[1] is None:
        return None
    return (float(interval[1]) - float(interval[0])) / 2.0


def number_text(
    mean: float,
    half: float | None,
    scale: float,
    decimals: int | None = None,
    *,
    keep_small: bool = False,
) -> tuple[str, str | None]:
    """``mean`` and ``half`` divided by ``scale``, as text: (number, half-width or None).

    The half-width is printed with the mean's decimals, unless that would round a real
    spread to zero; then it gets two significant figures, so "± 0.0" never hides noise.
    With ``keep_small`` the same holds for the mean (used for differences, where a small
    but real change must not read as zero).
    """
    shown = mean / scale
    places = decimals_for(shown) if decimals is None else decimals
    if decimals is None and shown == 0 and not half:
        places = 0  # "0 / week", not "0.00 / week": nothing is nothing
    text = fixed(shown, places)
    if keep_small and shown != 0 and round(shown, places) == 0:
        text = f"{shown:.2g}"
    if half is None:
        return text, None
    spread = half / scale
    if spread > 0 and round(spread, places) == 0:
        return text, f"{spread:.2g}"
    return text, fixed(spread, places)


def with_error(
    mean: float,
    half: float | None,
    scale: float,
    unit: str,
    decimals: int | None = None,
    *,
    keep_small: bool = False,
) -> str:
    """``mean unit`` or ``mean ± half unit`` after dividing both by ``scale``."""
    number, spread = number_text(mean, half, scale, decimals, keep_small=keep_small)
    text = number if spread is None else f"{number} ± {spread}"
    return f"{text} {unit}".rstrip()
