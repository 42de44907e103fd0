"""Help: every key of every screen, and how to read the board."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
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


def _key(binding: Binding, app: Any) -> str:
    if binding.key_display:
        return binding.key_display
    keys = binding.key.split(",")
    return "/".join(app.get_key_display(Binding(k, "")) for k in keys)


def keys_table(title: str, bindings: Iterable[Any], help_texts: dict[str, str], app: Any) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold underline",
                  box=None, padding=(0, 1), show_header=False)  # fmt: skip
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        text = help_texts.get(binding.action, binding.description)
        table.add_row(_key(binding, app), text)
    return table


class HelpScreen(ModalScreen[None]):
    """Keys and a legend of the board."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "close", "Close", priority=True)
    ]
    HELP: ClassVar[dict[str, str]] = {"close": "Close help"}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self.content(), id="help-body")
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one("#help")
        box.border_title = "Ship It: help"
        box.border_subtitle = "escape to close"

    def content(self) -> Group:
        from ..app import ShipItApp
        from .board import BoardScreen
        from .chooser import ChooserScreen
        from .practices import PracticePanel, PracticeTable
        from .summary import SummaryScreen
        from .valuestream import ValueStreamScreen

        app = self.app
        intro = Text.assemble(
            ("Ship It", "bold"),
            " — run a software delivery organisation. Change how it works (p), watch the "
            "DORA four keys respond, and beat the ghost: the same organisation left alone.",
        )
        legend = Table(title="Reading the board", title_justify="left",
                       title_style="bold underline", box=None, padding=(0, 1),
                       show_header=False)  # fmt: skip
        legend.add_column(style="bold", no_wrap=True)
        legend.add_column()
        for name, text in LEGEND:
            legend.add_row(name, text)
        sections = [
            ("Board", BoardScreen.BINDINGS, BoardScreen.HELP),
            ("Practice panel (p)", [*PracticeTable.BINDINGS, *PracticePanel.BINDINGS],
             PracticePanel.HELP),
            ("Scenario chooser (n)", ChooserScreen.BINDINGS, ChooserScreen.HELP),
            ("Round summary", SummaryScreen.BINDINGS, SummaryScreen.HELP),
            ("Where the time goes (t)", ValueStreamScreen.BINDINGS, ValueStreamScreen.HELP),
            ("Everywhere", ShipItApp.BINDINGS, ShipItApp.HELP),
        ]  # fmt: skip
        parts: list[Any] = [intro, Text("")]
        for title, bindings, texts in sections:
            parts += [keys_table(title, bindings, texts, app), Text("")]
        parts.append(Text("In the practice panel, ↑↓ move and enter also picks the next value. "
                          "Mouse: click tiles for an explanation, click keys in the footer.",
                          style="dim"))  # fmt: skip
        parts += [Text(""), legend]
        return Group(*parts)

    def action_close(self) -> None:
        self.dismiss(None)
