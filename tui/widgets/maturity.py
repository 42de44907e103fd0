"""Where the organisation stands on each pillar of the journey from code to customer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.widgets import Static

from sim.practices import CATALOGUE

from ..display import (
    bar,
    clean,
    grouped_practices,
    pillar_short,
    pillar_title,
    practice_label,
    value_text,
)


class MaturityView(Static):
    """One bar per pillar; with room, the pillar's practices and their values under it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.border_title = "Maturity by pillar (now)"
        self._state: tuple[Any, ...] = ()
        self._maturity: Mapping[str, float] = {}
        self._practices: Mapping[str, Any] = {}
        self._ramps: Mapping[str, float] = {}

    def show(
        self,
        maturity: Mapping[str, float],
        practices: Mapping[str, Any],
        ramps: Mapping[str, float],
    ) -> None:
        state = (
            tuple((k, round(clean(v) or 0.0, 3)) for k, v in maturity.items()),
            tuple(sorted((k, repr(v)) for k, v in practices.items())),
            tuple(sorted((k, round(v, 2)) for k, v in ramps.items())),
        )
        if state == self._state:
            return
        self._state = state
        self._maturity, self._practices, self._ramps = maturity, practices, ramps
        self.update(self._content())

    def on_resize(self) -> None:
        if self._state:
            self.update(self._content())

    def _content(self) -> Text:
        width = max(30, self.content_size.width)
        groups = dict(grouped_practices(CATALOGUE, self._maturity))
        names = list(self._maturity) or list(groups)
        label_w = max((len(pillar_title(n)) for n in names), default=10)
        bar_w = max(4, width - label_w - 6)
        blocks: list[list[Text]] = []
        for name in names:
            share = clean(self._maturity.get(name)) or 0.0
            style = "green" if share >= 0.75 else "yellow" if share >= 0.4 else "red"
            head = Text(no_wrap=True, overflow="ellipsis")
            head.append(f"{pillar_title(name):<{label_w}} ", style="bold")
            head.append(bar(share, bar_w), style=style)
            head.append(f" {share * 100:3.0f}%", style=style)
            lines = [head]
            parts = [self._part(p) for p in groups.get(name, [])]
            line = Text("  ")
            for part in parts:
                if line.cell_len > 2 and line.cell_len + 3 + part.cell_len > width:
                    lines.append(line)
                    line = Text("  ")
                if line.cell_len > 2:
                    line.append(" · ", style="dim")
                line.append_text(part)
            if parts:
                lines.append(line)
            blocks.append(lines)
        height = self.content_size.height
        if height >= sum(len(b) for b in blocks):
            rows = [line for block in blocks for line in block]
        elif height >= len(blocks) or height == 0:
            rows = [block[0] for block in blocks]
        else:
            rows = self._two_columns(names, width)
        return Text("\n", no_wrap=True, overflow="ellipsis").join(rows)

    def _two_columns(self, names: list[str], width: int) -> list[Text]:
        """Two pillars a line, short names: for a panel lower than the pillar count."""
        half = width // 2
        label_w = max(len(pillar_short(n)) for n in names)
        bar_w = max(3, half - label_w - 7)
        cells = []
        for name in names:
            share = clean(self._maturity.get(name)) or 0.0
            style = "green" if share >= 0.75 else "yellow" if share >= 0.4 else "red"
            cell = Text(no_wrap=True, overflow="ellipsis")
            cell.append(f"{pillar_short(name):<{label_w}} ", style="bold")
            cell.append(bar(share, bar_w), style=style)
            cell.append(f" {share * 100:3.0f}%", style=style)
            cell.pad_right(half - cell.cell_len)
            cells.append(cell)
        return [Text("").join(cells[i : i + 2]) for i in range(0, len(cells), 2)]

    def _part(self, practice: Any) -> Text:
        value = self._practices.get(practice.name)
        item = Text(f"{practice_label(practice.name)} ", style="dim")
        mature = value == practice.values[-1]
        item.append(value_text(value), style="green" if mature else "")
        ramp = self._ramps.get(practice.name)
        if ramp is not None:
            item.append(f" ↗{ramp * 100:.0f}%", style="magenta")
        return item
