"""The main board: the game loop that runs one game, its commands and its keys.

The loop (its pace in :mod:`tui.gameloop`): a 10 Hz timer on this screen advances the
game by ``speed`` simulated hours and redraws the cheap widgets (status, flow, feed); a
2 Hz timer recomputes the trailing metrics and redraws the four keys, trends, maturity
and ghost panels (the panels and their redraws are
:class:`~tui.screens.board_view.BoardView`'s).  Fast-forward runs in a thread worker that
owns the game until it posts :class:`FastForwardDone`; meanwhile both timers are idle and
no command is accepted, so only one thread ever touches the game.  At every round's end
the board settles memory (:func:`tui.gameloop.settle_memory`).

Each key's help text is its binding's ``tooltip``; :attr:`BoardScreen.HELP` collects them.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.worker import Worker, get_current_worker

from sim.errors import ScenarioError, one_line
from sim.game import GameError
from sim.model.commands import InjectIncident, ResizePool, SetPractice
from sim.outputs import OutputError
from sim.units import HOURS_PER_WEEK

from ..display import describe
from ..gameloop import SLOW_SECONDS, SPEEDS, TICK_SECONDS, run_fast_forward, settle_memory
from ..messages import FastForwardDone, FastForwardProgress
from ..widgets.feed import IncidentFeed
from ..widgets.status import Status, StatusBar
from .board_view import BoardView
from .help import tooltips
from .practices import PracticePanel
from .save import SaveScreen, default_save_name
from .summary import SummaryScreen
from .valuestream import ValueStreamScreen

if TYPE_CHECKING:
    from sim.game import Game, RoundReport
    from sim.model import Command

BUSY = "Fast-forwarding: press space to stop it first."
"""Why a command waits: a fast-forward owns the game."""


class BoardScreen(BoardView):
    """The live board of one game: runs it, and takes the player's commands."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_run", "Run", priority=True,
                tooltip="Run or pause the simulation"),
        Binding("p", "practices", "Practices",
                tooltip="Open the practice panel: switch practices, resize teams, reorganise"),
        Binding("plus,equals_sign", "faster", "Speed", key_display="+/-",
                tooltip="Speed: + faster, - slower (simulated days per second)"),
        Binding("minus,underscore", "slower", "Slower", key_display="-", show=False,
                tooltip="Slower"),
        Binding("w", "fast_forward_week", "Week", tooltip="Fast-forward one simulated week"),
        Binding("f", "fast_forward_round", "Round",
                tooltip="Fast-forward to the end of the round"),
        Binding("s", "save", "Save",
                tooltip="Save the game (seed + scenario + your commands) to a file"),
        Binding("g", "toggle_ghost", "Ghost", show=False,
                tooltip="Show or hide the ghost's lines (the untouched organisation) in the "
                "trends"),
        Binding("v", "cycle_view", "View", show=False,
                tooltip="Small screens: show the feed, the ghost table or the maturity view"),
        Binding("r", "last_report", "Last round", show=False,
                tooltip="Show the last round's summary again"),
        Binding("t", "value_stream", "Where the time goes", show=False,
                tooltip="Where the time goes: each stage's waiting and working time, this "
                "round or the whole game; the constraint, the release sizes, the queues now"),
        Binding("i", "inject", "Incident", show=False,
                tooltip="Facilitator: inject a severity-2 incident"),
        Binding("n", "new_game", "New game", show=False, tooltip="New game: choose a scenario"),
    ]  # fmt: skip
    HELP: ClassVar[dict[str, str]] = tooltips(BINDINGS)
    """Each action's help text (the help screen shows it; the team board quotes some)."""

    def __init__(self, game: Game, **kwargs: Any) -> None:
        super().__init__(game, **kwargs)
        self._fast_worker: Worker[None] | None = None
        self._resume_after_modal = False
        self._resume_after_fast = False
        self._fast_status: Status | None = None
        self.timer: Any = None
        self.slow_timer: Any = None

    def on_mount(self) -> None:
        """The game-loop timers, paused.  (Textual then runs ``BoardView.on_mount``, which
        sets the panels up: not called here, or it would run twice.)"""
        self.timer = self.set_interval(TICK_SECONDS, self.tick, pause=True)
        self.slow_timer = self.set_interval(SLOW_SECONDS, self.refresh_slow, pause=True)

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

    def round_closed(self, report: RoundReport) -> None:
        """A round ended: stop, note it in the feed, show the summary."""
        settle_memory()
        self.set_running(False)
        self.refresh_all()
        self.query_one(IncidentFeed).note_round(report)
        self.app.push_screen(SummaryScreen(self.game, report))

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
            self.notify(BUSY, severity="warning")
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
        self.start_fast_forward(HOURS_PER_WEEK)

    def action_fast_forward_round(self) -> None:
        self.start_fast_forward(self.game.round_end - self.game.now)

    def action_practices(self) -> None:
        if self.fast:
            self.notify(BUSY, severity="warning")
            return
        self.app.push_screen(PracticePanel(self.game, self.apply_command))

    def action_save(self) -> None:
        if self.fast:
            self.notify(BUSY, severity="warning")
            return

        def saved(path: str | None) -> None:
            if path:
                self.save_to(Path(path))

        self.app.push_screen(SaveScreen(default_save_name(self.game)), saved)

    def save_to(self, path: Path) -> bool:
        try:
            self.game.save(path)
        except (OSError, OutputError, GameError, ScenarioError) as exc:
            # One line, like the CLI (a folder, a FIFO or a device is refused).
            self.notify(f"Could not save: {one_line(str(exc))}", severity="error")
            return False
        self.notify(f"Replay with: shipit play --replay {path}", title=f"Saved {path}")
        return True

    def action_last_report(self) -> None:
        if not self.game.reports:
            self.notify("No round has closed yet.")
            return
        self.app.push_screen(SummaryScreen(self.game, self.game.reports[-1]))

    def action_value_stream(self) -> None:
        if self.fast:
            self.notify(BUSY, severity="warning")
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
        self.fast_share = 0.0
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
        start = time.perf_counter()

        def progress(share: float, date: str, round_share: float) -> None:
            self.post_message(FastForwardProgress(share, date, round_share))

        report = run_fast_forward(
            self.game,
            hours,
            cancelled=lambda: worker.is_cancelled,
            progress=progress,
            record=self.app_record,
        )
        self.post_message(FastForwardDone(report, worker.is_cancelled, time.perf_counter() - start))

    def on_fast_forward_progress(self, message: FastForwardProgress) -> None:
        self.fast_share = message.share
        self.refresh_fast_status(message.share, message.date, message.round_share)

    def on_fast_forward_done(self, message: FastForwardDone) -> None:
        self.fast = False
        self.fast_share = None
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
            self.fast_share = None
            self.notify(f"Fast-forward failed: {event.worker.error}", severity="error")
            self.refresh_all()

    def on_unmount(self) -> None:
        self.stop_fast_forward()
