"""The workshop debrief pack: one self-contained HTML page per team and one comparing teams.

:func:`write_debrief` writes into ``<session dir>/debrief/`` (or ``out_dir``):

* ``team-<name>.html`` — the scenario, the decisions taken per round (with the day of
  play), the four keys per played round (value and tier, the untouched organisation
  beside them) with the leaderboard and game score, flow charts of the played period
  (cumulative flow, cycle-time scatter, incident timeline, scorecard), where the time
  went (the value stream of the played period, from the played future's log) and "luck
  vs. decisions" (see :mod:`.luck`) for the last played round and for all played rounds;
* ``index.html`` — the leaderboard, the four keys per team per round, the teams overlaid
  (cumulative delivered, lead-time ECDF, throughput, incidents, scorecard) and links to
  the team pages;
* ``debrief.json`` — the numbers behind the pages (results, luck-vs-decisions samples);
* ``img/*.png`` — every chart, also embedded in the pages as base64 data URIs, so each
  HTML file stands alone.

The pack is written whole or not at all: the folder is checked before any work, every
file is first written to a hidden temporary folder beside the pack and moved into place
only once all of them are complete (a failure removes it and leaves an earlier pack as it
was).  Text from the scenario is drawn plainly in the charts (a ``$`` is a dollar sign,
not mathematics: :func:`sim.plots.style.plain`).

Nothing is replayed here: each round's window, the untouched organisation's metrics and
the decisions were stored when the round was played (:meth:`Workshop.played`; an older
session without them is replayed once).  Flow charts come from running the team's
commands (moves and cards at their times) on replication 0 with a full event log up to
the end of the last played round; the x axis ends there.  Simulations and charts run on
a process pool (:mod:`.debrief_jobs`): one job per team runs its other futures, then its
played future, and draws its charts where the log is; the luck-vs-decisions and
comparison charts follow as their own jobs.  One run per replication serves both
windows, and the other futures of a round are stored in the session
(:meth:`Workshop.cache_futures`) so a pack rebuilt for the same round reuses them.  The
pages are written by :mod:`.debrief_html`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..exitcodes import EXIT_FAILURE
from ..metrics.tiers import KEY_METRICS
from ..model import Command
from ..outputs import OutputError, atomic_write, check_output_dir, output_target
from ..plots import COMPARE_DRAWERS
from ..plots.series import VariantSeries
from ..workers import executor
from .debrief_html import UNTOUCHED, index_html, team_html
from .debrief_jobs import TeamRun, compare_job, document_of, luck_job, team_job
from .debrief_types import RoundRow, TeamPack
from .errors import WorkshopError
from .futures import cached, commands_key
from .luck import Luck
from .rounds import DEBRIEF_REPLICATIONS
from .session import Workshop

__all__ = ["DEBRIEF_REPLICATIONS", "UNTOUCHED", "debrief_dir", "write_debrief"]


def _error(workshop: Workshop, problem: str) -> WorkshopError:
    """A debrief the rules refuse, as ``workshop NAME: report: …``."""
    return workshop.plan.error("report", problem)


_Plan = tuple[list[RoundRow], list[tuple[float, Command]]]


def _plan(workshop: Workshop, team: str) -> _Plan:
    """``team``'s played rounds (stored results beside what was stored of each round when
    it was played) and all its commands (moves and cards at their times), in order."""
    played = workshop.played(team)
    if played is None:  # a session made before rounds were stored as played
        return _replayed_plan(workshop, team)
    stored = {row["round"]: row for row in workshop.results(team)}
    rounds = []
    commands: list[tuple[float, Command]] = []
    for p in played:
        row = stored[p.number]
        rounds.append(RoundRow(
            p.number, p.start, p.end, row["metrics"], row["tiers"], row["score"],
            row["leaderboard"], row["parts"], p.ghost, p.ghost_tiers,
            [(d.t, c) for d in p.decisions if d.card is None for c in d.commands],
            [(d.t, c) for d in p.decisions if d.card is not None for c in d.commands],
            [d.card for d in p.decisions if d.card is not None],
        ))  # fmt: skip
        commands.extend(p.commands)
    if not rounds:
        raise _error(workshop, "no round played yet; play a round first")
    return rounds, commands


def _replayed_plan(workshop: Workshop, team: str) -> _Plan:
    """:func:`_plan` for an older session: its rounds rebuilt by replaying the game."""
    game, decisions = workshop.team_history(team)
    stored = {row["round"]: row for row in workshop.results(team)}
    rounds = []
    commands: list[tuple[float, Command]] = []
    for report in game.reports:
        row = stored.get(report.number)
        if row is None:
            break
        mine = [d for d in decisions if d.round == report.number]
        rounds.append(RoundRow(
            report.number, report.start_hours, report.end_hours, row["metrics"],
            row["tiers"], row["score"], row["leaderboard"], row["parts"],
            report.ghost, report.ghost_tiers,
            [(d.t, c) for d in mine if d.card is None for c in d.commands],
            [(d.t, c) for d in mine if d.card is not None for c in d.commands],
            [d.card for d in mine if d.card is not None],
        ))  # fmt: skip
        commands.extend(report.commands)
    if not rounds:
        raise _error(workshop, "no round played yet; play a round first")
    return rounds, commands


def _series(futures: dict[int, list[dict[str, Any]]], window: int, n: int) -> dict[str, list[Any]]:
    return {k: [futures[r][window].get(k) for r in range(1, n + 1)] for k in KEY_METRICS}


def _collect(
    workshop: Workshop, replications: int, pool: Any, img: Path, title: str
) -> tuple[list[TeamPack], VariantSeries]:
    """Every team's rounds, played-period charts and luck vs. decisions, and the untouched
    organisation's comparison series.

    One job per team and one for the untouched organisation (shared by all teams, and the
    futures of a team that did nothing) run in ``pool``: the other futures with the
    metrics fold only, then the played future with its charts.  The futures are stored
    in the session's cache, so a pack rebuilt for the same round reuses them.
    """
    plans = {team: _plan(workshop, team) for team in workshop.teams}
    rounds, _ = plans[workshop.teams[0]]
    start, last = rounds[0].start, rounds[-1]
    end = last.end
    starts = (start, last.start)
    scenario, seed = workshop.scenario, workshop.seed
    cache = workshop.cached_futures(last.number, replications)
    keys: dict[str, str] = {}
    futures: dict[str, dict[int, list[dict[str, Any]]]] = {}
    jobs: dict[str, Future[TeamRun]] = {}
    for team in ("", *workshop.teams):  # the untouched organisation first
        wanted = tuple(plans[team][1]) if team else ()
        keys[team] = key = commands_key(wanted)
        found = cached(cache.get(team), key, replications)
        if found is not None:
            futures[team] = found
        if found is not None or (team and not wanted):
            to_run: tuple[int, ...] = ()  # no decisions: its futures are the untouched ones
        else:
            to_run = tuple(range(1, replications + 1))
        label = f"{title} · {team}" if team else f"{title} · {UNTOUCHED}"
        jobs[team] = pool.submit(team_job, scenario, seed, wanted, starts, end, to_run, label,
                                 img if team else None)  # fmt: skip
    done = {team: job.result() for team, job in jobs.items()}
    new_rows = {}
    for team, run in done.items():
        if run.futures:
            futures[team] = run.futures
            new_rows[team] = {"commands": keys[team], "futures": run.futures}
        elif team not in futures:
            futures[team] = futures[""]
    workshop.cache_futures(last.number, replications, new_rows)
    untouched = done[""]
    result = []
    for team in workshop.teams:
        team_rounds, commands = plans[team]
        run = done[team]
        cards = any(r.injected for r in team_rounds)
        label = "your decisions + cards" if cards else "your decisions"
        lucks = []
        for window, name, actual, untouched_actual in (
            (1, f"round {last.number}", team_rounds[-1].metrics, team_rounds[-1].ghost),
            (0, f"rounds 1–{last.number}", run.metrics, untouched.metrics),
        ):
            if window == 0 and len(team_rounds) < 2:
                continue
            lucks.append(Luck(
                name, starts[window], end,
                {k: actual.get(k) for k in KEY_METRICS},
                {k: untouched_actual.get(k) for k in KEY_METRICS},
                _series(futures[team], window, replications),
                _series(futures[""], window, replications), label,
            ))  # fmt: skip
        result.append(TeamPack(
            team, team_rounds, commands, start, end, document_of(scenario, run.metrics),
            run.series, lucks, run.images, run.stream,
        ))  # fmt: skip
    return result, untouched.series


def debrief_dir(workshop: Workshop) -> Path:
    """Where the debrief goes by default: ``<session dir>/debrief``."""
    return Path(workshop.store.path).parent / "debrief"


def write_debrief(
    workshop: Workshop,
    out_dir: str | Path | None = None,
    replications: int = DEBRIEF_REPLICATIONS,
    workers: int | None = None,
) -> list[Path]:
    """Write the debrief pack (see the module docstring); returns the files written.

    The simulations and charts run on ``workers`` processes (default: every core; 1 runs
    everything in this process); the numbers are the same whatever the count.

    Refused with a one-line :class:`~sim.errors.ScenarioError` before any round is played,
    and with a one-line :class:`~sim.outputs.OutputError` if ``out_dir`` (default
    :func:`debrief_dir`) is not a folder that can be written, before any work.
    """
    if replications < 1:
        raise _error(workshop, "replications must be at least 1")
    option = "debrief folder" if out_dir is None else "--out"
    out = check_output_dir(debrief_dir(workshop) if out_dir is None else out_dir, option,
                           "the debrief")  # fmt: skip
    if (out / "img").exists() and not (out / "img").is_dir():
        raise OutputError(f"{option} {out}: img is not a folder; the debrief's charts go there")
    pages = ["index.html", "debrief.json", *(f"team-{team}.html" for team in workshop.teams)]
    for name in pages:  # before the work: a folder where a page goes is refused now
        output_target(out / name)
    if not workshop.played_rounds(workshop.teams[0]):
        raise _error(workshop, "no round played yet; play a round first")
    staging = _staging(out)
    jobs = len(workshop.teams) + 1
    try:
        with executor(min(jobs, workers or os.cpu_count() or 1)) as pool:
            img = staging / "img"
            img.mkdir()
            title = f"Workshop {workshop.name} · {workshop.scenario.scenario.name}"
            teams, untouched = _collect(workshop, replications, pool, img, title)
            written = _write_pack(workshop, teams, untouched, staging, replications, pool, title)
        return _move_into_place(staging, out, written)
    except OSError as exc:  # e.g. the disk filled up while a chart was saved
        problem = exc.strerror or exc
        raise OutputError(f"{out}: cannot write the debrief: {problem}", EXIT_FAILURE) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _staging(out: Path) -> Path:
    """A hidden temporary folder on the same file system as ``out`` (inside it if it exists,
    else beside it), readable like a folder made with ``mkdir``."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=".debrief.", suffix=".tmp",
                                        dir=out if out.is_dir() else out.parent))  # fmt: skip
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the debrief: {exc.strerror or exc}") from None
    return staging


