"""Planning a round: the teams' moves and the facilitator's cards, checked and stored.

While round *r* is being planned, a team's move is checked on its game at the round's
start with its earlier moves of the round applied (so the round's budget counts them),
and stored only if the rules allow it (:func:`submit`); the facilitator's card is stored
for the next round to be played (:func:`inject`).  :class:`~.session.Workshop` calls
these with its :class:`~.records.SessionRecords` and :class:`~.replay.SessionPlan`.
"""

from __future__ import annotations

import json

from ..errors import ScenarioError
from ..game import GameError
from ..model import Command
from ..model.commands import command_to_dict
from .deck import Card
from .records import FINISHED, PLANNING, SessionRecords
from .replay import SessionPlan, replay
from .store import timestamp

RETRIES = 20
"""How often :func:`submit` checks a move again when other writes keep landing first."""


def submit(records: SessionRecords, plan: SessionPlan, team: str, command: Command) -> None:
    """Store ``team``'s move for the round being planned, if the rules allow it now.

    A refused move is one :class:`~.errors.WorkshopError`.  Optimistic: if another move
    of this team lands between the check and the write, the check is repeated.
    """
    if not isinstance(command, Command):
        raise plan.error(f"team {team}", f"not a command: {command!r}")
    for _ in range(RETRIES):
        snap = records.snapshot()
        if snap.status != PLANNING:
            problem = f"round {snap.round} is {snap.status}; moves wait for planning"
            raise plan.error(f"team {team}", problem)
        game = replay(plan, team, snap, snap.round, play_last=False)
        try:
            game.apply(command)
        except (GameError, ScenarioError) as exc:
            problem = exc.message if isinstance(exc, ScenarioError) else str(exc)
            raise plan.error(f"team {team}", f"move refused: {problem}") from None
        before = sum(1 for t, r, _ in snap.moves if t == team and r == snap.round)
        with records.store.transaction() as conn:
            state = records.state(conn)
            count = conn.execute(
                "SELECT COUNT(*) FROM moves WHERE team = ? AND round = ?", (team, snap.round)
            ).fetchone()[0]
            if (*state, count) != (snap.round, PLANNING, before):
                continue  # something changed meanwhile: check again
            now = timestamp()
            conn.execute(
                "INSERT INTO moves (team, round, command, created) VALUES (?, ?, ?, ?)",
                (team, snap.round, json.dumps(command_to_dict(command)), now),
            )
            conn.execute("UPDATE teams SET last_seen = ? WHERE name = ?", (now, team))
            return
    raise plan.error(f"team {team}", "the session is too busy; try again")


def inject(records: SessionRecords, plan: SessionPlan, card: Card, team: str | None) -> int:
    """Store ``card`` for ``team`` (None: all teams) in the next round to be played: the
    round being planned, or the one after a played round.  Returns that round."""
    with records.store.transaction() as conn:
        current, status = records.state(conn)
        number = current + (0 if status == PLANNING else 1)
        if status == FINISHED or number > plan.rounds:
            raise plan.error("inject", "the workshop is over; no round left to inject into")
        conn.execute(
            "INSERT INTO injects (round, team, card, effects, created) VALUES (?, ?, ?, ?, ?)",
            (number, team, card.id, json.dumps(list(card.effects)), timestamp()),
        )
    return number
