"""The DORA four keys as four tiles: value, tier colour, and the gap to the ghost.

Every tile covers the board's live window (:data:`~tui.display.LIVE_WINDOW`, the last four
weeks) and says so on its bottom border; the trends panel's figures are single weeks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from ..display import FOUR_KEYS, LIVE_WINDOW, MetricSpec, clean, difference, tier_label

SHORT_TITLES = {
    "deployment_frequency_per_day": "Deploys",
    "lead_time_hours_median": "Lead time",
    "change_failure_rate": "Failure rate",
    "time_to_restore_hours_median": "Restore time",
}

TITLES = {
    "deployment_frequency_per_day": "Deploy frequency",
    "lead_time_hours_median": "Lead time",
    "change_failure_rate": "Change fail rate",
    "time_to_restore_hours_median": "Time to restore",
}

EXPLAIN = {
    "deployment_frequency_per_day": f"Release deployments per service over the {LIVE_WINDOW}, "
    "shown per day (from 1 a day), per week (from 1 a week) or per month. "
    "Elite: on demand (≥ 1 a day); high: ≥ 1 a week; medium: ≥ 1 a month.",
    "lead_time_hours_median": "Median time from commit to running in production, over "
    f"changes delivered in the {LIVE_WINDOW}. Elite: < 1 day; high: < 1 week; "
    "medium: < 1 month.",
    "change_failure_rate": f"Share of changes to production in the {LIVE_WINDOW} that "
    "failed. Elite ≈ 5 %, high ≈ 10 %, medium ≈ 15 %, low ≈ 64 %.",
    "time_to_restore_hours_median": "Median time from a failed change to service restored, "
    f"over incidents restored in the {LIVE_WINDOW}. Elite: < 1 hour; high: < 1 day; "
    "medium: < 1 week.",
}

NO_DATA = {
    "deployment_frequency_per_day": "no deploys",
    "lead_time_hours_median": "nothing shipped",
    "change_failure_rate": "no deploys",
    "time_to_restore_hours_median": "none restored",
}
"""What a missing value means, per key (over the live window)."""

TIER_CLASSES = ("tier-elite", "tier-high", "tier-medium", "tier-low", "tier-none")


NUMBER = re.compile(r"^([0-9][0-9.,]*)\s*(.*)$")


def split_value(text: str) -> tuple[str, str]:
    """``"2.1 / month"`` → ``("2.1", "/ month")``; without a leading number ``("", text)``."""
    match = NUMBER.match(text)
    if match is None:
        return "", text
    return match.group(1), match.group(2)


class KeyTile(Vertical):
    """One of the four keys: the value in its tier's colour and the gap to the ghost.

    On a large screen (``-big`` on the board) the number is drawn in big digits for the
    back of the room; otherwise everything is text.
    """

    def __init__(self, spec: MetricSpec, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.border_title = TITLES.get(spec.key, spec.label)
        self.border_subtitle = LIVE_WINDOW
        self._you: Any = None
        self._ghost: Any = None
        self._tier: str | None = None
        self._ghost_tier: str | None = None
        self.tooltip = EXPLAIN.get(spec.key, spec.label)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="big-value"):
            yield Digits("", classes="digits")
            yield Static("", classes="unit")
        yield Static("", classes="text")

    def show(self, you: Any, ghost: Any, tier: str | None, ghost_tier: str | None) -> None:
        """Set the numbers; redraws only when something changed."""
        state = (clean(you), clean(ghost), tier, ghost_tier)
        if state == (clean(self._you), clean(self._ghost), self._tier, self._ghost_tier):
            return
        self._you, self._ghost, self._tier, self._ghost_tier = you, ghost, tier, ghost_tier
        self.set_classes(f"tier-{tier or 'none'}")
        self.redraw()

    def on_resize(self) -> None:
        full = TITLES.get(self.spec.key, self.spec.label)
        short = SHORT_TITLES.get(self.spec.key, full)
        self.border_title = full if self.size.width >= len(full) + 6 else short
        self.redraw()

    @property
    def big(self) -> bool:
        return self.content_size.height >= 5 and self.content_size.width >= 24

    def redraw(self) -> None:
        if not self.is_mounted:
            return
        spec = self.spec
        you = clean(self._you)
        tier = tier_label(self._tier)
        style = tier.style if self._tier else "dim"
        text = NO_DATA.get(spec.key, "no data") if you is None else spec.fmt(you)
        number, unit = split_value(text) if you is not None else ("", text)
        big = self.big and bool(number)
        self.query_one(".big-value").display = big
        gap = difference(spec, self._you, self._ghost)
        ghost = Text.assemble(("ghost ", "dim"), (spec.fmt(clean(self._ghost)), "dim"))
        gap_line = Text.assemble(gap, (" vs ghost", "dim"))
        if big:
            digits = self.query_one(Digits)
            digits.update(number)
            colour = Style.parse(str(style)).color
            digits.styles.color = colour.name if colour is not None else None
            self.query_one(".unit", Static).update(
                Text.assemble("\n", (unit, str(style)), "  ", tier)
            )
            lines = [ghost, gap_line]
        else:
            width = max(1, self.content_size.width)
            value = Text(text, style=style)
            head = Text.assemble(value, " ", tier) if self._tier else value
            fits = head.cell_len <= width
            if not fits:
                head = value
            if gap_line.cell_len > width:
                gap_line = gap
            if self.content_size.height >= 3:
                lines = [head, ghost if fits else tier, gap_line]
            else:
                lines = [head, gap_line]
        self.query_one(".text", Static).update(Text("\n").join(lines))

    def on_click(self) -> None:
        self.app.notify(EXPLAIN.get(self.spec.key, ""), title=self.spec.label, timeout=8)


class FourKeys(Horizontal):
    """The four tiles side by side."""

    def compose(self) -> ComposeResult:
        for spec in FOUR_KEYS:
            yield KeyTile(spec, id=f"key-{spec.tier_key}", classes="tier-none")

    def show(
        self,
        player: Mapping[str, Any],
        ghost: Mapping[str, Any],
        player_tiers: Mapping[str, str | None],
        ghost_tiers: Mapping[str, str | None],
    ) -> None:
        for tile in self.query(KeyTile):
            key = tile.spec.tier_key or ""
            tile.show(
                player.get(tile.spec.key),
                ghost.get(tile.spec.key),
                player_tiers.get(key),
                ghost_tiers.get(key),
            )
