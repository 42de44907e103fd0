"""The main board: the live organisation, its DORA keys, the ghost, and the game loop.

The loop: a 10 Hz timer on this screen advances the game by ``speed`` simulated hours
and redraws the cheap widgets (status, flow, feed); a 2 Hz timer recomputes the trailing
metrics and redraws the four keys, trends, maturity and ghost panels.  Fast-forward runs
in a thread worker that owns the game until it posts :class:`FastForwardDone`; meanwhile
both timers are idle and no command is accepted, so only one thread ever touches the game.

Memory: the game's history grows for as long as it is played, and a full garbage
collection walks all of it, which pauses everything for 100+ ms after a few simulated
years.  At every round's end (and every simulated quarter of a fast-forward) the board
collects once and freezes what survives (:func:`gc.freeze`), so later collections only
walk what is new.
"""

from __future__ import annotations

import gc
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, get_current_worker

from sim.errors import ScenarioError, one_line
from sim.game import GameError
from sim.model.commands import InjectIncident, ResizePool, SetPractice
from sim.outputs import OutputError

from ..display import LIVE_DAYS, Demand, demand_of, describe, tiers
from ..messages import FastForwardDone, FastForwardProgress
from ..widgets.feed import IncidentFeed
from ..widgets.flow import FlowView
from ..widgets.four_keys import FourKeys
from ..widgets.ghost import GhostPanel
from ..widgets.maturity import MaturityView
from ..widgets.status import Status, StatusBar
from ..widgets.trends import Trends
from .practices import PracticePanel
from .save import SaveScreen, unused_name
from .summary import SummaryScreen
from .valuestream import ValueStreamScreen

if TYPE_CHECKING:
    from sim.game import Game, RoundReport
    from sim.model import Command

TICK_SECONDS = 0.1
"""Game-loop period: 10 ticks a second."""
SLOW_SECONDS = 0.5
"""Period of the metrics refresh (live metrics, trends, maturity, ghost)."""
SPEEDS: tuple[float, ...] = (1.0, 3.0, 6.0, 12.0, 24.0, 48.0, 96.0)
"""Simulated hours per tick, slowest first."""
DEFAULT_SPEED = 3
"""Index into SPEEDS: 12 h a tick = 5 simulated days a second, a quarter in ~18 s."""
FAST_CHUNK_HOURS = 24.0
"""The fast-forward worker advances a simulated day at a time between cancel checks."""
SETTLE_HOURS = 91 * 24.0
"""A long fast-forward settles memory (see the module docstring) every simulated quarter."""
PROGRESS_SECONDS = 0.1
"""The fast-forward worker reports its progress at most this often."""
WEEK_HOURS = 168.0


def speed_label(hours_per_tick: float) -> str:
    """Simulated time per real second at this speed."""
    per_second = hours_per_tick / TICK_SECONDS
    if per_second < 24:
        return f"{per_second:g} h/s"
    return f"{per_second / 24:.3g} days/s"


def settle_memory() -> None:
    """Collect garbage once, then exempt the survivors from later full collections."""
    gc.collect()
    gc.freeze()


