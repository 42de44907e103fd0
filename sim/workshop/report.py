"""The workshop debrief pack: one self-contained HTML page per team and one comparing teams.

:func:`write_debrief` writes into ``<session dir>/debrief/`` (or ``out_dir``):

* ``team-<name>.html`` — the scenario, the decisions taken per round (with the day of
  play), the four keys per played round (value and tier, the untouched organisation
  beside them) with the leaderboard and game score, flow charts of the played period
  (cumulative flow, cycle-time scatter, incident timeline, scorecard), where the time
  went (the value stream of the played period: :func:`sim.plots.valuestream.draw_value_stream`
  from the replayed game's own fold, no extra simulation) and "luck vs. decisions" (see
  :mod:`.luck`) for the last played round and for all played rounds;
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

Flow charts come from replaying the team's commands (moves and injects at their times)
on replication 0 with a full event log up to the end of the last played round; the
x axis ends there.  Simulations and charts run on a process pool
(:func:`sim.workers.guarded_pool`); one run per replication serves both windows, and
the other futures of a round are stored in the session (:meth:`Workshop.cache_futures`)
so a pack rebuilt for the same round reuses them.
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..events import Event, Kind
from ..flow_report import batch_sentence, constraint_sentence
from ..game import describe_command
from ..metrics.tiers import tier_of
from ..metrics.valuestream import ValueStream
from ..model import Command
from ..model.commands import command_to_dict
from ..outputs import EXIT_FAILURE, OutputError, atomic_write, check_output_dir, output_target
from ..overload import backlog_growth, is_overloaded
from ..plots import compare_charts
from ..plots.run import cumulative_flow_chart, cycle_time_scatter_chart, incidents_chart
from ..plots.scorecard import scorecard_chart
from ..plots.valuestream import draw_value_stream
from ..units import HOURS_PER_DAY
from ..workers import guarded_pool
from .luck import (
    KEY_NAMES,
    Luck,
    format_value,
    futures_metrics,
    luck_chart,
    reading,
)
from .scoring import FOUR_KEYS
from .session import DEBRIEF_REPLICATIONS, KEY_METRICS, Workshop

DEFAULT_REPLICATIONS = DEBRIEF_REPLICATIONS
UNTOUCHED = "untouched organisation"


@dataclass
class _Round:
    number: int
    start: float
    end: float
    metrics: dict[str, Any]
    tiers: dict[str, str | None]
    score: float
    leaderboard: float
    parts: dict[str, float]
    ghost: dict[str, Any]
    ghost_tiers: dict[str, str | None]
    moves: list[tuple[float, Command]]
    injected: list[tuple[float, Command]]
    cards: list[str]


@dataclass
class _Team:
    name: str
    rounds: list[_Round]
    commands: list[tuple[float, Command]]
    start: float
    end: float
    document: dict[str, Any]
    log: list[Event]
    ghost_document: dict[str, Any]
    ghost_log: list[Event]
    luck: list[Luck]
    images: dict[str, Path]
    """The played period's charts, drawn where the futures ran."""
    stream: ValueStream
    """Where the time went over the played period (the replayed game's value stream)."""


def _error(workshop: Workshop, problem: str) -> Exception:
    return workshop._error("report", problem)


def _trim(log: Iterable[Event], end: float) -> list[Event]:
    """The log with its window ending at ``end`` (charts' x axis ends there)."""
    trimmed = []
    for event in log:
        if event.kind is Kind.WINDOW:
            event = event._replace(data={**event.data, "until_hours": end})
        trimmed.append(event)
    return trimmed


def _document(workshop: Workshop, metrics: dict[str, Any]) -> dict[str, Any]:
    return _document_of(workshop.scenario, metrics)


def _document_of(scenario: Any, metrics: dict[str, Any]) -> dict[str, Any]:
    edition = scenario.run.tier_edition
    return {
        "scenario": scenario.scenario.name,
        "metrics": metrics,
        "tiers": tier_of(metrics, edition),
        "provenance": {"tier_edition": edition, "replications": 1},
    }


