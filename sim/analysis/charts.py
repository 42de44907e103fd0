"""Charts of a sweep analysis: a tornado per metric and main effects as small multiples.

Drawn in the house style (:mod:`sim.plots.style`): 1920 × 1080, projector-sized text,
Okabe–Ito colours, matplotlib's object-oriented API on the Agg canvas.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..plots.style import (
    BLUE,
    GREY,
    INK,
    LEGEND_PT,
    LINE_W,
    NOTE_PT,
    ORANGE,
    SKY,
    SUBTITLE_PT,
    TICK_PT,
    VERMILLION,
    new_figure,
    no_data,
    save,
    style_axes,
)
from .analysis import Analysis
from .effects import MainEffect, binned, point_values
from .labels import change_text, display_unit, metric_label, number
from .points import value_matrix
from .sensitivity import MorrisIndex, SobolIndex

MAX_PANELS = 12
"""Main-effect panels per chart; more factors keep the largest effects."""
LABEL_PT = TICK_PT
NOTE_CHARS = 110
"""Characters per line of a note under a chart at the note size."""
NOISE = "#BBBBBB"


def tornado_chart(analysis: Analysis, metric: str, path: Path) -> Path:
    """Factors ranked by the size of their effect on ``metric``, largest on top."""
    sensitivity = analysis.sensitivity.get(metric)
    if sensitivity is not None and sensitivity.indices:
        if sensitivity.method == "sobol":
            return _sobol_tornado(analysis, metric, path)
        return _morris_tornado(analysis, metric, path)
    return _swing_tornado(analysis, metric, path)


def _why_empty(analysis: Analysis, metric: str) -> str:
    if not analysis.has_values(metric):
        return "no finished run has a value of this metric"
    return "no factor was varied"


def _title(analysis: Analysis, what: str) -> str:
    return f"{analysis.sweep.name}: {what}"


def _swing_tornado(analysis: Analysis, metric: str, path: Path) -> Path:
    fig, (ax,) = new_figure(_title(analysis, f"what moves {metric}"))
    scale, _ = display_unit(metric, change=True)
    style_axes(
        ax,
        "Change from each factor's lowest to its highest level, with 95 % CI",
        f"change in {metric_label(metric, change=True)}",
        "",
    )
    by_factor = {e.factor.key: e for e in analysis.effects[metric]}
    ranked = [by_factor[r.factor] for r in analysis.ranking[metric]]
    if not ranked:
        no_data(ax, _why_empty(analysis, metric))
        ax.set_xticks([])
        ax.set_yticks([])
        return save(fig, path)
    y = np.arange(len(ranked))[::-1]
    values, halves, colours, labels = [], [], [], []
    for effect in ranked:
        assert effect.swing is not None
        change = effect.swing.change
        values.append((change.value or 0.0) * scale)
        halves.append((change.half or 0.0) * scale)
        colours.append(BLUE if change.clear else NOISE)
        labels.append(
            f"{change_text(metric, change.value, change.ci)}\n"
            f"{effect.swing.low} \N{RIGHTWARDS ARROW} {effect.swing.high}"
        )
    ax.barh(y, values, height=0.6, color=colours, zorder=2)
    ax.errorbar(values, y, xerr=halves, fmt="none", ecolor=INK, elinewidth=2, capsize=8, zorder=3)
    ax.axvline(0, color=INK, linewidth=1.5, zorder=2)
    _factor_ticks(ax, y, [e.factor.key for e in ranked])
    _value_column(ax, y, labels)
    ax.grid(False, axis="y")
    _bottom_legend(
        fig,
        [
            Patch(color=BLUE, label="clear: the 95 % CI excludes zero"),
            Patch(color=NOISE, label="within noise: the CI includes zero"),
        ],
    )
    return save(fig, path)


def _sobol_tornado(analysis: Analysis, metric: str, path: Path) -> Path:
    fig, (ax,) = new_figure(_title(analysis, f"what drives the variance of {metric}"))
    style_axes(
        ax,
        "Sobol indices: total ST (with interactions) and first-order S1 (alone), 95 % CI",
        f"share of the variance of {metric}",
        "",
    )
    indices = _ordered(analysis, metric, SobolIndex)
    y = np.arange(len(indices))[::-1].astype(float)
    st = [i.st for i in indices]
    s1 = [i.s1 for i in indices]
    ax.barh(y + 0.18, st, height=0.36, color=BLUE, label="ST total", zorder=2)
    ax.barh(y - 0.18, s1, height=0.36, color=SKY, label="S1 first-order", zorder=2)
    ax.errorbar(st, y + 0.18, xerr=[i.st_conf for i in indices], **_ERR)
    ax.errorbar(s1, y - 0.18, xerr=[i.s1_conf for i in indices], **_ERR)
    ax.axvline(0, color=INK, linewidth=1.5, zorder=2)
    _factor_ticks(ax, y, [i.factor for i in indices])
    labels = [f"ST {i.st:.2f} ± {i.st_conf:.2f}\nS1 {i.s1:.2f} ± {i.s1_conf:.2f}" for i in indices]
    _value_column(ax, y, labels)
    ax.set_xlim(min(0.0, *(b - i.s1_conf for b, i in zip(s1, indices, strict=True))), None)
    ax.grid(False, axis="y")
    _bottom_legend(fig, ax.get_legend_handles_labels()[0])
    return save(fig, path)


def _morris_tornado(analysis: Analysis, metric: str, path: Path) -> Path:
    fig, (ax,) = new_figure(_title(analysis, f"what moves {metric} (Morris screening)"))
    scale, unit = display_unit(metric, change=True)
    suffix = f" ({unit} over a factor's range)" if unit else " (over a factor's range)"
    style_axes(
        ax,
        "μ*: mean |elementary effect| with 95 % CI; σ: their spread",
        f"effect on {metric}{suffix}",
        "",
    )
    indices = _ordered(analysis, metric, MorrisIndex)
    y = np.arange(len(indices))[::-1].astype(float)
    mu = [i.mu_star * scale for i in indices]
    sigma = [i.sigma * scale for i in indices]
    conf = [i.mu_star_conf * scale for i in indices]
    ax.barh(y, mu, height=0.6, color=BLUE, label="μ* (mean |effect|)", zorder=2)
    ax.errorbar(mu, y, xerr=conf, **_ERR)
    ax.plot(sigma, y, "D", markersize=13, color=ORANGE, markeredgecolor=INK, label="σ", zorder=4)
    ax.axvline(0, color=INK, linewidth=1.5, zorder=2)
    _factor_ticks(ax, y, [i.factor for i in indices])
    labels = [
        f"μ* {number(m)} ± {number(c, 2)}\nσ {number(s)}"
        for m, c, s in zip(mu, conf, sigma, strict=True)
    ]
    _value_column(ax, y, labels)
    ax.set_xlim(0, None)
    ax.grid(False, axis="y")
    _bottom_legend(fig, ax.get_legend_handles_labels()[0])
    return save(fig, path)


def _bottom_legend(fig: Figure, handles: Sequence[Any]) -> None:
    """A one-row legend under the chart, where it never covers a bar or its label."""
    fig.legend(
        handles=handles, loc="outside lower center", ncols=len(handles), fontsize=LEGEND_PT,
        frameon=False,
    )  # fmt: skip


_ERR = {"fmt": "none", "ecolor": INK, "elinewidth": 2, "capsize": 6, "zorder": 3}


def _ordered(analysis: Analysis, metric: str, kind: type) -> list:
    """The metric's indices in ranking order (largest on top)."""
    sensitivity = analysis.sensitivity[metric]
    by_name = {i.factor: i for i in sensitivity.indices if isinstance(i, kind)}
    return [by_name[r.factor] for r in analysis.ranking[metric] if r.factor in by_name]


