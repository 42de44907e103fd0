"""Weekly trends of throughput, lead time, incidents and time to restore, you over the ghost.

Each bar is one week (a per-week bucket), and the figures beside the charts are the last
full week's: they differ from the four keys' tiles, which cover the last four weeks, and
both panels say which window they show.  Values are written by :mod:`sim.formatting`.

Drawn here rather than with Textual's ``Sparkline`` so that your line and the ghost's
share one scale (the heights can be compared by eye) and so that the chart grows with
the panel: one text row per series when space is short, several on a large screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from rich.text import Text
from textual.widgets import Static

from sim.formatting import spec

from ..display import TREND_FIGURES, TREND_WINDOW, clean

BLOCKS = " ▁▂▃▄▅▆▇█"
YOU = "cyan"
GHOST = "grey50"


class Trend(NamedTuple):
    key: str
    label: str
    short: str
    fmt: Any
    zero_is_missing: bool
    """A median of an empty week is reported as 0; for durations that means "no sample"."""


def _metric(key: str) -> Any:
    """The formatter of metric ``key``, compact (the figures share a narrow column)."""
    shown = spec(key)
    return lambda value: shown.format(value, None, compact=True)


def _incidents_per_week(value: float | None) -> str:
    """A week's incidents: a rate per week, written like throughput."""
    return spec("throughput_per_week").format(value, None, compact=True)


TRENDS: tuple[Trend, ...] = (
    Trend("throughput", "Throughput", "Throughput", _metric("throughput_per_week"), False),
    Trend("lead_time_hours", "Lead time", "Lead time", _metric("lead_time_hours_median"), True),
    Trend("incidents", "Incidents", "Incidents", _incidents_per_week, False),
    Trend("time_to_restore_hours", "Time to restore", "Restore",
          _metric("time_to_restore_hours_median"), True),
)  # fmt: skip
"""The charts: throughput and incidents per week, median lead time and time to restore of
the changes delivered (incidents restored) in each week."""

VALUE_W = 11
"""Columns of a figure in the compact layout (``12.0 / week``, ``24.5 days``)."""


