"""Where the time goes in the game, the round summary and the debrief (issue 11).

As a player sees it: on the legacy enterprise, round 1 waits for the release train; with
on-demand releases from the start of round 2 the biggest wait moves to the batch's road
after the train (the regression cycle or change approval).  Round 2 still delivers the
changes that waited for the last train (the practice ramps in over 14 days), so the move
shows in round 3, and the round summary says so.  The game's value stream is streamed
(no log), and equals the one folded from a full log of the same run.
"""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.containers import VerticalScroll

from sim.flow_report import batch_sentence, constraint_sentence
from sim.game import Game
from sim.loading import load_scenario
from sim.metrics.valuestream import ValueStreamFold, value_stream
from sim.model import ResizePool, SetPractice
from sim.runner import run_replication
from sim.workshop import Workshop
from sim.workshop.report import write_debrief
from tui.app import ShipItApp
from tui.screens.board import BoardScreen
from tui.screens.summary import SummaryScreen, constraint_text, releases_text
from tui.screens.valuestream import ValueStreamScreen

pytestmark = pytest.mark.timeout(180)

SEED = 7
AFTER = ("regression", "approval")
"""Where the biggest wait goes once the train no longer holds changes back."""


def plain(renderable: Any, width: int = 120) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return " ".join(console.export_text().split())


def screen_text(app: ShipItApp) -> str:
    """The characters on the terminal now (from the SVG screenshot)."""
    svg = app.export_screenshot()
    rows: dict[float, list[str]] = {}
    for y, text in re.findall(r'<text[^>]*y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(y), []).append(unescape(re.sub("<[^>]+>", "", text)))
    return "\n".join("".join(rows[y]).replace("\xa0", " ") for y in sorted(rows))


def played_game(*, rounds: int = 4, extra_days: float = 0.0) -> Game:
    """Round 1 on the train; on-demand releases from round 2 on; ``rounds`` closed."""
    game = Game(load_scenario("legacy-enterprise"), seed=SEED)
    while game.advance(24.0 * 7) is None:
        pass
    game.apply(SetPractice("release", "on_demand"))
    while len(game.reports) < rounds:
        game.advance(24.0 * 7)
    if extra_days:
        game.advance(24.0 * extra_days)
    return game


async def test_on_demand_moves_the_biggest_wait_as_a_player_sees_it() -> None:
    app = ShipItApp(seed=SEED)
    async with app.run_test(size=(100, 30)) as pilot:
        board = app.board
        assert board is not None
        game = board.game
        assert game.scenario.scenario.name == "legacy-enterprise"
        assert game.practices()["release"] == "train"

        async def play_round() -> SummaryScreen:
            report = None
            while report is None:
                report = game.advance(24.0 * 7)
            board.round_closed(report)
            await pilot.pause()
            summary = app.screen
            assert isinstance(summary, SummaryScreen) and summary.report is report
            return summary

        async def where_the_time_goes() -> ValueStreamScreen:
            await pilot.press("t")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ValueStreamScreen)
            return screen

        # Before: round 1 on the release train.
        summary = await play_round()
        assert "Your biggest wait is the release train" in plain(summary.content())
        await pilot.press("escape")
        screen = await where_the_time_goes()
        before, _ = screen.streams()
        assert before.constraint == "release"
        text = plain(screen.content())
        assert "Round 1 (days 1–91)" in text
        assert "the biggest wait is the release train" in text
        assert "Changes delivered, round 1 (days 1–91)" in text
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)

        # On-demand releases from the start of round 2.
        assert board.apply_command(SetPractice("release", "on_demand"))
        await play_round()
        await pilot.press("escape")
        summary = await play_round()
        text = plain(summary.content())
        assert re.search(
            r"Your biggest wait moved from the release train to "
            r"(the regression cycle|change approval) \(\d+ % of lead time\)",
            text,
        ), text
        assert re.search(r"\d+ releases this round", text), text
        await pilot.press("escape")

        # After: the screen names the regression cycle or change approval.
        screen = await where_the_time_goes()
        after, _ = screen.streams()
        assert after.constraint in AFTER
        text = plain(screen.content())
        assert "Round 3 (days 183–273)" in text
        assert re.search(r"the biggest wait is (the regression cycle|change approval)", text)
        assert re.search(r"Now \(day 274\): \d+ changes", text)
        # The whole game: said so, and the train still dominates its three rounds.
        await pilot.press("space")
        await pilot.pause()
        whole, _ = screen.streams()
        assert whole.start == game.start and whole.end == game.now
        text = plain(screen.content())
        assert "Whole game (days 1–273)" in text
        assert screen.query_one("#valuestream").border_title.endswith("whole game (days 1–273)")
        await pilot.press("t")
        assert isinstance(app.screen, BoardScreen)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_the_screen_is_readable_from_80x24_to_160x48(size: tuple[int, int]) -> None:
    game = played_game(rounds=2, extra_days=30)
    app = ShipItApp(game=game)
    async with app.run_test(size=size) as pilot:
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ValueStreamScreen)
        box = screen.query_one("#valuestream", VerticalScroll)
        assert box.region.width >= min(size[0], 100) - 2
        visible = screen_text(app)
        assert "Where the time goes: this round so far (round 3, days 183–212)" in visible
        assert "changes delivered" in visible and "biggest wait" in visible
        assert "waiting for a release" in visible  # the table's rows
        if size == (80, 24):
            assert box.max_scroll_y > 0  # the rest is a scroll away
            box.scroll_end(animate=False)
            await pilot.pause()
            visible = screen_text(app)
        assert "The ghost (untouched), this round so far (round 3, days 183–212)" in visible
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


