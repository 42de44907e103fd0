"""The game UI driven by Textual's Pilot: start, practices, rounds, save/replay, resize, years.

Every test builds a new app (an App instance cannot be run twice), starts paused with a
fixed seed, and drives the game by keys or by calling the game directly, never by waiting
for real time to pass, so the numbers are the same on every machine.
"""

from __future__ import annotations

import argparse
import io
import os
import stat
import statistics
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import DataTable, Input

from sim.game import Game
from sim.loading import load_scenario, load_with_overrides
from sim.model.commands import Reorganise, SetPractice
from sim.practices import BY_NAME
from tui.app import ShipItApp
from tui.display import describe
from tui.launcher import add_play_arguments, build_app, play_main
from tui.screens.board import BoardScreen
from tui.screens.chooser import ChooserScreen
from tui.screens.help import HelpScreen
from tui.screens.practices import PracticePanel
from tui.screens.save import SaveScreen
from tui.screens.summary import SummaryScreen
from tui.widgets.feed import IncidentFeed
from tui.widgets.flow import FlowView

pytestmark = pytest.mark.timeout(120)

SEED = 7


def make_app(**options: object) -> ShipItApp:
    options.setdefault("seed", SEED)
    return ShipItApp(**options)  # type: ignore[arg-type]


def board_of(app: ShipItApp) -> BoardScreen:
    board = app.board
    assert board is not None
    return board


async def test_starts_paused_on_the_default_scenario() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        board = board_of(app)
        assert board.game.scenario.scenario.name == "legacy-enterprise"
        assert board.game.seed == SEED
        assert not board.running
        start = board.game.now
        await pilot.press("space")
        assert board.running
        board.tick()  # drive one tick by hand rather than waiting for the timer
        await pilot.press("space")
        assert not board.running
        assert board.game.now > start
        assert app.timing_stats("tick")["n"] >= 1


async def test_toggling_a_practice_costs_budget_and_ramps_in() -> None:
    app = make_app(budget=100.0)
    async with app.run_test(size=(100, 32)) as pilot:
        board = board_of(app)
        game = board.game
        assert game.practices()["continuous_integration"] is False
        await pilot.press("p")
        panel = app.screen
        assert isinstance(panel, PracticePanel)
        table = panel.query_one(DataTable)
        table.move_cursor(row=panel.rows().index("practice:continuous_integration"))
        await pilot.press("right")
        assert game.practices()["continuous_integration"] is True
        assert game.budget_left == pytest.approx(80.0)
        assert "continuous_integration" in game.ramps()
        # one step back: returning to the baseline is free
        await pilot.press("left")
        assert game.practices()["continuous_integration"] is False
        assert game.budget_left == pytest.approx(80.0)
        # an investment over budget is refused with a message, and nothing changes
        table.move_cursor(row=panel.rows().index("practice:test_automation"))
        await pilot.press("right", "right")  # partial (40 pd), then full (40 pd): 0 left
        assert game.practices()["test_automation"] == "full"
        assert game.budget_left == pytest.approx(0.0)
        table.move_cursor(row=panel.rows().index("practice:deployment"))
        await pilot.press("right")
        assert game.practices()["deployment"] == "manual"
        await pilot.press("escape")
        assert app.screen is board


async def test_resizing_a_pool_from_the_panel() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        game = board_of(app).game
        before = game.headcount()["ops"]
        await pilot.press("p")
        panel = app.screen
        assert isinstance(panel, PracticePanel)
        panel.query_one(DataTable).move_cursor(row=panel.rows().index("pool:ops"))
        await pilot.press("plus")
        assert game.headcount()["ops"] == before + 1
        await pilot.press("minus", "minus")
        assert game.headcount()["ops"] == before - 1


async def test_a_full_round_ends_with_the_summary() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        board = board_of(app)
        board.game.apply(SetPractice("monitoring", "threshold"))
        await pilot.press("f")  # fast-forward to the round's end in a thread worker
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(board.game.reports) == 1
        assert isinstance(app.screen, SummaryScreen)
        report = board.game.reports[0]
        assert report.commands and report.commands[0][1] == SetPractice("monitoring", "threshold")
        await pilot.press("enter")
        assert app.screen is board
        assert board.game.round_number == 2
        assert not board.running


async def test_week_fast_forward_and_cancel() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        board = board_of(app)
        start = board.game.now
        await pilot.press("w")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert board.game.now == pytest.approx(start + 168.0)
        assert not board.fast
        await pilot.press("f", "space")  # start to the round's end, then stop it
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not board.fast
        assert board.game.now <= board.game.round_end


