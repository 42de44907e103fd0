"""Where the time goes: the value stream of this round or of the whole game.

One key from the board (``t``).  The table of stages (waiting and working, share of the
customer lead time) of the changes delivered in a window, the constraint named, flow
efficiency and the sizes of the releases (:mod:`sim.flow_report`), then the queues on the
road now and one line on the ghost over the same window.  Every figure says its window:
"this round so far (round 2, days 92–120)", "whole game (days 1–120)", "now (day 120)".
``space`` switches between the round and the whole game; the numbers come from the
game's streaming value-stream folds (:meth:`sim.game.Game.value_stream`).
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from sim.flow_report import CONSTRAINT_STYLE, value_stream_table
from sim.metrics.valuestream import STAGE_KEYS, ValueStream
from sim.report import format_share
from sim.units import HOURS_PER_DAY

QUEUE_WORDS: dict[str, str] = {
    "development": "in development (the backlog and being written)",
    "integration": "in integration and review",
    "testing": "in manual testing",
    "release": "wait for a release",
    "regression": "wait in the regression cycle",
    "approval": "wait for change approval (CAB)",
    "window": "wait for the deployment window",
    "deploy": "being deployed",
    "rolled_back": "taken back from production",
}
"""How a stage's count of changes reads in "Now (day 120): 104 changes …"."""


