"""The status bar: run state, speed, simulated date, round, budget and score.

Each figure names its window: the bar is the round's progress, the budget is what is left
this round, the score adds up the rounds closed in the whole game.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import Static

from ..display import GAME_WINDOW, ROUND_WINDOW, bar

if TYPE_CHECKING:
    from sim.game import Game


@dataclass(frozen=True, slots=True)
class Status:
    """Everything the status bar shows, so it redraws only when something changed."""

    state: str  # "paused", "running", "fast", "over"
    speed: str
    date: str
    round_number: int
    rounds: int
    round_share: float
    budget_left: float | None
    score: float
    ghost_score: float
    title: str
    progress: float | None = None


def status_of(game: Game, state: str, speed: str, progress: float | None = None) -> Status:
    """The bar's figures for ``game``, its loop in ``state`` at ``speed`` (a label such as
    ``5 days/s``), a fast-forward ``progress`` (0–1) done if there is one."""
    span = max(1e-9, game.round_end - game.round_start)
    share = 1.0 if game.finished else (game.now - game.round_start) / span
    info = getattr(game.scenario, "scenario", None)
    return Status(
        state=state,
        speed=speed,
        date=game.date_label(),
        round_number=game.round_number,
        rounds=game.rounds,
        round_share=min(1.0, max(0.0, share)),
        budget_left=game.budget_left,
        score=game.total_score,
        ghost_score=game.ghost_total_score,
        title=getattr(info, "title", "") or getattr(info, "name", ""),
        progress=progress,
    )


STATE_STYLES = {
    "paused": ("⏸ PAUSED", "bold black on yellow"),
    "running": ("▶ RUNNING", "bold black on green"),
    "fast": ("⏩ FAST-FORWARD", "bold white on magenta"),
    "over": ("■ GAME OVER", "bold white on red"),
}


class StatusBar(Static):
    """One line at the top of the board."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.shown: Status | None = None
        """The status on the bar (None before the first)."""

    def show(self, status: Status) -> None:
        if status == self.shown:
            return
        self.shown = status
        self.update(self.status_text())

    def on_resize(self) -> None:
        if self.shown is not None:
            self.update(self.status_text())

    def status_text(self) -> Text:
        """The bar's line for :attr:`shown`, fitted to the bar's width."""
        s = self.shown
        if s is None:
            return Text("")
        width = self.content_size.width or 80
        label, style = STATE_STYLES[s.state]
        if s.state == "fast" and s.progress is not None:
            label = f"{label} {s.progress * 100:3.0f}%"
        elif s.state == "running":
            label = f"{label} {s.speed}"
        elif s.state == "paused" and width >= 100:
            label = f"{label} · space runs"
        cells = 8 if width < 100 else 12
        out = self._line(s, label, style, cells, named=True)
        if out.cell_len > width:  # narrow: the windows in short words
            out = self._line(s, label, style, cells, named=False)
        if out.cell_len > width:  # narrower still: the round's bar goes (the date says
            out = self._line(s, label, style, 0, named=False)  # "day N"), the scores stay
        if out.cell_len + len(s.title) + 4 <= width:
            out.append("  " + s.title, style="dim italic")
        return out

    @staticmethod
    def _line(s: Status, label: str, style: str, cells: int, named: bool) -> Text:
        """The bar without its title, the round's progress ``cells`` wide (0: none);
        ``named`` spells the budget's and score's windows out (``this round``, ``whole
        game``), else they read ``… pd left`` and ``Game score``."""
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(f" {label} ", style=style)
        out.append(f" {s.date} ", style="bold")
        if cells:
            out.append(bar(s.round_share, cells), style="cyan")
        if s.budget_left is not None:
            low = s.budget_left < 10
            left = (
                f"{s.budget_left:,.0f} pd {ROUND_WINDOW}" if named else f"{s.budget_left:,.0f} pd"
            )
            out.append(f"  Budget {left}", style="bold red" if low else "bold")
        diff = s.score - s.ghost_score
        score_style = "bold green" if diff > 0 else "bold red" if diff < 0 else "bold"
        out.append(f"  Score ({GAME_WINDOW}) " if named else "  Game score ", style="bold")
        out.append(f"{s.score:,.0f}", style=score_style)
        out.append(f" vs ghost {s.ghost_score:,.0f}", style="dim")
        return out
