"""What a session shows: the leaderboard's rows and where the session stands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Command


@dataclass(frozen=True)
class LeaderboardRow:
    """One team on the leaderboard."""

    rank: int
    team: str
    rounds_played: int
    total: float
    last_score: float | None
    last_metrics: dict[str, Any] = field(default_factory=dict)
    """The four keys' metrics of the last played round (see :data:`KEY_METRICS`)."""
    last_tiers: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class TeamStatus:
    """A team as the facilitator sees it."""

    name: str
    joined: str | None
    last_seen: str | None
    moves_this_round: int


@dataclass(frozen=True)
class SessionStatus:
    """Where a session stands."""

    name: str
    scenario: str
    round: int
    rounds: int
    status: str
    round_days: float
    budget: float | None
    teams: list[TeamStatus]
    pending_injects: list[tuple[str, str | None]]
    """(card, team or None for all) injected for the round being planned."""


@dataclass(frozen=True)
class Decision:
    """Something that changed a team's organisation: its own move, or a facilitator's card."""

    round: int
    t: float
    """When it took effect (simulated hours)."""
    card: str | None
    """The card's id, or None for the team's own move."""
    commands: tuple[Command, ...]
    """The move, or the commands the card carried out (empty: it had no effect)."""


@dataclass(frozen=True)
class PlayedRound:
    """One team's round as it was played, stored when the facilitator plays it so that a
    debrief reads it instead of replaying the game (times in simulated hours)."""

    number: int
    start: float
    end: float
    ghost: dict[str, Any]
    """The untouched organisation's metrics over the round."""
    ghost_tiers: dict[str, str | None]
    commands: tuple[tuple[float, Command], ...]
    """Every command the round applied to the team's organisation, at its time, in order:
    the team's moves and the facilitator's cards."""
    decisions: tuple[Decision, ...]
    """The same, by decision: each move, and each card with the commands it carried out."""
