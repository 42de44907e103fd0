"""Small things a player and a reader trip over (issue 11).

* the round summary says only what the data says: "you and the ghost ran the same" only
  when nothing was done at all (and then the numbers are identical); otherwise a round
  without moves points at the earlier moves and events;
* saving never overwrites a file silently: the name offered is free, and a typed path
  that exists is confirmed first;
* replaying a game saved at its end opens its board, with the final scorecard and every
  round's summary one key away;
* no ``--help`` shows ``%%``.
"""

from __future__ import annotations

import argparse
import io
import math
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Input

from sim.cli import build_parser
from sim.game import Game, describe_command
from sim.loading import load_scenario
from sim.model.commands import InjectIncident, ReleaseFreeze, SetPractice, TrafficSpike
from tui.app import ShipItApp
from tui.display import describe
from tui.launcher import add_commands, add_play_arguments, build_app
from tui.screens.board import BoardScreen
from tui.screens.save import SaveScreen, unused_name
from tui.screens.summary import SummaryScreen, changes_text, earlier_commands
from tui.widgets.feed import IncidentFeed

pytestmark = pytest.mark.timeout(120)

SEED = 7
ROUND_DAYS = 14.0


def new_game(rounds: int = 2) -> Game:
    return Game(load_scenario("legacy-enterprise"), seed=SEED, round_days=ROUND_DAYS, rounds=rounds)


def close_round(game: Game) -> Any:
    report = None
    while report is None:
        report = game.advance(24.0 * 7)
    return report


def plain(text: Any) -> str:
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(text)
    return out.getvalue()


def same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to NaN (a metric with nothing to measure)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


# --------------------------------------------------------------------------- 1. summary


def test_nothing_done_means_the_ghost_ran_the_same_and_the_numbers_are_identical() -> None:
    game = new_game()
    for _ in range(2):
        report = close_round(game)
        assert report.commands == []
        assert same(report.player, report.ghost)
        assert report.player_tiers == report.ghost_tiers
        assert report.score == report.ghost_score
        text = plain(changes_text(report, game.start, earlier_commands(game, report)))
        assert "you and the ghost ran the same" in text


def test_a_round_without_moves_after_moves_names_them_and_does_not_say_same() -> None:
    game = new_game()
    game.apply(SetPractice("deployment", "automated"))
    first = close_round(game)
    second = close_round(game)
    assert second.commands == []
    assert not same(second.player, second.ghost)  # the earlier move still acts
    earlier = earlier_commands(game, second)
    assert [c for _, c in earlier] == [SetPractice("deployment", "automated")]
    text = plain(changes_text(second, game.start, earlier))
    assert "ran the same" not in text
    assert "No moves this round" in text and "earlier moves" in text
    assert "deployment: automated" in text
    # the round with the move lists it, as before
    assert "automated" in plain(changes_text(first, game.start, earlier_commands(game, first)))
    assert earlier_commands(game, first) == []


def test_an_earlier_injected_event_is_named_as_an_event() -> None:
    game = new_game()
    game.apply(InjectIncident(2))
    close_round(game)
    second = close_round(game)
    text = plain(changes_text(second, game.start, earlier_commands(game, second)))
    assert "ran the same" not in text
    assert "earlier events" in text and "severity-2 incident" in text


async def test_the_summary_screen_says_where_the_differences_come_from() -> None:
    game = new_game()
    game.apply(SetPractice("deployment", "automated"))
    close_round(game)
    app = ShipItApp(game=game, seed=SEED)
    async with app.run_test(size=(110, 44)) as pilot:
        await pilot.pause()
        board = app.board
        assert board is not None
        report = close_round(board.game)
        board.round_closed(report)
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        text = plain(summary.content())
        assert "No moves this round" in text and "ran the same" not in text


# --------------------------------------------------------------------------- 2. saving


def test_unused_name_counts_up_past_existing_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert unused_name("game.json") == "game.json"
    (tmp_path / "game.json").write_text("{}")
    assert unused_name("game.json") == "game-2.json"
    (tmp_path / "game-2.json").write_text("{}")
    assert unused_name("game.json") == "game-3.json"
    folder = tmp_path / "saves"
    folder.mkdir()
    assert unused_name(str(folder / "x.json")) == str(folder / "x.json")


async def test_saving_twice_offers_a_new_name_and_keeps_the_first_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = ShipItApp(seed=SEED)
    async with app.run_test(size=(100, 32)) as pilot:
        board = app.board
        assert board is not None
        board.game.advance(24 * 5)
        await pilot.press("s")
        assert isinstance(app.screen, SaveScreen)
        first = app.screen.query_one(Input).value
        assert first == f"shipit-game-legacy-enterprise-{SEED}.json"
        await pilot.press("enter")
        assert app.screen is board
        saved = (tmp_path / first).read_text()
        board.game.advance(24 * 5)
        await pilot.press("s")
        assert isinstance(app.screen, SaveScreen)
        second = app.screen.query_one(Input).value
        assert second == f"shipit-game-legacy-enterprise-{SEED}-2.json"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is board
    assert (tmp_path / first).read_text() == saved  # untouched
    assert (tmp_path / second).is_file()


