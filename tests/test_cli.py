"""Tests of the ``shipit`` CLI: the BRIEF §6 contract, run in-process for speed.

Every bad input must give exit status 2, one line on stderr naming what was wrong, no
traceback, and no output file (an existing one left untouched).  One test runs the real
program in a subprocess to check the entry point end to end.
"""

from __future__ import annotations

import importlib.machinery
import io
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from sim import __version__
from sim.cli import atomic_write, main
from sim.commands import run as cli
from sim.events import Kind
from sim.loading import load_with_overrides
from sim.metrics import tier_of
from sim.practices import CATALOGUE
from sim.report import format_hours, format_number, format_per_day, format_share, scorecard
from sim.runner import run_replication
from sim.scenario import Scenario

from .cli_helpers import SENTINEL, assert_one_line_error, read_json, run_cli

DAYS = "60"
"""Short runs: the contract does not depend on length, and elite runs 60 days in ms."""

METRIC_KEYS = (
    "deployment_frequency_per_day",
    "lead_time_hours_median",
    "change_failure_rate",
    "time_to_restore_hours_median",
    "rework_rate",
    "customer_lead_time_hours_mean",
    "customer_lead_time_hours_p85",
    "throughput_per_week",
    "wip_mean",
    "incidents",
    "availability",
)
TIER_KEYS = ("deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore")
BUILTINS = ("legacy-enterprise", "water-scrum-fall", "continuous-delivery", "elite",
            "queueing-check")  # fmt: skip
FOUR_KEY_LABELS = {
    "Deployment frequency": "deployment_frequency",
    "Lead time for changes": "lead_time",
    "Change failure rate": "change_failure_rate",
    "Time to restore": "time_to_restore",
}


# --------------------------------------------------------------------------- run


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """One ``run elite --days 60 --json`` shared by the tests that only read it."""
    out = tmp_path_factory.mktemp("single") / "out.json"
    status = main(["run", "elite", "--days", DAYS, "--seed", "7", "--json", str(out)])
    assert status == 0
    return read_json(out), str(out)


def test_run_json_has_every_contract_key(single: tuple[dict[str, Any], str]) -> None:
    document, _ = single
    for key in METRIC_KEYS:
        assert key in document["metrics"], key
    for key in (*TIER_KEYS, "overall"):
        assert key in document["tiers"], key
        assert document["tiers"][key] in {"low", "medium", "high", "elite", None}
    prov = document["provenance"]
    assert prov["shipit_version"] == __version__
    assert prov["seed"] == 7
    assert set(prov["packages"]) >= {"simpy", "numpy", "pydantic", "scipy"}
    assert all(isinstance(v, str) for v in prov["packages"].values())
    assert "ci95" not in document and "replications" not in document


def test_seed_and_days_are_applied_as_overrides(single: tuple[dict[str, Any], str]) -> None:
    document, _ = single
    expected = load_with_overrides("elite", [f"run.days={DAYS}", "run.seed=7"])
    assert document["provenance"]["scenario_hash"] == expected.content_hash()


def test_days_and_seed_win_over_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    argv = ["run", "elite", "--set", "run.days=30", "--set", "run.seed=3", "--days", DAYS]
    status, _, _ = run_cli(capsys, *argv, "--seed", "7", "--json", str(out), "--quiet")
    assert status == 0
    expected = load_with_overrides("elite", [f"run.days={DAYS}", "run.seed=7"])
    assert read_json(out)["provenance"]["scenario_hash"] == expected.content_hash()


def test_scorecard_shows_four_keys_and_their_tiers(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, "run", "elite", "--days", DAYS)
    assert status == 0 and err == ""
    result = run_replication(load_with_overrides("elite", [f"run.days={DAYS}"]))
    expected = tier_of(result.metrics)
    lines = out.splitlines()
    assert any("Elite" in line for line in lines[:2])  # the scenario title
    for label, key in FOUR_KEY_LABELS.items():
        row = next(line for line in lines if label in line)
        assert str(expected[key]) in row, row
    for label in ("Overall", "Throughput", "Incidents", "Availability", "Unplanned work",
                  "Rework rate"):  # fmt: skip
        assert label in out
    assert "%" in out and "/ day" in out


def test_quiet_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    status, stdout, stderr = run_cli(
        capsys, "run", "elite", "--days", DAYS, "--json", str(out), "--quiet"
    )
    assert (status, stdout, stderr) == (0, "", "")
    assert out.is_file()