@pytest.mark.parametrize("target", ["folder", "fifo"])
async def test_saving_onto_a_folder_or_fifo_is_refused_in_one_line(
    tmp_path: Path, target: str
) -> None:
    """The game keeps running; the player reads why; nothing at the target is replaced."""
    path = tmp_path / target
    if target == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("s")
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is board_of(app)
        messages = [notice.message for notice in app._notifications]
    assert any("Could not save" in m and "regular file" in m for m in messages), messages
    assert path.is_dir() if target == "folder" else stat.S_ISFIFO(path.stat().st_mode)


async def test_save_then_replay_gives_identical_numbers(tmp_path: Path) -> None:
    path = tmp_path / "game.json"
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        board = board_of(app)
        game = board.game
        game.advance(24 * 10)
        board.apply_command(SetPractice("deployment", "automated"))
        game.advance(24 * 20)
        board.apply_command(SetPractice("monitoring", "observability"))
        game.advance(24 * 9.5)
        await pilot.press("s")
        assert isinstance(app.screen, SaveScreen)
        field = app.screen.query_one(Input)
        assert field.value == f"shipit-game-legacy-enterprise-{SEED}.json"
        field.value = str(path)
        await pilot.press("enter")
        assert app.screen is board
        assert path.is_file()
        saved_now = game.now
        saved_metrics = game.live_metrics()
        saved_practices = game.practices()

    parser = argparse.ArgumentParser()
    add_play_arguments(parser)
    replay = build_app(parser.parse_args(["--replay", str(path)]))
    async with replay.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        game = board_of(replay).game
        assert game.now == pytest.approx(saved_now)
        assert game.practices() == saved_practices
        assert game.live_metrics() == saved_metrics


async def test_survives_terminal_resize() -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        board = board_of(app)
        board.game.advance(24 * 30)
        board.refresh_all()
        assert board.has_class("-wide")
        assert board.query_one("#ghost").display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert board.has_class("-narrow")
        assert not board.query_one("#ghost").display
        await pilot.press("v")  # narrow: cycle the lower panel to the ghost table
        assert board.query_one("#ghost").display
        assert not board.query_one("#feed").display
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        board.refresh_all()
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert board.has_class("-wide")


PANELS = ("#flow", "#trends", "#ghost", "#feed", "#maturity")


def _screen_rows(app: ShipItApp) -> list[str]:
    """The screen as a person sees it, one string per terminal row."""
    update = app.screen._compositor.render_update(full=True)
    return ["".join(strip.text for strip in row) for row in update.strips]


def _panel_rows(app: ShipItApp, selector: str) -> list[str]:
    """The content rows of one panel (inside its border and padding)."""
    region = app.screen.query_one(selector).content_region
    rows = _screen_rows(app)[region.y : region.bottom]
    return [row[region.x : region.right] for row in rows]


