"""Practices as the model sees them: current values, adoption ramps, and what they mean.

Stage code never reads ``[practices]`` directly; it asks this object, which is the one
place that turns practice values into mechanism numbers (detection probabilities, deploy
durations, failure probabilities).  A practice switched on mid-run ramps in: until its
ramp is over, each decision uses the new value with probability (elapsed / ramp) — drawn
from the ``adoption`` stream, so ramps never shift other streams — which gives the
gradual benefit of the J-curve; the adoption effort itself is charged by the simulation.

The other half of the J-curve is the **learning load** (:meth:`Policy.learning_load`):
while people learn a new way of working they are slower and make more mistakes.  Each
adoption (and each reorganisation) adds a load of 1 that falls linearly to 0 over its
learning period; the stages turn the load into extra effort and a higher defect
probability (``[adoption]`` in the scenario).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..practices import BY_NAME
from ..scenario import Scenario
from ..streams import Stream
from ..units import HOURS_PER_DAY, MINUTES_PER_HOUR


@dataclass(slots=True)
class Ramp:
    """A practice change in progress: ``new`` replaces ``old`` between ``start`` and ``end``."""

    old: Any
    new: Any
    start: float
    end: float


class Policy:
    """Effective practice values at the current time, and the mechanisms they select."""

    def __init__(self, scenario: Scenario, env: Any, adoption: Stream) -> None:
        self._s = scenario
        self._env = env
        self._adoption = adoption
        self._values: dict[str, Any] = scenario.practices.model_dump()
        self._ramps: dict[str, Ramp] = {}
        self._learning: list[tuple[float, float]] = []
        """(start, end) hours of the learning periods still running."""
        self.learning = False
        """Whether any learning period may still be running (the hot path's cheap test)."""
        self._max_load = scenario.adoption.max_learning_load
        t = scenario.testing
        self._detection = {
            "none": 0.0,
            "partial": t.automated_detection_partial,
            "full": t.automated_detection_full,
        }
        self._fast()

    # --- values -------------------------------------------------------------------------
    def get(self, name: str) -> Any:
        """The value of practice ``name`` that applies to a decision made now.

        Stage code calls this about ten times per change.  While nothing ramps in, the
        instance attribute ``get`` is the values dict's own lookup (see :meth:`_fast`);
        this method runs only while a ramp is in progress.
        """
        ramp = self._ramps.get(name)
        if ramp is None:
            return self._values[name]
        now = self._env.now
        if now >= ramp.end:
            del self._ramps[name]
            self._fast()
            return self._values[name]
        share = (now - ramp.start) / (ramp.end - ramp.start)
        return ramp.new if self._adoption.uniform() < share else ramp.old

    def _fast(self) -> None:
        """Use the plain lookup for ``get`` when no ramp is in progress, else the method."""
        if self._ramps:
            self.__dict__.pop("get", None)
        else:
            self.get = self._values.__getitem__  # type: ignore[method-assign]

    def ramps(self) -> dict[str, Ramp]:
        """Practice changes still ramping in, by practice name."""
        return dict(self._ramps)

    def target(self, name: str) -> Any:
        """The value set now for ``name`` (the target of any ramp in progress)."""
        return self._values[name]

    def current(self) -> dict[str, Any]:
        """The values set now (the targets of any ramps in progress)."""
        return dict(self._values)

    def set(self, name: str, value: Any, ramp_days: float) -> None:
        """Switch ``name`` to ``value``; with ``ramp_days`` > 0 the benefit ramps in."""
        old = self._values[name]
        self._values[name] = value
        self._ramps.pop(name, None)
        if ramp_days > 0 and name in BY_NAME and value != old:
            now = self._env.now
            self._ramps[name] = Ramp(old, value, now, now + ramp_days * HOURS_PER_DAY)
        self._fast()

    # --- learning (the J-curve's dip) ---------------------------------------------------
    def start_learning(self, days: float) -> None:
        """People start learning a new way of working for ``days`` (load 1, falling to 0)."""
        if days > 0:
            now = self._env.now
            self._learning.append((now, now + days * HOURS_PER_DAY))
            self.learning = True

    def learning_load(self) -> float:
        """Sum of the running learning periods' remaining shares, capped (0 = none)."""
        if not self._learning:
            return 0.0
        now = self._env.now
        load = 0.0
        running = []
        for start, end in self._learning:
            if now < end:
                load += (end - now) / (end - start)
                running.append((start, end))
        self._learning = running
        self.learning = bool(running)
        return min(load, self._max_load)

    # --- mechanisms ---------------------------------------------------------------------
    def automated_detection(self, level: str) -> float:
        """Probability the automated suite at ``level`` catches a latent defect."""
        return self._detection[level]

    def regression_days(self, level: str) -> float:
        """Calendar days of the manual regression cycle a release needs at ``level``."""
        t = self._s.testing
        if level == "full":
            return 0.0
        if level == "partial":
            return t.regression_days * t.regression_partial_factor
        return t.regression_days

    def drift_probability(self) -> float:
        """Chance a deployment fails from environment drift no test saw (before learning)."""
        d = self._s.deployment
        return (
            d.drift_failure_prob_iac if self.get("infrastructure_as_code") else d.drift_failure_prob
        )

    def provision_hours(self, stream: Stream) -> float:
        """Hours to provision a test environment for a release's regression cycle.

        Scripted (IaC) provisioning takes its mean; by hand it varies around its mean
        (lognormal, ``deployment.provision_cv``), drawn from ``stream``.
        """
        d = self._s.deployment
        if self.get("infrastructure_as_code"):
            return d.provision_days_iac * HOURS_PER_DAY
        mean = d.provision_days * HOURS_PER_DAY
        if d.provision_cv > 0 and mean > 0:
            return stream.lognormal_mean(mean, d.provision_cv)
        return mean

    def detection(self, stream: Stream) -> tuple[float, str]:
        """(hours until a production fault is noticed, who noticed it)."""
        det = self._s.detection
        sigma = self._s.incidents.duration_sigma
        level = self.get("monitoring")
        if level == "observability" and stream.uniform() >= det.observability_miss_prob:
            return stream.lognormal_median(
                det.observability_minutes_median / MINUTES_PER_HOUR, sigma
            ), "observability"
        if level == "threshold" and stream.uniform() >= det.threshold_miss_prob:
            return stream.lognormal_median(
                det.threshold_minutes_median / MINUTES_PER_HOUR, sigma
            ), "threshold"
        return stream.lognormal_median(det.customer_report_hours_median, sigma), "customer"

    def diagnosis_factor(self) -> float:
        """Multiplier on diagnosis time from the monitoring in place."""
        if self.get("monitoring") == "observability":
            return self._s.recovery.observability_diagnosis_factor
        return 1.0