KEY_CHARS = 30
"""A factor key longer than this is broken after its section: ``recovery.`` / ``…``."""


def wrap_key(key: str, width: int = KEY_CHARS) -> str:
    """A dotted factor key on two lines after the first dot when it is long."""
    if len(key) <= width or "." not in key:
        return key
    section, rest = key.split(".", 1)
    return f"{section}.\n{rest}"


def _factor_ticks(ax: Axes, y: np.ndarray, names: Sequence[str]) -> None:
    size = TICK_PT + 2 if len(names) <= 8 else TICK_PT
    ax.set_yticks(y, [wrap_key(n) for n in names], fontsize=size)
    ax.set_ylim(min(y) - 0.7, max(y) + 0.7)


def _value_column(ax: Axes, y: Sequence[float], labels: Sequence[str]) -> None:
    """Each bar's numbers in a column right of the plot, level with its bar.

    Outside the plot they never cover a bar, an error bar or a factor name, however long
    the level names; constrained layout makes room for them.
    """
    for yi, text in zip(y, labels, strict=True):
        ax.annotate(
            text, xy=(1.0, yi), xycoords=("axes fraction", "data"), xytext=(14, 0),
            textcoords="offset points", va="center", ha="left", fontsize=LABEL_PT, color=INK,
            linespacing=1.15, annotation_clip=False,
        )  # fmt: skip
    ax.margins(x=0.04)


# --------------------------------------------------------------------------- main effects


def _grid(n: int) -> tuple[int, int]:
    """Rows × columns of ``n`` panels on a 16:9 page."""
    if n <= 3:
        return 1, max(n, 1)
    if n == 4:
        return 2, 2
    if n <= 8:
        return 2, math.ceil(n / 2)
    if n == 9:
        return 3, 3
    return 3, 4


