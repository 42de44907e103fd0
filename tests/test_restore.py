"""Failures and restores (issue 9): per-fault incidents, the fastest restore, redeploys.

Exact traces of tiny deterministic cases first, then properties that every event log of
the built-ins must have.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import pytest

from sim.events import Kind
from sim.loading import load_scenario
from sim.model import Simulation
from sim.model.items import WorkItem
from sim.model.production import Fault, restore_method

from .test_model import deterministic

FAILING = {
    "testing.automated_detection_full": 0.0,  # the suite never catches the defect
    "development.code_defect_prob": 1.0,  # every change carries one
    "run.days": 2.0,
    "practices.monitoring": "observability",
    "practices.postmortems": "blameless",
    "detection.observability_minutes_median": 30.0,
    "detection.observability_miss_prob": 0.0,
    "incidents.duration_sigma": 0.0,  # every lognormal duration is its median
    "recovery.rollbackable_share": 1.0,
}


def trace(log, subject_kinds=None):
    return [
        (round(e.t, 4), e.kind.value)
        for e in log
        if e.subject == 0
        and e.kind not in (Kind.QUEUED, Kind.STARTED, Kind.FINISHED)
        and (subject_kinds is None or e.kind in subject_kinds)
    ]


def test_exact_trace_of_a_blue_green_rollback_and_rework():
    """One change, 6 h of work, deployed faulty at 30 h; observability sees it 30 min
    later; diagnosis 1 h × 0.4 (observability); a 2-minute blue-green switch; the change
    is reworked (its whole effort again, 6 h) and goes out on the emergency path."""
    sim = Simulation(deterministic(**FAILING, **{"practices.blue_green": True})).run()
    events = [(round(e.t, 4), e.kind.value, e.subject) for e in sim.log if e.t < 40.0]
    incident = [(t, kind) for t, kind, subject in events if kind.startswith(("incident", "diag"))]
    assert incident == [
        (30.0, "incident_opened"),
        (30.5, "incident_detected"),
        (30.5, "diagnosis_started"),
        (30.9, "diagnosed"),
        (30.9333, "incident_restored"),
    ]
    item = [(t, kind) for t, kind, subject in events if subject == 0 and kind in (
        "committed", "delivered", "returned")]  # fmt: skip
    assert item == [
        (30.0, "committed"),
        (30.0, "delivered"),  # live for everyone from the deployment on
        (30.9333, "returned"),  # taken back as faulty
        (36.9333, "committed"),  # reworked: the whole effort again
        (36.9333, "delivered"),
    ]
    deployments = [
        (round(e.t, 4), e.data["kind"], e.data["failed"])
        for e in sim.log
        if e.kind is Kind.DEPLOYED and e.t < 40.0
    ]
    # The release failed; the reworked change went out on the emergency path.
    assert deployments == [(30.0, "release", True), (36.9333, "hotfix", False)]
    m = sim.metrics()
    assert m["lead_time_hours_median"] == 0.0  # the commit reached production at once
    assert m["customer_lead_time_hours_mean"] == pytest.approx(36.9333 - 24.0, abs=1e-3)


def test_exact_trace_of_a_fix_forward_patch():
    """Without a way back, each faulty change gets a 0.25-day fix that ships as a patch;
    the incident is restored when the patch is live and the change stays delivered."""
    sim = Simulation(deterministic(**{**FAILING, "recovery.rollbackable_share": 0.0})).run()
    restored = next(e for e in sim.log if e.kind is Kind.INCIDENT_RESTORED and e.subject == 0)
    assert restored.data["method"] == "fix_forward"
    patch = [e for e in sim.log if e.kind is Kind.DEPLOYED and e.data["kind"] == "hotfix"]
    fix = next(e for e in sim.log if e.kind is Kind.ARRIVED and e.data["origin"] == "hotfix")
    assert fix.t == pytest.approx(30.9)  # spawned when diagnosed
    # The fix carries a defect too (every change does here), so its own deployment fails;
    # the original incident is restored when the fix is live, at its deployment.
    assert patch[0].t == pytest.approx(restored.t)
    assert patch[0].data["items"] == [fix.subject]
    returned = [e for e in sim.log if e.kind is Kind.RETURNED and e.subject == 0]
    assert returned == []  # fixed forward: the change itself never left production


@cache
def year(name: str, **changes):
    scenario = load_scenario(name)
    if changes:
        scenario = scenario.with_values({k.replace("__", "."): v for k, v in changes.items()})
    return Simulation(scenario).run().log


@pytest.mark.parametrize(
    "name, changes",
    [
        ("water-scrum-fall", {"practices__blue_green": True}),
        ("continuous-delivery", {}),
        ("elite", {}),
        ("legacy-enterprise", {}),
    ],
)
def test_every_fault_is_an_incident_of_its_deployment(name, changes):
    log = year(name, **changes)
    failed = {e.subject: e for e in log if e.kind is Kind.DEPLOYED and e.data["failed"]}
    per_batch = defaultdict(int)
    for e in log:
        if e.kind is Kind.INCIDENT_OPENED and e.data["change"]:
            per_batch[e.data["batch"]] += 1
    assert failed and set(per_batch) == set(failed)
    for batch, deployment in failed.items():
        # At most one incident per change, plus a deploy error and drift.
        assert 1 <= per_batch[batch] <= len(deployment.data["items"]) + 2


@pytest.mark.parametrize(
    "name, changes",
    [
        ("water-scrum-fall", {"practices__blue_green": True}),
        ("continuous-delivery", {}),
        ("elite", {"practices__canary": False}),
    ],
)
def test_rolled_back_changes_go_out_again_without_waiting_for_a_train(name, changes):
    """A change rolled back with a faulty neighbour is redeployed as soon as the restore
    is done; a faulty one is reworked and ships on the emergency path."""
    log = year(name, **changes)
    formed = {e.subject: e for e in log if e.kind is Kind.BATCH_FORMED}
    returns = [e for e in log if e.kind is Kind.RETURNED and e.data["reason"] != "regression"]
    assert returns, "the base must roll something back"
    for ret in returns:
        later = [
            formed[e.subject]
            for e in log
            if e.kind is Kind.BATCH_FORMED and e.t >= ret.t and ret.subject in e.data["items"]
        ]
        if not later:
            continue  # the run ended first
        if ret.data["faulty"]:
            assert later[0].data["kind"] == "hotfix"
        else:
            assert later[0].data["kind"] == "redeploy" and later[0].t == ret.t


def test_failed_automated_deploys_revert_themselves():
    log = year("elite", practices__canary=False)
    errors = [
        e for e in log if e.kind is Kind.INCIDENT_OPENED and e.data["cause"] == "deploy_error"
    ]
    assert errors
    by_subject = defaultdict(dict)
    for e in log:
        by_subject[(e.kind, e.subject)] = e
    for opened in errors:
        detected = by_subject[(Kind.INCIDENT_DETECTED, opened.subject)]
        restored = by_subject[(Kind.INCIDENT_RESTORED, opened.subject)]
        assert detected.t == opened.t and detected.data["by"] == "pipeline"
        assert restored.data["method"] == "pipeline_rollback"
        assert restored.t - opened.t == pytest.approx(5.0 / 60.0)
        assert (Kind.DIAGNOSIS_STARTED, opened.subject) not in by_subject  # nobody paged


def test_a_canary_needs_automated_deployment():
    log = year("water-scrum-fall", practices__canary=True)
    assert not any(e.kind is Kind.DEPLOYED and e.data["canary"] for e in log)
    assert not any(e.kind is Kind.INCIDENT_DETECTED and e.data["by"] == "canary" for e in log)


# -- choosing the restore --------------------------------------------------------------------


def _item(u_flag: float = 0.0, u_rollback: float = 0.0) -> WorkItem:
    item = WorkItem()
    item.u_flag, item.u_rollback = u_flag, u_rollback
    return item


def _model(**changes):
    scenario = load_scenario("elite").with_values(
        {k.replace("__", "."): v for k, v in changes.items()}
    )
    return Simulation(scenario).model


DEFECT = Fault("defect", 3, 0.05, 1.0, "observability")


@pytest.mark.parametrize(
    "changes, faults, defective, manual, expected",
    [
        # blue-green switch (2 min) beats rollback (5 min) and flags (10 min)
        ({}, [DEFECT], [_item()], False, "blue_green"),
        ({"practices__blue_green": False}, [DEFECT], [_item()], False, "rollback"),
        # by hand, flags (10 min) beat a manual rollback (3 h)
        ({"practices__blue_green": False}, [DEFECT], [_item()], True, "flag_off"),
        # a change that is not behind a flag cannot be flagged off
        ({"practices__blue_green": False}, [DEFECT], [_item(u_flag=0.99)], True, "manual_rollback"),
        # nothing reverts it: fix forward
        (
            {"practices__blue_green": False},
            [DEFECT],
            [_item(u_flag=0.99, u_rollback=0.99)],
            True,
            "fix_forward",
        ),
        # flags cannot undo a deploy error
        (
            {"practices__blue_green": False},
            [DEFECT, Fault("deploy_error", 3, 0.05, 1.0, "customer")],
            [_item()],
            True,
            "manual_rollback",
        ),
        # drift alone is repaired in place
        ({}, [Fault("config", 3, 0.05, 1.0, "customer")], [], False, "repair"),
    ],
)
def test_the_quickest_way_back_wins(changes, faults, defective, manual, expected):
    assert restore_method(_model(**changes), faults, defective, manual) == expected
