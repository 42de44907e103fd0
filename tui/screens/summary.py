"""The round summary: what you changed, you against the ghost, the score; at the end, the
final scorecard of every round."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from sim.game import IMPACT_PENALTY, describe_command
from sim.model.commands import InjectIncident, ReleaseFreeze, TrafficSpike
from sim.overload import EXPLANATION, backlog_growth, is_overloaded
from sim.report import OVERLOAD_STYLE

from ..display import (
    DEMAND,
    FOUR_KEYS,
    OUTCOMES,
    clean,
    describe,
    difference,
    hours_label,
    tier_label,
)
from .valuestream import short_name, wait_text


def _score_style(mine: float, theirs: float) -> str:
    return "bold green" if mine > theirs else "bold red" if mine < theirs else "bold"


def metrics_table(report: Any) -> Table:
    """The round's metrics for you and the ghost, with tiers and the gap."""
    # Collapsed padding: with the demand rows the table must still fit 80 columns.
    table = Table(
        expand=False,
        box=None,
        padding=(0, 1),
        collapse_padding=True,
        pad_edge=False,
        header_style="bold",
    )
    table.add_column("", no_wrap=True)
    table.add_column("you", justify="right")
    table.add_column("", justify="left")
    table.add_column("ghost", justify="right")
    table.add_column("", justify="left")
    table.add_column("gap")
    player_tiers = report.player_tiers or {}
    ghost_tiers = report.ghost_tiers or {}
    for spec in FOUR_KEYS:
        you, ghost = report.player.get(spec.key), report.ghost.get(spec.key)
        table.add_row(
            Text(spec.label, style="bold"),
            spec.fmt(clean(you)),
            tier_label(player_tiers.get(spec.tier_key or "")),
            Text(spec.fmt(clean(ghost)), style="dim"),
            tier_label(ghost_tiers.get(spec.tier_key or "")),
            difference(spec, you, ghost),
        )
    table.add_row(
        Text("Overall DORA tier", style="bold"),
        "",
        tier_label(player_tiers.get("overall")),
        "",
        tier_label(ghost_tiers.get("overall")),
        "",
    )
    table.add_row(
        Text("Demand", style="bold"),
        demand_verdict(report.player),
        "",
        demand_verdict(report.ghost),
        "",
        "",
    )
    table.add_row("", "", "", "", "", "")
    for spec in (*DEMAND, *OUTCOMES):
        you, ghost = report.player.get(spec.key), report.ghost.get(spec.key)
        table.add_row(
            Text(spec.label, style="bold"),
            spec.fmt(clean(you)),
            "",
            Text(spec.fmt(clean(ghost)), style="dim"),
            "",
            difference(spec, you, ghost),
        )
    return table


def demand_verdict(metrics: Any) -> Text:
    """``OVERLOADED`` when the backlog grew without bound in the round, else ``kept up``."""
    if is_overloaded(metrics):
        return Text("OVERLOADED", style=OVERLOAD_STYLE)
    return Text("kept up", style="green")


def overload_text(report: Any) -> Text | None:
    """A warning when you (or the ghost) were overloaded in the round; None otherwise.

    The score's tiers come from the four keys, which start at commit: an organisation
    drowning in demand can still score well on them, so the summary says so.
    """
    mine, ghost = is_overloaded(report.player), is_overloaded(report.ghost)
    if not (mine or ghost):
        return None
    if mine:
        growth = backlog_growth(report.player) or 0.0
        text = Text.assemble(
            (" OVERLOADED ", OVERLOAD_STYLE),
            (f" Your backlog grew {growth:,.1f} items a week this round: ", "bold red"),
            f"{EXPLANATION}.",
        )
        if ghost:
            text.append(" The ghost was overloaded too.", style="dim")
        return text
    growth = backlog_growth(report.ghost) or 0.0
    return Text.assemble(
        ("You kept up with demand; ", "bold green"),
        f"the ghost was overloaded (its backlog grew {growth:,.1f} items a week).",
    )


EVENTS = (InjectIncident, TrafficSpike, ReleaseFreeze)
"""Commands that are events happening to the organisation (a facilitator's cards, the
incident key), not moves changing how it works."""
EARLIER_SHOWN = 6
"""Earlier moves listed by name when a round had none; the rest are counted."""


def command_text(command: Any) -> str:
    """A command in words: the feed's wording, or the game's where the feed has none."""
    text = describe(command)
    return describe_command(command) if text == str(command) else text


def earlier_text(earlier: Sequence[tuple[float, Any]], origin: float = 0.0) -> Text:
    """Why a round without moves still differs from the ghost: the moves and events before
    it, which keep acting (ramps, people, structure) in every later round."""
    events = sum(isinstance(command, EVENTS) for _, command in earlier)
    moves = len(earlier) - events
    what = (
        "moves and events" if moves and events
        else "moves" if moves
        else "events"
    )  # fmt: skip
    out = Text(
        f"No moves this round; any difference from the ghost comes from the earlier {what}:",
        "dim",
    )
    for t, command in earlier[:EARLIER_SHOWN]:
        out.append("\n")
        out.append(f"{hours_label(t - origin)} ", style="dim")
        out.append(describe_command(command), style="dim")
    if len(earlier) > EARLIER_SHOWN:
        out.append(f"\n… and {len(earlier) - EARLIER_SHOWN} more.", style="dim")
    return out


