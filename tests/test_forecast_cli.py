"""``shipit forecast`` (:mod:`sim.calibration.forecast_cli`) and model forecasts
(:mod:`sim.calibration.forecast_model`).

The command is registered by ``sim.cli`` like every other.
Checked: a history forecast on the Textual record (answers printed, JSON and chart
written, the same answers as the library gives for the same history); model forecasts,
with and without a practice change, and with a saved game's moves; both sources side by
side; determinism; and every bad input refused with one line, exit status 2 and nothing
written.  Model forecasts use few replications and short horizons to stay quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.calibration import forecast as fc
from sim.calibration import forecast_cli, forecast_model
from sim.calibration.forecast import CONFIDENCES, HowMany, When
from sim.calibration.forecast_model import (
    ModelHowMany,
    ModelWhen,
    delivered_within,
    model_how_many,
    model_when_done,
    shift_moves,
)
from sim.cli import main
from sim.errors import ScenarioError
from sim.loading import load_scenario
from sim.model import SetPractice, Simulation
from sim.units import HOURS_PER_DAY
from tests.cli_helpers import SENTINEL, assert_one_line_error, read_json

pytestmark = pytest.mark.timeout(120)

TEXTUAL = Path("/work/shared/data/textual-delivery")

IRREGULAR_TRAINS = [
    "--scenario", "continuous-delivery",
    "--set", "practices.release_interval_days=7",
    "--set", "practices.release_interval_cv=1.3",
]  # fmt: skip
"""Releases at irregular gaps (a week on average, variation 1.3 as in the Textual record):
the release pattern a calibrated record gives.  On demand, changes stop waiting for the
next (possibly long-delayed) train: the same median, a much better worst case."""

needs_textual = pytest.mark.skipif(not TEXTUAL.is_dir(), reason="the Textual record is absent")


def shipit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``shipit`` with ``forecast`` registered, in-process: (status, stdout, stderr)."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def answers(part: dict[str, Any]) -> dict[str, Any]:
    """A forecast's answers from its JSON, by confidence (``{"p50": …}``)."""
    return part["items_at_least"] if part["question"] == "how_many" else part["periods_within"]


# --------------------------------------------------------------------------- history


@needs_textual
def test_history_forecast_of_the_textual_record_prints_and_writes(capsys, tmp_path: Path):
    out_json, plots = tmp_path / "f.json", tmp_path / "charts"
    status, out, err = shipit(
        capsys, "forecast", str(TEXTUAL), "--since", "2023-01-01", "--weeks", "12",
        "--json", str(out_json), "--plots", str(plots),
    )  # fmt: skip
    assert status == 0, err
    document = read_json(out_json)
    assert document["model"] is None
    history = document["history"]
    got = answers(history)
    assert got["p50"] >= got["p85"] >= got["p95"] > 0  # a higher confidence, fewer changes
    for c in CONFIDENCES:
        assert f"{c} %: {got[f'p{c}']:,} changes or more" in out
    # The window: whole weeks counted back from the end of the last deployment's day.
    assert history["history_end"] == history["start"] == "2026-07-01T00:00:00+00:00"
    assert pd.Timestamp(history["history_start"]) >= pd.Timestamp("2023-01-01", tz="UTC")
    assert history["trials"] == forecast_cli.TRIALS_DEFAULT and history["seed"] == 0
    assert "2023-01-04 – 2026-06-30" in out
    assert (plots / "forecast.png").stat().st_size > 10_000
    assert sorted(p.name for p in plots.iterdir()) == ["forecast.png"]

    # The same answers as the library gives for the same history.
    from sim.calibration.record import read_record

    record = read_record(TEXTUAL)
    start = pd.Timestamp(history["history_start"])
    end = pd.Timestamp(history["history_end"])
    counts = fc.throughput_per_period(record.changes["deployed_at"], start, end)
    assert len(counts) == history["history_periods"]
    assert int(counts.sum()) == history["history_items"]
    direct = fc.how_many(counts, 12, trials=history["trials"], seed=0)
    assert {f"p{c}": v for c, v in direct.answers.items()} == got


