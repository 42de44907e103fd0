"""The model's shared context: everything the stage processes need, in one place.

:class:`Model` wires the scenario, the named streams, the recorder, the policy and the
organisation together and holds the few pieces of state that cut across stages (open
branches per team, id counters, the learning level).  Precomputed durations are converted
to calendar hours once here, so the stage code stays free of unit arithmetic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

from ..events import Kind, Recorder
from ..scenario import Scenario
from ..streams import Streams
from ..units import MINUTES_PER_HOUR, effort_hours
from .development import integration_defect_probability, integration_hours, lifecycle
from .items import ItemFactory, WorkItem
from .organisation import Organisation
from .policy import Policy

if TYPE_CHECKING:
    from .release import Lane

WORK_DAY_HOURS = 8.0
"""Working hours in one person-day; converts person-hours of effort to person-days."""


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
        self.lanes: list[Lane] = []
        self.open_branches = [0] * scenario.org.teams
        self.learning_level = 0
        self.in_system = 0
        self.freeze_until = 0.0
        """No planned deployment before this time (hours): a release freeze."""
        """Items born and not yet delivered: the conservation check's "in progress"."""
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

    # --- ids and births ----------------------------------------------------------------
    def next_batch_id(self) -> int:
        """A fresh batch id."""
        self._batches += 1
        return self._batches - 1

    def next_incident_id(self) -> int:
        """A fresh incident id."""
        self._incidents += 1
        return self._incidents - 1

    def spawn(self, origin: str, mean_days: float, team: int | None = None) -> WorkItem:
        """A new work item of ``origin`` enters the organisation and starts its road."""
        item = self.factory.make(origin, mean_days, self.s.org.teams, team)
        self.emit(
            Kind.ARRIVED,
            item.id,
            {
                "kind": item.kind,
                "effort_hours": item.effort_hours,
                "team": item.team,
                "origin": origin,
            },
        )
        self.in_system += 1
        self.env.process(lifecycle(self, item))
        return item

    # --- mechanisms shared by stages ------------------------------------------------------
    def integration_hours(self, age_days: float, others: int) -> float:
        """Calendar hours of merge effort for a branch of ``age_days`` with ``others`` open."""
        d = self.s.development
        return integration_hours(
            d.integration_hours_per_branch_day,
            d.concurrent_branch_factor,
            age_days,
            others,
            self.person_hour,
        )

    def defect_probability(self, age_days: float, others: int) -> float:
        """Chance a freshly committed change carries a latent defect.

        Combines the base code-defect rate (scaled by learning), integration defects from
        the branch's age and the open branches beside it, and context lost in hand-offs.
        """
        d = self.s.development
        p_code = d.code_defect_prob * self.policy.learning_multiplier
        p_int = integration_defect_probability(
            d.integration_defect_rate_per_branch_day, d.concurrent_branch_factor, age_days, others
        )
        handoffs = 0
        if self.org.silos:
            handoffs = 1 + (self.policy.get("test_automation") != "full")
        p_ctx = 1.0 - (1.0 - self.s.handoff.context_loss_defect_prob) ** handoffs
        return 1.0 - (1.0 - p_code) * (1.0 - p_int) * (1.0 - p_ctx)

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

    def rework(self, item: WorkItem, found_in: str | None = None) -> None:
        """Send a change taken out of a batch back to development.

        ``found_in`` ("production") sets the rework effort when no test found it.
        """
        if found_in is not None:
            item.rework_share = self.rework_fraction[found_in]
        item.reworks += 1
        self.env.process(lifecycle(self, item))

    def learn(self) -> None:
        """An improvement action was delivered: failure probabilities fall, to a floor."""
        learning = self.s.learning
        self.learning_level += 1
        multiplier = max(
            learning.floor, (1.0 - learning.reduction_per_action) ** self.learning_level
        )
        self.policy.learning_multiplier = multiplier
        self.emit(Kind.LEARNING, -1, {"level": self.learning_level, "multiplier": multiplier})
