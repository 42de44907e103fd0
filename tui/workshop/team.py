"""``shipit play --workshop NAME --team T``: a team's client for a workshop session.

:class:`TeamApp` joins the session and shows the team's board
(:class:`~tui.workshop.team_board.TeamBoard`: the session's game, changed only through
moves; its round summaries are :class:`~tui.workshop.team_summary.TeamSummary`), and a
help screen with the team's keys, not the single-player game's.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App
from textual.binding import Binding, BindingType

from sim.workshop.session import Workshop

from ..screens.help import HelpScreen, HelpSection
from ..screens.practices import PracticePanel, PracticeTable
from ..screens.valuestream import ValueStreamScreen
from .team_board import TeamBoard
from .team_summary import TeamSummary

__all__ = ["HELP_INTRO", "TeamApp", "TeamBoard", "TeamSummary", "help_sections"]

HELP_INTRO = Text.assemble(
    ("Ship It workshop", "bold"),
    " — every team runs the same organisation on the same random numbers. Plan your "
    "moves (p) while the round is being planned; your facilitator plays every "
    "team's round at once, then you see the summary and the leaderboard.",
)
"""The first paragraph of a team's help screen."""


class TeamApp(App[None]):
    """One team's client of a workshop session."""

    CSS_PATH = str(Path(__file__).resolve().parent.parent / "app.tcss")
    CSS = "#workshop-status { height: 1; background: $panel; text-wrap: nowrap; }"
    TITLE = "Ship It — workshop"
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", key_display="?", tooltip="This help"),
        Binding("ctrl+q", "quit", "Quit", priority=True,
                tooltip="Quit (join again any time: your moves are kept)"),
    ]  # fmt: skip

    def __init__(self, workshop: Workshop, team: str) -> None:
        super().__init__()
        self.workshop = workshop
        self.team = team
        workshop.join(team)  # idempotent: a crashed client joins again, moves kept

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.push_screen(TeamBoard(self.workshop, self.team))

    @property
    def board(self) -> TeamBoard | None:
        for screen in self.screen_stack:
            if isinstance(screen, TeamBoard):
                return screen
        return None

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(HELP_INTRO, help_sections()))


def help_sections() -> list[HelpSection]:
    """A team's keys, screen by screen, in the order its help screen lists them."""
    return [
        HelpSection("Board", TeamBoard.BINDINGS),
        HelpSection("Planning panel (p)", [*PracticeTable.BINDINGS, *PracticePanel.BINDINGS]),
        HelpSection("Round summary", TeamSummary.BINDINGS),
        HelpSection("Where the time goes (t)", ValueStreamScreen.BINDINGS),
        HelpSection("Everywhere", TeamApp.BINDINGS),
    ]