def test_replications_give_means_ci_and_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    status, stdout, _ = run_cli(
        capsys, "run", "elite", "--days", DAYS, "--replications", "3", "--workers", "2",
        "--json", str(out),
    )  # fmt: skip
    assert status == 0
    assert "±" in stdout
    document = read_json(out)
    runs = document["replications"]
    assert [run["replication"] for run in runs] == [0, 1, 2]
    assert document["provenance"]["replications"] == 3
    for key in METRIC_KEYS:
        values = [run["metrics"][key] for run in runs if run["metrics"][key] is not None]
        mean = document["metrics"][key]
        if not values:
            assert mean is None
            continue
        assert mean == pytest.approx(sum(values) / len(values)), key
        interval = document["ci95"][key]
        assert len(interval) == 2 and interval[0] <= mean <= interval[1], key
    # Runs differ (independent streams), so at least one interval has width.
    assert any(ci and ci[1] > ci[0] for ci in document["ci95"].values())


def test_events_writes_one_json_line_per_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.jsonl"
    status, _, _ = run_cli(capsys, "run", "elite", "--days", DAYS, "--events", str(events), "-q")
    assert status == 0
    expected = run_replication(load_with_overrides("elite", [f"run.days={DAYS}"]))
    lines = events.read_text(encoding="utf-8").splitlines()
    assert len(lines) == expected.events > 0
    parsed = [json.loads(line) for line in lines]
    assert all(set(p) == {"t", "kind", "subject", "data"} for p in parsed)
    assert parsed[0]["kind"] == Kind.WINDOW.value
    times = [p["t"] for p in parsed]
    assert times == sorted(times)


# --------------------------------------------------------------------------- overload

DROWNING = ("--set", "org.teams=1", "--set", "org.developers=1", "--set", "org.testers=1",
            "--set", "org.ops=1")  # fmt: skip
"""The elite organisation shrunk to one person per role: its keys stay elite, its backlog
grows by tens of items a week."""


def test_an_overloaded_run_is_never_as_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    status, stdout, _ = run_cli(capsys, "run", "elite", *DROWNING, "--days", "120",
                                "--json", str(out))  # fmt: skip
    assert status == 0
    document = read_json(out)
    metrics = document["metrics"]
    assert document["overloaded"] is True and metrics["overloaded"] == 1.0
    assert document["tiers"]["overall"] == "elite"  # what the four keys alone would say
    assert "as expected" not in stdout
    growth = format_number(metrics["backlog_growth_per_week"], None, "items / week")
    lines = stdout.splitlines()
    overall = lines.index(next(line for line in lines if "Overall" in line))
    assert "OVERLOADED" in lines[overall]
    assert f"backlog grows {growth}" in lines[overall + 1]
    assert "Demand exceeds capacity; the four keys start at commit" in stdout
    assert max(len(line.rstrip()) for line in lines) <= 80
    delivered = next(line for line in lines if "Delivered / arrived" in line)
    assert format_share(metrics["demand_delivered_share"]) in delivered
    assert growth in next(line for line in lines if "Backlog growth" in line)
    customer = next(line for line in lines if "Customer lead time" in line)
    assert format_hours(metrics["customer_lead_time_hours_median"]) in customer


def test_a_run_that_keeps_up_is_not_flagged(
    single: tuple[dict[str, Any], str], capsys: pytest.CaptureFixture[str]
) -> None:
    document, _ = single
    assert document["overloaded"] is False and document["metrics"]["overloaded"] == 0.0
    status, stdout, _ = run_cli(capsys, "run", "elite", "--days", DAYS, "--seed", "7")
    assert status == 0
    assert "OVERLOADED" not in stdout and "Demand exceeds capacity" not in stdout
    for label in ("Delivered / arrived", "Backlog growth", "Customer lead time"):
        assert label in stdout


def test_overload_with_replications_gives_the_share_of_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    status, stdout, _ = run_cli(capsys, "run", "elite", *DROWNING, "--days", "90", "-r", "2",
                                "--workers", "1", "--json", str(out))  # fmt: skip
    assert status == 0
    document = read_json(out)
    assert document["overloaded"] is True
    assert [r["metrics"]["overloaded"] for r in document["replications"]] == [1.0, 1.0]
    assert "OVERLOADED in 100 % of runs" in stdout
    assert "backlog grows" in stdout and "±" in stdout
    assert max(len(line.rstrip()) for line in stdout.splitlines()) <= 80