def test_the_streamed_value_stream_equals_the_one_of_a_full_log() -> None:
    game = played_game(rounds=2, extra_days=30)
    assert game.player.log is None  # the game keeps no log: its folds stream
    scenario = game.scenario
    commands = list(game.commands)
    for sim, moves, streamed in (
        (game.player, commands, game.value_stream),
        (game.ghost, [], game.ghost_value_stream),
    ):
        full = run_replication(scenario, game.replication, game.seed, keep_log=True,
                               commands=moves)  # fmt: skip
        assert full.log is not None and len(full.log) > sim.recorder.count
        # the same run, up to the event the game saw last
        fold = ValueStreamFold.from_events(full.log[: sim.recorder.count])
        windows = [(game.start, game.now)]
        windows += [(r.start_hours, r.end_hours) for r in game.reports]
        for start, end in windows:
            mine = streamed(start, end)
            batch = value_stream(fold, mine.start, mine.end)
            assert mine == batch
            assert mine.changes > 0
        assert streamed(game.start).constraint == "release"
    rounds = [game.value_stream(r.start_hours, r.end_hours) for r in game.reports]
    assert rounds[0].constraint == "release"
    # a closed round's window ends where the next one starts, without counting it twice
    assert rounds[0].end < game.reports[1].start_hours
    whole = game.value_stream(game.start)
    now = game.value_stream()
    assert now.start == game.round_start and now.end == game.now
    assert sum(r.changes for r in rounds) + now.changes == whole.changes
    assert sum(r.deployments for r in rounds) + now.deployments == whole.deployments


def test_the_default_window_is_this_round_or_the_last_closed_one() -> None:
    game = Game(load_scenario("legacy-enterprise"), seed=SEED, rounds=2, round_days=28)
    assert game.stream_round() == (1, game.start, game.start)
    game.advance(24.0 * 10)
    assert game.stream_round() == (1, game.start, game.now)
    while game.advance(24.0 * 7) is None:
        pass
    first = game.reports[0]
    # nothing of round 2 has run: the round that just closed
    assert game.stream_round() == (1, first.start_hours, first.end_hours)
    assert game.value_stream() == game.value_stream(first.start_hours, first.end_hours)
    while not game.finished:
        game.advance(24.0 * 7)
    last = game.reports[-1]
    assert game.stream_round() == (2, last.start_hours, last.end_hours)


def test_the_summary_says_only_what_the_data_says() -> None:
    game = played_game(rounds=3)
    first, second, third = (game.value_stream(r.start_hours, r.end_hours) for r in game.reports)
    assert plain(constraint_text(first)).startswith("Your biggest wait is the release train (")
    assert plain(constraint_text(second, first)).startswith(
        "Your biggest wait is still the release train ("
    )
    moved = plain(constraint_text(third, second))
    assert moved.startswith("Your biggest wait moved from the release train to ")
    share = f"{third.constraint_share * 100:.0f} % of lead time"
    assert share in moved
    sizes = plain(releases_text(first))
    assert sizes == f"1 release this round, of {first.recent_batches[0]:,} changes."
    nothing = game.value_stream(game.now, game.now)
    assert "no change was delivered" in plain(constraint_text(nothing))
    assert plain(releases_text(nothing)) == "No release was deployed this round."


def test_the_debrief_pack_has_a_value_stream_chart_per_team(tmp_path: Path) -> None:
    workshop = Workshop.create("vs", "continuous-delivery", 2, 2, round_days=14, seed=5,
                               directory=tmp_path)  # fmt: skip
    workshop.submit("team-1", ResizePool("developers", 20))
    workshop.play_round()
    paths = write_debrief(workshop, replications=1, workers=1)
    out = paths[-1].parent
    names = {p.relative_to(out).as_posix() for p in paths}
    for team in workshop.teams:
        chart = out / "img" / f"{team}-value-stream.png"
        assert chart.relative_to(out).as_posix() in names
        assert chart.read_bytes().startswith(b"\x89PNG")
        page = (out / f"team-{team}.html").read_text(encoding="utf-8")
        section = page.split('id="value-stream"', 1)[1]
        assert "Where the time goes (played period, days 1–14)" in section
        assert 'alt="where the time goes" src="data:image/png;base64,' in section
        assert "Constraint:" in section and "Deployments:" in section
        # beside the other flow charts, before luck vs. decisions
        assert page.index('alt="incident timeline"') < page.index('id="value-stream"')
        assert page.index('id="value-stream"') < page.index("Luck vs. decisions")


def test_the_debriefs_value_stream_is_the_one_the_game_streamed(tmp_path: Path) -> None:
    """Measured in a worker from the played future's log, the played period's value stream
    is the one each team's game folded as it played: one truth, whichever process."""
    workshop = Workshop.create("vs2", "legacy-enterprise", 2, 2, round_days=28, seed=3,
                               directory=tmp_path)  # fmt: skip
    workshop.play_round()
    workshop.submit("team-2", SetPractice("release", "on_demand"))
    workshop.play_round()
    out = write_debrief(workshop, replications=1, workers=2)[-1].parent
    for team in workshop.teams:
        game = workshop.team_game(team)
        stream = game.value_stream(game.start, game.reports[-1].end_hours)
        assert stream.changes > 0
        page = unescape((out / f"team-{team}.html").read_text(encoding="utf-8"))
        section = page.split('id="value-stream"', 1)[1].split("<h2>", 1)[0]
        assert f"{stream.changes:,} changes" in section
        assert constraint_sentence(stream).plain in section
        assert batch_sentence(stream).plain in section
