"""The model's shared context: everything the stage processes need, in one place.

:class:`Model` wires the scenario, the named streams, the recorder, the policy and the
organisation together and holds the few pieces of state that cut across stages (open
branches per team, id counters, what each team has learnt).  Precomputed durations are
converted to calendar hours once here, so the stage code stays free of unit arithmetic.

This module imports no stage: the stages (:mod:`~sim.model.development`,
:mod:`~sim.model.release`, :mod:`~sim.model.production`) take a :class:`Model` and import
it for type checking only, and :class:`~sim.model.simulation.Simulation` wires the release
lanes in (typed here by the :class:`Lanes` protocol).  Imports run one way: simulation →
release → production → security → incidents → development → context → organisation,
policy, pool → items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import simpy

from ..events import Kind, Recorder
from ..scenario import Scenario
from ..streams import Streams
from ..units import MINUTES_PER_HOUR, effort_hours
from .items import ItemFactory
from .organisation import Organisation
from .policy import Policy

if TYPE_CHECKING:
    from .items import Process, WorkItem

WORK_DAY_HOURS = 8.0
"""Working hours in one person-day; converts person-hours of effort to person-days."""


class Lanes(Protocol):
    """What the stages need of a release lane (:class:`sim.model.release.Lane`)."""

    def enter(self, item: WorkItem) -> Process:
        """A change that passed its checks joins the lane (its process carries it on)."""
        ...

    def redeploy(self, items: list[WorkItem]) -> None:
        """Changes rolled back with a faulty one go out again at the next opportunity."""
        ...


class Model:
    """State and helpers shared by the stage processes of one replication."""

    def __init__(
        self, scenario: Scenario, env: simpy.Environment, streams: Streams, recorder: Recorder
    ) -> None:
        self.s = scenario
        self.env = env
        self.streams = streams
        self.recorder = recorder
        self.emit = recorder.emit
        self.policy = Policy(scenario, env, streams["adoption"])
        self.org = Organisation(env, scenario.org)
        self.factory = ItemFactory(scenario, streams)
        self.lanes: list[Lanes] = []
        """One release lane per team (a coupled organisation uses lane 0 only)."""
        self.open_branches = [0] * scenario.org.teams
        self.learning = [1.0] * scenario.org.teams
        """Per team: factor on its failure probabilities from delivered improvement actions."""
        self.learning_level = [0] * scenario.org.teams
        """Per team: improvement actions delivered."""
        self.learnt = False
        """Whether any team has learnt anything yet (the hot path's cheap test)."""
        self.in_system = 0
        """Items born and not yet delivered: the conservation check's "in progress"."""
        self.freeze_until = 0.0
        """No planned deployment before this time (hours): a release freeze."""
        self._batches = 0
        self._incidents = 0
        days = scenario.org.work_days_per_week
        self.person_hour = effort_hours(1.0 / WORK_DAY_HOURS, days)
        """Calendar hours one person needs for one person-hour of effort."""
        t = scenario.testing
        self.handoff_hours = scenario.handoff.pickup_hours_mean
        self.review_hours = scenario.approval.peer_review_hours_mean
        self.automated_hours = t.automated_minutes / MINUTES_PER_HOUR
        self.manual_test_hours = t.manual_test_hours * self.person_hour
        self.automated_deploy_hours = scenario.deployment.automated_minutes / MINUTES_PER_HOUR
        self.canary_hours = scenario.progressive.canary_hours
        d = scenario.development
        self.rework_fraction = {
            "automated": d.rework_fraction_automated,
            "scan": d.rework_fraction_automated,
            "manual": d.rework_fraction_manual,
            "regression": d.rework_fraction_regression,
            "production": d.rework_fraction_production,
        }
        """Rework effort as a share of the change, by where the defect was found."""
        self.regression_testers = t.regression_testers
        self.merge_cost = scenario.development.integration_hours_per_branch_day > 0
        """Whether branches pay any merge effort at all (skips the arithmetic if not)."""
        self.deploy_errors = streams["deploy_errors"]
        self.drift = streams["drift"]
        self.handoff = streams["handoff"]
        """Ticket pick-up delays between silos (a stream used per change)."""
        self.manual_detection = t.manual_detection_prob

    # --- ids ----------------------------------------------------------------------------
    def next_batch_id(self) -> int:
        """A fresh batch id."""
        self._batches += 1
        return self._batches - 1

    def next_incident_id(self) -> int:
        """A fresh incident id."""
        self._incidents += 1
        return self._incidents - 1

    # --- routing ------------------------------------------------------------------------
    def coupled(self) -> bool:
        """Whether the organisation releases one system through one lane (as set now)."""
        return not self.policy.target("loosely_coupled")

    def services(self) -> int:
        """Services (release lanes) in use now: 1 when coupled, else one per team."""
        return 1 if self.coupled() or self.org.teams == 1 else self.org.teams

    # --- mechanisms shared by stages ----------------------------------------------------
    def found(self, item: WorkItem, test: str) -> bool:
        """A test caught something: record it and clear the latent property it found.

        The later a defect is found, the more its fix costs (``development.rework_*``).
        """
        self.emit(Kind.TEST_FAILED, item.id, {"test": test})
        if test == "scan":
            item.weakness = False
        else:
            item.defect = False
        item.rework_share = self.rework_fraction[test]
        return True

    def lane_learning(self, lane: int) -> float:
        """Learning factor of a lane's deployments: its team's, or the mean of all teams'
        when the lane is shared by the whole organisation."""
        if not self.learnt:
            return 1.0
        if self.coupled():
            return sum(self.learning) / len(self.learning)
        return self.learning[lane]

    def learn(self, team: int) -> None:
        """An improvement action of ``team`` was delivered: its failure probabilities fall.

        Learning stays with the team that had the incident (its code defects, and the
        deployments of its lane), down to ``learning.floor``: an organisation copied N
        times learns N times as much in N times as many teams, not N times as fast.
        """
        learning = self.s.learning
        self.learning_level[team] += 1
        multiplier = max(
            learning.floor, (1.0 - learning.reduction_per_action) ** self.learning_level[team]
        )
        self.learning[team] = multiplier
        self.learnt = True
        self.emit(
            Kind.LEARNING,
            -1,
            {"team": team, "level": self.learning_level[team], "multiplier": multiplier},
        )