def day_span(game: Any, start: float, end: float) -> str:
    """``days 92–182`` of play (day 1 is the game's first day, as the status bar counts)."""
    origin = getattr(game, "start", 0.0)
    first = int((start - origin) // HOURS_PER_DAY) + 1
    last = max(first, math.ceil((end - origin) / HOURS_PER_DAY - 1e-9))
    return f"day {first}" if last == first else f"days {first}–{last}"


def day_of(game: Any, t: float) -> int:
    """The day of play of ``t`` (as the status bar counts it)."""
    return int((t - getattr(game, "start", 0.0)) // HOURS_PER_DAY) + 1


def short_name(stream: ValueStream | None) -> str | None:
    """The constraint as a sentence names it, without its parenthesis: "the release
    train", "change approval"; ``None`` without a constraint."""
    if stream is None or stream.constraint_name is None:
        return None
    return re.sub(r"\s*\([^)]*\)\s*$", "", stream.constraint_name)


def round_label(game: Any, number: int, start: float, end: float) -> str:
    """``this round so far (round 2, days 92–120)`` for the round in play, ``round 2
    (days 92–182)`` for a closed one."""
    span = day_span(game, start, end)
    closed = any(r.number == number for r in getattr(game, "reports", ()))
    if closed:
        return f"round {number} ({span})"
    return f"this round so far (round {number}, {span})"


def game_label(game: Any) -> str:
    """``whole game (days 1–120)``."""
    return f"whole game ({day_span(game, game.start, game.now)})"


def wait_text(stream: ValueStream) -> str:
    """``the regression cycle (18 % of lead time)``, or why there is no biggest wait."""
    name = short_name(stream)
    if name is None:
        return "no change waited" if stream.changes else "no change was delivered"
    return f"{name} ({format_share(stream.constraint_share, decimals=0)} of lead time)"


def headline(stream: ValueStream, label: str) -> Text:
    """The window, the changes counted and the biggest wait, in one line."""
    text = Text(style="bold")
    text.append(label[:1].upper() + label[1:])
    changes = "change" if stream.changes == 1 else "changes"
    text.append(f": {stream.changes:,} {changes} delivered")
    if stream.constraint is None:
        text.append(".")
        return text
    text.append("; the biggest wait is ")
    text.append(wait_text(stream), style=CONSTRAINT_STYLE)
    text.append(".")
    return text


def titled_table(stream: ValueStream, title: str) -> RenderableType:
    """:func:`sim.flow_report.value_stream_table` with the window in its title."""
    rendered = value_stream_table(stream)
    if isinstance(rendered, Group) and rendered.renderables:
        first = rendered.renderables[0]
        if isinstance(first, Table):
            first.title = title
            first.title_style = "bold"
        elif isinstance(first, Text):  # nothing delivered: the title line alone
            rendered.renderables[0] = Text(title, style="bold")
    return rendered


def queues_text(game: Any, stream: ValueStream) -> Text:
    """The changes on the road now, stage by stage: "Now (day 120): 104 changes wait in
    the regression cycle, 48 wait for a release, …"; the constraint's stage stands out."""
    counts = [(key, stream.in_progress.get(key, 0)) for key in STAGE_KEYS]
    counts = [(key, count) for key, count in counts if count > 0]
    text = Text()
    when = "At the end of the game" if getattr(game, "finished", False) else "Now"
    text.append(f"{when} (day {day_of(game, game.now)}): ", style="bold")
    if not counts:
        text.append("no change is on its way to production.")
        return text
    for index, (key, count) in enumerate(counts):
        if index:
            text.append(", ")
        noun = "change" if count == 1 else "changes"
        words = f"{count:,} {noun if index == 0 else ''}".rstrip()
        words = f"{words} {QUEUE_WORDS[key]}"
        text.append(words, style=CONSTRAINT_STYLE if key == stream.constraint else "")
    text.append(".")
    return text


def ghost_text(ghost: ValueStream, label: str) -> Text:
    """One line on the untouched organisation over the same window."""
    text = Text(f"The ghost (untouched), {label}: ", style="dim")
    name = short_name(ghost)
    if name is None:
        text.append("no change waited." if ghost.changes else "no change delivered.", "dim")
        return text
    share = format_share(ghost.constraint_share, decimals=0)
    text.append(f"biggest wait {name} ({share} of lead time)", style="dim")
    if ghost.deployments:
        releases = "release" if ghost.deployments == 1 else "releases"
        text.append(
            f"; {ghost.deployments:,} {releases} of {ghost.batch_mean or 0:,.1f} changes "
            "on average",
            style="dim",
        )
    text.append(".", style="dim")
    return text


class ValueStreamScreen(ModalScreen[None]):
    """Where the time goes, for this round or the whole game (``space`` switches)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,t,q", "close", "Close", tooltip="Close it", priority=True),
        Binding("space,a", "toggle_window", "Round / whole game", key_display="space",
                tooltip="Switch between this round and the whole game", priority=True),
    ]  # fmt: skip

    def __init__(self, game: Any, *, whole_game: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.game = game
        self.whole_game = whole_game

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="valuestream"):
            yield Static(self.content(), id="valuestream-body")
        yield Footer()

    def on_mount(self) -> None:
        self.set_titles()

    def set_titles(self) -> None:
        box = self.query_one("#valuestream")
        box.border_title = f"Where the time goes: {self.label()}"
        other = "this round" if self.whole_game else "the whole game"
        box.border_subtitle = f"space: {other} · escape to close"

    def window(self) -> tuple[float | None, str]:
        """The shown window's start (``None``: the game's default round) and its label."""
        game = self.game
        if self.whole_game:
            return game.start, game_label(game)
        number, start, end = game.stream_round()
        return None, round_label(game, number, start, end)

    def label(self) -> str:
        return self.window()[1]

    def streams(self) -> tuple[ValueStream, ValueStream]:
        """The player's and the ghost's value stream over the shown window."""
        since, _ = self.window()
        return self.game.value_stream(since), self.game.ghost_value_stream(since)

    def content(self) -> Group:
        game = self.game
        stream, ghost = self.streams()
        label = self.label()
        parts: list[Any] = [headline(stream, label), queues_text(game, stream), Text("")]
        parts += [titled_table(stream, f"Changes delivered, {label}"), Text("")]
        parts += [ghost_text(ghost, label), Text("")]
        parts.append(
            Text(
                "Each change from its arrival in the backlog to production, stage by stage: "
                "waiting (in a queue, for a meeting, a window, a train, a batch ahead) or "
                "worked on. The constraint is the stage changes wait longest for; a wait "
                "behind a batch counts for the stage that batch is in.",
                style="dim",
            )
        )
        other = "this round" if self.whole_game else "the whole game"
        parts += [Text(f"space: {other} · t or escape: close · ↑↓ scroll", "dim")]
        return Group(*parts)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_toggle_window(self) -> None:
        self.whole_game = not self.whole_game
        self.query_one("#valuestream-body", Static).update(self.content())
        self.query_one("#valuestream", VerticalScroll).scroll_home(animate=False)
        self.set_titles()
