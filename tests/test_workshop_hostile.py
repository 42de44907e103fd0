"""Workshop sessions safe by default: hostile options, files, sessions, decks and names.

Every refusal is one ``shipit:`` line (or argparse's usage error) with exit status 2, no
traceback; a failed ``workshop new`` leaves nothing behind; a damaged ``session.db`` is
named, never opened half-way.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.workshop import DebriefError, Workshop, load_deck
from sim.workshop.store import check_name, session_path
from tests.cli_helpers import SENTINEL, assert_one_line_error, run_cli

SCENARIO = "continuous-delivery"
DAYS = "7"


def new_cli(
    capsys: pytest.CaptureFixture[str], directory: Path | str, *extra: str, name: str = "w"
) -> tuple[int, str, str]:
    """``shipit workshop new`` with small defaults; ``extra`` options win (argparse: last)."""
    return run_cli(
        capsys, "workshop", "new", name, "--scenario", SCENARIO, "--teams", "2", "--rounds",
        "2", "--round-days", DAYS, "--dir", str(directory), *extra,
    )  # fmt: skip


def usage_error(err: str, *names: str) -> None:
    """argparse's refusal: usage, then one ``error:`` line naming each of ``names``."""
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert "error:" in last
    for name in names:
        assert name in last, (name, last)


