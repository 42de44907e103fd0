"""The workshop screens driven by Pilot: the facilitator console and the team client.

Sessions live in tmp_path; polls are called directly instead of waiting for the 2 s timer.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import DataTable, OptionList, Select, Static
from textual.worker import WorkerFailed

from sim.flow_report import constraint_sentence
from sim.model.commands import SetPractice
from sim.workshop.session import PLANNING, Workshop
from tui.launcher import add_play_arguments, build_app, main
from tui.screens.practices import PracticePanel
from tui.screens.summary import constraint_text, releases_text
from tui.screens.valuestream import ValueStreamScreen, headline, round_label
from tui.widgets.feed import IncidentFeed
from tui.workshop.facilitator import ConfirmScreen, FacilitatorApp, FacilitatorScreen, InjectScreen
from tui.workshop.team import TeamApp, TeamBoard, TeamSummary

pytestmark = pytest.mark.timeout(120)

SIZE = (100, 30)


def make_session(tmp_path: Path, name: str = "demo") -> Workshop:
    return Workshop.create(name, "elite", 3, 2, round_days=14, seed=3, directory=tmp_path)


def open_session(tmp_path: Path, name: str = "demo") -> Workshop:
    return Workshop.open(name, tmp_path)


def console(app: FacilitatorApp) -> FacilitatorScreen:
    screen = app.screen
    assert isinstance(screen, FacilitatorScreen)
    return screen


async def test_facilitator_shows_every_team_and_plays_a_round(tmp_path: Path) -> None:
    make_session(tmp_path)
    app = FacilitatorApp(open_session(tmp_path), debrief=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        teams = app.screen.query_one("#teams", DataTable)
        assert teams.row_count == 3
        assert app.screen.query_one("#leaderboard", DataTable).row_count == 3
        status = str(app.screen.query_one("#session-status", Static).render())
        assert "Round 1 of 2: planning" in status
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        state = open_session(tmp_path).status()
        assert (state.round, state.status) == (2, PLANNING)
        status = str(app.screen.query_one("#session-status", Static).render())
        assert "Round 2 of 2: planning" in status
        assert all(row.rounds_played == 1 for row in open_session(tmp_path).leaderboard())


async def test_facilitator_confirm_can_be_declined(tmp_path: Path) -> None:
    make_session(tmp_path)
    app = FacilitatorApp(open_session(tmp_path), debrief=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.press("escape")
        await pilot.pause()
        assert not console(app).busy
        assert open_session(tmp_path).status().round == 1


async def test_facilitator_injects_a_card_into_one_team(tmp_path: Path) -> None:
    make_session(tmp_path)
    app = FacilitatorApp(open_session(tmp_path), debrief=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, InjectScreen)
        assert all(card.available for card in modal.cards)
        modal.query_one(Select).value = "team-2"
        cards = modal.query_one(OptionList)
        cards.highlighted = 1
        chosen = modal.cards[1].id
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
    assert open_session(tmp_path).status().pending_injects == [(chosen, "team-2")]


async def test_team_client_submits_a_move_and_rejoins(tmp_path: Path) -> None:
    make_session(tmp_path)
    app = TeamApp(open_session(tmp_path), "team-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, TeamBoard)
        line = str(board.query_one("#workshop-status", Static).render())
        assert "Planning round 1" in line
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PracticePanel)
        await pilot.press("enter")  # the highlighted row's next value: one move
        await pilot.pause()
        await pilot.press("escape")
    moves = open_session(tmp_path).moves("team-1")
    assert len(moves) == 1
    assert open_session(tmp_path).status().teams[0].joined is not None

    again = TeamApp(open_session(tmp_path), "team-1")  # a crashed client joins again
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = again.screen
        assert isinstance(board, TeamBoard)
        practice = moves[0]
        assert isinstance(practice, SetPractice)
        assert board.game.practices()[practice.practice] == practice.value
        assert "1 move so far" in str(board.query_one("#workshop-status", Static).render())


async def test_team_client_refuses_moves_outside_planning(tmp_path: Path) -> None:
    make_session(tmp_path)
    app = TeamApp(open_session(tmp_path), "team-3")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, TeamBoard)
        facilitator = open_session(tmp_path)
        facilitator.play_round(open_next=False)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, TeamSummary)  # the poll found the played round
        await pilot.press("escape")
        assert isinstance(app.screen, TeamBoard)
        assert "Round 1 played" in str(board.query_one("#workshop-status", Static).render())


def board_of(app: TeamApp) -> TeamBoard:
    board = app.board
    assert board is not None
    board.poll_timer.pause()  # the test drives every poll itself
    return board


def status_line(board: TeamBoard) -> str:
    return str(board.query_one("#workshop-status", Static).render())


async def test_team_client_shows_the_summary_after_the_round(tmp_path: Path) -> None:
    """The race made deterministic: the round is played and the next one opened before the
    client polls (status jumps from planning 1 to planning 2); the summary still shows."""
    make_session(tmp_path)
    app = TeamApp(open_session(tmp_path), "team-2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = board_of(app)
        board.poll()  # nothing new: no summary
        await pilot.pause()
        assert app.screen is board
        facilitator = open_session(tmp_path)
        facilitator.submit("team-2", SetPractice("change_approval", "peer_review"))
        facilitator.play_round()  # played and round 2 opened between two polls
        board.poll()
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, TeamSummary)
        assert summary.report.number == 1
        assert board.game.round_number == 2
        assert "Planning round 2" in status_line(board)
        await pilot.press("enter")
        assert app.screen is board
        board.poll()  # shown once: not again
        await pilot.pause()
        assert app.screen is board


async def test_team_client_polled_while_the_round_is_played_still_shows_it(
    tmp_path: Path,
) -> None:
    """A poll that lands after planning closed but before the results are stored sees
    "played" without results: no summary yet, and the next poll shows it."""
    make_session(tmp_path)
    app = TeamApp(open_session(tmp_path), "team-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = board_of(app)
        facilitator = open_session(tmp_path)
        facilitator.store.conn.execute("UPDATE state SET status = 'played'")  # mid-play
        board.poll()
        await pilot.pause()
        assert app.screen is board and "Round 1 played" in status_line(board)
        facilitator.play_round()  # finishes the round and opens round 2
        board.poll()
        await pilot.pause()
        assert isinstance(app.screen, TeamSummary) and app.screen.report.number == 1


async def test_two_rounds_played_between_polls_show_both_summaries(tmp_path: Path) -> None:
    Workshop.create("demo", "elite", 2, 3, round_days=14, seed=3, directory=tmp_path)
    app = TeamApp(open_session(tmp_path), "team-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = board_of(app)
        facilitator = open_session(tmp_path)
        facilitator.play_round()
        facilitator.play_round()
        board.poll()
        await pilot.pause()
        seen = []
        while isinstance(app.screen, TeamSummary):
            seen.append(app.screen.report.number)
            await pilot.press("enter")
            await pilot.pause()
        assert seen == [1, 2]
        assert app.screen is board and "Planning round 3" in status_line(board)


async def test_a_rejoining_client_does_not_repeat_old_summaries(tmp_path: Path) -> None:
    make_session(tmp_path).play_round()
    app = TeamApp(open_session(tmp_path), "team-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = board_of(app)
        board.poll()
        await pilot.pause()
        assert app.screen is board
        await pilot.press("r")  # but the last one is there on request
        assert isinstance(app.screen, TeamSummary)


def feed_lines(board: TeamBoard) -> list[str]:
    return [line.plain for line in board.query_one(IncidentFeed)._entries]


async def test_team_feed_labels_cards_as_the_facilitators_and_welcomes_once(
    tmp_path: Path,
) -> None:
    workshop = make_session(tmp_path)
    workshop.submit("team-1", SetPractice("change_approval", "peer_review"))
    workshop.inject("engineer-leaves", "team-1")
    workshop.inject("major-outage")
    app = TeamApp(open_session(tmp_path), "team-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = board_of(app)
        open_session(tmp_path).play_round()
        board.poll()
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, TeamSummary)
        text = Console(width=200, record=True)
        text.print(summary.content())
        changes = text.export_text()
        await pilot.press("enter")
        await pilot.pause()
        board.poll()
        await pilot.pause()
        lines = feed_lines(board)
    developers = board.game.headcount()["developers"]
    card = f"Facilitator card 'A key engineer leaves': developers set to {developers}"
    assert any(card in line for line in lines)
    assert any("Facilitator card 'Major outage': a severity-1 incident" in ln for ln in lines)
    assert not any("You set developers" in line for line in lines)
    assert any("You set change approval to peer review" in line for line in lines)
    assert sum("You are team-1" in line for line in lines) == 1  # welcomed once
    assert card in changes and "You set developers" not in changes
    assert "Facilitator card 'Major outage'" in changes


async def test_team_screens_show_the_leaderboard_score(tmp_path: Path) -> None:
    workshop = make_session(tmp_path)
    workshop.submit("team-1", SetPractice("change_approval", "cab"))
    workshop.play_round()
    (row,) = [r for r in workshop.leaderboard() if r.team == "team-1"]
    app = TeamApp(open_session(tmp_path), "team-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = board_of(app)
        assert board.status().score == row.total
        game_score = board.game.total_score
        await pilot.press("r")
        summary = app.screen
        assert isinstance(summary, TeamSummary)
        console = Console(width=200, record=True)
        console.print(summary.content())
        text = console.export_text()
    assert f"leaderboard score: {row.total:,.0f}" in text
    assert "four keys (100 per tier step)" in text
    if game_score != row.total:
        assert f"{game_score:,.0f}" not in text.split("\n")[0]


def plain(renderable: Any) -> str:
    """A renderable's words, whitespace collapsed (wrapping does not matter)."""
    out = Console(width=200, record=True, file=io.StringIO())
    out.print(renderable)
    return " ".join(out.export_text().split())