def _columns(values: Sequence[float | None], width: int, capacity: int = 0) -> list[float | None]:
    """``width`` columns spread over ``capacity`` buckets (the game's length), left first.

    A column covering several buckets shows their mean; a bucket wider than a column
    repeats; columns past the last bucket so far are None (blank).
    """
    n = len(values)
    total = max(capacity, n, 1)
    out: list[float | None] = []
    for j in range(width):
        first = j * total // width
        last = max(first + 1, (j + 1) * total // width)
        chunk = [v for v in values[first : min(last, n)] if v is not None]
        out.append(sum(chunk) / len(chunk) if chunk else None)
    return out


def spark_rows(
    values: Sequence[float | None], top: float, width: int, height: int, capacity: int = 0
) -> list[str]:
    """``height`` rows of block characters (top row first) scaled so ``top`` fills them.

    A present value always shows at least the lowest block; a missing one is blank.
    """
    cols = _columns(values, width, capacity)
    levels = []
    for v in cols:
        if v is None:
            levels.append(-1)
        elif top <= 0:
            levels.append(1)
        else:
            levels.append(max(1, min(8 * height, round(8 * height * v / top))))
    rows = []
    for row in range(height - 1, -1, -1):
        base = row * 8
        line = []
        for level in levels:
            if level < 0:
                line.append(" ")
            else:
                line.append(BLOCKS[max(0, min(8, level - base))])
        rows.append("".join(line))
    return rows


def spark(values: Sequence[float | None], top: float, width: int, capacity: int = 0) -> str:
    """One row of block characters scaled to ``top``."""
    return spark_rows(values, top, width, 1, capacity)[0]


class Trends(Static):
    """A chart per metric of weekly buckets; with ``ghost`` on, the ghost's under yours."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.border_title = "Trends: a bar a week"
        self.border_subtitle = f"figures: {TREND_FIGURES}"
        self.tooltip = (
            f"Each bar is one week ({TREND_WINDOW} buckets); the figures are the "
            f"{TREND_FIGURES}'s. Lead time and time to restore are the medians of the "
            "changes delivered (incidents restored) in that week, so they differ from the "
            "four keys' tiles, which cover the last 4 weeks."
        )
        self.ghost = True
        self._series: dict[str, list[float | None]] = {}
        self.capacity = 0
        """Buckets in the whole game: the charts fill up as the game goes on."""
        self.complete = -1
        """Buckets that are over (the last one may still be filling); -1 if unknown."""

    def show(
        self, series: Mapping[str, Sequence[Any]], capacity: int = 0, complete: int = -1
    ) -> None:
        """Draw ``series`` (weekly buckets) on a time axis of ``capacity`` buckets."""
        cleaned: dict[str, list[float | None]] = {}
        for trend in TRENDS:
            for key in (trend.key, "ghost_" + trend.key):
                values = [clean(v) for v in series.get(key, ())]
                if trend.zero_is_missing:
                    values = [None if v == 0 else v for v in values]
                cleaned[key] = values
        if (cleaned, capacity, complete) == (self._series, self.capacity, self.complete):
            return
        self._series, self.capacity, self.complete = cleaned, capacity, complete
        self.update(self._content())

    def set_ghost(self, on: bool) -> None:
        self.ghost = on
        self.update(self._content())

    def on_resize(self) -> None:
        self.update(self._content())

    def _content(self) -> Text:
        width = max(20, self.content_size.width)
        height = self.content_size.height
        series = 2 if self.ghost else 1
        block = height // len(TRENDS)
        head = max(len(self._header(trend, width)) for trend in TRENDS)
        rows = (block - head) // series if block >= head + series else 0
        # Sized to its content (narrow screens), the panel keeps the compact charts: a tall
        # chart would make the panel taller, and the next render taller still, until the
        # panel under it had no room left.
        height_rule = self.styles.height
        if rows >= 2 and not (height_rule is not None and height_rule.is_auto):
            return self._tall(width, min(rows, 6), block)
        return self._compact(width)

    def _values(self, trend: Trend) -> tuple[list[float | None], list[float | None], float]:
        mine = self._series.get(trend.key, [])
        ghost = self._series.get("ghost_" + trend.key, []) if self.ghost else []
        top = max((v for v in (*mine, *ghost) if v is not None), default=0.0)
        return mine, ghost, top

    def _last(self, values: Sequence[float | None]) -> float | None:
        """The latest value of a finished bucket (the current week is still filling)."""
        done = values[: self.complete] if self.complete >= 0 else values
        return next((v for v in reversed(done) if v is not None), None)

    def _compact(self, width: int) -> Text:
        label_w = 25 if width >= 48 else 23
        name_w = label_w - VALUE_W - 2
        spark_w = max(4, width - label_w - 1)
        out = Text(no_wrap=True, overflow="crop")
        for i, trend in enumerate(TRENDS):
            mine, ghost, top = self._values(trend)
            if i:
                out.append("\n")
            name = trend.label if name_w >= len(trend.label) else trend.short
            out.append(f"{name:<{name_w}} ", style="bold")
            out.append(f"{trend.fmt(self._last(mine)):>{VALUE_W}} ", style=YOU)
            out.append(spark(mine, top, spark_w, self.capacity), style=YOU)
            if self.ghost:
                out.append("\n")
                out.append(f"{'  ghost':<{name_w}} ", style="dim")
                out.append(f"{trend.fmt(self._last(ghost)):>{VALUE_W}} ", style="dim")
                out.append(spark(ghost, top, spark_w, self.capacity), style=GHOST)
        return out

    def _header(self, trend: Trend, width: int) -> list[Text]:
        """A chart's name and figures on one line, or where that is wider than the panel,
        the ghost's figure on a second line, under yours."""
        mine, ghost, _ = self._values(trend)
        you = Text.assemble(
            (trend.label, "bold"), ("  you ", "dim"), (trend.fmt(self._last(mine)), f"bold {YOU}")
        )
        if not self.ghost:
            return [you]
        figure = (trend.fmt(self._last(ghost)), "bold")
        line = Text.assemble(you, ("  ghost ", "dim"), figure)
        if line.cell_len <= width:
            return [line]
        indent = " " * (len(trend.label) + len("  you ") - len("ghost "))
        return [you, Text.assemble((f"{indent}ghost ", "dim"), figure)]

    def _tall(self, width: int, rows: int, block: int) -> Text:
        out = Text(no_wrap=True, overflow="crop")
        chart_w = max(4, width - 7)
        for i, trend in enumerate(TRENDS):
            mine, ghost, top = self._values(trend)
            if i:
                out.append("\n")
            header = self._header(trend, width)
            out.append_text(Text("\n").join(header))
            used = len(header)
            for label, values, style in (("you", mine, YOU), ("ghost", ghost, GHOST)):
                if label == "ghost" and not self.ghost:
                    continue
                for r, line in enumerate(spark_rows(values, top, chart_w, rows, self.capacity)):
                    out.append("\n")
                    out.append(f"{label if r == rows - 1 else '':>5}  ", style="dim")
                    out.append(line, style=style)
                    used += 1
            for _ in range(block - used):
                out.append("\n")
        return out
