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

from sim.calibration.cells import (
    DATE_EXAMPLE,
    FIRST_DATA_ROW,
    Table,
    cell_key,
    choice_column,
    date_column,
    read_table,
    shown,
    text_column,
    whole_column,
)
from sim.errors import ScenarioError
from sim.outputs import OutputError, atomic_path, check_output_dir

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


def when_text(moment: pd.Timestamp) -> str:
    """A UTC time as messages write it: ``2023-01-01`` at midnight, else ISO with ``Z``."""
    if moment == moment.normalize():
        return f"{moment:%Y-%m-%d}"
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def window_text(since: pd.Timestamp | None, until: pd.Timestamp | None) -> str:
    """``"from 2023-01-01 to 2024-01-01"``, with the open sides said as such."""
    start = f"from {when_text(since)}" if since is not None else "from the record's start"
    end = f"to {when_text(until)}" if until is not None else "to the record's end"
    return f"in the window {start} {end}"


def parse_bound(value: pd.Timestamp | datetime | str, source: str) -> pd.Timestamp:
    """A window bound as a UTC timestamp: a date (``2023-01-01``, midnight UTC) or an ISO
    8601 date and time (naive is UTC); anything else is a ScenarioError from ``source``
    (e.g. ``"--since"``)."""
    try:
        moment = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise ScenarioError(
            source, "", f"{shown(str(value))} is not a date or a date and time ({DATE_EXAMPLE})"
        ) from None
    if pd.isna(moment):
        raise ScenarioError(source, "", f"expected a date or a date and time ({DATE_EXAMPLE})")
    return moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")


def _bound(value: pd.Timestamp | datetime | str | None, source: str) -> pd.Timestamp | None:
    return None if value is None else parse_bound(value, source)


# --------------------------------------------------------------------------- typed tables


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
    deployments = _read_deployments(_table(root, DEPLOYMENTS_FILE, DEPLOYMENT_COLUMNS))
    changes_table = _table(root, CHANGES_FILE, CHANGE_COLUMNS)
    changes = _read_changes(changes_table, deployments)
    _check_counts(changes, deployments, str(root / DEPLOYMENTS_FILE))
    incidents = None
    if has_incidents:
        table = _table(root, INCIDENTS_FILE, INCIDENT_COLUMNS)
        incidents = _read_incidents(table, deployments)
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


def _first_duplicate(table: Table, column: str, values: pd.Series) -> None:
    """Refuse the second occurrence of any value of an id column, naming both rows."""
    repeated = values.duplicated()
    if repeated.any():
        index = int(repeated.to_numpy().nonzero()[0][0])
        value = values.iloc[index]
        first = int((values == value).to_numpy().nonzero()[0][0])
        raise table.error(
            index,
            column,
            f"{shown(value)} appears again (first on row {first + FIRST_DATA_ROW}); "
            f"each {column} must be unique",
        )


def _read_deployments(table: Table) -> pd.DataFrame:
    ids = text_column(table, "deployment_id")
    _first_duplicate(table, "deployment_id", ids)
    return pd.DataFrame(
        {
            "deployment_id": ids,
            "deployed_at": date_column(table, "deployed_at"),
            "changes": whole_column(table, "changes", 0, RECORD_ROWS_MAX),
            "version_kind": choice_column(table, "version_kind", VERSION_KINDS, required=False),
        }
    )


def _read_changes(table: Table, deployments: pd.DataFrame) -> pd.DataFrame:
    ids = text_column(table, "change_id")
    _first_duplicate(table, "change_id", ids)
    deployment_ids = text_column(table, "deployment_id")
    frame = pd.DataFrame(
        {
            "change_id": ids,
            "authored_at": date_column(table, "authored_at"),
            "committed_at": date_column(table, "committed_at"),
            "deployment_id": deployment_ids,
            "deployed_at": date_column(table, "deployed_at"),
            "is_merge": whole_column(table, "is_merge", 0, 1).astype(bool),
        }
    )
    known = deployment_ids.isin(set(deployments["deployment_id"]))
    if not known.all():
        index = int((~known).to_numpy().nonzero()[0][0])
        raise table.error(
            index,
            "deployment_id",
            f"{shown(deployment_ids.iloc[index])} is not a deployment_id of {DEPLOYMENTS_FILE}; "
            "every change must belong to a deployment listed there",
        )
    when = _deployed_at_of(deployment_ids, deployments)
    differs = frame["deployed_at"] != when
    if differs.any():
        index = int(differs.to_numpy().nonzero()[0][0])
        raise table.error(
            index,
            "deployed_at",
            f"{when_text(frame['deployed_at'].iloc[index])} differs from {DEPLOYMENTS_FILE}, "
            f"where {shown(deployment_ids.iloc[index])} is deployed at "
            f"{when_text(when.iloc[index])}; the two must be the same time",
        )
    late = frame["committed_at"] > frame["deployed_at"] + pd.Timedelta(hours=CLOCK_SKEW_HOURS)
    if late.any():
        index = int(late.to_numpy().nonzero()[0][0])
        raise table.error(
            index,
            "committed_at",
            f"committed at {when_text(frame['committed_at'].iloc[index])}, after its "
            f"deployment {shown(deployment_ids.iloc[index])} at "
            f"{when_text(frame['deployed_at'].iloc[index])}: a deployment before its changes "
            f"(at most {CLOCK_SKEW_HOURS:g} h of clock skew is accepted)",
        )
    return frame


def _deployed_at_of(ids: pd.Series, deployments: pd.DataFrame) -> pd.Series:
    """The ``deployed_at`` of each deployment id (all known), as UTC times."""
    when = ids.map(deployments.set_index("deployment_id")["deployed_at"])
    return when.astype("datetime64[us, UTC]")