@needs_textual
def test_history_when_and_by_questions(capsys, tmp_path: Path):
    out_json = tmp_path / "w.json"
    status, out, err = shipit(
        capsys, "forecast", str(TEXTUAL), "--until", "2025-01-01", "--items", "500",
        "--trials", "2000", "--json", str(out_json),
    )  # fmt: skip
    assert status == 0, err
    history = read_json(out_json)["history"]
    assert history["question"] == "when_done" and history["items"] == 500
    weeks = history["periods_within"]
    assert weeks["p50"] <= weeks["p85"] <= weeks["p95"]  # a higher confidence, later
    for c in CONFIDENCES:
        n = weeks[f"p{c}"]
        day = pd.Timestamp("2025-01-01") + pd.Timedelta(days=7 * n - 1)
        assert f"{c} %: within {n} weeks (by {day:%Y-%m-%d})" in out

    # --by a date: the whole weeks from the start through the end of that day.
    status, out, err = shipit(
        capsys, "forecast", str(TEXTUAL), "--until", "2025-01-01", "--by", "2025-03-31",
        "--trials", "2000", "--json", str(out_json),
    )  # fmt: skip
    assert status == 0, err
    document = read_json(out_json)
    assert document["question"]["horizon_periods"] == 12  # 90 days: 12 whole weeks
    assert document["question"]["by"] == "2025-04-01T00:00:00+00:00"
    assert document["history"]["end"] == "2025-03-26T00:00:00+00:00"
    assert "How many changes by 2025-03-31 (12 weeks from 2025-01-01)?" in out

    # --days: days are the periods unless asked otherwise.
    status, out, err = shipit(
        capsys, "forecast", str(TEXTUAL), "--until", "2025-01-01", "--days", "30",
        "--trials", "2000", "--json", str(out_json),
    )  # fmt: skip
    assert status == 0, err
    history = read_json(out_json)["history"]
    assert history["period"] == "day" and history["horizon_periods"] == 30


# --------------------------------------------------------------------------- model


def model_answers(capsys, tmp_path: Path, *argv: str) -> dict[str, Any]:
    out_json = tmp_path / "m.json"
    status, _, err = shipit(capsys, "forecast", *argv, "--json", str(out_json), "-q")
    assert status == 0, err
    return read_json(out_json)["model"]


def test_on_demand_releases_make_the_forecast_safer_than_irregular_trains(capsys, tmp_path):
    """What the model says: with trains at irregular gaps, a 12-week window may catch one
    long gap, and the changes waiting for it are not delivered; released on demand they
    are.  The median barely moves (throughput is the arrival rate either way), but the
    85 % and 95 % answers rise: the same work, delivered more predictably."""
    common = [*IRREGULAR_TRAINS, "--weeks", "12", "-r", "80", "-w", "1"]
    trains = model_answers(capsys, tmp_path, *common)
    on_demand = model_answers(capsys, tmp_path, *common, "--set", "practices.release=on_demand")
    assert on_demand["simulated"]["overrides"] == [
        "practices.release_interval_days=7",
        "practices.release_interval_cv=1.3",
        "practices.release=on_demand",
    ]
    assert on_demand["simulated"]["scenario_hash"] != trains["simulated"]["scenario_hash"]
    before, after = answers(trains), answers(on_demand)
    assert after["p85"] > before["p85"]
    assert after["p95"] > before["p95"]
    assert abs(after["p50"] - before["p50"]) < 0.1 * before["p50"]
    for part in (trains, on_demand):
        assert part["method"] == forecast_model.METHOD
        assert part["replications"] == part["trials"] == 80
        assert part["seed"] == 1  # continuous-delivery's run.seed
        assert part["start"] is None and part["end"] is None  # no record, no --start
        assert not any(key.startswith("history") for key in part)


