"""The practice panel: switch practices, resize teams, reorganise; see cost, ramp and budget.

The panel imports no screen: it reads the game it is given and hands every move to the
``apply`` callable it is given (the board's, or a workshop team's, ``apply_command``),
which says whether the move was accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from sim.game import describe_structure
from sim.model.commands import STRUCTURES, Reorganise, ResizePool, SetPractice
from sim.model.organisation import ROLES
from sim.practices import BY_NAME, CATALOGUE

from ..display import grouped_practices, pillar_of, pillar_title, practice_label, value_text

if TYPE_CHECKING:
    from sim.game import Game
    from sim.model import Command

STRUCTURE_ROW = "org:structure"
"""The row that reorganises: silos ↔ cross-functional teams."""
COLUMNS = ("pillar", "practice", "now", "next", "cost", "status")
WIDE = 100
"""Terminal width from which the panel shows the pillar column."""


class PracticeTable(DataTable[Any]):
    """The panel's table: its own keys change the highlighted row's value.

    They are the table's bindings (not priority bindings on the screen) so that keys typed
    ahead are handled in order: a priority binding would run before the arrow keys queued
    for the table.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,space,plus,equals_sign", "screen.step(1)", "Next value",
                key_display="→",
                tooltip="Next value of the practice, one more person, or reorganise "
                "(also space, +, enter)"),
        Binding("left,minus,underscore", "screen.step(-1)", "Previous value",
                key_display="←",
                tooltip="Previous value of the practice, or one person fewer (also -)"),
    ]  # fmt: skip


