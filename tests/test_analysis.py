"""Sweep analysis (``sim.analysis``) on hand-made sweep result directories.

The directories follow the contract of ``shipit sweep`` (``_sweep.json`` and
``part-*.parquet``) but are written here with pandas, so these tests do not depend on the
sweep engine.  The numbers are checked against known answers: the Ishigami function's
analytical Sobol indices, a Morris screening with an inert factor, and main effects
worked out by hand from the rows.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from scipy import stats

from sim.analysis import analyze, write_report
from sim.analysis.cli import cmd_analyze
from sim.analysis.report import REPORT_DIR
from sim.cli import main
from sim.errors import ScenarioError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
LEAD = "lead_time_hours_median"
CFR = "change_failure_rate"
MTTR = "time_to_restore_hours_median"


# --------------------------------------------------------------------------- fake sweeps


def write_sweep(
    directory: Path, spec: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], parts: int = 2
) -> Path:
    """A sweep result directory: the spec and the rows split over ``parts`` Parquet files."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "_sweep.json").write_text(json.dumps(spec), encoding="utf-8")
    frame = pd.DataFrame(rows)
    for i, chunk in enumerate(np.array_split(np.arange(len(frame)), parts)):
        frame.iloc[chunk].to_parquet(directory / f"part-{i:05d}.parquet", index=False)
    return directory


def run_row(point: int, replication: int, values: Mapping[str, Any], metrics: Mapping[str, float],
            *, seed: int = 42, error: str = "") -> dict[str, Any]:  # fmt: skip
    return {
        "run_id": f"p{point}-r{replication}",
        "point": point,
        "replication": replication,
        "seed": seed,
        **values,
        **metrics,
        "wall_seconds": 0.5,
        "status": "error" if error else "ok",
        "error": error,
    }


DEPLOYMENT = ("manual", "automated", "continuous")
BASE = {"manual": 100.0, "automated": 60.0, "continuous": 40.0}
DEVELOPERS = (4, 8)
TRUNK = (False, True)
FACTORS = {
    "practices.deployment": {"kind": "categorical", "levels": list(DEPLOYMENT)},
    "org.developers": {"kind": "integer", "levels": list(DEVELOPERS)},
    "practices.trunk": {"kind": "bool", "levels": list(TRUNK)},
    "run.days": {"kind": "numeric", "levels": [90]},  # a single level: not varied
}


def factorial_sweep(
    directory: Path,
    replications: int = 5,
    *,
    fail: Sequence[tuple[int, int]] = (),
    seed: int = 3,
) -> tuple[Path, pd.DataFrame]:
    """3 × 2 × 2 (× 1) factorial on common random numbers with known effects.

    Lead time = base(deployment) − 2 · developers + 5 · trunk + shared noise of the
    replication (the common random numbers) + a little noise of the run.  Returns the
    directory and the rows (failed runs carry an absurd value that must be ignored).
    """
    rng = np.random.default_rng(seed)
    shared = rng.normal(0.0, 5.0, replications)
    points = list(itertools.product(DEPLOYMENT, DEVELOPERS, TRUNK))
    rows, declared = [], []
    for i, (deployment, developers, trunk) in enumerate(points):
        values = {"practices.deployment": deployment, "org.developers": developers,
                  "practices.trunk": trunk, "run.days": 90}  # fmt: skip
        declared.append({"point": i, "values": values})
        for r in range(replications):
            lead = BASE[deployment] - 2.0 * developers + 5.0 * trunk + shared[r]
            lead += rng.normal(0.0, 1.0)
            cfr = 0.1 + 0.02 * (deployment == "manual") + rng.normal(0.0, 0.005)
            failed = (i, r) in fail
            metrics = {LEAD: 1e6 if failed else lead, CFR: np.nan if failed else cfr,
                       MTTR: np.nan}  # fmt: skip
            rows.append(
                run_row(i, r, values, metrics, error="Boom: model raised" if failed else "")
            )
    spec = {
        "name": "deploy-sweep",
        "base": "legacy-enterprise",
        "design": {"method": "factorial", "points": declared},
        "factors": FACTORS,
        "replications": replications,
        "metrics": [LEAD, CFR, MTTR],
        "provenance": {"version": "0.1.0", "seed": 42},
    }
    return write_sweep(directory, spec, rows), pd.DataFrame(rows)


