"""A round played as people play it, at each terminal size: what the player sees after it.

Each test starts the game paused with a fixed seed on a 4-week round, adopts a practice
(so the player and the ghost differ), fast-forwards to the round's end with the ``f`` key,
waits for the worker and the round summary, closes the summary, and then reads the
screen as rendered (the compositor's rows, each widget's region): the incident feed shows
the incidents the game recorded, whole words wrapped at the panel's width; the you-vs-ghost
table and the trends show every row, with the game's figures; no panel leaves the screen.
Expected text comes from the game (its feed entries, round report and metrics).
"""

from __future__ import annotations

import re
from itertools import combinations, pairwise
from typing import Any

import pytest
from rich.cells import cell_len
from textual.widget import Widget

from sim.game import FeedEntry, RoundReport
from sim.model.commands import SetPractice
from tui.app import ShipItApp
from tui.display import LIVE_DAYS, clean, hours_label
from tui.screens.board import BoardScreen
from tui.screens.summary import SummaryScreen
from tui.widgets.feed import IncidentFeed
from tui.widgets.ghost import ROWS
from tui.widgets.trends import TRENDS

pytestmark = pytest.mark.timeout(120)

SEED = 7
ROUND_DAYS = 28.0
"""A short round (4 weeks): the test plays it whole in about a second."""
SIZES = [(80, 24), (100, 30), (120, 40), (160, 48)]
PANELS = ("#flow", "#trends", "#ghost", "#feed", "#maturity")
ENTRY_START = re.compile(r"d\d+ +\d\d:\d\d ")
"""How a feed entry's first row starts (its time label); a wrapped entry's next rows do not."""


def words(text: str) -> str:
    return " ".join(text.split())


def screen_rows(app: ShipItApp) -> list[str]:
    """The screen as a person sees it, one string per terminal row."""
    update = app.screen._compositor.render_update(full=True)
    return ["".join(strip.text for strip in row) for row in update.strips]


def rows_in(app: ShipItApp, widget: Widget, scrollable: bool = False) -> list[str]:
    """The rows of ``widget``'s content on screen (inside its border, padding, scrollbar)."""
    region = widget.scrollable_content_region if scrollable else widget.content_region
    rows = screen_rows(app)[region.y : region.bottom]
    return [row[region.x : region.right].rstrip() for row in rows]


async def play_round(pilot: Any) -> tuple[BoardScreen, RoundReport]:
    """Adopt a practice, fast-forward to the round's end, close the round's summary."""
    app = pilot.app
    board = app.board
    assert isinstance(board, BoardScreen)
    assert board.apply_command(SetPractice("monitoring", "threshold"))
    await pilot.press("f")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, SummaryScreen), "the round did not close with its summary"
    await pilot.press("enter")
    await pilot.pause()
    assert app.screen is board and board.game.reports
    return board, board.game.reports[-1]


def round_incidents(board: BoardScreen, report: RoundReport) -> list[FeedEntry]:
    """The incidents the game recorded in the round (its feed entries of kind incident)."""
    entries = board.game.feed()
    span = report.start_hours, report.end_hours
    found = [e for e in entries if e.kind == "incident" and span[0] <= e.t <= span[1]]
    assert found, "no incident in the round: the test needs a round where some happen"
    assert len(found) == report.player["incidents"]  # the feed and the report agree
    return found


def check_layout(app: ShipItApp) -> None:
    """Every widget on show lies inside the screen; the panels have rows and do not overlap."""
    screen = app.screen.region
    for widget in app.screen.query("*"):
        if widget.region.area:
            assert screen.contains_region(widget.region), (widget, widget.region, screen)
    shown = [app.screen.query_one(s) for s in ("#status", "#four-keys", *PANELS)]
    shown = [w for w in shown if w.display]
    for widget in shown:
        assert widget.region.height and widget.content_region.height, widget
        assert widget.region.width and widget.content_region.width, widget
    for a, b in combinations(shown, 2):
        assert not a.region.overlaps(b.region), (a, b)


def check_feed(app: ShipItApp, board: BoardScreen, report: RoundReport) -> None:
    """The feed shows the end of the round: its latest incidents, in full, wrapped at the
    panel's width between words, and the line that closed the round."""
    feed = board.query_one(IncidentFeed)
    assert feed.display and feed.region.area
    width = feed.scrollable_content_region.width
    height = feed.scrollable_content_region.height
    rendered = [strip.text.rstrip() for strip in feed.lines]
    assert rendered and height > 0
    too_long = [row for row in rendered if cell_len(row) > width]
    assert not too_long and feed.virtual_size.width <= width, (width, too_long)
    shown = rows_in(app, feed, scrollable=True)
    tail = rendered[-height:]
    assert shown[: len(tail)] == tail  # the screen shows the feed's end (auto-scrolled)
    # The rendered rows, grouped into entries: a row with a time label starts one.
    starts = [i for i, row in enumerate(rendered) if ENTRY_START.match(row)]
    groups = [rendered[a:b] for a, b in zip(starts, [*starts[1:], len(rendered)], strict=True)]
    for rows in groups:
        for row, following in pairwise(rows):
            next_word = following.split()[0]
            assert cell_len(row) + 1 + cell_len(next_word) > width, ("wrapped early", rows)
    origin = board.game.start
    end = f"{hours_label(report.end_hours - origin)} Round {report.number} closed: "
    assert words(" ".join(groups[-1])).startswith(words(end)), groups[-1]
    # The latest incidents whose rows fit in the panel are on screen, whole.
    visible = words(" ".join(shown))
    on_screen = 0
    for incident in reversed(round_incidents(board, report)):
        line = words(f"{hours_label(incident.t - origin)} {incident.text}")
        index = next((i for i, g in enumerate(groups) if words(" ".join(g)) == line), None)
        assert index is not None, f"not in the feed, or cut: {line!r}"
        if len(rendered) - starts[index] > height:
            break
        assert line in visible, line
        on_screen += 1
    assert on_screen, f"no incident of the round fits in the feed's {height} rows"


