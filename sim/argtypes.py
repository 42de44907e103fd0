"""Argument types shared by every ``shipit`` subcommand, so counts and seeds read alike.

argparse turns an ``ArgumentTypeError`` into a usage message and exit status 2.  Every
number is checked to be finite and within bounds (:mod:`sim.limits`), so ``nan``,
``inf`` and ``1e23`` are refused where they are typed.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from .limits import REPLICATIONS_MAX, SEED_MAX, WORKERS_MAX


def whole(low: int, high: int) -> Callable[[str], int]:
    """A whole number in ``[low, high]`` (counts, rounds, ports)."""
    allowed = f"a whole number >= {low} and <= {high}"

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {allowed}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {allowed}, got {text.strip()}")
        return value

    return parse


def number(low: float, high: float, *, low_open: bool = True) -> Callable[[str], float]:
    """A finite number in ``(low, high]`` (or ``[low, high]`` without ``low_open``)."""
    allowed = f"a number {'>' if low_open else '>='} {low:g} and <= {high:g}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {allowed}, got {text!r}") from None
        too_low = value <= low if low_open else value < low
        if not math.isfinite(value) or too_low or value > high:
            raise argparse.ArgumentTypeError(f"expected {allowed}, got {text.strip()}")
        return value

    return parse


positive_int = whole(1, REPLICATIONS_MAX)
"""A count that must be at least 1 (replications, workers, rounds)."""

workers_count = whole(1, WORKERS_MAX)
"""A number of local worker processes."""

seed = whole(0, SEED_MAX)
"""A random seed: a whole number >= 0 that fits a signed 64-bit integer."""


def positive(kind: type[int] | type[float], high: float = 1e9) -> Callable[[str], int | float]:
    """A finite number of ``kind`` that must be greater than 0 and at most ``high``."""
    if kind is int:
        return whole(1, int(high))
    return number(0.0, high)