def visible_text(app: TeamApp) -> str:
    """The words on the terminal now (from the SVG screenshot), borders and block
    characters removed, whitespace collapsed: a sentence wrapped over lines still reads."""
    rows: dict[float, list[str]] = {}
    svg = app.export_screenshot()
    for y, text in re.findall(r'<text[^>]*y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(y), []).append(unescape(re.sub("<[^>]+>", "", text)))
    lines = ("".join(rows[y]).replace("\xa0", " ") for y in sorted(rows))
    return " ".join(re.sub("[\u2580-\u259f]", " ", "\n".join(lines)).split())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_team_board_shows_where_the_time_goes(tmp_path: Path, size: tuple[int, int]) -> None:
    make_session(tmp_path).play_round()
    app = TeamApp(open_session(tmp_path), "team-1")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        board = board_of(app)
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ValueStreamScreen)
        assert screen.game is board.game
        # The model's stream of the round just played, from the session, not the screen.
        game = open_session(tmp_path).team_game("team-1")
        report = game.reports[-1]
        stream = game.value_stream(report.start_hours, report.end_hours)
        assert stream.changes > 0 and stream.constraint is not None
        assert screen.streams()[0] == stream
        label = round_label(game, report.number, report.start_hours, report.end_hours)
        stages = [stage.name for stage in stream.stages if stage.hours > 0]
        # Everything the screen holds (scrolled or not), line by line at its width.
        body = screen.query_one("#valuestream-body", Static)
        lines = [body.render_line(y).text for y in range(body.size.height)]
        rows = [line.split("│")[1].strip() for line in lines if line.startswith("│")]
        assert rows == [*stages, "customer lead time (mean)"]
        # What is on the terminal: the window, the biggest wait, every stage, the constraint.
        visible = visible_text(app)
        assert f"Where the time goes: {label}" in visible
        assert plain(headline(stream, label)) in visible
        for name in stages:  # a row of the table: │ development │ 30 min │ …
            assert re.search(rf"│\s*{re.escape(name)}\s*│", visible), visible
        assert plain(constraint_sentence(stream)) in visible
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is board
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = visible_text(app)  # the board's keys: t among them
        assert re.search(r"(^|\s)t\s*Where the time goes: each stage's waiting", help_text)


