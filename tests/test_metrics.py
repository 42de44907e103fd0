"""Metrics fold and summary on hand-built event logs, with values worked out by hand."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.events import Event, Kind
from sim.metrics import METRICS, MetricsFold, compute_metrics
from sim.metrics.definitions import METRIC_NAMES
from sim.metrics.stats import step_integral
from sim.metrics.summary import CAUSES, severity_level
from sim.metrics.worktime import out_of_hours, working_hours_before
from sim.scenario import CalendarConfig

# -- event builders (payloads as in the sim.events table) -----------------------------------


def window(warmup: float, until: float) -> Event:
    return Event(0.0, Kind.WINDOW, -1, {"warmup_hours": warmup, "until_hours": until})


def arrived(t: float, item: int, origin: str = "demand", kind: str = "feature") -> Event:
    data = {"kind": kind, "effort_hours": 8.0, "team": 0, "origin": origin}
    return Event(t, Kind.ARRIVED, item, data)


def queued(t: float, item: int, stage: str) -> Event:
    return Event(t, Kind.QUEUED, item, {"stage": stage, "pool": "dev"})


def started(t: float, item: int, stage: str) -> Event:
    return Event(t, Kind.STARTED, item, {"stage": stage, "pool": "dev"})


def finished(t: float, item: int, stage: str, hours: float) -> Event:
    return Event(t, Kind.FINISHED, item, {"stage": stage, "hours": hours})


def committed(t: float, item: int, rework: bool = False) -> Event:
    return Event(t, Kind.COMMITTED, item, {"rework": rework})


def deployed(
    t: float, batch: int, items: list[int], failed: bool = False, hotfix: bool = False
) -> Event:
    data = {
        "items": items,
        "failed": failed,
        "cause": "code" if failed else None,
        "hotfix": hotfix,
        "canary": False,
    }
    return Event(t, Kind.DEPLOYED, batch, data)


def delivered(t: float, item: int, batch: int = 1) -> Event:
    return Event(t, Kind.DELIVERED, item, {"kind": "feature", "batch": batch})


def returned(t: float, item: int, faulty: bool = True) -> Event:
    return Event(t, Kind.RETURNED, item, {"reason": "rollback", "faulty": faulty})


def services(t: float, count: int) -> Event:
    return Event(t, Kind.SERVICES, -1, {"services": count})


def deployed_kind(
    t: float, batch: int, kind: str, failed: bool = False, lane: int = 0, items: int = 1
) -> Event:
    data = {
        "items": list(range(items)),
        "failed": failed,
        "cause": "defect" if failed else None,
        "hotfix": kind == "hotfix",
        "canary": False,
        "kind": kind,
        "lane": lane,
    }
    return Event(t, Kind.DEPLOYED, batch, data)


def opened_in(t: float, incident: int, share: float, service: int, services_count: int) -> Event:
    data = {
        "cause": "defect",
        "severity": 3,
        "share": share,
        "users": share / services_count,
        "service": service,
        "batch": 1,
        "change": True,
    }
    return Event(t, Kind.INCIDENT_OPENED, incident, data)


def opened(t: float, incident: int, share: float, change: bool = True, severity: Any = 2) -> Event:
    data = {
        "cause": "change" if change else "infra",
        "severity": severity,
        "share": share,
        "batch": 1 if change else -1,
        "change": change,
    }
    return Event(t, Kind.INCIDENT_OPENED, incident, data)


def detected(t: float, incident: int) -> Event:
    return Event(t, Kind.INCIDENT_DETECTED, incident, {"by": "customer"})


def diagnosing(t: float, incident: int) -> Event:
    return Event(t, Kind.DIAGNOSIS_STARTED, incident, {"pool": "ops"})


def impact(t: float, incident: int, share: float) -> Event:
    return Event(t, Kind.IMPACT_CHANGED, incident, {"share": share})


def restored(t: float, incident: int) -> Event:
    return Event(t, Kind.INCIDENT_RESTORED, incident, {"method": "rollback", "share": 0.0})


def run(
    events: list[Event],
    people_hours: dict[str, dict[str, float]] | None = None,
    oncall: int = 2,
    work_days_per_week: float = 5.0,
) -> dict[str, float | int | None]:
    fold = MetricsFold.from_events(sorted(events, key=lambda e: e.t))
    return compute_metrics(
        fold,
        people_hours=people_hours or {},
        oncall_people=oncall,
        calendar=CalendarConfig(),
        work_days_per_week=work_days_per_week,
    )


# -- a small complete run ------------------------------------------------------------------


def basic_log() -> list[Event]:
    """Two demand items in one failed deployment that opens a change incident.

    Window [0, 240] h = 10 days = 240/168 weeks.
    """
    return [
        window(0.0, 240.0),
        arrived(0.0, 1),
        queued(0.0, 1, "dev"),
        started(0.0, 1, "dev"),
        arrived(2.0, 2),
        queued(2.0, 2, "dev"),
        started(3.0, 2, "dev"),
        finished(4.0, 1, "dev", 4.0),
        committed(4.0, 1),
        finished(5.0, 2, "dev", 2.0),
        committed(6.0, 2),
        queued(8.0, 1, "deploy"),  # never started: the stage is seen, its mean is None
        deployed(10.0, 1, [1, 2], failed=True),
        delivered(10.0, 1),
        delivered(10.0, 2),
        Event(10.0, Kind.WEAKNESS_LIVE, 1, {}),
        opened(10.0, 7, share=0.5, change=True, severity=2),
        detected(11.0, 7),
        diagnosing(11.5, 7),
        restored(13.0, 7),
        Event(20.0, Kind.WEAKNESS_EXPLOITED, 1, {"incident": 8}),
        Event(30.0, Kind.LEARNING, -1, {"level": 1, "multiplier": 0.9}),  # ignored kind
    ]


PEOPLE = {
    "dev": {"capacity": 100.0, "planned": 40.0, "rework": 10.0},
    "ops": {"capacity": 50.0, "unplanned": 5.0, "improvement": 5.0},
}


def test_basic_run_values() -> None:
    m = run(basic_log(), people_hours=PEOPLE, oncall=2)
    approx = pytest.approx
    # 1 deployment in 10 days; it carried 2 items.
    assert m["deployments"] == 1
    assert m["deployment_frequency_per_day"] == approx(0.1)
    assert m["mean_batch_size"] == approx(2.0)
    # Lead times: item 1 10 − 4 = 6, item 2 10 − 6 = 4 → median 5, p85 4 + 0.85·2 = 5.7.
    assert m["lead_time_hours_median"] == approx(5.0)
    assert m["lead_time_hours_p85"] == approx(5.7)
    # The one deployment (a release) failed: 1 failed change over the release and the one
    # remediation its failure needed → 1 / (1 + 1).  It was not a hotfix.
    assert m["change_failure_rate"] == approx(0.5)
    assert m["rework_rate"] == approx(0.0)
    # Change incident opened 10, restored 13 → TTR 3; detected at 11 → TTD 1.
    assert m["time_to_restore_hours_median"] == approx(3.0)
    assert m["time_to_restore_hours_p85"] == approx(3.0)
    assert m["time_to_detect_hours_median"] == approx(1.0)
    # Customer lead times 10 − 0 = 10 and 10 − 2 = 8 → mean 9, median 9, p85 8 + 0.85·2.
    assert m["customer_lead_time_hours_mean"] == approx(9.0)
    assert m["customer_lead_time_hours_median"] == approx(9.0)
    assert m["customer_lead_time_hours_p85"] == approx(9.7)
    # 2 items in 240/168 weeks → 2·168/240 = 1.4 per week.
    assert m["throughput_per_week"] == approx(1.4)
    assert m["throughput_all_per_week"] == approx(1.4)
    # WIP: item 1 in [0, 10), item 2 in [2, 10) → 10 + 8 = 18 item-hours / 240 h.
    assert m["wip_mean"] == approx(18.0 / 240.0)
    # Active 4 h of 10 h and 2 h of 8 h → mean(0.4, 0.25) = 0.325.
    assert m["flow_efficiency"] == approx(0.325)
    # dev waits: item 1 0 h, item 2 3 − 2 = 1 h → 0.5; deploy queued but never started.
    assert m["queue_hours_mean_dev"] == approx(0.5)
    assert m["queue_hours_mean_deploy"] is None
    # dev busy 50 of 100, ops busy 10 of 50; unplanned + rework = 10 + 5 of 60 busy.
    assert m["utilisation_dev"] == approx(0.5)
    assert m["utilisation_ops"] == approx(0.2)
    assert m["unplanned_work_share"] == approx(0.25)
    assert m["incidents"] == 1
    assert m["incidents_change"] == 1
    assert m["incidents_other"] == 0
    assert (m["incidents_sev1"], m["incidents_sev2"], m["incidents_sev3"]) == (0, 1, 0)
    assert m["incidents_sev4"] == 0
    # Half the users for 3 h → 1.5 share-hours; availability 1 − 1.5/240.
    assert m["user_impact_hours"] == approx(1.5)
    assert m["availability"] == approx(1.0 - 1.5 / 240.0)
    # 1 page, 2 people on call, 240/168 weeks → 0.5·168/240 = 0.35.
    assert m["pages_per_oncall_per_week"] == approx(0.35)
    # Diagnosis Monday 11:30–13:00 is inside working hours.
    assert m["out_of_hours_response_hours"] == approx(0.0)
    assert m["weaknesses_escaped"] == 1
    assert m["weaknesses_exploited"] == 1
    assert m["arrived"] == 2
    assert m["delivered"] == 2


def test_keys_follow_the_table() -> None:
    m = run(basic_log(), people_hours=PEOPLE)
    patterns = {"queue_hours_mean_dev", "queue_hours_mean_deploy", "utilisation_dev"}
    causes = {f"incidents_{cause}" for cause in CAUSES}
    assert set(m) == METRIC_NAMES | patterns | causes | {"utilisation_ops"}
    fixed_order = [k for k in m if k in METRIC_NAMES]
    assert fixed_order == [d.name for d in METRICS if not d.pattern]
    assert all(d.unit and d.description for d in METRICS)


def test_incremental_fold_equals_from_events() -> None:
    events = basic_log()
    fold = MetricsFold()
    for event in events:
        fold(event)
    kwargs: dict[str, Any] = {
        "people_hours": PEOPLE,
        "oncall_people": 2,
        "calendar": CalendarConfig(),
        "work_days_per_week": 5.0,
    }
    assert compute_metrics(fold, **kwargs) == compute_metrics(
        MetricsFold.from_events(events), **kwargs
    )


def test_fold_accepts_plain_string_kinds_from_jsonl() -> None:
    """A replayed JSONL log may carry kinds as plain strings; StrEnum keys still match."""
    events = [Event(e.t, str(e.kind.value), e.subject, e.data) for e in basic_log()]  # type: ignore[arg-type]
    assert run(events)["deployments"] == 1


# -- edge cases ----------------------------------------------------------------------------


def test_empty_log_gives_none_and_no_errors() -> None:
    m = run([])
    for key in (
        "lead_time_hours_median",
        "lead_time_hours_p85",
        "change_failure_rate",
        "time_to_restore_hours_median",
        "customer_lead_time_hours_mean",
        "time_to_detect_hours_median",
        "flow_efficiency",
        "mean_batch_size",
        "rework_rate",
        # a zero-length window has no rates
        "deployment_frequency_per_day",
        "wip_mean",
        "availability",
        "throughput_per_week",
        "pages_per_oncall_per_week",
        "unplanned_work_share",
    ):
        assert m[key] is None, key
    assert m["deployments"] == m["incidents"] == m["arrived"] == m["delivered"] == 0
    assert m["user_impact_hours"] == 0.0


def test_window_only_log() -> None:
    m = run([window(0.0, 48.0)], people_hours={"dev": {"capacity": 0.0}}, oncall=0)
    assert m["deployment_frequency_per_day"] == 0.0
    assert m["wip_mean"] == 0.0
    assert m["availability"] == 1.0
    assert m["change_failure_rate"] is None
    assert m["lead_time_hours_median"] is None
    assert m["utilisation_dev"] is None  # no capacity
    assert m["pages_per_oncall_per_week"] is None  # nobody on call


def test_overlapping_incidents_capped_at_one() -> None:
    # Window [0, 100].  A: 0.6 in [10, 30).  B: 0.7 from 20, 0.2 from 25, restored 40.
    # [10,20) 0.6 → 6; [20,25) 1.3 capped 1 → 5; [25,30) 0.8 → 4; [30,40) 0.2 → 2.  Sum 17.
    events = [
        window(0.0, 100.0),
        opened(10.0, 1, share=0.6, change=False, severity="sev1"),
        opened(20.0, 2, share=0.7, change=True, severity=3),
        impact(25.0, 2, 0.2),
        restored(30.0, 1),
        restored(40.0, 2),
    ]
    m = run(events)
    assert m["user_impact_hours"] == pytest.approx(17.0)
    assert m["availability"] == pytest.approx(0.83)
    # Only B is change-caused: 40 − 20 = 20.
    assert m["time_to_restore_hours_median"] == pytest.approx(20.0)
    assert (m["incidents"], m["incidents_change"], m["incidents_other"]) == (2, 1, 1)
    assert (m["incidents_sev1"], m["incidents_sev3"]) == (1, 1)


def test_unrestored_incident_counts_to_window_end() -> None:
    # Share 1 from 90 to the window end 100 → 10 share-hours; no TTR sample.
    m = run([window(0.0, 100.0), opened(90.0, 1, share=1.0)])
    assert m["user_impact_hours"] == pytest.approx(10.0)
    assert m["availability"] == pytest.approx(0.9)
    assert m["time_to_restore_hours_median"] is None


def test_window_filtering() -> None:
    # Window [100, 200] = 100 h = 100/24 days.
    events = [
        window(100.0, 200.0),
        # item 1: all in warm-up → excluded everywhere
        arrived(10.0, 1),
        committed(20.0, 1),
        deployed(50.0, 1, [1]),
        delivered(50.0, 1, 1),
        # item 2: arrives in warm-up, delivered in window (deployment at exactly t = 100
        # is in: the window is closed)
        arrived(90.0, 2),
        committed(95.0, 2),
        deployed(100.0, 2, []),
        deployed(150.0, 3, [2]),
        delivered(150.0, 2, 3),
        # item 3: arrives in window, never delivered
        arrived(120.0, 3),
        # a change incident from the warm-up, restored in the window
        opened(80.0, 1, share=1.0),
        restored(110.0, 1),
        # after the window
        deployed(250.0, 4, [3]),
        delivered(250.0, 3, 4),
    ]
    m = run(events)
    assert m["deployments"] == 2
    assert m["deployment_frequency_per_day"] == pytest.approx(2 / (100 / 24))
    assert m["mean_batch_size"] == pytest.approx(0.5)
    assert m["arrived"] == 1  # item 3 only
    assert m["delivered"] == 1  # item 2 only
    assert m["lead_time_hours_median"] == pytest.approx(150.0 - 95.0)
    assert m["customer_lead_time_hours_mean"] == pytest.approx(150.0 - 90.0)
    # WIP in window: item 2 [100, 150) = 50, item 3 [120, 200] = 80 → 130 / 100 h.
    assert m["wip_mean"] == pytest.approx(1.3)
    # TTR counts the restore in the window: 110 − 80 = 30; but no incident opened in it.
    assert m["time_to_restore_hours_median"] == pytest.approx(30.0)
    assert m["incidents"] == 0
    # Impact inside the window: share 1 over [100, 110).
    assert m["user_impact_hours"] == pytest.approx(10.0)
    assert m["availability"] == pytest.approx(0.9)


def test_returned_then_redelivered() -> None:
    # Item 1: delivered 10, rolled back 12, delivered again 20 → delivered at 20.
    # Item 2: delivered 30, rolled back 40, never again → not delivered.
    events = [
        window(0.0, 100.0),
        arrived(0.0, 1),
        arrived(0.0, 2),
        committed(5.0, 1),
        delivered(10.0, 1),
        returned(12.0, 1),
        committed(15.0, 1, rework=True),  # later commits do not move the lead-time start
        delivered(20.0, 1),
        committed(25.0, 2),
        delivered(30.0, 2),
        returned(40.0, 2),
    ]
    m = run(events)
    assert m["delivered"] == 1
    # Both commits reached production (at 10 and 30): DORA lead time 5 and 5.
    assert m["lead_time_hours_median"] == pytest.approx(5.0)
    # The customer has item 1's working change at 20; item 2's was taken back.
    assert m["customer_lead_time_hours_mean"] == pytest.approx(20.0)
    # WIP: item 1 [0,10) + [12,20) = 18; item 2 [0,30) + [40,100] = 90 → 108 / 100 h.
    assert m["wip_mean"] == pytest.approx(1.08)


def test_returned_before_delivery_changes_nothing() -> None:
    events = [window(0.0, 10.0), arrived(0.0, 1), returned(2.0, 1), delivered(5.0, 1)]
    m = run(events)
    assert m["delivered"] == 1
    assert m["wip_mean"] == pytest.approx(0.5)  # [0, 5) of 10 h


def test_non_demand_items_count_only_in_lead_time_and_all_throughput() -> None:
    events = [
        window(0.0, 168.0),
        arrived(0.0, 1, origin="hotfix", kind="bugfix"),
        committed(1.0, 1),
        deployed(3.0, 1, [1], hotfix=True),
        delivered(3.0, 1),
    ]
    m = run(events)
    assert m["lead_time_hours_median"] == pytest.approx(2.0)
    assert m["rework_rate"] == pytest.approx(1.0)
    assert m["throughput_all_per_week"] == pytest.approx(1.0)
    assert m["throughput_per_week"] == pytest.approx(0.0)
    assert m["customer_lead_time_hours_mean"] is None
    assert m["wip_mean"] == 0.0
    assert m["arrived"] == 0


def test_out_of_hours_across_a_weekend() -> None:
    # Diagnosis from Friday 16:00 (t = 4·24 + 16 = 112) to Monday 10:00 (168 + 10 = 178):
    # 66 h, of which Friday 16–17 and Monday 9–10 are working → 64 h out of hours.
    events = [window(0.0, 336.0), opened(100.0, 1, 0.1), diagnosing(112.0, 1), restored(178.0, 1)]
    assert run(events)["out_of_hours_response_hours"] == pytest.approx(64.0)
    # int(5.5) = 5 working days: same answer.
    assert run(events, work_days_per_week=5.5)["out_of_hours_response_hours"] == pytest.approx(64.0)
    # A six-day week makes Saturday 9–17 working too: 64 − 8 = 56.
    assert run(events, work_days_per_week=6)["out_of_hours_response_hours"] == pytest.approx(56.0)


def test_out_of_hours_clipped_to_window() -> None:
    # Window [0, 120] ends Saturday 00:00; unrestored diagnosis from Thursday 16:00
    # (t = 3·24 + 16 = 88): [88, 120] = 32 h, of which Thursday 16–17 and Friday 9–17 are
    # working → 32 − 1 − 8 = 23 h.
    events = [window(0.0, 120.0), opened(80.0, 1, 0.1), diagnosing(88.0, 1)]
    assert run(events)["out_of_hours_response_hours"] == pytest.approx(23.0)


def test_working_hours_closed_form() -> None:
    assert working_hours_before(0.0, 9, 17, 5) == 0.0
    assert working_hours_before(13.0, 9, 17, 5) == pytest.approx(4.0)  # Monday 9–13
    assert working_hours_before(168.0, 9, 17, 5) == pytest.approx(40.0)  # one week
    # Saturday noon of week 4: three full weeks + Monday–Friday = 4 · 40 h.
    assert working_hours_before(168.0 * 3 + 24 * 5 + 12, 9, 17, 5) == pytest.approx(160.0)
    # Wednesday 12:00 of week 2: 40 + Monday, Tuesday (16) + Wednesday 9–12 (3).
    assert working_hours_before(168.0 + 48 + 12, 9, 17, 5) == pytest.approx(59.0)
    assert working_hours_before(168.0, 0, 24, 7) == pytest.approx(168.0)  # always working
    assert out_of_hours(17.0, 33.0, 9, 17, 5) == pytest.approx(16.0)  # Mon 17:00–Tue 09:00
    assert out_of_hours(5.0, 5.0, 9, 17, 5) == 0.0


def test_people_hours_validation() -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        run([window(0.0, 1.0)], people_hours={"dev": {"capacity": 1.0, "meetings": 1.0}})


def test_severity_labels() -> None:
    assert [severity_level(s) for s in (1, 2.0, "3", "sev4", "SEV-2")] == [1, 2, 3, 4, 2]
    assert severity_level("major") is None
    assert severity_level(True) is None


def test_step_integral() -> None:
    steps = [(5.0, 1), (0.0, 1), (8.0, -1)]  # any order; level 1 on [0,5), 2 on [5,8), 1 after
    assert step_integral(steps, 0.0, 10.0) == pytest.approx(5 + 6 + 2)
    assert step_integral(steps, 6.0, 7.0) == pytest.approx(2.0)
    assert step_integral(steps, 7.0, 7.0) == 0.0


# -- property tests ------------------------------------------------------------------------

times = st.floats(min_value=0.0, max_value=500.0, allow_nan=False, allow_infinity=False)
items_strategy = st.lists(
    st.tuples(times, st.one_of(st.none(), times)), min_size=0, max_size=30
)  # (arrival, lead time or None = never delivered)
incidents_strategy = st.lists(
    st.tuples(
        times,
        st.floats(min_value=0.0, max_value=1.0),
        st.one_of(st.none(), st.floats(min_value=0.0, max_value=100.0)),
    ),
    max_size=10,
)  # (opened, share, duration or None = never restored)


@settings(max_examples=200, deadline=None)
@given(items=items_strategy, incidents=incidents_strategy, bounds=st.tuples(times, times))
def test_wip_and_availability_match_brute_force(
    items: list[tuple[float, float | None]],
    incidents: list[tuple[float, float, float | None]],
    bounds: tuple[float, float],
) -> None:
    start, end = min(bounds), max(bounds)
    events = [window(start, end)]
    for i, (arrival, lead) in enumerate(items):
        events.append(arrived(arrival, i))
        if lead is not None:
            events.append(delivered(arrival + lead, i))
    for n, (t, share, duration) in enumerate(incidents):
        events.append(opened(t, n, share))
        if duration is not None:
            events.append(restored(t + duration, n))
    m = run(events)

    # WIP: sum over items of the overlap of [arrival, delivery) with the window.
    brute_wip = sum(
        max(0.0, min(end, a + lead if lead is not None else end) - max(start, a))
        for a, lead in items
    )
    # Impact: evaluate the capped summed share in the middle of every elementary segment.
    intervals = [(t, t + d if d is not None else float("inf"), s) for t, s, d in incidents]
    cuts = sorted({start, end, *(p for a, b, _ in intervals for p in (a, b) if start < p < end)})
    brute_impact = 0.0
    for lo, hi in itertools.pairwise(cuts):
        mid = (lo + hi) / 2
        brute_impact += min(1.0, sum(s for a, b, s in intervals if a <= mid < b)) * (hi - lo)

    if end > start:
        assert m["wip_mean"] == pytest.approx(brute_wip / (end - start), rel=1e-9, abs=1e-9)
        availability = m["availability"]
        assert availability is not None
        assert 0.0 <= availability <= 1.0
        assert m["user_impact_hours"] == pytest.approx(brute_impact, rel=1e-9, abs=1e-9)
    else:
        assert m["wip_mean"] is None
        assert m["availability"] is None


# -- services, deployment kinds, remediation (issue 9) ---------------------------------------


def test_deployment_frequency_is_per_service_and_counts_releases_only() -> None:
    # 10 days, 2 services for the first 5 days and 4 for the last 5 → 30 service-days.
    # 6 releases, 2 hotfixes and 1 redeploy: only the releases count.
    events = [
        window(0.0, 240.0),
        services(0.0, 2),
        services(120.0, 4),
        *[deployed_kind(10.0 + 20 * i, i, "release", lane=i % 2) for i in range(6)],
        deployed_kind(50.0, 10, "hotfix"),
        deployed_kind(60.0, 11, "hotfix"),
        deployed_kind(70.0, 12, "redeploy"),
    ]
    m = run(events)
    assert m["deployment_frequency_per_day"] == pytest.approx(6 / 30)
    assert m["deployments"] == 9
    assert m["releases"] == 6
    assert m["services_mean"] == pytest.approx(3.0)
    # Remediation deployments (hotfix, redeploy) over all deployments.
    assert m["rework_rate"] == pytest.approx(3 / 9)


def test_change_failure_rate_counts_one_remediation_per_failure() -> None:
    # 4 releases, 2 fail; one is fixed forward by a patch that fails too (then by another
    # that works), the other rolled back and redeployed.  Failed changes F = 3 (2 releases,
    # 1 patch); changes = 4 releases + 3 remediations → 3 / 7.  Flagging the faults off
    # instead (no deployments at all) gives the same 3 failures only if patches fail: with
    # just the 2 failed releases, 2 / 6 — remediation that needs no deployment is not
    # penalised, and one that needs several is not rewarded.
    base = [
        window(0.0, 100.0),
        deployed_kind(1.0, 1, "release", failed=True),
        deployed_kind(2.0, 2, "release"),
        deployed_kind(3.0, 3, "release", failed=True),
        deployed_kind(4.0, 4, "release"),
    ]
    patched = [
        *base,
        deployed_kind(5.0, 5, "hotfix", failed=True),
        deployed_kind(6.0, 6, "hotfix"),
        deployed_kind(7.0, 7, "redeploy"),
    ]
    assert run(patched)["change_failure_rate"] == pytest.approx(3 / 7)
    assert run(base)["change_failure_rate"] == pytest.approx(2 / 6)


def test_a_change_rolled_back_with_a_faulty_neighbour_keeps_its_delivery() -> None:
    # Items 1 (faulty) and 2 (good) go live at 10; a rollback at 12 takes both back; the
    # good one is redeployed at 13 (still live as far as the metrics go), the faulty one is
    # reworked (commit 18) and delivered at 30.
    events = [
        window(0.0, 100.0),
        arrived(0.0, 1),
        arrived(0.0, 2),
        committed(4.0, 1),
        committed(6.0, 2),
        delivered(10.0, 1),
        delivered(10.0, 2),
        returned(12.0, 1, faulty=True),
        returned(12.0, 2, faulty=False),
        delivered(13.0, 2),
        committed(18.0, 1, rework=True),
        delivered(30.0, 1),
    ]
    m = run(events)
    # DORA lead time: both commits reached production at 10 → 6 and 4.
    assert m["lead_time_hours_median"] == pytest.approx(5.0)
    # Customer lead time: item 2 at 10, item 1's working change at 30.
    assert m["customer_lead_time_hours_mean"] == pytest.approx((10.0 + 30.0) / 2)
    assert m["delivered"] == 2
    # WIP: item 1 [0, 10) + [12, 30) = 28; item 2 [0, 10) = 10 → 38 / 100 h.
    assert m["wip_mean"] == pytest.approx(0.38)


def test_lead_time_runs_from_the_commit_that_reached_production() -> None:
    # Caught before production (a regression or a canary): reworked, committed again at
    # 40, delivered at 50 → lead time 10, not 50 − 5.
    events = [
        window(0.0, 100.0),
        arrived(0.0, 1),
        committed(5.0, 1),
        returned(20.0, 1),
        committed(40.0, 1, rework=True),
        delivered(50.0, 1),
    ]
    m = run(events)
    assert m["lead_time_hours_median"] == pytest.approx(10.0)
    assert m["customer_lead_time_hours_mean"] == pytest.approx(50.0)


def test_user_impact_is_capped_per_service_and_summed_over_services() -> None:
    # 4 services; two incidents take the whole of service 0 down for 10 h (capped at its
    # quarter of the users), a third takes half of service 1 for 10 h.
    events = [
        window(0.0, 100.0),
        opened_in(10.0, 1, 1.0, service=0, services_count=4),
        opened_in(10.0, 2, 1.0, service=0, services_count=4),
        opened_in(10.0, 3, 0.5, service=1, services_count=4),
        restored(20.0, 1),
        restored(20.0, 2),
        restored(20.0, 3),
    ]
    m = run(events)
    assert m["user_impact_hours"] == pytest.approx(10 * 0.25 + 10 * 0.125)
    assert m["availability"] == pytest.approx(1 - 3.75 / 100)


def test_overload_flag_separates_a_growing_backlog_from_noise() -> None:
    # 200 demand items arrive over 100 h; none is started → backlog +200, far above
    # 2 sqrt(2 · 200) = 40: overloaded.  If all are started at once, the backlog ends
    # where it began: not overloaded.
    arrivals = [arrived(0.5 * i, i) for i in range(200)]
    waiting = [queued(0.5 * i, i, "development") for i in range(200)]
    m = run([window(0.0, 100.0), *arrivals, *waiting])
    assert m["backlog_end"] == 200
    assert m["backlog_growth_per_week"] == pytest.approx(200 / (100 / 168))
    assert m["overloaded"] == 1.0
    assert m["demand_delivered_share"] == 0.0
    served = [started(0.5 * i, i, "development") for i in range(200)]
    m = run([window(0.0, 100.0), *arrivals, *waiting, *served])
    assert m["backlog_end"] == 0
    assert m["overloaded"] == 0.0
    # Growth of 39 items is within two standard deviations of a driftless queue.
    some = [started(0.5 * i, i, "development") for i in range(161)]
    assert run([window(0.0, 100.0), *arrivals, *waiting, *some])["overloaded"] == 0.0
