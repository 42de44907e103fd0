"""Help: every key of every screen, and how to read the board.

The help screen imports no screen and no app: whoever opens it passes the sections to
show (a title and the bindings of a screen), and each key's text is its binding's
``tooltip`` (the footer shows the same text on hover), else its description.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

LEGEND = (
    ("Status bar", "paused or running and the speed, the simulated date, the round and how "
     "far it has run, the budget left, your score against the ghost's."),
    ("Four keys", "the DORA measures over the last 4 weeks, coloured by tier: "
     "ELITE green, HIGH cyan, MEDIUM yellow, LOW red; ▲▼ the gap to the ghost, "
     "green when you are better."),
    ("Flow of work", "each stage from code to customer: items waiting (bar), items in work, "
     "people busy of people. Long bars are queues; red people are overloaded."),
    ("Unplanned", "the share of people's time spent on incidents, hotfixes and rework "
     "instead of planned work."),
    ("Backlog", "how fast the work waiting for people grows (items a week) and the share of "
     "demand delivered, over the last 4 weeks. OVERLOADED on the panel's border: demand "
     "exceeds capacity and the backlog grows without bound, which the four keys (they "
     "start at commit) cannot show; on the bottom border, the ghost's."),
    ("Weekly trends", "throughput, lead time, incidents and time to restore per week; "
     "your line (cyan) over the ghost's (grey), on one scale."),
    ("Incidents", "what failed, which change, how it was detected and restored; "
     "your commands in magenta."),
    ("Ghost", "the same organisation with no changes, on the same random numbers: "
     "any gap is due to your decisions, not luck."),
    ("Maturity", "how far each pillar of the journey from code to customer has come, "
     "with its practices."),
    ("Where the time goes", "t on the board: each stage a change goes through from the "
     "backlog to production, how long it waits there and how long someone works on it; "
     "the constraint is the stage where changes wait longest (a wait behind a batch counts "
     "for the stage that batch is in)."),
    ("Costs", "switching a practice on costs developer time (person-days) and its benefit "
     "ramps in: expect things to get worse before they get better (the J-curve). "
     "Reorganising costs everyone's time and people learn the new teams for weeks."),
)  # fmt: skip
"""How to read the board: (panel, what it shows), the last part of every help screen."""


@dataclass(frozen=True, slots=True)
class HelpSection:
    """One table of the help screen: a screen's name and its key bindings."""

    title: str
    bindings: Sequence[BindingType]


def tooltips(bindings: Iterable[BindingType]) -> dict[str, str]:
    """Each action's help text (its binding's tooltip), for who quotes it elsewhere."""
    return {b.action: b.tooltip for b in bindings if isinstance(b, Binding) and b.tooltip}


def key_label(binding: Binding, app: App[Any]) -> str:
    """The keys as the footer writes them (``key_display``, else each key's display)."""
    if binding.key_display:
        return binding.key_display
    keys = binding.key.split(",")
    return "/".join(app.get_key_display(Binding(k, "")) for k in keys)


def keys_table(section: HelpSection, app: App[Any]) -> Table:
    """A section's keys, one row each: the keys, then the tooltip (else the description)."""
    table = Table(title=section.title, title_justify="left", title_style="bold underline",
                  box=None, padding=(0, 1), show_header=False)  # fmt: skip
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for binding in section.bindings:
        if not isinstance(binding, Binding):
            continue
        table.add_row(key_label(binding, app), binding.tooltip or binding.description)
    return table


def legend_table() -> Table:
    """How to read the board (:data:`LEGEND`)."""
    legend = Table(title="Reading the board", title_justify="left",
                   title_style="bold underline", box=None, padding=(0, 1),
                   show_header=False)  # fmt: skip
    legend.add_column(style="bold", no_wrap=True)
    legend.add_column()
    for name, text in LEGEND:
        legend.add_row(name, text)
    return legend


class HelpScreen(ModalScreen[None]):
    """Keys and a legend of the board: ``intro``, a table per section, ``note``, legend."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "close", "Close", tooltip="Close help",
                priority=True)
    ]  # fmt: skip

    def __init__(
        self,
        intro: Text,
        sections: Sequence[HelpSection],
        note: Text | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.intro = intro
        self.sections = tuple(sections)
        self.note = note
        """A line under the key tables (before the legend), if any."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self.content(), id="help-body")
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one("#help")
        box.border_title = "Ship It: help"
        box.border_subtitle = "escape to close"

    def content(self) -> Group:
        parts: list[Any] = [self.intro, Text("")]
        for section in self.sections:
            parts += [keys_table(section, self.app), Text("")]
        if self.note is not None:
            parts += [self.note, Text("")]
        parts.append(legend_table())
        return Group(*parts)

    def action_close(self) -> None:
        self.dismiss(None)
