"""The debrief keeps pace: futures in parallel, computed once per round, numbers unchanged."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.model import ResizePool, SetPractice
from sim.workshop import Workshop
from sim.workshop import futures as futures_module
from sim.workshop.luck import luck_vs_decisions
from sim.workshop.report import write_debrief
from sim.workshop.session import DEBRIEF_REPLICATIONS, KEY_METRICS
from sim.workshop.store import PLAYED_ROUNDS

pytestmark = pytest.mark.timeout(300)
SCENARIO = "continuous-delivery"


def played(tmp_path: Path, name: str = "pace", replications: int = 0) -> Workshop:
    """Two rounds of three teams (team-3 does nothing), with ``replications`` futures
    stored as each round is played (none by default: the packs compute theirs)."""
    workshop = Workshop.create(name, SCENARIO, 3, 3, round_days=14, seed=5, directory=tmp_path)
    workshop.submit("team-1", ResizePool("developers", 20))
    workshop.submit("team-2", SetPractice("change_approval", "cab"))
    workshop.play_round(replications=replications)
    workshop.inject("engineer-leaves", "team-2")
    workshop.submit("team-1", SetPractice("change_approval", "cab"))
    workshop.play_round(replications=replications)
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
    original = futures_module.futures_metrics

    def counting(*args: object, **kwargs: object) -> object:
        runs.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(futures_module, "futures_metrics", counting)
    again = pack(write_debrief(workshop, replications=2, workers=1))
    assert again == first
    # only the played future of each team and of the untouched organisation (charts)
    assert len(runs) == len(workshop.teams) + 1
    stored = workshop.cached_futures(2, 2)
    assert set(stored) == {"", "team-1", "team-2"}  # team-3 did nothing: the untouched ones


def test_playing_a_round_stores_its_futures_and_a_pack_runs_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each round's futures are computed once, when it is played; every pack of the round
    reads them, with the numbers a pack computing them itself gets."""
    workshop = played(tmp_path / "stored", replications=DEBRIEF_REPLICATIONS)
    stored = workshop.cached_futures(2, DEBRIEF_REPLICATIONS)
    assert set(stored) == {"", "team-1", "team-2"}
    runs: list[object] = []
    original = futures_module.futures_metrics

    def counting(*args: object, **kwargs: object) -> object:
        runs.append(args[2])  # the replication
        return original(*args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(futures_module, "futures_metrics", counting)
        read = pack(write_debrief(workshop, workers=1))
    assert runs == [0] * (len(workshop.teams) + 1)  # the played futures only (charts)
    bare = played(tmp_path / "bare")
    assert not bare.cached_futures(2, DEBRIEF_REPLICATIONS)
    assert pack(write_debrief(bare, workers=1))["teams"] == read["teams"]


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


def _pages(paths: list[Path]) -> dict[str, str]:
    """The pack's pages, charts left out (their pixels are the charts' tests' business)."""
    return {
        path.name: re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,…", path.read_text(encoding="utf-8"))
        for path in paths
        if path.suffix in (".html", ".json")
    }


def test_the_pack_reads_each_round_as_stored_when_played(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No replay of the teams' games for a pack: what play_round stored is read back, and
    a session made before rounds were stored (replayed instead) gets the same pack."""
    workshop = played(tmp_path)

    def no_replay(*args: object, **kwargs: object) -> None:
        raise AssertionError("the pack replayed a team's game")

    with monkeypatch.context() as patch:
        patch.setattr(Workshop, "team_history", no_replay)
        patch.setattr(Workshop, "_replay", no_replay)
        stored = _pages(write_debrief(workshop, out_dir=tmp_path / "one", replications=2,
                                      workers=1))  # fmt: skip
    workshop.store.conn.execute(f"DROP TABLE {PLAYED_ROUNDS}")  # as an older session
    assert workshop.played("team-1") is None
    replayed = _pages(write_debrief(workshop, out_dir=tmp_path / "two", replications=2,
                                    workers=1))  # fmt: skip
    assert stored == replayed
    assert "facilitator card" in stored["team-team-2.html"]  # the card's commands are there


def test_a_played_round_is_what_replaying_the_game_gives(tmp_path: Path) -> None:
    workshop = played(tmp_path)
    for team in workshop.teams:
        game, decisions = workshop.team_history(team)
        stored = workshop.played(team)
        assert stored is not None
        assert [(p.number, p.start, p.end, p.ghost, p.ghost_tiers, list(p.commands))
                for p in stored] == [
            (r.number, r.start_hours, r.end_hours, r.ghost, r.ghost_tiers, r.commands)
            for r in game.reports
        ]  # fmt: skip
        assert [d for p in stored for d in p.decisions] == decisions


@pytest.mark.parametrize(
    "data", ['{"start": "soon"}', '{"start": 1}', "[]", '{"start": 1e999}', "not json"]
)
def test_a_damaged_played_round_is_one_line(tmp_path: Path, data: str) -> None:
    workshop = played(tmp_path)
    workshop.store.conn.execute(f"UPDATE {PLAYED_ROUNDS} SET data = ?", (data,))
    with pytest.raises(ScenarioError) as caught:
        write_debrief(workshop, replications=1, workers=1)
    message = str(caught.value)
    assert "\n" not in message
    assert "not a Ship It workshop session" in message and PLAYED_ROUNDS in message
