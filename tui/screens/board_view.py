"""The board's panels for one game: their layout, their redraws and the feed's story.

The live organisation (status bar, four keys, flow of work, weekly trends, ghost, feed,
maturity), laid out by the terminal's size (breakpoint classes ``-narrow``/``-wide``,
``-short``/``-tall``; a narrow board shows one of feed, ghost and maturity, ``v`` cycles
them).  :meth:`BoardView.refresh_fast` redraws the cheap widgets, every tick of the game
loop; :meth:`BoardView.refresh_slow` recomputes the trailing metrics (over
:data:`tui.display.LIVE_DAYS` days) and redraws the rest.  The loop itself, the commands
and the keys are :class:`tui.screens.board.BoardScreen`'s.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Footer

from sim.units import HOURS_PER_DAY, HOURS_PER_WEEK

from ..display import LIVE_DAYS, Demand, demand_of, tiers
from ..gameloop import DEFAULT_SPEED, SPEEDS, speed_label
from ..widgets.feed import IncidentFeed
from ..widgets.flow import FlowView
from ..widgets.four_keys import FourKeys
from ..widgets.ghost import GhostPanel
from ..widgets.maturity import MaturityView
from ..widgets.status import Status, StatusBar, status_of
from ..widgets.trends import Trends

if TYPE_CHECKING:
    from sim.game import Game


class BoardView(Screen[None]):
    """The panels of one game's board, and what the status bar says about its loop."""

    AUTO_FOCUS = None
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (120, "-wide"),
    ]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-short"), (36, "-tall")]
    VIEWS = ("feed", "ghost", "maturity")
    """The panels a narrow board shows one at a time."""

    def __init__(self, game: Game, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.game = game
        self.running = False
        self.speed_index = DEFAULT_SPEED
        self.fast = False
        """A fast-forward owns the game: the timers are idle and no command is taken."""
        self.fast_share: float | None = None
        """How far the fast-forward has got (0–1), while there is one."""
        self.show_ghost = True
        self.view = "feed"
        self._feed_index = 0
        self._feed_ready = False
        self._metrics: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        self._demand: Demand | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield FourKeys(id="four-keys")
        with Grid(id="body"):
            yield FlowView(id="flow", classes="panel")
            yield Trends(id="trends", classes="panel")
            yield GhostPanel(id="ghost", classes="panel")
            yield IncidentFeed(id="feed", classes="panel")
            yield MaturityView(id="maturity", classes="panel")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.add_class("-ghost", "-view-feed")
        self.query_one(IncidentFeed).origin = getattr(self.game, "start", 0.0)
        self.call_after_refresh(self.welcome)
        self.refresh_all()

    def welcome(self) -> None:
        """The first lines of the feed (written once the feed knows its width)."""
        feed = self.query_one(IncidentFeed)
        info = self.game.scenario.scenario
        feed.note(feed.origin, f"{info.title or info.name}.", "bold")
        if self.game.finished:
            feed.note(
                feed.origin,
                "You ran this organisation; the ghost is the same one left alone.",
                "bold cyan",
            )
        else:
            feed.note(
                feed.origin,
                "You run this organisation; the ghost is the same one left alone. "
                "space: run · p: change practices · ?: help",
                "bold cyan",
            )
        self.replay_history()
        self._feed_ready = True
        self.refresh_fast()
        if self.game.finished:
            over = "This game is over: r shows the final scorecard, with every round."
            feed.note(self.game.now, over, "bold yellow")
            self.notify(over, title="Game over")

    def replay_history(self) -> None:
        """A game loaded mid-way or at its end (a replay): the feed so far, with a line
        where each closed round ended, as if it had been played on this board."""
        feed = self.query_one(IncidentFeed)
        self._feed_index += feed.replay(self.game.feed(self._feed_index), self.game.reports)

    @property
    def speed(self) -> float:
        """Simulated hours per tick."""
        return SPEEDS[self.speed_index]

    def app_record(self, what: str, seconds: float) -> None:
        """Give the app the duration (seconds) of a ``what`` ("tick", "slow", "chunk")."""
        record = getattr(self.app, "record_timing", None)
        if record is not None:
            record(what, seconds)

    # ------------------------------------------------------------------ redraws
    def refresh_fast(self) -> None:
        """The widgets redrawn every tick: status bar, flow of work, feed."""
        game = self.game
        self.query_one(StatusBar).show(self.status())
        unplanned = self._metrics[0].get("unplanned_work_share")
        self.query_one(FlowView).show(game.flow(), unplanned, self._demand)
        entries = game.feed(self._feed_index) if self._feed_ready else []
        if entries:
            self._feed_index += len(entries)
            self.query_one(IncidentFeed).add(entries)

    def refresh_slow(self) -> None:
        """The widgets that need the trailing metrics: four keys, ghost, trends, maturity."""
        if self.fast:
            return
        start = time.perf_counter()
        game = self.game
        player, ghost = game.live_metrics(LIVE_DAYS)
        self._metrics = (player, ghost)
        self._demand = demand_of(player, ghost)
        edition = getattr(getattr(game.scenario, "run", None), "tier_edition", "2023")
        with self.app.batch_update():
            self.query_one(FourKeys).show(
                player, ghost, tiers(player, edition), tiers(ghost, edition)
            )
            self.query_one(GhostPanel).show(
                player, ghost, (game.total_score, game.ghost_total_score)
            )
            self.query_one(Trends).show(
                game.series(),
                capacity=round(game.rounds * game.round_days * HOURS_PER_DAY / HOURS_PER_WEEK),
                complete=int((game.now - getattr(game, "start", 0.0)) // HOURS_PER_WEEK),
            )
            self.query_one(MaturityView).show(game.maturity(), game.practices(), game.ramps())
        self.app_record("slow", time.perf_counter() - start)

    def refresh_all(self) -> None:
        self.refresh_slow()
        self.refresh_fast()

    def status(self) -> Status:
        """What the status bar shows: the game, and the loop's state and speed."""
        if self.fast:
            state = "fast"
        elif self.game.finished:
            state = "over"
        else:
            state = "running" if self.running else "paused"
        return status_of(self.game, state, speed_label(self.speed), self.fast_share)

    # ------------------------------------------------------------------ views
    def action_toggle_ghost(self) -> None:
        self.show_ghost = not self.show_ghost
        self.set_class(self.show_ghost, "-ghost")
        self.query_one(Trends).set_ghost(self.show_ghost)

    def action_cycle_view(self) -> None:
        if self.has_class("-wide"):
            self.notify("On a wide screen every panel is shown.")
            return
        self.view = self.VIEWS[(self.VIEWS.index(self.view) + 1) % len(self.VIEWS)]
        for name in self.VIEWS:
            self.set_class(name == self.view, f"-view-{name}")
