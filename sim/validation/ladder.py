"""The calibration ladder: the built-in organisations, lowest rung first, and its keys.

Each rung must land in its DORA band on the four keys (:data:`KEYS`, measured by the
metrics :data:`KEY_METRICS`), over :data:`LADDER_SEEDS` and :data:`LADDER_REPLICATIONS`
replications per seed.  The same built-ins are the bases every claim family uses
(:mod:`sim.validation.directions`, :mod:`sim.validation.claims`).
"""

from __future__ import annotations

from ..metrics.tiers import ASPECTS, METRIC_OF

LADDER = ("legacy-enterprise", "water-scrum-fall", "continuous-delivery", "elite")
"""The calibration ladder, lowest rung first (also: the built-ins every claim family uses)."""
LADDER_SEEDS = (1, 2, 3, 4, 5)
LADDER_REPLICATIONS = 20
"""Replications per rung and seed: enough for each key's interval to sit inside its band."""
KEYS: tuple[str, ...] = ASPECTS
KEY_METRICS: dict[str, str] = METRIC_OF
"""The four keys and their metrics, as the tier tables define them."""