class BoardScreen(Screen[None]):
    """The live board of one game."""

    AUTO_FOCUS = None
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (120, "-wide"),
    ]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-short"), (36, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_run", "Run", priority=True),
        Binding("p", "practices", "Practices"),
        Binding("plus,equals_sign", "faster", "Speed", key_display="+/-"),
        Binding("minus,underscore", "slower", "Slower", key_display="-", show=False),
        Binding("w", "fast_forward_week", "Week"),
        Binding("f", "fast_forward_round", "Round"),
        Binding("s", "save", "Save"),
        Binding("g", "toggle_ghost", "Ghost", show=False),
        Binding("v", "cycle_view", "View", show=False),
        Binding("r", "last_report", "Last round", show=False),
        Binding("t", "value_stream", "Where the time goes", show=False),
        Binding("i", "inject", "Incident", show=False),
        Binding("n", "new_game", "New game", show=False),
    ]

    HELP: ClassVar[dict[str, str]] = {
        "toggle_run": "Run or pause the simulation",
        "practices": "Open the practice panel: switch practices, resize teams, reorganise",
        "faster": "Speed: + faster, - slower (simulated days per second)",
        "slower": "Slower",
        "fast_forward_week": "Fast-forward one simulated week",
        "fast_forward_round": "Fast-forward to the end of the round",
        "save": "Save the game (seed + scenario + your commands) to a file",
        "toggle_ghost": "Show or hide the ghost's lines (the untouched organisation) in the trends",
        "cycle_view": "Small screens: show the feed, the ghost table or the maturity view",
        "last_report": "Show the last round's summary again",
        "value_stream": "Where the time goes: each stage's waiting and working time, this "
        "round or the whole game; the constraint, the release sizes, the queues now",
        "inject": "Facilitator: inject a severity-2 incident",
        "new_game": "New game: choose a scenario",
    }

    def __init__(self, game: Game, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.game = game
        self.running = False
        self.speed_index = DEFAULT_SPEED
        self.show_ghost = True
        self.view = "feed"
        self.fast = False
        self._fast_share: float | None = None
        self._fast_worker: Worker[None] | None = None
        self._resume_after_modal = False
        self._resume_after_fast = False
        self._fast_status: Status | None = None
        self._feed_index = 0
        self._feed_ready = False
        self._metrics: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        self._demand: Demand | None = None
        self.timer: Any = None
        self.slow_timer: Any = None

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
        self.timer = self.set_interval(TICK_SECONDS, self.tick, pause=True)
        self.slow_timer = self.set_interval(SLOW_SECONDS, self.refresh_slow, pause=True)
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
        entries = self.game.feed(self._feed_index)
        written = 0
        for report in self.game.reports:
            upto = written
            while upto < len(entries) and entries[upto].t <= report.end_hours:
                upto += 1
            feed.add(entries[written:upto])
            written = upto
            self.note_round(report)
        self._feed_index += written

    @property
    def speed(self) -> float:
        """Simulated hours per tick."""
        return SPEEDS[self.speed_index]

    # ------------------------------------------------------------------ the loop
    def tick(self) -> None:
        """One step of the game loop: advance ``speed`` hours, redraw the cheap widgets."""
        if not self.running or self.fast:
            return
        start = time.perf_counter()
        report = self.game.advance(self.speed)
        self.refresh_fast()
        self.app_record("tick", time.perf_counter() - start)
        if report is not None:
            self.round_closed(report)
        elif self.game.finished:
            self.set_running(False)

    def app_record(self, what: str, seconds: float) -> None:
        record = getattr(self.app, "record_timing", None)
        if record is not None:
            record(what, seconds)

    def set_running(self, running: bool) -> None:
        """Start or stop the game-loop timers."""
        running = running and not self.game.finished
        self.running = running
        if self.timer is None:
            return
        if running:
            self.timer.resume()
            self.slow_timer.resume()
        else:
            self.timer.pause()
            self.slow_timer.pause()
            if self.is_mounted:
                self.refresh_all()

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
            week = 168.0
            self.query_one(Trends).show(
                game.series(),
                capacity=round(game.rounds * game.round_days * 24 / week),
                complete=int((game.now - getattr(game, "start", 0.0)) // week),
            )
            self.query_one(MaturityView).show(game.maturity(), game.practices(), game.ramps())
        self.app_record("slow", time.perf_counter() - start)

    def refresh_all(self) -> None:
        self.refresh_slow()
        self.refresh_fast()

    def status(self) -> Status:
        game = self.game
        if self.fast:
            state = "fast"
        elif game.finished:
            state = "over"
        else:
            state = "running" if self.running else "paused"
        span = max(1e-9, game.round_end - game.round_start)
        share = 1.0 if game.finished else (game.now - game.round_start) / span
        info = getattr(game.scenario, "scenario", None)
        return Status(
            state=state,
            speed=speed_label(self.speed),
            date=game.date_label(),
            round_number=game.round_number,
            rounds=game.rounds,
            round_share=min(1.0, max(0.0, share)),
            budget_left=game.budget_left,
            score=game.total_score,
            ghost_score=game.ghost_total_score,
            title=getattr(info, "title", "") or getattr(info, "name", ""),
            progress=self._fast_share,
        )

    def round_closed(self, report: Any) -> None:
        """A round ended: stop, note it in the feed, show the summary."""
        settle_memory()
        self.set_running(False)
        self.refresh_all()
        self.note_round(report)
        self.app.push_screen(SummaryScreen(self.game, report))

    def note_round(self, report: RoundReport) -> None:
        """The feed's line for a round that closed."""
        self.query_one(IncidentFeed).note(
            report.end_hours,
            f"Round {report.number} closed: score {report.score:,.0f} "
            f"(ghost {report.ghost_score:,.0f})",
            "bold",
        )

    # ------------------------------------------------------------------ modal screens pause
    def on_screen_suspend(self) -> None:
        self._resume_after_modal = self.running
        if self.running:
            self.set_running(False)

    def on_screen_resume(self) -> None:
        if self._resume_after_modal and not self.fast:
            self.set_running(True)
        self._resume_after_modal = False
        self.refresh_all()

    # ------------------------------------------------------------------ commands
    def apply_command(self, command: Command) -> bool:
        """Give the game a command; tell the player why if it is refused."""
        if self.fast:
            self.notify("Fast-forwarding: press space to stop it first.", severity="warning")
            return False
        cost = self.game.cost_of(command)
        try:
            self.game.apply(command)
        except (GameError, ScenarioError) as exc:
            message = exc.message if isinstance(exc, ScenarioError) else str(exc)
            self.notify(message, title="Not possible", severity="error")
            return False
        if isinstance(command, ResizePool) or (isinstance(command, SetPractice) and cost <= 0):
            # the game's own feed reports adoptions and incidents; these it does not
            self.query_one(IncidentFeed).note(self.game.now, describe(command, cost))
        self.refresh_all()
        return True

    # ------------------------------------------------------------------ actions
    def action_toggle_run(self) -> None:
        if self.fast:
            self.stop_fast_forward()
            return
        if self.game.finished:
            self.notify("The game is over: n for a new game, r for the scorecard.")
            return
        self.set_running(not self.running)
        self.refresh_fast()

    def action_faster(self) -> None:
        self.speed_index = min(len(SPEEDS) - 1, self.speed_index + 1)
        self.refresh_fast()

    def action_slower(self) -> None:
        self.speed_index = max(0, self.speed_index - 1)
        self.refresh_fast()

    def action_fast_forward_week(self) -> None:
        self.start_fast_forward(WEEK_HOURS)

    def action_fast_forward_round(self) -> None:
        self.start_fast_forward(self.game.round_end - self.game.now)

    def action_practices(self) -> None:
        if self.fast:
            self.notify("Fast-forwarding: press space to stop it first.", severity="warning")
            return
        self.app.push_screen(PracticePanel(self.game, self.apply_command))

    def action_save(self) -> None:
        if self.fast:
            self.notify("Fast-forwarding: press space to stop it first.", severity="warning")
            return

        def saved(path: str | None) -> None:
            if path:
                self.save_to(Path(path))

        self.app.push_screen(SaveScreen(self.default_save_name()), saved)

    def default_save_name(self) -> str:
        """``shipit-game-<scenario>-<seed>.json``, or ``…-2.json`` etc. if that file exists:
        the name offered is never one a save would overwrite."""
        info = getattr(self.game.scenario, "scenario", None)
        name = getattr(info, "name", "game")
        return unused_name(f"shipit-game-{name}-{self.game.seed}.json")

    def save_to(self, path: Path) -> bool:
        try:
            self.game.save(path)
        except (OSError, OutputError, GameError, ScenarioError) as exc:
            # One line, like the CLI (a folder, a FIFO or a device is refused).
            self.notify(f"Could not save: {one_line(str(exc))}", severity="error")
            return False
        self.notify(f"Replay with: shipit play --replay {path}", title=f"Saved {path}")
        return True

    def action_toggle_ghost(self) -> None:
        self.show_ghost = not self.show_ghost
        self.set_class(self.show_ghost, "-ghost")
        self.query_one(Trends).set_ghost(self.show_ghost)

    VIEWS = ("feed", "ghost", "maturity")

    def action_cycle_view(self) -> None:
        if self.has_class("-wide"):
            self.notify("On a wide screen every panel is shown.")
            return
        self.view = self.VIEWS[(self.VIEWS.index(self.view) + 1) % len(self.VIEWS)]
        for name in self.VIEWS:
            self.set_class(name == self.view, f"-view-{name}")

    def action_last_report(self) -> None:
        if not self.game.reports:
            self.notify("No round has closed yet.")
            return
        self.app.push_screen(SummaryScreen(self.game, self.game.reports[-1]))

    def action_value_stream(self) -> None:
        if self.fast:
            self.notify("Fast-forwarding: press space to stop it first.", severity="warning")
            return
        self.app.push_screen(ValueStreamScreen(self.game))

    def action_inject(self) -> None:
        self.apply_command(InjectIncident(2))

    def action_new_game(self) -> None:
        starter = getattr(self.app, "action_new_game", None)
        if starter is not None:
            starter()

    # ------------------------------------------------------------------ fast-forward
    def start_fast_forward(self, hours: float) -> None:
        if self.fast:
            return
        if self.game.finished:
            self.notify("The game is over: n for a new game.")
            return
        self._resume_after_fast = self.running
        self.set_running(False)
        self.fast = True
        self._fast_share = 0.0
        self._fast_status = self.status()
        self.refresh_fast_status()
        self._fast_worker = self.fast_forward(hours)

    def stop_fast_forward(self) -> None:
        if self._fast_worker is not None:
            self._fast_worker.cancel()

    def refresh_fast_status(
        self, share: float = 0.0, date: str = "", round_share: float = 0.0
    ) -> None:
        """The status bar during a fast-forward, from the worker's messages only."""
        base = self._fast_status
        if base is None:
            return
        status = replace(
            base,
            progress=share,
            date=date or base.date,
            round_share=round_share or base.round_share,
        )
        self.query_one(StatusBar).show(status)

    @work(thread=True, exclusive=True, group="sim", exit_on_error=False)
    def fast_forward(self, hours: float) -> None:
        """Advance ``hours`` (stopping at a round's end) in a thread, a day at a time."""
        worker = get_current_worker()
        game = self.game
        start = time.perf_counter()
        begin = game.now
        target = min(begin + hours, game.round_end)
        report = None
        posted = 0.0
        settled = game.now
        while not worker.is_cancelled and game.now < target - 1e-9 and not game.finished:
            chunk = time.perf_counter()
            report = game.advance(min(FAST_CHUNK_HOURS, target - game.now))
            done = time.perf_counter()
            self.app_record("chunk", done - chunk)
            if report is not None:
                break
            if game.now - settled >= SETTLE_HOURS:
                settled = game.now
                settle_memory()
            if done - posted >= PROGRESS_SECONDS:
                posted = done
                share = (game.now - begin) / max(1e-9, target - begin)
                span = max(1e-9, game.round_end - game.round_start)
                in_round = (game.now - game.round_start) / span
                self.post_message(FastForwardProgress(share, game.date_label(), in_round))
            # Let the UI thread take the GIL now rather than at the next forced switch
            # (every 5 ms): it keeps the screen responsive while this thread works.
            time.sleep(0)
        self.post_message(FastForwardDone(report, worker.is_cancelled, time.perf_counter() - start))

    def on_fast_forward_progress(self, message: FastForwardProgress) -> None:
        self._fast_share = message.share
        self.refresh_fast_status(message.share, message.date, message.round_share)

    def on_fast_forward_done(self, message: FastForwardDone) -> None:
        self.fast = False
        self._fast_share = None
        self._fast_status = None
        self._fast_worker = None
        self.refresh_all()
        if message.report is not None:
            self.round_closed(message.report)
        elif self._resume_after_fast and not message.cancelled:
            self.set_running(True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "sim" and event.state.name == "ERROR":
            self.fast = False
            self._fast_share = None
            self.notify(f"Fast-forward failed: {event.worker.error}", severity="error")
            self.refresh_all()

    def on_unmount(self) -> None:
        self.stop_fast_forward()
