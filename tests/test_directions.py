"""Each practice, toggled alone, moves its metrics the way the evidence says (issue 3).

The cases live in :data:`sim.validation.DIRECTIONS` (shared with ``docs/validation.md``):
a suitable base scenario, one change, and the expected direction of each metric, checked
with 10 paired replications on common random numbers and a paired 95 % interval that
excludes zero — or includes zero where the research finds no effect (a CAB does not lower
the change failure rate; CI without automated tests changes nothing).
"""

from __future__ import annotations

import pytest

from sim.validation import DIRECTIONS, LOWER, check_direction


@pytest.mark.parametrize("direction", DIRECTIONS, ids=[d.name for d in DIRECTIONS])
def test_practice_moves_metrics_the_way_the_evidence_says(direction):
    result = check_direction(direction)
    for p in result.metrics:
        assert p.holds, (
            f"{direction.name}: {p.metric} expected {p.expected}, got {p.mean_diff:+.4g} "
            f"[{p.low:+.4g}, {p.high:+.4g}] (base {p.base_mean:.4g})"
        )


def test_ci_pays_off_only_with_test_automation():
    """The interaction named by DORA-2021: CI's effect on the change failure rate needs an
    automated suite; without one it is exactly zero under common random numbers."""
    by_name = {d.name: d for d in DIRECTIONS}
    with_suite = check_direction(by_name["continuous integration (with an automated suite)"])
    without = check_direction(by_name["continuous integration without any automated tests"])
    cfr = {p.metric: p for p in with_suite.metrics}["change_failure_rate"]
    cfr_without = {p.metric: p for p in without.metrics}["change_failure_rate"]
    assert cfr.expected == LOWER and cfr.holds
    assert cfr_without.mean_diff == 0.0
    assert cfr.mean_diff < cfr_without.mean_diff


def test_blameless_learning_lowers_the_failure_rate_over_time():
    """Improvement actions accumulate: the gap to a blame culture widens in year two."""
    from sim.validation import Direction

    def gap(days: float, warmup: float) -> float:
        direction = Direction(
            "blameless",
            "water-scrum-fall",
            {"run.days": days, "run.warmup_days": warmup},
            {"practices.postmortems": "blameless"},
            {"change_failure_rate": LOWER},
            "",
        )
        return check_direction(direction).metrics[0]

    first_year = gap(365.0, 0.0)
    second_year = gap(730.0, 365.0)
    assert second_year.holds
    assert second_year.mean_diff < first_year.mean_diff
