"""Behaviour of the model: exact traces, conservation, Little's law, extremes, metamorphic.

Layers follow simulation-codebases §8.7: tiny deterministic cases with exact expected
logs, invariants on every built-in, analytic identities, extreme configurations and
metamorphic relations under common random numbers.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.events import Kind
from sim.loading import load_scenario
from sim.model import Simulation
from sim.scenario import PracticesConfig

from .helpers import BUILTINS


def deterministic(**updates):
    """queueing-check made deterministic: one developer, one change a day, fixed effort."""
    values = {
        "org.developers": 1,
        "workload.arrival_process": "regular",
        "workload.arrivals_per_day": 1.0,
        "workload.effort_distribution": "fixed",
        "workload.effort_days_mean": 0.25,
        "run.days": 10.0,
        "run.warmup_days": 0.0,
    }
    values.update(updates)
    return load_scenario("queueing-check").with_values(values)


def test_exact_trace_of_one_change():
    """One change a day, 6 h of work, every later stage instant: the exact event log."""
    sim = Simulation(deterministic()).run()
    first = [(e.t, e.kind.value) for e in sim.log if e.subject == 0 and e.kind is not Kind.WINDOW]
    assert first == [
        (24.0, "arrived"),
        (24.0, "queued"),
        (24.0, "started"),
        (30.0, "committed"),
        (30.0, "finished"),
        (30.0, "ready"),
        (30.0, "batch_formed"),
        (30.0, "approved"),
        (30.0, "deployed"),
        (30.0, "delivered"),
    ]
    m = sim.metrics()
    assert m["customer_lead_time_hours_mean"] == 6.0
    assert m["lead_time_hours_median"] == 0.0
    assert m["deployments"] == 9  # arrivals at days 1..9 are delivered by day 10
    assert m["change_failure_rate"] == 0.0
    assert m["flow_efficiency"] == 1.0


def test_fixed_stage_times_add_up_to_the_lead_time():
    """Test suite 30 min + automated deploy 15 min + canary bake 1 h after 6 h of work."""
    scenario = deterministic(
        **{
            "testing.automated_minutes": 30.0,
            "deployment.automated_minutes": 15.0,
            "practices.canary": True,
            "progressive.canary_hours": 1.0,
        }
    )
    m = Simulation(scenario).run().metrics()
    assert m["customer_lead_time_hours_mean"] == pytest.approx(6.0 + 0.5 + 0.25 + 1.0)
    assert m["customer_lead_time_hours_p85"] == pytest.approx(7.75)
    assert m["lead_time_hours_median"] == pytest.approx(1.75)


def test_infinite_capacity_means_no_queueing(queueing):
    m = Simulation(queueing.with_values({"org.developers": 500})).run().metrics()
    assert m["queue_hours_mean_development"] == 0.0
    # With no waiting, time in system is the effort alone: mean 1 day.
    assert m["customer_lead_time_hours_mean"] == pytest.approx(24.0, rel=0.05)


def check_invariants(sim: Simulation) -> None:
    """Conservation and per-item monotone timestamps on a finished run's log."""
    arrived: dict[int, float] = {}
    committed: dict[int, float] = {}
    delivered: dict[int, float] = {}
    live: dict[int, bool] = {}
    for e in sim.log:
        if e.kind is Kind.ARRIVED:
            arrived[e.subject] = e.t
        elif e.kind is Kind.COMMITTED:
            committed.setdefault(e.subject, e.t)
        elif e.kind is Kind.DELIVERED:
            # Only a change taken back as faulty may be delivered again as a new delivery;
            # one rolled back with a faulty neighbour is redeployed while still live.
            delivered[e.subject] = e.t
            live[e.subject] = True
        elif e.kind is Kind.RETURNED and e.data["faulty"]:
            live[e.subject] = False
    # Conservation: arrived = live + still in the organisation (nothing is discarded).
    assert len(arrived) == sum(live.values()) + sim.model.in_system
    for item, t in delivered.items():
        assert arrived[item] <= committed[item] <= t
    m = sim.metrics()
    assert 0.0 <= m["availability"] <= 1.0
    if m["change_failure_rate"] is not None:
        assert 0.0 <= m["change_failure_rate"] <= 1.0
    for key, value in m.items():
        if key.startswith("utilisation_") and value is not None:  # None: no capacity
            assert 0.0 <= value <= 1.0 + 1e-9, key


