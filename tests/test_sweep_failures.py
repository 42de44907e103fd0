"""Sweeps against failures that are not the model's: lost schedulers and workers, error
rows to retry, corrupt parts, runaway spec files (issue "Safe by default")."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import dask
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import KilledWorker, LocalCluster

from sim.analysis.results import load_sweep as load_results
from sim.outputs import OutputError
from sim.sweep import dask_backend as sweep_dask
from sim.sweep import execute as sweep_execute
from sim.sweep import load_sweep, read_results, run_sweep
from sim.sweep.cli import main as sweep_main
from sim.sweep.store import part_paths

from .test_sweep import ROOT, failing_at_nine, write_spec, write_toml

pytestmark = pytest.mark.timeout(90)

STOP_BOUND_SECONDS = 15.0
"""How soon a sweep must end after its scheduler goes (it measures well under 1 s)."""


@pytest.fixture
def cluster() -> Iterator[LocalCluster]:
    """A one-worker Dask cluster in this process, reachable over TCP."""
    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
        dashboard_address=None, silence_logs=logging.CRITICAL,
    ) as local:  # fmt: skip
        yield local


def slow_runs(monkeypatch: pytest.MonkeyPatch, seconds: float = 0.02) -> None:
    """Make every run in this process (and its in-process Dask workers) take longer."""
    real = sweep_execute.run_replication

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep_execute, "run_replication", slow)


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


# --------------------------------------------------------------------------- lost cluster


def test_a_scheduler_closed_mid_sweep_ends_the_command_promptly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cluster: LocalCluster
) -> None:
    slow_runs(monkeypatch)  # the workers run in this process: slow enough to stop midway
    factors = '"org.developers" = [6, 8]\n"practices.canary" = [false, true]'
    path = write_spec(tmp_path, factors, replications=40)  # 160 runs, parts of 20
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "sim.sweep", str(path), "--out", str(out),
            "--scheduler", cluster.scheduler_address]  # fmt: skip
    child = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not part_paths(out) and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert child.poll() is None, "the sweep ended before the scheduler could be closed"
        closed = time.monotonic()
        cluster.close()
        _, err = child.communicate(timeout=60)
        took = time.monotonic() - closed
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert took < STOP_BOUND_SECONDS, took
    assert child.returncode == 1, err
    line = one_line(err)
    assert line.startswith("shipit: the sweep stopped: lost the connection to the Dask scheduler")
    assert "rerun the same command to resume" in line
    stored = pd.read_parquet(out)
    assert 0 < len(stored) < 160 and stored["run_id"].is_unique
    assert (stored["status"] == "ok").all() and stored["error"].isna().all()
    assert f"{len(stored)} of 160 runs are in {out}" in line

    monkeypatch.undo()
    summary = run_sweep(load_sweep(path), out, workers=2)  # resume on the local pool
    assert summary.before == len(stored) and summary.complete
    frame = read_results(out)
    assert sorted(frame["run_id"]) == list(range(160)) and (frame["status"] == "ok").all()


def test_killed_worker_is_not_stored_as_a_model_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cluster: LocalCluster
) -> None:
    real = sweep_dask.run_point

    def killing(base: Any, overrides: Any, replication: int, *rest: Any) -> Any:
        if overrides["org.developers"] == 9 and replication == 1:
            raise KilledWorker("shipit-sweep-x", SimpleNamespace(address="tcp://gone:1"), 3)
        return real(base, overrides, replication, *rest)

    monkeypatch.setattr(sweep_dask, "run_point", killing)
    spec = load_sweep(write_spec(tmp_path))
    out = tmp_path / "out"
    with pytest.raises(OutputError) as caught:
        run_sweep(spec, out, scheduler=cluster.scheduler_address)
    assert caught.value.status == 1
    message = str(caught.value)
    assert "\n" not in message and "KilledWorker" in message and "rerun the same" in message
    stored = read_results(out) if part_paths(out) else pd.DataFrame({"status": []})
    assert (stored["status"] == "ok").all()  # nothing recorded as a model failure
    assert "None" not in set(stored.get("error", pd.Series(dtype=object)).dropna())

    monkeypatch.undo()
    summary = run_sweep(spec, out, scheduler=cluster.scheduler_address)
    assert summary.complete and summary.errors_total == 0
    assert (read_results(out)["status"] == "ok").all()


def test_model_errors_on_dask_keep_their_real_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cluster: LocalCluster
) -> None:
    failing_at_nine(monkeypatch)
    out = tmp_path / "out"
    summary = run_sweep(load_sweep(write_spec(tmp_path)), out, scheduler=cluster.scheduler_address)
    assert summary.ran == 8 and summary.errors == 4
    failed = read_results(out).query("status == 'error'")
    assert len(failed) == 4 and failed["error"].str.contains("boom at nine").all()


def test_a_worker_process_that_dies_is_not_an_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sweep_dask.run_point

    def dying(base: Any, overrides: Any, replication: int, *rest: Any) -> Any:
        if overrides["org.developers"] == 9 and replication == 1:
            os._exit(3)  # the worker process dies mid-run (a segfault, the OOM killer)
        return real(base, overrides, replication, *rest)

    monkeypatch.setattr(sweep_dask, "run_point", dying)
    spec = load_sweep(write_spec(tmp_path))
    out = tmp_path / "out"
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                     silence_logs=logging.CRITICAL) as local,
    ):  # fmt: skip
        started = time.monotonic()
        with pytest.raises(OutputError) as caught:
            run_sweep(spec, out, scheduler=local.scheduler_address)
        assert time.monotonic() - started < STOP_BOUND_SECONDS
    message = str(caught.value)
    assert caught.value.status == 1 and "\n" not in message
    assert "failed on the cluster (KilledWorker: " in message
    if part_paths(out):
        stored = read_results(out)
        assert (stored["status"] == "ok").all()
        assert not ((stored["org.developers"] == 9) & (stored["replication"] == 1)).any()


def test_a_cluster_without_workers_stops_within_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweep_dask, "CLUSTER_TIMEOUT_SECONDS", 1.0)
    spec = load_sweep(write_spec(tmp_path))
    with LocalCluster(
        n_workers=0, processes=False, protocol="tcp", dashboard_address=None,
        silence_logs=logging.CRITICAL,
    ) as empty:  # fmt: skip
        started = time.monotonic()
        with pytest.raises(OutputError, match="has had no workers for 1 s") as caught:
            run_sweep(spec, tmp_path / "out", scheduler=empty.scheduler_address)
        assert time.monotonic() - started < 10
    assert caught.value.status == 1
    assert not part_paths(tmp_path / "out")


# --------------------------------------------------------------------------- --retry-errors


def test_retry_errors_reruns_the_error_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    failing_at_nine(monkeypatch)
    path = write_spec(tmp_path)  # runs 4..7 have org.developers = 9
    out = tmp_path / "out"
    summary = run_sweep(load_sweep(path), out, workers=1, rows_per_part=2)
    assert summary.errors == 4
    part_paths(out)[-1].unlink()  # as if killed before the last part: runs 6 and 7 missing

    monkeypatch.undo()
    assert sweep_main([str(path), "--out", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert (
        f"resuming: 6 of 8 runs are already in {out} (2 with status error; "
        "add --retry-errors to rerun them)"
    ) in printed
    assert sweep_main([str(path), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == (
        f"nothing to do: all 8 runs are in {out} (2 with status error; "
        "add --retry-errors to rerun them)"
    )

    parts = part_paths(out)
    assert sweep_main([str(path), "--out", str(out), "--retry-errors", "--workers", "1"]) == 0
    assert "done: 2 runs (rerun: 2 error rows)" in capsys.readouterr().out
    assert part_paths(out)[: len(parts)] == parts  # the old parts are kept as they were
    frame = read_results(out)
    assert sorted(frame["run_id"]) == list(range(8)) and (frame["status"] == "ok").all()
    assert len(pd.read_parquet(out)) == 10  # the superseded error rows are still on disk
    analysed = load_results(out)
    assert len(analysed.runs) == 8 and analysed.failed.empty
    assert sweep_main([str(path), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"nothing to do: all 8 runs are in {out}"


def test_a_retried_run_that_fails_again_keeps_its_latest_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_at_nine(monkeypatch)
    spec = load_sweep(write_spec(tmp_path))
    out = tmp_path / "out"
    run_sweep(spec, out, workers=1)
    again = run_sweep(spec, out, workers=1, retry_errors=True)
    assert again.retried == 4 and again.ran == 4 and again.errors_total == 4
    frame = read_results(out)
    assert len(frame) == 8 and (frame["status"] == "error").sum() == 4
    assert frame["error"].dropna().str.contains("boom at nine").all()


# --------------------------------------------------------------------------- corrupt parts


def test_a_truncated_part_stops_resume_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_spec(tmp_path)
    out = tmp_path / "out"
    run_sweep(load_sweep(path), out, workers=1, rows_per_part=3)
    victim = part_paths(out)[1]
    victim.write_bytes(victim.read_bytes()[:-40])
    before = {
        p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != "_sweep.lock"
    }
    assert sweep_main([str(path), "--out", str(out), "--workers", "1"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"shipit: {victim}: corrupt result part")
    assert "move it aside" in line
    after = {
        p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != "_sweep.lock"
    }
    assert after == before  # nothing changed

    victim.rename(out / f"_corrupt-{victim.name}")  # what the message suggests
    assert sweep_main([str(path), "--out", str(out), "--workers", "1"]) == 0
    assert sorted(read_results(out)["run_id"]) == list(range(8))


def test_a_part_with_other_columns_stops_resume_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_spec(tmp_path)
    out = tmp_path / "out"
    run_sweep(load_sweep(path), out, workers=1, rows_per_part=4)
    victim = part_paths(out)[0]
    table = pq.read_table(victim).drop_columns(["lead_time_hours_median"])
    pq.write_table(table, victim)
    assert sweep_main([str(path), "--out", str(out)]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"shipit: {victim}: corrupt result part (missing column")
    strange = pa.table({"run_id": pa.array([99], pa.int64()), "status": ["ok"]})
    pq.write_table(strange, victim)
    assert sweep_main([str(path), "--out", str(out)]) == 2
    assert str(victim) in one_line(capsys.readouterr().err)


# --------------------------------------------------------------------------- spec files


@pytest.mark.parametrize(
    "body",
    [
        '[factors]\n"org.developers" = ' + "[" * 600 + "]" * 600 + "\n",
        '[sweep.set]\n"run.days" = ' + "[" * 1000 + "]" * 1000 + "\n",
        '[sweep.set]\n"run.days" = ' + "{a = " * 800 + "1" + "}" * 800 + "\n",
    ],
    ids=["factor-arrays", "set-arrays", "set-tables"],
)
def test_a_deeply_nested_spec_is_one_line_exit_2(
    tmp_path: Path, body: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_toml(tmp_path, '[sweep]\nname = "s"\nbase = "elite"\n' + body)
    assert sweep_main([str(path), "--out", str(tmp_path / "out")]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"shipit: {path}") and "nested too deeply" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ("days = nan", "sweep.days"),
        ("days = inf", "sweep.days"),
        ("days = 4000", "sweep.days"),
        ("replications = 1_000_000", "sweep.replications"),
        ("seed = 9_223_372_036_854_775_808", "sweep.seed"),
    ],
)
def test_spec_numbers_must_be_finite_and_in_bounds(
    tmp_path: Path, setting: str, key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_toml(tmp_path, f'[sweep]\nname = "s"\nbase = "elite"\n{setting}\n')
    assert sweep_main([str(path), "--out", str(tmp_path / "out")]) == 2
    assert one_line(capsys.readouterr().err).startswith(f"shipit: {path}: {key}: ")
