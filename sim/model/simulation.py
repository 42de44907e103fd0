"""The public face of the model: a simulation that advances in chunks and takes commands.

>>> from sim.loading import load_scenario
>>> sim = Simulation(load_scenario("elite"), replication=0)
>>> sim.advance(24.0)          # one simulated day
>>> sim.apply(SetPractice("monitoring", "observability"))
>>> sim.run_until(sim.until)   # to the end of the scenario's horizon
>>> sim.metrics()["deployment_frequency_per_day"]  # doctest: +SKIP

The model never prints or plots; it writes events to the recorder's sinks.  The runner
chooses the sinks: ``keep_log=True`` keeps the full log in :attr:`log`, and a
:class:`sim.metrics.fold.MetricsFold` always folds events into what the metrics need.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import simpy

from ..events import Event, Fold, Kind, Recorder, Sink
from ..metrics.fold import MetricsFold
from ..metrics.summary import compute_metrics
from ..practices import BY_NAME
from ..scenario import Scenario
from ..streams import Streams
from ..units import HOURS_PER_DAY, HOURS_PER_WEEK
from .commands import (
    STRUCTURE_KEY,
    Command,
    InjectIncident,
    ReleaseFreeze,
    Reorganise,
    ResizePool,
    SetPractice,
    TrafficSpike,
    command_from_dict,
    command_to_dict,
    effect,
)
from .context import WORK_DAY_HOURS, Model
from .development import spawn
from .flow import FlowStage, flow_stages
from .incidents import background_incidents, incident
from .items import Priority, Process
from .release import Lane


@dataclass(frozen=True)
class PoolSnapshot:
    """Cumulative person-hours of every pool at time ``t`` (hours)."""

    t: float
    pools: dict[str, dict[str, float]]


class Simulation:
    """One replication of one scenario.

    ``seed`` defaults to the scenario's ``run.seed``; ``replication`` selects an
    independent set of streams under the same master seed (common random numbers across
    scenarios that share seed and replication).
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        replication: int = 0,
        seed: int | None = None,
        keep_log: bool = True,
        sinks: Iterable[Sink] = (),
        folds: Iterable[Fold] = (),
    ) -> None:
        self.scenario = scenario
        self.seed = scenario.run.seed if seed is None else seed
        self.replication = replication
        self.env = simpy.Environment()
        self.log: list[Event] | None = [] if keep_log else None
        self.fold = MetricsFold()
        self.recorder = Recorder(self.env, sinks, log=self.log, folds=[self.fold, *folds])
        self.streams = Streams(self.seed, replication)
        self.model = Model(scenario, self.env, self.streams, self.recorder)
        self._lanes = [Lane(self.model, i) for i in range(scenario.org.teams)]
        self.model.lanes = list(self._lanes)
        self.effective = scenario
        """The scenario as the commands so far have changed it (practices, headcount,
        structure): what the next command is validated against."""
        self.until = scenario.run.days * HOURS_PER_DAY
        self.warmup = scenario.run.warmup_days * HOURS_PER_DAY
        self._warm_snapshot: dict[str, dict[str, float]] | None = None
        self.commands: list[tuple[float, Command]] = []
        self.recorder.emit(
            Kind.WINDOW, -1, {"warmup_hours": self.warmup, "until_hours": self.until}
        )
        self._services = self.model.services()
        self.recorder.emit(Kind.SERVICES, -1, {"services": self._services})
        self.env.process(self._arrivals())
        self.env.process(background_incidents(self.model))
        self.env.process(self._warmup_snapshot())

    # --- time ------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        """Simulated hours since the start."""
        return self.env.now

    def advance(self, hours: float) -> None:
        """Run ``hours`` more of simulated time."""
        self.run_until(self.env.now + hours)

    def run_until(self, t: float) -> None:
        """Run until simulated time ``t`` (hours); a no-op if already there."""
        if t > self.env.now:
            self.env.run(until=t)

    def run(self) -> Simulation:
        """Run to the end of the scenario's horizon."""
        self.run_until(self.until)
        return self

    # --- commands --------------------------------------------------------------------------
    def apply(self, command: Command) -> None:
        """Validate, log and carry out a live command at the current time.

        A command that would break one of the scenario's rules (a siloed organisation
        without testers, fewer developers than teams…) is refused with a
        :class:`ScenarioError` naming the key, and nothing is applied.
        """
        effective = self._validate(command)
        self.commands.append((self.env.now, command))
        self.recorder.emit(Kind.COMMAND, -1, {"command": command_to_dict(command)})
        self.effective = effective
        m = self.model
        if isinstance(command, SetPractice):
            self._set_practice(command)
        elif isinstance(command, ResizePool):
            hires = command.size - m.org.headcount[command.role]
            m.org.resize(command.role, command.size)
            self._onboard(max(0, hires))
        elif isinstance(command, Reorganise):
            self._reorganise(command)
        elif isinstance(command, TrafficSpike):
            self.env.process(background_incidents(m, command.factor, command.days))
        elif isinstance(command, ReleaseFreeze):
            m.freeze_until = max(m.freeze_until, self.env.now + command.days * HOURS_PER_DAY)
        else:
            self._inject(command)
        services = m.services()
        if services != self._services:
            self._services = services
            self.recorder.emit(Kind.SERVICES, -1, {"services": services})

    def _validate(self, command: Command) -> Scenario:
        """The effective scenario after ``command``, validated like a scenario file."""
        return effect(self.effective, command_from_dict(command_to_dict(command)))

    def _set_practice(self, command: SetPractice) -> None:
        m = self.model
        name, value = command.practice, command.value
        old = m.policy.current()[name]
        practice = BY_NAME.get(name)
        costly = practice is not None and value != practice.baseline and value != old
        ramp = practice.ramp_days * self._resistance() if costly and practice else 0.0
        m.policy.set(name, value, ramp)
        if costly and practice:
            effort = practice.adoption_effort_days
            m.emit(
                Kind.ADOPTION,
                -1,
                {"practice": name, "value": value, "effort_person_days": effort, "ramp_days": ramp},
            )
            m.policy.start_learning(ramp)
            for team in range(m.org.teams):
                self.env.process(self._adoption_work(team, effort / m.org.teams))
        for lane in self._lanes:
            lane.poke()

    def _resistance(self) -> float:
        """How much longer ramps and learning take in this culture and structure."""
        a = self.scenario.adoption
        m = self.model
        factor = a.blame_resistance if m.policy.target("postmortems") == "blame" else 1.0
        return factor * (a.silo_resistance if m.org.silos else 1.0)

    def _reorganise(self, command: Reorganise) -> None:
        """New pools take the people and the waiting work; everyone pays the cost and
        learns the new structure (in the resistance of the structure they leave)."""
        m = self.model
        a = self.scenario.adoption
        learning = a.reorganisation_learning_days * self._resistance()
        m.org.reorganise(command.structure)
        people = sum(m.org.headcount.values())
        effort = a.reorganisation_person_days * people
        m.emit(
            Kind.ADOPTION,
            -1,
            {
                "practice": STRUCTURE_KEY,
                "value": command.structure,
                "effort_person_days": effort,
                "ramp_days": learning,
            },
        )
        m.policy.start_learning(learning)
        for team in range(m.org.teams):
            self.env.process(self._adoption_work(team, effort / m.org.teams))

    def _onboard(self, hires: int) -> None:
        """New people cost the existing developers' time to bring up to speed (Brooks).

        ``org.onboarding_person_days`` per hire is taken from the developers as adoption
        work, spread over the teams, while the new people ramp up (``org.ramp_up_days``):
        a bigger team delivers less before it delivers more.
        """
        effort = hires * self.scenario.org.onboarding_person_days
        if effort <= 0:
            return
        teams = self.model.org.teams
        for team in range(teams):
            self.env.process(self._adoption_work(team, effort / teams))

    def _adoption_work(self, team: int, person_days: float) -> Process:
        """Adoption effort held by one developer of ``team`` (not pre-empted)."""
        pool = self.model.org.dev_pool(team)
        req = pool.request(Priority.IMPROVEMENT, "adoption", team=team)
        yield req
        yield self.env.timeout(person_days * WORK_DAY_HOURS * self.model.person_hour)
        req.pool.release(req)

    def _inject(self, command: InjectIncident) -> None:
        m = self.model
        severity = command.severity
        share = self.scenario.incidents.impacted_share[severity - 1]
        detect, by = m.policy.detection(self.streams["injected.detection"])
        number = m.next_incident_id()
        self.env.process(incident(m, number, "injected", severity, share, detect, by, 0, 0))

    # --- processes -------------------------------------------------------------------------
    def _arrivals(self) -> Any:
        """New demand: an initial backlog, then Poisson (or evenly spaced) arrivals.

        With ``workload.arrival_rate_cv`` > 0 the rate changes every week (from t = 0):
        a lognormal multiplier with mean 1 from its own stream.  A gap that would cross
        into the next week ends there and is drawn again at the new rate, which is exact
        for a Poisson process (it has no memory).
        """
        m = self.model
        w = self.scenario.workload
        for _ in range(w.initial_backlog):
            spawn(m, "demand", w.effort_days_mean)
        gap = HOURS_PER_DAY / w.arrivals_per_day
        stream = self.streams["arrivals"]
        poisson = w.arrival_process == "poisson"
        timeout = self.env.timeout
        mean = w.effort_days_mean
        if w.arrival_rate_cv <= 0:
            while True:
                yield timeout(stream.exponential(gap) if poisson else gap)
                spawn(m, "demand", mean)
        rates = self.streams["arrival_rate"]
        cv = w.arrival_rate_cv
        env = self.env
        week_end = 0.0
        weekly_gap = gap
        while True:
            now = env.now
            if now >= week_end:
                week_end = (now // HOURS_PER_WEEK + 1) * HOURS_PER_WEEK
                weekly_gap = gap / max(rates.lognormal_mean(1.0, cv), 1e-6)
            step = stream.exponential(weekly_gap) if poisson else weekly_gap
            if now + step >= week_end:
                yield timeout(week_end - now)
                continue
            yield timeout(step)
            spawn(m, "demand", mean)

    def _warmup_snapshot(self) -> Any:
        if self.warmup > 0:
            yield self.env.timeout(self.warmup)
        self._warm_snapshot = self._snapshots()

    def _snapshots(self) -> dict[str, dict[str, float]]:
        """Cumulative person-hours by pool name (pools a reorganisation retired and
        rebuilt under the same name are summed)."""
        snapshots: dict[str, dict[str, float]] = {}
        for pool in self.model.org.pools:
            hours = snapshots.setdefault(pool.name, {})
            for key, value in pool.snapshot().items():
                hours[key] = hours.get(key, 0.0) + value
        return snapshots

    # --- the organisation now (read-only views) -------------------------------------------
    def practices(self) -> dict[str, Any]:
        """Practice values set now (the targets of any ramps in progress), a copy."""
        return self.model.policy.current()

    def ramps(self) -> dict[str, float]:
        """Adoption progress 0..1 of the practices still ramping in, by practice name."""
        now = self.env.now
        return {
            name: min(1.0, max(0.0, (now - ramp.start) / (ramp.end - ramp.start)))
            for name, ramp in self.model.policy.ramps().items()
            if ramp.end > now
        }

    def headcount(self) -> dict[str, int]:
        """People per role now (``developers``, ``testers``, ``ops``), a copy."""
        return dict(self.model.org.headcount)

    def structure(self) -> str:
        """The organisation's structure now: ``silos`` or ``cross_functional``."""
        return str(self.model.org.structure)

    def flow(self) -> list[FlowStage]:
        """Work on the road now, stage by stage, with the people of each pool (what has
        reached production is not a stage here: see :func:`~sim.model.flow.flow_stages`)."""
        return flow_stages(self.model.org, self._lanes)

    @property
    def items_made(self) -> int:
        """Work items born so far, all origins (demand, hotfixes, improvement actions, patches)."""
        return self.model.factory.items_made

    # --- results ---------------------------------------------------------------------------
    def snapshot(self) -> PoolSnapshot:
        """Cumulative person-hours of every pool now: the start of a later window."""
        return PoolSnapshot(self.env.now, self._snapshots())

    def people_hours(self, since: PoolSnapshot | None = None) -> dict[str, dict[str, float]]:
        """Person-hours by role and work class since ``since`` (default: the warm-up end)."""
        end = self._snapshots()
        start = since.pools if since is not None else (self._warm_snapshot or {})
        diff: dict[str, dict[str, float]] = {}
        for pool, hours in end.items():
            before = start.get(pool, {})
            diff[pool] = {k: v - before.get(k, 0.0) for k, v in hours.items()}
        return self.model.org.people_hours(diff)

    def metrics(self, since: PoolSnapshot | None = None) -> dict[str, Any]:
        """The flat metrics dict (see :mod:`sim.metrics`).

        By default over the scenario's measurement window (after warm-up); with ``since``
        over ``[since.t, now]`` — a game round or a trailing period.
        """
        return compute_metrics(
            self.fold,
            people_hours=self.people_hours(since),
            oncall_people=self.model.org.oncall_people(),
            calendar=self.scenario.calendar,
            work_days_per_week=self.scenario.org.work_days_per_week,
            window=None if since is None else (since.t, self.env.now),
        )


def replay(
    scenario: Scenario,
    commands: Sequence[tuple[float, Command]],
    *,
    replication: int = 0,
    seed: int | None = None,
    until: float | None = None,
    keep_log: bool = True,
) -> Simulation:
    """Re-run a recorded game: apply each command at its time, then run to the end."""
    sim = Simulation(scenario, replication=replication, seed=seed, keep_log=keep_log)
    for t, command in commands:
        sim.run_until(t)
        sim.apply(command)
    sim.run_until(sim.until if until is None else until)
    return sim


def commands_from_log(events: Iterable[Event]) -> list[tuple[float, Command]]:
    """The timestamped commands recorded in a log, ready for :func:`replay`."""
    return [(e.t, command_from_dict(e.data["command"])) for e in events if e.kind is Kind.COMMAND]
