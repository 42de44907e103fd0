"""The debrief pack's pages: plain HTML with every chart embedded, so each file stands alone.

:func:`team_html` writes one team's page and :func:`index_html` the page comparing teams,
from what :mod:`.report` gathered (:mod:`.debrief_types`).  The pages are jinja2
templates in ``templates/`` (``base.html`` with the style sheet ``debrief.css`` inline,
``team.html``, ``index.html`` and the shared pieces in ``parts.html``), rendered with
autoescaping on: every text from a scenario, a team or a command is escaped, and team
links are URL-encoded.  This module turns the pack into what the templates show; every
value is written by :func:`sim.formatting.format_value`, as on the board and the
leaderboard.  jinja2 is imported when the first page is rendered (as the charts import
matplotlib only when they draw).
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..flow_report import batch_sentence, constraint_sentence
from ..formatting import format_value
from ..game import describe_command
from ..metrics.tiers import FOUR_KEYS, KEY_METRICS
from ..overload import backlog_growth, is_overloaded
from ..units import HOURS_PER_DAY
from .debrief_types import RoundRow, TeamPack
from .luck import reading
from .session import Workshop

if TYPE_CHECKING:
    import jinja2

UNTOUCHED = "untouched organisation"

FLOW_CHARTS: tuple[tuple[str, str], ...] = (
    ("scorecard", "scorecard"),
    ("cumulative_flow", "cumulative flow"),
    ("cycle_time_scatter", "cycle-time scatter"),
    ("incidents", "incident timeline"),
)
"""The played period's charts on a team page, in order: (image key, alt text)."""


@functools.cache
def environment() -> jinja2.Environment:
    """The templates of the pages (loaded once, on first use), escaping every value.

    Block tags take their line with them (``trim_blocks``, ``lstrip_blocks``), so a
    template reads like the page it writes; an undefined name is an error, not a blank.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sim.workshop", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["g"] = lambda value: f"{value:g}"
    env.filters["thousands"] = lambda value: f"{value:,}"
    env.filters["png_base64"] = _png_base64
    env.globals.update(
        cells=cells_of,
        key_names=[key.name for key in FOUR_KEYS],
        key_metrics=KEY_METRICS,
        reading=reading,
        untouched=UNTOUCHED,
    )
    return env


def _png_base64(path: Path) -> str:
    """A chart's bytes for a ``data:image/png;base64,`` URI."""
    return base64.b64encode(path.read_bytes()).decode("ascii")


@dataclass(frozen=True)
class KeyCells:
    """One table row's four keys as the pages show them (``parts.html:keys_cells``)."""

    keys: list[tuple[str, str | None]]
    """Per key, in :data:`sim.metrics.tiers.FOUR_KEYS` order: the value as text and its tier
    (or None)."""
    overall: str | None
    """The overall tier."""
    overloaded: bool
    """The organisation was overloaded in the round: its backlog grew without bound,
    which the four keys (they start at commit) cannot show."""
    growth: float | None
    """How fast the backlog grew when overloaded (items/week), if measured."""


def cells_of(metrics: dict[str, Any], tiers: dict[str, Any]) -> KeyCells:
    """What a row of the four-keys tables shows of ``metrics`` and their ``tiers``."""
    keys = [(format_value(k.metric, metrics.get(k.metric)), tiers.get(k.key)) for k in FOUR_KEYS]
    overloaded = is_overloaded(metrics)
    growth = backlog_growth(metrics) if overloaded else None
    return KeyCells(keys, tiers.get("overall"), overloaded, growth)


def keys_cells(metrics: dict[str, Any], tiers: dict[str, Any]) -> str:
    """The ``<td>`` cells of one row of the four-keys tables: each key's value and tier,
    then the overall tier (flagged ``OVERLOADED`` when the backlog grew without bound)."""
    parts = environment().get_template("parts.html").module
    return str(parts.keys_cells(cells_of(metrics, tiers)))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DecisionLine:
    """One decision of a round on a team page."""

    when: str
    """The day of play and the simulated day, e.g. ``day 15 (sim day 44)``."""
    what: str
    who: str
    """``your team`` or ``facilitator card``."""


def _day(t: float, start: float) -> str:
    """The day of play of simulated hour ``t`` when play began at hour ``start``."""
    return f"day {int((t - start) // HOURS_PER_DAY) + 1}"


def decision_lines(team: TeamPack, row: RoundRow) -> list[DecisionLine]:
    """The decisions of one round: the team's moves, then what the cards carried out."""
    entries = [(t, c, "your team") for t, c in row.moves]
    entries += [(t, c, "facilitator card") for t, c in row.injected]
    return [
        DecisionLine(f"{_day(t, team.start)} (sim day {t / HOURS_PER_DAY:g})",
                     describe_command(command), who)
        for t, command, who in entries
    ]  # fmt: skip


def team_html(workshop: Workshop, team: TeamPack, images: dict[str, Path]) -> list[str]:
    """One team's page (``team.html``): the scenario, the decisions taken, the four keys
    per round beside the untouched organisation, the played period's charts, where the
    time went and luck vs. decisions.  ``images`` maps image keys to the PNG files."""
    stream = team.stream
    page = (
        environment()
        .get_template("team.html")
        .render(
            title=f"Debrief {team.name} — {workshop.name}",
            workshop=workshop,
            scenario=workshop.scenario.scenario,
            team=team,
            total=sum(r.leaderboard for r in team.rounds),
            decisions=[(r, decision_lines(team, r)) for r in team.rounds],
            flow_charts=FLOW_CHARTS,
            images=images,
            played_days=max(1, round((team.end - team.start) / HOURS_PER_DAY)),
            constraint=constraint_sentence(stream).plain,
            batches=batch_sentence(stream).plain,
        )
    )
    return [page]


def _by_round(teams: list[TeamPack]) -> list[tuple[int, list[tuple[str, RoundRow]], RoundRow]]:
    """Per played round number: each team's row, and the row whose untouched organisation
    the table shows (the same for every team)."""
    grouped = []
    for number in sorted({r.number for t in teams for r in t.rounds}):
        played = [(team.name, r) for team in teams for r in team.rounds if r.number == number]
        grouped.append((number, played, played[-1][1]))
    return grouped


def index_html(workshop: Workshop, teams: list[TeamPack], images: list[Path]) -> list[str]:
    """The page comparing teams (``index.html``): the leaderboard, the four keys per team
    and round, the comparison charts (``images``) and links to the team pages."""
    page = (
        environment()
        .get_template("index.html")
        .render(
            title=f"Debrief — {workshop.name}",
            workshop=workshop,
            scenario=workshop.scenario.scenario,
            status=workshop.status(),
            leaderboard=workshop.leaderboard(),
            by_round=_by_round(teams),
            compared=images,
            teams=teams,
        )
    )
    return [page]
