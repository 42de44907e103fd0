"""Playing a round: every team's game plays it, the results and other futures are stored.

The facilitator plays round *r* (:func:`play`): its status becomes ``played``, every
team's game plays round *r* in parallel (its moves first, then the injects aimed at it,
then ``round_days`` of simulated time), the metrics, tiers and scores are stored with the
round as played (:func:`.replay.played_to_dict`), then the round's other futures
(:mod:`.futures`) are run and stored for the debrief.  :func:`next_round` opens planning
of round *r + 1*, or finishes the workshop after the last.  :class:`~.session.Workshop`
calls these with its :class:`~.records.SessionRecords` and :class:`~.replay.SessionPlan`.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Future
from typing import Any

from ..model import Command
from ..workers import executor
from .errors import WorkshopError
from .futures import cache_entry, commands_key, run_futures
from .records import FINISHED, PLANNING, PLAYED, SessionRecords
from .replay import PlayedTeam, SessionPlan, play_team, played_to_dict
from .scoring import leaderboard_score
from .store import PLAYED_ROUNDS

DEBRIEF_REPLICATIONS = 10
"""Other futures per side in the debrief's luck-vs-decisions charts (by default): run and
stored when a round is played, so the debrief pack of the round reads them."""


def play(records: SessionRecords, plan: SessionPlan, replications: int, workers: int | None) -> int:
    """Close planning, play the round for every team and store results; returns the round.
    Safe to call again after a crash mid-way.

    The teams' rounds run in parallel on ``workers`` processes (default: every core; one
    runs them here), and the results are stored as soon as every team's is in.  Then the
    round's other futures (``replications`` per team that made a decision, and the
    untouched organisation's; 0 for none) are run on the same processes and stored, so
    every debrief pack of the round reads them instead of simulating them.
    """
    with records.store.transaction() as conn:
        _, status = records.state(conn)
        if status == FINISHED:
            raise plan.error("play-round", "the workshop is over")
        if status == PLANNING:
            conn.execute("UPDATE state SET status = ?", (PLAYED,))
    snap = records.snapshot()
    number = snap.round
    teams = records.teams
    jobs = len(teams) + (len(teams) + 1 if replications else 0)
    with executor(min(jobs, workers or os.cpu_count() or 1)) as pool:
        plays = [pool.submit(play_team, plan, team, snap, number) for team in teams]
        done = []
        for job in plays:  # the rounds first: teams see their results before the futures
            outcome = job.result()
            if not isinstance(outcome, PlayedTeam):
                raise WorkshopError(*outcome)
            done.append(outcome)
        _store_round(records, number, done)
        if replications:
            _store_futures(records, plan, pool, number, done, replications)
    return number


def _store_round(records: SessionRecords, number: int, done: list[PlayedTeam]) -> None:
    """Store each team's result of round ``number`` and the round as played."""
    rows = []
    played = []
    for p in done:
        report = p.report
        parts = leaderboard_score(report.player, report.player_tiers)
        rows.append(
            (p.team, number, json.dumps(report.player), json.dumps(report.player_tiers),
             report.score, parts.total, json.dumps(parts.to_dict()))
        )  # fmt: skip
        played.append((p.team, number, json.dumps(played_to_dict(report, p.decisions))))
    store = records.store
    with store.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        store.ensure_table(PLAYED_ROUNDS)
        conn.executemany(f"INSERT OR REPLACE INTO {PLAYED_ROUNDS} VALUES (?, ?, ?)", played)


def _store_futures(
    records: SessionRecords,
    plan: SessionPlan,
    pool: Any,
    number: int,
    done: list[PlayedTeam],
    replications: int,
) -> None:
    """Run and store round ``number``'s other futures: the untouched organisation's and
    those of each team with decisions (teams that made none share the untouched ones;
    teams with the same decisions share theirs)."""
    first = done[0]
    starts = (first.start, first.report.start_hours)
    end = first.report.end_hours
    runs = range(1, replications + 1)
    wanted: dict[str, tuple[tuple[float, Command], ...]] = {"": ()}
    wanted |= {p.team: tuple(p.commands) for p in done if p.commands}
    jobs = {}
    by_key: dict[str, Future[Any]] = {}
    for key, commands in wanted.items():
        shared = commands_key(commands)
        if shared not in by_key:
            by_key[shared] = pool.submit(run_futures, plan.scenario, plan.seed, commands,
                                         starts, end, runs)  # fmt: skip
        jobs[key] = (commands, by_key[shared])
    rows = {key: cache_entry(commands, job.result()) for key, (commands, job) in jobs.items()}
    records.cache_futures(number, replications, rows)


def next_round(records: SessionRecords, plan: SessionPlan) -> str:
    """Open planning of the next round (or finish after the last); returns the status."""
    with records.store.transaction() as conn:
        current, status = records.state(conn)
        if status != PLAYED:
            raise plan.error("next-round", f"round {current} is {status}")
        done = conn.execute("SELECT COUNT(*) FROM results WHERE round = ?", (current,)).fetchone()[
            0
        ]
        if done < len(records.teams):
            raise plan.error("next-round", "the round's results are incomplete; play it")
        if current >= plan.rounds:
            conn.execute("UPDATE state SET status = ?", (FINISHED,))
            return FINISHED
        conn.execute("UPDATE state SET round = ?, status = ?", (current + 1, PLANNING))
        return PLANNING
