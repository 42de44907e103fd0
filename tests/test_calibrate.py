"""``shipit calibrate``: the model fitted to the Textual record (issue 12's "done when"),
the calibrated scenario working everywhere a scenario does, and refusals."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tomllib
from functools import cache
from pathlib import Path

import pytest

from sim.calibration.calibrate import Calibration, calibrate
from sim.calibration.record import read_record
from sim.cli import main
from sim.loading import load_scenario, validate_data
from tests.cli_helpers import assert_one_line_error
from tui.launcher import add_play_arguments, build_app

pytestmark = pytest.mark.timeout(600)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
TEXTUAL = SHARED / "textual-delivery"
BUNDLE = SHARED / "git" / "textual-serve.bundle"
needs_textual = pytest.mark.skipif(not TEXTUAL.is_dir(), reason="shared data not present")


@cache
def textual_fit() -> Calibration:
    """The Textual record since 2023-01-01, fitted once for this module (a short search:
    the record's own suggestions start it close)."""
    record = read_record(TEXTUAL).window("2023-01-01", None)
    return calibrate(record, load_scenario("continuous-delivery"), name="textual", trials=12,
                     replications=10, seed=0, workers=2)  # fmt: skip


@needs_textual
def test_the_calibrated_model_reproduces_the_textual_record() -> None:
    """Issue 12, done when: model means over 10 replications within 10 % (deployment
    frequency), 15 % (median lead time), 25 % (85th percentile) and 15 % (batch size)."""
    result = textual_fit()
    rows = {row.figure.key: row for row in result.rows}
    limits = {"deployments_per_day": 0.10, "lead_time_median_hours": 0.15,
              "lead_time_p85_hours": 0.25, "batch_size_mean": 0.15}  # fmt: skip
    for key, limit in limits.items():
        row = rows[key]
        assert row.figure.tolerance == limit
        assert row.data is not None and row.mean is not None
        assert abs(row.mean - row.data) <= limit * row.data, (key, row.data, row.mean)
        assert row.within
    assert result.replications == 10
    assert 0 <= result.ks < 0.3  # the whole distributions, not only two percentiles
    assert result.gap_cv == pytest.approx(1.3, abs=0.05)


@needs_textual
def test_the_scenario_file_says_where_each_value_came_from() -> None:
    result = textual_fit()
    text = result.text
    assert str(TEXTUAL) in text and "from 2023-01-01" in text
    assert "201," in text and "9311 changes" in text
    assert "patch proxy" in text
    for p in result.fit.parameters:
        assert f"{p.key} = " in text  # in the header, with its range and what identified it
        assert p.identified_by in text
    assert "Not identified by the record (kept from the base scenario)" in text
    data = tomllib.loads(text)
    assert data["practices"]["release_interval_cv"] == pytest.approx(
        result.fit.best.values["practices.release_interval_cv"], rel=1e-5)  # fmt: skip
    assert validate_data(data, "textual.toml") == result.scenario


@needs_textual
def test_the_fit_is_reproducible_whatever_the_workers() -> None:
    record = read_record(TEXTUAL).window("2025-01-01", "2026-01-01")
    base = load_scenario("continuous-delivery")
    one = calibrate(record, base, name="t", trials=4, fit_replications=2, replications=2,
                    seed=3, workers=1)  # fmt: skip
    two = calibrate(record, base, name="t", trials=4, fit_replications=2, replications=2,
                    seed=3, workers=2)  # fmt: skip
    assert one.text == two.text
    assert [r.mean for r in one.rows] == [r.mean for r in two.rows]


@needs_textual
def test_a_calibrated_scenario_works_everywhere_a_scenario_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "textual.toml"
    path.write_text(textual_fit().text, encoding="utf-8")
    assert main(["run", str(path), "--days", "60", "--replications", "2"]) == 0
    assert "textual" in capsys.readouterr().out
    assert main(["compare", str(path), "continuous-delivery", "--days", "60",
                 "--replications", "2", "--quiet"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["workshop", "new", "w", "--scenario", str(path), "--teams", "2", "--rounds",
                 "1", "--round-days", "14", "--dir", str(tmp_path / "ws")]) == 0  # fmt: skip
    spec = tmp_path / "sweep.toml"
    spec.write_text('[sweep]\nname = "what-if"\nbase = "textual.toml"\ndays = 60\n'
                    '[design]\nmethod = "factorial"\n[factors]\n'
                    '"practices.release" = ["train", "on_demand"]\n', encoding="utf-8")  # fmt: skip
    assert main(["sweep", str(spec), "--out", str(tmp_path / "sweep"), "--workers", "1",
                 "--quiet"]) == 0  # fmt: skip
    parser = argparse.ArgumentParser()
    add_play_arguments(parser)
    app = build_app(parser.parse_args([str(path)]))  # the game takes it too
    assert app.make_game(app.scenario_ref).scenario.scenario.name == "textual"


def test_calibrate_from_git_saves_the_record_and_writes_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not BUNDLE.is_file() or shutil.which("git") is None:
        pytest.skip("the textual-serve bundle or git is not present")
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", str(BUNDLE), str(repo)], check=True)
    out = tmp_path / "serve.toml"
    status = main([
        "calibrate", "--git", str(repo), "--record-out", str(tmp_path / "record"),
        "--out", str(out), "--json", str(tmp_path / "fit.json"),
        "--plots", str(tmp_path / "plots"), "--trials", "2", "--fit-replications", "1",
        "--replications", "2",
    ])  # fmt: skip
    assert status == 0
    shown = capsys.readouterr().out
    assert "deploys per day" in shown and f"Calibrated scenario written to {out}" in shown
    assert validate_data(tomllib.loads(out.read_text(encoding="utf-8")), "serve.toml")
    assert sorted(p.name for p in (tmp_path / "record").iterdir()) == [
        "changes.csv", "deployments.csv"]  # fmt: skip
    fit = json.loads((tmp_path / "fit.json").read_text(encoding="utf-8"))
    assert fit["window"]["deployments"] == 4 and fit["replications"] == 2
    assert {f["key"] for f in fit["figures"]} >= {"deployments_per_day", "batch_size_mean"}
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "calibration_fit.png", "calibration_lead_times.png"]  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--out", "x.toml"], ("record folder or --git",)),
        ([str(TEXTUAL), "--git", ".", "--out", "x.toml"], ("one",)),
        ([str(TEXTUAL), "--record-out", "r", "--out", "x.toml"], ("--record-out", "--git")),
        ([str(TEXTUAL), "--since", "yesterday", "--out", "x.toml"], ("--since", "not a date")),
        ([str(TEXTUAL), "--since", "2030-01-01", "--out", "x.toml"], ("no deployment",)),
        ([str(TEXTUAL), "--base", "nope", "--out", "x.toml"], ("nope",)),
        (["/nonexistent/record", "--out", "x.toml"], ("/nonexistent/record",)),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], words: tuple[str, ...]
) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        status = main(["calibrate", *argv, "--quiet"])
    finally:
        os.chdir(cwd)
    assert status == 2
    assert_one_line_error(capsys.readouterr().err, *words)
    assert list(tmp_path.iterdir()) == []


