"""The DORA scorecard: four tiles (value, unit, tier) coloured by tier, plus the overall tier.

Values and tiers come from a ``run --json`` result document (:func:`sim.runner.result_document`):
``metrics``, ``tiers``, optional ``ci95`` and ``expected_tier``.  A missing or ``None``
value shows as "—".
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from ..formatting import spec
from ..metrics.tiers import FOUR_KEYS
from ..metrics.tiers import METRIC_OF as METRIC_OF  # re-exported for its callers
from ..overload import EXPLANATION, backlog_growth, is_overloaded
from .style import INK, NO_TIER, TIER_COLOURS, new_figure, plain, save, text_colour

CAPTIONS: dict[str, str] = {
    "deployment_frequency_per_day": "release deployments per service",
    "lead_time_hours_median": "median, commit → production",
    "change_failure_rate": "changes that failed",
    "time_to_restore_hours_median": "median, failure → restored",
}
"""What each of the four keys measures, under its name on a tile."""

KEYS: tuple[tuple[str, str, str, str], ...] = tuple(
    (key.key, key.metric, spec(key.metric).label, CAPTIONS[key.metric]) for key in FOUR_KEYS
)
"""``(tier key, metric key, label, what it measures)`` of the four keys, in DORA order
(:data:`sim.metrics.tiers.FOUR_KEYS`), with the tile's label and caption."""

DASH = "—"
OVERLOAD_COLOUR = TIER_COLOURS["low"]
"""An overloaded run's overall tile takes the warning colour whatever its tier."""


def metric_parts(
    tier_key: str, value: float | None, interval: Sequence[float] | None = None
) -> tuple[str, str, str | None]:
    """``("6.3", "per day", "± 0.4 per day")``: number, unit and 95 % half-width.

    Written by :mod:`sim.formatting` (the unit spelt out), so a tile reads as the CLI
    scorecard and the board: frequencies per day, week or month; durations in minutes,
    hours or days; the change failure rate in %.  ``None`` gives ``("—", "", None)``; no
    interval gives ``None`` as the half-width.
    """
    if interval is not None and (len(interval) != 2 or None in interval):
        interval = None
    return spec(METRIC_OF[tier_key]).parts(value, interval)


def format_metric(
    tier_key: str, value: float | None, interval: Sequence[float] | None = None
) -> tuple[str, str | None]:
    """``("6.3 per day", "± 0.4 per day")`` — value and 95 % half-width, in one unit."""
    number, unit, half = metric_parts(tier_key, value, interval)
    return (f"{number} {unit}" if unit else number), half


def _tile(
    ax: Axes,
    x: float,
    y: float,
    w: float,
    h: float,
    tier: str | None,
    lines: Sequence[tuple[str, float, str, float]],
    colour: str | None = None,
) -> None:
    """A rounded tile coloured by ``tier`` (or ``colour``); ``lines`` = (text, size pt,
    weight, height 0–1)."""
    colour = colour or TIER_COLOURS.get(tier or "", NO_TIER)
    ink = text_colour(colour)
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=0.015",
            facecolor=colour,
            edgecolor="white",
            linewidth=2,
            mutation_aspect=16 / 9,
        )
    )
    for text, size, weight, height in lines:
        ax.text(
            x + w / 2,
            y + h * height,
            text,
            ha="center",
            va="center",
            fontsize=size,
            fontweight=weight,
            color=ink,
        )


def _canvas(title: str, subtitle: str) -> tuple[Any, Axes]:
    fig, (ax,) = new_figure(title)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(plain(subtitle), fontsize=16, loc="left", color=INK, pad=10)
    return fig, ax


def _header(label: str, width: int) -> str:
    """A variant label on lines of ``width``: an override breaks after its ``=`` first.

    Ready to draw: wrapped, then made :func:`~sim.plots.style.plain`.
    """
    lines = []
    for part in label.replace("=", "=\n").splitlines():
        lines.extend(textwrap.wrap(part, width) or [part])
    return plain("\n".join(lines))


def _tier_label(tier: str | None) -> str:
    return tier.upper() if tier else "no tier"


