"""Look of every chart: projector-sized fonts, Okabe–Ito colours, 16:9 at 150 dpi.

Figures are built with matplotlib's object-oriented API (:class:`~matplotlib.figure.Figure`
with the Agg canvas), never through ``pyplot``: no global state, no display, and a figure
is freed as soon as it is saved, whole or not at all (:func:`sim.outputs.atomic_path`).

Text that comes from users -- scenario titles, variant labels -- is drawn as written:
matplotlib would read ``$...$`` in it as mathtext (and fail on a title like
``"$5 $ave"``), so it goes through :func:`plain` once, just before it is drawn.
:func:`new_figure`, :func:`style_axes` and :func:`legend` do that themselves; code that
calls matplotlib directly with user text (``ax.text``, ``ax.set_title``, ``fig.legend``)
must call :func:`plain` itself.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ..outputs import atomic_path
from ..units import HOURS_PER_DAY

FIGSIZE = (12.8, 7.2)
"""Inches, 16:9."""
DPI = 150
PIXELS = (round(FIGSIZE[0] * DPI), round(FIGSIZE[1] * DPI))
"""Width × height of every PNG: 1920 × 1080."""

TITLE_PT = 20
SUBTITLE_PT = 16
LABEL_PT = 15
TICK_PT = 13
LEGEND_PT = 13
NOTE_PT = 14
LINE_W = 3.0

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common
# colour-vision deficiency.
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#999999"
INK = "#222222"

SERIES = (BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, BLACK, GREY)
"""Colours of the variants in comparison charts, in order."""
DASHES = ("-", "--", "-.", ":")
"""Line styles cycled with the colours, so lines differ without colour too."""

STATE_COLOURS = {
    "backlog": ORANGE,
    "development": BLUE,
    "testing": SKY,
    "waiting": YELLOW,
    "delivered": GREEN,
}

CAUSE_COLOURS = {
    "defect": VERMILLION,
    "deploy_error": ORANGE,
    "config": PURPLE,
    "background": GREY,
    "security": BLUE,
    "injected": BLACK,
}
OTHER_CAUSE = SKY

TIER_COLOURS = {
    "elite": "#117733",  # green
    "high": BLUE,  # blue
    "medium": ORANGE,  # amber
    "low": "#C0392B",  # red
}
NO_TIER = "#BBBBBB"


HALO = [patheffects.withStroke(linewidth=LINE_W + 3, foreground="white")]
"""A white outline that keeps a reference line visible on top of dense dots."""


def plain(text: str) -> str:
    """``text`` to be drawn exactly as written, never read as mathtext.

    matplotlib takes text with two unescaped ``$`` as a formula (``$x^2$``), so a title
    such as ``"Costs $5 and $6"`` would be drawn as maths or fail to parse.  Each ``$`` is
    escaped as ``\\$``; with no unescaped ``$`` left, matplotlib draws the text verbatim
    (backslashes, ``^``, ``_`` and ``{}`` included) and turns ``\\$`` back into ``$``.
    Apply it exactly once, after any wrapping, to text that is about to be drawn: escaping
    twice would show a backslash.
    """
    return text.replace("$", r"\$")


def days(hours: float) -> float:
    """Hours → days."""
    return hours / HOURS_PER_DAY


def series_style(index: int) -> dict[str, Any]:
    """Colour and line style of the ``index``-th variant."""
    return {
        "color": SERIES[index % len(SERIES)],
        "linestyle": DASHES[index % len(DASHES)],
    }


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (WCAG luminance)."""
    rgb = [int(background.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / 0.05
    return "#FFFFFF" if on_white >= on_black else INK


TITLE_CHARS = 80
"""Characters per title line at the title size that fit the 16:9 page."""


def new_figure(title: str, nrows: int = 1, **gridspec: Any) -> tuple[Figure, list[Axes]]:
    """A 16:9 figure with the scenario ``title`` on top and ``nrows`` stacked axes."""
    fig = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained", facecolor="white")
    FigureCanvasAgg(fig)
    # Long titles (a comparison of several variants) wrap instead of running off the page.
    wrapped = "\n".join(textwrap.wrap(title, width=TITLE_CHARS)) or title
    size = TITLE_PT if "\n" not in wrapped else TITLE_PT - 4
    fig.suptitle(plain(wrapped), fontsize=size, fontweight="bold", color=INK)
    axes = fig.subplots(nrows, 1, squeeze=False, gridspec_kw=gridspec or None)[:, 0]
    return fig, list(axes)


def style_axes(ax: Axes, subtitle: str | None, xlabel: str, ylabel: str) -> None:
    """Chart name, axis labels with units, large ticks and a light grid (text drawn plain)."""
    if subtitle:
        ax.set_title(plain(subtitle), fontsize=SUBTITLE_PT, loc="left", color=INK, pad=10)
    ax.set_xlabel(plain(xlabel), fontsize=LABEL_PT, color=INK)
    ax.set_ylabel(plain(ylabel), fontsize=LABEL_PT, color=INK)
    ax.tick_params(labelsize=TICK_PT, width=1.2, length=5)
    ax.grid(True, color="#DDDDDD", linewidth=1.0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(1.2)


def legend(ax: Axes, outside: bool = False, wrap: int = 32, **kwargs: Any) -> None:
    """A legend with projector-sized text; ``outside`` puts it right of the plot.

    Labels longer than ``wrap`` characters are wrapped, so an outside legend stays narrow.
    Labels and the title are drawn as written (:func:`plain`).
    """
    kwargs.setdefault("fontsize", LEGEND_PT)
    kwargs.setdefault("framealpha", 0.92)
    if "title" in kwargs:
        kwargs.setdefault("title_fontsize", LEGEND_PT)
        if isinstance(kwargs["title"], str):
            kwargs["title"] = plain(kwargs["title"])
    if outside:
        kwargs.setdefault("loc", "upper left")
        kwargs.setdefault("bbox_to_anchor", (1.01, 1.0))
        kwargs.setdefault("borderaxespad", 0.0)
    handles = kwargs.pop("handles", None)
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    else:
        labels = [h.get_label() for h in handles]
    labels = [
        plain("\n".join(textwrap.fill(line, wrap) for line in label.split("\n")))
        for label in labels
    ]
    ax.legend(handles, labels, **kwargs)


WARMUP_LABEL = "warm-up (not measured)"


def shade_warmup(ax: Axes, warmup_hours: float, label: bool = True) -> Artist | None:
    """Grey band over the warm-up period, so nobody reads it as steady state.

    With ``label`` the band is a legend entry ("warm-up (not measured)"); a text label in
    the plot would collide with data or legends.  Returns the band, or ``None``.
    """
    if warmup_hours <= 0:
        return None
    return ax.axvspan(
        0,
        days(warmup_hours),
        color="#000000",
        alpha=0.08,
        linewidth=0,
        zorder=0,
        label=WARMUP_LABEL if label else None,
    )


def no_data(ax: Axes, message: str = "no data") -> None:
    """A centred note on an empty chart."""
    ax.text(
        0.5,
        0.5,
        message,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=SUBTITLE_PT + 4,
        color="#666666",
    )


PALETTE_COLOURS = 256
"""Colours of a saved PNG's palette.  Charts are flat colours and their anti-aliased
edges: a 256-colour palette (fast octree) stays within 15/255 of every pixel (1/255 on
average) and makes the file a third the size of true colour, and quicker to write."""


def save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` as a PNG at :data:`DPI` (size exactly :data:`PIXELS`) and free it.

    Drawn once on the figure's own Agg canvas (layout included; ``savefig`` would draw
    twice, once to lay out) and written with a :data:`PALETTE_COLOURS` palette.  Written
    whole or not at all, to a regular file only (:func:`sim.outputs.atomic_path`: a FIFO
    or device at ``path`` is refused with :class:`~sim.outputs.OutputError`).
    """
    try:
        canvas = fig.canvas
        assert isinstance(canvas, FigureCanvasAgg), "figures come from new_figure"
        canvas.draw()
        size = canvas.get_width_height()
        image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        image = image.convert("RGB").quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE)
        with atomic_path(path) as tmp:
            image.save(tmp, format="png")
    finally:
        # A fresh canvas frees the drawn one and its pixel buffer (8 MB) at once, without
        # waiting for the garbage collector; cheaper than clearing every axes.
        FigureCanvasAgg(fig)
    return path


def fmt_days(d: float) -> str:
    """A duration given in days, for labels: ``"12 days"``, ``"2.4 days"``, ``"9.6 hours"``."""
    if d >= 10:
        return f"{d:.0f} days"
    if d >= 1:
        return f"{d:.1f} days"
    return f"{d * HOURS_PER_DAY:.1f} hours"
