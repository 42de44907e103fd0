"""The leaderboard: teams ranked by their total leaderboard score over the played rounds.

Each round's leaderboard score (:mod:`.scoring`) is stored with the round's results; the
leaderboard adds them up per team, best first (a tie keeps the session's team order), and
shows each team's last played round: its score, the four keys' metrics and the tiers.
"""

from __future__ import annotations

from typing import Any

from ..metrics.tiers import KEY_METRICS
from .views import LeaderboardRow


def leaderboard(teams: list[str], results: list[dict[str, Any]]) -> list[LeaderboardRow]:
    """``teams`` (in the session's order) ranked by the total of their stored round
    ``results`` (:meth:`.records.SessionRecords.results`, in round order), best first."""
    totals = {team: 0.0 for team in teams}
    played = dict.fromkeys(teams, 0)
    last: dict[str, Any] = {}
    for row in results:
        totals[row["team"]] += row["leaderboard"]
        played[row["team"]] += 1
        last[row["team"]] = row
    order = sorted(teams, key=lambda t: (-totals[t], teams.index(t)))
    board = []
    for rank, team in enumerate(order, 1):
        row = last.get(team)
        metrics = row["metrics"] if row else {}
        tiers = row["tiers"] if row else {}
        board.append(LeaderboardRow(
            rank, team, played[team], totals[team], row["leaderboard"] if row else None,
            {k: metrics.get(k) for k in KEY_METRICS} if row else {},
            {k: v for k, v in tiers.items()},
        ))  # fmt: skip
    return board
