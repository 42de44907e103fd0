"""Workshop mode: several teams play the same scenario on the same random numbers.

A session lives in ``<dir>/<NAME>/session.db`` (SQLite, WAL): the scenario, the teams,
their moves, the facilitator's injects and each round's results.  Every team's game is
rebuilt deterministically from scenario + seed + its moves + the injects, so any number
of processes can read and write one session at once.

* :mod:`.store` — the SQLite store;
* :mod:`.session` — :class:`~.session.Workshop`, the API teams and the facilitator use;
* :mod:`.deck` — decks of facilitator event cards (TOML);
* :mod:`.scoring` — the leaderboard score;
* :mod:`.report` — the debrief pack (HTML pages with charts), with :mod:`.luck`
  (luck vs. decisions: the actual result against other futures);
* :mod:`.cli` — ``shipit workshop …``.
"""

from __future__ import annotations

from .deck import Card, Deck, load_deck
from .scoring import LeaderboardScore, leaderboard_score
from .session import (
    DebriefError,
    LeaderboardRow,
    SessionStatus,
    TeamView,
    Workshop,
    WorkshopError,
)

__all__ = [
    "Card",
    "DebriefError",
    "Deck",
    "LeaderboardRow",
    "LeaderboardScore",
    "SessionStatus",
    "TeamView",
    "Workshop",
    "WorkshopError",
    "leaderboard_score",
    "load_deck",
]