def changes_text(
    report: Any, origin: float = 0.0, earlier: Sequence[tuple[float, Any]] = ()
) -> Text:
    """The commands given during the round, one a line (days counted from ``origin``).

    A round without any says so, and where the gap to the ghost then comes from: the
    ``earlier`` commands (those before the round), or nothing at all when there were none,
    the only case in which you and the ghost ran the same.
    """
    if not report.commands:
        if earlier:
            return earlier_text(earlier, origin)
        return Text(
            "No moves and no events so far: you and the ghost ran the same, "
            "so every number below is the ghost's too.",
            "dim",
        )
    out = Text()
    for i, (t, command) in enumerate(report.commands):
        if i:
            out.append("\n")
        out.append(f"{hours_label(t - origin)} ", style="dim")
        out.append(command_text(command))
    out.append(f"\nInvested {report.spent_person_days:,.0f} person-days.", style="dim")
    return out


def earlier_commands(game: Any, report: Any) -> list[tuple[float, Any]]:
    """The game's commands (moves and injected events) given before ``report``'s round."""
    return [(t, c) for t, c in getattr(game, "commands", ()) if t < report.start_hours]


def round_streams(game: Any, report: Any) -> tuple[Any, Any]:
    """The player's value stream of ``report``'s round and of the round before it (``None``
    for round 1, or a game without value streams)."""
    stream_of = getattr(game, "value_stream", None)
    if stream_of is None:
        return None, None
    stream = stream_of(report.start_hours, report.end_hours)
    before = next((r for r in getattr(game, "reports", ()) if r.number == report.number - 1), None)
    if before is None:
        return stream, None
    return stream, stream_of(before.start_hours, before.end_hours)


def constraint_text(stream: Any, before: Any = None) -> Text:
    """One sentence on the round's biggest wait (its constraint), from the data only.

    "Your biggest wait moved from the release train to the regression cycle (18 % of lead
    time)" when the round before had another constraint; "… is still the release train
    (59 % of lead time)" when it had the same; "… is …" in round 1 (or after a round with
    no constraint).
    """
    name = short_name(stream)
    if name is None:
        why = "no change waited" if stream.changes else "no change was delivered"
        return Text(f"Nothing says where the time went this round: {why}.", style="dim")
    text = Text("Your biggest wait ")
    previous = short_name(before)
    if previous is not None and before.constraint != stream.constraint:
        text.append(f"moved from {previous} to ")
    elif previous is not None:
        text.append("is still ")
    else:
        text.append("is ")
    text.append(wait_text(stream), style="bold")
    text.append(": the stage where changes waited longest.")
    return text


def releases_text(stream: Any) -> Text:
    """The sizes of the round's release deployments: each of them when there are few, else
    their mean, median and largest."""
    count = stream.deployments
    if not count:
        return Text("No release was deployed this round.")
    if count <= len(stream.recent_batches):
        sizes = [f"{size:,}" for size in stream.recent_batches]
        listed = sizes[0] if count == 1 else f"{', '.join(sizes[:-1])} and {sizes[-1]}"
        noun = "release" if count == 1 else "releases"
        return Text(f"{count} {noun} this round, of {listed} changes.")
    return Text(
        f"{count:,} releases this round, {stream.batch_mean or 0:,.1f} changes each on average "
        f"(median {stream.batch_median or 0:,.0f}, largest {stream.batch_max:,})."
    )


def stream_section(game: Any, report: Any) -> list[Any]:
    """The summary's "Where the time went this round": the round's biggest wait (against
    the round before) and its release sizes; nothing for a game without value streams."""
    stream, before = round_streams(game, report)
    if stream is None:
        return []
    title = Text.assemble(
        ("Where the time went this round", "bold underline"),
        ("   t on the board: every stage", "dim"),
    )
    return [title, constraint_text(stream, before), releases_text(stream), Text("")]


def rounds_table(game: Any) -> Table:
    """Every round's score for you and the ghost, with the overall tier."""
    table = Table(box=None, padding=(0, 1), header_style="bold")
    for name, justify in (("round", "left"), ("you", "right"), ("tier", "left"),
                          ("ghost", "right"), ("tier", "left")):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in game.reports:
        table.add_row(
            f"Round {r.number}",
            Text(f"{r.score:,.0f}", style=_score_style(r.score, r.ghost_score)),
            tier_label((r.player_tiers or {}).get("overall")),
            Text(f"{r.ghost_score:,.0f}", style="dim"),
            tier_label((r.ghost_tiers or {}).get("overall")),
        )
    mine, theirs = game.total_score, game.ghost_total_score
    table.add_row(
        Text("Total", style="bold"),
        Text(f"{mine:,.0f}", style=_score_style(mine, theirs)),
        "",
        Text(f"{theirs:,.0f}", style="dim"),
        "",
    )
    return table


