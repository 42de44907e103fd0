"""The evidence that the model is right, as data: ladder, practice directions, theory.

One place defines what is checked — the calibration ladder, every practice's direction
with the base scenario it is toggled on, the M/M/c cases and Little's law — and both the
test suite and ``docs/validation.md`` use it, so the documented results are the tested
ones.  ``python -m sim.validation`` runs everything and writes the page; the page records
a hash of the model's source, and a test fails when the model changed and the page was not
regenerated (``make validation``).

Directions are paired comparisons on common random numbers: the base scenario and the
base with one change run the same seed and replication indices, so they see the same
demand and the same latent defects, and the per-replication difference isolates the
practice.  A claimed effect needs a paired 95 % interval that excludes zero on the claimed
side; "no effect" needs one that includes zero.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loading import load_scenario
from .metrics.tiers import tier_of
from .queueing import mmc_time_in_system
from .runner import mean_ci95, paired_differences, run_replications, summarise
from .scenario import Scenario
from .units import HOURS_PER_DAY, HOURS_PER_WEEK

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "validation.md"

LOWER, HIGHER, NONE = "lower", "higher", "no effect"

LADDER = ("legacy-enterprise", "water-scrum-fall", "continuous-delivery", "elite")
LADDER_SEEDS = (1, 2, 3, 4, 5)
REPLICATIONS = 10
KEYS = ("deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore")
KEY_METRICS = {
    "deployment_frequency": "deployment_frequency_per_day",
    "lead_time": "lead_time_hours_median",
    "change_failure_rate": "change_failure_rate",
    "time_to_restore": "time_to_restore_hours_median",
}

SOURCES = (
    "sim/model",
    "sim/metrics",
    "sim/scenario.py",
    "sim/streams.py",
    "sim/units.py",
    "sim/calendar.py",
    "sim/events.py",
    "sim/queueing.py",
    "sim/runner.py",
    "sim/validation.py",
    "scenarios",
)
"""What the results depend on; their hash is written into the page."""


@dataclass(frozen=True)
class Direction:
    """One claim of the evidence: toggling ``change`` on ``base`` moves metrics so."""

    name: str
    base: str
    base_changes: dict[str, Any]
    change: dict[str, Any]
    expected: dict[str, str]
    evidence: str

    def scenarios(self) -> tuple[Scenario, Scenario]:
        """The base scenario and the variant with the change."""
        base = load_scenario(self.base)
        if self.base_changes:
            base = base.with_values(self.base_changes)
        return base, base.with_values(self.change)


DIRECTIONS: tuple[Direction, ...] = (
    Direction(
        "continuous integration (with an automated suite)",
        "continuous-delivery",
        {"practices.continuous_integration": False},
        {"practices.continuous_integration": True},
        {"lead_time_hours_median": LOWER, "change_failure_rate": LOWER},
        "DORA-2021 p.26-27; DORA-2016 p.31",
    ),
    Direction(
        "test automation: none -> full",
        "water-scrum-fall",
        {"practices.test_automation": "none"},
        {"practices.test_automation": "full"},
        {"lead_time_hours_median": LOWER, "change_failure_rate": LOWER},
        "DORA-2014 p.14; DORA-2021 p.26",
    ),
    Direction(
        "test automation: none -> partial",
        "water-scrum-fall",
        {"practices.test_automation": "none"},
        {"practices.test_automation": "partial"},
        {"lead_time_hours_median": LOWER, "change_failure_rate": LOWER},
        "DORA-2014 p.14; DORA-2021 p.26",
    ),
    Direction(
        "automated deploys (on-demand release)",
        "elite",
        {"practices.deployment": "manual"},
        {"practices.deployment": "automated"},
        {"deployment_frequency_per_day": HIGHER, "lead_time_hours_median": LOWER},
        "DORA-2018 p.29; DORA-2021 p.27",
    ),
    Direction(
        "on-demand release instead of a train",
        "continuous-delivery",
        {},
        {"practices.release": "on_demand"},
        {"mean_batch_size": LOWER, "lead_time_hours_median": LOWER},
        "Reinertsen B1-B12; DORA-2018 p.50",
    ),
    Direction(
        "peer review instead of a CAB",
        "water-scrum-fall",
        {},
        {"practices.change_approval": "peer_review"},
        {"lead_time_hours_median": LOWER, "change_failure_rate": NONE},
        "DORA-2019 p.50-52; Accelerate ch.7",
    ),
    Direction(
        "canary releases",
        "elite",
        {"practices.canary": False},
        {"practices.canary": True},
        {"user_impact_hours_change": LOWER, "time_to_restore_hours_median": LOWER},
        "SRE-WB ch.16",
    ),
    Direction(
        "blue-green deployments",
        "water-scrum-fall",
        {},
        {"practices.blue_green": True},
        {"time_to_restore_hours_median": LOWER},
        "common practice",
    ),
    Direction(
        "feature flags",
        "water-scrum-fall",
        {},
        {"practices.feature_flags": True},
        {"time_to_restore_hours_median": LOWER},
        "common practice",
    ),
    Direction(
        "threshold monitoring instead of none",
        "continuous-delivery",
        {"practices.monitoring": "none"},
        {"practices.monitoring": "threshold"},
        {"time_to_detect_hours_median": LOWER, "time_to_restore_hours_median": LOWER},
        "DORA-2014 p.14; DORA-2018 p.54",
    ),
    Direction(
        "observability instead of threshold alerts",
        "water-scrum-fall",
        {},
        {"practices.monitoring": "observability"},
        {"time_to_detect_hours_median": LOWER, "time_to_restore_hours_median": LOWER},
        "DORA-2021 p.28",
    ),
    Direction(
        "infrastructure as code",
        "water-scrum-fall",
        {},
        {"practices.infrastructure_as_code": True},
        {"incidents_config": LOWER, "change_failure_rate": LOWER},
        "DORA-2014 p.14-18; DORA-2019 p.49",
    ),
    Direction(
        "security scanning",
        "water-scrum-fall",
        {},
        {"practices.security_scanning": True},
        {"weaknesses_escaped": LOWER},
        "DORA-2016 p.6; DORA-2021 p.24",
    ),
    Direction(
        "blameless postmortems",
        "water-scrum-fall",
        {},
        {"practices.postmortems": "blameless"},
        {"change_failure_rate": LOWER},
        "DORA-2019 p.47; Westrum 2004",
    ),
    Direction(
        "cross-functional teams instead of silos",
        "water-scrum-fall",
        {},
        {"org.structure": "cross_functional"},
        {"queue_hours_mean_manual_test": LOWER, "lead_time_hours_median": LOWER},
        "DORA-2018 p.44-50",
    ),
    Direction(
        "continuous integration without any automated tests",
        "water-scrum-fall",
        {"practices.continuous_integration": False, "practices.test_automation": "none"},
        {"practices.continuous_integration": True},
        {"change_failure_rate": NONE, "lead_time_hours_median": NONE},
        "DORA-2021 p.26-27 (automated testing drives CI)",
    ),
)


@dataclass(frozen=True)
class Paired:
    """The paired difference (variant − base) of one metric, with its verdict."""

    metric: str
    expected: str
    base_mean: float
    variant_mean: float
    mean_diff: float
    low: float
    high: float

    @property
    def holds(self) -> bool:
        """Whether the interval says what the evidence says."""
        if self.expected == LOWER:
            return self.high < 0
        if self.expected == HIGHER:
            return self.low > 0
        return self.low <= 0 <= self.high


@dataclass(frozen=True)
class DirectionResult:
    """The outcome of one :class:`Direction` check."""

    direction: Direction
    replications: int
    metrics: list[Paired] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        """Every claimed direction holds."""
        return all(p.holds for p in self.metrics)


def check_direction(
    direction: Direction, replications: int = REPLICATIONS, workers: int | None = 1
) -> DirectionResult:
    """Run the base and the variant on common random numbers and judge each metric."""
    base, variant = direction.scenarios()
    a = run_replications(base, replications, workers=workers)
    b = run_replications(variant, replications, workers=workers)
    differences = paired_differences(a, b)
    result = DirectionResult(direction, replications)
    for metric, expected in direction.expected.items():
        diff = differences[metric]
        if diff["ci95"] is None:
            raise ValueError(f"{direction.name}: {metric} has fewer than two paired values")
        base_mean, _ = mean_ci95([r.metrics[metric] for r in a])
        variant_mean, _ = mean_ci95([r.metrics[metric] for r in b])
        low, high = diff["ci95"]
        result.metrics.append(
            Paired(metric, expected, base_mean, variant_mean, diff["mean_diff"], low, high)
        )
    return result


@dataclass(frozen=True)
class LadderRow:
    """One rung of the ladder under one master seed: means, intervals and tiers."""

    name: str
    seed: int
    expected: str | None
    means: dict[str, Any]
    ci95: dict[str, Any]
    tiers: dict[str, str | None]

    @property
    def in_band(self) -> int:
        """How many of the four keys are in the expected tier's band."""
        return sum(self.tiers[key] == self.expected for key in KEYS)

    @property
    def holds(self) -> bool:
        """Overall tier as expected and at least three keys in its band."""
        return self.tiers["overall"] == self.expected and self.in_band >= 3