def sampled_sweep(
    directory: Path,
    method: str,
    problem: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    design: Mapping[str, Any] | None = None,
    *,
    fail: Sequence[int] = (),
    coordinates: str = "unit",
) -> Path:
    """A sobol/morris sweep: point i has problem-space coordinates x[i] and output y[i].

    ``coordinates`` names the key of a point's coordinates ("unit" in the contract, "x"
    as the sweep engine writes it; both are read).
    """
    rows, declared = [], []
    for i, (point, value) in enumerate(zip(x, y, strict=True)):
        values = dict(zip(problem["names"], map(float, point), strict=True))
        declared.append({"point": i, "values": values, coordinates: [float(c) for c in point]})
        error = "Boom" if i in fail else ""
        rows.append(run_row(i, 0, values, {LEAD: float(value)}, error=error))
    factors = {
        name: {"kind": "numeric", "min": float(low), "max": float(high)}
        for name, (low, high) in zip(problem["names"], problem["bounds"], strict=True)
    }
    spec = {
        "name": f"{method}-sweep",
        "base": "elite",
        "design": {
            "method": method,
            "samples": 0,
            "problem": problem,
            "points": declared,
            **(design or {}),
        },
        "factors": factors,
        "replications": 1,
        "metrics": [LEAD],
        "provenance": {},
    }
    return write_sweep(directory, spec, rows, parts=3)


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[list[float], list[float]]:
    """Analytical S1 and ST of the Ishigami function (Saltelli et al. 2008, §4.5)."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


def t_interval(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and Student-t 95 % interval, by hand."""
    xs = np.asarray(values, dtype=float)
    n = len(xs)
    half = stats.t.ppf(0.975, n - 1) * xs.std(ddof=1) / math.sqrt(n)
    return xs.mean(), xs.mean() - half, xs.mean() + half


def effect_of(analysis: Any, metric: str, factor: str) -> Any:
    return next(e for e in analysis.effects[metric] if e.factor.key == factor)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    return struct.unpack(">II", data[16:24])


# --------------------------------------------------------------------------- (a) Sobol


def test_sobol_indices_of_ishigami_match_the_analytical_values(tmp_path: Path) -> None:
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    x = sobol_sample.sample(problem, 1024, calc_second_order=True, seed=11)
    directory = sampled_sweep(tmp_path / "sobol", "sobol", problem, x, ishigami(x),
                              {"calc_second_order": True, "samples": 1024})  # fmt: skip

    analysis = analyze(directory)

    result = analysis.sensitivity[LEAD]
    assert result.method == "sobol" and not result.skipped
    s1_true, st_true = ishigami_indices()
    assert [round(v, 3) for v in s1_true] == [0.314, 0.442, 0.0]
    assert [round(v, 3) for v in st_true] == [0.558, 0.442, 0.244]
    for index, s1, st in zip(result.indices, s1_true, st_true, strict=True):
        # SALib's bootstrap 95 % half-widths bound the sampling error; 0.05 is a floor for
        # the rare sample where the bootstrap itself is too narrow.
        assert abs(index.s1 - s1) < max(0.05, 2 * index.s1_conf), index
        assert abs(index.st - st) < max(0.05, 2 * index.st_conf), index
    assert [r.factor for r in analysis.ranking[LEAD]] == ["x1", "x2", "x3"]
    assert analysis.ranking[LEAD][0].measure == "ST"


def test_sobol_is_skipped_with_a_reason_when_a_point_failed(tmp_path: Path) -> None:
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    x = sobol_sample.sample(problem, 64, calc_second_order=False, seed=1)
    directory = sampled_sweep(tmp_path / "s", "sobol", problem, x, ishigami(x),
                              {"calc_second_order": False}, fail=[7])  # fmt: skip

    analysis = analyze(directory)

    result = analysis.sensitivity[LEAD]
    assert not result.indices
    assert "1 of 320 design points have no value" in result.skipped
    assert analysis.ranking[LEAD]  # falls back to the main effects' swings
    assert analysis.ranking[LEAD][0].measure == "swing"
    write_report(analysis, directory)
    summary = (directory / REPORT_DIR / "summary.md").read_text(encoding="utf-8")
    assert "Skipped: 1 of 320 design points have no value" in summary


