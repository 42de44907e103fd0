"""Choose a scenario: its story, learning goals and the DORA tier it is expected to land in."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from sim.errors import ScenarioError
from sim.loading import builtin_names, load_scenario
from sim.scenario import Scenario

from ..display import tier_label

ORDER = ("legacy-enterprise", "water-scrum-fall", "continuous-delivery", "elite")
"""Scenarios in the order of the calibration ladder; others follow alphabetically."""


def playable_scenarios() -> list[tuple[str, Scenario]]:
    """Built-in scenarios meant for play: those with an expected tier, ladder first."""
    found: list[tuple[str, Scenario]] = []
    for name in builtin_names():
        try:
            scenario = load_scenario(name)
        except ScenarioError:
            continue
        if scenario.scenario.expected_tier is not None:
            found.append((name, scenario))
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(found, key=lambda item: (rank.get(item[0], len(ORDER)), item[0]))


def scenario_text(scenario: Scenario) -> Text:
    info = scenario.scenario
    out = Text()
    out.append(info.title or info.name, style="bold")
    out.append("\n\n")
    out.append(" ".join(info.description.split()))
    out.append("\n\nExpected DORA tier: ", style="bold")
    out.append_text(tier_label(info.expected_tier))
    org = scenario.org
    out.append(
        f"\n{org.developers} developers in {org.teams} team{'s' if org.teams > 1 else ''}, "
        f"{org.testers} testers, {org.ops} ops; {org.structure.replace('_', '-')}.",
        style="dim",
    )
    if info.learning_goals:
        out.append("\n\nWhat to learn", style="bold")
        for goal in info.learning_goals:
            out.append(f"\n • {goal}")
    return out


class ChooserScreen(Screen[str | None]):
    """A list of scenarios on the left, the highlighted one's story on the right."""

    AUTO_FOCUS = "#scenario-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back to the game", tooltip="Back to the current game (if any)")
    ]

    def __init__(self, current: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current = current
        self.scenarios = playable_scenarios()

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(
                ("Ship It", "bold"),
                " — choose an organisation to run. ↑↓ to look, enter to play.",
            ),
            id="chooser-title",
        )
        with Horizontal(id="chooser"):
            yield OptionList(
                *[Option(s.scenario.title or name, id=name) for name, s in self.scenarios],
                id="scenario-list",
            )
            with Vertical(id="scenario-detail-box"):
                yield Static(id="scenario-detail")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.border_title = "Scenarios"
        self.query_one("#scenario-detail-box").border_title = "The story"
        names = [name for name, _ in self.scenarios]
        if self.current in names:
            options.highlighted = names.index(self.current)
        elif names:
            options.highlighted = 0
        self.show_detail(options.highlighted)

    def show_detail(self, index: int | None) -> None:
        detail = self.query_one("#scenario-detail", Static)
        if index is None or not self.scenarios:
            detail.update("")
            return
        detail.update(scenario_text(self.scenarios[index][1]))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_detail(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_back(self) -> None:
        self.dismiss(None)
