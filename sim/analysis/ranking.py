"""What matters most: the factors of one metric ranked by the size of their effect.

A Sobol design ranks by the total index ST (the share of the metric's variance a factor
is involved in), a Morris design by mu_star (mean absolute elementary effect), and every
other design by the swing of the main effect (the change from a factor's lowest to its
highest level, in the metric's unit).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .effects import MainEffect
from .labels import change_text, display_unit, number
from .sensitivity import MorrisIndex, Sensitivity, SobolIndex

SWING = "swing"
ST = "ST"
MU_STAR = "mu_star"


@dataclass(frozen=True)
class Ranked:
    """A factor's place in the ranking of one metric."""

    factor: str
    score: float
    """What it is ranked by (absolute swing, ST or mu_star), larger first."""
    measure: str
    text: str
    """The effect in words, e.g. "+12.3 ± 2.10 hours (manual → automated)"."""
    clear: bool
    """Whether the effect is distinguishable from zero (its interval excludes zero)."""


def rank(effects: Sequence[MainEffect], sensitivity: Sensitivity | None) -> tuple[Ranked, ...]:
    """The varied factors of one metric, largest effect first."""
    if sensitivity is not None and sensitivity.indices:
        ranked = [_index(index, effects) for index in sensitivity.indices]
    else:
        ranked = [r for r in (_swing(e) for e in effects) if r is not None]
    return tuple(sorted(ranked, key=lambda r: (-r.score, r.factor)))


def _swing(effect: MainEffect) -> Ranked | None:
    swing = effect.swing
    if swing is None or swing.change.value is None:
        return None
    change = swing.change
    text = (
        f"{change_text(effect.metric, change.value, change.ci)} "
        f"({swing.low} \N{RIGHTWARDS ARROW} {swing.high})"
    )
    return Ranked(effect.factor.key, abs(change.value), SWING, text, change.clear)


def _index(index: SobolIndex | MorrisIndex, effects: Sequence[MainEffect]) -> Ranked:
    if isinstance(index, SobolIndex):
        text = f"ST {index.st:.3f} ± {index.st_conf:.3f}, S1 {index.s1:.3f} ± {index.s1_conf:.3f}"
        score = index.st if math.isfinite(index.st) else 0.0
        return Ranked(index.factor, score, ST, text, index.st - index.st_conf > 0)
    scale, unit = display_unit(next((e.metric for e in effects), ""), change=True)
    suffix = f" {unit}" if unit else ""
    text = (
        f"mu* {number(index.mu_star * scale)} ± {number(index.mu_star_conf * scale, 2)}"
        f"{suffix}, sigma {number(index.sigma * scale)}"
    )
    score = index.mu_star if math.isfinite(index.mu_star) else 0.0
    return Ranked(index.factor, score, MU_STAR, text, index.mu_star - index.mu_star_conf > 0)