async def test_a_typed_path_that_exists_is_confirmed_before_it_is_overwritten(
    tmp_path: Path,
) -> None:
    existing = tmp_path / "mine.json"
    existing.write_text("precious\n")
    app = ShipItApp(seed=SEED)
    async with app.run_test(size=(100, 32)) as pilot:
        board = app.board
        assert board is not None
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SaveScreen)
        field = screen.query_one(Input)
        field.value = str(existing)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen  # asks instead of saving
        assert screen.confirming == str(existing)
        assert field.disabled
        assert screen.query_one("#save-confirm").display
        assert existing.read_text() == "precious\n"
        await pilot.press("n")  # keep it: back to the name, a free one offered
        await pilot.pause()
        assert screen.confirming is None and not field.disabled
        assert field.value == str(tmp_path / "mine-2.json")
        await pilot.press("y")  # typed into the name now, not an answer
        assert field.value.endswith("y")
        assert app.screen is screen
        field.value = str(existing)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.confirming == str(existing)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is board
    assert existing.read_text() != "precious\n"
    assert '"commands"' in existing.read_text()


async def test_escape_while_confirming_saves_nothing(tmp_path: Path) -> None:
    existing = tmp_path / "mine.json"
    existing.write_text("precious\n")
    app = ShipItApp(seed=SEED)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SaveScreen)
        screen.query_one(Input).value = str(existing)
        await pilot.press("enter")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
    assert existing.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.json"]


async def test_served_saves_still_use_generated_names_without_asking(tmp_path: Path) -> None:
    app = ShipItApp(seed=SEED, saves_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        for _ in range(2):
            await pilot.press("s")
            assert isinstance(app.screen, SaveScreen)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, BoardScreen)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and all(n.startswith("game-") for n in names)


# --------------------------------------------------------------------------- 3. replay


def finished_save(tmp_path: Path) -> tuple[Path, Game]:
    game = new_game(rounds=2)
    game.apply(SetPractice("deployment", "automated"))
    while not game.finished:
        game.advance(24.0 * 7)
    path = tmp_path / "over.json"
    game.save(path)
    return path, game


def replay_app(path: Path) -> ShipItApp:
    parser = argparse.ArgumentParser()
    add_play_arguments(parser)
    app = build_app(parser.parse_args(["--replay", str(path)]))
    assert isinstance(app, ShipItApp)
    return app


async def test_replaying_a_finished_game_opens_its_board_with_the_rounds_reachable(
    tmp_path: Path,
) -> None:
    path, played = finished_save(tmp_path)
    app = replay_app(path)
    async with app.run_test(size=(110, 44)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)  # the board, not a game-over page
        assert board.game.finished
        assert board.game.now == pytest.approx(played.now)
        assert board.status().state == "over"
        assert [r.score for r in board.game.reports] == [r.score for r in played.reports]
        lines = [str(line) for line in board.query_one(IncidentFeed)._entries]
        assert any("This game is over: r shows the final scorecard" in x for x in lines)
        closed = [x for x in lines if "closed: score" in x]
        assert [x.split(" closed")[0].split()[-2:] for x in closed] == [
            ["Round", "1"],
            ["Round", "2"],
        ]
        # the history is in time order: the round notes sit among the game's own entries
        assert lines.index(closed[0]) < lines.index(closed[1])

        await pilot.press("r")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        assert summary.final
        assert "Final scorecard" in str(summary.query_one("#summary").border_title)
        await pilot.press("left")
        await pilot.pause()
        assert summary.report is board.game.reports[0] and not summary.final
        assert "Round 1 of 2" in str(summary.query_one("#summary").border_title)
        await pilot.press("left")  # nothing before round 1: stays
        assert summary.report is board.game.reports[0]
        await pilot.press("right")
        await pilot.pause()
        assert summary.final
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is board


async def test_replaying_a_game_saved_mid_round_shows_its_history(tmp_path: Path) -> None:
    game = new_game(rounds=2)
    close_round(game)
    game.advance(24.0 * 3)
    path = tmp_path / "mid.json"
    game.save(path)
    app = replay_app(path)
    async with app.run_test(size=(110, 44)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert not board.game.finished and board.game.round_number == 2
        lines = [str(line) for line in board.query_one(IncidentFeed)._entries]
        assert any("Round 1 closed" in x for x in lines)
        assert not any("game is over" in x for x in lines)
        assert board._feed_index == len(board.game.feed())


# --------------------------------------------------------------------------- 4. --help


def _parsers(parser: argparse.ArgumentParser, path: str = "shipit") -> list[Any]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _parsers(sub, f"{path} {name}")
    return found


def test_no_help_shows_a_doubled_percent_sign() -> None:
    parsers = _parsers(build_parser([add_commands]))
    names = [name for name, _ in parsers]
    assert {"shipit run", "shipit compare", "shipit analyze", "shipit play"} <= set(names)
    for name, parser in parsers:
        text = parser.format_help()
        assert "%%" not in text, f"`{name} --help` shows %%"
    helps = dict(parsers)
    for name in ("shipit run", "shipit compare", "shipit analyze"):
        assert "95% CI" in " ".join(helps[name].format_help().split()), name


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (TrafficSpike(3.0, 5.0), "Traffic spike: 3× normal load for 5 days"),
        (ReleaseFreeze(14.0), "Release freeze for 14 days (hotfixes only)"),
    ],
)
def test_card_commands_read_as_words_in_the_feed(command, expected) -> None:
    """A facilitator's traffic spike or release freeze is a sentence in the feed, in the
    game's own words (describe_command), never the command's repr."""
    assert describe(command) == expected
    assert describe(command).lower() == describe_command(command).lower()
