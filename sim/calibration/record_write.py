"""Writing a delivery record (:mod:`.record`) as the CSV files :func:`.record.read_record` reads."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.calibration.record_format import CHANGES_FILE, DEPLOYMENTS_FILE, INCIDENTS_FILE
from sim.outputs import OutputError, atomic_path, check_output_dir

if TYPE_CHECKING:
    from sim.calibration.record import DeliveryRecord


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
    """Write ``record`` to ``folder`` as :func:`.record.read_record` reads it; return the folder.

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