def ladder_row(name: str, seed: int, replications: int = REPLICATIONS) -> LadderRow:
    """Mean of ``replications`` replications of ``name`` under master seed ``seed``."""
    scenario = load_scenario(name).with_values({"run.seed": seed})
    means, intervals = summarise(run_replications(scenario, replications, workers=1))
    tiers = tier_of(means, scenario.run.tier_edition)
    return LadderRow(name, seed, scenario.scenario.expected_tier, means, intervals, tiers)


MMC_CASES = ((0.7, 1.0, 1), (3.0, 1.0, 4), (1.5, 2.0, 4), (6.0, 1.0, 8))
"""(arrivals per day λ, mean effort 1/μ in days, developers c) for the M/M/c check."""


@dataclass(frozen=True)
class QueueingRow:
    """Erlang C against the model for one (λ, 1/μ, c)."""

    arrivals_per_day: float
    effort_days: float
    developers: int
    theory_hours: float
    mean_hours: float
    low: float
    high: float

    @property
    def holds(self) -> bool:
        """Theory inside the replications' 95 % interval."""
        return self.low <= self.theory_hours <= self.high


def queueing_row(
    arrivals_per_day: float, effort_days: float, developers: int, replications: int = 10
) -> QueueingRow:
    """Run ``queueing-check`` as M/M/c and compare its time in system with Erlang C."""
    scenario = load_scenario("queueing-check").with_values(
        {
            "workload.arrivals_per_day": arrivals_per_day,
            "workload.effort_days_mean": effort_days,
            "org.developers": developers,
            "run.days": 1500.0,
            "run.warmup_days": 100.0,
        }
    )
    results = run_replications(scenario, replications, workers=1)
    mean, ci = mean_ci95([r.metrics["customer_lead_time_hours_mean"] for r in results])
    assert mean is not None and ci is not None
    theory = mmc_time_in_system(arrivals_per_day, 1.0 / effort_days, developers) * HOURS_PER_DAY
    return QueueingRow(arrivals_per_day, effort_days, developers, theory, mean, ci[0], ci[1])


