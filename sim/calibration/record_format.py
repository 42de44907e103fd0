"""The layout of a delivery record (:mod:`.record`): its files, columns and limits.

The names of the three files, their columns (documented in :mod:`.record`), the values
and limits the checks hold them to, and the in-memory types of each table
(:func:`typed_changes`, :func:`typed_deployments`, :func:`typed_incidents`).
"""

from __future__ import annotations

import pandas as pd

CHANGES_FILE = "changes.csv"
DEPLOYMENTS_FILE = "deployments.csv"
INCIDENTS_FILE = "incidents.csv"

CHANGE_COLUMNS = (
    "change_id",
    "authored_at",
    "committed_at",
    "deployment_id",
    "deployed_at",
    "is_merge",
)
"""The columns of ``changes.csv``, all required."""

DEPLOYMENT_COLUMNS = ("deployment_id", "deployed_at", "changes", "version_kind")
"""The columns of ``deployments.csv``, all required (``version_kind`` cells may be empty)."""

INCIDENT_COLUMNS = ("opened", "detected", "restored", "cause", "severity", "deployment")
"""The columns of ``incidents.csv``, all required in its header (cells: see the module)."""

VERSION_KINDS = ("major", "minor", "patch")
"""The values of ``version_kind`` (or empty: unknown)."""

SEVERITY_MIN = 1
SEVERITY_MAX = 4
"""Incident severities: 1 (worst) to 4, as the model draws them."""

RECORD_ROWS_MAX = 2_000_000
"""Most data rows in one file of a record (about 200 MB of ``changes.csv``): decades of
commits of a large organisation; more is not a delivery record."""

RECORD_FILE_MAX_BYTES = 256 * 1024 * 1024
"""Largest file of a record read: 256 MiB (2 million rows of ``changes.csv`` take ~200 MB)."""

CLOCK_SKEW_HOURS = 24.0
"""Hours a change may be dated after its deployment and still be accepted, as clock skew.

Git dates come from the committer's clock and time-zone setting; a commit dated a few hours
after the tag that released it (the Textual record has one, 7.5 h) is a clock or zone
mistake, not a deployment before its changes.  Its lead time counts as 0.  Later than this
is refused."""


def typed_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """``changes.csv``'s columns, in order, with the in-memory types (module notes)."""
    return pd.DataFrame(
        {
            "change_id": frame["change_id"].astype(str),
            "authored_at": frame["authored_at"].astype("datetime64[us, UTC]"),
            "committed_at": frame["committed_at"].astype("datetime64[us, UTC]"),
            "deployment_id": frame["deployment_id"].astype(str),
            "deployed_at": frame["deployed_at"].astype("datetime64[us, UTC]"),
            "is_merge": frame["is_merge"].astype(bool),
        }
    ).reset_index(drop=True)


def typed_deployments(frame: pd.DataFrame) -> pd.DataFrame:
    """``deployments.csv``'s columns, in time order (stable), with the in-memory types."""
    typed = pd.DataFrame(
        {
            "deployment_id": frame["deployment_id"].astype(str),
            "deployed_at": frame["deployed_at"].astype("datetime64[us, UTC]"),
            "changes": frame["changes"].astype("int64"),
            "version_kind": frame["version_kind"].astype(str),
        }
    )
    return typed.sort_values("deployed_at", kind="stable").reset_index(drop=True)


def typed_incidents(frame: pd.DataFrame) -> pd.DataFrame:
    """``incidents.csv``'s columns, in order, with the in-memory types."""
    return pd.DataFrame(
        {
            "opened": frame["opened"].astype("datetime64[us, UTC]"),
            "detected": frame["detected"].astype("datetime64[us, UTC]"),
            "restored": frame["restored"].astype("datetime64[us, UTC]"),
            "cause": frame["cause"].astype(str),
            "severity": frame["severity"].astype("Int64"),
            "deployment": frame["deployment"].astype(str),
        }
    ).reset_index(drop=True)