def scorecard_chart(document: Mapping[str, Any], title: str, path: Path) -> Path:
    """Four tiles, one per DORA key, and the overall (and expected) tier."""
    metrics = document.get("metrics") or {}
    tiers = document.get("tiers") or {}
    ci = document.get("ci95") or {}
    edition = (document.get("provenance") or {}).get("tier_edition")
    runs = (document.get("provenance") or {}).get("replications")
    subtitle = "DORA four keys, measured after warm-up"
    if runs and runs > 1:
        subtitle += f" — mean of {runs} replications, ± 95 % confidence half-width"
    fig, ax = _canvas(title, subtitle)
    gap = 0.02
    width = (1 - 3 * gap) / 4
    for i, (tier_key, metric, name, caption) in enumerate(KEYS):
        number, unit, half = metric_parts(tier_key, metrics.get(metric), ci.get(metric))
        tier = tiers.get(tier_key)
        lines = [
            (name, 16, "bold", 0.90),
            (caption, 13, "normal", 0.80),
            (number, 44, "bold", 0.58),
            (unit, 20, "normal", 0.41),
            (_tier_label(tier), 22, "bold", 0.11),
        ]
        if half:
            lines.append((half, 16, "normal", 0.29))
        _tile(ax, i * (width + gap), 0.30, width, 0.68, tier, lines)

    overall = tiers.get("overall")
    expected = document.get("expected_tier")
    bands = f"DORA {edition} bands; " if edition else ""
    overloaded = is_overloaded(metrics)
    overall_lines = [
        (f"Overall: {_tier_label(overall)}", 26, "bold", 0.6),
        (f"{bands}floor of the mean rank of the four keys", 13, "normal", 0.22),
    ]
    if overloaded:
        overall_lines = _overloaded_lines(overall, metrics)
    warning = OVERLOAD_COLOUR if overloaded else None
    if expected:
        half_width = (1 - gap) / 2
        _tile(ax, 0, 0.0, half_width, 0.25, overall, overall_lines, warning)
        met = overall == expected and not overloaded
        mark = "✓ met" if met else "✗ overloaded" if overloaded else "✗ not met"
        _tile(
            ax,
            half_width + gap,
            0.0,
            half_width,
            0.25,
            expected,
            [
                (f"Expected: {expected.upper()}  {mark}", 22 if overloaded else 26, "bold", 0.6),
                ("the tier this scenario is calibrated to reach", 13, "normal", 0.22),
            ],
            warning,
        )
    else:
        _tile(ax, 0, 0.0, 1, 0.25, overall, overall_lines, warning)
    return save(fig, path)


def _overloaded_lines(overall: str | None, metrics: Mapping[str, Any]) -> list[Any]:
    """The overall tile of an overloaded run: its tier, flagged, and why the flag wins."""
    growth = backlog_growth(metrics)
    number, unit, _ = spec("backlog_growth_per_week").parts(growth)
    rate = "without bound" if growth is None else f"{number} {unit}"
    return [
        (f"Overall: {_tier_label(overall)} — OVERLOADED", 22, "bold", 0.75),
        (f"backlog grows {rate}", 14, "bold", 0.48),
        (EXPLANATION.replace("; ", ";\n"), 12, "normal", 0.19),
    ]


def compare_scorecard_chart(
    variants: Sequence[tuple[str, Mapping[str, Any]]], title: str, path: Path
) -> Path:
    """A table of tiles: the four keys and the overall tier (rows) × variants (columns)."""
    fig, ax = _canvas(title, "DORA four keys by variant, measured after warm-up")
    if not variants:
        ax.text(0.5, 0.5, "no variants", ha="center", va="center", fontsize=20, color="#666666")
        return save(fig, path)
    n = len(variants)
    label_w = 0.2
    gap = 0.012
    col_w = (1 - label_w - gap * n) / n
    rows = [*KEYS, ("overall", "", "Overall tier", "")]
    header_h = 0.11
    row_h = (1 - header_h - gap * len(rows)) / len(rows)
    value_pt = max(12, min(24, 30 - 3 * n))
    wrap = max(10, int(col_w * 90))
    for j, (label, _) in enumerate(variants):
        x = label_w + gap + j * (col_w + gap)
        ax.text(
            x + col_w / 2,
            1 - header_h / 2,
            _header(label, wrap),
            ha="center",
            va="center",
            fontsize=max(12, min(17, value_pt - 4)),
            fontweight="bold",
            color=INK,
        )
    for i, (tier_key, metric, name, caption) in enumerate(rows):
        y = 1 - header_h - (i + 1) * (row_h + gap)
        name_y = y + row_h * (0.62 if caption else 0.5)
        ax.text(0, name_y, name, fontsize=15, fontweight="bold", va="center", color=INK)
        if caption:
            ax.text(0, y + row_h * 0.3, caption, fontsize=12, va="center", color="#444444")
        for j, (_, document) in enumerate(variants):
            tiers = document.get("tiers") or {}
            tier = tiers.get(tier_key)
            x = label_w + gap + j * (col_w + gap)
            if tier_key == "overall" and is_overloaded(document.get("metrics") or {}):
                small = max(11, value_pt - 8)
                lines = [
                    (_tier_label(tier), value_pt, "bold", 0.62),
                    ("OVERLOADED", small, "bold", 0.25),
                ]
            elif tier_key == "overall":
                lines = [(_tier_label(tier), value_pt, "bold", 0.5)]
            else:
                metrics = document.get("metrics") or {}
                ci = document.get("ci95") or {}
                value, half = format_metric(tier_key, metrics.get(metric), ci.get(metric))
                size = value_pt if len(value) <= 14 else value_pt - 4
                small = max(11, value_pt - 8)
                if half:
                    lines = [
                        (value, size, "bold", 0.7),
                        (half, small, "normal", 0.43),
                        (_tier_label(tier), small, "normal", 0.17),
                    ]
                else:
                    lines = [
                        (value, size, "bold", 0.62),
                        (_tier_label(tier), small, "normal", 0.25),
                    ]
            overloaded = tier_key == "overall" and is_overloaded(document.get("metrics") or {})
            _tile(ax, x, y, col_w, row_h, tier, lines, OVERLOAD_COLOUR if overloaded else None)
    return save(fig, path)