@dataclass(frozen=True)
class LittleRow:
    """Little's law on one scenario: WIP against throughput × time in system."""

    name: str
    wip: float
    throughput_times_time: float
    tolerance: float

    @property
    def relative_error(self) -> float:
        """|L − λW| / λW."""
        return abs(self.wip - self.throughput_times_time) / self.throughput_times_time

    @property
    def holds(self) -> bool:
        """Within the finite-window edge effect (2 W / T, plus 2 %)."""
        return self.relative_error <= self.tolerance


def littles_row(name: str, days: float = 1460.0, warmup: float = 180.0) -> LittleRow:
    """One long run of ``name``; the tolerance is the window's edge effect 2 W / T + 2 %."""
    from .model import Simulation

    scenario = load_scenario(name).with_values({"run.days": days, "run.warmup_days": warmup})
    m = Simulation(scenario, keep_log=False).run().metrics()
    w = m["customer_lead_time_hours_mean"]
    throughput_per_hour = m["throughput_per_week"] / HOURS_PER_WEEK
    tolerance = 2.0 * w / ((days - warmup) * HOURS_PER_DAY) + 0.02
    return LittleRow(name, m["wip_mean"], throughput_per_hour * w, tolerance)


# --------------------------------------------------------------------------- the page


def source_hash(root: Path = ROOT) -> str:
    """SHA-256 over the files the results depend on (paths and contents, sorted)."""
    digest = hashlib.sha256()
    files: list[Path] = []
    for entry in SOURCES:
        path = root / entry
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
        if path.is_dir():
            # Top level only: scenarios/sweeps/*.toml are sweep files, not built-ins.
            files.extend(sorted(path.glob("*.toml")))
    for path in sorted(set(files)):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def recorded_hash(page: Path = PAGE) -> str | None:
    """The source hash written into the page, if any."""
    if not page.exists():
        return None
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("<!-- source-hash: "):
            return line.removeprefix("<!-- source-hash: ").removesuffix(" -->").strip()
    return None


