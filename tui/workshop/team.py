"""``shipit play --workshop NAME --team T``: a team's client for a workshop session.

The team's board is the game's own board (:class:`~tui.screens.board.BoardScreen`) showing
:meth:`Workshop.team_game` read-only: the game is never run here, the facilitator plays
every team's round at once.  While a round is being planned the practice panel (``p``)
submits each change as a move (:meth:`Workshop.submit`); a refused move is a
notification.  The screen polls the session every :data:`POLL_SECONDS`; when the session
changed it rebuilds the board, and it shows the summary of every round with stored results
it has not shown yet (decided from the stored results, never from catching a status: a
round played and the next opened between two polls is still shown).  Scores are the
workshop's leaderboard score (:mod:`sim.workshop.scoring`), the one the facilitator's
console and the debrief show; the feed tells the team's moves from the facilitator's cards.
``t`` opens the solo board's "where the time goes" (:mod:`tui.screens.valuestream`) on the
team's game, and each round's summary says where the time went, as the solo summary does.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from sim.errors import ScenarioError
from sim.game import describe_command
from sim.model.commands import InjectIncident, ResizePool, SetPractice
from sim.workshop.deck import load_deck
from sim.workshop.scoring import LeaderboardScore, leaderboard_score
from sim.workshop.session import FINISHED, PLANNING, Workshop
from sim.workshop.views import Decision

from ..display import describe, hours_label, practice_label, value_text
from ..screens.board import BoardScreen
from ..screens.help import LEGEND, HelpScreen, keys_table
from ..screens.summary import SummaryScreen, metrics_table, overload_text, stream_section
from ..widgets.feed import IncidentFeed
from ..widgets.flow import FlowView
from ..widgets.ghost import GhostPanel
from ..widgets.status import Status, StatusBar

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
        Binding("t", "value_stream", "Where the time goes"),
        Binding("g", "toggle_ghost", "Ghost", show=False),
        Binding("v", "cycle_view", "View", show=False),
    ]
    HELP: ClassVar[dict[str, str]] = {
        "practices": "Plan this round: switch practices, resize teams, reorganise (each change "
        "is a move)",
        "last_report": "Show the last round's summary again",
        "value_stream": BoardScreen.HELP["value_stream"],
        "toggle_ghost": BoardScreen.HELP["toggle_ghost"],
        "cycle_view": BoardScreen.HELP["cycle_view"],
    }

    def __init__(self, workshop: Workshop, team: str) -> None:
        self.workshop = workshop
        self.team = team
        game, decisions = workshop.team_history(team)
        super().__init__(game)
        self.decisions: list[Decision] = decisions
        self.results: dict[int, dict[str, Any]] = {
            row["round"]: row for row in workshop.results(team)
        }
        self.session_round = 0
        self.session_status = ""
        self.shown_round = max(self.results, default=0)
        """The last round whose summary this client showed (or had seen when it joined):
        every stored round after it is still to show."""
        self.poll_timer: Any = None
        self._written: set[tuple[float, str]] = set()
        self._welcomed = False
        self._titles: dict[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="workshop-status")
        for widget in super().compose():
            yield TeamStatusBar(id="status") if isinstance(widget, StatusBar) else widget

    def on_mount(self) -> None:
        super().on_mount()
        self.poll_timer = self.set_interval(POLL_SECONDS, self.poll)
        self.show_session(self.workshop.status())

    def welcome(self) -> None:
        """The feed's first lines: written once, however often the board is reloaded."""
        if self._welcomed:
            return
        self._welcomed = True
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

    # ------------------------------------------------------------------ the feed
    def card_title(self, card: str) -> str:
        """A card's title from the default deck (its id if the deck does not have it)."""
        if self._titles is None:
            try:
                self._titles = {c.id: c.title for c in load_deck().cards}
            except ScenarioError:
                self._titles = {}
        return self._titles.get(card, card)

    def decision_text(self, decision: Decision) -> str:
        """A move in the team's words; a card as the facilitator's, with its effects."""
        if decision.card is None:
            return "; ".join(describe(c) for c in decision.commands)
        effects = "; ".join(effect_text(c) for c in decision.commands) or "no effect"
        return f"Facilitator card '{self.card_title(decision.card)}': {effects}"

    def write_feed(self) -> None:
        """Append the lines the feed has not shown yet: the decisions (moves and cards)
        and the game's own entries, in time order.  Rebuilding the game after a round
        repeats earlier entries; each line is written once."""
        feed = self.query_one(IncidentFeed)
        lines: list[tuple[float, int, str, Any]] = [
            (d.t, 0, self.decision_text(d), d) for d in self.decisions
        ]
        lines += [(e.t, 1, e.text, e) for e in self.game.feed()]
        lines.sort(key=lambda line: (line[0], line[1]))
        for t, kind, text, item in lines:
            key = (round(t, 6), text)
            if key in self._written:
                continue
            self._written.add(key)
            if kind == 0:
                style = "bold magenta" if item.card is None else "bold yellow"
                feed.note(t, text, style)
            else:
                feed.add([item])

    def refresh_fast(self) -> None:
        self.query_one(StatusBar).show(self.status())
        unplanned = self._metrics[0].get("unplanned_work_share")
        self.query_one(FlowView).show(self.game.flow(), unplanned, self._demand)
        if self._feed_ready:
            self.write_feed()

    # ------------------------------------------------------------------ the score
    def round_scores(self) -> dict[int, tuple[LeaderboardScore, LeaderboardScore]]:
        """Per played round: the team's leaderboard score (as stored) and the untouched
        organisation's, scored the same way."""
        scores = {}
        for report in self.game.reports:
            row = self.results.get(report.number)
            if row is None:
                continue
            parts = {k: v for k, v in row["parts"].items() if k != "total"}
            try:
                mine = LeaderboardScore(**parts)
            except TypeError:
                mine = leaderboard_score(report.player, report.player_tiers)
            ghost = leaderboard_score(report.ghost, report.ghost_tiers)
            scores[report.number] = (mine, ghost)
        return scores

    def totals(self) -> tuple[float, float]:
        """The leaderboard total of the team and of the untouched organisation."""
        scores = self.round_scores().values()
        return sum(m.total for m, _ in scores), sum(g.total for _, g in scores)

    def status(self) -> Status:
        mine, ghost = self.totals()
        return replace(super().status(), score=mine, ghost_score=ghost)

    def refresh_slow(self) -> None:
        super().refresh_slow()
        if not self.fast:
            player, ghost = self._metrics
            self.query_one(GhostPanel).show(player, ghost, self.totals())

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
        """Re-read the session; rebuild the board when it changed, and show the summary of
        every round with stored results this client has not shown yet (two rounds played
        between polls: both, oldest first)."""
        try:
            status = self.workshop.status()
            played = self.workshop.played_rounds(self.team)
        except ScenarioError as exc:
            self.notify(str(exc), severity="warning")
            return
        unseen = [n for n in played if n > self.shown_round]
        changed = (status.round, status.status) != (self.session_round, self.session_status)
        self.show_session(status)
        if changed or unseen:
            self.reload(unseen)

    def reload(self, unseen: list[int] | None = None) -> None:
        """The team's game again, from the session (a new round, injects, a rejoin); then
        the summaries of the ``unseen`` rounds."""
        try:
            game, decisions = self.workshop.team_history(self.team)
            results = {row["round"]: row for row in self.workshop.results(self.team)}
        except ScenarioError as exc:
            self.notify(str(exc), severity="error")
            return
        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()  # a practice panel or summary about the old state
        self.game, self.decisions, self.results = game, decisions, results
        self.refresh_all()
        reports = {r.number: r for r in game.reports}
        to_show = [n for n in unseen or [] if n in reports and n in results]
        for number in reversed(to_show):  # the oldest on top: closing it shows the next
            self.app.push_screen(self.summary(reports[number]))
        if to_show:
            self.shown_round = max(to_show)

    def summary(self, report: Any) -> TeamSummary:
        return TeamSummary(self.game, report, board=self)

    # ------------------------------------------------------------------ moves
    def apply_command(self, command: Any) -> bool:
        """Submit ``command`` as this team's move; mirror it on the board if accepted."""
        try:
            self.workshop.submit(self.team, command)
        except ScenarioError as exc:
            self.notify(exc.message, title="Move refused", severity="error")
            return False
        self.game.apply(command)  # the session accepted it on this same game
        self.decisions.append(Decision(self.game.round_number, self.game.now, None, (command,)))
        self.refresh_all()
        self.show_session(self.workshop.status())
        return True

    def action_last_report(self) -> None:
        if not self.game.reports:
            self.notify("No round has been played yet.")
            return
        self.app.push_screen(self.summary(self.game.reports[-1]))

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