# --------------------------------------------------------------------------- (b) Morris


def test_morris_finds_the_inert_factor_and_ranks_the_strongest_first(tmp_path: Path) -> None:
    problem = {"num_vars": 3, "names": ["strong", "weak", "inert"], "bounds": [[0, 1]] * 3}
    x = morris_sample.sample(problem, 30, num_levels=4, seed=5)
    y = 10.0 * x[:, 0] + 3.0 * x[:, 1] ** 2 + 0.0 * x[:, 2]
    directory = sampled_sweep(tmp_path / "m", "morris", problem, x, y, {"num_levels": 4})

    analysis = analyze(directory)

    indices = {i.factor: i for i in analysis.sensitivity[LEAD].indices}
    assert indices["inert"].mu_star == pytest.approx(0.0, abs=1e-9)
    assert indices["inert"].sigma == pytest.approx(0.0, abs=1e-9)
    assert indices["strong"].mu_star == pytest.approx(10.0)  # linear: every step moves 10
    assert 0 < indices["weak"].mu_star < indices["strong"].mu_star
    assert [r.factor for r in analysis.ranking[LEAD]] == ["strong", "weak", "inert"]
    assert analysis.ranking[LEAD][0].measure == "mu_star"
    assert not analysis.ranking[LEAD][2].clear  # the inert factor is not a clear effect


# --------------------------------------------------------------------------- (c) factorial


def test_factorial_main_effects_equal_hand_computation(tmp_path: Path) -> None:
    replications = 5
    directory, rows = factorial_sweep(tmp_path / "f", replications)

    analysis = analyze(directory)
    assert analysis.basis == "replications"
    assert analysis.sweep.crn is True

    # Per replication, the mean of each deployment level over its 4 points.
    per_level = rows.groupby(["practices.deployment", "replication"])[LEAD].mean().unstack()
    deployment = effect_of(analysis, LEAD, "practices.deployment")
    assert [level.label for level in deployment.levels] == list(DEPLOYMENT)
    for level in deployment.levels:
        mean, low, high = t_interval(per_level.loc[level.label])
        assert level.mean.value == pytest.approx(mean)
        assert level.mean.value == pytest.approx(
            rows.loc[rows["practices.deployment"] == level.label, LEAD].mean()
        )  # balanced: the mean of all its runs
        assert level.mean.ci == pytest.approx((low, high))
        assert level.runs == 4 * replications
    # Differences paired by replication index (common random numbers).
    for level in deployment.levels[1:]:
        mean, low, high = t_interval(per_level.loc[level.label] - per_level.loc["manual"])
        assert level.diff.value == pytest.approx(mean)
        assert level.diff.ci == pytest.approx((low, high))
        assert level.diff.n == replications
        assert level.diff.clear
    assert deployment.levels[0].diff is None
    # The pairing removes the shared noise: the difference's CI is far narrower.
    assert deployment.levels[1].diff.half < deployment.levels[1].mean.half / 3
    # Swing of a category: from the lowest-mean level (continuous) to the highest (manual).
    assert (deployment.swing.low, deployment.swing.high) == ("continuous", "manual")
    mean, low, high = t_interval(per_level.loc["manual"] - per_level.loc["continuous"])
    assert deployment.swing.change.value == pytest.approx(mean)
    assert deployment.swing.change.ci == pytest.approx((low, high))

    # Developers: a slope per replication over the 12 points, t interval over replications.
    developers = effect_of(analysis, LEAD, "org.developers")
    slopes = [
        np.polyfit(part["org.developers"], part[LEAD], 1)[0]
        for _, part in rows.groupby("replication")
    ]
    mean, low, high = t_interval(slopes)
    assert developers.slope.value == pytest.approx(mean)
    assert developers.slope.ci == pytest.approx((low, high))
    assert developers.slope.ci[0] < -2.0 < developers.slope.ci[1]  # the true slope
    assert (developers.swing.low, developers.swing.high) == ("4", "8")
    assert developers.swing.change.value == pytest.approx(4 * mean)

    # Bool: ordered false → true.
    trunk = effect_of(analysis, LEAD, "practices.trunk")
    by_trunk = rows.groupby(["practices.trunk", "replication"])[LEAD].mean().unstack()
    mean, low, high = t_interval(by_trunk.loc[True] - by_trunk.loc[False])
    assert [level.label for level in trunk.levels] == ["false", "true"]
    assert trunk.levels[1].diff.value == pytest.approx(mean)
    assert trunk.levels[1].diff.ci == pytest.approx((low, high))

    # A single-level factor is reported, not ranked.
    days = effect_of(analysis, LEAD, "run.days")
    assert not days.varied and days.swing is None and "only one level (90)" in days.note
    assert [r.factor for r in analysis.ranking[LEAD]] == [
        "practices.deployment", "org.developers", "practices.trunk",
    ]  # fmt: skip

    # Per-point means and CIs: Student t over the point's replications.
    points = analysis.points[analysis.points["metric"] == LEAD].set_index("point")
    for point, part in rows.groupby("point"):
        mean, low, high = t_interval(part[LEAD])
        assert points.loc[point, "mean"] == pytest.approx(mean)
        assert (points.loc[point, "ci_low"], points.loc[point, "ci_high"]) == pytest.approx(
            (low, high)
        )