_Plan = tuple[list["_Round"], list[tuple[float, Command]], float, ValueStream]


def _plan(workshop: Workshop, team: str) -> _Plan:
    """``team``'s played rounds (stored results beside its replayed game), all its commands
    (moves and cards at their times), the game's start and its value stream over the
    played rounds (the game streams it as it replays: no extra simulation)."""
    game, decisions = workshop.team_history(team)
    stored = {row["round"]: row for row in workshop.results(team)}
    rounds = []
    commands: list[tuple[float, Command]] = []
    for report in game.reports:
        row = stored.get(report.number)
        if row is None:
            break
        mine = [d for d in decisions if d.round == report.number]
        rounds.append(_Round(
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
    return rounds, commands, game.start, game.value_stream(game.start, rounds[-1].end)


def _commands_key(commands: Sequence[tuple[float, Command]]) -> str:
    """What a team's futures depend on besides the session (scenario, seed): its commands."""
    return json.dumps([[t, command_to_dict(c)] for t, c in commands], sort_keys=True)


_JobResult = tuple[
    dict[int, list[dict[str, Any]]], dict[str, Any] | None, list[Event] | None, dict[str, Path]
]
"""Futures by replication, the played future's metrics, its log and its charts."""


def _futures_job(
    scenario: Any,
    seed: int,
    commands: tuple[tuple[float, Command], ...],
    starts: tuple[float, ...],
    end: float,
    replications: tuple[int, ...],
    played: tuple[str, Path] | None = None,
) -> _JobResult:
    """Run in a worker: ``replications`` of ``commands`` (key metrics per window of
    ``starts``, all ending at ``end``); with ``played`` = (chart label, img folder) also
    the played future (replication 0) with a full log, its metrics over the first window
    and its flow charts drawn into the folder."""
    futures = {}
    for replication in replications:
        windows, _ = futures_metrics(scenario, seed, replication, commands, starts, end)
        futures[replication] = [{k: w.get(k) for k in KEY_METRICS} for w in windows]
    if played is None:
        return futures, None, None, {}
    windows, sim = futures_metrics(scenario, seed, 0, commands, starts[:1], end, keep_log=True)
    log = _trim(sim.log or [], end)
    label, img = played
    return futures, windows[0], log, _flow_charts(label, img, log, windows[0], scenario)


def _flow_charts(label: str, img: Path, log: list[Event], metrics: dict[str, Any],
                 scenario: Any) -> dict[str, Path]:  # fmt: skip
    """The played period's charts of one team (``label`` ends with the team's name)."""
    if not label:
        return {}
    name = label.rsplit(" · ", 1)[-1]
    document = _document_of(scenario, metrics)
    return {
        "scorecard": scorecard_chart(document, f"{label} · played period",
                                     img / f"{name}-scorecard.png"),
        "cumulative_flow": cumulative_flow_chart(log, label, img / f"{name}-cumulative-flow.png"),
        "cycle_time_scatter": cycle_time_scatter_chart(log, label, img / f"{name}-cycle-time.png"),
        "incidents": incidents_chart(log, label, img / f"{name}-incidents.png"),
    }  # fmt: skip


def _value_stream_job(stream: ValueStream, label: str, img: Path, name: str) -> dict[str, Path]:
    """Run in a worker: one team's value-stream chart of the played period."""
    title = f"{label} · where the time goes, played period"
    return {"value_stream": draw_value_stream(stream, title, img / f"{name}-value-stream.png")}


def _luck_job(lucks: list[Luck], label: str, img: Path, name: str, last: int) -> dict[str, Path]:
    """Run in a worker: one team's luck-vs-decisions charts."""
    images = {}
    for i, luck in enumerate(lucks):
        which = "overall" if i else f"round-{last}"
        images[f"luck{i}"] = luck_chart(luck, f"{label} · luck vs. decisions, {luck.label}",
                                        img / f"{name}-luck-{which}.png")  # fmt: skip
    return images


class _Inline:
    """The executor interface, run at once in this process (one worker: no pool)."""

    def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed over like a pool's future does
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def _executor(workers: int) -> Iterator[Any]:
    if workers <= 1:
        yield _Inline()
        return
    with guarded_pool(workers) as pool:
        yield pool


def _series(futures: dict[int, list[dict[str, Any]]], window: int, n: int) -> dict[str, list[Any]]:
    return {k: [futures[r][window].get(k) for r in range(1, n + 1)] for k in KEY_METRICS}


def _collect(
    workshop: Workshop, replications: int, pool: Any, img: Path, title: str
) -> list[_Team]:
    """Every team's rounds, played-future charts and luck vs. decisions.

    The other futures run in ``pool``, one job per team and one for the untouched
    organisation (shared by all teams, and the futures of a team that did nothing), with
    the metrics fold only; each is stored in the session's cache, so a pack rebuilt for the same
    round reuses them.
    """
    first = workshop.teams[0]
    plans = {first: _plan(workshop, first)}
    rounds, _, start, _ = plans[first]
    last, end = rounds[-1], rounds[-1].end
    starts = (start, last.start)
    scenario, seed = workshop.scenario, workshop.seed
    cache = workshop.cached_futures(last.number, replications)
    keys: dict[str, str] = {}
    wanted: dict[str, tuple[tuple[float, Command], ...]] = {}
    futures: dict[str, dict[int, list[dict[str, Any]]]] = {}
    jobs: dict[str, Future[Any]] = {}
    # the untouched organisation first, then each team as soon as its plan is read, so
    # the workers start while this process replays the teams' rounds
    for team in ("", *workshop.teams):
        if team and team not in plans:
            plans[team] = _plan(workshop, team)
        wanted[team] = tuple(plans[team][1]) if team else ()
        keys[team] = key = _commands_key(wanted[team])
        entry = cache.get(team)
        if isinstance(entry, dict) and entry.get("commands") == key:
            try:
                found = {int(r): v for r, v in entry["futures"].items()}
            except (AttributeError, KeyError, TypeError, ValueError):
                found = {}
            if sorted(found) == list(range(1, replications + 1)):
                futures[team] = found
        to_run = () if team in futures else tuple(range(1, replications + 1))
        if team and not wanted[team]:
            to_run = ()  # no decisions: its futures are the untouched ones
        played = (f"{title} · {team}", img) if team else ("", img)
        jobs[team] = pool.submit(_futures_job, scenario, seed, wanted[team], starts, end,
                                 to_run, played)  # fmt: skip
    done = {team: job.result() for team, job in jobs.items()}
    new_rows = {}
    for team, (computed, *_rest) in done.items():
        if computed:
            futures[team] = computed
            new_rows[team] = {"commands": keys[team], "futures": computed}
        elif team and not wanted[team]:
            futures[team] = futures[""]
    workshop.cache_futures(last.number, replications, new_rows)
    _, ghost_metrics, ghost_log, _ = done[""]
    assert ghost_metrics is not None and ghost_log is not None
    result = []
    for team in workshop.teams:
        team_rounds, commands, _, stream = plans[team]
        _, metrics, log, images = done[team]
        assert metrics is not None and log is not None
        cards = any(r.injected for r in team_rounds)
        label = "your decisions + cards" if cards else "your decisions"
        lucks = []
        for window, name, actual, untouched_actual in (
            (1, f"round {last.number}", team_rounds[-1].metrics, team_rounds[-1].ghost),
            (0, f"rounds 1–{last.number}", metrics, ghost_metrics),
        ):
            if window == 0 and len(team_rounds) < 2:
                continue
            lo = starts[window]
            luck = Luck(
                name, lo, end,
                {k: actual.get(k) for k in KEY_METRICS},
                {k: untouched_actual.get(k) for k in KEY_METRICS},
                _series(futures[team], window, replications),
                _series(futures[""], window, replications), label,
            )  # fmt: skip
            lucks.append(luck)
        result.append(_Team(
            team, team_rounds, commands, start, end, _document(workshop, metrics), log,
            _document(workshop, ghost_metrics), ghost_log, lucks, images, stream,
        ))  # fmt: skip
    return result


# --------------------------------------------------------------------------- HTML

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 1100px; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 2px solid #ddd; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.95em; }
th, td { border: 1px solid #ccc; padding: 0.35em 0.6em; text-align: right; }
th { background: #f2f2f2; } td.l, th.l { text-align: left; }
tr.ghost td { color: #666; font-style: italic; }
img { width: 100%; height: auto; border: 1px solid #eee; margin: 0.5em 0 1em; }
.tier-elite { color: #117733; font-weight: bold; } .tier-high { color: #0072B2; }
.tier-medium { color: #B07400; } .tier-low { color: #C0392B; }
.meta { color: #555; } .reading { margin: 0.3em 0; }
.overloaded { color: #fff; background: #C0392B; font-weight: bold; padding: 0 0.3em; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text))


def _page(title: str, body: Sequence[str]) -> list[str]:
    return [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        *body,
        "\n</body>\n</html>\n",
    ]


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">\n'


def _tier(tier: str | None) -> str:
    return f'<span class="tier-{tier}">{tier}</span>' if tier else "no tier"


def _keys_cells(metrics: dict[str, Any], tiers: dict[str, Any]) -> str:
    cells = [
        f"<td>{_e(format_value(metric, metrics.get(metric)))} {_tier(tiers.get(key))}</td>"
        for metric, key in zip(KEY_METRICS, FOUR_KEYS, strict=True)
    ]
    return "".join(cells) + f"<td>{_overall(metrics, tiers)}</td>"


def _overall(metrics: dict[str, Any], tiers: dict[str, Any]) -> str:
    """The overall tier, flagged when the organisation was overloaded in the round: its
    backlog grew without bound, which the four keys (they start at commit) cannot show."""
    tier = _tier(tiers.get("overall"))
    if not is_overloaded(metrics):
        return tier
    growth = backlog_growth(metrics)
    title = "" if growth is None else f' title="backlog grows {growth:.1f} items/week"'
    return f'{tier} <span class="overloaded"{title}>OVERLOADED</span>'


KEY_HEADERS = "".join(f"<th>{_e(KEY_NAMES[m][0])}</th>" for m in KEY_METRICS) + "<th>overall</th>"


def _day(t: float, start: float) -> str:
    return f"day {int((t - start) // HOURS_PER_DAY) + 1}"


def _team_html(workshop: Workshop, team: _Team, images: dict[str, Path]) -> list[str]:
    sc = workshop.scenario.scenario
    total = sum(r.leaderboard for r in team.rounds)
    body = [
        f"<h1>Debrief: {_e(team.name)}</h1>\n",
        f'<p class="meta">Workshop {_e(workshop.name)} · scenario <b>{_e(sc.name)}</b>'
        f"{' — ' + _e(sc.title) if sc.title else ''} · seed {workshop.seed} · "
        f"{len(team.rounds)} of {workshop.rounds} rounds of {workshop.round_days:g} days "
        f"played · leaderboard total {total:g} · "
        '<a href="index.html">all teams</a></p>\n',
    ]
    if sc.description:
        body.append(f"<p>{_e(sc.description)}</p>\n")
    body.append("<h2>Decisions taken</h2>\n<table><tr><th>round</th><th>when</th>"
                '<th class="l">decision</th><th class="l">by</th></tr>\n')  # fmt: skip
    for r in team.rounds:
        entries = [(t, c, "your team") for t, c in r.moves]
        entries += [(t, c, "facilitator card") for t, c in r.injected]
        if not entries:
            body.append(f'<tr><td>{r.number}</td><td></td><td class="l">no decisions</td>'
                        '<td class="l"></td></tr>\n')  # fmt: skip
        for t, command, who in entries:
            body.append(
                f"<tr><td>{r.number}</td><td>{_day(t, team.start)} (sim day "
                f'{t / HOURS_PER_DAY:g})</td><td class="l">{_e(describe_command(command))}</td>'
                f'<td class="l">{who}</td></tr>\n'
            )
        if r.cards:
            cards = _e(", ".join(r.cards))
            body.append(f'<tr><td>{r.number}</td><td></td><td class="l">cards played: {cards}'
                        '</td><td class="l">facilitator</td></tr>\n')  # fmt: skip
    body.append("</table>\n")
    body.append(
        '<h2>The four keys per round</h2>\n<table id="four-keys"><tr><th>round</th>'
        f'<th class="l">who</th>{KEY_HEADERS}<th>leaderboard score</th>'
        "<th>game score</th></tr>\n"
    )
    for r in team.rounds:
        body.append(
            f'<tr><td>{r.number}</td><td class="l">{_e(team.name)}</td>'
            f"{_keys_cells(r.metrics, r.tiers)}<td>{r.leaderboard:g}</td><td>{r.score:g}</td>"
            "</tr>\n"
            f'<tr class="ghost"><td>{r.number}</td><td class="l">{UNTOUCHED}</td>'
            f"{_keys_cells(r.ghost, r.ghost_tiers)}<td></td><td></td></tr>\n"
        )
    body.append("</table>\n<h2>Flow and incidents over the played period</h2>\n")
    for key, alt in (("scorecard", "scorecard"), ("cumulative_flow", "cumulative flow"),
                     ("cycle_time_scatter", "cycle-time scatter"),
                     ("incidents", "incident timeline")):  # fmt: skip
        body.append(_img(images[key], alt))
    body.append(_value_stream_html(team, images))
    body.append(
        "<h2>Luck vs. decisions</h2>\n<p>Each round was played on one future (replication "
        "0). Below, the same period in other futures (replications 1–N): with your "
        "decisions and untouched. If your decisions' futures beat the untouched ones, the "
        "decisions did it; where your actual result sits among your decisions' futures "
        "shows the luck.</p>\n"
    )
    for i, luck in enumerate(team.luck):
        body.append(f"<h3>{_e(luck.label.capitalize())}</h3>\n")
        body.append(_img(images[f"luck{i}"], f"luck vs decisions, {luck.label}"))
        for key in KEY_METRICS:
            body.append(f'<p class="reading">{_e(reading(luck, key))}</p>\n')
    return _page(f"Debrief {team.name} — {workshop.name}", body)


def _value_stream_html(team: _Team, images: dict[str, Path]) -> str:
    """Where the time went over the played period: the chart and its two sentences."""
    stream = team.stream
    days = f"days 1–{max(1, round((team.end - team.start) / HOURS_PER_DAY))}"
    return (
        f'<h3 id="value-stream">Where the time goes (played period, {days})</h3>\n'
        "<p>Each change delivered in the played period, from its arrival in the backlog to "
        "production, stage by stage: waiting (a queue, a meeting, a window, a train) or "
        f"worked on; {stream.changes:,} changes.</p>\n"
        + _img(images["value_stream"], "where the time goes")
        + f'<p class="reading">{_e(constraint_sentence(stream).plain)}</p>\n'
        + f'<p class="reading">{_e(batch_sentence(stream).plain)}</p>\n'
    )


def _index_html(workshop: Workshop, teams: list[_Team], images: list[Path]) -> list[str]:
    status = workshop.status()
    body = [
        f"<h1>Workshop {_e(workshop.name)}: debrief</h1>\n",
        f'<p class="meta">Scenario <b>{_e(workshop.scenario.scenario.name)}</b> · seed '
        f"{workshop.seed} · round {status.round} of {status.rounds} ({status.status}) · "
        f"{workshop.round_days:g} days per round</p>\n",
        '<h2>Leaderboard</h2>\n<table id="leaderboard"><tr><th>#</th>'
        '<th class="l">team</th><th>rounds</th><th>total</th><th>last round</th></tr>\n',
    ]
    for row in workshop.leaderboard():
        last = "–" if row.last_score is None else f"{row.last_score:g}"
        body.append(
            f'<tr><td>{row.rank}</td><td class="l"><a href="team-{_e(row.team)}.html">'
            f"{_e(row.team)}</a></td><td>{row.rounds_played}</td><td>{row.total:g}</td>"
            f"<td>{last}</td></tr>\n"
        )
    body.append(
        '</table>\n<h2>The four keys per team and round</h2>\n<table id="four-keys">'
        f'<tr><th>round</th><th class="l">team</th>{KEY_HEADERS}<th>score</th></tr>\n'
    )
    numbers = sorted({r.number for t in teams for r in t.rounds})
    for number in numbers:
        ghost = None
        for team in teams:
            for r in team.rounds:
                if r.number == number:
                    ghost = r
                    body.append(
                        f'<tr><td>{number}</td><td class="l">{_e(team.name)}</td>'
                        f"{_keys_cells(r.metrics, r.tiers)}<td>{r.leaderboard:g}</td></tr>\n"
                    )
        if ghost is not None:
            body.append(
                f'<tr class="ghost"><td>{number}</td><td class="l">{UNTOUCHED}</td>'
                f"{_keys_cells(ghost.ghost, ghost.ghost_tiers)}<td></td></tr>\n"
            )
    body.append("</table>\n<h2>Teams compared over the played period</h2>\n")
    for path in images:
        body.append(_img(path, path.stem.replace("_", " ")))
    body.append("<h2>Team pages</h2>\n<ul>\n")
    for team in teams:
        body.append(f'<li><a href="team-{_e(team.name)}.html">{_e(team.name)}</a></li>\n')
    body.append("</ul>\n")
    return _page(f"Debrief — {workshop.name}", body)


# --------------------------------------------------------------------------- entry point


def debrief_dir(workshop: Workshop) -> Path:
    """Where the debrief goes by default: ``<session dir>/debrief``."""
    return Path(workshop.store.path).parent / "debrief"


def write_debrief(
    workshop: Workshop,
    out_dir: str | Path | None = None,
    replications: int = DEFAULT_REPLICATIONS,
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
        with _executor(min(jobs, workers or os.cpu_count() or 1)) as pool:
            img = staging / "img"
            img.mkdir()
            title = f"Workshop {workshop.name} · {workshop.scenario.scenario.name}"
            teams = _collect(workshop, replications, pool, img, title)
            written = _write_pack(workshop, teams, staging, replications, pool, title)
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
    workshop: Workshop, teams: list[_Team], out: Path, replications: int, pool: Any, title: str
) -> list[Path]:
    """Write every file of the pack into ``out`` (the staging folder, whose ``img`` holds
    the played-period charts already); the luck charts are drawn in ``pool`` while this
    process draws the comparison."""
    img = out / "img"
    # drawn as written: the charts escape ``$`` (sim.plots.style.plain), so no escaping here
    lucks = {}
    streams = {}
    for team in teams:
        label = f"{title} · {team.name}"
        last = team.rounds[-1].number
        lucks[team.name] = pool.submit(_luck_job, team.luck, label, img, team.name, last)
        streams[team.name] = pool.submit(_value_stream_job, team.stream, label, img, team.name)
    variants = [(t.name, t.log, t.document) for t in teams]
    variants.append((UNTOUCHED, teams[0].ghost_log, teams[0].ghost_document))
    compared = compare_charts(variants, f"{title} · teams compared", img)
    written: list[Path] = []
    for team in teams:
        images = {**team.images, **streams[team.name].result(), **lucks[team.name].result()}
        written.extend(images.values())
        page = out / f"team-{team.name}.html"
        atomic_write(page, _team_html(workshop, team, images))
        written.append(page)
    written.extend(compared)
    index = out / "index.html"
    atomic_write(index, _index_html(workshop, teams, compared))
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
