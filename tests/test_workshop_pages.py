"""The debrief pages escape what they show: team names, scenario texts, card ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sim.loading import load_scenario
from sim.metrics.tiers import KEY_METRICS
from sim.metrics.valuestream import value_stream
from sim.model import ResizePool
from sim.scenario import Scenario
from sim.workshop import LeaderboardRow, SessionStatus
from sim.workshop.debrief_html import index_html, team_html
from sim.workshop.debrief_types import RoundRow, TeamPack
from sim.workshop.luck import Luck

HOSTILE = "<script>alert(1)</script>&co"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&amp;co"
PNG = b"\x89PNG\r\n\x1a\n"


@dataclass
class _Session:
    """What the pages read of a session, with a team name no real session accepts."""

    scenario: Scenario
    name: str = "w"
    seed: int = 1
    rounds: int = 2
    round_days: float = 14.0
    teams: list[str] = field(default_factory=lambda: [HOSTILE])

    def status(self) -> SessionStatus:
        return SessionStatus(self.name, self.scenario.scenario.name, 1, self.rounds, "played",
                             self.round_days, None, [], [])  # fmt: skip

    def leaderboard(self) -> list[LeaderboardRow]:
        return [LeaderboardRow(1, HOSTILE, 1, 10.0, 10.0)]


def _pages(tmp_path: Path) -> dict[str, str]:
    scenario = load_scenario("continuous-delivery")
    texts = {"title": f"title {HOSTILE}", "description": f"description {HOSTILE}"}
    scenario = scenario.model_copy(update={"scenario": scenario.scenario.model_copy(update=texts)})
    session = cast(Any, _Session(scenario))
    end = 14.0 * 24
    row = RoundRow(1, 0.0, end, {}, {}, 1.0, 10.0, {}, {}, {},
                   [(24.0, ResizePool("developers", 5))], [], [f"card {HOSTILE}"])  # fmt: skip
    luck = Luck("round 1", 0.0, end, {}, {}, {k: [] for k in KEY_METRICS},
                {k: [] for k in KEY_METRICS})  # fmt: skip
    team = TeamPack(HOSTILE, [row], [], 0.0, end, {}, cast(Any, None), [luck], {},
                    value_stream([], 0.0, end))  # fmt: skip
    images = {}
    for key in ("scorecard", "cumulative_flow", "cycle_time_scatter", "incidents",
                "value_stream", "luck0"):  # fmt: skip
        images[key] = tmp_path / f"{key}.png"
        images[key].write_bytes(PNG)
    return {
        "team": "".join(team_html(session, team, images)),
        "index": "".join(index_html(session, [team], [images["scorecard"]])),
    }


def test_a_hostile_team_name_is_escaped_on_every_page(tmp_path: Path) -> None:
    pages = _pages(tmp_path)
    for name, page in pages.items():
        assert "<script>" not in page, name
        assert "&co" not in page.replace("&amp;co", ""), name
        assert ESCAPED in page, name
    assert f"<h1>Debrief: {ESCAPED}</h1>" in pages["team"]
    assert f"<title>Debrief {ESCAPED} — w</title>" in pages["team"]
    assert f"title {ESCAPED}" in pages["team"] and f"description {ESCAPED}" in pages["team"]
    assert f"cards played: card {ESCAPED}" in pages["team"]
    # the team links are URL-encoded, then escaped
    link = 'href="team-%3Cscript%3Ealert%281%29%3C/script%3E%26co.html"'
    assert pages["index"].count(link) == 2  # the leaderboard and the list of team pages
