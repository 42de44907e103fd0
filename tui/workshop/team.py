"""``shipit play --workshop NAME --team T``: a team's client for a workshop session.

The team's board is the game's own board (:class:`~tui.screens.board.BoardScreen`) showing
:meth:`Workshop.team_game` read-only: the game is never run here, the facilitator plays
every team's round at once.  While a round is being planned the practice panel (``p``)
submits each change as a move (:meth:`Workshop.submit`); a refused move is a
notification.  The screen polls the session every :data:`POLL_SECONDS`; when a round has
been played it rebuilds the board and shows the round's summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from sim.errors import ScenarioError
from sim.workshop.session import FINISHED, PLANNING, Workshop

from ..screens.board import BoardScreen
from ..screens.help import LEGEND, HelpScreen, keys_table
from ..screens.summary import SummaryScreen
from ..widgets.feed import IncidentFeed
from ..widgets.status import StatusBar

POLL_SECONDS = 2.0
"""How often the client re-reads the session."""


class TeamStatusBar(StatusBar):
    """The board's status bar without "paused · space runs": the facilitator runs rounds."""

    def _content(self) -> Text:
        text = super()._content()
        s = self._status
        if s is None or s.state != "paused":
            return text
        label = text.plain.split(f" {s.date} ", 1)[0]
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(" ⏸ WORKSHOP ", style="bold black on yellow")
        out.append_text(text[len(label) :])
        return out


class TeamBoard(BoardScreen, inherit_bindings=False):
    """A team's board: the game as the session has it, changed only through moves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "practices", "Plan moves"),
        Binding("r", "last_report", "Last round"),
        Binding("g", "toggle_ghost", "Ghost", show=False),
        Binding("v", "cycle_view", "View", show=False),
    ]
    HELP: ClassVar[dict[str, str]] = {
        "practices": "Plan this round: switch practices, resize teams, reorganise (each change "
        "is a move)",
        "last_report": "Show the last round's summary again",
        "toggle_ghost": BoardScreen.HELP["toggle_ghost"],
        "cycle_view": BoardScreen.HELP["cycle_view"],
    }

    def __init__(self, workshop: Workshop, team: str) -> None:
        self.workshop = workshop
        self.team = team
        super().__init__(workshop.team_game(team))
        self.session_round = 0
        self.session_status = ""
        self.seen_reports = len(self.game.reports)
        self.poll_timer: Any = None

    def compose(self) -> ComposeResult:
        yield Static(id="workshop-status")
        for widget in super().compose():
            yield TeamStatusBar(id="status") if isinstance(widget, StatusBar) else widget

    def on_mount(self) -> None:
        super().on_mount()
        self.poll_timer = self.set_interval(POLL_SECONDS, self.poll)
        self.show_session(self.workshop.status())

    def welcome(self) -> None:
        feed = self.query_one(IncidentFeed)
        info = self.game.scenario.scenario
        feed.note(feed.origin, f"{info.title or info.name} — workshop {self.workshop.name}.")
        feed.note(
            feed.origin,
            f"You are {self.team}. p: plan your moves for the round · ?: help",
            "bold cyan",
        )
        self._feed_ready = True
        self.refresh_fast()

    # ------------------------------------------------------------------ the session
    @property
    def planning(self) -> bool:
        return self.session_status == PLANNING

    def show_session(self, status: Any) -> None:
        self.session_round, self.session_status = status.round, status.status
        moves = next((t.moves_this_round for t in status.teams if t.name == self.team), 0)
        line = Text.assemble((f" {self.team} ", "bold black on cyan"), " ")
        if status.status == PLANNING:
            line.append(f"Planning round {status.round} of {status.rounds}", "bold yellow")
            line.append(" — your facilitator will start it. ")
            line.append(f"{moves} move{'s' if moves != 1 else ''} so far · p: plan", "dim")
        elif status.status == FINISHED:
            line.append("The workshop is over", "bold green")
            line.append(" — r: the final scorecard")
        else:
            line.append(f"Round {status.round} played", "bold green")
            line.append(" — see the summary (r)")
        self.query_one("#workshop-status", Static).update(line)

    def poll(self) -> None:
        """Re-read the session; after a played round rebuild the board, show the summary."""
        try:
            status = self.workshop.status()
        except ScenarioError as exc:
            self.notify(str(exc), severity="warning")
            return
        changed = (status.round, status.status) != (self.session_round, self.session_status)
        self.show_session(status)
        if changed:
            self.reload()

    def reload(self) -> None:
        """The team's game again, from the session (a new round, injects, a rejoin)."""
        try:
            game = self.workshop.team_game(self.team)
        except ScenarioError as exc:
            self.notify(str(exc), severity="error")
            return
        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()  # a practice panel or summary about the old state
        self.game = game
        feed = self.query_one(IncidentFeed)
        feed.clear()
        self._feed_index = 0
        self.welcome()
        self.refresh_all()
        if len(game.reports) > self.seen_reports:
            self.seen_reports = len(game.reports)
            self.app.push_screen(TeamSummary(game, game.reports[-1]))

    # ------------------------------------------------------------------ moves
    def apply_command(self, command: Any) -> bool:
        """Submit ``command`` as this team's move; mirror it on the board if accepted."""
        try:
            self.workshop.submit(self.team, command)
        except ScenarioError as exc:
            self.notify(exc.message, title="Move refused", severity="error")
            return False
        self.game.apply(command)  # the session accepted it on this same game
        self.refresh_all()
        self.show_session(self.workshop.status())
        return True

    def action_last_report(self) -> None:
        if not self.game.reports:
            self.notify("No round has been played yet.")
            return
        self.app.push_screen(TeamSummary(self.game, self.game.reports[-1]))

    def action_practices(self) -> None:
        self.poll()
        if not self.planning:
            self.notify(
                "Moves wait for the next round's planning: your facilitator opens it.",
                severity="warning",
            )
            return
        super().action_practices()

    def on_screen_resume(self) -> None:
        self.refresh_all()


