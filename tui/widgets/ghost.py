"""You against the ghost: the untouched organisation on the same random numbers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.widgets import Static

from ..display import DEMAND, FOUR_KEYS, GAME_WINDOW, LIVE_WINDOW, OUTCOMES, clean, difference

ROWS = (*FOUR_KEYS, *DEMAND, *OUTCOMES)
GAP_W = 12
"""Columns the gap needs (``  ▲ 12.3 pp``); narrower panels show only its arrow."""


class GhostPanel(Static):
    """Each metric for you and the ghost over the live window (the last four weeks, as the
    four keys' tiles), and the gap, coloured; the score adds up the rounds closed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.border_title = f"You vs ghost ({LIVE_WINDOW})"
        self._state: tuple[Any, ...] = ()
        self._player: Mapping[str, Any] = {}
        self._ghost: Mapping[str, Any] = {}
        self._score: tuple[float, float] | None = None

    def show(
        self,
        player: Mapping[str, Any],
        ghost: Mapping[str, Any],
        score: tuple[float, float] | None = None,
    ) -> None:
        state = (
            tuple(clean(player.get(s.key)) for s in ROWS),
            tuple(clean(ghost.get(s.key)) for s in ROWS),
            score,
        )
        if state == self._state:
            return
        self._state, self._player, self._ghost, self._score = state, player, ghost, score
        self.update(self._content())

    def on_resize(self) -> None:
        if self._state:
            self.update(self._content())

    def _content(self) -> Text:
        width = max(40, self.content_size.width)
        col = 12
        label_w = max(12, min(22, width - 2 * col - 14))
        # The whole gap where it fits; else its arrow alone, in the same colour.
        gap = width >= label_w + 2 * col + 1 + GAP_W
        out = Text(no_wrap=True, overflow="ellipsis")
        header = f"{'':<{label_w}}{'you':>{col}}{'ghost':>{col + 1}}"
        out.append(header + ("  gap" if gap else ""), style="dim")
        for spec in ROWS:
            you = spec.fmt(clean(self._player.get(spec.key)))
            ghost = spec.fmt(clean(self._ghost.get(spec.key)))
            label = spec.label if len(spec.label) < label_w else spec.short
            diff = difference(spec, self._player.get(spec.key), self._ghost.get(spec.key))
            out.append("\n")
            out.append(f"{label:<{label_w}}", style="bold")
            out.append(f"{you:>{col}}", style="cyan")
            out.append(f"{ghost:>{col + 1}}", style="dim")
            if gap:
                out.append("  ")
                out.append_text(diff)
            else:
                out.append(" ")
                out.append(diff.plain[:1], style=diff.style)
        if self._score is not None:
            mine, theirs = self._score
            style = "bold green" if mine > theirs else "bold red" if mine < theirs else "bold"
            out.append("\n")
            name = f"Score, {GAME_WINDOW}"
            out.append(f"{name if len(name) < label_w else 'Game score':<{label_w}}", style="bold")
            out.append(f"{mine:>{col},.0f}", style=style)
            out.append(f"{theirs:>{col + 1},.0f}", style="dim")
        return out