def _unit(metric: str, reference: float | None) -> tuple[float, str]:
    """(divisor, suffix) for a metric, chosen from a reference value so that a value and
    its interval are written in the same unit."""
    if metric == "deployment_frequency_per_day":
        return 1.0, "/day"
    if metric in ("change_failure_rate", "unplanned_work_share"):
        return 0.01, "%"
    if "hours" in metric:
        big = reference is not None and abs(reference) >= 48
        return (HOURS_PER_DAY, " d") if big else (1.0, " h")
    return 1.0, ""


def _fmt(value: float | None, metric: str, reference: float | None = None) -> str:
    if value is None:
        return "—"
    divisor, suffix = _unit(metric, value if reference is None else reference)
    return f"{value / divisor:.3g}{suffix}"


def _signed(value: float, metric: str, reference: float | None) -> str:
    text = _fmt(value, metric, reference)
    return text if text.startswith("-") else "+" + text


def _interval(ci: Sequence[float] | None, metric: str, reference: float | None) -> str:
    if not ci:
        return ""
    return f" [{_fmt(ci[0], metric, reference)}, {_fmt(ci[1], metric, reference)}]"


def render(
    rows: Iterable[LadderRow],
    directions: Iterable[DirectionResult],
    queueing: Iterable[QueueingRow],
    little: Iterable[LittleRow],
    digest: str,
) -> str:
    """The markdown page."""
    rows, directions, queueing, little = list(rows), list(directions), list(queueing), list(little)
    out = [
        "<!-- Generated by `python -m sim.validation` (make validation) from real runs; "
        "do not edit by hand. -->",
        f"<!-- source-hash: {digest} -->",
        "",
        "# Validation",
        "",
        "Every number on this page comes from running the model; the page is regenerated by "
        "`make validation`, and a test fails if the model's source changed since. The same "
        "checks run in `make test` (`tests/test_calibration.py`, `tests/test_directions.py`, "
        "`tests/test_queueing.py`, `tests/test_model.py`).",
        "",
        "## Calibration ladder",
        "",
        f"Means of {REPLICATIONS} replications with 95 % confidence intervals, DORA 2023 bands "
        "(BRIEF §4). A rung holds when its overall tier is the expected one and at least three "
        f"of the four keys are in that tier's band, for every one of {len(LADDER_SEEDS)} "
        "master seeds. The first table shows seed 1 in full; the second every seed.",
        "",
        "| scenario | expected | deployment frequency | lead time (median) | change failure "
        "rate | time to restore (median) | unplanned work | overall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in (r for r in rows if r.seed == LADDER_SEEDS[0]):
        cells = []
        for key in KEYS:
            metric = KEY_METRICS[key]
            mean = row.means[metric]
            cells.append(
                f"{_fmt(mean, metric)}{_interval(row.ci95[metric], metric, mean)} "
                f"({row.tiers[key]})"
            )
        unplanned = row.means["unplanned_work_share"]
        out.append(
            f"| `{row.name}` | {row.expected} | {' | '.join(cells)} | "
            f"{_fmt(unplanned, 'unplanned_work_share')} | **{row.tiers['overall']}** |"
        )
    out += [
        "",
        "| scenario | " + " | ".join(f"seed {s}" for s in LADDER_SEEDS) + " |",
        "|---|" + "---|" * len(LADDER_SEEDS),
    ]
    for name in LADDER:
        cells = []
        for seed in LADDER_SEEDS:
            row = next(r for r in rows if r.name == name and r.seed == seed)
            mark = "✓" if row.holds else "✗"
            cells.append(f"{mark} {row.tiers['overall']} ({row.in_band}/4 keys)")
        out.append(f"| `{name}` | " + " | ".join(cells) + " |")
    out += [
        "",
        "## Practice directions",
        "",
        f"Each practice toggled alone on a base scenario, {REPLICATIONS} paired replications "
        "on common random numbers. Δ is variant − base with its paired 95 % interval; a claim "
        "holds when the interval excludes zero on the claimed side (or includes zero for "
        "\u201cno effect\u201d).",
        "",
        "| practice change | base | metric | evidence says | base | variant | Δ [95 % CI] "
        "| holds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in directions:
        d = result.direction
        for p in result.metrics:
            out.append(
                f"| {d.name} | `{d.base}` | `{p.metric}` | {p.expected} ({d.evidence}) | "
                f"{_fmt(p.base_mean, p.metric)} | {_fmt(p.variant_mean, p.metric)} | "
                f"{_signed(p.mean_diff, p.metric, p.base_mean)} "
                f"[{_signed(p.low, p.metric, p.base_mean)}, "
                f"{_signed(p.high, p.metric, p.base_mean)}] | "
                f"{'✓' if p.holds else '✗'} |"
            )
    out += [
        "",
        "## Queueing theory: M/M/c against Erlang C",
        "",
        "`queueing-check` with everything but development switched off is an M/M/c queue. "
        "Mean time in system over 10 replications of 1500 days (100 warm-up) against Erlang C.",
        "",
        "| λ (per day) | 1/μ (days) | c | Erlang C W (h) | model W (h) [95 % CI] | holds |",
        "|---|---|---|---|---|---|",
    ]
    for q in queueing:
        out.append(
            f"| {q.arrivals_per_day:g} | {q.effort_days:g} | {q.developers} | "
            f"{q.theory_hours:.2f} | {q.mean_hours:.2f} [{q.low:.2f}, {q.high:.2f}] | "
            f"{'✓' if q.holds else '✗'} |"
        )
    out += [
        "",
        "## Little's law",
        "",
        "One run of four years (180 days warm-up) per scenario: time-weighted WIP against "
        "throughput × mean time in system. The tolerance is the finite window's edge effect, "
        "2 W / T, plus 2 %.",
        "",
        "| scenario | WIP | throughput × W | relative error | tolerance | holds |",
        "|---|---|---|---|---|---|",
    ]
    for row in little:
        out.append(
            f"| `{row.name}` | {row.wip:.2f} | {row.throughput_times_time:.2f} | "
            f"{row.relative_error:.2%} | {row.tolerance:.2%} | {'✓' if row.holds else '✗'} |"
        )
    out.append("")
    return "\n".join(out)


def generate(page: Path = PAGE, progress: bool = True) -> str:
    """Run every check and write the page; returns its text."""
    from rich.progress import track

    jobs: list[tuple[str, Any]] = [("ladder", (n, s)) for n in LADDER for s in LADDER_SEEDS]
    jobs += [("direction", d) for d in DIRECTIONS]
    jobs += [("queueing", case) for case in MMC_CASES]
    jobs += [("little", name) for name in (*LADDER, "queueing-check")]
    rows, directions, queueing, little = [], [], [], []
    for kind, job in track(jobs, description="validating", disable=not progress):
        if kind == "ladder":
            rows.append(ladder_row(*job))
        elif kind == "direction":
            directions.append(check_direction(job))
        elif kind == "queueing":
            queueing.append(queueing_row(*job))
        else:
            little.append(littles_row(job))
    text = render(rows, directions, queueing, little, source_hash())
    page.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.validation``: regenerate ``docs/validation.md``."""
    parser = argparse.ArgumentParser(prog="python -m sim.validation", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = recorded_hash() != source_hash()
        if stale:
            print("docs/validation.md is stale: run `make validation`", file=sys.stderr)
        return int(stale)
    generate(progress=sys.stderr.isatty())
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