def effect_text(command: Any) -> str:
    """What a card did, in the facilitator's words (``developers set to 39``)."""
    if isinstance(command, SetPractice):
        return f"{practice_label(command.practice).lower()} set to {value_text(command.value)}"
    if isinstance(command, ResizePool):
        return f"{command.role} set to {command.size}"
    if isinstance(command, InjectIncident):
        return f"a severity-{command.severity} incident"
    return describe_command(command)


SCORE_PARTS: tuple[tuple[str, str], ...] = (
    ("four_keys", "four keys (100 per tier step)"),
    ("delivered", "changes delivered"),
    ("availability", "availability"),
    ("unplanned_work", "firefighting (unplanned work above 20 %)"),
    ("on_call", "on-call load (over 2 pages a week)"),
)


class TeamSummary(SummaryScreen, inherit_bindings=False):
    """The round's summary with the workshop's leaderboard score (the score every screen
    of the workshop shows), the team's moves apart from the facilitator's cards, and
    without the single-player game's new-game and save keys."""

    BINDINGS: ClassVar[list[BindingType]] = [SummaryScreen.BINDINGS[0]]

    def __init__(self, game: Any, report: Any, board: TeamBoard | None = None) -> None:
        self.board = board
        super().__init__(game, report)

    def content(self) -> Group:
        board = self.board
        if board is None:
            return super().content()
        r = self.report
        scores = board.round_scores()
        mine, ghost = scores.get(r.number) or (
            leaderboard_score(r.player, r.player_tiers),
            leaderboard_score(r.ghost, r.ghost_tiers),
        )
        total, ghost_total = board.totals()
        parts: list[Any] = []
        if self.final:
            verdict = (
                "You beat the untouched organisation." if total > ghost_total
                else "The untouched organisation did as well as you." if total == ghost_total
                else "The untouched organisation beat you."
            )  # fmt: skip
            final = Text.assemble(("Final leaderboard total: ", "bold"),
                                  (f"{total:,.0f}", _style(total, ghost_total)),
                                  (f"   untouched {ghost_total:,.0f}", "dim"))  # fmt: skip
            parts += [final, Text(verdict, style=_style(total, ghost_total)), Text("")]
            parts += [Text("Every round", style="bold underline"), _rounds(scores), Text("")]
        headline = Text.assemble(
            (f"Round {r.number} leaderboard score: ", "bold"),
            (f"{mine.total:,.0f}", _style(mine.total, ghost.total)),
            (f"   untouched organisation {ghost.total:,.0f}", "dim"),
        )
        if not self.final:
            headline.append(f"   ·   total {total:,.0f}", style="bold")
            headline.append(f" vs {ghost_total:,.0f}", style="dim")
        parts += [headline, _breakdown(mine, ghost), Text("")]
        warning = overload_text(r)
        if warning is not None:
            parts += [warning, Text("")]
        parts += [Text("What changed this round", style="bold underline")]
        parts += [self.changes(board), Text("")]
        parts += stream_section(self.game, r)
        parts += [Text("You vs the ghost this round", style="bold underline"), metrics_table(r)]
        parts += [Text(""), Text("The leaderboard's score, the one the facilitator shows: "
                                 "see the breakdown above.", style="dim")]  # fmt: skip
        return Group(*parts)

    def changes(self, board: TeamBoard) -> Text:
        """The round's moves and cards; only what happened, nothing it did not say."""
        r, origin = self.report, getattr(self.game, "start", 0.0)
        this_round = [d for d in board.decisions if d.round == r.number]
        if not this_round:
            before = [d for d in board.decisions if d.round < r.number and d.commands]
            text = "No moves and no facilitator cards this round"
            if not before:
                text += ": so far you and the untouched organisation ran the same."
            else:
                text += "; earlier rounds' changes still count."
            return Text(text, "dim")
        out = Text()
        for i, decision in enumerate(this_round):
            if i:
                out.append("\n")
            out.append(f"{hours_label(decision.t - origin)} ", style="dim")
            style = "yellow" if decision.card is not None else ""
            out.append(board.decision_text(decision), style=style)
        if any(d.card is None for d in this_round):
            out.append(f"\nYour moves cost {r.spent_person_days:,.0f} person-days.", style="dim")
        else:
            out.append("\nNo moves of yours this round.", style="dim")
        return out