def test_single_replication_pairs_differences_by_design_cell(tmp_path: Path) -> None:
    directory, rows = factorial_sweep(tmp_path / "f1", replications=1)

    analysis = analyze(directory)

    assert analysis.basis == "points"
    deployment = effect_of(analysis, LEAD, "practices.deployment")
    cells = rows.set_index(["org.developers", "practices.trunk", "practices.deployment"])[LEAD]
    diffs = cells.xs("automated", level=2) - cells.xs("manual", level=2)
    mean, low, high = t_interval(diffs)
    automated = deployment.levels[1]
    assert deployment.paired == "cells"
    assert automated.diff.value == pytest.approx(mean)
    assert automated.diff.ci == pytest.approx((low, high))


def test_lhs_design_uses_points_welch_and_slopes(tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    n = 60
    developers = rng.uniform(2, 20, n)
    deployment = rng.choice(["manual", "automated"], n)
    lead = 50 - 1.5 * developers + np.where(deployment == "manual", 30.0, 0.0) + rng.normal(0, 2, n)
    rows = [
        run_row(i, 0, {"org.developers": float(d), "practices.deployment": str(p)}, {LEAD: y})
        for i, (d, p, y) in enumerate(zip(developers, deployment, lead, strict=True))
    ]
    spec = {
        "name": "lhs", "base": "elite", "design": {"method": "lhs", "samples": n},
        "factors": {"org.developers": {"kind": "numeric", "min": 2, "max": 20},
                    "practices.deployment": {"kind": "categorical",
                                             "levels": ["manual", "automated"]}},
        "replications": 1, "metrics": [LEAD], "provenance": {},
    }  # fmt: skip
    analysis = analyze(write_sweep(tmp_path / "lhs", spec, rows))

    slope = effect_of(analysis, LEAD, "org.developers").slope
    assert slope.ci[0] < -1.5 < slope.ci[1]
    assert not effect_of(analysis, LEAD, "org.developers").levels  # many values: no levels
    automated = effect_of(analysis, LEAD, "practices.deployment").levels[1]
    welch = stats.ttest_ind(lead[deployment == "automated"], lead[deployment == "manual"],
                            equal_var=False)  # fmt: skip
    assert automated.diff.value == pytest.approx(
        lead[deployment == "automated"].mean() - lead[deployment == "manual"].mean()
    )
    low, high = welch.confidence_interval(0.95)
    assert automated.diff.ci == pytest.approx((low, high))
    assert "lhs" in analysis.sensitivity_note and not analysis.sensitivity
    write_report(analysis, tmp_path / "lhs")  # continuous panels draw


# --------------------------------------------------------------------------- (d) failures


def test_failed_runs_are_excluded_counted_and_listed(tmp_path: Path) -> None:
    directory, rows = factorial_sweep(tmp_path / "f", 4, fail=[(0, 1), (5, 3)])

    analysis = analyze(directory)

    assert len(analysis.sweep.ok) == 46 and len(analysis.sweep.failed) == 2
    assert set(analysis.sweep.failed["run_id"]) == {"p0-r1", "p5-r3"}
    ok = rows[rows["status"] == "ok"]
    points = analysis.points[analysis.points["metric"] == LEAD].set_index("point")
    assert points.loc[0, "n"] == 3
    assert points.loc[0, "mean"] == pytest.approx(ok.loc[ok["point"] == 0, LEAD].mean())
    assert points["mean"].max() < 1000  # the failed runs' 1e6 is left out
    # A failed run drops its design cell for every level in that replication, so the
    # level means stay consistent with the paired differences.
    deployment = effect_of(analysis, LEAD, "practices.deployment")
    for level in deployment.levels[1:]:
        gap = level.mean.value - deployment.levels[0].mean.value
        assert level.diff.value == pytest.approx(gap)

    paths = write_report(analysis, directory)
    summary = paths[0].read_text(encoding="utf-8")
    assert "| failed (excluded) | 2 |" in summary
    assert "2 runs failed; they are left out of every number below." in summary
    assert "| p0-r1 | 0 | 1 | Boom: model raised |" in summary


def test_a_metric_without_values_is_reported_not_ranked(tmp_path: Path) -> None:
    directory, _ = factorial_sweep(tmp_path / "f", 3)

    analysis = analyze(directory, metrics=[MTTR])

    assert analysis.metrics == (MTTR,)
    assert analysis.ranking[MTTR] == ()
    assert analysis.points["n"].eq(0).all()
    paths = write_report(analysis, directory)
    summary = paths[0].read_text(encoding="utf-8")
    assert "No finished run has a value of this metric" in summary
    for path in paths:
        if path.suffix == ".png":
            assert png_size(path) == (1920, 1080)


def test_a_metric_missing_from_the_parts_is_all_nan(tmp_path: Path) -> None:
    directory, _ = factorial_sweep(tmp_path / "f", 2)
    spec = json.loads((directory / "_sweep.json").read_text())
    spec["metrics"].append("deployments")  # kept, but no column written
    (directory / "_sweep.json").write_text(json.dumps(spec))

    analysis = analyze(directory, metrics=["deployments", LEAD])

    assert analysis.ranking["deployments"] == ()
    assert analysis.ranking[LEAD]


def test_an_incomplete_sweep_is_analysed_and_says_so(tmp_path: Path) -> None:
    directory, rows = factorial_sweep(tmp_path / "f", 3)
    for part in directory.glob("part-*.parquet"):
        part.unlink()
    rows[rows["point"] != 11].to_parquet(directory / "part-00000.parquet", index=False)

    analysis = analyze(directory, metrics=[LEAD])

    assert len(analysis.sweep.points) == 12  # the declared points, run or not
    assert analysis.points.set_index("point").loc[11, "n"] == 0
    deployment = effect_of(analysis, LEAD, "practices.deployment")
    assert deployment.levels[1].diff.clear  # the other cells still pair
    summary = write_report(analysis, directory)[0].read_text(encoding="utf-8")
    assert "| not run (yet) | 3 |" in summary
    assert "3 runs of the design are not in the results" in summary


# --------------------------------------------------------------------------- (e) report


def test_report_files_charts_and_ranking(tmp_path: Path) -> None:
    directory, _ = factorial_sweep(tmp_path / "f", 4)
    analysis = analyze(directory, metrics=[LEAD, CFR])

    paths = write_report(analysis, directory)

    out = directory / REPORT_DIR
    names = [p.name for p in paths]
    assert names[:3] == ["summary.md", "points.csv", "effects.csv"]
    assert "sensitivity.csv" not in names  # a factorial design has no indices
    for metric in (LEAD, CFR):
        for kind in ("tornado", "main_effects"):
            path = out / f"{kind}_{metric}.png"
            assert path in paths
            assert png_size(path) == (1920, 1080)
            assert path.stat().st_size > 20_000  # drawn, not blank
    assert not list(out.glob(".*.tmp"))  # no temporary files left behind
    assert pd.read_parquet(directory).shape[0] == 48  # pyarrow ignores _analysis/

    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# Sweep analysis: deploy-sweep")
    assert "## What matters most" in summary
    ranking = summary.split("## What matters most")[1].split("## Design points")[0]
    assert ranking.index("1. **`practices.deployment`**") < ranking.index(
        "2. **`org.developers`**"
    ) < ranking.index("3. **`practices.trunk`**")  # fmt: skip
    assert "Not varied: `run.days`." in summary
    assert "## Design points" in summary and "## Main effects" in summary
    assert "this sweep is a `factorial` design" in summary
    assert "| `practices.deployment` | manual |" in summary

    points = pd.read_csv(out / "points.csv")
    assert len(points) == 12 * 2
    assert {"point", "practices.deployment", "metric", "n", "mean", "ci_low", "ci_high"} <= set(
        points.columns
    )
    effects = pd.read_csv(out / "effects.csv")
    swing = effects[(effects["metric"] == LEAD) & (effects["statistic"] == "swing")]
    assert set(swing["factor"]) == {"practices.deployment", "org.developers", "practices.trunk"}
    assert set(effects["statistic"]) == {"mean", "diff", "slope", "swing"}


def test_sobol_and_morris_reports_write_sensitivity_csv(tmp_path: Path) -> None:
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1]] * 2}
    x = morris_sample.sample(problem, 10, num_levels=4, seed=1)
    directory = sampled_sweep(tmp_path / "m", "morris", problem, x, 3 * x[:, 0] + x[:, 1],
                              {"num_levels": 4}, coordinates="x")  # fmt: skip
    paths = write_report(analyze(directory), directory)
    sensitivity = pd.read_csv(directory / REPORT_DIR / "sensitivity.csv")
    assert list(sensitivity["factor"]) == ["a", "b"]
    assert {"mu_star", "mu_star_conf", "sigma", "mu"} <= set(sensitivity.columns)
    summary = paths[0].read_text(encoding="utf-8")
    assert "## Morris screening" in summary and "1. **`a`**: mu* 3.00" in summary
    assert png_size(directory / REPORT_DIR / f"tornado_{LEAD}.png") == (1920, 1080)


