"""Monte Carlo forecasts from simulations of a scenario (e.g. a calibrated one).

The same two questions as :mod:`.forecast`, answered by the model instead of by
resampling a history: each *replication* of the scenario is one trial.

* :func:`model_how_many` -- "how many changes within H periods?"  Each replication runs
  the warm-up and then H periods; its outcome is the number of changes delivered in
  ``[warm-up end, warm-up end + H periods)``.
* :func:`model_when_done` -- "when will N changes be done?"  Each replication runs past
  the warm-up, a period at a time, until N changes have been delivered since the warm-up
  ended (or the longest run the model allows, :func:`model_max_periods`); its outcome is
  the period in which the N-th was delivered: ``floor((t_N - warm-up end) / P) + 1``.
  So, replication by replication, ``when <= H`` exactly when ``how many within H >= N``,
  as for the history forecasts.

The outcomes become a :class:`ModelHowMany` / :class:`ModelWhen`: a
:class:`~.forecast.HowMany` / :class:`~.forecast.When` built with
:meth:`~.forecast.HowMany.from_totals` / :meth:`~.forecast.When.from_periods`, so the
answers, their confidence convention, the labels and the chart are the history
forecasts' own.  They add :class:`ModelSource` (what was simulated) and have no history.

**What counts as a change delivered**: a work item of any origin (demand, hotfix,
improvement, security) reaching production for the first time, read from the
simulation's metrics fold (:class:`~sim.metrics.fold.MetricsFold`): the first
``delivered`` of each item, as DORA's lead time for changes ends there (the same sample as
:func:`.fit.run_lead_times`).  A change later rolled back still counted once: it had
been deployed, as a delivery record counts every commit its releases shipped.

**Moves** (a played game's timestamped commands, or any) are applied at their simulated
times (hours since the run's start, like :func:`sim.model.replay`); moves after the end of
a replication's run are not applied.

Determinism: replication ``r`` uses the scenario's ``run.seed`` and replication index
``r`` (``0 .. replications - 1``), whatever the number of workers; replications run on
:func:`sim.workers.executor` in chunks and come back in order.  The forecast's ``seed``
is the scenario's ``run.seed``.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ScenarioError
from ..limits import HORIZON_DAYS_MAX, REPLICATIONS_MAX
from ..metrics.fold import MetricsFold
from ..model import Command, Simulation
from ..scenario import Scenario
from ..units import HOURS_PER_DAY
from ..workers import executor
from .forecast import ITEMS_MAX, PERIOD_DAYS, HowMany, Period, When

REPLICATIONS_DEFAULT = 500
"""Replications of a model forecast unless asked otherwise.  The 85 % answer's share of
trials is then known to about ±1.6 percentage points (one binomial standard error).  A
12-week forecast of the scenario calibrated to the Textual record takes about 8 s on two
cores (13 s on one); the cost grows with the horizon (52 weeks: about 25 s on two)."""

CHUNKS_PER_WORKER = 8
"""Jobs per worker process: replications go out in chunks (less pickling than one job
per replication, progress still moves)."""

METHOD = "simulation of a scenario: one trial per replication"
"""The ``method`` of a model forecast's JSON (the history forecasts': a bootstrap)."""

COUNTED = "work items of every origin reaching production for the first time"
"""What a model forecast counts as a change delivered (see the module notes)."""

SOURCE = "forecast"
"""The ``source`` of every :class:`~sim.errors.ScenarioError` raised here."""

Moves = Sequence[tuple[float, Command]]
"""Timestamped commands: hours since the start of the run, and the command."""


# --------------------------------------------------------------------------- results


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


def _model_dict(document: dict[str, Any], source: ModelSource | None) -> dict[str, Any]:
    """A forecast's JSON with the history's keys replaced by the model's."""
    out = {k: v for k, v in document.items() if not k.startswith("history")}
    out["method"] = METHOD
    out["replications"] = document["trials"]
    out["simulated"] = None if source is None else source.as_dict()
    return out


