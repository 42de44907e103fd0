"""Where the time goes: the value stream of customer lead time (sim.metrics.valuestream).

An exact trace of a hand-made log; the identity "stage hours add up to the mean customer
lead time" on every built-in; determinism and the streaming fold; the issue's case
(on-demand releases in legacy-enterprise move the constraint to the regression cycle or
the CAB, and deployments stay large); the CLI table, ``--json`` part and chart.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from sim.events import Event, Kind
from sim.flow_report import value_stream_table
from sim.loading import builtin_names, load_scenario
from sim.metrics.valuestream import STAGE_KEYS, STAGES, ValueStreamFold, value_stream
from sim.model import Simulation
from sim.plots.valuestream import draw_value_stream
from sim.runner import RunResult, run_replication
from tests.cli_helpers import run_cli


def ev(t: float, what: Kind, subject: int, /, **data: Any) -> Event:
    return Event(t, what, subject, data)


def deployed(
    t: float, batch: int, items: list[int], kind: str = "release", canary: bool = False
) -> Event:
    """A clean production deployment of ``items`` on lane 0."""
    return ev(t, Kind.DEPLOYED, batch, items=items, failed=False, cause=None,
              hotfix=kind == "hotfix", canary=canary, kind=kind, lane=0)  # fmt: skip


def _dev(stage: str = "development") -> dict[str, str]:
    return {"stage": stage, "pool": "dev"}


# Two demand changes on one on-demand lane.  Change 1 goes the whole road: its developer
# is pulled off for an hour, merging takes 4 h, it is tested by hand, ready at 15, its
# batch 0 forms at 20, regression-tests 22–30, the CAB approves at 35, the window opens at
# 40 and an ops engineer deploys it 41–43.  Change 2 is ready at 21, behind batch 0 until
# that batch reaches production at 43 (regression 21–30, CAB 30–35, window 35–40, deploy
# 40–43); its batch 1 needs no regression, is approved at once, deployed automatically at
# 43.5 and reaches everyone after a canary's bake at 44.  A hotfix item is ignored.
TRACE: list[Event] = [
    ev(0.0, Kind.WINDOW, -1, warmup_hours=0.0, until_hours=100.0),
    ev(0.0, Kind.ARRIVED, 1, kind="feature", effort_hours=7.0, team=0, origin="demand"),
    ev(0.0, Kind.QUEUED, 1, **_dev()),
    ev(2.0, Kind.STARTED, 1, **_dev()),
    ev(6.0, Kind.COMMITTED, 1, rework=False),
    ev(10.0, Kind.FINISHED, 1, stage="development", hours=7.0),
    ev(11.0, Kind.QUEUED, 1, stage="manual_test", pool="qa"),
    ev(12.0, Kind.ARRIVED, 2, kind="feature", effort_hours=6.0, team=0, origin="demand"),
    ev(12.0, Kind.QUEUED, 2, **_dev()),
    ev(12.0, Kind.ARRIVED, 9, kind="hotfix", effort_hours=1.0, team=0, origin="hotfix"),
    ev(13.0, Kind.STARTED, 1, stage="manual_test", pool="qa"),
    ev(14.0, Kind.STARTED, 2, **_dev()),
    ev(15.0, Kind.FINISHED, 1, stage="manual_test", hours=2.0),
    ev(15.0, Kind.READY, 1),
    ev(20.0, Kind.COMMITTED, 2, rework=False),
    ev(20.0, Kind.FINISHED, 2, stage="development", hours=6.0),
    ev(20.0, Kind.BATCH_FORMED, 0, items=[1], lane=0, hotfix=False, kind="release"),
    ev(20.0, Kind.QUEUED, 1, stage="regression", pool="qa"),
    ev(21.0, Kind.READY, 2),
    ev(22.0, Kind.STARTED, 1, stage="regression", pool="qa"),
    ev(30.0, Kind.FINISHED, 1, stage="regression", hours=8.0),
    ev(35.0, Kind.APPROVED, 0, by="cab"),
    ev(40.0, Kind.QUEUED, 1, stage="deploy", pool="ops"),
    ev(41.0, Kind.STARTED, 1, stage="deploy", pool="ops"),
    ev(43.0, Kind.FINISHED, 1, stage="deploy", hours=2.0),
    deployed(43.0, 0, [1]),
    ev(43.0, Kind.DELIVERED, 1, kind="feature", batch=0),
    ev(43.0, Kind.BATCH_FORMED, 1, items=[2], lane=0, hotfix=False, kind="release"),
    ev(43.0, Kind.APPROVED, 1, by="peer_review"),
    deployed(43.5, 1, [2], canary=True),
    ev(44.0, Kind.DELIVERED, 2, kind="feature", batch=1),
]

# Per stage, hand-computed mean hours over the two changes: (waiting, working, blocking).
EXPECTED = {
    "development": (2.5, 4.5, 0.0),  # 1: queue 2 + pulled off 1, work 3; 2: queue 2, work 6
    "integration": (1.0, 2.0, 0.0),  # 1: merge 4 (work), review 1; 2: review 1
    "testing": (1.0, 1.0, 0.0),  # 1: wait 2, test 2
    "release": (13.5, 0.0, 0.0),  # 1: 5; 2: 22, all of it behind batch 0
    "regression": (1.0, 4.0, 4.5),  # 1: wait 2, cycle 8; 2 waited 9 behind it
    "approval": (2.5, 0.0, 2.5),  # 1: 5; 2 waited 5 behind it
    "window": (2.5, 0.0, 2.5),  # 1: 5; 2 waited 5 behind it
    "deploy": (1.0, 1.0, 1.5),  # 1: ops wait 1, deploy 2; 2: 0.5 + bake 0.5; 2 waited 3
    "rolled_back": (0.0, 0.0, 0.0),
}


def test_exact_trace_of_a_hand_made_log() -> None:
    stream = value_stream(TRACE)
    assert stream.changes == 2
    assert [s.key for s in stream.stages] == list(STAGE_KEYS)
    for stage in stream.stages:
        waiting, working, blocking = EXPECTED[stage.key]
        assert stage.waiting_hours == pytest.approx(waiting), stage.key
        assert stage.working_hours == pytest.approx(working), stage.key
        assert stage.blocking_hours == pytest.approx(blocking), stage.key
    assert stream.lead_time_hours == pytest.approx((43.0 + 32.0) / 2)
    assert stream.working_hours == pytest.approx(12.5)
    assert stream.flow_efficiency == pytest.approx(12.5 / 37.5)
    # Blame: the release's own wait is 13.5 − 11 blocked = 2.5; regression 1 + 4.5 = 5.5.
    assert stream.stage("release").constraint_hours == pytest.approx(2.5)
    assert stream.constraint == "regression"
    assert stream.constraint_name == "the regression cycle"
    assert stream.constraint_hours == pytest.approx(5.5)
    assert stream.constraint_share == pytest.approx(5.5 / 37.5)
    assert (stream.deployments, stream.batch_mean, stream.batch_max) == (2, 1.0, 1)
    assert stream.recent_batches == (1, 1)
    assert sum(stream.in_progress.values()) == 0


def test_window_and_rollback() -> None:
    """A change counts at its last delivery; a rollback's live time is its own stage."""
    rolled = [
        *TRACE,
        ev(50.0, Kind.RETURNED, 2, reason="rollback", faulty=True),
        ev(51.0, Kind.QUEUED, 2, **_dev()),
    ]
    stream = value_stream(rolled)
    assert stream.changes == 1  # change 2 is no longer delivered
    assert stream.lead_time_hours == pytest.approx(43.0)
    assert stream.in_progress["development"] == 1
    again = [
        *rolled,
        ev(52.0, Kind.STARTED, 2, **_dev()),
        ev(54.0, Kind.FINISHED, 2, stage="development", hours=2.0),
        ev(54.0, Kind.COMMITTED, 2, rework=True),
        ev(55.0, Kind.READY, 2),
        ev(55.0, Kind.BATCH_FORMED, 7, items=[2], lane=0, hotfix=True, kind="hotfix"),
        ev(56.0, Kind.APPROVED, 7, by="emergency_cab"),
        deployed(57.0, 7, [2], kind="hotfix"),
        ev(57.0, Kind.DELIVERED, 2, kind="feature", batch=7),
    ]
    stream = value_stream(again)
    assert stream.changes == 2
    assert stream.stage("rolled_back").waiting_hours == pytest.approx(6.0 / 2)
    assert stream.lead_time_hours == pytest.approx((43.0 + 45.0) / 2)
    assert stream.deployments == 2  # the hotfix is not a release
    assert value_stream(again, 0.0, 50.0).changes == 1  # only change 1 delivered by then
    assert value_stream([], 0.0, 10.0).constraint is None