# --------------------------------------------------------------------------- (f) CLI


def namespace(directory: Path, metric: Sequence[str] = (), quiet: bool = False) -> Any:
    return argparse.Namespace(directory=str(directory), metric=list(metric), quiet=quiet)


def test_cli_bad_input_names_the_directory_and_key(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ScenarioError) as caught:
        cmd_analyze(namespace(missing))
    assert caught.value.source == str(missing) and "no such directory" in caught.value.problem

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ScenarioError) as caught:
        cmd_analyze(namespace(empty))
    assert (caught.value.source, caught.value.key) == (str(empty), "_sweep.json")
    assert "not a sweep result directory" in caught.value.problem

    directory, _ = factorial_sweep(tmp_path / "f", 2)
    for part in directory.glob("part-*.parquet"):
        part.unlink()
    with pytest.raises(ScenarioError) as caught:
        cmd_analyze(namespace(directory))
    assert (caught.value.source, caught.value.key) == (str(directory), "part-*.parquet")

    directory, _ = factorial_sweep(tmp_path / "g", 2)
    with pytest.raises(ScenarioError) as caught:
        cmd_analyze(namespace(directory, ["lead_time_hours_medain"]))
    assert (caught.value.source, caught.value.key) == (str(directory), "lead_time_hours_medain")
    assert "did you mean 'lead_time_hours_median'?" in caught.value.problem

    (directory / "_sweep.json").write_text("{not json")
    with pytest.raises(ScenarioError) as caught:
        cmd_analyze(namespace(directory))
    assert caught.value.source == str(directory / "_sweep.json")


def test_cli_through_main(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory, _ = factorial_sweep(tmp_path / "f", 3, fail=[(2, 0)])

    assert main(["analyze", str(directory), "--metric", LEAD]) == 0
    out = capsys.readouterr().out
    assert "What matters most: lead_time_hours_median (hours)" in out
    assert "practices.deployment" in out and "p2-r0" in out
    assert f"wrote {directory / REPORT_DIR / 'summary.md'}" in out
    assert f"wrote {directory / REPORT_DIR / f'tornado_{LEAD}.png'}" in out

    assert main(["analyze", str(directory), "-q"]) == 0
    assert capsys.readouterr().out == f"{directory / REPORT_DIR / 'summary.md'}\n"

    assert main(["analyze", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err == f"shipit: {tmp_path / 'nowhere'}: no such directory\n"

    assert main(["analyze", str(directory), "-m", "lead"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"shipit: {directory}: lead: not a metric of this sweep")
    assert err.count("\n") == 1