def _card(metrics: dict[str, Any], replications: int, expected: str = "elite") -> str:
    """The scorecard of a hand-made document, as plain text at 80 columns."""
    document = {
        "metrics": metrics,
        "tiers": {**dict.fromkeys(TIER_KEYS, "elite"), "overall": "elite"},
        "expected_tier": expected,
        "provenance": {"replications": replications, "seed": 1},
    }
    buffer = io.StringIO()
    Console(file=buffer, width=80, color_system=None).print(
        scorecard(document, load_with_overrides("elite", []))
    )
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("share", "verdict", "flagged"),
    [
        (0.0, "as expected (elite)", False),
        (0.25, "overloaded in 25 % of runs", False),  # a minority: noted, not the verdict
        (0.5, "OVERLOADED in 50 % of runs", True),
        (1.0, "OVERLOADED in 100 % of runs", True),
    ],
)
def test_overload_verdict_follows_the_share_of_overloaded_runs(
    share: float, verdict: str, flagged: bool
) -> None:
    text = _card({"overloaded": share, "backlog_growth_per_week": 12.5}, replications=4)
    assert verdict in text
    assert ("as expected" in text) is not flagged
    assert ("backlog grows 12.5 items / week" in text) is flagged
    assert ("Demand exceeds capacity" in text) is flagged


def test_overload_verdict_of_one_run_and_without_an_expected_tier() -> None:
    one = _card({"overloaded": 1.0, "backlog_growth_per_week": 3.0}, 1)
    assert "OVERLOADED │ elite" in one and "backlog grows 3.0 items / week" in one
    text = _card({"overloaded": 1.0, "backlog_growth_per_week": 3.0}, 1, expected=None)
    assert "OVERLOADED" in text and "no expected tier" not in text
    assert "of runs" not in text  # one run: a flag, not a share
    assert "OVERLOADED" not in _card({"overloaded": None}, 1)  # no demand: no verdict


# --------------------------------------------------------------------------- bad input


def _bad_file(tmp_path: Path) -> str:
    path = tmp_path / "bad.toml"
    path.write_text('[scenario]\nname = "bad"\n[org]\ndevelopers = 0\n', encoding="utf-8")
    return str(path)


BAD_RUNS: dict[str, tuple[list[str], list[str]]] = {
    # case: (argv after "run", names the message must contain); {tmp} is the temp dir
    "unknown scenario": (["no-such-scenario"], ["no-such-scenario", "elite"]),
    "missing file": (["{tmp}/missing.toml"], ["missing.toml", "not found"]),
    "a directory": (["{tmp}/adir/"], ["adir", "directory"]),
    "bad file value": (["{bad}"], ["bad.toml", "org.developers", ">= 1"]),
    "set without =": (["elite", "--set", "orgdevelopers"], ["--set", "orgdevelopers", "="]),
    "set unknown key": (["elite", "--set", "org.devs=3"], ["--set", "org.devs", "developers"]),
    "set bad value": (["elite", "--set", "org.developers=many"], ["org.developers", "integer"]),
    "set unknown section": (["elite", "--set", "orgs.developers=3"], ["orgs", "[org]"]),
    "bad days": (["elite", "--days", "-5"], ["--days", "run.days", "> 0"]),
    "bad seed": (["elite", "--seed", "x"], ["--seed", "run.seed", "integer"]),
    "days below warm-up": (["legacy-enterprise", "--days", "30"], ["run.warmup_days"]),
    "events with replications": (
        ["elite", "--replications", "3", "--events", "{tmp}/ev.jsonl"],
        ["--events", "--replications"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_RUNS))
def test_bad_run_input_exits_2_and_writes_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "adir").mkdir()
    bad = _bad_file(tmp_path)
    argv, names = BAD_RUNS[case]
    argv = [a.replace("{tmp}", str(tmp_path)).replace("{bad}", bad) for a in argv]
    out = tmp_path / "out.json"
    out.write_text(SENTINEL, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())

    days = [] if "--days" in argv else ["--days", DAYS]  # the case's own --days must win
    status, stdout, err = run_cli(capsys, "run", *argv, *days, "--json", str(out))
    assert status == 2
    assert stdout == ""
    assert_one_line_error(err, *names)
    assert out.read_text(encoding="utf-8") == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("option", ["--json", "--events"])