def test_a_model_forecast_is_the_same_for_a_seed_whatever_the_workers(capsys, tmp_path):
    common = ["--scenario", "water-scrum-fall", "--weeks", "6", "-r", "24", "--seed", "7"]
    one = tmp_path / "one.json"
    two = tmp_path / "two.json"
    again = tmp_path / "again.json"
    for path, workers in ((one, "1"), (two, "2"), (again, "1")):
        status, _, err = shipit(
            capsys, "forecast", *common, "-w", workers, "--json", str(path), "-q"
        )
        assert status == 0, err
    assert one.read_bytes() == again.read_bytes() == two.read_bytes()
    assert read_json(one)["model"]["seed"] == 7
    other = model_answers(capsys, tmp_path, *common[:-1], "8", "-w", "1")
    assert (
        other["simulated"]["scenario_hash"] != read_json(one)["model"]["simulated"]["scenario_hash"]
    )


def test_how_many_and_when_agree_replication_by_replication():
    """For every replication, the N-th change comes within H periods exactly when at least
    N changes came within H periods -- the history forecasts' own promise."""
    scenario = load_scenario("water-scrum-fall").with_values({"run.warmup_days": 10.0})
    horizon, replications = 4, 12
    counted = model_how_many(scenario, horizon, replications, workers=1)
    items = int(np.median(counted.totals))
    done = model_when_done(scenario, items, replications, max_periods=12, workers=1)
    assert isinstance(counted, ModelHowMany) and isinstance(counted, HowMany)
    assert isinstance(done, ModelWhen) and isinstance(done, When)
    assert ((done.periods <= horizon) == (counted.totals >= items)).all()
    for h in (1, 2, 3):
        shorter = model_how_many(scenario, h, replications, workers=1)
        assert ((done.periods <= h) == (shorter.totals >= items)).all()
        assert (shorter.totals <= counted.totals).all()


def test_a_change_is_counted_when_it_first_reaches_production():
    """The outcome of one replication, counted independently from the metrics fold."""
    scenario = load_scenario("elite").with_values({"run.warmup_days": 5.0, "run.days": 19.0})
    warm, end = 5 * HOURS_PER_DAY, 19 * HOURS_PER_DAY
    sim = Simulation(scenario, replication=3, keep_log=False).run()
    firsts = [item.first_delivered for item in sim.fold.items.values()]
    expected = sum(1 for t in firsts if t is not None and warm <= t < end)
    assert expected > 0
    assert delivered_within(scenario, 3, end - warm) == expected


def test_model_results_share_the_history_forecasts_labels_and_convention():
    result = ModelHowMany.from_totals([10, 20, 30, 40], 3, period="week", seed=5)
    assert result.answers == {50: 30, 85: 10, 95: 10}
    assert result.label(85, "changes") == "85 %: 10 changes or more"
    assert len(result.history) == 0 and result.history_start is None
    when = ModelWhen.from_periods([1, 2, np.inf, 4], 9, 4, period="day", seed=5)
    assert when.answers == {50: 2, 85: None, 95: None}
    assert when.label(95) == "95 %: not within 4 days"
    with pytest.raises(ScenarioError, match="totals"):
        HowMany.from_totals([1.5], 3)
    with pytest.raises(ScenarioError, match="periods"):
        When.from_periods([0], 3, 4)


def test_shifted_moves_keep_their_place_after_the_warm_up():
    move = SetPractice("release", "on_demand")
    assert shift_moves([(100.0, move), (300.0, move)], -150.0) == [(0.0, move), (150.0, move)]


