"""A round's summary for a workshop team: the leaderboard score, the moves and the cards.

The summary reads the team's record (the board's scores and decisions, as
:class:`TeamRecord`), so it imports no board: the team board
(:mod:`tui.workshop.team_board`) opens it with itself as the record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import BindingType

from sim.workshop.scoring import LeaderboardScore, leaderboard_score
from sim.workshop.views import Decision

from ..display import hours_label
from ..screens.summary import SummaryScreen, metrics_table, overload_text, stream_section

if TYPE_CHECKING:
    from sim.game import Game, RoundReport


class TeamRecord(Protocol):
    """What a team's summary reads of the team's board."""

    decisions: list[Decision]
    """The team's moves and the facilitator's cards, in the order they were made."""

    def round_scores(self) -> dict[int, tuple[LeaderboardScore, LeaderboardScore]]:
        """Per played round: the team's leaderboard score and the untouched one's."""
        ...

    def totals(self) -> tuple[float, float]:
        """The leaderboard total of the team and of the untouched organisation."""
        ...

    def decision_text(self, decision: Decision) -> str:
        """A move in the team's words; a card as the facilitator's."""
        ...


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

    def __init__(self, game: Game, report: RoundReport, board: TeamRecord | None = None) -> None:
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

    def changes(self, board: TeamRecord) -> Text:
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
    """Green when ``mine`` is the higher score, red when lower."""
    return "bold green" if mine > theirs else "bold red" if mine < theirs else "bold"


def _breakdown(mine: LeaderboardScore, ghost: LeaderboardScore) -> Table:
    """A round's score part by part (:data:`SCORE_PARTS`), the team's and the untouched."""
    table = Table(box=None, padding=(0, 1), header_style="bold", show_edge=False)
    table.add_column("")
    table.add_column("you", justify="right")
    table.add_column("untouched", justify="right", style="dim")
    for key, label in SCORE_PARTS:
        table.add_row(label, f"{getattr(mine, key):+,.0f}", f"{getattr(ghost, key):+,.0f}")
    return table


def _rounds(scores: dict[int, tuple[LeaderboardScore, LeaderboardScore]]) -> Table:
    """Every played round's total, the team's and the untouched organisation's."""
    table = Table(box=None, padding=(0, 1), header_style="bold")
    for name, justify in (("round", "left"), ("you", "right"), ("untouched", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for number, (mine, ghost) in sorted(scores.items()):
        table.add_row(f"Round {number}", Text(f"{mine.total:,.0f}",
                                              style=_style(mine.total, ghost.total)),
                      Text(f"{ghost.total:,.0f}", style="dim"))  # fmt: skip
    return table