def test_missing_output_directory_is_checked_before_running(
    option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    def must_not_run(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the simulation ran before the output path was checked")

    monkeypatch.setattr(cli, "run_replication", must_not_run)
    target = tmp_path / "nodir" / "out.json"
    status, stdout, err = run_cli(capsys, "run", "elite", option, str(target))
    assert status == 2 and stdout == ""
    assert_one_line_error(err, option, str(tmp_path / "nodir"), "does not exist")
    assert not (tmp_path / "nodir").exists()


def test_output_path_that_is_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run_cli(capsys, "run", "elite", "--json", str(tmp_path))
    assert status == 2
    assert_one_line_error(err, str(tmp_path), "directory")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["run", "elite", "--replications", "0"], ["frobnicate"], []):
        status, _, err = run_cli(capsys, *argv)
        assert status == 2, argv
        assert "Traceback" not in err and "usage:" in err


def test_interrupt_exits_130_without_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_replication", interrupted)
    out = tmp_path / "out.json"
    status, _, err = run_cli(capsys, "run", "elite", "--json", str(out))
    assert status == 130
    assert_one_line_error(err, "interrupted")
    assert not out.exists()


def test_atomic_write_failure_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text(SENTINEL, encoding="utf-8")

    def chunks() -> Any:
        yield "half a line"
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        atomic_write(target, chunks())
    assert target.read_text(encoding="utf-8") == SENTINEL
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temp file left
    atomic_write(target, ["new\n"])
    assert target.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


# --------------------------------------------------------------------------- other commands


def test_validate_good_and_bad(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[scenario]\nname = "my-org"\n', encoding="utf-8")
    bad = _bad_file(tmp_path)

    status, out, err = run_cli(capsys, "validate", str(good), "elite")
    assert (status, err) == (0, "")
    assert out.splitlines() == [f"ok  {good} (my-org)", "ok  elite (elite)"]

    status, out, err = run_cli(capsys, "validate", str(good), bad)
    assert status == 2
    assert out.splitlines() == [f"ok  {good} (my-org)"]
    assert_one_line_error(err, bad, "org.developers")


def test_schema_prints_json_with_all_sections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run_cli(capsys, "schema")
    assert status == 0
    schema = json.loads(out)
    assert set(schema["properties"]) == set(Scenario.model_fields)
    target = tmp_path / "schema.json"
    status, out, _ = run_cli(capsys, "schema", "--output", str(target))
    assert (status, out) == (0, "")
    assert read_json(target) == schema


def test_scenarios_lists_the_builtins(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "scenarios")
    assert status == 0
    for name in BUILTINS:
        assert name in out
    assert "Elite: on-demand" in out


def test_practices_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "practices")
    assert status == 0
    for practice in CATALOGUE:
        assert practice.name in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "--version")
    assert (status, out.strip()) == (0, f"shipit {__version__}")


def test_bench_forwards_its_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    calls: list[list[str]] = []
    fake = types.ModuleType("sim.bench")
    fake.__spec__ = importlib.machinery.ModuleSpec("sim.bench", None)
    fake.main = lambda argv: calls.append(list(argv)) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sim.bench", fake)
    target = tmp_path / "bench.json"
    status, _, _ = run_cli(capsys, "bench", "--quick", "--json", str(target))
    assert status == 0
    assert calls == [["--quick", "--json", str(target)]]


# --------------------------------------------------------------------------- formatting


def test_value_formatting() -> None:
    assert format_hours(3.13) == "3.1 h"
    assert format_hours(57.6) == "2.4 days"
    assert format_hours(0.17) == "10 min"
    assert format_hours(None) == "—"
    assert format_hours(3.1, [2.9, 3.3]) == "3.1 ± 0.2 h"
    assert format_share(0.0196) == "2.0 %"
    assert format_per_day(6.26) == "6.3 / day"
    assert format_per_day(0.5) == "3.5 / week"
    assert format_per_day(1 / 91) == "0.33 / month"


# --------------------------------------------------------------------------- end to end


def test_console_script_end_to_end(tmp_path: Path) -> None:
    """The real entry point, in a fresh interpreter: exit 0, a JSON file, a scorecard."""
    completed = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", "elite", "--days", DAYS, "--json", "out.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    document = read_json(tmp_path / "out.json")
    assert set(METRIC_KEYS) <= set(document["metrics"])
    assert "Deployment frequency" in completed.stdout


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_gives_every_contract_key(name: str, tmp_path: Path) -> None:
    """`shipit run NAME --json` for each built-in, at its full horizon (BRIEF §6)."""
    out = tmp_path / "out.json"
    assert main(["run", name, "--quiet", "--json", str(out)]) == 0
    document = read_json(out)
    for key in METRIC_KEYS:
        assert key in document["metrics"], (name, key)
    assert set(document["tiers"]) == {*TIER_KEYS, "overall"}
    assert document["provenance"]["scenario"] == name
    assert len(document["provenance"]["scenario_hash"]) == 64