def _move_into_place(staging: Path, out: Path, written: list[Path]) -> list[Path]:
    """Move the complete pack from ``staging`` into ``out``; returns the final paths.

    A new ``out`` is the staging folder renamed (all at once); into an existing one the
    files are moved one by one, after checking that none would replace a folder.
    """
    final = [out / path.relative_to(staging) for path in written]
    if not out.exists():
        try:
            os.rename(staging, out)
        except OSError as exc:
            problem = exc.strerror or exc
            raise OutputError(f"{out}: cannot write the debrief: {problem}", EXIT_FAILURE) from None
        return final
    targets = [output_target(target) for target in final]  # no folder or FIFO replaced
    try:
        (out / "img").mkdir(exist_ok=True)
        for source, target in zip(written, targets, strict=True):
            os.replace(source, target)
    except OSError as exc:
        problem = exc.strerror or exc
        raise OutputError(f"{out}: cannot write the debrief: {problem}", EXIT_FAILURE) from None
    return final


def _write_pack(
    workshop: Workshop,
    teams: list[TeamPack],
    untouched: VariantSeries,
    out: Path,
    replications: int,
    pool: Any,
    title: str,
) -> list[Path]:
    """Write every file of the pack into ``out`` (the staging folder, whose ``img`` holds
    the played-period charts already); the luck and comparison charts are drawn in
    ``pool``."""
    img = out / "img"
    # drawn as written: the charts escape ``$`` (sim.plots.style.plain), so no escaping here
    lucks = {}
    for team in teams:
        label = f"{title} · {team.name}"
        last = team.rounds[-1].number
        lucks[team.name] = pool.submit(luck_job, team.luck, label, img, team.name, last)
    variants = [team.series for team in teams]
    variants.append(replace(untouched, label=UNTOUCHED))
    compare_title = f"{title} · teams compared"
    compared_jobs = [pool.submit(compare_job, index, variants, compare_title, img)
                     for index in range(len(COMPARE_DRAWERS))]  # fmt: skip
    written: list[Path] = []
    for team in teams:
        images = {**team.images, **lucks[team.name].result()}
        written.extend(images.values())
        page = out / f"team-{team.name}.html"
        atomic_write(page, team_html(workshop, team, images))
        written.append(page)
    compared = [job.result() for job in compared_jobs]
    written.extend(compared)
    index = out / "index.html"
    atomic_write(index, index_html(workshop, teams, compared))
    written.append(index)
    data = {
        "workshop": workshop.name,
        "replications": replications,
        "teams": {
            t.name: {
                "rounds": [
                    {"round": r.number, "metrics": {k: r.metrics.get(k) for k in KEY_METRICS},
                     "tiers": r.tiers, "leaderboard": r.leaderboard, "score": r.score}
                    for r in t.rounds
                ],
                "luck": [luck.to_dict() for luck in t.luck],
            }
            for t in teams
        },
    }  # fmt: skip
    path = out / "debrief.json"
    atomic_write(path, [json.dumps(data, indent=2)])
    written.append(path)
    return written
