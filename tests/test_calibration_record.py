"""Delivery records (issue 12): reading, checking, windowing, measuring, building from git.

The real Textual record must give the figures its README quotes; a small hand-made record
pins every definition of :func:`sim.calibration.measure` to numbers worked out by hand;
every mistake in a record is one line naming the file, the row and the column; the git
importer rebuilds the textual-serve release history and round-trips through CSV.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibration.gitrecord import record_from_git, version_kinds, version_of
from sim.calibration.measure import DAYS_PER_MONTH, Proxies, measure
from sim.calibration.record import DeliveryRecord, parse_bound, read_record, write_record
from sim.errors import ScenarioError
from sim.outputs import OutputError

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TEXTUAL = DATA / "textual-delivery"
BUNDLE = DATA / "git" / "textual-serve.bundle"

needs_textual = pytest.mark.skipif(not TEXTUAL.is_dir(), reason="no Textual record here")
needs_bundle = pytest.mark.skipif(
    not BUNDLE.is_file() or shutil.which("git") is None, reason="no git bundle or no git"
)


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


# --------------------------------------------------------------------------- the Textual record


@pytest.fixture(scope="module")
def textual() -> DeliveryRecord:
    return read_record(TEXTUAL)


@needs_textual
def test_textual_record_is_read_whole(textual):
    assert len(textual.deployments) == 223
    assert len(textual.changes) == 13101
    assert textual.describe() == "223 deployments from 2021-06-24 to 2026-06-30"
    assert textual.deployments["deployed_at"].is_monotonic_increasing
    assert str(textual.deployments["deployed_at"].dtype) == "datetime64[us, UTC]"
    assert textual.changes["is_merge"].dtype == bool
    # One commit is dated 7.5 h after the release that contains it (clock skew): accepted.
    late = textual.changes["committed_at"] > textual.changes["deployed_at"]
    assert late.sum() == 1


@needs_textual
def test_textual_figures_since_2023_match_the_readme(textual):
    figures = measure(textual.window("2023-01-01"))
    assert figures.deployments == 201
    assert figures.changes == 9311
    assert round(figures.deployments_per_month, 1) == 4.9
    assert round(figures.lead_time_median_hours) == 124
    assert round(figures.lead_time_p85_hours) == 483
    assert round(figures.batch_size_mean) == 46
    assert figures.failed_deployments == 77
    assert round(100 * figures.failure_rate) == 38
    assert figures.failure_source == "patch proxy"
    # The span runs from the window's first release to its last.
    assert figures.start == utc("2023-01-19T14:38:45")
    assert figures.end == utc("2026-06-30T06:50:16")
    assert figures.lead_time_hours.size == 9311
    assert figures.lead_time_hours.min() == 0.0  # the clock-skewed commit
    assert figures.weekly_deployments.size == int(figures.days // 7)
    assert figures.weekly_changes.sum() <= figures.changes


@needs_textual
def test_textual_without_merges_differs(textual):
    figures = measure(textual.window("2023-01-01"), Proxies(include_merges=False))
    assert figures.changes == 7614
    assert round(figures.lead_time_median_hours) == 141


@needs_textual
def test_textual_rate_from_the_calendar_start_would_round_to_4_8(textual):
    figures = measure(textual.window("2023-01-01"))
    calendar_days = (figures.end - utc("2023-01-01")) / pd.Timedelta(days=1)
    assert round(figures.deployments / calendar_days * DAYS_PER_MONTH, 1) == 4.8


@needs_textual
def test_textual_record_written_back_is_the_same_file(textual, tmp_path):
    folder = write_record(textual, tmp_path / "copy")
    for name in ("changes.csv", "deployments.csv"):
        original = (TEXTUAL / name).read_bytes().replace(b"\r\n", b"\n")
        assert (folder / name).read_bytes() == original


# --------------------------------------------------------------------------- a hand-made record

DEPLOYMENTS = """deployment_id,deployed_at,changes,version_kind
d1,2024-01-01T00:00:00Z,2,minor
d2,2024-01-03T00:00:00Z,3,patch
d3,2024-01-15T00:00:00Z,1,patch
"""

CHANGES = """change_id,authored_at,committed_at,deployment_id,deployed_at,is_merge
c1,2023-12-30T00:00:00Z,2023-12-31T00:00:00Z,d1,2024-01-01T00:00:00Z,0
c2,2024-01-01T00:00:00Z,2024-01-01T00:00:00Z,d1,2024-01-01T00:00:00Z,0
c3,2024-01-02T00:00:00Z,2024-01-02T00:00:00Z,d2,2024-01-03T00:00:00Z,1
c4,2024-01-02T12:00:00Z,2024-01-02T12:00:00+00:00,d2,2024-01-03T00:00:00Z,0
c5,2024-01-03T01:00:00Z,2024-01-03T02:00:00+01:00,d2,2024-01-03T00:00:00Z,0
c6,2024-01-09T00:00:00Z,2024-01-10T00:00:00Z,d3,2024-01-15T00:00:00Z,0
"""

INCIDENTS = """opened,detected,restored,cause,severity,deployment
2024-01-03T06:00:00Z,2024-01-03T07:00:00Z,2024-01-03T08:00:00Z,defect,2,d2
2024-01-10T00:00:00Z,,2024-01-10T10:00:00Z,"config, drift",,
2024-01-20T00:00:00Z,,,,1,d3
"""


def make_record(
    folder: Path,
    changes: str = CHANGES,
    deployments: str = DEPLOYMENTS,
    incidents: str | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "changes.csv").write_text(changes, encoding="utf-8")
    (folder / "deployments.csv").write_text(deployments, encoding="utf-8")
    if incidents is not None:
        (folder / "incidents.csv").write_text(incidents, encoding="utf-8")
    return folder


def test_small_record_figures_worked_out_by_hand(tmp_path):
    record = read_record(make_record(tmp_path / "r"))
    figures = measure(record)
    # Span: d1 (Jan 1) to d3 (Jan 15) = 14 days, two whole weeks.
    assert figures.days == 14.0
    assert figures.deployments == 3
    assert figures.changes == 6
    assert figures.deployments_per_day == pytest.approx(3 / 14)
    # Committed within [Jan 1, Jan 15]: c2..c6 (c1 is before the span) -> 5 in 2 weeks.
    assert figures.arrivals_per_week == pytest.approx(2.5)
    # Lead times: 24, 0, 24, 12, 0 (c5 is 1 h after d2: clock skew, counts 0), 120.
    assert figures.lead_time_hours.tolist() == [24.0, 0.0, 24.0, 12.0, 0.0, 120.0]
    assert figures.lead_time_median_hours == pytest.approx(18.0)
    assert figures.lead_time_p85_hours == pytest.approx(24 + 0.25 * 96)  # linear, 48 h
    assert figures.batch_size_mean == 2.0
    assert figures.batch_size_median == 2.0
    # d1 is followed by a patch 2 days later: failed, restored in 48 h; d2's patch is 12
    # days later (beyond 7); d3 is last.
    assert figures.failed_deployments == 1
    assert figures.failure_rate == pytest.approx(1 / 3)
    assert figures.restore_hours_median == pytest.approx(48.0)
    assert figures.weekly_deployments.tolist() == [2, 0]
    assert figures.weekly_changes.tolist() == [5, 0]


def test_small_record_proxies(tmp_path):
    record = read_record(make_record(tmp_path / "r"))
    wide = measure(record, Proxies(failure_patch_days=12))
    assert wide.failed_deployments == 2
    assert wide.restore_hours_median == pytest.approx((48 + 288) / 2)
    assert measure(record, Proxies(failure_patch_days=1.9)).failed_deployments == 0
    no_merges = measure(record, Proxies(include_merges=False))
    assert no_merges.changes == 5
    assert no_merges.lead_time_median_hours == pytest.approx(12.0)
    assert no_merges.batch_size_mean == pytest.approx(5 / 3)


def test_small_record_failures_from_incidents(tmp_path):
    record = read_record(make_record(tmp_path / "r", incidents=INCIDENTS))
    assert record.incidents is not None
    assert record.incidents["cause"].tolist() == ["defect", "config, drift", ""]
    assert record.incidents["severity"].isna().tolist() == [False, True, False]
    figures = measure(record)
    assert figures.failure_source == "incidents"
    # Incidents name d2 and d3 -> 2 of 3 failed; restored ones took 2 h and 10 h.
    assert figures.failed_deployments == 2
    assert figures.failure_rate == pytest.approx(2 / 3)
    assert figures.restore_hours_median == pytest.approx(6.0)


def test_measure_needs_two_deployments_at_different_times(tmp_path):
    record = read_record(make_record(tmp_path / "r")).window(until="2024-01-02")
    with pytest.raises(ScenarioError) as caught:
        measure(record)
    assert "at least two deployments" in str(caught.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"failure_patch_days": float("nan")},
        {"failure_patch_days": float("inf")},
        {"failure_patch_days": -1.0},
        {"failure_patch_days": 400.0},
        {"failure_patch_days": "7"},
        {"include_merges": "yes"},
    ],
)
def test_bad_proxies_are_refused(kwargs):
    with pytest.raises(ScenarioError) as caught:
        Proxies(**kwargs)
    assert str(caught.value).startswith("proxies: ")


# --------------------------------------------------------------------------- windows


def test_window_edges(tmp_path):
    record = read_record(make_record(tmp_path / "r", incidents=INCIDENTS))
    # since is inclusive, until exclusive, on deployed_at.
    cut = record.window("2024-01-03T00:00:00Z", "2024-01-15")
    assert cut.deployments["deployment_id"].tolist() == ["d2"]
    assert cut.changes["change_id"].tolist() == ["c3", "c4", "c5"]
    assert cut.since == utc("2024-01-03") and cut.until == utc("2024-01-15")
    assert cut.incidents is not None and len(cut.incidents) == 2  # opened Jan 3 and Jan 10
    # A change committed before the window still belongs to its deployment.
    first = record.window(until="2024-01-01T00:00:01Z")
    assert first.changes["change_id"].tolist() == ["c1", "c2"]
    # Open sides keep everything; a naive bound is UTC.
    assert len(record.window().deployments) == 3
    assert record.window(since=pd.Timestamp("2024-01-15")).deployments[
        "deployment_id"
    ].tolist() == ["d3"]
    # A window of a window stays inside the first.
    inner = cut.window("2023-01-01", "2030-01-01")
    assert inner.since == cut.since and inner.until == cut.until
    assert inner.deployments["deployment_id"].tolist() == ["d2"]


def test_empty_window_says_what_the_record_has(tmp_path):
    record = read_record(make_record(tmp_path / "r"))
    with pytest.raises(ScenarioError) as caught:
        record.window("2030-01-01")
    message = str(caught.value)
    assert message == (
        f"{tmp_path / 'r'}: window: no deployment in the window from 2030-01-01 to the "
        "record's end; the record has 3 deployments from 2024-01-01 to 2024-01-15"
    )
    with pytest.raises(ScenarioError, match="the start must be before the end"):
        record.window("2024-02-01", "2024-01-01")
    with pytest.raises(ScenarioError, match="is not a date"):
        record.window("last tuesday")


def test_parse_bound():
    assert parse_bound("2023-01-01", "--since") == utc("2023-01-01")
    assert parse_bound("2023-01-01T02:00+02:00", "--since") == utc("2023-01-01")
    with pytest.raises(ScenarioError, match=r"^--since: 'soon' is not a date"):
        parse_bound("soon", "--since")


# --------------------------------------------------------------------------- bad records


def replace_line(text: str, line: int, new: str) -> str:
    """``text`` with its ``line``-th line (1 = the header) replaced by ``new``."""
    lines = text.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


C3 = "c3,2024-01-02T00:00:00Z,2024-01-02T00:00:00Z,d2,2024-01-03T00:00:00Z,1"
D2 = "d2,2024-01-03T00:00:00Z,3,patch"

BAD = {
    "missing column": (
        "changes",
        CHANGES.replace(",is_merge", "").replace(",0\n", "\n").replace(",1\n", "\n"),
        "changes.csv: missing column is_merge; the file needs a header row with the columns "
        "change_id, authored_at, committed_at, deployment_id, deployed_at, is_merge",
    ),
    "unparsable date": (
        "changes",
        replace_line(CHANGES, 4, C3.replace("2024-01-02T00:00:00Z,d2", "yesterday,d2")),
        "changes.csv: row 4, column committed_at: 'yesterday' is not a date and time "
        "(ISO 8601 with Z or an offset, e.g. 2024-05-01T12:00:00Z)",
    ),
    "date without zone": (
        "changes",
        replace_line(CHANGES, 4, C3.replace("2024-01-02T00:00:00Z,d2", "2024-01-02T00:00,d2")),
        "changes.csv: row 4, column committed_at: '2024-01-02T00:00' has no time zone",
    ),
    "impossible date": (
        "changes",
        replace_line(CHANGES, 4, C3.replace("2024-01-02T00:00:00Z,d2", "2024-13-02T00:00Z,d2")),
        "changes.csv: row 4, column committed_at: '2024-13-02T00:00Z' is not a date and time",
    ),
    "date out of range": (
        "deployments",
        replace_line(DEPLOYMENTS, 3, D2.replace("2024-01-03", "2300-01-03")),
        "deployments.csv: row 3, column deployed_at: '2300-01-03T00:00:00Z' is out of range",
    ),
    "deployment before its changes": (
        "changes",
        replace_line(CHANGES, 4, C3.replace("2024-01-02T00:00:00Z,d2", "2024-01-05T00:00:00Z,d2")),
        "changes.csv: row 4, column committed_at: committed at 2024-01-05, after its "
        "deployment 'd2' at 2024-01-03: a deployment before its changes",
    ),
    "unknown deployment": (
        "changes",
        replace_line(CHANGES, 4, C3.replace(",d2,", ",d9,")),
        "changes.csv: row 4, column deployment_id: 'd9' is not a deployment_id of deployments.csv",
    ),
    "deployed_at differs": (
        "changes",
        replace_line(CHANGES, 4, C3.replace("2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z")),
        "changes.csv: row 4, column deployed_at: 2024-01-04 differs from deployments.csv",
    ),
    "wrong count": (
        "deployments",
        replace_line(DEPLOYMENTS, 3, D2.replace(",3,", ",4,")),
        "deployments.csv: row 3, column changes: 4 changes for 'd2', but changes.csv has 3 "
        "rows for it",
    ),
    "nan count": (
        "deployments",
        replace_line(DEPLOYMENTS, 3, D2.replace(",3,", ",nan,")),
        "deployments.csv: row 3, column changes: 'nan' is not a whole number from 0 to",
    ),
    "inf count": (
        "deployments",
        replace_line(DEPLOYMENTS, 3, D2.replace(",3,", ",inf,")),
        "deployments.csv: row 3, column changes: 'inf' is not a whole number",
    ),
    "negative count": (
        "deployments",
        replace_line(DEPLOYMENTS, 3, D2.replace(",3,", ",-3,")),
        "deployments.csv: row 3, column changes: '-3' is not a whole number",
    ),
    "fractional count": (
        "deployments",
        replace_line(DEPLOYMENTS, 3, D2.replace(",3,", ",3.0,")),
        "deployments.csv: row 3, column changes: '3.0' is not a whole number",
    ),
    "huge count": (
        "deployments",
        replace_line(DEPLOYMENTS, 3, D2.replace(",3,", ",99999999999999999999,")),
        "deployments.csv: row 3, column changes: '99999999999999999999' is not a whole number",
    ),
    "empty count": (
        "deployments",
        replace_line(DEPLOYMENTS, 3, D2.replace(",3,", ",,")),
        "deployments.csv: row 3, column changes: is empty; expected a whole number",
    ),
    "nan is_merge": (
        "changes",
        replace_line(CHANGES, 4, C3[:-1] + "nan"),
        "changes.csv: row 4, column is_merge: 'nan' is not a whole number from 0 to 1",
    ),
    "is_merge 2": (
        "changes",
        replace_line(CHANGES, 4, C3[:-1] + "2"),
        "changes.csv: row 4, column is_merge: '2' is not a whole number from 0 to 1",
    ),
    "version kind": (
        "deployments",
        replace_line(DEPLOYMENTS, 3, D2.replace("patch", "hotfix")),
        "deployments.csv: row 3, column version_kind: 'hotfix' is not one of major, minor, "
        "patch or empty",
    ),
    "duplicate change": (
        "changes",
        replace_line(CHANGES, 4, C3.replace("c3,", "c2,", 1)),
        "changes.csv: row 4, column change_id: 'c2' appears again (first on row 3)",
    ),
    "duplicate deployment": (
        "deployments",
        replace_line(DEPLOYMENTS, 4, "d2,2024-01-15T00:00:00Z,1,patch"),
        "deployments.csv: row 4, column deployment_id: 'd2' appears again (first on row 3)",
    ),
    "empty id": (
        "changes",
        replace_line(CHANGES, 4, C3.replace("c3,", ",", 1)),
        "changes.csv: row 4, column change_id: is empty",
    ),
    "too many cells": (
        "changes",
        replace_line(CHANGES, 4, C3 + ",extra"),
        "changes.csv: not a CSV table: Error tokenizing data",
    ),
    "empty file": ("changes", "", "changes.csv: the file is empty; expected a header row"),
    "not utf-8": (
        "changes",
        CHANGES.replace("c6", "c\xe9"),  # written as latin-1 below
        "changes.csv: not UTF-8 text",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_record_is_one_line_naming_file_row_and_column(tmp_path, case):
    which, text, expected = BAD[case]
    folder = make_record(tmp_path / "r")
    encoding = "latin-1" if case == "not utf-8" else "utf-8"
    (folder / f"{which}.csv").write_text(text, encoding=encoding)
    with pytest.raises(ScenarioError) as caught:
        read_record(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(folder / f"{which}.csv") + ":")
    assert expected in message, message


INCIDENT_ROW = "2024-01-03T06:00:00Z,2024-01-03T07:00:00Z,2024-01-03T08:00:00Z,defect,2,d2"

BAD_INCIDENTS = {
    "restored before opened": (
        INCIDENT_ROW.replace("08:00:00Z", "05:00:00Z"),
        "row 2, column restored: 2024-01-03T05:00:00Z is before opened",
    ),
    "detected before opened": (
        INCIDENT_ROW.replace("07:00:00Z", "05:00:00Z"),
        "row 2, column detected: 2024-01-03T05:00:00Z is before opened",
    ),
    "unknown deployment": (
        INCIDENT_ROW.replace(",d2", ",d7"),
        "row 2, column deployment: 'd7' is not a deployment_id of deployments.csv",
    ),
    "opened before its deployment": (
        INCIDENT_ROW.replace(",d2", ",d3"),
        "row 2, column opened: 2024-01-03T06:00:00Z is before its deployment 'd3'",
    ),
    "severity nan": (
        INCIDENT_ROW.replace(",2,", ",nan,"),
        "row 2, column severity: 'nan' is not a whole number from 1 to 4",
    ),
    "severity 5": (
        INCIDENT_ROW.replace(",2,", ",5,"),
        "row 2, column severity: '5' is not a whole number from 1 to 4",
    ),
    "opened empty": (
        "," + INCIDENT_ROW.split(",", 1)[1],
        "row 2, column opened: is empty; expected a date and time",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INCIDENTS))
def test_bad_incidents_are_one_line(tmp_path, case):
    row, expected = BAD_INCIDENTS[case]
    folder = make_record(tmp_path / "r", incidents=replace_line(INCIDENTS, 2, row))
    with pytest.raises(ScenarioError) as caught:
        read_record(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{folder / 'incidents.csv'}: {expected}"), message


def test_incidents_need_all_their_columns(tmp_path):
    folder = make_record(tmp_path / "r", incidents="opened,restored\n2024-01-03T06:00Z,\n")
    with pytest.raises(ScenarioError, match=r"incidents\.csv: missing columns detected, cause"):
        read_record(folder)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    folder = make_record(tmp_path / "r")
    (folder / "changes.csv").unlink()
    os.mkfifo(folder / "changes.csv")
    with pytest.raises(ScenarioError) as caught:
        read_record(folder)
    assert str(caught.value) == (
        f"{folder / 'changes.csv'}: is not a regular file (a FIFO); expected a CSV file, "
        "a regular file"
    )


def test_missing_and_wrong_folders_and_files(tmp_path):
    with pytest.raises(ScenarioError, match="not found; expected a folder holding"):
        read_record(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ScenarioError, match="is not a folder"):
        read_record(tmp_path / "file")
    folder = make_record(tmp_path / "r")
    (folder / "deployments.csv").unlink()
    with pytest.raises(ScenarioError, match=r"deployments\.csv: file not found"):
        read_record(folder)
    (folder / "deployments.csv").mkdir()
    with pytest.raises(ScenarioError, match=r"deployments\.csv: is a directory"):
        read_record(folder)


def test_row_cap(tmp_path, monkeypatch):
    monkeypatch.setattr("sim.calibration.record.RECORD_ROWS_MAX", 5)
    with pytest.raises(ScenarioError, match=r"changes\.csv: 6 rows is too many"):
        read_record(make_record(tmp_path / "r"))


# --------------------------------------------------------------------------- writing


def test_round_trip_with_incidents(tmp_path):
    record = read_record(make_record(tmp_path / "r", incidents=INCIDENTS))
    again = read_record(write_record(record, tmp_path / "out"))
    assert_same_tables(record, again)


def test_write_refuses_a_stale_incidents_file(tmp_path):
    record = read_record(make_record(tmp_path / "r"))
    out = make_record(tmp_path / "out", incidents=INCIDENTS)
    with pytest.raises(OutputError, match=r"holds an incidents\.csv"):
        write_record(record, out)


def test_failed_write_leaves_nothing(tmp_path):
    record = read_record(make_record(tmp_path / "r"))
    out = tmp_path / "out"
    (out / "deployments.csv").mkdir(parents=True)  # cannot be replaced by a file
    with pytest.raises(OutputError):
        write_record(record, out)
    assert sorted(p.name for p in out.iterdir()) == ["deployments.csv"]


def assert_same_tables(a: DeliveryRecord, b: DeliveryRecord) -> None:
    pd.testing.assert_frame_equal(a.changes, b.changes)
    pd.testing.assert_frame_equal(a.deployments, b.deployments)
    if a.incidents is None:
        assert b.incidents is None
    else:
        pd.testing.assert_frame_equal(a.incidents, b.incidents)


# --------------------------------------------------------------------------- git


def git(*args: str, cwd: Path | None = None, **env: str) -> str:
    environment = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd or "."), **env}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=environment, check=True, capture_output=True, text=True
    )
    return done.stdout


@pytest.fixture(scope="module")
def serve(tmp_path_factory) -> Path:
    """A working copy of textual-serve, cloned from the bundle (no network)."""
    target = tmp_path_factory.mktemp("git") / "textual-serve"
    git("clone", "-q", str(BUNDLE), str(target))
    return target


@needs_bundle
def test_git_record_of_textual_serve(serve):
    record = record_from_git(serve)
    deployments = record.deployments
    assert deployments["deployment_id"].tolist() == ["v1.0.0", "v1.0.1", "v1.0.2", "v1.1.2"]
    assert deployments["changes"].tolist() == [25, 1, 1, 68]
    assert deployments["version_kind"].tolist() == ["major", "patch", "patch", "minor"]
    # Lightweight tags: the tagged commit's date (14:40:59+01:00).
    assert deployments["deployed_at"].iloc[0] == utc("2024-06-19T13:40:59")
    reachable = git("rev-list", "v1.1.2", cwd=serve).split()
    assert len(record.changes) == len(reachable) == 95
    assert set(record.changes["change_id"]) == {sha[:12] for sha in reachable}
    for tag, count in zip(deployments["deployment_id"], deployments["changes"], strict=True):
        assert (record.changes["deployment_id"] == tag).sum() == count
    assert (record.changes["committed_at"] <= record.changes["deployed_at"]).all()
    figures = measure(record)
    assert figures.deployments == 4 and figures.changes == 95


@needs_bundle
def test_git_record_round_trips_through_csv(serve, tmp_path):
    record = record_from_git(serve)
    folder = write_record(record, tmp_path / "record")
    assert sorted(p.name for p in folder.iterdir()) == ["changes.csv", "deployments.csv"]
    assert_same_tables(record, read_record(folder))


@needs_bundle
def test_git_annotated_tag_uses_the_tagger_date(serve, tmp_path):
    copy = tmp_path / "copy"
    git("clone", "-q", str(serve), str(copy))
    when = "2025-05-01T12:00:00+00:00"
    git(
        "-c", "user.name=Test", "-c", "user.email=test@example.com",
        "tag", "-a", "v1.2.0", "-m", "release", "v1.1.2",
        cwd=copy, GIT_COMMITTER_DATE=when,
    )  # fmt: skip
    git("tag", "not-a-release", "v1.0.0", cwd=copy)
    record = record_from_git(copy)
    last = record.deployments.iloc[-1]
    assert last["deployment_id"] == "v1.2.0"
    assert last["deployed_at"] == utc("2025-05-01T12:00:00")
    assert last["changes"] == 0  # the same commit as v1.1.2
    assert last["version_kind"] == "minor"
    patches = record_from_git(copy, tag_pattern=r"^v1\.0\.")
    assert patches.deployments["deployment_id"].tolist() == ["v1.0.0", "v1.0.1", "v1.0.2"]


@needs_bundle
def test_git_errors_are_one_line(serve, tmp_path):
    with pytest.raises(ScenarioError, match="is not a git repository"):
        record_from_git(tmp_path)
    with pytest.raises(ScenarioError, match="not found; expected a git repository"):
        record_from_git(tmp_path / "nowhere")
    with pytest.raises(ScenarioError, match="git clone BUNDLE DIR"):
        record_from_git(BUNDLE)
    with pytest.raises(ScenarioError) as caught:
        record_from_git(serve, tag_pattern="^release-")
    assert str(caught.value) == (
        f"{serve}: tag_pattern: no tag matches '^release-'; the repository has 4 tags "
        "(v1.0.0, v1.0.1, v1.0.2, v1.1.2); give a pattern that matches the release tags"
    )
    with pytest.raises(ScenarioError, match="is not a regular expression"):
        record_from_git(serve, tag_pattern="(")


def test_version_kinds():
    names = ["v0.1.2", "v1.0.0", "v1.0.1", "v1.1.2", "v2.0.0", "v1.1.3", "v2.1", "nightly"]
    kinds = version_kinds([version_of(name) for name in names])
    assert kinds == ["patch", "major", "patch", "minor", "major", "patch", "minor", ""]


def test_figures_arrays_are_numpy(tmp_path):
    figures = measure(read_record(make_record(tmp_path / "r")))
    assert isinstance(figures.lead_time_hours, np.ndarray)
    assert figures.weekly_deployments.dtype.kind == "i"
