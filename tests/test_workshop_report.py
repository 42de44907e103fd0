"""The workshop debrief pack: HTML pages with embedded charts, luck vs. decisions, the CLI."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import ScenarioError
from sim.model import ResizePool, SetPractice
from sim.workshop import Workshop
from sim.workshop.debrief_html import keys_cells
from sim.workshop.report import write_debrief
from sim.workshop.scoring import FOUR_KEYS
from sim.workshop.session import KEY_METRICS
from tests.cli_helpers import assert_one_line_error, run_cli

SCENARIO = "continuous-delivery"
PNG = b"\x89PNG\r\n\x1a\n"


class _Page(HTMLParser):
    """Collects tags, images, links and text; fails on unbalanced structure tags."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.images: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "img":
            self.images.append(values.get("src") or "")
        elif tag == "a":
            self.links.append(values.get("href") or "")
        if tag in {"html", "head", "body", "table", "tr"}:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"html", "head", "body", "table", "tr"}:
            assert self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    assert not page.open
    assert {"html", "head", "body", "table", "img"} <= set(page.tags)
    return page


def session(tmp_path: Path) -> Workshop:
    workshop = Workshop.create("deb", SCENARIO, 3, 2, round_days=14, directory=tmp_path)
    workshop.submit("team-1", ResizePool("developers", 20))
    workshop.submit("team-2", SetPractice("change_approval", "cab"))
    # team-3 does nothing
    return workshop


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workshop, list[Path]]:
    tmp = tmp_path_factory.mktemp("debrief")
    workshop = session(tmp)
    workshop.play_round()
    return workshop, write_debrief(workshop, replications=4)


def test_files_written_into_the_session_folder(played: tuple[Workshop, list[Path]]) -> None:
    workshop, paths = played
    out = Path(workshop.store.path).parent / "debrief"
    names = {p.relative_to(out).as_posix() for p in paths}
    for team in workshop.teams:
        assert f"team-{team}.html" in names
        assert f"img/{team}-luck-round-1.png" in names
        assert f"img/{team}-cumulative-flow.png" in names
    assert {"index.html", "debrief.json", "img/compare_scorecard.png"} <= names
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    for png in (p for p in paths if p.suffix == ".png"):
        assert png.read_bytes().startswith(PNG)


def test_team_pages_stand_alone(played: tuple[Workshop, list[Path]]) -> None:
    workshop, paths = played
    out = paths[-1].parent
    for team in workshop.teams:
        page = parse(out / f"team-{team}.html")
        text = " ".join(page.text)
        assert team in text
        assert "The four keys per round" in text and "deployment frequency" in text
        assert "Decisions taken" in text and "Luck vs. decisions" in text
        assert len(page.images) >= 5
        for src in page.images:
            assert src.startswith("data:image/png;base64,")
            assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG)
    one = " ".join(parse(out / "team-team-1.html").text)
    two = " ".join(parse(out / "team-team-2.html").text)
    three = " ".join(parse(out / "team-team-3.html").text)
    assert "resize developers to 20" in one
    assert "change approval: cab" in two
    assert "no decisions" in three


def test_index_lists_all_teams(played: tuple[Workshop, list[Path]]) -> None:
    workshop, paths = played
    page = parse(paths[-1].parent / "index.html")
    text = " ".join(page.text)
    for team in workshop.teams:
        assert team in text
        assert f"team-{team}.html" in page.links
    assert "Leaderboard" in text and "untouched organisation" in text
    assert all(src.startswith("data:image/png;base64,") for src in page.images)