def _check_counts(changes: pd.DataFrame, deployments: pd.DataFrame, source: str) -> None:
    """Each deployment's ``changes`` must equal its rows in ``changes.csv``."""
    rows = changes.groupby("deployment_id").size()
    counted = deployments["deployment_id"].map(rows).fillna(0).astype("int64")
    wrong = counted != deployments["changes"]
    if wrong.any():
        index = int(wrong.to_numpy().nonzero()[0][0])
        raise ScenarioError(
            source,
            cell_key(index, "changes"),
            f"{deployments['changes'].iloc[index]} changes for "
            f"{shown(deployments['deployment_id'].iloc[index])}, but {CHANGES_FILE} has "
            f"{counted.iloc[index]} rows for it; the two must agree",
        )


def _read_incidents(table: Table, deployments: pd.DataFrame) -> pd.DataFrame:
    opened = date_column(table, "opened")
    detected = date_column(table, "detected", required=False)
    restored = date_column(table, "restored", required=False)
    deployment = text_column(table, "deployment", required=False)
    frame = pd.DataFrame(
        {
            "opened": opened,
            "detected": detected,
            "restored": restored,
            "cause": text_column(table, "cause", required=False),
            "severity": whole_column(table, "severity", SEVERITY_MIN, SEVERITY_MAX, required=False),
            "deployment": deployment,
        }
    )
    for column, before, after in (
        ("detected", opened, detected),
        ("restored", opened, restored),
        ("restored", detected, restored),
    ):
        early = after.notna() & before.notna() & (after < before)
        if early.any():
            index = int(early.to_numpy().nonzero()[0][0])
            other = "opened" if before is opened else "detected"
            raise table.error(
                index,
                column,
                f"{when_text(after.iloc[index])} is before {other} "
                f"({when_text(before.iloc[index])}); an incident is {column} after it is "
                f"{other}",
            )
    known = set(deployments["deployment_id"])
    named = deployment != ""
    unknown = named & ~deployment.isin(known)
    if unknown.any():
        index = int(unknown.to_numpy().nonzero()[0][0])
        raise table.error(
            index,
            "deployment",
            f"{shown(deployment.iloc[index])} is not a deployment_id of {DEPLOYMENTS_FILE}; "
            "name the deployment that caused the incident, or leave the cell empty",
        )
    when = _deployed_at_of(deployment[named], deployments)
    early = opened[named] < when
    if early.any():
        index = int(early[early].index[0])
        raise table.error(
            index,
            "opened",
            f"{when_text(opened.iloc[index])} is before its deployment "
            f"{shown(deployment.iloc[index])} ({when_text(when.loc[index])}); an incident a "
            "deployment caused opens after it",
        )
    return frame


# --------------------------------------------------------------------------- writing


def iso_texts(moments: pd.Series) -> pd.Series:
    """UTC times as the record's files write them: ``2024-05-01T12:00:00Z`` (with
    ``.ffffff`` when there are fractions of a second), ``""`` for ``NaT``."""
    whole = moments.dt.strftime("%Y-%m-%dT%H:%M:%S")
    micro = moments.dt.microsecond
    fraction = micro.map(lambda us: f".{int(us):06d}" if us == us and us else "")
    text = whole + fraction + "Z"
    return text.where(moments.notna(), "")


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def record_texts(record: DeliveryRecord) -> dict[str, str]:
    """The CSV text of each file of ``record`` (incidents only when it has them)."""
    changes = record.changes
    texts = {
        CHANGES_FILE: _csv(
            pd.DataFrame(
                {
                    "change_id": changes["change_id"],
                    "authored_at": iso_texts(changes["authored_at"]),
                    "committed_at": iso_texts(changes["committed_at"]),
                    "deployment_id": changes["deployment_id"],
                    "deployed_at": iso_texts(changes["deployed_at"]),
                    "is_merge": changes["is_merge"].astype("int64"),
                }
            )
        ),
        DEPLOYMENTS_FILE: _csv(
            record.deployments.assign(deployed_at=iso_texts(record.deployments["deployed_at"]))
        ),
    }
    if record.incidents is not None:
        incidents = record.incidents
        texts[INCIDENTS_FILE] = _csv(
            incidents.assign(
                opened=iso_texts(incidents["opened"]),
                detected=iso_texts(incidents["detected"]),
                restored=iso_texts(incidents["restored"]),
                severity=incidents["severity"].astype("string").fillna(""),
            )
        )
    return texts


def write_record(
    record: DeliveryRecord, folder: str | os.PathLike[str], option: str = "--record-out"
) -> Path:
    """Write ``record`` to ``folder`` as :func:`read_record` reads it; return the folder.

    The folder may be new (its parent must exist).  All files are written to temporary
    files first and renamed into place only once every one is complete, so a failure
    leaves no file half-written.  A folder holding an ``incidents.csv`` when the record
    has no incidents is refused (reading it back would mix in someone else's incidents).
    Raises :class:`~sim.outputs.OutputError` (named by ``option``) for a folder that
    cannot be used.
    """
    root = check_output_dir(folder, option, "record")
    if record.incidents is None and os.path.lexists(root / INCIDENTS_FILE):
        raise OutputError(
            f"{option} {folder}: holds an {INCIDENTS_FILE} that is not part of this record "
            "(which has no incidents); remove it or choose another folder"
        )
    try:
        root.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{option} {folder}: cannot create it: {exc.strerror or exc}") from None
    texts = record_texts(record)
    _write_all(root, list(texts.items()))
    return root


def _write_all(root: Path, texts: list[tuple[str, str]]) -> None:
    """Write every file to its temporary path; the renames happen only once all are done."""
    if not texts:
        return
    (name, text), rest = texts[0], texts[1:]
    with atomic_path(root / name) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        _write_all(root, rest)


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