def _note(trials: int, seed: int, source: ModelSource | None) -> str:
    """``"500 replications of textual (warm-up 30 days), seed 1"``: the chart's note (its
    title says what was changed)."""
    what = "the scenario"
    if source is not None:
        what = f"{source.scenario} (warm-up {source.warmup_days:g} days)"
    return f"{trials:,} replications of {what}, seed {seed}"


@dataclass(frozen=True, eq=False)
class ModelHowMany(HowMany):
    """:class:`~.forecast.HowMany` answered by replications of a scenario."""

    model: ModelSource | None = None
    """What was simulated."""

    def trials_note(self) -> str:
        """Where the trials came from, for the chart: ``"500 replications of …, seed 1"``."""
        return _note(self.trials, self.seed, self.model)

    def as_dict(self) -> dict[str, Any]:
        """As :meth:`HowMany.as_dict`, with ``simulated`` for the history's keys."""
        return _model_dict(super().as_dict(), self.model)


@dataclass(frozen=True, eq=False)
class ModelWhen(When):
    """:class:`~.forecast.When` answered by replications of a scenario."""

    model: ModelSource | None = None
    """What was simulated."""

    def trials_note(self) -> str:
        """Where the trials came from, for the chart."""
        return _note(self.trials, self.seed, self.model)

    def as_dict(self) -> dict[str, Any]:
        """As :meth:`When.as_dict`, with ``simulated`` for the history's keys."""
        return _model_dict(super().as_dict(), self.model)


# --------------------------------------------------------------------------- checks


def _fail(key: str, problem: str) -> ScenarioError:
    return ScenarioError(SOURCE, key, problem)


def _whole(key: str, value: object, low: int, high: int) -> int:
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(key, f"expected a whole number >= {low:,} and <= {high:,}, got {value!r}")
    return value


def _period_hours(period: Period) -> float:
    if period not in PERIOD_DAYS:
        raise _fail("period", f"expected 'day' or 'week', got {period!r}")
    return PERIOD_DAYS[period] * HOURS_PER_DAY