def _style(mine: float, theirs: float) -> str:
    return "bold green" if mine > theirs else "bold red" if mine < theirs else "bold"


def _breakdown(mine: LeaderboardScore, ghost: LeaderboardScore) -> Table:
    table = Table(box=None, padding=(0, 1), header_style="bold", show_edge=False)
    table.add_column("")
    table.add_column("you", justify="right")
    table.add_column("untouched", justify="right", style="dim")
    for key, label in SCORE_PARTS:
        table.add_row(label, f"{getattr(mine, key):+,.0f}", f"{getattr(ghost, key):+,.0f}")
    return table


def _rounds(scores: dict[int, tuple[LeaderboardScore, LeaderboardScore]]) -> Table:
    table = Table(box=None, padding=(0, 1), header_style="bold")
    for name, justify in (("round", "left"), ("you", "right"), ("untouched", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for number, (mine, ghost) in sorted(scores.items()):
        table.add_row(f"Round {number}", Text(f"{mine.total:,.0f}",
                                              style=_style(mine.total, ghost.total)),
                      Text(f"{ghost.total:,.0f}", style="dim"))  # fmt: skip
    return table


class TeamHelp(HelpScreen):
    """Help for a team: the team board's keys, not the single-player game's."""

    def content(self) -> Group:
        from ..screens.practices import PracticePanel, PracticeTable
        from ..screens.valuestream import ValueStreamScreen

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
            ("Where the time goes (t)", ValueStreamScreen.BINDINGS, ValueStreamScreen.HELP),
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