@pytest.mark.parametrize("name", [*BUILTINS, "queueing-check"])
def test_conservation_on_builtins(name):
    check_invariants(Simulation(load_scenario(name)).run())


@pytest.mark.parametrize("name", [*BUILTINS, "queueing-check"])
def test_littles_law_on_builtins(name):
    """WIP = throughput x time in system, within the finite-window edge effect.

    Over a window of length T, changes that straddle its ends make the two sides differ
    by at most about 2 W / T relatively (W = mean time in system), so that is the bound.
    """
    scenario = load_scenario(name).with_values({"run.days": 1460.0, "run.warmup_days": 180.0})
    m = Simulation(scenario, keep_log=False).run().metrics()
    window = (1460.0 - 180.0) * 24.0
    w = m["customer_lead_time_hours_mean"]
    throughput_per_hour = m["throughput_per_week"] / 168.0
    tolerance = 2.0 * w / window + 0.02
    assert m["wip_mean"] == pytest.approx(throughput_per_hour * w, rel=tolerance)


def test_more_developers_never_lengthen_any_wait(queueing):
    """FIFO multi-server queue, same arrivals and efforts: a server more never hurts."""

    def waits(c):
        sim = Simulation(queueing.with_values({"org.developers": c, "run.days": 400.0}))
        queued = {}
        out = {}
        for e in sim.run().log:
            if e.kind is Kind.QUEUED:
                queued[e.subject] = e.t
            elif e.kind is Kind.STARTED:
                out[e.subject] = e.t - queued[e.subject]
        return out

    few, more = waits(4), waits(5)
    assert few.keys() == more.keys()
    assert all(more[i] <= few[i] + 1e-9 for i in few)
    assert sum(more.values()) < sum(few.values())


def test_zero_defect_rate_means_zero_change_failures():
    scenario = load_scenario("legacy-enterprise").with_values(
        {
            "development.code_defect_prob": 0.0,
            "development.integration_defect_rate_per_branch_day": 0.0,
            "handoff.context_loss_defect_prob": 0.0,
            "deployment.manual_error_prob": 0.0,
            "deployment.drift_failure_prob": 0.0,
        }
    )
    m = Simulation(scenario).run().metrics()
    assert m["deployments"] > 0
    assert m["change_failure_rate"] == 0.0
    assert m["incidents_change"] == 0
    assert m["time_to_restore_hours_median"] is None


def test_certain_defects_fail_every_deployment():
    scenario = load_scenario("water-scrum-fall").with_values(
        {
            "development.code_defect_prob": 1.0,
            "testing.manual_detection_prob": 0.0,
            "testing.regression_detection_prob": 0.0,
            "testing.automated_detection_partial": 0.0,
        }
    )
    m = Simulation(scenario).run().metrics()
    assert m["deployments"] > 0
    # Every planned batch carries a defect; only fix-forward hotfixes can succeed.
    assert m["change_failure_rate"] >= 1.0 - m["rework_rate"] - 1e-9


def test_unplanned_work_preempts_planned_work():
    """With every developer busy, an incident still gets someone at once: on-call work
    pre-empts a feature, which resumes later with the effort it had already had."""
    scenario = load_scenario("elite").with_values(
        {"incidents.background_per_week": 0.0, "workload.arrivals_per_day": 30.0}
    )
    from sim.model import InjectIncident

    sim = Simulation(scenario)
    sim.advance(24 * 20)
    pools = sim.model.org.pools
    assert all(p.busy >= p.capacity and p.queued > 0 for p in pools)  # saturated
    sim.apply(InjectIncident(severity=1))
    sim.advance(24 * 2)
    injected = next(
        e.subject
        for e in sim.log
        if e.kind is Kind.INCIDENT_OPENED and e.data["cause"] == "injected"
    )
    detected = next(
        e for e in sim.log if e.kind is Kind.INCIDENT_DETECTED and e.subject == injected
    )
    started = next(e for e in sim.log if e.kind is Kind.DIAGNOSIS_STARTED and e.subject == injected)
    assert started.t == detected.t  # blameless: no delay, and nobody had to finish first
    assert sim.metrics()["unplanned_work_share"] > 0.0


