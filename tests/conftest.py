"""Shared fixtures: scenarios built in code, so tests say exactly what they vary."""

from __future__ import annotations

from typing import Any

import pytest

from sim.loading import load_scenario
from sim.scenario import Scenario


def scenario_from(base: str, **sections: dict[str, Any]) -> Scenario:
    """A built-in scenario with some sections' keys replaced (validated)."""
    updates = {
        f"{section}.{key}": value
        for section, keys in sections.items()
        for key, value in keys.items()
    }
    return load_scenario(base).with_values(updates)


@pytest.fixture
def queueing() -> Scenario:
    """The M/M/c validation scenario."""
    return load_scenario("queueing-check")
