"""``summary.md``: the analysis of a sweep as a Markdown report.

Sections: the sweep (design, factors), runs (finished, failed and listed, missing), what
matters most (ranking per metric), design points (mean ± 95 % CI), main effects,
sensitivity indices (or why there are none) and the files written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..markdown import table
from ..report import MISSING
from .analysis import Analysis
from .effects import BY_REPLICATION, MainEffect
from .labels import change_text, display_unit, level_label, metric_label, number, value_text
from .results import Factor, Sweep
from .sensitivity import MorrisIndex, Sensitivity, SobolIndex

MAX_POINT_ROWS = 40
"""Design points shown in the summary; all of them are in points.csv."""
MAX_FAILED_ROWS = 30
"""Failed runs listed in the summary."""
ERROR_CHARS = 100


def summary_markdown(analysis: Analysis, files: Sequence[str] = ()) -> str:
    """The whole report; ``files`` are the names of the other files written beside it."""
    sweep = analysis.sweep
    lines = [f"# Sweep analysis: {sweep.name}", ""]
    lines += _sweep_section(sweep, analysis.metrics)
    lines += _runs_section(sweep)
    lines += ranking_section(analysis)
    lines += _points_section(analysis)
    lines += _effects_section(analysis)
    lines += _sensitivity_section(analysis)
    if files:
        lines += ["## Files", ""] + [f"- `{name}`" for name in files] + [""]
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------- sections


def _design_text(sweep: Sweep) -> str:
    design = sweep.design
    method = sweep.method
    extra = []
    if design.get("samples") is not None:
        extra.append(f"{design['samples']} samples")
    if method == "sobol":
        second = design.get("calc_second_order", True)
        extra.append("second-order indices" if second else "no second-order indices")
    if method == "morris" and design.get("num_levels") is not None:
        extra.append(f"{design['num_levels']} levels")
    return f"**{method}**" + (f" ({', '.join(extra)})" if extra else "")


def _factor_range(factor: Factor, sweep: Sweep) -> str:
    if factor.levels:
        return ", ".join(level_label(v) for v in factor.levels)
    if factor.low is not None and factor.high is not None:
        return f"{factor.low:g} … {factor.high:g}"
    seen = sweep.points[factor.key].dropna().unique()
    return ", ".join(level_label(v) for v in seen[:8]) + (" …" if len(seen) > 8 else "")


def _sweep_section(sweep: Sweep, metrics: Sequence[str]) -> list[str]:
    points = len(sweep.points)
    lines = [
        f"Base scenario `{sweep.base}`; design {_design_text(sweep)}: {points} points × "
        f"{sweep.replications} replication{'s' if sweep.replications != 1 else ''} = "
        f"{_runs(sweep.expected_runs)}.",
    ]
    crn = sweep.crn
    if crn is not None:
        lines.append(
            "Every point ran replication *r* on the same random numbers (common random "
            "numbers), so differences between points are paired."
            if crn
            else "Points ran on different seeds (no common random numbers)."
        )
    lines += ["", f"Metrics analysed: {', '.join(f'`{m}`' for m in metrics)}.", ""]
    lines += table(
        ["Factor", "Kind", "Levels or range"],
        [(f"`{f.key}`", f.kind, _factor_range(f, sweep)) for f in sweep.factors],
    )
    provenance = _provenance(sweep.provenance)
    if provenance:
        lines += ["", "Provenance: " + ", ".join(f"{k} `{v}`" for k, v in provenance.items())]
    return [*lines, ""]


PROVENANCE_KEYS = ("shipit_version", "version", "seed", "base_scenario_hash", "created",
                   "updated", "finished")  # fmt: skip
"""Provenance shown in the summary (all of it is in ``_sweep.json``)."""


def _provenance(provenance: Mapping[str, Any]) -> dict[str, Any]:
    """The provenance a reader needs to place the numbers; a long hash shortened."""
    shown = {k: provenance[k] for k in PROVENANCE_KEYS if provenance.get(k) is not None}
    if not shown:
        shown = {k: v for k, v in provenance.items() if isinstance(v, str | int | float)}
    return {k: v[:12] if k.endswith("hash") and isinstance(v, str) else v
            for k, v in shown.items()}  # fmt: skip


def _runs_section(sweep: Sweep) -> list[str]:
    ok, failed = len(sweep.ok), len(sweep.failed)
    missing = max(0, sweep.expected_runs - ok - failed)
    rows = [("finished (ok)", ok), ("failed (excluded)", failed)]
    if missing:
        rows.append(("not run (yet)", missing))
    lines = ["## Runs", "", *table(["Runs", "Count"], rows, "lr"), ""]
    if failed:
        they = "they are" if failed != 1 else "it is"
        lines += [f"{_runs(failed)} failed; {they} left out of every number below.", ""]
        shown = sweep.failed.head(MAX_FAILED_ROWS)
        lines += table(
            ["Run", "Point", "Replication", "Error"],
            [
                (r.run_id, r.point, r.replication, _short(r.error))
                for r in shown.itertuples(index=False)
            ],
            "lrrl",
        )
        if failed > len(shown):
            lines.append(f'\n… and {failed - len(shown)} more (status "error" in the parts).')
        lines.append("")
    if missing:
        lines += [f"{_runs(missing)} of the design are not in the results: the sweep is "
                  "incomplete or still running.", ""]  # fmt: skip
    return lines


def _runs(count: int) -> str:
    return f"{count} run{'s' if count != 1 else ''}"


def _short(error: str) -> str:
    line = " ".join(str(error).split()) or "(no message)"
    return line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…"


def ranking_section(analysis: Analysis) -> list[str]:
    """ "What matters most": the factors per metric, largest effect first."""
    lines = ["## What matters most", ""]
    measure = {
        "sobol": "total Sobol index ST (share of the variance a factor is involved in)",
        "morris": "Morris mu* (mean absolute elementary effect)",
    }.get(analysis.sweep.method if not analysis.sensitivity_note else "", "")
    lines.append(
        "Factors ranked by "
        + (measure or "the swing of their main effect (change from the lowest to the highest "
           "level, 95 % CI)")
        + ". *Within noise* means the interval includes zero."
    )  # fmt: skip
    lines.append("")
    for metric in analysis.metrics:
        lines += [f"### {metric_label(metric)}", ""]
        ranked = analysis.ranking[metric]
        if not ranked:
            lines += [_why_unranked(analysis, metric), ""]
            continue
        for place, entry in enumerate(ranked, start=1):
            noise = "" if entry.clear else " — *within noise*"
            lines.append(f"{place}. **`{entry.factor}`**: {entry.text}{noise}")
        fixed = analysis.sweep.fixed
        if fixed:
            lines.append(f"\nNot varied: {', '.join(f'`{k}`' for k in fixed)}.")
        lines.append("")
    return lines


def _why_unranked(analysis: Analysis, metric: str) -> str:
    if not analysis.has_values(metric):
        return "No finished run has a value of this metric (every sample was empty)."
    return "No factor was varied where the metric has values."


def _points_section(analysis: Analysis) -> list[str]:
    sweep = analysis.sweep
    varied = [f.key for f in sweep.factors if f.key not in sweep.fixed]
    lines = [
        "## Design points",
        "",
        "Mean ± 95 % CI half-width (Student t over replications) per point; "
        "Runs = finished runs of the point (a metric's mean is over those with a value).",
        "",
    ]
    frame = analysis.points
    if frame.empty:
        return [*lines, "No points.", ""]
    wide = {m: frame[frame["metric"] == m].set_index("point") for m in analysis.metrics}
    points = list(sweep.points.index)
    shown = points[:MAX_POINT_ROWS]
    header = ["Point", *[f"`{k}`" for k in varied], "Runs",
              *[metric_label(m) for m in analysis.metrics]]  # fmt: skip
    rows = []
    for point in shown:
        first = wide[analysis.metrics[0]].loc[point]
        cells: list[Any] = [point, *[level_label(sweep.points.at[point, k]) for k in varied]]
        cells.append(int(first["runs_ok"]))
        for metric in analysis.metrics:
            row = wide[metric].loc[point]
            cells.append(
                value_text(metric, _num(row["mean"]), _ci(row["ci_low"], row["ci_high"]),
                           unit=False)
            )  # fmt: skip
        rows.append(cells)
    lines += table(header, rows, "r" + "l" * len(varied) + "r" * (1 + len(analysis.metrics)))
    if len(points) > len(shown):
        lines.append(f"\nFirst {len(shown)} of {len(points)} points; all are in `points.csv`.")
    return [*lines, ""]


def _num(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def _ci(low: Any, high: Any) -> tuple[float, float] | None:
    return None if pd.isna(low) or pd.isna(high) else (float(low), float(high))


def _effects_section(analysis: Analysis) -> list[str]:
    lines = ["## Main effects", ""]
    if analysis.basis == BY_REPLICATION:
        lines.append(
            "Each level's mean averages the metric over the other factors' settings, per "
            "replication; the 95 % CI is Student t over replications. Differences to the "
            "first level are paired by replication index and design cell (the other "
            "factors equal). Slopes are least-squares within design cells, one per "
            "replication."
        )
    else:
        lines.append(
            "Units are the design points (each point's mean over its replications): level "
            "means have a Student t CI over points (it includes the spread caused by the "
            "other factors), differences are paired over design cells when the design has "
            "them and Welch intervals otherwise, slopes are least squares with their t CI."
        )
    lines.append("")
    for metric in analysis.metrics:
        lines += [f"### {metric_label(metric)}", ""]
        if not analysis.has_values(metric):
            lines += [_why_unranked(analysis, metric), ""]
            continue
        lines += _effects_table(metric, analysis.effects[metric])
    return lines


def _effects_table(metric: str, effects: Sequence[MainEffect]) -> list[str]:
    rows = []
    for effect in effects:
        key = f"`{effect.factor.key}`"
        for index, level in enumerate(effect.levels):
            diff = "reference" if level.diff is None else change_text(
                metric, level.diff.value, level.diff.ci, unit=False)  # fmt: skip
            rows.append((key if index == 0 else "", level.label, level.runs,
                         value_text(metric, level.mean.value, level.mean.ci, unit=False),
                         diff if effect.varied else MISSING))  # fmt: skip
    lines: list[str] = []
    if rows:
        lines += table(
            ["Factor", "Level", "Runs", "Mean ± 95 % CI", "Δ to first level ± 95 % CI"],
            rows, "llrrr",
        )  # fmt: skip
        lines.append("")
    notes = []
    for effect in effects:
        key = f"`{effect.factor.key}`"
        if not effect.varied:
            notes.append(f"- {key}: {effect.note}.")
            continue
        if effect.slope is not None:
            span = effect.span or (0.0, 0.0)
            notes.append(
                f"- {key}: slope {change_text(metric, effect.slope.value, effect.slope.ci)} "
                f"per unit ({effect.distinct} values, {span[0]:.4g} … {span[1]:.4g})."
            )
        if effect.swing is not None and not effect.levels:
            change = effect.swing.change
            notes.append(
                f"- {key}: swing {change_text(metric, change.value, change.ci)}"
                f" from {effect.swing.low} to {effect.swing.high}."
            )
    return [*lines, *notes, ""] if notes else lines


def _sensitivity_section(analysis: Analysis) -> list[str]:
    method = analysis.sweep.method
    title = {"sobol": "Sobol indices", "morris": "Morris screening"}.get(method, "Sensitivity")
    lines = [f"## {title}", ""]
    if analysis.sensitivity_note:
        return [*lines, analysis.sensitivity_note, ""]
    if method == "sobol":
        lines.append(
            "S1: share of the metric's variance a factor explains alone; ST: including all "
            "its interactions (ST − S1 large means it matters through interactions). ± is "
            "SALib's bootstrap 95 % half-width. The model output is each point's mean over "
            "its replications."
        )
    else:
        lines.append(
            "mu*: mean absolute elementary effect (how much the metric moves when the "
            "factor alone moves a step, in the metric's unit per unit of the factor's "
            "scaled range); sigma: their spread (interactions or curvature); mu: signed "
            "mean. ± is SALib's bootstrap 95 % half-width."
        )
    lines.append("")
    for metric in analysis.metrics:
        lines += [f"### {metric_label(metric)}", ""]
        lines += [*sensitivity_table(analysis.sensitivity[metric]), ""]
    return lines


def sensitivity_table(result: Sensitivity) -> list[str]:
    """The indices of one metric as a Markdown table, or why there are none."""
    if not result.indices:
        return [f"Skipped: {result.skipped}"]
    if result.method == "sobol":
        return table(
            ["Factor", "S1", "ST"],
            [(f"`{i.factor}`", f"{i.s1:.3f} ± {i.s1_conf:.3f}", f"{i.st:.3f} ± {i.st_conf:.3f}")
             for i in result.indices if isinstance(i, SobolIndex)],
            "lrr",
        )  # fmt: skip
    scale, unit = display_unit(result.metric, change=True)
    suffix = f" ({unit})" if unit else ""
    return table(
        ["Factor", f"mu*{suffix}", f"sigma{suffix}", f"mu{suffix}"],
        [(f"`{i.factor}`", f"{number(i.mu_star * scale)} ± {number(i.mu_star_conf * scale, 2)}",
          number(i.sigma * scale), number(i.mu * scale))
         for i in result.indices if isinstance(i, MorrisIndex)],
        "lrrr",
    )  # fmt: skip