@pytest.fixture(scope="module")
def saved_game(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A legacy-enterprise game that moved to on-demand releases a day into play."""
    from sim.game import Game

    game = Game(load_scenario("legacy-enterprise"), round_days=14.0, rounds=2)
    game.advance(HOURS_PER_DAY)
    game.apply(SetPractice("release", "on_demand"))
    path = tmp_path_factory.mktemp("game") / "game.json"
    game.save(path)
    return path


def test_a_saved_games_moves_are_played_in_every_replication(capsys, tmp_path, saved_game):
    """The game's scenario waits a quarter for its train; the move to on demand, a day
    into play, lets that quarter's work out at once and keeps it flowing."""
    common = ["--weeks", "12", "-r", "16", "-w", "1"]
    played = model_answers(capsys, tmp_path, "--load", str(saved_game), *common)
    untouched = model_answers(capsys, tmp_path, "--scenario", "legacy-enterprise", *common)
    assert played["simulated"]["moves"] == 1
    assert played["simulated"]["saved_game"] == str(saved_game)
    assert played["simulated"]["scenario"] == "legacy-enterprise"
    assert untouched["simulated"]["moves"] == 0
    assert answers(played)["p50"] > answers(untouched)["p50"]
    # Onto another scenario: the move keeps its day after that scenario's warm-up.
    other = model_answers(
        capsys, tmp_path, "--scenario", "water-scrum-fall", "--load", str(saved_game), *common
    )
    assert other["simulated"]["scenario"] == "water-scrum-fall" and other["simulated"]["moves"] == 1


# --------------------------------------------------------------------------- both


@needs_textual
def test_a_record_and_a_scenario_side_by_side(capsys, tmp_path: Path):
    out_json, plots = tmp_path / "both.json", tmp_path / "charts"
    status, out, err = shipit(
        capsys, "forecast", str(TEXTUAL), "--since", "2024-01-01", "--items", "300",
        "--scenario", "continuous-delivery", "-r", "16", "-w", "1", "--trials", "1000",
        "--json", str(out_json), "--plots", str(plots),
    )  # fmt: skip
    assert status == 0, err
    document = read_json(out_json)
    history, model = document["history"], document["model"]
    assert history["start"] == model["start"] == document["question"]["start"]
    assert history["items"] == model["items"] == 300
    assert "record history" in out and "model" in out
    for part in (history, model):
        for c in CONFIDENCES:
            n = answers(part)[f"p{c}"]
            assert f"{c} %: within {n} week" in out
    names = sorted(p.name for p in plots.iterdir())
    assert names == ["forecast-history.png", "forecast-model.png"]


def test_help_lists_the_sources_and_questions(capsys):
    status, out, _ = shipit(capsys, "forecast", "--help")
    assert status == 0
    options = ("RECORD --git --tag-pattern --scenario --set --load --weeks --days --by "
               "--items --start --since --until --period --trials --replications --seed "
               "--workers --plots --json --quiet")  # fmt: skip
    for option in options.split():
        assert option in out


def test_the_command_lines_defaults_are_the_libraries():
    assert forecast_cli.TRIALS_DEFAULT == fc.TRIALS_DEFAULT
    assert forecast_cli.TRIALS_MAX == fc.TRIALS_MAX
    assert forecast_cli.ITEMS_MAX == fc.ITEMS_MAX
    assert forecast_cli.REPLICATIONS_DEFAULT == forecast_model.REPLICATIONS_DEFAULT
    assert fc.periods_max("week") == forecast_cli.WEEKS_MAX
    assert fc.periods_max("day") == forecast_cli.DAYS_MAX


# --------------------------------------------------------------------------- refusals

R = str(TEXTUAL)

REFUSED = [
    (["--weeks", "4"], ["nothing to forecast"]),
    ([R], ["no question"]),
    ([R, "--weeks", "4", "--items", "5"], ["--weeks and --items"]),
    ([R, "--weeks", "0"], ["--weeks", ">= 1"]),
    ([R, "--weeks", "-2"], ["--weeks"]),
    ([R, "--weeks", "999"], ["--weeks", "<= 521"]),
    ([R, "--days", "0"], ["--days"]),
    ([R, "--days", "10", "--period", "week"], ["--days", "whole number of weeks"]),
    ([R, "--items", "0"], ["--items"]),
    ([R, "--items", "many"], ["--items"]),
    ([R, "--by", "2020-01-01"], ["--by", "2020-01-01 is not after the start 2026-07-01"]),
    ([R, "--by", "2026-07-03"], ["--by", "less than a whole week"]),
    ([R, "--by", "someday"], ["--by", "not a date"]),
    ([R, "--weeks", "4", "--start", "2025-13-01"], ["--start"]),
    ([R, "--weeks", "4", "--since", "not-a-date"], ["--since"]),
    ([R, "--weeks", "4", "--since", "2024-01-01", "--until", "2023-01-01"], ["--until"]),
    ([R, "--weeks", "4", "--since", "2030-01-01"], ["no deployment"]),
    ([R, "--weeks", "4", "--until", "2021-06-28"], ["--until", "no whole week"]),
    ([R, "--weeks", "4", "--period", "month"], ["--period"]),
    ([R, "--weeks", "4", "--trials", "0"], ["--trials"]),
    ([R, "--weeks", "4", "--seed", "-1"], ["--seed"]),
    ([R, "--weeks", "4", "--workers", "0"], ["--workers"]),
    ([R, "--weeks", "4", "--git", "."], ["--git", "not both"]),
    ([R, "--weeks", "4", "--tag-pattern", "v.*"], ["--tag-pattern"]),
    ([R, "--weeks", "4", "--set", "practices.release=on_demand"], ["--set"]),
    ([R, "--weeks", "4", "--replications", "5"], ["--replications"]),
    (["--scenario", "elite", "--weeks", "4", "--trials", "5"], ["--trials"]),
    (["--scenario", "elite", "--weeks", "4", "--since", "2024-01-01"], ["--since"]),
    (["--scenario", "elite", "--by", "2026-01-01"], ["--by", "--start"]),
    (["--scenario", "legacy-enterprise", "--weeks", "510"], ["--weeks", "at most 508"]),
    (["--scenario", "no-such-scenario", "--weeks", "4"], ["no-such-scenario"]),
    (["--scenario", "elite", "--weeks", "4", "--set", "org.nope=1"], ["--set", "org.nope"]),
    (["--scenario", "elite", "--weeks", "4", "--replications", "0"], ["--replications"]),
    (["--load", "/no/such/game.json", "--weeks", "4"], ["/no/such/game.json"]),
    (["--git", "/", "--weeks", "4"], ["git repository"]),
    (["/no/such/record", "--weeks", "4"], ["/no/such/record"]),
]


@needs_textual
@pytest.mark.parametrize(("argv", "names"), REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_bad_input_is_one_line_and_writes_nothing(capsys, tmp_path, argv, names):
    out_json, plots = tmp_path / "f.json", tmp_path / "charts"
    out_json.write_text(SENTINEL, encoding="utf-8")
    status, out, err = shipit(
        capsys, "forecast", *argv, "--json", str(out_json), "--plots", str(plots)
    )
    assert status == 2, (out, err)
    assert_one_line_error(err, *names)
    assert out_json.read_text(encoding="utf-8") == SENTINEL
    assert not plots.exists()


@pytest.mark.parametrize(
    ("option", "value", "names"),
    [
        ("--json", "{tmp}/missing/f.json", ["--json", "does not exist"]),
        ("--json", "{tmp}", ["--json", "directory"]),
        ("--plots", "{tmp}/missing/charts", ["--plots", "does not exist"]),
        ("--plots", "{tmp}/file.txt", ["--plots", "not a directory"]),
    ],
)
def test_outputs_are_checked_before_any_work(capsys, tmp_path, option, value, names):
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    argv = ["--scenario", "legacy-enterprise", "--weeks", "500", "-r", "100000"]
    status, _, err = shipit(capsys, "forecast", *argv, option, value.format(tmp=tmp_path))
    assert status == 2
    assert_one_line_error(err, *names)


def test_a_chart_path_that_cannot_be_written_is_refused_first(capsys, tmp_path: Path):
    plots = tmp_path / "charts"
    (plots / "forecast.png").mkdir(parents=True)
    status, _, err = shipit(
        capsys, "forecast", "--scenario", "elite", "--weeks", "4", "--plots", str(plots)
    )
    assert status == 2
    assert_one_line_error(err, "forecast.png", "directory")