def model_max_periods(scenario: Scenario, period: Period = "week") -> int:
    """Most periods a model forecast can run after the scenario's warm-up: a run lasts at
    most :data:`~sim.limits.HORIZON_DAYS_MAX` days, warm-up included."""
    days = HORIZON_DAYS_MAX - scenario.run.warmup_days
    return max(0, int(days * HOURS_PER_DAY // _period_hours(period)))


def _horizon(scenario: Scenario, periods: object, period: Period, key: str) -> int:
    """``periods`` checked against what a run of ``scenario`` can reach after its warm-up."""
    most = model_max_periods(scenario, period)
    if most < 1:
        raise _fail(
            key,
            f"the warm-up of {scenario.run.warmup_days:g} days leaves no whole {period} "
            f"of the {HORIZON_DAYS_MAX:g} days a run may last",
        )
    if isinstance(periods, int) and not isinstance(periods, bool) and periods > most:
        raise _fail(
            key,
            f"{periods:,} {period}s after a warm-up of {scenario.run.warmup_days:g} days "
            f"is longer than a run may last ({HORIZON_DAYS_MAX:g} days, warm-up included): "
            f"at most {most:,} {period}s",
        )
    return _whole(key, periods, 1, most)


def _run_scenario(scenario: Scenario, periods: int, period: Period) -> Scenario:
    """``scenario`` with ``run.days`` = its warm-up plus ``periods`` periods."""
    days = scenario.run.warmup_days + periods * PERIOD_DAYS[period]
    return scenario.with_values({"run.days": float(min(days, HORIZON_DAYS_MAX))})


def _moves(commands: Moves) -> tuple[tuple[float, Command], ...]:
    moves = tuple((float(t), command) for t, command in commands)
    if any(not math.isfinite(t) or t < 0 for t, _ in moves):
        raise _fail("moves", "every move needs a time >= 0 (hours since the run's start)")
    if any(later[0] < earlier[0] for earlier, later in itertools.pairwise(moves)):
        raise _fail("moves", "moves must be in time order")
    return moves


def shift_moves(commands: Moves, hours: float) -> list[tuple[float, Command]]:
    """``commands`` moved ``hours`` later (earlier if negative), none before the start.

    A saved game's moves onto another scenario: shifted by the difference of the two
    warm-ups, a move keeps its place after the start of play (the end of the warm-up).
    """
    return [(max(0.0, t + hours), command) for t, command in commands]


# --------------------------------------------------------------------------- one replication


def _start(scenario: Scenario, replication: int) -> Simulation:
    return Simulation(scenario, replication=replication, keep_log=False)


def _run_to(sim: Simulation, t: float, moves: Moves, applied: int) -> int:
    """Run ``sim`` to ``t`` (hours), applying the moves due before; returns how many of
    ``moves`` have been applied."""
    while applied < len(moves) and moves[applied][0] < t:
        at, command = moves[applied]
        sim.run_until(at)
        sim.apply(command)
        applied += 1
    sim.run_until(t)
    return applied


def first_deliveries(
    fold: MetricsFold, since: float, seen: set[int], index: int = 0
) -> Iterator[tuple[int, float]]:
    """First deliveries at or after ``since`` (hours) in ``fold.deliveries[index:]``, in
    time order, as ``(position in deliveries, t)``; ``seen`` collects the items counted,
    so calling again from a later ``index`` never counts an item twice."""
    deliveries = fold.deliveries
    items = fold.items
    for position in range(index, len(deliveries)):
        t, subject = deliveries[position]
        if t < since or subject in seen or items[subject].first_delivered != t:
            continue
        seen.add(subject)
        yield position, t


def delivered_within(
    scenario: Scenario, replication: int, horizon_hours: float, moves: Moves = ()
) -> int:
    """One replication: changes delivered in ``[warm-up end, warm-up end + horizon)``."""
    sim = _start(scenario, replication)
    warm = scenario.run.warmup_days * HOURS_PER_DAY
    end = warm + horizon_hours
    _run_to(sim, end, moves, 0)
    return sum(1 for _, t in first_deliveries(sim.fold, warm, set()) if t < end)


def periods_to_deliver(
    scenario: Scenario,
    replication: int,
    items: int,
    period_hours: float,
    max_periods: int,
    moves: Moves = (),
) -> float:
    """One replication: the period (1, 2, …) in which the ``items``-th change after the
    warm-up was delivered, or ``inf`` if not within ``max_periods``.  Runs a period at a
    time and stops as soon as it is known."""
    sim = _start(scenario, replication)
    warm = scenario.run.warmup_days * HOURS_PER_DAY
    applied = _run_to(sim, warm, moves, 0)
    seen: set[int] = set()
    count = 0
    index = 0
    for k in range(1, max_periods + 1):
        applied = _run_to(sim, warm + k * period_hours, moves, applied)
        for _, t in first_deliveries(sim.fold, warm, seen, index):
            count += 1
            if count == items:
                return float(math.floor((t - warm) / period_hours) + 1)
        index = len(sim.fold.deliveries)
    return math.inf


def _chunk_how_many(
    scenario: Scenario, replications: Sequence[int], horizon_hours: float, moves: Moves
) -> list[int]:
    return [delivered_within(scenario, r, horizon_hours, moves) for r in replications]


def _chunk_when(
    scenario: Scenario,
    replications: Sequence[int],
    items: int,
    period_hours: float,
    max_periods: int,
    moves: Moves,
) -> list[float]:
    return [
        periods_to_deliver(scenario, r, items, period_hours, max_periods, moves)
        for r in replications
    ]


# --------------------------------------------------------------------------- many replications


def _chunks(replications: int, workers: int) -> list[range]:
    size = max(1, -(-replications // (workers * CHUNKS_PER_WORKER)))
    return [range(i, min(i + size, replications)) for i in range(0, replications, size)]


def _run_all(
    job: Callable[..., list[Any]],
    args: tuple[Any, ...],
    replications: int,
    workers: int | None,
    on_done: Callable[[int], None] | None,
) -> list[Any]:
    """``job(scenario, chunk, *args)`` over every chunk of replications, in order."""
    count = max(1, min(replications, workers or os.cpu_count() or 1))
    chunks = _chunks(replications, count)
    results: list[list[Any] | None] = [None] * len(chunks)
    done = 0
    with executor(count) as pool:
        futures = {pool.submit(job, args[0], chunk, *args[1:]): i for i, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            position = futures[future]
            results[position] = future.result()
            done += len(chunks[position])
            if on_done is not None:
                on_done(done)
    return [value for chunk in results for value in (chunk or [])]


def _source(
    scenario: Scenario, overrides: Sequence[str], moves: Moves, saved_game: str | None
) -> ModelSource:
    return ModelSource(
        scenario=scenario.scenario.name,
        scenario_hash=scenario.content_hash(),
        warmup_days=scenario.run.warmup_days,
        run_days=scenario.run.days,
        overrides=tuple(overrides),
        moves=len(moves),
        saved_game=saved_game,
    )


def model_how_many(
    scenario: Scenario,
    horizon_periods: int,
    replications: int = REPLICATIONS_DEFAULT,
    *,
    period: Period = "week",
    start: pd.Timestamp | None = None,
    moves: Moves = (),
    workers: int | None = None,
    on_done: Callable[[int], None] | None = None,
    overrides: Sequence[str] = (),
    saved_game: str | None = None,
) -> ModelHowMany:
    """How many changes the scenario delivers in the ``horizon_periods`` periods after its
    warm-up, over ``replications`` replications (see the module notes).

    ``start`` only gives the answers dates (the forecast's first day); ``moves`` are
    applied in every replication; ``overrides`` and ``saved_game`` are only recorded (the
    scenario already carries them).  ``on_done`` is called with the replications done so
    far.  Raises :class:`~sim.errors.ScenarioError` for a horizon the model cannot run
    (warm-up plus horizon over :data:`~sim.limits.HORIZON_DAYS_MAX` days) or a count of
    replications outside ``[1, REPLICATIONS_MAX]``.
    """
    hours = _period_hours(period)
    horizon = _horizon(scenario, horizon_periods, period, "horizon_periods")
    count = _whole("replications", replications, 1, REPLICATIONS_MAX)
    checked = _moves(moves)
    run = _run_scenario(scenario, horizon, period)
    totals = _run_all(_chunk_how_many, (run, horizon * hours, checked), count, workers, on_done)
    return ModelHowMany.from_totals(
        totals,
        horizon,
        period=period,
        seed=run.run.seed,
        start=start,
        model=_source(run, overrides, checked, saved_game),
    )


def model_when_done(
    scenario: Scenario,
    items: int,
    replications: int = REPLICATIONS_DEFAULT,
    max_periods: int | None = None,
    *,
    period: Period = "week",
    start: pd.Timestamp | None = None,
    moves: Moves = (),
    workers: int | None = None,
    on_done: Callable[[int], None] | None = None,
    overrides: Sequence[str] = (),
    saved_game: str | None = None,
) -> ModelWhen:
    """Within how many periods after its warm-up the scenario delivers ``items`` changes,
    over ``replications`` replications, each run for at most ``max_periods`` periods
    (default: :func:`model_max_periods`, as long as a run may last).  Other arguments as
    :func:`model_how_many`."""
    hours = _period_hours(period)
    target = _whole("items", items, 1, ITEMS_MAX)
    longest = _horizon(
        scenario, model_max_periods(scenario, period) if max_periods is None else max_periods,
        period, "max_periods",
    )  # fmt: skip
    count = _whole("replications", replications, 1, REPLICATIONS_MAX)
    checked = _moves(moves)
    run = _run_scenario(scenario, longest, period)
    periods = _run_all(_chunk_when, (run, target, hours, longest, checked), count, workers, on_done)
    return ModelWhen.from_periods(
        periods,
        target,
        longest,
        period=period,
        seed=run.run.seed,
        start=start,
        model=_source(run, overrides, checked, saved_game),
    )


__all__ = [
    "COUNTED",
    "METHOD",
    "REPLICATIONS_DEFAULT",
    "ModelHowMany",
    "ModelSource",
    "ModelWhen",
    "delivered_within",
    "first_deliveries",
    "model_how_many",
    "model_max_periods",
    "model_when_done",
    "periods_to_deliver",
    "shift_moves",
]
