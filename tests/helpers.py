"""Constants shared by test modules (fixtures: ``conftest.py``; CLI helpers: ``cli_helpers.py``)."""

from __future__ import annotations

BUILTINS = ("legacy-enterprise", "water-scrum-fall", "continuous-delivery", "elite")
"""The four built-in organisations of the calibration ladder, lowest tier first."""
