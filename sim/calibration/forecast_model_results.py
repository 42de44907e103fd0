"""The answers of a model forecast: :class:`ModelHowMany` and :class:`ModelWhen`.

They are the history forecasts' :class:`~.forecast_results.HowMany` and
:class:`~.forecast_results.When`, built from the replications' outcomes with
:meth:`~.forecast_results.HowMany.from_totals` / :meth:`~.forecast_results.When.from_periods`
(so the answers, their confidence convention, the labels and the chart are the history
forecasts' own), plus :class:`ModelSource` (what was simulated) and no history.  What a
model forecast counts is told in :mod:`.forecast_model`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .forecast_results import Forecast, HowMany, When

METHOD = "simulation of a scenario: one trial per replication"
"""The ``method`` of a model forecast's JSON (the history forecasts': a bootstrap)."""

COUNTED = "work items of every origin reaching production for the first time"
"""What a model forecast counts as a change delivered (see :mod:`.forecast_model`)."""


@dataclass(frozen=True)
class ModelSource:
    """What a model forecast simulated: for its table, its JSON and its chart."""

    scenario: str
    """The scenario's name."""
    scenario_hash: str
    """:meth:`~sim.scenario.Scenario.content_hash` of the scenario as simulated (its
    ``run.days`` set to the warm-up plus the forecast's run)."""
    warmup_days: float
    """Days simulated before the forecast starts (the scenario's ``run.warmup_days``)."""
    run_days: float
    """Days each replication could run at most, warm-up included (``run.days``)."""
    overrides: tuple[str, ...] = ()
    """``section.key=value`` overrides applied to the scenario (``--set``)."""
    moves: int = 0
    """Commands applied during each replication (a saved game's moves)."""
    saved_game: str | None = None
    """Where the moves came from, if from a saved game."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "scenario_hash": self.scenario_hash,
            "warmup_days": self.warmup_days,
            "run_days": self.run_days,
            "overrides": list(self.overrides),
            "moves": self.moves,
            "saved_game": self.saved_game,
            "counted": COUNTED,
        }


@dataclass(frozen=True, eq=False)
class ModelForecast(Forecast):
    """What a forecast answered by replications of a scenario adds to either question:
    :attr:`model`, its chart's note and its JSON.  Mixed in before
    :class:`~.forecast_results.HowMany` or :class:`~.forecast_results.When`."""

    model: ModelSource | None = None
    """What was simulated."""

    def trials_note(self) -> str:
        """Where the trials came from, for the chart: ``"500 replications of textual
        (warm-up 30 days), seed 1"`` (its title says what was changed)."""
        what = "the scenario"
        if self.model is not None:
            what = f"{self.model.scenario} (warm-up {self.model.warmup_days:g} days)"
        return f"{self.trials:,} replications of {what}, seed {self.seed}"

    def as_dict(self) -> dict[str, Any]:
        """As the question's own ``as_dict``, with ``simulated`` for the history's keys."""
        document = super().as_dict()
        out = {k: v for k, v in document.items() if not k.startswith("history")}
        out["method"] = METHOD
        out["replications"] = document["trials"]
        out["simulated"] = None if self.model is None else self.model.as_dict()
        return out


@dataclass(frozen=True, eq=False)
class ModelHowMany(ModelForecast, HowMany):
    """:class:`~.forecast_results.HowMany` answered by replications of a scenario."""


@dataclass(frozen=True, eq=False)
class ModelWhen(ModelForecast, When):
    """:class:`~.forecast_results.When` answered by replications of a scenario."""


__all__ = ["COUNTED", "METHOD", "ModelForecast", "ModelHowMany", "ModelSource", "ModelWhen"]