class TeamSummary(SummaryScreen, inherit_bindings=False):
    """The round's summary, without the single-player game's new-game and save keys."""

    BINDINGS: ClassVar[list[BindingType]] = [SummaryScreen.BINDINGS[0]]


class TeamHelp(HelpScreen):
    """Help for a team: the team board's keys, not the single-player game's."""

    def content(self) -> Group:
        from ..screens.practices import PracticePanel, PracticeTable

        intro = Text.assemble(
            ("Ship It workshop", "bold"),
            " — every team runs the same organisation on the same random numbers. Plan your "
            "moves (p) while the round is being planned; your facilitator plays every "
            "team's round at once, then you see the summary and the leaderboard.",
        )
        sections = [
            ("Board", TeamBoard.BINDINGS, TeamBoard.HELP),
            ("Planning panel (p)", [*PracticeTable.BINDINGS, *PracticePanel.BINDINGS],
             PracticePanel.HELP),
            ("Round summary", SummaryScreen.BINDINGS[:1], SummaryScreen.HELP),
            ("Everywhere", TeamApp.BINDINGS, {"help": "This help", "quit": "Quit (join "
             "again any time: your moves are kept)"}),
        ]  # fmt: skip
        parts: list[Any] = [intro, Text("")]
        for title, bindings, texts in sections:
            parts += [keys_table(title, bindings, texts, self.app), Text("")]
        legend = Table(title="Reading the board", title_justify="left",
                       title_style="bold underline", box=None, padding=(0, 1),
                       show_header=False)  # fmt: skip
        legend.add_column(style="bold", no_wrap=True)
        legend.add_column()
        for name, text in LEGEND:
            legend.add_row(name, text)
        parts.append(legend)
        return Group(*parts)


class TeamApp(App[None]):
    """One team's client of a workshop session."""

    CSS_PATH = str(Path(__file__).resolve().parent.parent / "app.tcss")
    CSS = "#workshop-status { height: 1; background: $panel; text-wrap: nowrap; }"
    TITLE = "Ship It — workshop"
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

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
            self.push_screen(TeamHelp())