@cache
def _run(name: str, days: float | None = None, **values: Any) -> RunResult:
    scenario = load_scenario(name)
    overrides: dict[str, Any] = dict(values)
    if days is not None:
        overrides["run.days"] = days
        overrides["run.warmup_days"] = min(scenario.run.warmup_days, days / 4)
    if overrides:
        scenario = scenario.with_values(overrides)
    return run_replication(scenario, keep_log=True)


@pytest.mark.parametrize("name", builtin_names())
def test_stage_hours_add_up_to_the_customer_lead_time(name: str) -> None:
    result = _run(name, 180.0)
    stream = value_stream(result.log or [])
    metrics = result.metrics
    assert stream.changes == metrics["delivered"]
    assert stream.changes > 0
    total = sum(s.waiting_hours + s.working_hours for s in stream.stages)
    assert total == pytest.approx(metrics["customer_lead_time_hours_mean"], rel=1e-9)
    assert stream.lead_time_hours == pytest.approx(total, rel=1e-12)
    assert stream.batch_mean == pytest.approx(metrics["mean_batch_size"])
    assert stream.deployments == metrics["releases"]
    assert math.fsum(s.share or 0.0 for s in stream.stages) == pytest.approx(1.0)
    for stage in stream.stages:
        assert stage.waiting_hours >= -1e-9 and stage.working_hours >= -1e-9, stage
    blocked = sum(s.blocking_hours for s in stream.stages)
    assert blocked <= stream.stage("release").waiting_hours + 1e-6
    json.dumps(stream.to_dict(), allow_nan=False)


