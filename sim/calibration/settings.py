"""Defaults and bounds of calibration that the command line shows before any work.

Kept apart from the modules that use them so that ``shipit --help`` and the parsers
stay quick: those modules import pandas, scipy and pygit2, this one nothing.
"""

from __future__ import annotations

DEFAULT_TAG_PATTERN = r"^v?\d+\.\d+(\.\d+)?$"
"""Release tags by default: ``v1.2``, ``1.2.3``, ``v10.0.1``."""

FAILURE_PATCH_DAYS = 7.0
"""The failure proxy's window by default, days: a deployment followed within it by a
patch deployment counts as failed (the Textual record's README uses 7)."""

PATCH_DAYS_MAX = 365.0
"""Longest failure-proxy window, days: a patch a year later is no hotfix."""
