"""People mechanisms (issue 9): new hires ramp up, learning slows people down for a while,
resistance to change stretches it, and a reorganisation moves the work, not just the names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import simpy

from sim.events import Kind
from sim.loading import load_scenario
from sim.model import Reorganise, ResizePool, SetPractice, Simulation
from sim.model.pool import Pool
from sim.practices import BY_NAME

from .test_model import check_invariants, deterministic

# -- Brooks's law: novices --------------------------------------------------------------


def test_novices_ramp_up_linearly_and_leave_first():
    env = simpy.Environment()
    pool = Pool(env, "dev", 4)
    assert pool.speed() == 1.0
    pool.hire(4, ramp_hours=100.0)
    assert pool.capacity == 8
    assert pool.speed() == pytest.approx(1 - 4 / 8)  # the four new people do nothing yet
    env.run(until=50.0)
    assert pool.speed() == pytest.approx(1 - 4 * 0.5 / 8)
    pool.shed(2)  # the most recently hired leave first
    assert pool.capacity == 6
    env.run(until=75.0)
    assert pool.speed() == pytest.approx(1 - 2 * 0.25 / 6)
    env.run(until=100.0)
    assert pool.speed() == 1.0


def test_a_new_hire_is_slow_on_day_one():
    """Two developers become four; the next change is worked at the pool's mean speed
    (2 experienced + 2 novices at 0 → half speed): 6 h of effort take 12 h."""
    scenario = deterministic(**{"org.developers": 2, "org.onboarding_person_days": 0.0})
    sim = Simulation(scenario)
    sim.advance(12.0)
    sim.apply(ResizePool("developers", 4))
    sim.run_until(48.0)
    started = next(e for e in sim.log if e.kind is Kind.STARTED and e.subject == 0)
    finished = next(e for e in sim.log if e.kind is Kind.FINISHED and e.subject == 0)
    ramp = scenario.org.ramp_up_days * 24.0
    speed = 1 - 2 * (1 - (started.t - 12.0) / ramp) / 4
    assert finished.t - started.t == pytest.approx(6.0 / speed)


def test_hiring_costs_experienced_time():
    scenario = deterministic(**{"org.developers": 2, "run.days": 30.0})
    sim = Simulation(scenario)
    sim.apply(ResizePool("developers", 4))
    sim.run()
    adoption = sim.people_hours()["team"]["adoption"]
    # 2 hires × 10 person-days × 8 h × 3 calendar hours per person-hour (7-day weeks).
    assert adoption == pytest.approx(2 * 10 * 8 * 3.0)


# -- the J-curve: learning load and resistance ---------------------------------------------


def test_learning_load_falls_linearly_and_adds_up_to_a_cap():
    sim = Simulation(deterministic())
    policy = sim.model.policy
    assert policy.learning_load() == 0.0
    policy.start_learning(10.0)
    assert policy.learning_load() == 1.0
    sim.advance(5 * 24.0)
    assert policy.learning_load() == pytest.approx(0.5)
    policy.start_learning(10.0)
    policy.start_learning(10.0)
    assert policy.learning_load() == sim.scenario.adoption.max_learning_load  # 2.5, capped
    sim.advance(10 * 24.0)
    assert policy.learning_load() == 0.0


def test_people_learning_a_practice_work_slower():
    """Adopting a practice at t = 0 (queueing-check: blame culture, cross-functional, so
    the ramp is 1.5 × the catalogue's): a change started at 24 h takes its effort times
    1 + slowdown × the load still left then."""
    scenario = deterministic(**{"org.developers": 2})
    sim = Simulation(scenario)
    sim.apply(SetPractice("security_scanning", True))
    sim.run_until(48.0)
    ramp_hours = BY_NAME["security_scanning"].ramp_days * 1.5 * 24.0
    started = next(e for e in sim.log if e.kind is Kind.STARTED and e.subject == 0)
    finished = next(e for e in sim.log if e.kind is Kind.FINISHED and e.subject == 0)
    load = 1 - started.t / ramp_hours
    slowdown = scenario.adoption.learning_slowdown
    assert finished.t - started.t == pytest.approx(6.0 * (1 + slowdown * load))


@pytest.mark.parametrize(
    "postmortems, structure, factor",
    [
        ("blameless", "cross_functional", 1.0),
        ("blame", "cross_functional", 1.5),
        ("blameless", "silos", 1.3),
        ("blame", "silos", 1.5 * 1.3),
    ],
)
def test_blame_and_silos_slow_adoption_down(postmortems, structure, factor):
    scenario = load_scenario("water-scrum-fall").with_values(
        {"practices.postmortems": postmortems, "org.structure": structure}
    )
    sim = Simulation(scenario)
    sim.apply(SetPractice("monitoring", "observability"))
    adoption = next(e for e in sim.log if e.kind is Kind.ADOPTION)
    assert adoption.data["ramp_days"] == pytest.approx(BY_NAME["monitoring"].ramp_days * factor)


# -- reorganising mid-run ------------------------------------------------------------------


def test_reorganising_moves_waiting_work_and_keeps_every_change():
    scenario = load_scenario("water-scrum-fall").with_values(
        {"workload.arrivals_per_day": 6.0, "run.days": 200.0}
    )
    sim = Simulation(scenario)
    sim.advance(24.0 * 80)  # after the 60-day warm-up: both structures in the window
    old = sim.model.org.current_pools()
    waiting = sum(pool.queued for pool in old)
    assert waiting > 0  # there is work in the old pools' queues to move
    sim.apply(Reorganise("cross_functional"))
    assert all(pool.queued == 0 and pool.capacity == 0 for pool in old)
    new = sim.model.org.current_pools()
    assert [pool.name for pool in new] == ["team.t0", "team.t1"]
    assert sum(pool.capacity for pool in new) == sum(sim.model.org.headcount.values())
    assert sum(pool.queued for pool in new) + sum(pool.busy for pool in new) >= waiting
    sim.run()
    check_invariants(sim)
    adoption = [e for e in sim.log if e.kind is Kind.ADOPTION]
    people = sum(scenario.org.model_dump()[r] for r in ("developers", "testers", "ops"))
    assert adoption[-1].data["effort_person_days"] == pytest.approx(
        scenario.adoption.reorganisation_person_days * people
    )
    m = sim.metrics()
    assert m["utilisation_team"] is not None and m["utilisation_dev"] is not None


def test_structure_and_release_lanes_are_separate_choices():
    """Cross-functional teams share one release lane until they release independently."""
    scenario = load_scenario("continuous-delivery").with_values(
        {"practices.loosely_coupled": False, "run.days": 120.0, "run.warmup_days": 0.0}
    )
    sim = Simulation(scenario)
    sim.advance(24.0 * 40)
    lanes = {e.data["lane"] for e in sim.log if e.kind is Kind.BATCH_FORMED}
    assert lanes == {0}
    sim.apply(SetPractice("loosely_coupled", True))
    sim.run()
    after = {e.data["lane"] for e in sim.log if e.kind is Kind.BATCH_FORMED and e.t > 24.0 * 80}
    assert after == {0, 1, 2}
    services = [e.data["services"] for e in sim.log if e.kind is Kind.SERVICES]
    assert services == [1, 3]
    check_invariants(sim)


# -- the house: imports run one way inside sim/model ---------------------------------------

MODEL = Path(__file__).resolve().parent.parent / "sim" / "model"
ORDER = ["items", "pool", "policy", "organisation", "commands", "context", "development",
         "incidents", "security", "production", "release", "flow", "simulation"]  # fmt: skip
"""Lowest layer first: a module may import (at run time) only modules before it."""


def _runtime_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:  # top level only: `if TYPE_CHECKING:` blocks are not imports
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("module", ORDER)
def test_model_imports_run_one_way(module):
    allowed = set(ORDER[: ORDER.index(module)])
    assert _runtime_imports(MODEL / f"{module}.py") <= allowed


def test_every_model_module_has_a_place_in_the_order():
    """A new module of sim/model joins :data:`ORDER`, so its imports are checked too."""
    assert set(ORDER) == {path.stem for path in MODEL.glob("*.py")} - {"__init__"}
