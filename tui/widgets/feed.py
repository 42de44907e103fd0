"""The incident feed: what failed, which change, how it was detected and restored."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.widgets import RichLog

from ..display import hours_label

SEVERITY_STYLES = {1: "bold red", 2: "red", 3: "yellow", 4: "dim yellow"}
KIND_STYLES = {
    "restored": "green",
    "detected": "cyan",
    "adoption": "magenta",
    "learning": "green",
}
"""Styles by feed-entry kind; incidents (and anything else) are styled by severity."""


class IncidentFeed(RichLog):
    """A scrolling log of feed entries, newest at the bottom."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_lines=400, min_width=20, wrap=True, markup=False, auto_scroll=True, **kwargs
        )
        self.border_title = "Incidents and changes"
        self.can_focus = False
        self.count = 0
        self.origin = 0.0
        """Simulated hours shown as day 1, 00:00 (the game's start, after the warm-up)."""

    def add(self, entries: Iterable[Any]) -> None:
        """Write ``FeedEntry``s (``t``, ``text``, ``severity``, ``kind``)."""
        for entry in entries:
            self.count += 1
            style = KIND_STYLES.get(entry.kind)
            if style is None:
                style = SEVERITY_STYLES.get(entry.severity or 0, "")
            line = Text.assemble(
                (hours_label(entry.t - self.origin), "dim"), " ", (entry.text, style)
            )
            self.write(line)

    def note(self, t: float, text: str, style: str = "bold magenta") -> None:
        """A line of the UI's own (a command the player gave, a round that closed)."""
        self.write(Text.assemble((hours_label(t - self.origin), "dim"), " ", (text, style)))