def test_overload_is_flagged_beside_the_overall_tier(
    played: tuple[Workshop, list[Path]],
) -> None:
    _, paths = played
    out = paths[-1].parent
    # continuous-delivery keeps up with its demand: no team and no ghost is flagged
    for page in ("index.html", "team-team-1.html"):
        assert "OVERLOADED" not in (out / page).read_text(encoding="utf-8")
    tiers = {**dict.fromkeys(FOUR_KEYS, "elite"), "overall": "elite"}
    drowning = {"overloaded": 1.0, "backlog_growth_per_week": 31.25}
    cells = keys_cells(drowning, tiers)
    overall = cells.rsplit("<td>", 1)[1]
    assert '<span class="tier-elite">elite</span>' in overall
    assert '<span class="overloaded" title="backlog grows 31.2 items/week">OVERLOADED</span>' in (
        overall
    )
    assert "OVERLOADED" not in keys_cells({"overloaded": 0.0}, tiers)


def test_luck_numbers_match_the_stored_results(played: tuple[Workshop, list[Path]]) -> None:
    workshop, paths = played
    data = json.loads((paths[-1].parent / "debrief.json").read_text(encoding="utf-8"))
    assert data["replications"] == 4
    for team in workshop.teams:
        stored = json.loads(
            workshop.store.query(
                "SELECT metrics FROM results WHERE team = ? AND round = 1", (team,)
            )[0]["metrics"]
        )
        (luck,) = data["teams"][team]["luck"]  # one round played: one window
        assert luck["label"] == "round 1"
        for key in KEY_METRICS:
            assert luck["actual"][key] == stored[key]
            assert len(luck["decisions"][key]) == len(luck["untouched"][key]) == 4
            assert luck["readings"][key]
    # every team faced the same untouched futures (common random numbers)
    untouched = [data["teams"][t]["luck"][0]["untouched"] for t in workshop.teams]
    assert untouched[0] == untouched[1] == untouched[2]
    # team-3 made no decisions: its futures are the untouched ones
    team3 = data["teams"]["team-3"]["luck"][0]
    assert team3["decisions"] == team3["untouched"]
    # and the decisions of team-2 changed something
    team2 = data["teams"]["team-2"]["luck"][0]
    assert team2["decisions"] != team2["untouched"]


def test_two_rounds_add_an_overall_window(tmp_path: Path) -> None:
    workshop = session(tmp_path)
    workshop.play_round()
    workshop.submit("team-3", SetPractice("change_approval", "cab"))
    workshop.play_round(debrief=write_debrief)  # the optional hook writes the pack
    out = Path(workshop.store.path).parent / "debrief"
    data = json.loads((out / "debrief.json").read_text(encoding="utf-8"))
    lucks = data["teams"]["team-3"]["luck"]
    assert [luck["label"] for luck in lucks] == ["round 2", "rounds 1–2"]
    assert (out / "img" / "team-3-luck-overall.png").is_file()
    text = (out / "team-team-3.html").read_text(encoding="utf-8")
    assert re.search(r"<td>2</td><td>day 15 \(sim day [\d.]+\)</td>", text)


def test_report_before_any_round_is_refused(tmp_path: Path) -> None:
    workshop = session(tmp_path)
    with pytest.raises(ScenarioError, match="no round played yet") as info:
        write_debrief(workshop, replications=2)
    assert "\n" not in info.value.message
    assert not (tmp_path / "deb" / "debrief").exists()


def test_cli_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = str(tmp_path)
    status, _, _ = run_cli(capsys, "workshop", "new", "c", "--scenario", SCENARIO, "--teams",
                           "2", "--rounds", "2", "--round-days", "14", "--dir", d)  # fmt: skip
    assert status == 0
    status, _, err = run_cli(capsys, "workshop", "report", "c", "--dir", d)
    assert status == 2
    assert_one_line_error(err, "no round played yet")
    status, _, err = run_cli(capsys, "workshop", "report", "nope", "--dir", d)
    assert status == 2
    assert_one_line_error(err, "no such workshop")
    assert main(["workshop", "play-round", "c", "--dir", d]) == 0
    capsys.readouterr()
    out_dir = tmp_path / "pack"
    status, out, _ = run_cli(capsys, "workshop", "report", "c", "--dir", d,
                             "--replications", "2", "--out", str(out_dir))  # fmt: skip
    assert status == 0
    assert str(out_dir / "index.html") in out
    assert (out_dir / "team-team-2.html").is_file()
