"""The checks of a delivery record's files, row by row (used by :func:`.record.read_record`).

Each ``read_*`` turns one file's :class:`~sim.calibration.cells.Table` into a frame of
checked columns, and :func:`check_counts` ties ``deployments.csv`` to ``changes.csv``;
every failure is one :class:`~sim.errors.ScenarioError` naming the file, row and column.
"""

from __future__ import annotations

import pandas as pd

from sim.calibration.cells import (
    FIRST_DATA_ROW,
    Table,
    cell_key,
    choice_column,
    date_column,
    shown,
    text_column,
    whole_column,
)
from sim.calibration.record_format import (
    CHANGES_FILE,
    CLOCK_SKEW_HOURS,
    DEPLOYMENTS_FILE,
    SEVERITY_MAX,
    SEVERITY_MIN,
    VERSION_KINDS,
)
from sim.calibration.record_times import when_text
from sim.errors import ScenarioError


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


def read_deployments(table: Table, max_changes: int) -> pd.DataFrame:
    """``deployments.csv``'s checked columns; ``changes`` at most ``max_changes``."""
    ids = text_column(table, "deployment_id")
    _first_duplicate(table, "deployment_id", ids)
    return pd.DataFrame(
        {
            "deployment_id": ids,
            "deployed_at": date_column(table, "deployed_at"),
            "changes": whole_column(table, "changes", 0, max_changes),
            "version_kind": choice_column(table, "version_kind", VERSION_KINDS, required=False),
        }
    )


def read_changes(table: Table, deployments: pd.DataFrame) -> pd.DataFrame:
    """``changes.csv``'s checked columns: each change in a listed deployment, at its
    ``deployed_at``, and committed no more than the clock skew after it."""
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


def check_counts(changes: pd.DataFrame, deployments: pd.DataFrame, source: str) -> None:
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


def read_incidents(table: Table, deployments: pd.DataFrame) -> pd.DataFrame:
    """``incidents.csv``'s checked columns: times in order, and each named deployment
    listed and not after the incident it caused."""
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