class PracticePanel(ModalScreen[None]):
    """Every practice with its value now, the next value, what that costs, and its ramp."""

    AUTO_FOCUS = "#practice-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,p", "close", "Close", tooltip="Close the panel")
    ]

    def __init__(self, game: Game, apply: Callable[[Command], bool], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.game = game
        self.apply = apply
        """Makes a move; False when it was refused (and the player was told why)."""
        self._wide: bool | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="panel"):
            yield Static(id="panel-title")
            yield PracticeTable(id="practice-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="panel-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#panel").border_title = "Practices and people"
        self.build_table()

    def on_resize(self) -> None:
        if (self.app.size.width >= WIDE) != self._wide:
            self.build_table()

    # ------------------------------------------------------------------ table
    def rows(self) -> list[str]:
        keys = [f"practice:{p.name}" for _, group in self.groups() for p in group]
        return [*keys, STRUCTURE_ROW, *(f"pool:{role}" for role in ROLES)]

    def groups(self) -> list[tuple[str, list[Any]]]:
        return grouped_practices(CATALOGUE, self.game.maturity())

    def build_table(self) -> None:
        table = self.query_one(DataTable)
        self._wide = self.app.size.width >= WIDE
        row = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        columns = COLUMNS if self._wide else COLUMNS[1:]
        labels = {"pillar": "Pillar", "practice": "Practice", "now": "Now",
                  "next": "Next (⏎)", "cost": "Cost", "status": "Status"}  # fmt: skip
        for column in columns:
            table.add_column(labels[column], key=column)
        for key in self.rows():
            table.add_row(*self.cells(key, columns), key=key)
        table.move_cursor(row=min(row, table.row_count - 1))
        self.refresh_texts()

    def cells(self, key: str, columns: tuple[str, ...]) -> list[Any]:
        kind, name = key.split(":", 1)
        values: dict[str, Any] = {}
        if kind == "practice":
            practice = BY_NAME[name]
            now = self.game.practices().get(name)
            nxt = self.next_value(name, 1)
            cost = self.game.cost_of(SetPractice(name, nxt))
            ramp = self.game.ramps().get(name)
            mature = now == practice.values[-1]
            group = [p for _, g in self.groups() for p in g]
            first = group.index(practice) == 0 or pillar_of(group[group.index(practice) - 1]) != (
                pillar_of(practice)
            )
            values = {
                "pillar": Text(pillar_title(pillar_of(practice)) if first else "", style="bold"),
                "practice": Text(practice_label(name)),
                "now": Text(value_text(now), style="bold green" if mature else "bold"),
                "next": Text(f"→ {value_text(nxt)}", style="cyan"),
                "cost": self.cost_text(cost),
                "status": Text(f"ramping {ramp * 100:.0f}%", style="magenta")
                if ramp is not None
                else Text("in place" if now != practice.baseline else "", style="dim"),
            }
        elif kind == "org":
            values = self.structure_cells()
        else:
            size = self.game.headcount().get(name, 0)
            cost = self.game.cost_of(ResizePool(name, size + 1))
            values = {
                "pillar": Text("People", style="bold"),
                "practice": Text(name.capitalize()),
                "now": Text(f"{size} people", style="bold"),
                "next": Text(f"→ {size + 1}  (← {max(1, size - 1)})", style="cyan"),
                "cost": self.cost_text(cost),
                "status": Text(""),
            }
        return [values[c] for c in columns]

    def other_structure(self) -> str:
        """The structure the structure row would reorganise into (there are two)."""
        now = self.game.structure()
        return next(s for s in STRUCTURES if s != now)

    def structure_cells(self) -> dict[str, Any]:
        """The structure row: silos or cross-functional now, the other next, its cost, and
        how far people are through learning the last reorganisation."""
        now, nxt = self.game.structure(), self.other_structure()
        learning = self.game.reorganisation_progress()
        return {
            "pillar": Text("People", style="bold"),
            "practice": Text("Structure"),
            "now": Text(value_text(now).replace(" ", "-"), style="bold"),
            "next": Text(f"→ {value_text(nxt).replace(' ', '-')}", style="cyan"),
            "cost": self.cost_text(self.game.cost_of(Reorganise(nxt))),
            # "cross-functional" widens two columns: at 80 columns the share would not fit
            "status": Text(
                f"learning {learning * 100:.0f}%" if self._wide else "learning", style="magenta"
            )
            if learning is not None
            else Text(""),
        }

    @staticmethod
    def cost_text(cost: float) -> Text:
        if cost <= 0:
            return Text("free", style="dim")
        return Text(f"{cost:g} pd", style="yellow")

    def next_value(self, name: str, step: int) -> Any:
        values = BY_NAME[name].values
        now = self.game.practices().get(name)
        index = values.index(now) if now in values else 0
        return values[(index + step) % len(values)]

    def refresh_rows(self) -> None:
        table = self.query_one(DataTable)
        columns = COLUMNS if self._wide else COLUMNS[1:]
        for key in self.rows():
            for column, value in zip(columns, self.cells(key, columns), strict=True):
                table.update_cell(key, column, value, update_width=True)
        self.refresh_texts()

    def current_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def refresh_texts(self) -> None:
        budget = self.game.budget_left
        title = Text.assemble(
            ("Switching a practice on costs developer time and its benefit ramps in: "
             "expect a dip before the gain (the J-curve). ", ""),
            ("Budget left this round: ", "bold"),
            (f"{budget:,.0f} person-days" if budget is not None else "no limit",
             "bold yellow" if budget is not None else "bold"),
        )  # fmt: skip
        self.query_one("#panel-title", Static).update(title)
        self.query_one("#panel-detail", Static).update(self.detail(self.current_key()))
        self.keep_cursor_in_view()

    def keep_cursor_in_view(self) -> None:
        """Scroll the highlighted row back into view once the layout has settled: the
        detail under the table changes height with the row, and the table with it."""
        table = self.query_one(DataTable)
        self.call_after_refresh(lambda: table.move_cursor(row=table.cursor_row))

    def detail(self, key: str | None) -> Text:
        if key is None:
            return Text("")
        kind, name = key.split(":", 1)
        if kind == "org":
            return self.structure_detail()
        if kind == "pool":
            size = self.game.headcount().get(name, 0)
            cost = self.game.cost_of(ResizePool(name, size + 1))
            return Text.assemble(
                (f"{name.capitalize()}: {size} people. ", "bold"),
                f"One more costs {cost:g} person-days to hire and onboard; "
                "fewer people is free but cuts capacity.",
            )
        practice = BY_NAME[name]
        return Text.assemble(
            (f"{practice_label(name)} ", "bold"),
            (f"({pillar_title(pillar_of(practice))}): ", "dim"),
            practice.description,
            "\n",
            (practice.evidence, "green"),
            (f"  Costs {practice.adoption_effort_days:g} person-days; ramps in over "
             f"{practice.ramp_days:g} days. Source: {practice.source}", "dim"),
        )  # fmt: skip

    def structure_detail(self) -> Text:
        """What reorganising does and costs: the help line under the structure row."""
        now, nxt = self.game.structure(), self.other_structure()
        cost = self.game.cost_of(Reorganise(nxt))
        what = (
            "Cross-functional teams pool developers, testers and ops: no hand-off queues; "
            "who builds a change tests, deploys and runs it."
            if nxt == "cross_functional"
            else "Silos give testers and ops their own pools, with hand-off queues between."
        )
        return Text.assemble(
            (f"Structure: {describe_structure(now)}. ", "bold"),
            what,
            "\n",
            (f"Costs {cost:g} person-days (everyone's time); people are slower and make more "
             "mistakes while they learn the new teams.", "dim"),
        )  # fmt: skip

    # ------------------------------------------------------------------ events
    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one("#panel-detail", Static).update(self.detail(event.row_key.value))
        self.keep_cursor_in_view()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.change(event.row_key.value, 1)

    def action_step(self, step: int) -> None:
        self.change(self.current_key(), step)

    def change(self, key: str | None, step: int) -> None:
        if key is None:
            return
        kind, name = key.split(":", 1)
        if kind == "practice":
            command: Command = SetPractice(name, self.next_value(name, step))
        elif kind == "org":
            command = Reorganise(self.other_structure())  # two structures: both ways toggle
        else:
            size = self.game.headcount().get(name, 0) + step
            if size < 1:
                self.notify(f"At least one of the {name} must stay.", severity="warning")
                return
            command = ResizePool(name, size)
        if self.apply(command):
            self.refresh_rows()

    def action_close(self) -> None:
        self.dismiss(None)