def _check_panels(app: ShipItApp) -> None:
    """Every panel on show has content rows; flow and ghost panels fit their width; the
    feed wraps at its own width, not at the width it had before the layout settled."""
    board = board_of(app)
    shown = [s for s in PANELS if board.query_one(s).display]
    assert {"#flow", "#trends"} <= set(shown) and len(shown) >= 3
    for selector in shown:
        rows = _panel_rows(app, selector)
        assert rows and any(row.strip() for row in rows), selector
    for selector in ("#flow", "#ghost"):
        if selector in shown:
            cut = [row for row in _panel_rows(app, selector) if row.rstrip().endswith("…")]
            assert not cut, (selector, cut)
    if "#feed" in shown:
        feed = board.query_one(IncidentFeed)
        first = feed.lines[0].text.rstrip()
        info = board.game.scenario.scenario
        title = f"{info.title or info.name}."
        width = feed.scrollable_content_region.width
        # Word wrapping may leave up to a word's length of the width unused.
        assert len(first) >= min(len("d1   00:00 ") + len(title), width - 15), first


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (160, 48)])
async def test_every_panel_is_readable_at_each_size(size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        board = board_of(app)
        board.game.advance(24 * 30)
        board.refresh_all()
        await pilot.pause()
        _check_panels(app)


async def test_every_panel_is_readable_after_a_resize() -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        board = board_of(app)
        board.game.advance(24 * 30)
        board.refresh_all()
        await pilot.pause()
        for size in ((100, 30), (120, 40), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            board.refresh_all()
            await pilot.pause()
            _check_panels(app)


async def test_ten_simulated_years_survive_and_ticks_stay_fast() -> None:
    scenario = load_scenario("legacy-enterprise")
    # The longest game allowed (sim.limits.HORIZON_DAYS_MAX), played to its last month.
    game = Game(scenario, seed=SEED, rounds=40, round_days=91.25)
    app = make_app(game=game)
    async with app.run_test(size=(160, 48)) as pilot:
        board = board_of(app)
        end = game.now + (3650 - 30) * 24
        while game.now < end - 1e-6 and not game.finished:
            game.advance(min(24 * 91, end - game.now))
        assert game.now >= end - 1e-6 and not game.finished
        board.refresh_all()
        await pilot.pause()
        board.set_running(True)
        for _ in range(20):
            board.tick()
        board.set_running(False)
        await pilot.pause()
        ticks = app.tick_times[-20:]
        assert len(ticks) == 20
        assert statistics.median(ticks) < 0.05  # generous for slow CI; measured ≈ 1 ms
        assert len(board.query_one(IncidentFeed).lines) <= 400


async def test_help_lists_every_board_key() -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.content())
        text = " ".join(console.export_text().split())
        for description in BoardScreen.HELP.values():
            assert " ".join(description.split()) in text
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


async def test_inject_incident_reaches_the_feed() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        board = board_of(app)
        await pilot.press("i")
        board.game.advance(1.0)
        board.refresh_all()
        assert any("facilitator" in e.text for e in board.game.feed())


async def test_command_palette_sets_a_practice() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        game = board_of(app).game
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"set monitoring to observability")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert game.practices()["monitoring"] == "observability"


async def test_command_palette_opens_where_the_time_goes() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"where the time goes")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ValueStreamScreen"


