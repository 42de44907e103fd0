"""The debrief keeps pace: futures in parallel, computed once per round, numbers unchanged."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from sim.model import ResizePool, SetPractice
from sim.workshop import Workshop
from sim.workshop import luck as luck_module
from sim.workshop.luck import luck_vs_decisions
from sim.workshop.report import write_debrief
from sim.workshop.session import KEY_METRICS

pytestmark = pytest.mark.timeout(300)
SCENARIO = "continuous-delivery"


def played(tmp_path: Path, name: str = "pace") -> Workshop:
    workshop = Workshop.create(name, SCENARIO, 3, 3, round_days=14, seed=5, directory=tmp_path)
    workshop.submit("team-1", ResizePool("developers", 20))
    workshop.submit("team-2", SetPractice("change_approval", "cab"))
    workshop.play_round()
    workshop.inject("engineer-leaves", "team-2")
    workshop.submit("team-1", SetPractice("change_approval", "cab"))
    workshop.play_round()
    return workshop


def pack(paths: list[Path]) -> dict:
    return json.loads((paths[-1].parent / "debrief.json").read_text(encoding="utf-8"))


def test_the_pack_has_the_numbers_of_the_old_one_future_at_a_time_way(tmp_path: Path) -> None:
    """Same seeds, same numbers: each window's futures, recomputed the old way (one
    simulation per window and replication, from day 0), equal the parallel pack's."""
    workshop = played(tmp_path)
    data = pack(write_debrief(workshop, replications=3, workers=2))
    for team in workshop.teams:
        game = workshop.team_game(team)
        commands = [c for r in game.reports for c in r.commands]
        last = game.reports[-1]
        windows = [(last.start_hours, "round 2"), (game.start, "rounds 1–2")]
        lucks = data["teams"][team]["luck"]
        assert [luck["label"] for luck in lucks] == [label for _, label in windows]
        for (start, label), new in zip(windows, lucks, strict=True):
            old = luck_vs_decisions(workshop.scenario, workshop.seed, commands, start,
                                    last.end_hours, 3, label)  # fmt: skip
            assert new["decisions"] == json.loads(json.dumps(old.decisions))
            assert new["untouched"] == json.loads(json.dumps(old.untouched))
            for key in KEY_METRICS:
                assert new["actual"][key] == old.actual[key]


def test_one_worker_and_two_give_the_same_pack(tmp_path: Path) -> None:
    one = played(tmp_path / "a")
    two = played(tmp_path / "b")
    a = pack(write_debrief(one, replications=2, workers=1))
    b = pack(write_debrief(two, replications=2, workers=2))
    assert a["teams"] == b["teams"]


def test_futures_are_computed_once_per_round_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop = played(tmp_path)
    first = pack(write_debrief(workshop, replications=2, workers=1))
    runs: list[int] = []
    original = luck_module.futures_metrics

    def counting(*args: object, **kwargs: object) -> object:
        runs.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("sim.workshop.report.futures_metrics", counting)
    again = pack(write_debrief(workshop, replications=2, workers=1))
    assert again == first
    # only the played future of each team and of the untouched organisation (charts)
    assert len(runs) == len(workshop.teams) + 1
    stored = workshop.cached_futures(2, 2)
    assert set(stored) == {"", "team-1", "team-2"}  # team-3 did nothing: the untouched ones


def test_a_session_made_before_the_cache_opens_and_gets_it(tmp_path: Path) -> None:
    workshop = played(tmp_path)
    workshop.store.conn.execute("DROP TABLE IF EXISTS futures")  # as an older session
    workshop.close()
    older = Workshop.open("pace", tmp_path)
    assert not older.store.has_table("futures")
    assert older.cached_futures(2, 2) == {}
    pack(write_debrief(older, replications=2, workers=1))
    assert older.store.has_table("futures")
    assert Workshop.open("pace", tmp_path).cached_futures(2, 2)


def test_a_damaged_cache_row_is_recomputed(tmp_path: Path) -> None:
    workshop = played(tmp_path)
    first = pack(write_debrief(workshop, replications=2, workers=1))
    workshop.store.conn.execute("UPDATE futures SET data = '{\"futures\": 3}'")
    assert pack(write_debrief(workshop, replications=2, workers=1)) == first


def test_session_does_not_import_the_report() -> None:
    """One way: report → session, never back (play_round takes the writer as a callback)."""
    source = Path(__file__).parents[1] / "sim" / "workshop" / "session.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not any(name.endswith("report") for name in imported)
