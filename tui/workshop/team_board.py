"""A team's board in a workshop: the session's game, changed only through moves.

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
team's game, and each round's summary (:mod:`tui.workshop.team_summary`) says where the
time went, as the solo summary does.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from sim.errors import ScenarioError
from sim.game import describe_command
from sim.model.commands import InjectIncident, ResizePool, SetPractice
from sim.workshop.deck import load_deck
from sim.workshop.scoring import LeaderboardScore, leaderboard_score
from sim.workshop.session import FINISHED, PLANNING, Workshop
from sim.workshop.views import Decision

from ..display import describe, practice_label, value_text
from ..screens.board import BoardScreen
from ..widgets.feed import IncidentFeed
from ..widgets.flow import FlowView
from ..widgets.ghost import GhostPanel
from ..widgets.status import Status, StatusBar
from .team_summary import TeamSummary

if TYPE_CHECKING:
    from sim.game import RoundReport
    from sim.model import Command

POLL_SECONDS = 2.0
"""How often the client re-reads the session."""


class TeamStatusBar(StatusBar):
    """The board's status bar without "paused · space runs": the facilitator runs rounds."""

    def status_text(self) -> Text:
        text = super().status_text()
        s = self.shown
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
        Binding("p", "practices", "Plan moves",
                tooltip="Plan this round: switch practices, resize teams, reorganise (each "
                "change is a move)"),
        Binding("r", "last_report", "Last round", tooltip=BoardScreen.HELP["last_report"]),
        Binding("t", "value_stream", "Where the time goes",
                tooltip=BoardScreen.HELP["value_stream"]),
        Binding("g", "toggle_ghost", "Ghost", show=False,
                tooltip=BoardScreen.HELP["toggle_ghost"]),
        Binding("v", "cycle_view", "View", show=False, tooltip=BoardScreen.HELP["cycle_view"]),
    ]  # fmt: skip

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

    def summary(self, report: RoundReport) -> TeamSummary:
        return TeamSummary(self.game, report, board=self)

    # ------------------------------------------------------------------ moves
    def apply_command(self, command: Command) -> bool:
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


def effect_text(command: Command) -> str:
    """What a card did, in the facilitator's words (``developers set to 39``)."""
    if isinstance(command, SetPractice):
        return f"{practice_label(command.practice).lower()} set to {value_text(command.value)}"
    if isinstance(command, ResizePool):
        return f"{command.role} set to {command.size}"
    if isinstance(command, InjectIncident):
        return f"a severity-{command.severity} incident"
    return describe_command(command)