async def test_chooser_starts_the_picked_scenario() -> None:
    app = make_app(choose=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ChooserScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        assert board_of(app).game.scenario.scenario.name == "water-scrum-fall"
        await pilot.press("n")
        assert isinstance(app.screen, ChooserScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, BoardScreen)


# --------------------------------------------------------------------------- overload


DROWNING = ["org.teams=1", "org.developers=1", "org.testers=1", "org.ops=1"]
"""The elite organisation shrunk to one person per role: elite keys, a growing backlog."""


async def test_an_overloaded_organisation_is_flagged_on_the_board_at_80x24() -> None:
    app = make_app(scenario=load_with_overrides("elite", DROWNING))
    async with app.run_test(size=(80, 24)) as pilot:
        board = board_of(app)
        board.game.advance(24 * 14)
        board.refresh_all()
        await pilot.pause()
        player, _ = board.game.live_metrics()
        assert player["overloaded"] == 1.0
        flow = board.query_one(FlowView)
        assert flow.overloaded
        assert "OVERLOADED" in str(flow.border_title)
        assert "ghost" in str(flow.border_subtitle) and "OVERLOADED" in str(flow.border_subtitle)
        # On screen, within 80x24: the flag and the demand line are drawn, not cut off.
        screen = app.screen.region
        assert flow.region.width > 0 and screen.contains_region(flow.region)
        svg = app.export_screenshot()
        assert "OVERLOADED" in svg
        growth = f"{player['backlog_growth_per_week']:+.0f}/wk"
        delivered = f"{player['demand_delivered_share'] * 100:.0f}%&#160;delivered"
        assert growth in svg and delivered in svg


async def test_an_organisation_that_keeps_up_is_not_flagged() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        board = board_of(app)
        board.game.advance(24 * 14)
        board.refresh_all()
        await pilot.pause()
        flow = board.query_one(FlowView)
        assert not flow.overloaded and flow.border_subtitle is None
        svg = app.export_screenshot()
        assert "OVERLOADED" not in svg and "Backlog" in svg


async def test_the_round_summary_says_the_round_was_overloaded() -> None:
    scenario = load_with_overrides("elite", DROWNING)
    app = make_app(game=Game(scenario, seed=SEED, round_days=28.0))
    async with app.run_test(size=(110, 44)) as pilot:
        board = board_of(app)
        report = board.game.advance(24 * 28)
        assert report is not None and report.player_overloaded
        board.round_closed(report)
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        console = Console(width=110, record=True, file=io.StringIO())
        console.print(summary.content())
        text = " ".join(console.export_text().split())
        growth = report.player["backlog_growth_per_week"]
        assert f"OVERLOADED Your backlog grew {growth:,.1f} items a week this round" in text
        assert "the four keys start at commit" in text
        assert "Delivered / arrived" in text and "Backlog growth" in text


# --------------------------------------------------------------------------- reorganising


async def test_reorganising_from_the_practice_panel() -> None:
    app = make_app(budget=200.0)
    async with app.run_test(size=(80, 24)) as pilot:
        board = board_of(app)
        game = board.game
        assert game.structure() == "silos"
        cost = game.cost_of(Reorganise("cross_functional"))
        per_person = game.scenario.adoption.reorganisation_person_days
        assert cost == per_person * (40 + 8 + 4) > 0  # everyone's time
        assert cost <= 200.0 < 2 * cost  # there and back again does not fit the budget
        await pilot.press("p")
        panel = app.screen
        assert isinstance(panel, PracticePanel)
        table = panel.query_one(DataTable)
        table.move_cursor(row=panel.rows().index("org:structure"))
        await pilot.pause()
        assert f"{cost:g} pd" in str(table.get_row("org:structure"))
        await pilot.press("right")
        await pilot.pause()
        assert game.structure() == "cross_functional"
        assert game.budget_left == pytest.approx(200.0 - cost)
        assert game.commands[-1][1] == Reorganise("cross_functional")
        row = [str(cell) for cell in table.get_row("org:structure")]
        assert row[1:3] == ["cross-functional", "→ silos"]
        assert table.cursor_row == panel.rows().index("org:structure")
        # Back to silos costs as much again: over this round's budget, refused with a word.
        await pilot.press("left")
        await pilot.pause()
        assert game.structure() == "cross_functional"
        refusal = f"{cost:g} person-days and {200.0 - cost:g} are left"
        assert any(refusal in n.message for n in app._notifications)
        await pilot.press("escape")
        assert any("Reorganising into cross-functional teams" in e.text for e in game.feed())


async def test_loosely_coupled_teams_are_a_practice_in_the_panel() -> None:
    app = make_app(budget=100.0)
    async with app.run_test(size=(100, 32)) as pilot:
        game = board_of(app).game
        assert game.practices()["loosely_coupled"] is False
        await pilot.press("p")
        panel = app.screen
        assert isinstance(panel, PracticePanel)
        panel.query_one(DataTable).move_cursor(row=panel.rows().index("practice:loosely_coupled"))
        await pilot.press("right")
        assert game.practices()["loosely_coupled"] is True
        effort = BY_NAME["loosely_coupled"].adoption_effort_days
        assert game.budget_left == pytest.approx(100.0 - effort)
        assert "loosely_coupled" in game.ramps()


async def test_a_refused_reorganisation_is_a_notification_not_a_crash() -> None:
    app = make_app(scenario="queueing-check")  # cross-functional, with no testers and no ops
    async with app.run_test(size=(80, 24)) as pilot:
        board = board_of(app)
        await pilot.press("p")
        panel = app.screen
        assert isinstance(panel, PracticePanel)
        panel.query_one(DataTable).move_cursor(row=panel.rows().index("org:structure"))
        await pilot.press("right")
        await pilot.pause()
        assert app.screen is panel and board.game.structure() == "cross_functional"
        assert board.game.commands == []
        messages = [n.message for n in app._notifications]
        assert messages == ["command: org.ops: must be at least 1 in silos (ops deploy and run "
                            "on-call)"]  # fmt: skip


async def test_command_palette_reorganises() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        game = board_of(app).game
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"reorganise into cross")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert game.structure() == "cross_functional"
        assert describe(game.commands[-1][1], 156.0) == (
            "You reorganised into cross-functional teams (156 person-days)"
        )
        assert describe(Reorganise("silos")) == "You reorganised into silos"


def test_play_reports_bad_input_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert play_main(["no-such-scenario"]) == 2
    assert play_main(["--replay", "missing.json"]) == 2
    assert play_main(["--seed", "-1"]) == 2
    err = capsys.readouterr().err
    assert "no-such-scenario" in err and "missing.json" in err
    assert "Traceback" not in err


async def test_a_cleared_feed_stays_clear_after_a_resize() -> None:
    """Entries kept for re-wrapping go with a clear: a resize never brings them back."""
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        feed = board_of(app).query_one(IncidentFeed)
        feed.note(0.0, "before the clear")
        await pilot.pause()
        feed.clear()
        feed.note(0.0, "after the clear")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        shown = "\n".join(line.text for line in feed.lines)
    assert "after the clear" in shown and "before the clear" not in shown