async def test_team_summary_says_where_the_time_went(tmp_path: Path) -> None:
    """Round 1 as the session played it; round 2 after a change-approval board (the team's
    own move): the summary names each round's biggest wait against the round before, and
    its releases, with the numbers of the team's game."""
    make_session(tmp_path)
    app = TeamApp(open_session(tmp_path), "team-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = board_of(app)
        texts = []
        for number in (1, 2):
            facilitator = open_session(tmp_path)
            if number == 2:
                facilitator.submit("team-1", SetPractice("change_approval", "cab"))
            facilitator.play_round()
            board.poll()
            await pilot.pause()
            summary = app.screen
            assert isinstance(summary, TeamSummary) and summary.report.number == number
            body = summary.query_one("#summary-body", Static)  # as drawn, at its width
            texts.append(" ".join(" ".join(body.render_line(y).text
                                           for y in range(body.size.height)).split()))  # fmt: skip
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is board
    game = open_session(tmp_path).team_game("team-1")
    assert [r.number for r in game.reports] == [1, 2]
    first, second = (game.value_stream(r.start_hours, r.end_hours) for r in game.reports)
    moved = plain(constraint_text(second, first))
    assert moved.startswith("Your biggest wait moved from integration and review to ")  # the data
    for text, stream, before in ((texts[0], first, None), (texts[1], second, first)):
        assert "Where the time went this round t on the board: every stage" in text
        assert plain(constraint_text(stream, before)) in text, text
        assert plain(releases_text(stream)) in text, text
    assert moved in texts[1]


def parse_play(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_play_arguments(parser)
    return parser.parse_args(list(argv))


def test_play_options_build_the_team_client(tmp_path: Path) -> None:
    make_session(tmp_path)
    app = build_app(parse_play("--workshop", "demo", "--team", "team-1", "--dir", str(tmp_path)))
    assert isinstance(app, TeamApp)


@pytest.mark.parametrize(
    "argv",
    [
        ["play", "--workshop", "demo"],
        ["play", "--team", "team-1"],
        ["play", "--workshop", "nope", "--team", "team-1"],
        ["play", "--workshop", "demo", "--team", "nobody"],
        ["facilitate", "nope"],
    ],
)
def test_input_errors_are_one_line_and_exit_2(
    tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    make_session(tmp_path)
    assert main([*argv, "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("shipit: ")


def test_serve_forwards_a_workshop_team(tmp_path, monkeypatch):
    """`shipit serve --workshop NAME --team T` serves that team's client to every tab."""
    from sim.cli import main
    from sim.workshop.session import Workshop
    from tui import launcher, serve

    Workshop.create("web", "elite", 2, 1, round_days=14, directory=tmp_path)
    seen = {}

    def fake_serve(host, port, public_url, args):
        seen.update(host=host, port=port, args=list(args))

    monkeypatch.setattr(serve, "serve", fake_serve)
    argv = ["serve", "--workshop", "web", "--team", "team-2", "--dir", str(tmp_path)]
    argv += ["--port", "8002"]
    assert main(argv, extensions=[launcher.add_commands]) == 0
    assert seen["port"] == 8002
    assert seen["args"] == ["--workshop", "web", "--team", "team-2", "--dir", str(tmp_path)]
    bad = ["serve", "--workshop", "web", "--team", "nobody", "--dir", str(tmp_path)]
    assert main(bad, extensions=[launcher.add_commands]) == 2


@pytest.mark.timeout(180)
async def test_a_failed_debrief_is_not_called_an_unplayed_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The round is stored before the debrief is written: its failure says so."""
    make_session(tmp_path)

    def broken_pack(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("sim.workshop.report.write_debrief", broken_pack)
    app = FacilitatorApp(open_session(tmp_path), debrief=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        with contextlib.suppress(WorkerFailed):  # the play worker fails: the debrief did
            await app.workers.wait_for_complete()
        await pilot.pause()
        titles = [notice.title for notice in app._notifications]
    assert "Debrief not written" in titles and "Round not played" not in titles
    assert open_session(tmp_path).status().round == 2


async def test_facilitator_writes_the_debrief_pack_after_a_round(tmp_path: Path) -> None:
    make_session(tmp_path)
    app = FacilitatorApp(open_session(tmp_path), debrief=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    pack = tmp_path / "demo" / "debrief"
    assert (pack / "index.html").exists()
    assert sorted(p.name for p in pack.glob("team-*.html")) == [
        "team-team-1.html",
        "team-team-2.html",
        "team-team-3.html",
    ]
