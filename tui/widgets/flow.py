"""The flow of work along the road from code to customer: queues, work in progress, people."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import Static

from ..display import bar, clean

SHORT_NAMES = {
    "Waiting for release": "To release",
    "Release & deploy": "Deploying",
    "In production": "Production",
    "Teams (dev, test, ops)": "Teams",
}
"""Stage names for a narrow panel."""


def short_name(name: str, width: int) -> str:
    """``name`` if it fits in ``width``, else its short form, cut to ``width``."""
    if len(name) <= width:
        return name
    return SHORT_NAMES.get(name, name)[:width]


class FlowView(Static):
    """One line per stage: items waiting (with a bar), items in work, people busy."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.border_title = "Flow of work"
        self._state: tuple[Any, ...] = ()
        self._stages: Sequence[Any] = ()
        self._unplanned: float | None = None

    def show(self, stages: Sequence[Any], unplanned: Any = None) -> None:
        """Draw ``stages`` (``FlowStage``s in road order) and the unplanned-work share."""
        unplanned = clean(unplanned)
        state = (
            tuple((s.name, s.queued, s.active, s.people_busy, s.people) for s in stages),
            None if unplanned is None else round(unplanned, 3),
        )
        if state == self._state:
            return
        self._state, self._stages, self._unplanned = state, stages, unplanned
        self.update(self._content())

    def on_resize(self) -> None:
        if self._state:
            self.update(self._content())

    def _content(self) -> Text:
        width = max(30, self.content_size.width)
        name_w = max((len(s.name) for s in self._stages), default=8)
        name_w = min(max(name_w, 9), 20 if width >= 44 else 12)
        tail_w = 19  # " 1234 1234  138/140"
        bar_w = max(4, width - name_w - tail_w - 1)
        most = max((s.queued for s in self._stages), default=0)
        scale = max(most, 10)
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(f"{'':{name_w}} {'waiting':<{bar_w + 5}}{'work':>5}  people", style="dim")
        for s in self._stages:
            out.append("\n")
            out.append(f"{short_name(s.name, name_w):<{name_w}} ", style="bold")
            if s.name.lower().startswith("in production"):
                out.append(f"{s.active:,} changes delivered", style="green")
                continue
            colour = "red" if s.queued >= 0.6 * scale else "yellow" if s.queued else "dim"
            out.append(bar(s.queued / scale, bar_w), style=colour)
            out.append(f" {s.queued:>4}", style="bold" if s.queued else "dim")
            out.append(f" {s.active:>4}", style="cyan" if s.active else "dim")
            if s.people is not None:
                busy = s.people_busy if s.people_busy is not None else 0
                share = busy / s.people if s.people else 0.0
                style = "red" if share >= 0.95 else "yellow" if share >= 0.75 else "green"
                out.append(f"  {busy:>3}/{s.people}", style=style)
        out.append("\n")
        out.append(f"{'Unplanned':<{name_w}} ", style="bold")
        share = self._unplanned
        if share is None:
            out.append("no data yet", style="dim")
        else:
            style = "red" if share >= 0.3 else "yellow" if share >= 0.15 else "green"
            out.append(bar(share, bar_w), style=style)
            out.append(f" {share * 100:4.0f}%", style=style)
            out.append(" of time", style="dim")
        return out
