"""The Ship It game: a Textual app around :class:`sim.game.Game`.

The app owns the options a new game is made with and the screen stack; the board screen
owns the game and its loop (see :mod:`tui.screens.board`).  ``record_timing`` keeps the
duration of every game-loop tick, metrics refresh and fast-forward chunk so the UI's cost
can be measured (``timing_stats``).  The help screen shows the keys of the screens the
app names in :func:`help_sections` (it imports none of them itself).
"""

from __future__ import annotations

import statistics
from collections import deque
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App
from textual.binding import Binding, BindingType

from sim.game import Game
from sim.loading import load_scenario
from sim.scenario import Scenario

from .commands import GameCommands
from .screens.board import BoardScreen
from .screens.chooser import ChooserScreen
from .screens.help import HelpScreen, HelpSection
from .screens.practices import PracticePanel, PracticeTable
from .screens.summary import SummaryScreen
from .screens.valuestream import ValueStreamScreen

DEFAULT_SCENARIO = "legacy-enterprise"

HELP_INTRO = Text.assemble(
    ("Ship It", "bold"),
    " — run a software delivery organisation. Change how it works (p), watch the "
    "DORA four keys respond, and beat the ghost: the same organisation left alone.",
)
"""The first paragraph of the help screen."""
HELP_NOTE = Text(
    "In the practice panel, ↑↓ move and enter also picks the next value. "
    "Mouse: click tiles for an explanation, click keys in the footer.",
    style="dim",
)
"""The line under the help screen's key tables."""


class ShipItApp(App[None]):
    """Ship It in a terminal (or a browser, through textual-serve)."""

    CSS_PATH = "app.tcss"
    TITLE = "Ship It"
    AUTO_FOCUS = None
    COMMANDS = App.COMMANDS | {GameCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", key_display="?", tooltip="This help"),
        Binding("ctrl+q", "quit", "Quit", tooltip="Quit (also in the command palette)",
                priority=True),
        Binding("ctrl+p", "command_palette", "Commands", show=False,
                tooltip="Command palette: every action, every practice by name"),
    ]  # fmt: skip

    def __init__(
        self,
        scenario: str | Scenario = DEFAULT_SCENARIO,
        *,
        seed: int | None = None,
        rounds: int = 4,
        round_days: float = 91.0,
        budget: float | None = None,
        game: Game | None = None,
        choose: bool = False,
        saves_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.saves_dir = saves_dir
        """Served mode (``--served-saves``): saves go only here, under generated names."""
        self.scenario_ref = scenario
        self.seed = seed
        self.rounds = rounds
        self.round_days = round_days
        self.budget = budget
        self.choose = choose
        self._first_game = game
        self.timings: dict[str, deque[float]] = {}

    # ------------------------------------------------------------------ games
    def make_game(self, scenario: str | Scenario) -> Game:
        """A new game on ``scenario`` (a built-in name, a path or a Scenario)."""
        loaded = load_scenario(scenario) if isinstance(scenario, str) else scenario
        return Game(
            loaded,
            seed=self.seed,
            round_days=self.round_days,
            rounds=self.rounds,
            budget_person_days=self.budget,
        )

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        if self.choose and self._first_game is None:
            self.action_new_game()
            return
        self.start_game(self._first_game or self.make_game(self.scenario_ref))
        self._first_game = None

    def start_game(self, game: Game) -> None:
        """Show a board for ``game``, replacing the current one."""
        board = BoardScreen(game)
        if self.board is not None and self.screen is self.board:
            self.switch_screen(board)
        else:
            self.push_screen(board)

    @property
    def board(self) -> BoardScreen | None:
        """The board of the current game, if there is one."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, BoardScreen):
                return screen
        return None

    @property
    def game(self) -> Game | None:
        board = self.board
        return board.game if board is not None else None

    # ------------------------------------------------------------------ actions
    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(HELP_INTRO, help_sections(), HELP_NOTE))

    def action_new_game(self) -> None:
        if isinstance(self.screen, ChooserScreen):
            return
        current = None
        if self.game is not None:
            current = self.game.scenario.scenario.name

        def chosen(name: str | None) -> None:
            if name:
                self.start_game(self.make_game(name))
            elif self.board is None:
                self.exit()

        self.push_screen(ChooserScreen(current), chosen)

    # ------------------------------------------------------------------ timings
    def record_timing(self, what: str, seconds: float) -> None:
        self.timings.setdefault(what, deque(maxlen=5000)).append(seconds)

    @property
    def tick_times(self) -> list[float]:
        """Durations (seconds) of the recent game-loop ticks."""
        return list(self.timings.get("tick", ()))

    def timing_stats(self, what: str = "tick") -> dict[str, float]:
        """Median and max (milliseconds) of the recorded ``what`` durations."""
        values = list(self.timings.get(what, ()))
        if not values:
            return {"n": 0, "median_ms": 0.0, "max_ms": 0.0}
        return {
            "n": len(values),
            "median_ms": statistics.median(values) * 1000,
            "max_ms": max(values) * 1000,
        }


def help_sections() -> list[HelpSection]:
    """The keys of every screen of the game, in the order the help screen lists them."""
    return [
        HelpSection("Board", BoardScreen.BINDINGS),
        HelpSection("Practice panel (p)", [*PracticeTable.BINDINGS, *PracticePanel.BINDINGS]),
        HelpSection("Scenario chooser (n)", ChooserScreen.BINDINGS),
        HelpSection("Round summary", SummaryScreen.BINDINGS),
        HelpSection("Where the time goes (t)", ValueStreamScreen.BINDINGS),
        HelpSection("Everywhere", ShipItApp.BINDINGS),
    ]
