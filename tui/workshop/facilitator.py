"""``shipit facilitate NAME``: the facilitator's console for a workshop session.

A table of every team (joined, last seen, moves this round, last round's score and four
keys in tier colours), the session's status line and the live leaderboard.  Other
processes (team clients, ``shipit workshop …``) write to the session, so the screen polls
it every :data:`POLL_SECONDS`.  Playing a round runs :meth:`Workshop.play_round` in a
thread worker on its own connection; the console waits with an indicator meanwhile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, LoadingIndicator, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from sim.errors import ScenarioError
from sim.workshop.deck import Deck, load_deck
from sim.workshop.session import FINISHED, PLANNING, DebriefError, Workshop
from sim.workshop.store import Store

from ..display import FOUR_KEYS, tier_style

POLL_SECONDS = 2.0
"""How often the console re-reads the session."""

ALL_TEAMS = "__all__"

CSS = """
FacilitatorScreen { layout: vertical; }
#session-status { height: 1; background: $panel; padding: 0 1; text-wrap: nowrap; }
#teams-box { height: auto; max-height: 60%; }
#board-box { height: 1fr; }
#teams-box, #board-box {
    border: round $primary-background-lighten-3;
    border-title-color: $text-accent;
    border-title-style: bold;
}
#teams, #leaderboard { height: auto; max-height: 100%; }
#pending { height: auto; padding: 0 1; color: $text-muted; }
#busy { height: 1; display: none; }
FacilitatorScreen.-busy #busy { display: block; }
ConfirmScreen, InjectScreen, FacilitatorHelp { align: center middle; background: $background 60%; }
#confirm, #inject, #fhelp {
    width: 80%; max-width: 90; height: auto; max-height: 90%;
    border: thick $accent; background: $surface; padding: 0 1;
    border-title-style: bold;
}
#confirm-buttons { height: 1; margin-top: 1; color: $text-muted; }
#cards { height: auto; max-height: 10; margin-bottom: 1; }
#card-detail { height: auto; min-height: 3; margin-bottom: 1; }
#target { width: 100%; }
"""


def _metric(spec: Any, metrics: dict[str, Any], tiers: dict[str, Any]) -> Text:
    value = metrics.get(spec.key)
    if value is None:
        return Text("—", style="dim")
    return Text(spec.fmt(value), style=tier_style(tiers.get(spec.tier_key)))


def _time(stamp: str | None) -> Text:
    """An ISO timestamp as HH:MM:SS (UTC), or a dim dash."""
    if not stamp:
        return Text("—", style="dim")
    return Text(stamp[11:19] if len(stamp) >= 19 else stamp)


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no to one question."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "answer(True)", "Yes", priority=True),
        Binding("escape,n", "answer(False)", "No", priority=True),
    ]

    def __init__(self, question: str, title: str = "Confirm") -> None:
        super().__init__()
        self.question = question
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.question)
            yield Static("enter/y: yes    escape/n: no", id="confirm-buttons")

    def on_mount(self) -> None:
        self.query_one("#confirm").border_title = self.title_text

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class InjectScreen(ModalScreen[tuple[str, str | None] | None]):
    """Choose a card of the deck and whom it hits; dismissed with (card, team or None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("t", "focus_target", "Target"),
    ]

    def __init__(self, deck: Deck, teams: list[str], upcoming: int) -> None:
        super().__init__()
        self.deck = deck
        self.cards = [c for c in deck.cards if c.available]
        self.teams = teams
        self.upcoming = upcoming

    def compose(self) -> ComposeResult:
        with Vertical(id="inject"):
            yield Static(
                f"Cards take effect at the start of round {self.upcoming}. "
                "↑↓ choose a card, enter plays it; t: target.",
                classes="hint",
            )
            yield OptionList(
                *[Option(Text.assemble((c.title, "bold"), f"  ({c.id})"), id=c.id)
                  for c in self.cards],
                id="cards",
            )  # fmt: skip
            yield Static(id="card-detail")
            yield Select(
                [("All teams", ALL_TEAMS)] + [(t, t) for t in self.teams],
                value=ALL_TEAMS,
                allow_blank=False,
                id="target",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#inject").border_title = "Inject an event card"
        cards = self.query_one(OptionList)
        cards.focus()
        if self.cards:
            cards.highlighted = 0
            self.show_detail(self.cards[0].id)

    def show_detail(self, card_id: str | None) -> None:
        card = next((c for c in self.cards if c.id == card_id), None)
        text = Text(card.description) if card is not None else Text("")
        if self.deck.notes:
            skipped = ", ".join(n.split(":", 1)[0] for n in self.deck.notes)
            text.append(f"\nNot playable yet: {skipped}", style="dim")
        self.query_one("#card-detail", Static).update(text)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_detail(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id)

    def choose(self, card_id: str | None) -> None:
        if card_id is None:
            return
        target = self.query_one(Select).value
        self.dismiss((card_id, None if target == ALL_TEAMS else str(target)))

    def action_focus_target(self) -> None:
        self.query_one(Select).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class FacilitatorHelp(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,enter", "close")]

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(
                ("Facilitator console\n\n", "bold"),
                ("enter", "bold cyan"), "   play the round being planned (asks first)\n",
                ("i", "bold cyan"), "       inject an event card into all teams or one\n",
                ("r", "bold cyan"), "       refresh now (the console also polls every 2 s)\n",
                ("?", "bold cyan"), "       this help\n",
                ("ctrl+q", "bold cyan"), "  quit (the session is kept on disk)\n\n",
                "Teams join with ", ("shipit play --workshop NAME --team T", "bold"),
                "; a crashed client simply joins again.\nThe four keys are coloured by "
                "DORA tier: ", ("elite", tier_style("elite")), " ", ("high", tier_style("high")),
                " ", ("medium", tier_style("medium")), " ", ("low", tier_style("low")), ".",
            ),
            id="fhelp",
        )  # fmt: skip

    def on_mount(self) -> None:
        self.query_one("#fhelp").border_title = "Help"

    def action_close(self) -> None:
        self.dismiss(None)


class FacilitatorScreen(Screen[None]):
    """The session at a glance; the facilitator's keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "play_round", "Play round", key_display="⏎", priority=True),
        Binding("i", "inject", "Inject"),
        Binding("r", "refresh", "Refresh"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
    ]

    def __init__(self, workshop: Workshop) -> None:
        super().__init__()
        self.workshop = workshop
        self.busy = False
        self.timer: Any = None
        self.deck: Deck | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="session-status")
        with Vertical(id="teams-box"):
            yield DataTable(id="teams", cursor_type="none", zebra_stripes=True)
            yield Static(id="pending")
        with Vertical(id="board-box"):
            yield DataTable(id="leaderboard", cursor_type="none", zebra_stripes=True)
        with Horizontal(id="busy"):
            yield LoadingIndicator()
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        # The four keys are written as everywhere (sim.formatting, via tui.display) and
        # cover the last round played, as the leaderboard's "Last round" score does.
        self.query_one("#teams-box").border_title = "Teams (score and four keys: last round)"
        self.query_one("#board-box").border_title = "Leaderboard (total: whole game)"
        teams = self.query_one("#teams", DataTable)
        teams.add_columns("Team", "Joined", "Last seen", "Moves", "Last score")
        for spec in FOUR_KEYS:
            teams.add_column(spec.short, key=spec.key)
        board = self.query_one("#leaderboard", DataTable)
        board.add_columns("#", "Team", "Rounds", "Total", "Last round")
        self.timer = self.set_interval(POLL_SECONDS, self.poll)
        self.poll()

    # ------------------------------------------------------------------ reading
    def poll(self) -> None:
        """Re-read the session (other processes write to it) and redraw."""
        if self.busy:
            return
        try:
            status = self.workshop.status()
            rows = self.workshop.leaderboard()
        except ScenarioError as exc:  # e.g. locked for too long: try again next poll
            self.notify(str(exc), severity="warning")
            return
        self.show(status, rows)

    def show(self, status: Any, rows: list[Any]) -> None:
        self.status = status
        line = Text.assemble(
            (f" {status.name} ", "bold black on cyan"), " ",
            (status.scenario, "bold"), f" · {status.round_days:g} days a round · ",
            f"budget {status.budget:g} pd" if status.budget is not None else "no budget limit",
            " · ",
        )  # fmt: skip
        if status.status == PLANNING:
            line.append(f"Round {status.round} of {status.rounds}: planning", "bold yellow")
            line.append("  (enter plays it)", "dim")
        elif status.status == FINISHED:
            line.append(f"Finished after {status.rounds} rounds", "bold green")
        else:
            line.append(f"Round {status.round} of {status.rounds}: played", "bold green")
        self.query_one("#session-status", Static).update(line)

        by_team = {row.team: row for row in rows}
        teams = self.query_one("#teams", DataTable)
        teams.clear()
        for team in status.teams:
            row = by_team.get(team.name)
            joined = Text("yes", style="green") if team.joined else Text("not yet", style="dim")
            score = (
                Text(f"{row.last_score:,.0f}", style="bold")
                if row is not None and row.last_score is not None
                else Text("—", style="dim")
            )
            metrics = row.last_metrics if row is not None else {}
            tiers = row.last_tiers if row is not None else {}
            teams.add_row(
                Text(team.name, style="bold"), joined, _time(team.last_seen),
                Text(str(team.moves_this_round), style="cyan" if team.moves_this_round else "dim"),
                score, *[_metric(spec, metrics, tiers) for spec in FOUR_KEYS],
                key=team.name,
            )  # fmt: skip
        pending = self.query_one("#pending", Static)
        if status.pending_injects:
            cards = ", ".join(f"{card} → {team or 'all'}" for card, team in status.pending_injects)
            pending.update(f"Injected for the next round: {cards}")
        else:
            pending.update("No cards injected for the next round (i to inject).")

        board = self.query_one("#leaderboard", DataTable)
        board.clear()
        for row in rows:
            last = f"{row.last_score:,.0f}" if row.last_score is not None else "—"
            board.add_row(
                Text(str(row.rank), style="bold"), Text(row.team, style="bold"),
                str(row.rounds_played), Text(f"{row.total:,.0f}", style="bold yellow"), last,
                key=row.team,
            )  # fmt: skip

    # ------------------------------------------------------------------ actions
    def action_refresh(self) -> None:
        self.poll()

    def action_help(self) -> None:
        self.app.push_screen(FacilitatorHelp())

    def action_play_round(self) -> None:
        if self.busy:
            self.notify("A round is being played: wait for it.", severity="warning")
            return
        status = self.workshop.status()
        if status.status == FINISHED:
            self.notify("The workshop is over: every round has been played.")
            return
        waiting = [t.name for t in status.teams if t.moves_this_round == 0]
        question = f"Play round {status.round} of {status.rounds} for every team now?"
        if status.status != PLANNING:
            question = f"Round {status.round} was interrupted: finish playing it now?"
        if waiting:
            question += f"\nNo moves yet from: {', '.join(waiting)}."

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_play()

        self.app.push_screen(ConfirmScreen(question, "Play the round"), answered)

    def start_play(self) -> None:
        self.busy = True
        self.add_class("-busy")
        self.query_one("#session-status", Static).update(
            Text(f" Playing round {self.status.round} for every team… ", "bold black on yellow")
        )
        self.play_worker(self.workshop.store.path)

    @work(thread=True, exclusive=True, group="play", exit_on_error=False)
    def play_worker(self, path: Path) -> int:
        """Play the round on a connection of this thread's own."""
        workshop = Workshop(Store.open(path))
        debrief = None
        if getattr(self.app, "debrief", False):
            from sim.workshop import report  # late: charts pull in matplotlib

            def debrief(session: Workshop) -> None:
                report.write_debrief(session)

        try:
            workshop.play_round(debrief=debrief)
            return workshop.status().round
        finally:
            workshop.close()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "play" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        self.busy = False
        self.remove_class("-busy")
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            # A failed debrief comes after the round is stored: the round was played.
            title = "Debrief not written" if isinstance(error, DebriefError) else "Round not played"
            self.notify(str(error), title=title, severity="error")
        else:
            self.notify("Round played: results are on the leaderboard.")
        self.poll()

    def action_inject(self) -> None:
        if self.busy:
            return
        try:
            self.deck = self.deck or load_deck()
        except ScenarioError as exc:
            self.notify(str(exc), title="No deck", severity="error")
            return
        status = self.workshop.status()
        if status.status == FINISHED:
            self.notify("The workshop is over: no round left to inject into.")
            return
        upcoming = status.round + (0 if status.status == PLANNING else 1)

        def chosen(choice: tuple[str, str | None] | None) -> None:
            if choice is None:
                return
            card, team = choice
            try:
                number = self.workshop.inject(card, team, deck=self.deck)
            except ScenarioError as exc:
                self.notify(str(exc), title="Not injected", severity="error")
                return
            self.notify(f"{card} → {team or 'all teams'} at the start of round {number}.")
            self.poll()

        self.app.push_screen(InjectScreen(self.deck, self.workshop.teams, upcoming), chosen)

    def on_unmount(self) -> None:
        if self.timer is not None:
            self.timer.stop()


class FacilitatorApp(App[None]):
    """The facilitator's console for one workshop session."""

    CSS = CSS
    TITLE = "Ship It — facilitator"
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, workshop: Workshop, debrief: bool = True) -> None:
        super().__init__()
        self.workshop = workshop
        self.debrief = debrief
        """Write the debrief pack after every round (``shipit workshop report`` does too)."""

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.push_screen(FacilitatorScreen(self.workshop))

    @property
    def console_screen(self) -> FacilitatorScreen:
        for screen in self.screen_stack:
            if isinstance(screen, FacilitatorScreen):
                return screen
        raise LookupError("no facilitator screen")
