"""``docs/validation.md``: every check run from the real model and written as one page.

``python -m sim.validation`` runs everything and writes the page; the page records a hash
of the model's source, and a test fails when the model changed and the page was not
regenerated (``make validation``).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..metrics.tiers import FOUR_KEYS
from ..units import HOURS_PER_DAY
from .checks import (
    MMC_CASES,
    DirectionResult,
    InvarianceResult,
    LadderRow,
    LittleRow,
    OverloadResult,
    Paired,
    QueueingRow,
    TransitionResult,
    check_direction,
    check_invariance,
    check_overload,
    check_transition,
    ladder_row,
    littles_row,
    queueing_row,
)
from .claims import (
    ABSOLUTE,
    CANARY_BAKE_HOURS,
    DIRECTIONS,
    FLOORS,
    GROUPS,
    INVARIANCE,
    INVARIANCE_TOLERANCE,
    LADDER,
    LADDER_REPLICATIONS,
    LADDER_SEEDS,
    NON_INFERIORITY,
    OVERLOAD_CASES,
    REPLICATIONS,
    TRANSITIONS,
)

ROOT = Path(__file__).resolve().parent.parent.parent
PAGE = ROOT / "docs" / "validation.md"

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
    "sim/validation",
    "scenarios",
)
"""What the results depend on; their hash is written into the page."""


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


# --------------------------------------------------------------------------- formatting


def _unit(metric: str, reference: float | None) -> tuple[float, str]:
    """(divisor, suffix) for a metric, chosen from a reference value so that a value and
    its interval are written in the same unit."""
    if metric == "deployment_frequency_per_day":
        return 1.0, "/day"
    if metric in ("change_failure_rate", "unplanned_work_share", "availability"):
        return 0.01, "%"
    if "hours" in metric and "impact" not in metric:
        big = reference is not None and abs(reference) >= 48
        return (HOURS_PER_DAY, " d") if big else (1.0, " h")
    return 1.0, ""


def _fmt(value: float | None, metric: str, reference: float | None = None) -> str:
    if value is None:
        return "—"
    divisor, suffix = _unit(metric, value if reference is None else reference)
    digits = 4 if metric == "availability" else 3
    return f"{value / divisor:.{digits}g}{suffix}"


def _signed(value: float, metric: str, reference: float | None) -> str:
    text = _fmt(value, metric, reference)
    return text if text.startswith("-") else "+" + text


def _interval(ci: Sequence[float] | None, metric: str, reference: float | None) -> str:
    if not ci:
        return ""
    return f" [{_fmt(ci[0], metric, reference)}, {_fmt(ci[1], metric, reference)}]"


def _mark(holds: bool) -> str:
    return "✓" if holds else "✗"


def _paired(p: Paired) -> str:
    """The base, variant, Δ [95 % CI] and holds cells of one paired comparison."""
    base = p.base_mean
    return (
        f"{_fmt(base, p.metric)} | {_fmt(p.variant_mean, p.metric)} | "
        f"{_signed(p.mean_diff, p.metric, base)} "
        f"[{_signed(p.low, p.metric, base)}, {_signed(p.high, p.metric, base)}] | "
        f"{_mark(p.holds)}"
    )


# --------------------------------------------------------------------------- sections


def _ladder(rows: list[LadderRow]) -> list[str]:
    out = [
        "## Calibration ladder",
        "",
        f"Means of {LADDER_REPLICATIONS} replications with 95 % confidence intervals, DORA "
        "2023 bands (BRIEF §4). A rung holds when its overall tier is the expected one and "
        "every one of the four keys has its mean **and its whole interval** in that tier's "
        f"band (away from the edges), for every one of {len(LADDER_SEEDS)} master seeds. The "
        "first table shows seed 1 in full; the second every seed.",
        "",
        "| scenario | expected | deployment frequency (per service) | lead time (median) | "
        "change failure rate | time to restore (median) | availability | overall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in (r for r in rows if r.seed == LADDER_SEEDS[0]):
        cells = []
        for key, metric, _ in FOUR_KEYS:
            mean = row.means[metric]
            cells.append(
                f"{_fmt(mean, metric)}{_interval(row.ci95[metric], metric, mean)} "
                f"({row.tiers[key]})"
            )
        availability = row.means["availability"]
        out.append(
            f"| `{row.name}` | {row.expected} | {' | '.join(cells)} | "
            f"{_fmt(availability, 'availability')} | **{row.tiers['overall']}** |"
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
            cells.append(
                f"{_mark(row.holds)} {row.tiers['overall']} ({row.in_band}/4 in band, "
                f"{row.clear_of_edges}/4 clear)"
            )
        out.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return out


def _directions(results: list[DirectionResult]) -> list[str]:
    out: list[str] = []
    for group, title in GROUPS:
        chosen = [r for r in results if r.direction.group == group]
        if not chosen:
            continue
        out += [
            "",
            f"## {title}",
            "",
            "| change | base | metric | evidence says | base | variant | Δ [95 % CI] | holds |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for result in chosen:
            d = result.direction
            for p in result.metrics:
                claim = p.expected
                if p.margin:
                    claim += f" (margin {_fmt(p.margin, p.metric, p.base_mean)})"
                out.append(
                    f"| {d.name} | `{d.base}` | `{p.metric}` | {claim} ({d.evidence}) | "
                    f"{_paired(p)} |"
                )
    return out


def _transitions(results: list[TransitionResult]) -> list[str]:
    out = [
        "",
        "## Worse for a while, then better: J-curve and Brooks's law",
        "",
        f"Each of {REPLICATIONS} replications runs twice on the same random numbers: with "
        "the command on the given day and without it (the ghost). Δ is command − ghost over "
        "each window of days.",
        "",
        "| change | base | days | metric | evidence says | ghost | with it | Δ [95 % CI] | holds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        t = result.transition
        for window in result.windows:
            for p in window.metrics:
                out.append(
                    f"| {t.name} | `{t.base}` | {window.start_day:g}–{window.end_day:g} | "
                    f"`{p.metric}` | {p.expected} ({t.evidence}) | {_paired(p)} |"
                )
    return out


def _overload(results: list[OverloadResult], invariance: list[InvarianceResult]) -> list[str]:
    out = [
        "",
        "## Overload and demand",
        "",
        "The `overloaded` flag (backlog growth beyond two standard deviations of a queue "
        f"with no drift) over {REPLICATIONS} replications: every run of an organisation "
        "without the people for its demand is flagged, none of the built-ins is.",
        "",
        "| organisation | flagged runs | delivered / arrived | backlog growth | expected | holds |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        out.append(
            f"| {r.name} | {r.share:.0%} | {r.delivered_share:.0%} | "
            f"{r.backlog_growth_per_week:.3g} items/week | "
            f"{'overloaded' if r.expected else 'not overloaded'} | {_mark(r.holds)} |"
        )
    out += [
        "",
        "## The same organisation, N times over",
        "",
        "DORA asks per application or service: an organisation copied N times with N times "
        "the demand keeps its four keys and its availability (means of "
        f"{REPLICATIONS} replications; intervals overlap or means within "
        f"{INVARIANCE_TOLERANCE:.0%}).",
        "",
        "| organisation | metric | once [95 % CI] | N times [95 % CI] | holds |",
        "|---|---|---|---|---|",
    ]
    for result in invariance:
        for row in result.rows:
            out.append(
                f"| `{result.name}` ×{result.copies} | `{row.metric}` | "
                f"{_fmt(row.one, row.metric)}{_interval(row.one_ci, row.metric, row.one)} | "
                f"{_fmt(row.many, row.metric)}{_interval(row.many_ci, row.metric, row.one)} | "
                f"{_mark(row.holds)} |"
            )
    return out


def _theory(queueing: list[QueueingRow], little: list[LittleRow]) -> list[str]:
    out = [
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
            f"{_mark(q.holds)} |"
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
            f"{row.relative_error:.2%} | {row.tolerance:.2%} | {_mark(row.holds)} |"
        )
    return out


def _margins() -> str:
    """The non-inferiority margins in words, from the claims that set them."""
    parts = [f"{NON_INFERIORITY:.0%} of the base"]
    parts += [f"at least {_points(v)} for {_name(m)}" for m, v in FLOORS.items()]
    parts += [f"{_points(v)} for {_name(m)}" for m, v in ABSOLUTE.items()]
    parts.append(f"plus a canary's {CANARY_BAKE_HOURS:g}-hour bake for lead time")
    return ", ".join(parts)


def _points(share: float) -> str:
    """A share as percentage points: 0.02 → ``2 points``, 0.001 → ``0.1 point``."""
    points = share * 100
    return f"{points:g} point{'' if points <= 1 else 's'}"


def _name(metric: str) -> str:
    return "the " + metric.replace("_", " ") if metric != "availability" else metric


def render(
    rows: Iterable[LadderRow],
    directions: Iterable[DirectionResult],
    transitions: Iterable[TransitionResult],
    overload: Iterable[OverloadResult],
    invariance: Iterable[InvarianceResult],
    queueing: Iterable[QueueingRow],
    little: Iterable[LittleRow],
    digest: str,
) -> str:
    """The markdown page."""
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
        "`tests/test_queueing.py`, `tests/test_model.py`). Directions are paired comparisons "
        "on common random numbers: Δ is variant − base with its paired 95 % interval; "
        "*lower*/*higher* hold when the interval excludes zero on that side, *no effect* "
        "when it includes zero, *not higher*/*not lower* when the bound on the bad side "
        f"stays within a margin ({_margins()}).",
        "",
    ]
    out += _ladder(list(rows))
    out += _directions(list(directions))
    out += _transitions(list(transitions))
    out += _overload(list(overload), list(invariance))
    out += _theory(list(queueing), list(little))
    out.append("")
    return "\n".join(out)


def generate(page: Path = PAGE, progress: bool = True) -> str:
    """Run every check and write the page; returns its text."""
    from rich.progress import track

    jobs: list[tuple[str, Any]] = [("ladder", (n, s)) for n in LADDER for s in LADDER_SEEDS]
    jobs += [("direction", d) for d in DIRECTIONS]
    jobs += [("transition", t) for t in TRANSITIONS]
    jobs += [("overload", case) for case in OVERLOAD_CASES]
    jobs += [("invariance", case) for case in INVARIANCE]
    jobs += [("queueing", case) for case in MMC_CASES]
    jobs += [("little", name) for name in (*LADDER, "queueing-check")]
    found: dict[str, list[Any]] = {kind: [] for kind, _ in jobs}
    runners = {
        "ladder": lambda job: ladder_row(*job),
        "direction": check_direction,
        "transition": check_transition,
        "overload": lambda job: check_overload(*job),
        "invariance": lambda job: check_invariance(*job),
        "queueing": lambda job: queueing_row(*job),
        "little": littles_row,
    }
    for kind, job in track(jobs, description="validating", disable=not progress):
        found[kind].append(runners[kind](job))
    text = render(
        found["ladder"],
        found["direction"],
        found["transition"],
        found["overload"],
        found["invariance"],
        found["queueing"],
        found["little"],
        source_hash(),
    )
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