class SummaryScreen(ModalScreen[None]):
    """The summary of one round, or the final scorecard once the game is over.

    ← and → show the round before or after: every closed round's summary stays reachable
    (a replayed game that is over opens on its board, with them one key away).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,space", "close", "Continue", priority=True,
                tooltip="Close the summary and carry on"),
        Binding("n", "new_game", "New game", tooltip="New game: choose a scenario"),
        Binding("s", "save", "Save"),
        Binding("left", "other_round(-1)", "Prev round", key_display="←",
                tooltip="The previous round's summary"),
        Binding("right", "other_round(1)", "Next round", key_display="→",
                tooltip="The next round's summary"),
    ]  # fmt: skip

    def __init__(self, game: Any, report: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.game = game
        self.report = report

    @property
    def final(self) -> bool:
        return bool(self.game.finished) and self.report is self.game.reports[-1]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary"):
            yield Static(self.content(), id="summary-body")
        yield Footer()

    def on_mount(self) -> None:
        self.set_titles()

    def set_titles(self) -> None:
        box = self.query_one("#summary")
        rounds = getattr(self.game, "rounds", len(self.game.reports))
        if self.final:
            box.border_title = "Final scorecard"
        else:
            box.border_title = f"Round {self.report.number} of {rounds}"
        box.border_subtitle = "enter to continue"

    def bound(self, action: str) -> bool:
        """Whether this screen (a subclass may drop keys) has a key for ``action``."""
        return any(isinstance(b, Binding) and b.action == action for b in self.BINDINGS)

    def keys_hint(self) -> str:
        """The final scorecard's line of keys: only those this screen has."""
        keys = [
            (key, text)
            for key, action, text in (
                ("←/→", "other_round(-1)", "every round"),
                ("n", "new_game", "new game"),
                ("s", "save", "save"),
            )
            if self.bound(action)
        ]
        keys.append(("ctrl+q", "quit"))
        return "   ".join(f"{key}: {text}" for key, text in keys)

    def content(self) -> Group:
        r = self.report
        game = self.game
        parts: list[Any] = []
        if self.final:
            mine, theirs = game.total_score, game.ghost_total_score
            verdict = (
                "You beat the untouched organisation." if mine > theirs
                else "The untouched organisation did as well as you." if mine == theirs
                else "The untouched organisation beat you: changes take time to pay off."
            )  # fmt: skip
            final = Text()
            final.append("Final score: ", style="bold")
            final.append(f"{mine:,.0f}", style=_score_style(mine, theirs))
            final.append(f"   ghost {theirs:,.0f}", style="dim")
            parts += [final, Text(verdict, style=_score_style(mine, theirs)), Text("")]
            parts += [Text("Every round", style="bold underline"), rounds_table(game), Text("")]
        headline = Text()
        headline.append(f"Round {r.number} score: ", style="bold")
        headline.append(f"{r.score:,.0f}", style=_score_style(r.score, r.ghost_score))
        headline.append(f"   ghost {r.ghost_score:,.0f}", style="dim")
        if not self.final:
            headline.append(f"   ·   total {game.total_score:,.0f}", style="bold")
            headline.append(f" vs ghost {game.ghost_total_score:,.0f}", style="dim")
        parts += [headline, Text("")]
        warning = overload_text(r)
        if warning is not None:
            parts += [warning, Text("")]
        parts += [Text("What you changed", style="bold underline")]
        origin = getattr(game, "start", 0.0)
        parts += [changes_text(r, origin, earlier_commands(game, r)), Text("")]
        parts += stream_section(game, r)
        parts += [Text("You vs the ghost this round", style="bold underline"), metrics_table(r)]
        if self.final:
            parts += [Text(""), Text(self.keys_hint(), style="dim")]
        else:
            parts += [Text(""), Text("Score: 100 points per tier step on each key, +1 per "
                                     f"change delivered, −{IMPACT_PENALTY:g} per hour of full "
                                     "user impact.", style="dim")]  # fmt: skip
        return Group(*parts)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_other_round(self, step: int) -> None:
        """Show the summary of the round ``step`` rounds away (-1 the one before)."""
        reports = list(self.game.reports)
        index = next((i for i, r in enumerate(reports) if r is self.report), len(reports) - 1)
        target = index + step
        if not 0 <= target < len(reports):
            where = "first" if target < 0 else "last"
            self.notify(f"This is the {where} round closed so far.")
            return
        self.report = reports[target]
        self.query_one("#summary-body", Static).update(self.content())
        self.query_one("#summary", VerticalScroll).scroll_home(animate=False)
        self.set_titles()

    def action_save(self) -> None:
        board = getattr(self.app, "board", None)
        if board is not None:
            board.action_save()

    def action_new_game(self) -> None:
        self.dismiss(None)
        starter = getattr(self.app, "action_new_game", None)
        if starter is not None:
            self.app.call_later(starter)
