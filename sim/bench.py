"""``shipit bench``: the model's speed, measured in one process against raw SimPy.

Three measurements (issue 2):

(a) The model on ``legacy-enterprise`` and ``elite`` for one simulated year: SimPy
    events per second, event-log events per second, and work items per second (items
    born, all origins).  The model does more work per SimPy event than the baseline (it
    avoids scheduler round-trips where nothing waits), so the items ratio is the fairer
    comparison of speed; all three are printed.
(b) A raw SimPy tandem line — Poisson arrivals, one ``simpy.Resource`` per stage with
    exponential service — with as many stages as the road those scenarios' changes
    travel (development, each testing step, approval, deployment) and as many items as
    the model created.  The ratio (a)/(b) of events per second says how much of SimPy's
    raw speed the model keeps.
(c) ``queueing-check`` (an M/M/c queue) in work items per second, with the streaming
    metrics sink a sweep uses and with the full event log.

Events are counted as SimPy schedules them (its internal event-id counter), the same way
for the model and the baseline.  Each figure is the best of ``repeats`` runs, to reduce
noise from other work on the machine; nothing here is asserted by tests.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import simpy

from .loading import load_scenario
from .model import Simulation
from .outputs import atomic_write
from .scenario import Scenario

YEAR_DAYS = 365.0


def simpy_events(env: simpy.Environment) -> int:
    """How many events ``env`` has scheduled so far (SimPy's event-id counter)."""
    return next(env._eid)  # the only way to count SimPy's own events


def road_stages(scenario: Scenario) -> int:
    """Steps a change travels: develop, automated tests, manual tests, regression,
    approval, deploy — counting only those the scenario's practices switch on."""
    p = scenario.practices
    stages = 3  # development, approval, deployment
    if p.test_automation != "none":
        stages += 1
    if p.test_automation != "full":
        stages += 2  # per-change manual testing and the release's regression cycle
    return stages


def best_of(repeats: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """Fastest wall time of ``repeats`` calls, with the last call's result.

    As :mod:`timeit` does, garbage collection is done before and switched off during each
    timed call, for the model and the baseline alike, so a collection triggered by an
    earlier measurement's garbage does not land in a later one.
    """
    best = float("inf")
    result = None
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = run()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best, result


def model_run(scenario: Scenario, keep_log: bool = False) -> tuple[int, int, int]:
    """Run one replication; return (SimPy events, event-log events, work items born)."""
    sim = Simulation(scenario, keep_log=keep_log).run()
    return simpy_events(sim.env), sim.recorder.count, sim.items_made


def tandem_line(stages: int, items: int, seed: int = 1) -> int:
    """Raw SimPy: ``items`` Poisson arrivals through ``stages`` single-server stations.

    Service at each station is exponential with mean 0.5 and arrivals have mean gap 1,
    so every station runs at utilisation 0.5.  Returns the SimPy events scheduled.
    """
    env = simpy.Environment()
    rng = np.random.default_rng(seed)
    stations = [simpy.Resource(env, capacity=1) for _ in range(stages)]
    gaps = rng.exponential(1.0, items).tolist()
    services = rng.exponential(0.5, (items, stages)).tolist()

    def item(index: int) -> Any:
        for station, service in zip(stations, services[index], strict=True):
            with station.request() as req:
                yield req
                yield env.timeout(service)

    def source() -> Any:
        for index in range(items):
            yield env.timeout(gaps[index])
            env.process(item(index))

    env.process(source())
    env.run()
    return simpy_events(env)


def measure(repeats: int = 3, quick: bool = False) -> dict[str, Any]:
    """Every figure of the benchmark, as a JSON-able dict."""
    days = 90.0 if quick else YEAR_DAYS
    figures: dict[str, Any] = {"repeats": repeats, "simulated_days": days, "scenarios": {}}
    for name in ("legacy-enterprise", "elite"):
        scenario = load_scenario(name).with_values({"run.days": days, "run.warmup_days": 0.0})
        seconds, (events, log_events, items) = best_of(repeats, lambda s=scenario: model_run(s))
        stages = road_stages(scenario)
        raw_seconds, raw_events = best_of(repeats, lambda k=stages, n=items: tandem_line(k, n))
        model_rate = events / seconds
        raw_rate = raw_events / raw_seconds
        figures["scenarios"][name] = {
            "seconds": seconds,
            "simpy_events": events,
            "items": items,
            "events_per_second": model_rate,
            "log_events": log_events,
            "log_events_per_second": log_events / seconds,
            "items_per_second": items / seconds,
            "baseline_stages": stages,
            "baseline_seconds": raw_seconds,
            "baseline_events_per_second": raw_rate,
            "baseline_items_per_second": items / raw_seconds,
            "events_ratio": model_rate / raw_rate,
            "log_events_ratio": log_events / seconds / raw_rate,
            "items_ratio": raw_seconds / seconds,
        }
    queueing = load_scenario("queueing-check")
    if quick:
        queueing = queueing.with_values({"run.days": 500.0, "run.warmup_days": 50.0})
    streaming, (_, _, items) = best_of(repeats, lambda: model_run(queueing))
    full, _ = best_of(repeats, lambda: model_run(queueing, keep_log=True))
    figures["queueing_check"] = {
        "items": items,
        "items_per_second_streaming": items / streaming,
        "items_per_second_full_log": items / full,
    }
    figures["cpu_count"] = os.cpu_count()
    return figures


TARGETS = (
    ("events/s vs raw SimPy (legacy-enterprise)", ">= 60 %"),
    ("one simulated year of legacy-enterprise", "<= 0.5 s"),
    ("queueing-check", ">= 50 000 items/s"),
)


def render(figures: dict[str, Any]) -> str:
    """The human-readable report."""
    lines = [f"Ship It benchmark — best of {figures['repeats']} runs, one process"]
    for name, f in figures["scenarios"].items():
        lines.append(
            f"{name:>18}: {figures['simulated_days']:.0f} days in {f['seconds']:.3f} s  "
            f"{f['events_per_second']:>10,.0f} events/s  {f['items_per_second']:>8,.0f} items/s"
        )
        lines.append(
            f"{'raw SimPy':>18}: {f['baseline_stages']}-stage tandem line, {f['items']} items  "
            f"{f['baseline_events_per_second']:>10,.0f} events/s  "
            f"{f['baseline_items_per_second']:>8,.0f} items/s"
        )
        lines.append(
            f"{'ratio to raw':>18}: SimPy events/s {f['events_ratio']:.0%}, "
            f"event-log events/s {f['log_events_ratio']:.0%} "
            f"({f['log_events_per_second']:,.0f}/s), items/s {f['items_ratio']:.0%}"
        )
    q = figures["queueing_check"]
    lines.append(
        f"{'queueing-check':>18}: {q['items_per_second_streaming']:,.0f} items/s streaming, "
        f"{q['items_per_second_full_log']:,.0f} items/s with the full log ({q['items']} items)"
    )
    lines.append("targets: " + "; ".join(f"{what} {goal}" for what, goal in TARGETS))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point for ``shipit bench`` (also ``python -m sim.bench``)."""
    parser = argparse.ArgumentParser(prog="shipit bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, one repeat")
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (best is kept)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(repeats=1 if args.quick else max(1, args.repeats), quick=args.quick)
    print(render(figures))
    if args.json:
        atomic_write(Path(args.json), [json.dumps(figures, indent=2) + "\n"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
