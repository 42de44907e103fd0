"""Paired comparisons under common random numbers, for the direction tests.

Both arms run the same seed and replication indices, so they see the same demand and the
same latent defects; the per-replication difference isolates the practice.  A claimed
effect needs a paired 95 % interval that excludes zero on the claimed side; "no effect"
needs one that includes zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.runner import mean_ci95, run_replications
from sim.scenario import Scenario

REPLICATIONS = 10


@dataclass(frozen=True)
class Paired:
    """The paired difference (variant − base) of one metric over replications."""

    metric: str
    mean: float
    low: float
    high: float
    base_mean: float

    def lower(self) -> bool:
        """The variant is lower, with 95 % confidence."""
        return self.high < 0

    def higher(self) -> bool:
        """The variant is higher, with 95 % confidence."""
        return self.low > 0

    def no_effect(self) -> bool:
        """The interval includes zero."""
        return self.low <= 0 <= self.high


def paired(
    base: Scenario, changes: dict[str, Any], metrics: list[str], n: int = REPLICATIONS
) -> dict[str, Paired]:
    """Run ``base`` and ``base`` with ``changes`` on common random numbers."""
    variant = base.with_values(changes)
    a = run_replications(base, n, workers=1)
    b = run_replications(variant, n, workers=1)
    out = {}
    for metric in metrics:
        pairs = [
            (x.metrics[metric], y.metrics[metric])
            for x, y in zip(a, b, strict=True)
            if x.metrics[metric] is not None and y.metrics[metric] is not None
        ]
        assert len(pairs) >= n - 1, f"{metric}: too few replications with a value"
        mean, ci = mean_ci95([y - x for x, y in pairs])
        base_mean, _ = mean_ci95([x for x, _ in pairs])
        assert mean is not None and ci is not None and base_mean is not None
        out[metric] = Paired(metric, mean, ci[0], ci[1], base_mean)
    return out