def test_deterministic_and_the_streaming_fold_matches_the_log() -> None:
    scenario = load_scenario("water-scrum-fall").with_values({"run.days": 150.0})
    fold = ValueStreamFold()
    sim = Simulation(scenario, sinks=[fold]).run()
    from_log = value_stream(sim.log or [])
    assert value_stream(fold).to_dict() == from_log.to_dict()
    again = Simulation(scenario).run()
    assert value_stream(again.log or []).to_dict() == from_log.to_dict()


def test_folds_handed_to_a_simulation_see_what_its_log_holds() -> None:
    """As the game runs them (several folds, no log: the recorder's own fast path, no
    events built), folds read exactly what the log holds, and change nothing."""
    scenario = load_scenario("legacy-enterprise").with_values({"run.days": 200.0})
    fold, other = ValueStreamFold(), ValueStreamFold()
    streamed = Simulation(scenario, keep_log=False, folds=[fold, other]).run()
    logged = Simulation(scenario).run()
    expected = value_stream(logged.log or [], 0.0, 200 * 24.0).to_dict()
    assert expected["changes"] > 0
    assert value_stream(fold, 0.0, 200 * 24.0).to_dict() == expected
    assert value_stream(other, 0.0, 200 * 24.0).to_dict() == expected
    assert streamed.metrics() == logged.metrics()
    assert streamed.recorder.count == len(logged.log or [])


def test_on_demand_in_legacy_enterprise_moves_the_constraint_not_the_batches() -> None:
    """The issue: on-demand releases shrink the wait for the train, but the regression
    cycle, the CAB and the window still batch the work."""
    train = value_stream(_run("legacy-enterprise").log or [])
    on_demand = value_stream(
        _run("legacy-enterprise", **{"practices.release": "on_demand"}).log or []
    )
    assert train.constraint == "release"
    assert train.constraint_name == "the release train (waiting for the batch to leave)"
    assert on_demand.constraint in {"regression", "approval"}
    assert on_demand.constraint_name in {"the regression cycle", "change approval (CAB)"}
    before, after = train.stage("release"), on_demand.stage("release")
    assert after.waiting_hours < 0.5 * before.waiting_hours
    assert after.constraint_hours < 0.1 * before.constraint_hours  # no train to wait for
    assert on_demand.lead_time_hours < train.lead_time_hours
    # ... and the deployments are still large batches.
    assert on_demand.batch_mean is not None and on_demand.batch_mean >= 50
    assert on_demand.batch_max is not None and on_demand.batch_max >= 100
    assert on_demand.deployments > train.deployments


def test_elite_is_not_constrained_by_a_release_train() -> None:
    stream = value_stream(_run("elite", 180.0).log or [])
    assert stream.constraint is not None and stream.constraint != "release"
    assert stream.batch_mean is not None and stream.batch_mean < 2
    assert stream.stage("approval").hours == 0 and stream.stage("regression").hours == 0


def test_table_names_the_constraint_and_the_batches() -> None:
    console = Console(width=120, record=True)
    console.print(value_stream_table(value_stream(TRACE)))
    text = console.export_text()
    assert "Where the time goes" in text
    assert "Constraint: the regression cycle" in text
    assert "Deployments: 2 releases" in text
    for name in ("regression cycle", "change approval (CAB)", "deployment window"):
        assert name in text
    assert "live, then rolled back" not in text  # stages with no time are left out


def test_chart(tmp_path: Path) -> None:
    path = draw_value_stream(value_stream(TRACE), "Tiny", tmp_path / "value_stream.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    empty = draw_value_stream(value_stream([]), "Empty", tmp_path / "empty.png")
    assert empty.stat().st_size > 0


def test_every_stage_is_explained() -> None:
    for key, name, constraint, explanation in STAGES:
        assert key and name and constraint and explanation.endswith(".")
        assert len(explanation) <= 90, key


def test_cli_run_prints_the_table_and_json_has_the_value_stream(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out.json"
    status, stdout, _ = run_cli(capsys, "run", "elite", "--days", "120", "--json", str(out))
    assert status == 0
    assert "Where the time goes (changes delivered after the warm-up)" in stdout
    assert "Constraint:" in stdout
    document = json.loads(out.read_text(encoding="utf-8"))
    part = document["value_stream"]
    assert [stage["key"] for stage in part["stages"]] == list(STAGE_KEYS)
    assert part["replication"] == 0
    assert part["changes"] == document["metrics"]["delivered"]
    total = sum(s["waiting_hours"] + s["working_hours"] for s in part["stages"])
    assert total == pytest.approx(document["metrics"]["customer_lead_time_hours_mean"])
    assert {"scenario", "metrics", "tiers", "provenance"} <= set(document)
