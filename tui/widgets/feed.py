"""The incident feed: what failed, which change, how it was detected and restored."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.events import Resize
from textual.widgets import RichLog

from ..display import hours_label

if TYPE_CHECKING:
    from sim.game import RoundReport

SEVERITY_STYLES = {1: "bold red", 2: "red", 3: "yellow", 4: "dim yellow"}
KIND_STYLES = {
    "restored": "green",
    "detected": "cyan",
    "adoption": "magenta",
    "learning": "green",
}
"""Styles by feed-entry kind; incidents (and anything else) are styled by severity."""


MAX_LINES = 400
"""Feed entries kept (older ones scroll away)."""


class IncidentFeed(RichLog):
    """A scrolling log of feed entries, newest at the bottom.

    A ``RichLog`` wraps a line once, at the width it has when the line is written.  The
    feed keeps its entries and wraps them again when its width changes (the first layout
    of a screen, a resized terminal, a narrow board's panels), so an entry written before
    the final layout is not left wrapped at a third of the screen.

    Lines are wrapped at the feed's own width, given to ``write``: left to itself,
    ``RichLog`` wraps at the narrower of that and the console's width, which is the
    terminal's only in a terminal (80 columns headless, the first size under
    textual-serve), so a feed wider than that would wrap its lines early.  (A
    ``RichLog`` always shows its vertical scrollbar, so the width does not change when the
    feed fills up.)
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_lines=MAX_LINES, min_width=20, wrap=True, markup=False, auto_scroll=True, **kwargs
        )
        self._entries: deque[Text] = deque(maxlen=MAX_LINES)
        self._wrapped_at = 0
        self._text_width = 0
        """The width lines are wrapped at (see ``_wrap_width``)."""
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
            self._put(line)

    def note(self, t: float, text: str, style: str = "bold magenta") -> None:
        """A line of the UI's own (a command the player gave, a round that closed)."""
        self._put(Text.assemble((hours_label(t - self.origin), "dim"), " ", (text, style)))

    def note_round(self, report: RoundReport) -> None:
        """The line for a round that closed: its score and the ghost's."""
        self.note(
            report.end_hours,
            f"Round {report.number} closed: score {report.score:,.0f} "
            f"(ghost {report.ghost_score:,.0f})",
            "bold",
        )

    def replay(self, entries: Sequence[Any], reports: Iterable[RoundReport]) -> int:
        """A game's feed ``entries`` up to its last closed round, each round's line where
        the round ended, as if it had been played here; returns how many entries it wrote
        (those after the last round's end are left for the board's next redraw)."""
        written = 0
        for report in reports:
            upto = written
            while upto < len(entries) and entries[upto].t <= report.end_hours:
                upto += 1
            self.add(entries[written:upto])
            written = upto
            self.note_round(report)
        return written

    def _put(self, line: Text) -> None:
        self._entries.append(line)
        self.write(line, width=self._wrap_width())

    def _wrap_width(self) -> int | None:
        """The feed's text width; while the feed is hidden (a narrow board showing another
        panel) the width it had when last shown; None before the first layout (the write
        waits for it)."""
        width = self.scrollable_content_region.width
        if width > 0:
            self._text_width = max(self.min_width, width)
        return self._text_width or None

    def on_resize(self, event: Resize) -> None:
        """Wrap every kept entry again at the new width (runs before ``RichLog``'s own
        handler, which renders the writes deferred until the first size is known)."""
        width = event.size.width
        if not width or width == self._wrapped_at:
            return
        self._wrapped_at = width
        if not self._entries:
            return
        # The lines shown (and the writes deferred until the first size was known), not
        # the entries kept; before the first size, RichLog's own handler (next) renders
        # these writes, now with the width.
        super().clear()
        for line in self._entries:
            self.write(line, width=self._wrap_width())

    def clear(self) -> IncidentFeed:
        """Empty the feed, the entries kept for re-wrapping too (else a resize would bring
        back what was cleared)."""
        self._entries.clear()
        super().clear()
        return self