@pytest.fixture(scope="module")
def played_db(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a good session with one round played (the base for damaged copies)."""
    folder = tmp_path_factory.mktemp("good")
    workshop = Workshop.create("good", SCENARIO, 2, 2, round_days=7, directory=folder)
    workshop.play_round()
    workshop.close()
    return session_path("good", folder).read_bytes()


def plant(folder: Path, data: bytes, sql: str | None = None, name: str = "bad") -> Path:
    """A session ``name`` in ``folder`` whose database holds ``data`` (then ``sql``)."""
    path = session_path(name, folder)
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    if sql:
        conn = sqlite3.connect(path)
        conn.executescript(sql)
        conn.commit()
        conn.close()
    return path


# --------------------------------------------------------------------------- workshop new


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--round-days", "nan"),
        ("--round-days", "inf"),
        ("--round-days", "1e-300"),
        ("--round-days", "0.5"),
        ("--round-days", "1e23"),
        ("--rounds", "1e23"),
        ("--rounds", "0"),
        ("--rounds", "521"),
        ("--seed", "1e23"),
        ("--seed", "-1"),
        ("--seed", str(2**63)),
        ("--teams", "101"),
        ("--teams", "nan"),
        ("--budget", "nan"),
        ("--budget", "inf"),
        ("--budget", "1e300"),
    ],
)
def test_new_refuses_numbers_out_of_range_and_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    folder = tmp_path / "sessions"
    status, _, err = new_cli(capsys, folder, option, value)
    assert status == 2
    usage_error(err, option)
    assert not folder.exists()


def test_new_refuses_more_days_than_the_horizon(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "sessions"
    status, _, err = new_cli(capsys, folder, "--rounds", "100", "--round-days", "91")
    assert status == 2
    assert_one_line_error(err, "--rounds", "--round-days", "9100", "3650")
    assert not folder.exists()
    with pytest.raises(ScenarioError, match="3650"):
        Workshop.create("w", SCENARIO, 1, 520, round_days=91, directory=folder)
    assert not folder.exists()


def test_api_refuses_what_the_cli_refuses(tmp_path: Path) -> None:
    for kwargs, key in (
        ({"round_days": float("nan")}, "round_days"),
        ({"round_days": float("inf")}, "round_days"),
        ({"round_days": 1e-300}, "round_days"),
        ({"budget": float("nan")}, "budget"),
        ({"seed": 10**23}, "seed"),
        ({"seed": True}, "seed"),
    ):
        with pytest.raises(ScenarioError) as info:
            Workshop.create("w", SCENARIO, 2, 2, directory=tmp_path, **kwargs)  # type: ignore[arg-type]
        assert info.value.key == key
    with pytest.raises(ScenarioError, match="teams"):
        Workshop.create("w", SCENARIO, 101, 2, round_days=7, directory=tmp_path)
    with pytest.raises(ScenarioError, match="rounds"):
        Workshop.create("w", SCENARIO, 2, 10**23, round_days=7, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_failed_create_leaves_nothing_and_the_name_stays_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "new" / "sessions"

    def broken(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("sim.workshop.session._now", broken)
    with pytest.raises(Exception, match="disk I/O error"):
        Workshop.create("w", SCENARIO, 2, 2, round_days=7, directory=folder)
    assert list(tmp_path.iterdir()) == []  # not even the folders made for it

    monkeypatch.undo()
    workshop = Workshop.create("w", SCENARIO, 2, 2, round_days=7, directory=folder)
    assert workshop.teams == ["team-1", "team-2"]
    assert sorted(p.name for p in folder.iterdir()) == ["w"]  # no temporary folder left
    umask = os.umask(0)
    os.umask(umask)
    assert folder.joinpath("w").stat().st_mode & 0o777 == 0o777 & ~umask  # not mkdtemp's 0700


def test_interrupted_create_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.workshop.session._now", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Workshop.create("w", SCENARIO, 2, 2, round_days=7, directory=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_new_never_touches_an_existing_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new_cli(capsys, tmp_path)[0] == 0
    before = session_path("w", tmp_path).read_bytes()
    status, _, err = new_cli(capsys, tmp_path, "--teams", "5")
    assert status == 2
    assert_one_line_error(err, "exists")
    assert session_path("w", tmp_path).read_bytes() == before
    assert Workshop.open("w", tmp_path).teams == ["team-1", "team-2"]


def test_new_with_a_file_as_the_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "notes.txt"
    file.write_text(SENTINEL, encoding="utf-8")
    status, _, err = new_cli(capsys, file)
    assert status == 2
    assert_one_line_error(err, str(file), "not a folder", "--dir")
    assert "exists" not in err
    assert file.read_text(encoding="utf-8") == SENTINEL
    status, _, err = run_cli(capsys, "workshop", "status", "w", "--dir", str(file))
    assert status == 2
    assert_one_line_error(err, str(file), "not a folder")


def test_new_where_a_file_has_the_session_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "w").write_text(SENTINEL, encoding="utf-8")
    status, _, err = new_cli(capsys, tmp_path)
    assert status == 2
    assert_one_line_error(err, "not a workshop folder")
    assert (tmp_path / "w").read_text(encoding="utf-8") == SENTINEL


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name", ["team\n", "te\x00am", "te\x1b[2Jam", "tab\t", "a" * 65, "", "no/slash", "é"]
)
def test_names_are_matched_whole_and_refuse_control_characters(name: str) -> None:
    with pytest.raises(ScenarioError) as info:
        check_name(name, "team name")
    assert "\n" not in info.value.message
    assert "\x1b" not in info.value.message


def test_team_and_session_names_with_a_trailing_newline_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ScenarioError, match="letters, digits"):
        Workshop.create("w", SCENARIO, ["ok", "evil\n"], 1, round_days=7, directory=tmp_path)
    status, _, err = new_cli(capsys, tmp_path, name="w\n")
    assert status == 2
    assert_one_line_error(err, "workshop name", r"'w\n'")
    assert list(tmp_path.iterdir()) == []
    assert new_cli(capsys, tmp_path)[0] == 0
    status, _, err = run_cli(
        capsys, "workshop", "inject", "w", "zero-day", "--team", "team-1\n", "--dir", str(tmp_path)
    )
    assert status == 2
    assert_one_line_error(err, "team name")
    status, _, err = run_cli(
        capsys, "workshop", "inject", "w", "zero-day\n\x1b[31m", "--dir", str(tmp_path)
    )
    assert status == 2
    assert_one_line_error(err, "no such card")
    assert "\x1b" not in err


# --------------------------------------------------------------------------- damaged sessions


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("truncated", "malformed"),
        ("garbage", "not a database"),
        ("text", "not a database"),
        ("empty", "no table"),
        ("other-sqlite", "no table"),
        ("missing-table", "no table 'results'"),
        ("other-columns", "other columns"),
        ("round-days-huge", "session.round_days"),
        ("round-days-text", "session.round_days"),
        ("round-days-tiny", "session.round_days"),
        ("rounds-huge", "session.rounds"),
        ("seed-negative", "session.seed"),
        ("too-many-days", "3650"),
        ("budget-huge", "session.budget"),
        ("scenario-nan", "session.scenario"),
        ("scenario-bad", "session.scenario"),
        ("no-state", "state"),
        ("state-round", "state.round"),
        ("state-status", "state.status"),
        ("team-newline", "teams.name"),
        ("result-text", "results.leaderboard"),
        ("result-inf", "results.metrics"),
        ("result-tier", "results.tiers"),
        ("move-huge", "moves.command"),
        ("move-json", "moves.command"),
        ("inject-huge", "injects.effects"),
        ("inject-team", "injects.team"),
    ],
)
def test_a_damaged_session_is_one_line_on_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], played_db: bytes, case: str, detail: str
) -> None:
    sql = {
        "missing-table": "DROP TABLE results",
        "other-columns": "ALTER TABLE teams ADD COLUMN extra TEXT",
        "round-days-huge": "UPDATE session SET round_days = 1e300",
        "round-days-text": "UPDATE session SET round_days = 'nan'",
        "round-days-tiny": "UPDATE session SET round_days = 1e-300",
        "rounds-huge": "UPDATE session SET rounds = 100000000000",
        "seed-negative": "UPDATE session SET seed = -5",
        "too-many-days": "UPDATE session SET rounds = 500, round_days = 91",
        "budget-huge": "UPDATE session SET budget = 1e300",
        "scenario-nan": """UPDATE session SET scenario = '{"run": {"days": NaN}}'""",
        "scenario-bad": """UPDATE session SET scenario = '{"run": {"days": -1}}'""",
        "no-state": "DELETE FROM state",
        "state-round": "UPDATE state SET round = 99",
        "state-status": "UPDATE state SET status = 'paused'",
        "team-newline": "PRAGMA foreign_keys = OFF; UPDATE teams SET name = 'x' || char(10) "
        "WHERE position = 0",
        "result-text": "UPDATE results SET leaderboard = 'lots'",
        "result-inf": """UPDATE results SET metrics = '{"wip_mean": Infinity}'""",
        "result-tier": """UPDATE results SET tiers = '{"overall": "<b>best</b>"}'""",
        "move-huge": "INSERT INTO moves (team, round, command, created) VALUES ('team-1', 2, "
        """'{"type": "resize_pool", "role": "developers", "size": 1e300}', 'x')""",
        "move-json": "INSERT INTO moves (team, round, command, created) VALUES ('team-1', 2, "
        "'{not json', 'x')",
        "inject-huge": "INSERT INTO injects (round, team, card, effects, created) VALUES (2, NULL, "
        """'c', '[{"type": "freeze", "days": 1e300}]', 'x')""",
        "inject-team": "PRAGMA foreign_keys = OFF; INSERT INTO injects (round, team, card, "
        """effects, created) VALUES (2, 'nobody', 'c', '[{"type": "freeze", "days": 3}]', 'x')""",
    }.get(case)
    data = {
        "truncated": played_db[: len(played_db) // 2],
        "garbage": bytes(range(256)) * 16,
        "text": b"this is not a database\n",
        "empty": b"",
    }.get(case, played_db)
    if case == "other-sqlite":
        path = session_path("bad", tmp_path)
        path.parent.mkdir(parents=True)
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.commit()
        conn.close()
    else:
        path = plant(tmp_path, data, sql)
    before = path.read_bytes()
    d = str(tmp_path)
    for command in (
        ["status", "bad"],
        ["play-round", "bad"],
        ["inject", "bad", "zero-day"],
        ["report", "bad", "--replications", "1"],
    ):
        status, _, err = run_cli(capsys, "workshop", *command, "--dir", d)
        assert status == 2, (command, err)
        assert_one_line_error(err, str(path), "not a Ship It workshop session", detail)
    assert path.read_bytes() == before  # refused before anything was written
    assert sorted(p.name for p in path.parent.iterdir()) == ["session.db"]


def test_a_folder_where_the_database_should_be(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_path("bad", tmp_path).mkdir(parents=True)
    status, _, err = run_cli(capsys, "workshop", "status", "bad", "--dir", str(tmp_path))
    assert status == 2
    assert_one_line_error(err, "not a Ship It workshop session", "not a regular file")


# --------------------------------------------------------------------------- decks


@pytest.mark.parametrize(
    ("effect", "key"),
    [
        ("{ type = 'traffic', factor = nan, days = 3 }", "card.0.effects.0.factor"),
        ("{ type = 'traffic', factor = 2, days = inf }", "card.0.effects.0.days"),
        ("{ type = 'traffic', factor = 1e308, days = 3 }", "card.0.effects.0.factor"),
        ("{ type = 'freeze', days = -inf }", "card.0.effects.0.days"),
        ("{ type = 'freeze', days = 1e-400 }", "card.0.effects.0.days"),
        ("{ type = 'hire', role = 'ops', count = 99999999999999 }", "card.0.effects.0.count"),
        ("{ type = 'hire', role = 'ops', count = 2.0 }", "card.0.effects.0.count"),
        ("{ type = 'incident', severity = 1.0 }", "card.0.effects.0.severity"),
        ("{ type = 'incident', severity = nan }", "card.0.effects.0.severity"),
        ("{ type = 'set_practice', practice = 'batch_size', value = nan }", "card.0.effects.0"),
        ("{ type = 'set_practice', practice = 'batch_size', value = inf }", "card.0.effects.0"),
    ],
)
def test_deck_numbers_must_be_finite_and_in_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], effect: str, key: str
) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(
        f'[[card]]\nid = "c"\ntitle = "T"\ndescription = "D"\neffects = [{effect}]\n',
        encoding="utf-8",
    )
    status, _, err = run_cli(capsys, "workshop", "deck", "--deck", str(deck))
    assert status == 2
    assert_one_line_error(err, str(deck), key)


def test_unavailable_cards_still_need_finite_numbers(tmp_path: Path) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(
        '[[card]]\nid = "c"\ntitle = "T"\ndescription = "D"\navailable = false\n'
        "effects = [{ type = 'future', rate = nan }]\n"
        '[[card]]\nid = "d"\ntitle = "T"\ndescription = "D"\n'
        "effects = [{ type = 'freeze', days = 3 }]\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match="finite") as info:
        load_deck(deck)
    assert info.value.key == "card.0.effects.0.rate"


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ('id = "c\\n"\ntitle = "T"\ndescription = "D"', "card.0.id", "control"),
        ('id = "c"\ntitle = "T\\u001b[2J"\ndescription = "D"', "card.0.title", "control"),
        ('id = "c"\ntitle = "T"\ndescription = "D\\u0007"', "card.0.description", "control"),
    ],
)
def test_deck_text_refuses_control_characters(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    deck = tmp_path / "deck.toml"
    deck.write_text(
        f"[[card]]\n{text}\neffects = [{{ type = 'freeze', days = 3 }}]\n", encoding="utf-8"
    )
    with pytest.raises(ScenarioError, match=problem) as info:
        load_deck(deck)
    assert info.value.key == key


def test_deck_markup_is_shown_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = tmp_path / "deck[red].toml"
    deck.write_text(
        '[[card]]\nid = "c"\ntitle = "[/] [bold]Outage"\ndescription = "Costs $5 [/red]"\n'
        "effects = [{ type = 'freeze', days = 3 }]\n",
        encoding="utf-8",
    )
    status, out, err = run_cli(capsys, "workshop", "deck", "--deck", str(deck))
    assert status == 0, err
    assert "[/] [bold]Outage" in out and "[/red]" in out


@pytest.mark.parametrize("kind", ["folder", "huge", "binary"])
def test_deck_files_that_are_not_decks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    deck = tmp_path / "deck.toml"
    if kind == "folder":
        deck.mkdir()
    elif kind == "huge":
        deck.write_text("# padding\n" * 200_000, encoding="utf-8")
    else:
        deck.write_bytes(b"\xff\xfe\x00garbage")
    status, _, err = run_cli(capsys, "workshop", "deck", "--deck", str(deck))
    assert status == 2
    assert_one_line_error(err, str(deck))


# --------------------------------------------------------------------------- report --out


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session folder with one round played (one team, for speed)."""
    folder = tmp_path_factory.mktemp("played")
    workshop = Workshop.create("p", SCENARIO, 1, 2, round_days=7, directory=folder)
    workshop.play_round()
    workshop.close()
    return folder