def main_effects_chart(analysis: Analysis, metric: str, path: Path) -> Path:
    """Metric mean against each factor's levels, one panel per varied factor, 95 % CI bars."""
    effects = analysis.effects[metric]
    order = {r.factor: i for i, r in enumerate(analysis.ranking[metric])}
    varied = sorted((e for e in effects if e.varied), key=lambda e: order.get(e.factor.key, 99))
    shown = varied[:MAX_PANELS]
    fig, (first,) = new_figure(_title(analysis, f"main effects on {metric}"))
    notes = [
        "Level means over the other factors' settings; bars: 95 % CI "
        + (
            "over replications (the tornado's paired differences are tighter)."
            if analysis.basis == "replications"
            else "over design points."
        )
    ]
    fixed = list(analysis.sweep.fixed)
    if fixed:
        notes.append(f"Not varied: {', '.join(fixed)}.")
    if len(varied) > len(shown):
        notes.append(f"{len(varied) - len(shown)} smaller effects not shown.")
    note = "\n".join(textwrap.wrap(" ".join(notes), NOTE_CHARS))
    fig.supxlabel(note, fontsize=NOTE_PT, color="#444444")
    if not shown:
        style_axes(first, None, "", metric_label(metric))
        no_data(first, _why_empty(analysis, metric))
        first.set_xticks([])
        first.set_yticks([])
        return save(fig, path)
    first.remove()
    fig.supylabel(metric_label(metric), fontsize=SUBTITLE_PT, color=INK)
    rows, cols = _grid(len(shown))
    axes = fig.subplots(rows, cols, squeeze=False, sharey=True)
    matrix = value_matrix(analysis.sweep, metric)
    legend_drawn = False
    for index, ax in enumerate(axes.flat):
        if index >= len(shown):
            ax.set_visible(False)
            continue
        effect = shown[index]
        style_axes(ax, None, "", "")
        ax.set_title(
            wrap_key(effect.factor.key, {1: 60, 2: 44, 3: 26}.get(cols, 20)),
            fontsize=SUBTITLE_PT if cols <= 3 else SUBTITLE_PT - 2,
            color=INK,
            loc="left",
        )
        if effect.levels:
            _level_panel(ax, effect, cols)
        else:
            x, y = point_values(analysis.sweep, matrix, effect.factor)
            _continuous_panel(ax, effect, x, y, with_legend=not legend_drawn)
            legend_drawn = True
    return save(fig, path)


def _level_panel(ax: Axes, effect: MainEffect, cols: int) -> None:
    scale, _ = display_unit(effect.metric)
    levels = [level for level in effect.levels if level.mean.value is not None]
    if not levels:
        no_data(ax)
        return
    numeric = effect.factor.numeric
    x = [float(level.value) for level in levels] if numeric else list(range(len(levels)))
    means = [(level.mean.value or 0.0) * scale for level in levels]
    errors = [(level.mean.half or 0.0) * scale for level in levels]
    ax.errorbar(
        x, means, yerr=errors, fmt="o-" if numeric else "o", color=BLUE, ecolor=BLUE,
        linewidth=LINE_W, elinewidth=2.5, capsize=8, markersize=11, zorder=3,
    )  # fmt: skip
    if numeric:
        ax.set_xticks(x, [level.label for level in levels])
        width = (max(x) - min(x)) or 1.0
        ax.set_xlim(min(x) - 0.12 * width, max(x) + 0.12 * width)
    else:
        room = 110 // cols  # characters of tick labels a panel holds side by side
        names = [level.label for level in levels]
        wrapped = [_wrap(name, 12) for name in names]
        widest = sum(max(map(len, label.split("\n"))) + 2 for label in wrapped)
        if widest <= room:
            ax.set_xticks(x, wrapped)
        else:  # too many or too long to stand side by side: slant them
            ax.set_xticks(x, names, rotation=35, ha="right", rotation_mode="anchor")
        ax.set_xlim(-0.5, len(levels) - 0.5)
    ax.grid(False, axis="x")


def _wrap(text: str, width: int) -> str:
    """Break a level name at hyphens or spaces, never inside a word."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _continuous_panel(
    ax: Axes, effect: MainEffect, x: np.ndarray, y: np.ndarray, with_legend: bool
) -> None:
    scale, _ = display_unit(effect.metric)
    if not len(x):
        no_data(ax)
        return
    ax.plot(x, y * scale, "o", markersize=3, color=GREY, alpha=0.3, rasterized=True, zorder=1)
    bins = binned(x, y)
    bx = [b for b, _ in bins]
    by = [(e.value or 0.0) * scale for _, e in bins]
    be = [(e.half or 0.0) * scale for _, e in bins]
    ax.errorbar(
        bx, by, yerr=be, fmt="o-", color=BLUE, linewidth=LINE_W, elinewidth=2.5, capsize=8,
        markersize=11, zorder=3,
    )  # fmt: skip
    if effect.slope is not None and effect.slope.value is not None:
        xs = np.array([x.min(), x.max()])
        ys = (y.mean() + effect.slope.value * (xs - x.mean())) * scale
        ax.plot(xs, ys, "--", color=VERMILLION, linewidth=LINE_W - 0.5, zorder=2)
    handles = [
        Line2D([], [], color=BLUE, marker="o", linewidth=LINE_W, label="binned mean"),
        Line2D(
            [], [], color=VERMILLION, linestyle="--", linewidth=LINE_W, label="least-squares slope"
        ),
    ]
    if with_legend:
        ax.legend(handles=handles, fontsize=TICK_PT - 1, loc="best", framealpha=0.9)