def test_blameless_postmortems_create_improvement_work():
    base = load_scenario("water-scrum-fall")
    blame = Simulation(base).run().log
    blameless = Simulation(base.with_values({"practices.postmortems": "blameless"})).run().log

    def improvements(log):
        return sum(1 for e in log if e.kind is Kind.ARRIVED and e.data["origin"] == "improvement")

    assert improvements(blame) == 0
    assert improvements(blameless) > 0
    assert any(e.kind is Kind.LEARNING for e in blameless)


def test_switching_a_practice_mid_run_costs_adoption_effort():
    scenario = load_scenario("water-scrum-fall").with_values({"run.days": 200.0})
    from sim.model import SetPractice

    sim = Simulation(scenario)
    sim.advance(24 * 60)
    sim.apply(SetPractice("test_automation", "full"))
    sim.run()
    hours = sim.people_hours()
    assert hours["dev"].get("adoption", 0.0) > 0.0
    adoption = [e for e in sim.log if e.kind is Kind.ADOPTION]
    assert adoption[0].data["practice"] == "test_automation"


practice_values = st.fixed_dictionaries(
    {
        name: st.sampled_from(
            [False, True]
            if field.annotation is bool
            else list(field.annotation.__args__)  # Literal choices
        )
        for name, field in PracticesConfig.model_fields.items()
        if name not in ("release_interval_days", "release_interval_cv")
    }
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(practices=practice_values, silos=st.booleans(), seed=st.integers(0, 10_000))
def test_invariants_hold_for_any_practice_mix(practices, silos, seed):
    updates = {f"practices.{k}": v for k, v in practices.items()}
    updates.update(
        {
            "org.structure": "silos" if silos else "cross_functional",
            "run.days": 90.0,
            "run.warmup_days": 10.0,
            "run.seed": seed,
        }
    )
    check_invariants(Simulation(load_scenario("water-scrum-fall").with_values(updates)).run())


def test_release_freeze_holds_planned_deployments_only():
    from sim.model import ReleaseFreeze

    scenario = load_scenario("elite").with_values({"run.days": 60.0, "run.warmup_days": 10.0})
    sim = Simulation(scenario)
    sim.advance(24 * 20)
    sim.apply(ReleaseFreeze(days=10))
    sim.advance(24 * 10)
    during = [e for e in sim.log if e.kind is Kind.DEPLOYED and 24 * 20 < e.t < 24 * 30]
    assert all(e.data["hotfix"] for e in during)
    sim.advance(24 * 2)
    after = [e for e in sim.log if e.kind is Kind.DEPLOYED and e.t >= 24 * 30]
    # The backlog ships as soon as the freeze lifts: the batch that waited at the freeze,
    # then, lane by lane, everything that piled up behind it in one big batch.
    assert after[0].t == pytest.approx(24 * 30, abs=1.0)
    assert max(len(e.data["items"]) for e in after[:8]) > 10


def test_traffic_spike_adds_capacity_incidents_and_keeps_the_others():
    from sim.model import TrafficSpike

    scenario = load_scenario("continuous-delivery").with_values({"run.days": 120.0})

    def background(spike: bool) -> list[tuple[float, int]]:
        sim = Simulation(scenario)
        sim.advance(24 * 40)
        if spike:
            sim.apply(TrafficSpike(factor=10.0, days=14))
        sim.run()
        return [
            (e.t, e.data["severity"])
            for e in sim.log
            if e.kind is Kind.INCIDENT_OPENED and e.data["cause"] == "background"
        ]

    plain, spiked = background(False), background(True)
    assert len(spiked) > len(plain)
    # The ordinary background incidents arrive exactly as before (their own stream).
    assert set(plain) <= set(spiked)