def report(capsys: pytest.CaptureFixture[str], folder: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli(
        capsys, "workshop", "report", "p", "--dir", str(folder), "--replications", "1", *extra
    )


def test_report_out_a_file_is_refused_and_kept(
    played: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "pack.html"
    target.write_text(SENTINEL, encoding="utf-8")
    status, _, err = report(capsys, played, "--out", str(target))
    assert status == 2
    assert_one_line_error(err, "--out", str(target), "not a directory")
    assert target.read_text(encoding="utf-8") == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.html"]


def test_report_out_with_a_missing_parent_is_refused(
    played: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = report(capsys, played, "--out", str(tmp_path / "no" / "pack"))
    assert status == 2
    assert_one_line_error(err, "--out", "does not exist")
    assert list(tmp_path.iterdir()) == []


def test_report_out_where_img_is_a_file(
    played: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "img").write_text(SENTINEL, encoding="utf-8")
    status, _, err = report(capsys, played, "--out", str(tmp_path))
    assert status == 2
    assert_one_line_error(err, "img")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["img"]


def test_report_into_a_new_and_an_existing_folder(
    played: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack"
    status, printed, err = report(capsys, played, "--out", str(out))
    assert status == 0, err
    assert str(out / "index.html") in printed
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left
    # into an existing folder with other files: they are kept, the pack is replaced
    keep = out / "notes.txt"
    keep.write_text(SENTINEL, encoding="utf-8")
    status, _, err = report(capsys, played, "--out", str(out))
    assert status == 0, err
    assert keep.read_text(encoding="utf-8") == SENTINEL
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert (out / "team-team-1.html").is_file()


def test_report_that_would_replace_a_folder_changes_nothing(
    played: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    (out / "index.html").mkdir()  # a folder where a page goes
    (out / "debrief.json").write_text(SENTINEL, encoding="utf-8")
    status, _, err = report(capsys, played, "--out", str(out))
    assert status == 2
    assert_one_line_error(err, "index.html")
    assert (out / "debrief.json").read_text(encoding="utf-8") == SENTINEL
    assert sorted(p.name for p in out.iterdir()) == ["debrief.json", "index.html"]


# --------------------------------------------------------------------------- debrief


def test_dollars_in_the_scenario_are_drawn_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "dollars.toml"
    scenario.write_text(
        '[scenario]\nname = "broken $\\\\frac{a}{$ name"\ntitle = "Costs $5 and $x^$"\n',
        encoding="utf-8",
    )
    d = str(tmp_path / "s")
    status, _, err = run_cli(
        capsys, "workshop", "new", "m", "--scenario", str(scenario), "--teams", "1",
        "--rounds", "2", "--round-days", DAYS, "--dir", d,
    )  # fmt: skip
    assert status == 0, err
    status, out, err = run_cli(capsys, "workshop", "play-round", "m", "--dir", d, "--debrief")
    assert status == 0, err
    assert "debrief written" in out


def test_a_failed_debrief_never_says_the_round_was_not_played(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    d = str(tmp_path)
    assert new_cli(capsys, tmp_path)[0] == 0

    def broken(*args: object, **kwargs: object) -> list[Path]:
        raise ValueError("mathtext could not parse\nthe title")

    monkeypatch.setattr("sim.workshop.report.write_debrief", broken)
    status, out, err = run_cli(capsys, "workshop", "play-round", "w", "--dir", d, "--debrief")
    assert status == 1
    assert "Leaderboard after round 1" in out
    assert_one_line_error(err, "round 1 was played and stored", "debrief was not written",
                          "mathtext could not parse the title")  # fmt: skip
    workshop = Workshop.open("w", tmp_path)
    assert workshop.status().round == 2
    assert [row.rounds_played for row in workshop.leaderboard()] == [1, 1]


def test_play_round_debrief_into_a_bad_folder_is_refused_before_playing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = str(tmp_path)
    assert new_cli(capsys, tmp_path)[0] == 0
    (tmp_path / "w" / "debrief").write_text(SENTINEL, encoding="utf-8")
    status, _, err = run_cli(capsys, "workshop", "play-round", "w", "--dir", d, "--debrief")
    assert status == 2
    assert_one_line_error(err, "debrief", "not a directory")
    assert Workshop.open("w", tmp_path).status().status == "planning"  # not played


def test_play_round_with_debrief_says_the_round_stands(tmp_path: Path) -> None:
    workshop = Workshop.create("w", SCENARIO, 1, 2, round_days=7, directory=tmp_path)

    def broken(*args: object, **kwargs: object) -> list[Path]:
        raise ValueError("Unknown symbol: \\frac")

    with pytest.raises(DebriefError) as info:
        workshop.play_round(debrief=broken)
    assert info.value.round == 1
    assert "round 1 was played and stored" in info.value.message
    assert workshop.status().round == 2
    assert workshop.leaderboard()[0].rounds_played == 1
