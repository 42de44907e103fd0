"""Luck vs. decisions: a team's actual result against other futures of the same decisions.

The workshop plays every team on replication 0 of the session's seed.  Replications
``1..N`` are other futures (:mod:`.futures`): other demand, defects and incidents under
the same rules.  For a window of the played period (the last round, or all played
rounds) we run each of them twice — with the team's decisions (its moves and the
facilitator's injects, replayed at their times) and untouched — and measure the window
exactly as a game round is measured (metrics since a snapshot at the window's start), so
replication 0 with the team's decisions reproduces the stored round result.

If the team's actual value sits in the middle of its own decisions' futures, the result
was typical for those decisions; if the decisions' futures as a whole beat the untouched
ones, the decisions (not the dice) moved the metric.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..formatting import format_value, spec
from ..metrics.tiers import FOUR_KEYS, KEY_METRICS
from ..model import Command
from ..plots.style import (
    BLACK,
    BLUE,
    GREY,
    HALO,
    LINE_W,
    VERMILLION,
    new_figure,
    plain,
    save,
    style_axes,
)
from ..scenario import Scenario
from .futures import window_metrics

CAPTIONS: dict[str, str] = {
    "deployment_frequency_per_day": "releases per service",
    "lead_time_hours_median": "median",
    "change_failure_rate": "of changes",
    "time_to_restore_hours_median": "median",
}
"""What each key's value is, beside its name in a chart title."""

KEY_NAMES: dict[str, tuple[str, str, bool]] = {
    key.metric: (key.name, CAPTIONS[key.metric], bool(spec(key.metric).higher_is_better))
    for key in FOUR_KEYS
}
"""Metric → (name, what the value is, higher is better).  Names come from
:data:`sim.metrics.tiers.FOUR_KEYS`; directions, units and formatting from
:mod:`sim.formatting` (:func:`~sim.formatting.format_value` writes a key for text:
``2.1 / week``, ``5.5 days``, ``12.5 %``), as on the board and the leaderboards."""


