"""The debrief pack's pages: plain HTML with every chart embedded, so each file stands alone.

:func:`team_html` writes one team's page and :func:`index_html` the page comparing teams,
from what :mod:`.report` gathered (:mod:`.debrief_types`).  Every value is written by
:mod:`sim.formatting` (through :func:`.luck.format_value`), as on the board and the
leaderboard; every text from a scenario or a team is escaped.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..flow_report import batch_sentence, constraint_sentence
from ..game import describe_command
from ..overload import backlog_growth, is_overloaded
from ..units import HOURS_PER_DAY
from .debrief_types import TeamPack
from .luck import KEY_NAMES, format_value, reading
from .scoring import FOUR_KEYS
from .session import KEY_METRICS, Workshop

UNTOUCHED = "untouched organisation"


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


def keys_cells(metrics: dict[str, Any], tiers: dict[str, Any]) -> str:
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


def team_html(workshop: Workshop, team: TeamPack, images: dict[str, Path]) -> list[str]:
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
            f"{keys_cells(r.metrics, r.tiers)}<td>{r.leaderboard:g}</td><td>{r.score:g}</td>"
            "</tr>\n"
            f'<tr class="ghost"><td>{r.number}</td><td class="l">{UNTOUCHED}</td>'
            f"{keys_cells(r.ghost, r.ghost_tiers)}<td></td><td></td></tr>\n"
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


def _value_stream_html(team: TeamPack, images: dict[str, Path]) -> str:
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


def index_html(workshop: Workshop, teams: list[TeamPack], images: list[Path]) -> list[str]:
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
                        f"{keys_cells(r.metrics, r.tiers)}<td>{r.leaderboard:g}</td></tr>\n"
                    )
        if ghost is not None:
            body.append(
                f'<tr class="ghost"><td>{number}</td><td class="l">{UNTOUCHED}</td>'
                f"{keys_cells(ghost.ghost, ghost.ghost_tiers)}<td></td></tr>\n"
            )
    body.append("</table>\n<h2>Teams compared over the played period</h2>\n")
    for path in images:
        body.append(_img(path, path.stem.replace("_", " ")))
    body.append("<h2>Team pages</h2>\n<ul>\n")
    for team in teams:
        body.append(f'<li><a href="team-{_e(team.name)}.html">{_e(team.name)}</a></li>\n')
    body.append("</ul>\n")
    return _page(f"Debrief — {workshop.name}", body)
