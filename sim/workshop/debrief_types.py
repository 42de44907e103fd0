"""What the debrief pack is made of: each team's rounds, charts and luck vs. decisions.

:mod:`.report` gathers these (from the session and from the jobs of :mod:`.debrief_jobs`);
:mod:`.debrief_html` writes them as pages.  Times are simulated hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..metrics.valuestream import ValueStream
from ..model import Command
from ..plots.series import VariantSeries
from .luck import Luck


@dataclass
class RoundRow:
    """One played round of one team: its stored results beside the untouched organisation."""

    number: int
    start: float
    end: float
    metrics: dict[str, Any]
    tiers: dict[str, str | None]
    score: float
    """The game's score of the round."""
    leaderboard: float
    """The workshop's score of the round (:mod:`.scoring`): the one teams are ranked by."""
    parts: dict[str, float]
    ghost: dict[str, Any]
    ghost_tiers: dict[str, str | None]
    moves: list[tuple[float, Command]]
    """The team's own moves, at their times."""
    injected: list[tuple[float, Command]]
    """What the facilitator's cards carried out, at their times."""
    cards: list[str]


@dataclass
class TeamPack:
    """Everything a team's page shows."""

    name: str
    rounds: list[RoundRow]
    commands: list[tuple[float, Command]]
    start: float
    end: float
    document: dict[str, Any]
    """The played period's metrics and tiers (the played future, replication 0)."""
    series: VariantSeries
    """The played period as the comparison charts draw it."""
    luck: list[Luck]
    images: dict[str, Path]
    """The played period's charts (flow, value stream), drawn where the futures ran."""
    stream: ValueStream
    """Where the time went over the played period."""