def check_ghost(app: ShipItApp, board: BoardScreen) -> None:
    """Every row of the you-vs-ghost table is on screen with both figures, and the score."""
    panel = board.query_one("#ghost")
    assert panel.display and panel.region.area
    rows = [row for row in rows_in(app, panel) if row.strip()]
    assert len(rows) == 1 + len(ROWS) + 1, rows  # header, a row per metric, the score
    player, ghost = board.game.live_metrics(LIVE_DAYS)
    for spec, row in zip(ROWS, rows[1:], strict=False):
        assert row.startswith((spec.label, spec.short)), (spec.label, row)
        you, theirs = spec.fmt(clean(player.get(spec.key))), spec.fmt(clean(ghost.get(spec.key)))
        assert you in row and theirs in row[row.index(you) + len(you) :], (you, theirs, row)
        assert not row.endswith("…"), row
    score = f"{board.game.total_score:,.0f}"
    assert rows[-1].split()[-2:] == [score, f"{board.game.ghost_total_score:,.0f}"], rows[-1]


def last_full_week(values: list[Any], complete: int, zero_is_missing: bool) -> float | None:
    done = [clean(v) for v in values[:complete]]
    done = [None if zero_is_missing and v == 0 else v for v in done]
    return next((v for v in reversed(done) if v is not None), None)


def check_trends(app: ShipItApp, board: BoardScreen) -> None:
    """Each chart is on screen under its name, with your and the ghost's last-week figures."""
    panel = board.query_one("#trends")
    assert panel.display and panel.region.area
    rows = rows_in(app, panel)
    assert not [row for row in rows if row.endswith("…")], rows
    game = board.game
    series, complete = game.series(), int((game.now - game.start) // (7 * 24))
    heads = [
        next(i for i, row in enumerate(rows) if row.startswith((t.label, t.short))) for t in TRENDS
    ]
    assert heads == sorted(heads), heads
    for trend, first, last in zip(TRENDS, heads, [*heads[1:], len(rows)], strict=True):
        block = "\n".join(rows[first:last])
        for key in (trend.key, f"ghost_{trend.key}"):
            figure = trend.fmt(last_full_week(series[key], complete, trend.zero_is_missing))
            assert figure in block, (key, figure, block)
        drawn = any(set(row) & set("▁▂▃▄▅▆▇█") for row in rows[first:last])
        assert drawn == any(clean(v) for v in series[trend.key]), (trend.key, block)


async def check_board(pilot: Any, board: BoardScreen, report: RoundReport) -> None:
    """Everything above; on a narrow board, ``v`` brings up the ghost table and back."""
    app = pilot.app
    check_layout(app)
    check_feed(app, board, report)
    check_trends(app, board)
    if board.has_class("-narrow"):
        assert not board.query_one("#ghost").display
        await pilot.press("v")
        await pilot.pause()
        check_layout(app)
        check_ghost(app, board)
        await pilot.press("v", "v")  # the maturity view, then the feed again
        await pilot.pause()
        assert board.query_one(IncidentFeed).display
        check_layout(app)
        check_feed(app, board, report)
    else:
        check_ghost(app, board)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_a_round_played_at_each_size_shows_what_happened(size: tuple[int, int]) -> None:
    app = ShipItApp(seed=SEED, round_days=ROUND_DAYS)
    async with app.run_test(size=size) as pilot:
        board, report = await play_round(pilot)
        assert board.has_class("-wide" if size[0] >= 120 else "-narrow")
        await check_board(pilot, board, report)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
async def test_a_round_played_wide_then_resized_shows_what_happened(
    size: tuple[int, int],
) -> None:
    app = ShipItApp(seed=SEED, round_days=ROUND_DAYS)
    async with app.run_test(size=(160, 48)) as pilot:
        board, report = await play_round(pilot)
        await check_board(pilot, board, report)
        await pilot.resize_terminal(*size)
        await pilot.pause()
        assert board.has_class("-narrow")
        await check_board(pilot, board, report)


async def test_a_round_played_with_the_ghost_table_up_is_in_the_feed_after() -> None:
    """On a narrow board the feed is hidden while the ghost table is up: the entries it
    got meanwhile are wrapped at its width when it comes back."""
    app = ShipItApp(seed=SEED, round_days=ROUND_DAYS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        board, report = await play_round(pilot)
        assert board.view == "ghost" and not board.query_one(IncidentFeed).display
        check_layout(app)
        check_ghost(app, board)
        await pilot.press("v", "v")
        await pilot.pause()
        check_layout(app)
        check_feed(app, board, report)