def test_an_output_that_is_not_a_regular_file_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    status = main(["calibrate", str(TEXTUAL), "--out", str(fifo), "--quiet"])
    assert status == 2
    assert_one_line_error(capsys.readouterr().err, "--out", "not a regular file")


@pytest.mark.parametrize(
    "argv",
    [
        ["--trials", "0"],
        ["--failure-patch-days", "nan"],
        ["--replications", "1"],
        ["--seed", "-1"],
        ["--workers", "0"],
    ],
)
def test_bad_numbers_are_refused_by_the_parser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    status = main(["calibrate", str(TEXTUAL), "--out", str(tmp_path / "x.toml"), *argv])
    assert status == 2
    err = capsys.readouterr().err
    assert argv[0] in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@needs_textual
def test_a_back_test_forecast_covers_what_was_deployed() -> None:
    """Issue 12's back-test: calibrated on the 52 weeks before 2024-07-01, the model's
    85 % interval for the changes deployed in the next 12 weeks covers what was deployed
    (counted here straight from the CSV), and so does the history's."""
    import pandas as pd

    from sim.calibration.backtest import backtest

    result = backtest(read_record(TEXTUAL), load_scenario("continuous-delivery"),
                      ["2024-07-01"], weeks=12, train_weeks=52, workers=2)  # fmt: skip
    (window,) = result.windows
    changes = pd.read_csv(TEXTUAL / "changes.csv", parse_dates=["deployed_at"])
    start = pd.Timestamp("2024-07-01", tz="UTC")
    end = start + pd.Timedelta(weeks=12)
    assert window.actual == int(changes["deployed_at"].between(start, end, "left").sum())
    assert window.model[0] < window.model[1] and window.model_covers
    assert window.history_covers
    assert result.model_coverage == 1.0
