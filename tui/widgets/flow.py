"""The flow of work along the road from code to customer: queues, work in progress, people.

Its last line says whether the organisation keeps up with its demand (backlog growth and
the share of demand delivered), and its border carries the OVERLOADED flag when the
backlog grows without bound: the four keys start at commit and cannot show that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import Static

from sim.formatting import format_value
from sim.report import OVERLOAD_STYLE

from ..display import Demand, bar, clean

SHORT_NAMES = {
    "Waiting for release": "To release",
    "Release & deploy": "Deploying",
    "In production": "Production",
    "Teams (dev, test, ops)": "Teams",
}
"""Stage names for a narrow panel."""

TITLE = "Flow of work"


def short_name(name: str, width: int) -> str:
    """``name`` if it fits in ``width``, else its short form, cut to ``width``."""
    if len(name) <= width:
        return name
    return SHORT_NAMES.get(name, name)[:width]


class FlowView(Static):
    """One line per stage: items waiting (with a bar), items in work, people busy."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.border_title = TITLE
        self._state: tuple[Any, ...] = ()
        self._stages: Sequence[Any] = ()
        self._unplanned: float | None = None
        self._demand: Demand | None = None

    def show(
        self, stages: Sequence[Any], unplanned: Any = None, demand: Demand | None = None
    ) -> None:
        """Draw ``stages`` (``FlowStage``s in road order), the unplanned-work share and
        whether demand is met (flagging an overloaded player or ghost on the border)."""
        unplanned = clean(unplanned)
        state = (
            tuple((s.name, s.queued, s.active, s.people_busy, s.people) for s in stages),
            None if unplanned is None else round(unplanned, 3),
            demand,
        )
        if state == self._state:
            return
        self._state, self._stages, self._unplanned = state, stages, unplanned
        if demand != self._demand:
            self._demand = demand
            self._flag(demand)
        self.update(self._content())

    @property
    def overloaded(self) -> bool:
        """Whether the player's organisation is flagged as overloaded now."""
        return self._demand is not None and self._demand.overloaded

    def _flag(self, demand: Demand | None) -> None:
        """OVERLOADED on the top border for the player, on the bottom one for the ghost."""
        mine = demand is not None and demand.overloaded
        ghost = demand is not None and demand.ghost_overloaded
        flag = (" OVERLOADED ", OVERLOAD_STYLE)
        self.border_title = Text.assemble(TITLE, " ", flag) if mine else TITLE
        self.border_subtitle = Text.assemble(("ghost ", "dim"), flag) if ghost else None

    def on_resize(self) -> None:
        if self._state:
            self.update(self._content())

    def _content(self) -> Text:
        width = max(30, self.content_size.width)
        name_w = max((len(s.name) for s in self._stages), default=8)
        name_w = min(max(name_w, 9), 20 if width >= 44 else 12)
        tail_w = 19  # " 1234 1234  138/140"
        bar_w = max(2, width - name_w - tail_w - 1)  # the people column must fit first
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
            # As the you-vs-ghost panel writes it (sim.formatting): the same 4-week window.
            out.append(f" {format_value('unplanned_work_share', share):>6}", style=style)
            out.append(" of time", style="dim")
        if self._demand is not None:
            out.append("\n")
            out.append(f"{'Backlog':<{name_w}} ", style="bold")
            out.append_text(demand_text(self._demand, width - name_w - 1))
        return out


def demand_text(demand: Demand, width: int) -> Text:
    """``+34/wk · 82% delivered``: backlog growth and the share of demand delivered, the
    longest form that fits ``width`` (down to ``+34/wk 82% deliv.``); red when overloaded."""
    growth, share = demand.backlog_growth, demand.delivered_share
    style = "bold red" if demand.overloaded else "green" if (growth or 0) <= 0.5 else "yellow"
    if growth is None:
        return Text("no demand yet", style="dim")
    short = f"{growth:+.0f}" if abs(growth) >= 10 else f"{growth:+.1f}"
    delivered = "" if share is None else f"{share * 100:.0f}% delivered"
    forms = (
        ((f"{short} items / week", style), ("  ", ""), (delivered, "dim")),
        ((f"{short}/wk", style), (" · ", "dim"), (delivered, "dim")),
        ((f"{short}/wk", style), (" ", ""), (delivered, "dim")),
    )
    for parts in forms:
        text = Text.assemble(*parts)
        if text.cell_len <= width:
            return text
    cut = delivered[:-3] + "." if delivered else ""
    return Text.assemble((f"{short}/wk", style), (" ", ""), (cut, "dim"))
