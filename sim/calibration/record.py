"""A delivery record: what an organisation deployed, when, and which changes went out.

A record is a folder of CSV files (UTF-8, a header row, one record per row; columns in any
order, other columns ignored).  Times are ISO 8601 with a zone, ``Z`` or an offset
(``2024-05-01T12:00:00Z``, ``2024-05-01T14:00+02:00``; seconds and fractions optional), and
are held as UTC.  Rows are numbered as in a spreadsheet (the header is row 1).

``deployments.csv`` (required) — one row per deployment (a release, a tag):

============== ======== ===============================================================
column         required meaning
============== ======== ===============================================================
deployment_id  yes      unique name of the deployment (``v1.2.3``), at most 200 chars
deployed_at    yes      when it reached production (date and time, UTC)
changes        yes      how many rows of ``changes.csv`` belong to it (whole number >= 0)
version_kind   column   ``major``, ``minor`` or ``patch`` (from the version number), or
                        empty when unknown; ``patch`` feeds the failure proxy
============== ======== ===============================================================

``changes.csv`` (required) — one row per change (a commit) that reached a deployment:

============== ======== ===============================================================
column         required meaning
============== ======== ===============================================================
change_id      yes      unique name of the change (a short commit hash), <= 200 chars
authored_at    yes      when the change was first written (the earliest time known)
committed_at   yes      when it was committed: DORA's lead time for changes starts here
deployment_id  yes      the first deployment that contained it (in ``deployments.csv``)
deployed_at    yes      that deployment's ``deployed_at`` (must be the same time)
is_merge       yes      ``1`` for a merge commit, ``0`` otherwise
============== ======== ===============================================================

``incidents.csv`` (optional; all six columns in the header, cells may be empty where said):

============== ======== ===============================================================
column         required meaning
============== ======== ===============================================================
opened         yes      when the incident began (date and time, UTC)
detected       may be   when it was noticed (not before ``opened``)
               empty
restored       may be   when service was restored (not before ``opened`` or ``detected``);
               empty    ``restored - opened`` is the time to restore
cause          may be   free text, e.g. the model's ``defect``, ``deploy_error``, ``config``
               empty
severity       may be   1 (worst) to 4, as in the model
               empty
deployment     may be   the ``deployment_id`` that caused it: such an incident makes its
               empty    deployment a failed one (change failure rate); not before it
============== ======== ===============================================================

Checks (each failure is one :class:`~sim.errors.ScenarioError` naming the file, the row
and the column): required columns present; every date parses; ids unique; every change's
``deployment_id`` is in ``deployments.csv`` with the same ``deployed_at``; no change is
committed more than :data:`CLOCK_SKEW_HOURS` after its deployment ("a deployment before
its changes"; a smaller lead is a committer's clock or zone off, and counts as lead time 0);
each ``changes`` count equals that deployment's rows in ``changes.csv``; at most
:data:`RECORD_ROWS_MAX` rows and :data:`RECORD_FILE_MAX_BYTES` per file.

In memory (:class:`DeliveryRecord`) the tables have exactly the columns above: ids and
text as strings (``""`` when empty), times as ``datetime64[us, UTC]`` (``NaT`` when empty),
``changes`` as ``int64``, ``is_merge`` as ``bool``, ``severity`` as nullable ``Int64``.
Deployments are in time order (ties kept in file order); changes in file order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pandas as pd

from sim.calibration.cells import Table, read_table
from sim.calibration.record_checks import (
    check_counts,
    read_changes,
    read_deployments,
    read_incidents,
)
from sim.calibration.record_format import (
    CHANGE_COLUMNS,
    CHANGES_FILE,
    CLOCK_SKEW_HOURS,
    DEPLOYMENT_COLUMNS,
    DEPLOYMENTS_FILE,
    INCIDENT_COLUMNS,
    INCIDENTS_FILE,
    RECORD_FILE_MAX_BYTES,
    RECORD_ROWS_MAX,
    VERSION_KINDS,
    typed_changes,
    typed_deployments,
    typed_incidents,
)
from sim.calibration.record_times import parse_bound, when_text, window_text
from sim.calibration.record_write import iso_texts, record_texts, write_record
from sim.errors import ScenarioError


@dataclass(frozen=True, eq=False)
class DeliveryRecord:
    """What was deployed and when: the tables of the module notes, over a window.

    ``source`` names where the record came from (a folder or a git repository), for
    messages and for the comments of a calibrated scenario.  ``since`` / ``until`` are
    the window it was cut to (:meth:`window`; ``None``: the record's own start or end).
    """

    source: str
    changes: pd.DataFrame
    deployments: pd.DataFrame
    incidents: pd.DataFrame | None = None
    since: pd.Timestamp | None = None
    until: pd.Timestamp | None = None

    @property
    def first_deployed(self) -> pd.Timestamp:
        """When the record's first deployment reached production (UTC)."""
        return self.deployments["deployed_at"].iloc[0]

    @property
    def last_deployed(self) -> pd.Timestamp:
        """When the record's last deployment reached production (UTC)."""
        return self.deployments["deployed_at"].iloc[-1]

    def describe(self) -> str:
        """``"223 deployments from 2021-06-24 to 2026-06-30"``: for messages and comments."""
        count = len(self.deployments)
        if not count:
            return "no deployments"
        noun = "deployment" if count == 1 else "deployments"
        return (
            f"{count} {noun} from {self.first_deployed:%Y-%m-%d} to {self.last_deployed:%Y-%m-%d}"
        )

    def window(
        self,
        since: pd.Timestamp | datetime | str | None = None,
        until: pd.Timestamp | datetime | str | None = None,
    ) -> DeliveryRecord:
        """The record cut to ``[since, until)``: the deployments whose ``deployed_at``
        is in it, their changes (whenever committed) and the incidents opened in it.

        ``None`` leaves that side open; a naive time or a bare date is taken as UTC.
        The window is also kept within this record's own window.  A window with no
        deployment is a :class:`ScenarioError` saying what the record holds.
        """
        since = _bound(since, self.source)
        until = _bound(until, self.source)
        if self.since is not None and (since is None or since < self.since):
            since = self.since
        if self.until is not None and (until is None or until > self.until):
            until = self.until
        if since is not None and until is not None and since >= until:
            raise ScenarioError(
                self.source,
                "window",
                f"{window_text(since, until)} is empty: the start must be before the end",
            )
        deployed = self.deployments["deployed_at"]
        keep = pd.Series(True, index=deployed.index)
        if since is not None:
            keep &= deployed >= since
        if until is not None:
            keep &= deployed < until
        if not keep.any():
            raise ScenarioError(
                self.source,
                "window",
                f"no deployment {window_text(since, until)}; the record has {self.describe()}",
            )
        deployments = self.deployments[keep].reset_index(drop=True)
        ids = set(deployments["deployment_id"])
        changes = self.changes[self.changes["deployment_id"].isin(ids)].reset_index(drop=True)
        incidents = self.incidents
        if incidents is not None:
            opened = incidents["opened"]
            inside = pd.Series(True, index=opened.index)
            if since is not None:
                inside &= opened >= since
            if until is not None:
                inside &= opened < until
            incidents = incidents[inside].reset_index(drop=True)
        return replace(
            self,
            changes=changes,
            deployments=deployments,
            incidents=incidents,
            since=since,
            until=until,
        )


def _bound(value: pd.Timestamp | datetime | str | None, source: str) -> pd.Timestamp | None:
    return None if value is None else parse_bound(value, source)


# --------------------------------------------------------------------------- reading


def read_record(folder: str | os.PathLike[str]) -> DeliveryRecord:
    """The delivery record in ``folder`` (``changes.csv``, ``deployments.csv`` and
    optionally ``incidents.csv``), checked as the module notes say.

    Raises :class:`ScenarioError` (one line naming the file, row and column) for any
    mistake in the files, and for a folder that is missing or not a folder.
    """
    root = Path(folder)
    source = str(folder)
    expected = f"a folder holding {CHANGES_FILE} and {DEPLOYMENTS_FILE}"
    try:
        if not root.exists():
            raise ScenarioError(source, "", f"not found; expected {expected}")
        if not root.is_dir():
            raise ScenarioError(source, "", f"is not a folder; expected {expected}")
        has_incidents = os.path.lexists(root / INCIDENTS_FILE)
    except OSError as exc:
        raise ScenarioError(source, "", f"cannot read: {exc.strerror or exc}") from None
    deployments = read_deployments(
        _table(root, DEPLOYMENTS_FILE, DEPLOYMENT_COLUMNS), RECORD_ROWS_MAX
    )
    changes_table = _table(root, CHANGES_FILE, CHANGE_COLUMNS)
    changes = read_changes(changes_table, deployments)
    check_counts(changes, deployments, str(root / DEPLOYMENTS_FILE))
    incidents = None
    if has_incidents:
        table = _table(root, INCIDENTS_FILE, INCIDENT_COLUMNS)
        incidents = read_incidents(table, deployments)
    return DeliveryRecord(
        source=source,
        changes=typed_changes(changes),
        deployments=typed_deployments(deployments),
        incidents=None if incidents is None else typed_incidents(incidents),
    )


def _table(root: Path, name: str, columns: tuple[str, ...]) -> Table:
    return read_table(
        root / name,
        str(root / name),
        columns,
        max_bytes=RECORD_FILE_MAX_BYTES,
        max_rows=RECORD_ROWS_MAX,
    )


__all__ = [
    "CHANGES_FILE",
    "CHANGE_COLUMNS",
    "CLOCK_SKEW_HOURS",
    "DEPLOYMENTS_FILE",
    "DEPLOYMENT_COLUMNS",
    "INCIDENTS_FILE",
    "INCIDENT_COLUMNS",
    "RECORD_FILE_MAX_BYTES",
    "RECORD_ROWS_MAX",
    "VERSION_KINDS",
    "DeliveryRecord",
    "iso_texts",
    "parse_bound",
    "read_record",
    "record_texts",
    "typed_changes",
    "typed_deployments",
    "typed_incidents",
    "when_text",
    "window_text",
    "write_record",
]