@dataclass
class Luck:
    """One window of one team: actual values and the two distributions, per key metric."""

    label: str
    start_hours: float
    end_hours: float
    actual: dict[str, float | None]
    untouched_actual: dict[str, float | None]
    decisions: dict[str, list[float | None]] = field(default_factory=dict)
    untouched: dict[str, list[float | None]] = field(default_factory=dict)
    decisions_label: str = "your decisions"
    """How the charts name the decisions' futures ("your decisions + cards" with injects)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "label": self.label,
            "start_hours": self.start_hours,
            "end_hours": self.end_hours,
            "actual": self.actual,
            "untouched_actual": self.untouched_actual,
            "decisions": self.decisions,
            "untouched": self.untouched,
            "readings": {key: reading(self, key) for key in KEY_METRICS},
        }


def luck_vs_decisions(
    scenario: Scenario,
    seed: int,
    commands: Sequence[tuple[float, Command]],
    start: float,
    end: float,
    replications: int,
    label: str,
    actual: dict[str, Any] | None = None,
    untouched_actual: dict[str, Any] | None = None,
    decisions_label: str = "your decisions",
) -> Luck:
    """Run replications ``1..replications`` of ``commands`` and untouched over the window.

    ``actual`` / ``untouched_actual`` (replication 0) are computed unless given (e.g. the
    stored round result).
    """
    if actual is None:
        actual = window_metrics(scenario, seed, 0, commands, start, end)[0]
    if untouched_actual is None:
        untouched_actual = window_metrics(scenario, seed, 0, (), start, end)[0]
    luck = Luck(
        label, start, end,
        {k: actual.get(k) for k in KEY_METRICS},
        {k: untouched_actual.get(k) for k in KEY_METRICS},
        {k: [] for k in KEY_METRICS}, {k: [] for k in KEY_METRICS}, decisions_label,
    )  # fmt: skip
    for replication in range(1, replications + 1):
        with_moves = window_metrics(scenario, seed, replication, commands, start, end)[0]
        without = window_metrics(scenario, seed, replication, (), start, end)[0]
        for key in KEY_METRICS:
            luck.decisions[key].append(with_moves.get(key))
            luck.untouched[key].append(without.get(key))
    return luck


def _values(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None]


def _better(a: float, b: float, higher: bool) -> bool:
    return a > b if higher else a < b


def reading(luck: Luck, key: str) -> str:
    """One sentence: did the decisions or the dice make this value?"""
    name, _, higher = KEY_NAMES[key]
    actual = luck.actual.get(key)
    same, untouched = _values(luck.decisions[key]), _values(luck.untouched[key])
    if actual is None:
        return f"No {name} this time (nothing to measure), so nothing to read."
    if not same or not untouched:
        return f"Your {name} was {format_value(key, actual)}; the other futures had none."
    beat_untouched = sum(_better(actual, v, higher) for v in untouched)
    beat_same = sum(_better(actual, v, higher) for v in same)
    med_same, med_untouched = statistics.median(same), statistics.median(untouched)
    scale = max(abs(med_same), abs(med_untouched), 1e-9)
    if abs(med_same - med_untouched) <= 0.05 * scale:
        verdict = "your decisions made little difference to it"
    elif _better(med_same, med_untouched, higher):
        verdict = "your decisions improved it"
    else:
        verdict = "your decisions made it worse"
    share = beat_same / len(same)
    dice = (
        "the dice were kind" if share >= 0.75
        else "the dice were against you" if share <= 0.25
        else "a typical outcome for these decisions"
    )  # fmt: skip
    return (
        f"Your {name} ({format_value(key, actual)}) beat {beat_untouched} of {len(untouched)} "
        f"untouched futures and {beat_same} of {len(same)} futures with the same decisions; "
        f"typical future {format_value(key, med_same)} with your decisions vs "
        f"{format_value(key, med_untouched)} untouched: {verdict}, and {dice}."
    )


def luck_chart(luck: Luck, title: str, path: Path) -> Path:
    """Four strips, one per key: futures untouched vs with the decisions, actual marked."""
    fig, axes = new_figure(title, nrows=len(KEY_METRICS))
    rng = np.random.default_rng(0)  # jitter only
    for ax, key in zip(axes, KEY_METRICS, strict=True):
        name, what, higher = KEY_NAMES[key]
        drawn = [*luck.untouched[key], *luck.decisions[key], luck.actual.get(key),
                 luck.untouched_actual.get(key)]  # fmt: skip
        factor, unit = spec(key).axis(drawn)  # one unit per chart, as the text writes it
        better = "higher is better" if higher else "lower is better"
        style_axes(ax, None, "", "")
        ax.set_title(f"{name.capitalize()} ({unit}, {what}; {better})", fontsize=14, loc="left",
                     pad=4)  # fmt: skip
        for row, (values, colour) in enumerate(
            ((luck.untouched[key], GREY), (luck.decisions[key], BLUE))
        ):
            xs = [factor * v for v in _values(values)]
            ys = row + rng.uniform(-0.18, 0.18, len(xs))
            ax.scatter(xs, ys, s=70, color=colour, alpha=0.75, edgecolors="white", zorder=5)
            if not xs:
                ax.text(0.5, row, "not measured in any future (nothing happened to measure)",
                        transform=ax.get_yaxis_transform(), ha="center", va="center",
                        fontsize=12, color="#666666")  # fmt: skip
        ghost = luck.untouched_actual.get(key)
        if ghost is not None:
            ax.axvline(factor * ghost, color=GREY, linestyle="--", linewidth=LINE_W - 1,
                       label="untouched organisation in the played future")  # fmt: skip
        actual = luck.actual.get(key)
        if actual is not None:
            ax.axvline(factor * actual, color=VERMILLION, linewidth=LINE_W, path_effects=HALO,
                       label="your actual result (the played future)", zorder=4)  # fmt: skip
        ax.set_yticks([0, 1], ["untouched", plain(luck.decisions_label)], fontsize=13)
        ax.set_ylim(-0.5, 1.5)
        ax.grid(True, axis="x", color="#DDDDDD")
        ax.grid(False, axis="y")
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=13,
                   frameon=False)  # fmt: skip
    n = len(luck.decisions[KEY_METRICS[0]])
    axes[-1].set_xlabel(
        plain(f"{luck.label}: each dot is one of {n} other futures (replications 1–{n})"),
        fontsize=13,
        color=BLACK,
    )
    return save(fig, path)
